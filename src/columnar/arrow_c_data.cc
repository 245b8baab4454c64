#include "columnar/arrow_c_data.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sluice {

namespace {

// ---------------------------------------------------------------------------------------------
// Export: private data owns everything the structure points to; release frees it.

struct ExportedSchema {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;  // sized once, so the pointers below stay valid
  std::vector<ArrowSchema*> child_pointers;
};

void ReleaseExportedSchema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  auto* data = static_cast<ExportedSchema*>(schema->private_data);
  for (ArrowSchema* child : data->child_pointers) {
    if (child->release != nullptr) child->release(child);
  }
  delete data;
  schema->release = nullptr;
  schema->private_data = nullptr;
}

const char* FormatOf(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
      return "b";
    case TypeId::kInt32:
      return "i";
    case TypeId::kInt64:
      return "l";
    case TypeId::kDouble:
      return "g";
    case TypeId::kString:
      return "u";
    case TypeId::kTimestamp:
      return "tsu:UTC";
    case TypeId::kDate:
      return "tdD";
    case TypeId::kStruct:
      return "+s";
    case TypeId::kList:
      return "+l";
  }
  return "";
}

// Fills `out` with the given format/name/flags and `fields` as children.
void FillSchema(std::string format, std::string name, int64_t flags,
                const std::vector<Field>& fields, ArrowSchema* out) {
  auto* data = new ExportedSchema;
  data->format = std::move(format);
  data->name = std::move(name);
  data->children.resize(fields.size());
  data->child_pointers.resize(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& field = fields[i];
    ArrowSchema* child = &data->children[i];
    // Nested export cannot fail: every type has a format.
    (void)ExportType(*field.type, field.name, field.nullable, child);
    data->child_pointers[i] = child;
  }
  out->format = data->format.c_str();
  out->name = data->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = static_cast<int64_t>(fields.size());
  out->children = data->child_pointers.empty() ? nullptr : data->child_pointers.data();
  out->dictionary = nullptr;
  out->release = &ReleaseExportedSchema;
  out->private_data = data;
}

struct ExportedArray {
  ColumnRef column;  // keeps every buffer alive
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
};

void ReleaseExportedArray(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  auto* data = static_cast<ExportedArray*>(array->private_data);
  for (ArrowArray* child : data->child_pointers) {
    if (child->release != nullptr) child->release(child);
  }
  delete data;
  array->release = nullptr;
  array->private_data = nullptr;
}

void FillArray(const ColumnRef& column, ArrowArray* out) {
  auto* data = new ExportedArray;
  data->column = column;
  const std::vector<BufferRef>& buffers = column->buffers();
  data->buffers.resize(buffers.size(), nullptr);
  // The validity buffer may be omitted when there are no nulls in this slice.
  if (column->null_count() > 0 && buffers[0] != nullptr) data->buffers[0] = buffers[0]->data();
  for (size_t i = 1; i < buffers.size(); ++i) {
    data->buffers[i] = buffers[i] != nullptr ? buffers[i]->data() : nullptr;
  }
  // Children are exported whole: the parent's offset applies to a struct's children (Arrow
  // semantics), and a list's offsets index its whole values child.
  const std::vector<ColumnRef>& children = column->children();
  data->children.resize(children.size());
  data->child_pointers.resize(children.size());
  for (size_t i = 0; i < children.size(); ++i) {
    FillArray(children[i], &data->children[i]);
    data->child_pointers[i] = &data->children[i];
  }
  out->length = column->length();
  out->null_count = column->null_count();
  out->offset = column->offset();
  out->n_buffers = static_cast<int64_t>(data->buffers.size());
  out->n_children = static_cast<int64_t>(children.size());
  out->buffers = data->buffers.data();
  out->children = data->child_pointers.empty() ? nullptr : data->child_pointers.data();
  out->dictionary = nullptr;
  out->release = &ReleaseExportedArray;
  out->private_data = data;
}

// ---------------------------------------------------------------------------------------------
// Import

