// Logical types, fields and schemas. Each type has one physical layout, the Arrow one:
//   BOOLEAN   validity + bit-packed values          (Arrow "b")
//   INT       validity + int32 values               (Arrow "i")
//   BIGINT    validity + int64 values               (Arrow "l")
//   DOUBLE    validity + float64 values             (Arrow "g")
//   STRING    validity + int32 offsets + UTF-8 data (Arrow "u")
//   TIMESTAMP validity + int64 microseconds, UTC    (Arrow "tsu:UTC")
//   DATE      validity + int32 days since epoch     (Arrow "tdD")
//   STRUCT<>  validity + one child per field        (Arrow "+s")
//   ARRAY<T>  validity + int32 offsets + one child  (Arrow "+l")
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice {

enum class TypeId : uint8_t {
  kBoolean,
  kInt32,
  kInt64,
  kDouble,
  kString,
  kTimestamp,
  kDate,
  kStruct,
  kList,
};

class DataType;
/// Types are immutable and shared.
using TypeRef = std::shared_ptr<const DataType>;

/// A named, typed, possibly nullable member of a schema or struct.
struct Field {
  std::string name;
  TypeRef type;
  bool nullable = true;
};

/// A logical type. Compare with Equals(), print with ToString() (SQL spelling).
class DataType {
 public:
  DataType(TypeId id, std::vector<Field> fields, TypeRef value_type);

  TypeId id() const { return id_; }
  /// Fields of a STRUCT (empty otherwise).
  const std::vector<Field>& fields() const { return fields_; }
  /// Element type of an ARRAY (null otherwise).
  const TypeRef& value_type() const { return value_type_; }

  /// Index of a STRUCT field by name, case-insensitive; -1 if absent.
  int FieldIndex(std::string_view name) const;
  /// Deep: same id, STRUCT field names (exact) and types, ARRAY element type. Struct field
  /// nullability is not compared (it is a constraint; Schema::Equals compares it at top level).
  bool Equals(const DataType& other) const;
  /// "BOOLEAN", "INT", "BIGINT", "DOUBLE", "STRING", "TIMESTAMP", "DATE",
  /// "STRUCT<os: STRING, browser: STRING>", "ARRAY<STRING>".
  std::string ToString() const;

  bool is_nested() const { return id_ == TypeId::kStruct || id_ == TypeId::kList; }
  bool is_integer() const { return id_ == TypeId::kInt32 || id_ == TypeId::kInt64; }
  bool is_numeric() const { return is_integer() || id_ == TypeId::kDouble; }
  /// Bytes per value for fixed-width types (INT, BIGINT, DOUBLE, TIMESTAMP, DATE); 0 otherwise
  /// (BOOLEAN is bit-packed).
  int byte_width() const;

 private:
  TypeId id_;
  std::vector<Field> fields_;
  TypeRef value_type_;
};

// Factories; the primitive ones return shared singletons.
TypeRef BooleanType();
TypeRef Int32Type();
TypeRef Int64Type();
TypeRef DoubleType();
TypeRef StringType();
TypeRef TimestampType();
TypeRef DateType();
TypeRef StructType(std::vector<Field> fields);
TypeRef ListType(TypeRef value_type);

/// Parses a SQL type name: BOOLEAN/BOOL, INT/INTEGER, BIGINT/LONG, DOUBLE/FLOAT8,
/// STRING/VARCHAR/TEXT, TIMESTAMP, DATE (nested types are parsed by the SQL parser).
/// Case-insensitive.
std::optional<TypeRef> PrimitiveTypeFromName(std::string_view name);

/// An ordered list of fields: the type of a Batch.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  const Field& field(int index) const { return fields_[static_cast<size_t>(index)]; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  /// Index by name, case-insensitive; -1 if absent.
  int FieldIndex(std::string_view name) const;
  bool Equals(const Schema& other) const;
  /// "id BIGINT, name STRING NOT NULL, ..."
  std::string ToString() const;

 private:
  std::vector<Field> fields_;
};

using SchemaRef = std::shared_ptr<const Schema>;

}  // namespace sluice
