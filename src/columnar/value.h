// Value: one scalar of any type, for literals, tests and display. Never used on a hot path.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "columnar/batch.h"
#include "columnar/column.h"
#include "columnar/types.h"

namespace sluice {

class Value {
 public:
  /// NULL of the given type.
  explicit Value(TypeRef type) : type_(std::move(type)) {}
  static Value Boolean(bool v) { return Value(BooleanType(), v); }
  static Value Int32(int32_t v) { return Value(Int32Type(), v); }
  static Value Int64(int64_t v) { return Value(Int64Type(), v); }
  static Value Double(double v) { return Value(DoubleType(), v); }
  static Value String(std::string v) { return Value(StringType(), std::move(v)); }
  static Value Timestamp(int64_t micros) { return Value(TimestampType(), micros); }
  static Value Date(int32_t days) { return Value(DateType(), days); }
  /// STRUCT (one Value per field) or ARRAY (the elements).
  static Value Nested(TypeRef type, std::vector<Value> children) {
    return Value(std::move(type), std::move(children));
  }
  /// Row `row` of `column`.
  static Value FromColumn(const Column& column, int64_t row);

  const TypeRef& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  bool boolean() const { return std::get<bool>(data_); }
  int32_t int32() const { return std::get<int32_t>(data_); }  // INT, DATE
  int64_t int64() const { return std::get<int64_t>(data_); }  // BIGINT, TIMESTAMP
  double float64() const { return std::get<double>(data_); }
  const std::string& string() const { return std::get<std::string>(data_); }
  const std::vector<Value>& children() const { return std::get<std::vector<Value>>(data_); }

  /// A column of `length` copies of this value.
  ColumnRef ToColumn(int64_t length) const;
  /// SQL display text: NULL, true, 42, 1.5, 2.0, abc, 2024-05-01 12:00:00,
  /// {os: ios, browser: x}, [1, 2].
  std::string ToString() const;
  bool operator==(const Value& other) const;

 private:
  using Data =
      std::variant<std::monostate, bool, int32_t, int64_t, double, std::string, std::vector<Value>>;
  template <typename T>
  Value(TypeRef type, T v) : type_(std::move(type)), data_(std::move(v)) {}

  TypeRef type_;
  Data data_;
};

/// A column of `type` holding `values` in order (each NULL or of `type`); for tests and literals.
ColumnRef MakeColumn(const TypeRef& type, const std::vector<Value>& values);

/// Appends the display text of one cell to `out` (same spelling as Value::ToString()).
/// DOUBLE prints the shortest text that reads back to the same double ("1.5", "0.1", "1e+20"),
/// with ".0" on integral values ("2.0"); non-finite values print NaN, Infinity, -Infinity.
void AppendCellText(const Column& column, int64_t row, std::string& out);
/// Appends one cell as JSON: null, true, 42, 1.5, "text", "2024-05-01T12:00:00Z" (ISO-8601),
/// "2024-05-01", {"os":"ios"}, [1,2]. NaN and infinities are written as the strings "NaN",
/// "Infinity", "-Infinity", as Spark's JSON writer does.
void AppendCellJson(const Column& column, int64_t row, std::string& out);

/// Display text of a whole batch, one row per line, cells separated by '|' (test format).
std::string BatchToRowsText(const Batch& batch);

}  // namespace sluice