/// Owns a moved-in ArrowArray; releasing it when the last imported buffer dies.
struct ImportedArrayGuard {
  ArrowArray array{};
  ~ImportedArrayGuard() {
    if (array.release != nullptr) array.release(&array);
  }
};

BufferRef WrapImported(const void* data, int64_t size, const std::shared_ptr<const void>& owner) {
  if (data == nullptr) return nullptr;  // Column::Make reports it if the buffer was required
  return Buffer::WrapForeign(data, size, owner);
}

Result<ColumnRef> ImportArray(const ArrowArray& array, const TypeRef& type,
                              const std::shared_ptr<const void>& owner) {
  const DataType& t = *type;
  int64_t expected_buffers = t.id() == TypeId::kString ? 3 : (t.id() == TypeId::kStruct ? 1 : 2);
  int64_t expected_children = t.id() == TypeId::kStruct ? static_cast<int64_t>(t.fields().size())
                              : t.id() == TypeId::kList ? 1
                                                        : 0;
  if (array.n_buffers != expected_buffers) {
    return Status::Decode("Arrow array for {} has {} buffers, {} expected", t.ToString(),
                          array.n_buffers, expected_buffers);
  }
  if (array.n_children != expected_children) {
    return Status::Decode("Arrow array for {} has {} children, {} expected", t.ToString(),
                          array.n_children, expected_children);
  }
  if (array.dictionary != nullptr) {
    return Status::Decode("dictionary-encoded Arrow arrays are not supported");
  }
  if (array.length < 0 || array.offset < 0) {
    return Status::Decode("Arrow array with negative length {} or offset {}", array.length,
                          array.offset);
  }
  const int64_t end = array.offset + array.length;
  std::vector<BufferRef> buffers;
  buffers.push_back(array.null_count == 0
                        ? nullptr
                        : WrapImported(array.buffers[0], bit_util::BytesForBits(end), owner));
  std::vector<ColumnRef> children;
  switch (t.id()) {
    case TypeId::kBoolean:
      buffers.push_back(WrapImported(array.buffers[1], bit_util::BytesForBits(end), owner));
      break;
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
    case TypeId::kDate:
      buffers.push_back(WrapImported(array.buffers[1], end * t.byte_width(), owner));
      break;
    case TypeId::kString: {
      const auto* offsets = static_cast<const int32_t*>(array.buffers[1]);
      buffers.push_back(WrapImported(offsets, (end + 1) * 4, owner));
      int64_t data_size = offsets != nullptr ? std::max<int32_t>(0, offsets[end]) : 0;
      buffers.push_back(WrapImported(array.buffers[2], data_size, owner));
      break;
    }
    case TypeId::kList:
      buffers.push_back(WrapImported(array.buffers[1], (end + 1) * 4, owner));
      if (array.children[0] == nullptr) return Status::Decode("Arrow list array without values");
      {
        ASSIGN_OR_RETURN(ColumnRef values, ImportArray(*array.children[0], t.value_type(), owner));
        children.push_back(std::move(values));
      }
      break;
    case TypeId::kStruct:
      for (size_t i = 0; i < t.fields().size(); ++i) {
        if (array.children[i] == nullptr) return Status::Decode("Arrow struct child {} is null", i);
        ASSIGN_OR_RETURN(ColumnRef child,
                         ImportArray(*array.children[i], t.fields()[i].type, owner));
        children.push_back(std::move(child));
      }
      break;
  }
  return Column::Make(type, array.length, std::move(buffers), std::move(children), array.null_count,
                      array.offset);
}

}  // namespace

Status ExportType(const DataType& type, const std::string& name, bool nullable, ArrowSchema* out) {
  if (out == nullptr) return Status::Internal("ExportType: null output");
  int64_t flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  if (type.id() == TypeId::kList) {
    FillSchema(FormatOf(type.id()), name, flags, {Field{"item", type.value_type(), true}}, out);
  } else {
    FillSchema(FormatOf(type.id()), name, flags, type.fields(), out);
  }
  return Status::OK();
}

Status ExportSchema(const Schema& schema, ArrowSchema* out) {
  if (out == nullptr) return Status::Internal("ExportSchema: null output");
  FillSchema("+s", "", 0, schema.fields(), out);
  return Status::OK();
}

