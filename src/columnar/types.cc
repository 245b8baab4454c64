#include "columnar/types.h"

#include <utility>

#include "common/strings.h"

namespace sluice {

DataType::DataType(TypeId id, std::vector<Field> fields, TypeRef value_type)
    : id_(id), fields_(std::move(fields)), value_type_(std::move(value_type)) {}

int DataType::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (EqualsIgnoreCase(fields_[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

bool DataType::Equals(const DataType& other) const {
  if (this == &other) return true;
  if (id_ != other.id_) return false;
  switch (id_) {
    case TypeId::kStruct: {
      // Field names and types must match; nullability is a constraint, not part of the type.
      if (fields_.size() != other.fields_.size()) return false;
      for (size_t i = 0; i < fields_.size(); ++i) {
        const Field& a = fields_[i];
        const Field& b = other.fields_[i];
        if (a.name != b.name || !a.type->Equals(*b.type)) return false;
      }
      return true;
    }
    case TypeId::kList:
      return value_type_->Equals(*other.value_type_);
    default:
      return true;
  }
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kBoolean:
      return "BOOLEAN";
    case TypeId::kInt32:
      return "INT";
    case TypeId::kInt64:
      return "BIGINT";
    case TypeId::kDouble:
      return "DOUBLE";
    case TypeId::kString:
      return "STRING";
    case TypeId::kTimestamp:
      return "TIMESTAMP";
    case TypeId::kDate:
      return "DATE";
    case TypeId::kStruct: {
      std::string out = "STRUCT<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i > 0) out += ", ";
        out += fields_[i].name;
        out += ": ";
        out += fields_[i].type->ToString();
      }
      out += ">";
      return out;
    }
    case TypeId::kList:
      return "ARRAY<" + value_type_->ToString() + ">";
  }
  return "?";
}

int DataType::byte_width() const {
  switch (id_) {
    case TypeId::kInt32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
      return 8;
    default:
      return 0;
  }
}

namespace {
TypeRef MakePrimitive(TypeId id) {
  return std::make_shared<DataType>(id, std::vector<Field>{}, nullptr);
}
}  // namespace

TypeRef BooleanType() {
  static const TypeRef kType = MakePrimitive(TypeId::kBoolean);
  return kType;
}
TypeRef Int32Type() {
  static const TypeRef kType = MakePrimitive(TypeId::kInt32);
  return kType;
}
TypeRef Int64Type() {
  static const TypeRef kType = MakePrimitive(TypeId::kInt64);
  return kType;
}
TypeRef DoubleType() {
  static const TypeRef kType = MakePrimitive(TypeId::kDouble);
  return kType;
}
TypeRef StringType() {
  static const TypeRef kType = MakePrimitive(TypeId::kString);
  return kType;
}
TypeRef TimestampType() {
  static const TypeRef kType = MakePrimitive(TypeId::kTimestamp);
  return kType;
}
TypeRef DateType() {
  static const TypeRef kType = MakePrimitive(TypeId::kDate);
  return kType;
}
TypeRef StructType(std::vector<Field> fields) {
  return std::make_shared<DataType>(TypeId::kStruct, std::move(fields), nullptr);
}
TypeRef ListType(TypeRef value_type) {
  return std::make_shared<DataType>(TypeId::kList, std::vector<Field>{}, std::move(value_type));
}

std::optional<TypeRef> PrimitiveTypeFromName(std::string_view name) {
  std::string upper = ToUpper(Trim(name));
  if (upper == "BOOLEAN" || upper == "BOOL") return BooleanType();
  if (upper == "INT" || upper == "INTEGER" || upper == "INT32") return Int32Type();
  if (upper == "BIGINT" || upper == "LONG" || upper == "INT64") return Int64Type();
  if (upper == "DOUBLE" || upper == "FLOAT8" || upper == "FLOAT64") return DoubleType();
  if (upper == "STRING" || upper == "VARCHAR" || upper == "TEXT") return StringType();
  if (upper == "TIMESTAMP") return TimestampType();
  if (upper == "DATE") return DateType();
  return std::nullopt;
}

int Schema::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (EqualsIgnoreCase(fields_[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

bool Schema::Equals(const Schema& other) const {
  if (fields_.size() != other.fields_.size()) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field& a = fields_[i];
    const Field& b = other.fields_[i];
    if (a.name != b.name || a.nullable != b.nullable || !a.type->Equals(*b.type)) return false;
  }
  return true;
}

std::string Schema::ToString() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ", ";
    out += fields_[i].name;
    out += ' ';
    out += fields_[i].type->ToString();
    if (!fields_[i].nullable) out += " NOT NULL";
  }
  return out;
}

}  // namespace sluice
