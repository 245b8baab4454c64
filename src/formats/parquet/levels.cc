#include "formats/parquet/levels.h"

namespace sluice::parquet {

namespace {

/// The slots of one schema node: element -1 is a placeholder for a NULL or empty ancestor.
struct Slots {
  PodVector<int64_t> element;
  PodVector<int16_t> def;
  PodVector<int16_t> rep;
};

/// Applies a node's own NULLs and optionality to its slots.
Status ApplyNulls(const SchemaNode& node, const Column& column, Slots* slots) {
  const size_t count = slots->element.size();
  int64_t* element = slots->element.data();
  int16_t* def = slots->def.data();
  if (column.null_count() == 0) {
    if (node.optional) {  // present wherever the ancestors are: one more definition level
      for (size_t i = 0; i < count; ++i) def[i] = static_cast<int16_t>(def[i] + (element[i] >= 0));
    }
    return Status::OK();
  }
  for (size_t i = 0; i < count; ++i) {
    const int64_t e = element[i];
    if (e < 0) continue;
    if (column.IsNull(e)) {
      if (!node.optional) {
        return Status::Decode("parquet: NULL in the NOT NULL column '{}'", node.name);
      }
      element[i] = -1;
    } else if (node.optional) {
      ++def[i];
    }
  }
  return Status::OK();
}

Status ShredNode(const SchemaNode& node, const ColumnRef& column, Slots slots,
                 ShreddedLeaves* out) {
  RETURN_NOT_OK(ApplyNulls(node, *column, &slots));
  const size_t count = slots.element.size();
  switch (node.kind) {
    case SchemaNode::Kind::kPrimitive: {
      LeafLevels& leaf = out->Add();
      leaf.leaf = column;
      leaf.num_levels = static_cast<int64_t>(count);
      // Present values, compacted without a branch per slot.
      leaf.positions.resize(count + 1);
      int64_t* positions = leaf.positions.data();
      size_t present = 0;
      for (size_t i = 0; i < count; ++i) {
        positions[present] = slots.element[i];
        present += slots.element[i] >= 0;
      }
      leaf.positions.resize(present);
      leaf.num_values = static_cast<int64_t>(present);
      if (node.def_level > 0) leaf.def.swap(slots.def);
      if (node.rep_level > 0) leaf.rep.swap(slots.rep);
      return Status::OK();
    }
    case SchemaNode::Kind::kStruct: {
      for (size_t field = 0; field < node.children.size(); ++field) {
        ColumnRef child = column->StructField(static_cast<int>(field));
        if (field + 1 == node.children.size()) {  // the last child takes the slots
          return ShredNode(*node.children[field], child, std::move(slots), out);
        }
        RETURN_NOT_OK(ShredNode(*node.children[field], child, slots, out));
      }
      return Status::OK();
    }
    case SchemaNode::Kind::kList: {
      Slots elements;
      const int32_t* offsets = column->Offsets();
      // Sized for the elements of the present lists plus one slot per NULL or empty list.
      size_t total = 0;
      for (size_t i = 0; i < count; ++i) {
        const int64_t element = slots.element[i];
        const int32_t length = element >= 0 ? offsets[element + 1] - offsets[element] : 0;
        total += length > 0 ? static_cast<size_t>(length) : 1;
      }
      elements.element.resize(total);
      elements.def.resize(total);
      elements.rep.resize(total);
      int64_t* out_element = elements.element.data();
      int16_t* out_def = elements.def.data();
      int16_t* out_rep = elements.rep.data();
      const auto element_def = static_cast<int16_t>(node.element_def_level);
      const auto element_rep = static_cast<int16_t>(node.element_rep_level);
      for (size_t i = 0; i < count; ++i) {
        const int64_t element = slots.element[i];
        const int32_t begin = element >= 0 ? offsets[element] : 0;
        const int32_t end = element >= 0 ? offsets[element + 1] : 0;
        if (begin == end) {  // NULL or empty list (or a NULL ancestor): one placeholder slot
          *out_element++ = -1;
          *out_def++ = slots.def[i];
          *out_rep++ = slots.rep[i];
          continue;
        }
        for (int32_t k = begin; k < end; ++k) {
          *out_element++ = k;
          *out_def++ = element_def;
          *out_rep++ = element_rep;
        }
        out_rep[begin - end] = slots.rep[i];  // the list's first element starts its record
      }
      return ShredNode(*node.children[0], column->ListValues(), std::move(elements), out);
    }
  }
  return Status::Internal("parquet: unknown schema node");
}

}  // namespace

void ShreddedLeaves::Clear() {
  for (size_t i = 0; i < size_; ++i) leaves_[i].leaf = nullptr;
  size_ = 0;
}

LeafLevels& ShreddedLeaves::Add() {
  if (size_ == leaves_.size()) leaves_.emplace_back();
  LeafLevels& leaf = leaves_[size_++];
  leaf.leaf = nullptr;
  leaf.def.clear();
  leaf.rep.clear();
  leaf.positions.clear();
  leaf.identity = false;
  leaf.all_defined = false;
  leaf.num_levels = 0;
  leaf.num_values = 0;
  return leaf;
}

Status ShredColumn(const SchemaNode& node, const ColumnRef& column, ShreddedLeaves* out) {
  const int64_t rows = column->length();
  if (node.kind == SchemaNode::Kind::kPrimitive) {
    // Flat fast path: levels straight from the validity bitmap.
    LeafLevels& leaf = out->Add();
    leaf.leaf = column;
    leaf.num_levels = rows;
    if (column->null_count() == 0) {
      leaf.identity = true;
      leaf.num_values = rows;
      leaf.all_defined = node.optional;  // no NULLs: every level is 1, not materialized
    } else {
      if (!node.optional) {
        return Status::Decode("parquet: NULL in the NOT NULL column '{}'", node.name);
      }
      const auto count = static_cast<size_t>(rows);
      leaf.def.resize(count);
      leaf.positions.resize(count + 1);
      int16_t* def = leaf.def.data();
      int64_t* positions = leaf.positions.data();
      const uint8_t* validity = column->validity();
      const int64_t offset = column->offset();
      size_t present = 0;
      for (int64_t row = 0; row < rows; ++row) {
        const bool valid = bit_util::GetBit(validity, offset + row);
        def[row] = valid;
        positions[present] = row;
        present += valid;
      }
      leaf.positions.resize(present);
      leaf.num_values = static_cast<int64_t>(present);
    }
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
