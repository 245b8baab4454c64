// Seeded random Values and Columns of any type, for property tests in this folder.
#pragma once

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "columnar/value.h"

namespace sluice {
/// Readable gtest failure messages.
inline void PrintTo(const Value& value, std::ostream* os) {
  *os << value.type()->ToString() << " " << value.ToString();
}
}  // namespace sluice

namespace sluice::testing {

/// Every type the tests sweep: all primitives plus nested combinations.
inline std::vector<TypeRef> AllTestTypes() {
  TypeRef ua = StructType({{"os", StringType(), true}, {"browser", StringType(), true}});
  return {BooleanType(),
          Int32Type(),
          Int64Type(),
          DoubleType(),
          StringType(),
          TimestampType(),
          DateType(),
          ua,
          ListType(Int64Type()),
          ListType(ua),
          StructType({{"id", Int64Type(), false},
                      {"tags", ListType(StringType()), true},
                      {"flag", BooleanType(), true}}),
          ListType(ListType(DoubleType()))};
}

/// A random value of `type`; NULL with probability 1/5 at every level.
inline Value RandomValue(const TypeRef& type, std::mt19937& rng) {
  if (rng() % 5 == 0) return Value(type);
  switch (type->id()) {
    case TypeId::kBoolean:
      return Value::Boolean(rng() % 2 == 0);
    case TypeId::kInt32:
      return Value::Int32(static_cast<int32_t>(rng()));
    case TypeId::kInt64:
      return Value::Int64(static_cast<int64_t>(rng()) * 1000003 - 7);
    case TypeId::kDouble:
      return Value::Double(static_cast<double>(static_cast<int32_t>(rng())) / 64.0);
    case TypeId::kString: {
      static const char* kPieces[] = {
          "", "a", "héllo", "日本", "xyz", "\"q\"", "long string value"};
      std::string s;
      int parts = static_cast<int>(rng() % 3);
      for (int i = 0; i < parts; ++i) s += kPieces[rng() % 7];
      return Value::String(s);
    }
    case TypeId::kTimestamp:
      return Value::Timestamp(static_cast<int64_t>(rng()) * 1000);
    case TypeId::kDate:
      return Value::Date(static_cast<int32_t>(rng() % 40000));
    case TypeId::kStruct: {
      std::vector<Value> children;
      for (const Field& field : type->fields()) children.push_back(RandomValue(field.type, rng));
      return Value::Nested(type, std::move(children));
    }
    case TypeId::kList: {
      std::vector<Value> elements;
      int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) elements.push_back(RandomValue(type->value_type(), rng));
      return Value::Nested(type, std::move(elements));
    }
  }
  return Value(type);
}

inline std::vector<Value> RandomValues(const TypeRef& type, int64_t count, std::mt19937& rng) {
  std::vector<Value> values;
  for (int64_t i = 0; i < count; ++i) values.push_back(RandomValue(type, rng));
  return values;
}

/// Row values of a column, through Value::FromColumn.
inline std::vector<Value> ColumnValues(const Column& column) {
  std::vector<Value> values;
  for (int64_t row = 0; row < column.length(); ++row) {
    values.push_back(Value::FromColumn(column, row));
  }
  return values;
}

}  // namespace sluice::testing
