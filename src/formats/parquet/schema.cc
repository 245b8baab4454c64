#include "formats/parquet/schema.h"

#include <functional>

namespace sluice::parquet {

namespace {

PhysicalType PhysicalOf(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
      return PhysicalType::kBoolean;
    case TypeId::kInt32:
    case TypeId::kDate:
      return PhysicalType::kInt32;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return PhysicalType::kInt64;
    case TypeId::kDouble:
      return PhysicalType::kDouble;
    default:
      return PhysicalType::kByteArray;
  }
}

std::unique_ptr<SchemaNode> NodeFor(const std::string& name, const TypeRef& type, bool optional) {
  auto node = std::make_unique<SchemaNode>();
  node->name = name;
  node->type = type;
  node->optional = optional;
  if (type->id() == TypeId::kStruct) {
    node->kind = SchemaNode::Kind::kStruct;
    for (const auto& field : type->fields()) {
      node->children.push_back(NodeFor(field.name, field.type, field.nullable));
    }
  } else if (type->id() == TypeId::kList) {
    node->kind = SchemaNode::Kind::kList;
    node->children.push_back(NodeFor("element", type->value_type(), true));
  }
  return node;
}

/// Assigns levels depth-first.
void AssignLevels(SchemaNode* node, int16_t parent_def, int16_t parent_rep) {
  node->def_level = static_cast<int16_t>(parent_def + (node->optional ? 1 : 0));
  node->rep_level = parent_rep;
  if (node->kind == SchemaNode::Kind::kList) {
    node->element_def_level = static_cast<int16_t>(node->def_level + 1);
    node->element_rep_level = static_cast<int16_t>(parent_rep + 1);
    AssignLevels(node->children[0].get(), node->element_def_level, node->element_rep_level);
  } else {
    for (auto& child : node->children) AssignLevels(child.get(), node->def_level, parent_rep);
  }
}

}  // namespace

void ParquetSchema::Finish() {
  std::vector<const SchemaNode*> path;
  std::vector<std::string> names;
  std::function<void(SchemaNode*)> visit = [&](SchemaNode* node) {
    path.push_back(node);
    names.push_back(node->name);
    if (node->kind == SchemaNode::Kind::kList) {
      names.back() = node->name;
      names.push_back("list");
    }
    node->first_leaf = static_cast<int>(leaves_.size());
    if (node->kind == SchemaNode::Kind::kPrimitive) {
      node->leaf_index = static_cast<int>(leaves_.size());
      LeafColumn leaf;
      leaf.node = node;
      leaf.path = path;
      leaf.path_in_schema = names;
      leaf.physical = PhysicalOf(node->type->id());
      leaf.max_def = node->def_level;
      leaf.max_rep = node->rep_level;
      leaves_.push_back(std::move(leaf));
    }
    for (auto& child : node->children) visit(child.get());
    if (node->kind == SchemaNode::Kind::kList) names.pop_back();
    names.pop_back();
    path.pop_back();
  };
  for (auto& field : fields_) {
    AssignLevels(field.get(), 0, 0);
    visit(field.get());
  }
}

Result<std::shared_ptr<const ParquetSchema>> ParquetSchema::FromSchema(const SchemaRef& schema) {
  auto result = std::make_shared<ParquetSchema>();
  result->schema_ = schema;
  for (const auto& field : schema->fields()) {
    result->fields_.push_back(NodeFor(field.name, field.type, field.nullable));
  }
  result->Finish();
  if (result->leaves_.empty()) return Status::Config("parquet: a schema without columns");
  return std::shared_ptr<const ParquetSchema>(std::move(result));
}

std::vector<SchemaElement> ParquetSchema::ToElements() const {
  std::vector<SchemaElement> elements;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(fields_.size());
  elements.push_back(root);
  std::function<void(const SchemaNode&)> visit = [&](const SchemaNode& node) {
    SchemaElement element;
    element.name = node.name;
    element.repetition = node.optional ? Repetition::kOptional : Repetition::kRequired;
    switch (node.kind) {
      case SchemaNode::Kind::kStruct:
        element.num_children = static_cast<int32_t>(node.children.size());
        elements.push_back(element);
        for (const auto& child : node.children) visit(*child);
        return;
      case SchemaNode::Kind::kList: {
        element.num_children = 1;
        element.converted_type = ConvertedType::kList;
        element.logical_type.kind = LogicalType::kList;
        elements.push_back(element);
        SchemaElement repeated;
        repeated.name = "list";
        repeated.repetition = Repetition::kRepeated;
        repeated.num_children = 1;
        elements.push_back(repeated);
        visit(*node.children[0]);
        return;
      }
      case SchemaNode::Kind::kPrimitive:
        break;
    }
    element.type = PhysicalOf(node.type->id());
    switch (node.type->id()) {
      case TypeId::kString:
        element.converted_type = ConvertedType::kUtf8;
        element.logical_type.kind = LogicalType::kString;
        break;
      case TypeId::kInt32:
        element.converted_type = ConvertedType::kInt32;
        element.logical_type.kind = LogicalType::kInteger;
        element.logical_type.bit_width = 32;
        break;
      case TypeId::kInt64:
        element.converted_type = ConvertedType::kInt64;
        element.logical_type.kind = LogicalType::kInteger;
        element.logical_type.bit_width = 64;
        break;
      case TypeId::kTimestamp:
        element.converted_type = ConvertedType::kTimestampMicros;
        element.logical_type.kind = LogicalType::kTimestamp;
        element.logical_type.is_adjusted_to_utc = true;
        element.logical_type.time_unit = 2;
        break;
      case TypeId::kDate:
        element.converted_type = ConvertedType::kDate;
        element.logical_type.kind = LogicalType::kDate;
        break;
      default:
        break;
    }
    elements.push_back(element);
  };
  for (const auto& field : fields_) visit(*field);
  return elements;
}