Status ExportColumn(const ColumnRef& column, ArrowArray* out) {
  if (column == nullptr || out == nullptr) return Status::Internal("ExportColumn: null argument");
  FillArray(column, out);
  return Status::OK();
}

Status ExportBatch(const Batch& batch, ArrowSchema* out_schema, ArrowArray* out_array) {
  if (out_schema == nullptr || out_array == nullptr) {
    return Status::Internal("ExportBatch: null output");
  }
  auto column =
      std::make_shared<const Column>(StructType(batch.schema()->fields()), batch.num_rows(), 0, 0,
                                     std::vector<BufferRef>{nullptr}, batch.columns());
  RETURN_NOT_OK(ExportSchema(*batch.schema(), out_schema));
  FillArray(column, out_array);
  return Status::OK();
}

Result<TypeRef> ImportType(const ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) {
    return Status::Decode("Arrow schema is null or released");
  }
  if (schema->dictionary != nullptr) {
    return Status::Decode("dictionary-encoded Arrow field '{}' is not supported",
                          schema->name ? schema->name : "");
  }
  std::string_view format = schema->format != nullptr ? schema->format : "";
  if (format == "b") return BooleanType();
  if (format == "i") return Int32Type();
  if (format == "l") return Int64Type();
  if (format == "g") return DoubleType();
  if (format == "u") return StringType();
  if (format.starts_with("tsu:")) return TimestampType();  // any zone: values are UTC instants
  if (format == "tdD") return DateType();
  if (format == "+s") {
    std::vector<Field> fields;
    for (int64_t i = 0; i < schema->n_children; ++i) {
      const ArrowSchema* child = schema->children[i];
      ASSIGN_OR_RETURN(TypeRef child_type, ImportType(child));
      fields.push_back(Field{child->name != nullptr ? child->name : "", std::move(child_type),
                             (child->flags & ARROW_FLAG_NULLABLE) != 0});
    }
    return StructType(std::move(fields));
  }
  if (format == "+l") {
    if (schema->n_children != 1) return Status::Decode("Arrow list schema needs one child");
    ASSIGN_OR_RETURN(TypeRef value_type, ImportType(schema->children[0]));
    return ListType(std::move(value_type));
  }
  return Status::Decode("unsupported Arrow format '{}' for field '{}'", format,
                        schema->name ? schema->name : "");
}

Result<ColumnRef> ImportColumn(ArrowArray* array, const TypeRef& type) {
  if (array == nullptr || array->release == nullptr) {
    return Status::Decode("Arrow array is null or released");
  }
  auto guard = std::make_shared<ImportedArrayGuard>();
  guard->array = *array;
  array->release = nullptr;  // moved: the guard releases it once the last buffer is gone
  return ImportArray(guard->array, type, guard);
}

Result<Batch> ImportBatch(ArrowArray* array, const ArrowSchema* schema) {
  if (array == nullptr || array->release == nullptr) {
    return Status::Decode("Arrow array is null or released");
  }
  Result<TypeRef> type = ImportType(schema);
  if (!type.ok() || (*type)->id() != TypeId::kStruct) {
    // The array is ours now (see ImportColumn): release it on every path.
    array->release(array);
    array->release = nullptr;
    if (!type.ok()) return type.status();
    return Status::Decode("Arrow batch schema must be a struct (\"+s\"), got '{}'",
                          schema->format != nullptr ? schema->format : "");
  }
  ASSIGN_OR_RETURN(ColumnRef column, ImportColumn(array, *type));
  if (column->null_count() > 0) {
    return Status::Decode("Arrow batch has {} NULL rows at the top level", column->null_count());
  }
  auto batch_schema = std::make_shared<const Schema>((*type)->fields());
  std::vector<ColumnRef> columns;
  for (int i = 0; i < batch_schema->num_fields(); ++i) columns.push_back(column->StructField(i));
  return Batch::Make(std::move(batch_schema), std::move(columns), column->length());
}

}  // namespace sluice
