#include "formats/parquet/levels.h"

namespace sluice::parquet {

namespace {

/// The slots of one schema node: element -1 is a placeholder for a NULL or empty ancestor.
struct Slots {
  std::vector<int64_t> element;
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
};

Status ShredNode(const SchemaNode& node, const ColumnRef& column, Slots slots,
                 std::vector<LeafLevels>* out) {
  const size_t count = slots.element.size();
  // This node's own NULLs.
  if (column->null_count() > 0 || node.optional) {
    for (size_t i = 0; i < count; ++i) {
      const int64_t element = slots.element[i];
      if (element < 0) continue;
      if (column->IsNull(element)) {
        if (!node.optional) {
          return Status::Decode("parquet: NULL in the NOT NULL column '{}'", node.name);
        }
        slots.element[i] = -1;
      } else if (node.optional) {
        ++slots.def[i];
      }
    }
  }
  switch (node.kind) {
    case SchemaNode::Kind::kPrimitive: {
      LeafLevels leaf;
      leaf.leaf = column;
      leaf.num_levels = static_cast<int64_t>(count);
      leaf.positions.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        if (slots.element[i] >= 0) leaf.positions.push_back(slots.element[i]);
      }
      leaf.num_values = static_cast<int64_t>(leaf.positions.size());
      if (node.def_level > 0) leaf.def = std::move(slots.def);
      if (node.rep_level > 0) leaf.rep = std::move(slots.rep);
      out->push_back(std::move(leaf));
      return Status::OK();
    }
    case SchemaNode::Kind::kStruct: {
      for (size_t field = 0; field < node.children.size(); ++field) {
        ColumnRef child = column->StructField(static_cast<int>(field));
        RETURN_NOT_OK(ShredNode(*node.children[field], child, slots, out));
      }
      return Status::OK();
    }
    case SchemaNode::Kind::kList: {
      Slots elements;
      elements.element.reserve(count);
      elements.def.reserve(count);
      elements.rep.reserve(count);
      const int32_t* offsets = column->Offsets();
      for (size_t i = 0; i < count; ++i) {
        const int64_t element = slots.element[i];
        const int32_t begin = element >= 0 ? offsets[element] : 0;
        const int32_t end = element >= 0 ? offsets[element + 1] : 0;
        if (element < 0 || begin == end) {
          elements.element.push_back(-1);
          elements.def.push_back(slots.def[i]);
          elements.rep.push_back(slots.rep[i]);
          continue;
        }
        for (int32_t k = begin; k < end; ++k) {
          elements.element.push_back(k);
          elements.def.push_back(node.element_def_level);
          elements.rep.push_back(k == begin ? slots.rep[i] : node.element_rep_level);
        }
      }
      return ShredNode(*node.children[0], column->ListValues(), std::move(elements), out);
    }
  }
  return Status::Internal("parquet: unknown schema node");
}

}  // namespace

Status ShredColumn(const SchemaNode& node, const ColumnRef& column, std::vector<LeafLevels>* out) {
  const int64_t rows = column->length();
  if (node.kind == SchemaNode::Kind::kPrimitive) {
    // Flat fast path: levels straight from the validity bitmap.
    LeafLevels leaf;
    leaf.leaf = column;
    leaf.num_levels = rows;
    if (column->null_count() == 0) {
      leaf.identity = true;
      leaf.num_values = rows;
      if (node.optional) leaf.def.assign(static_cast<size_t>(rows), 1);
    } else {
      if (!node.optional) {
        return Status::Decode("parquet: NULL in the NOT NULL column '{}'", node.name);
      }
      leaf.def.resize(static_cast<size_t>(rows));
      leaf.positions.reserve(static_cast<size_t>(rows - column->null_count()));
      for (int64_t row = 0; row < rows; ++row) {
        const bool valid = column->IsValid(row);
        leaf.def[static_cast<size_t>(row)] = valid ? 1 : 0;
        if (valid) leaf.positions.push_back(row);
      }
      leaf.num_values = static_cast<int64_t>(leaf.positions.size());
    }
    out->push_back(std::move(leaf));
    return Status::OK();
  }
  Slots slots;
  slots.element.resize(static_cast<size_t>(rows));
  for (int64_t row = 0; row < rows; ++row) slots.element[static_cast<size_t>(row)] = row;
  slots.def.assign(static_cast<size_t>(rows), 0);
  slots.rep.assign(static_cast<size_t>(rows), 0);
  return ShredNode(node, column, std::move(slots), out);
}

}  // namespace sluice::parquet