namespace {

struct ElementCursor {
  const std::vector<SchemaElement>& elements;
  size_t next = 1;
  int depth = 0;
};

Result<TypeRef> PrimitiveType(const SchemaElement& element) {
  const auto& logical = element.logical_type;
  switch (*element.type) {
    case PhysicalType::kBoolean:
      return BooleanType();
    case PhysicalType::kInt32:
      if (logical.kind == LogicalType::kDate || element.converted_type == ConvertedType::kDate) {
        return DateType();
      }
      return Int32Type();
    case PhysicalType::kInt64:
      if (logical.kind == LogicalType::kTimestamp ||
          element.converted_type == ConvertedType::kTimestampMicros) {
        if (logical.kind == LogicalType::kTimestamp && logical.time_unit != 2) {
          return Status::Decode("parquet: column '{}': only MICROS timestamps are supported",
                                element.name);
        }
        return TimestampType();
      }
      return Int64Type();
    case PhysicalType::kDouble:
      return DoubleType();
    case PhysicalType::kByteArray:
      return StringType();
    default:
      return Status::Decode("parquet: column '{}' has unsupported type {}", element.name,
                            PhysicalTypeName(*element.type));
  }
}

Result<std::unique_ptr<SchemaNode>> ParseNode(ElementCursor& cursor) {
  if (cursor.next >= cursor.elements.size()) return Status::Decode("parquet: schema ends early");
  if (++cursor.depth > 64) return Status::Decode("parquet: schema nested too deep");
  const SchemaElement& element = cursor.elements[cursor.next++];
  auto node = std::make_unique<SchemaNode>();
  node->name = element.name;
  const Repetition repetition = element.repetition.value_or(Repetition::kOptional);
  node->optional = repetition == Repetition::kOptional;
  const bool is_list = element.converted_type == ConvertedType::kList ||
                       element.logical_type.kind == LogicalType::kList;
  if (repetition == Repetition::kRepeated) {
    return Status::Decode("parquet: repeated field '{}' outside a LIST is not supported",
                          element.name);
  }
  if (element.num_children == 0) {
    if (!element.type) return Status::Decode("parquet: leaf '{}' without a type", element.name);
    ASSIGN_OR_RETURN(node->type, PrimitiveType(element));
  } else if (is_list) {
    if (element.num_children != 1) return Status::Decode("parquet: LIST with several children");
    if (cursor.next >= cursor.elements.size()) return Status::Decode("parquet: schema ends early");
    const SchemaElement& repeated = cursor.elements[cursor.next];
    if (repeated.repetition != Repetition::kRepeated) {
      return Status::Decode("parquet: LIST '{}' without a repeated child", element.name);
    }
    if (repeated.num_children == 1) {
      ++cursor.next;
      ASSIGN_OR_RETURN(auto child, ParseNode(cursor));
      node->children.push_back(std::move(child));
    } else {
      return Status::Decode("parquet: LIST '{}' of an unsupported shape", element.name);
    }
    node->kind = SchemaNode::Kind::kList;
    node->type = ListType(node->children[0]->type);
  } else {
    node->kind = SchemaNode::Kind::kStruct;
    std::vector<Field> fields;
    for (int32_t i = 0; i < element.num_children; ++i) {
      ASSIGN_OR_RETURN(auto child, ParseNode(cursor));
      fields.push_back({child->name, child->type, child->optional});
      node->children.push_back(std::move(child));
    }
    node->type = StructType(std::move(fields));
  }
  --cursor.depth;
  return node;
}

}  // namespace

Result<std::shared_ptr<const ParquetSchema>> ParquetSchema::FromElements(
    const std::vector<SchemaElement>& elements) {
  if (elements.empty() || elements[0].num_children <= 0) {
    return Status::Decode("parquet: empty schema");
  }
  auto result = std::make_shared<ParquetSchema>();
  ElementCursor cursor{elements};
  std::vector<Field> fields;
  for (int32_t i = 0; i < elements[0].num_children; ++i) {
    ASSIGN_OR_RETURN(auto node, ParseNode(cursor));
    fields.push_back({node->name, node->type, node->optional});
    result->fields_.push_back(std::move(node));
  }
  if (cursor.next != elements.size()) return Status::Decode("parquet: extra schema elements");
  result->schema_ = std::make_shared<Schema>(std::move(fields));
  result->Finish();
  return std::shared_ptr<const ParquetSchema>(std::move(result));
}

}  // namespace sluice::parquet
