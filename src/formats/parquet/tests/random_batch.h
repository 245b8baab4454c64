// Seeded random batches of every Sluice type, for round-trip tests and the DuckDB check tool.
// NULLs at every level, empty and non-ASCII strings, extreme ints and doubles (NaN, ±inf, -0.0),
// empty and NULL lists, lists of lists and of structs, and both low- and high-cardinality
// columns (dictionary and PLAIN pages).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "columnar/builder.h"
#include "columnar/types.h"

namespace sluice::parquet::testing {

/// splitmix64: the same numbers on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int64_t Uniform(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Uniform(100) < percent; }

 private:
  uint64_t state_;
};

/// The schema of RandomBatch.
inline SchemaRef RandomSchema() {
  TypeRef inner = StructType({{"x", DoubleType()}, {"tags", ListType(StringType())}});
  return std::make_shared<Schema>(std::vector<Field>{
      {"b", BooleanType()},
      {"i", Int32Type()},
      {"l", Int64Type()},
      {"d", DoubleType()},
      {"s", StringType()},
      {"ts", TimestampType()},
      {"dt", DateType()},
      {"req", Int64Type(), false},
      {"cat", StringType()},
      {"st", StructType({{"a", Int32Type()}, {"s", StringType()}, {"inner", inner}})},
      {"arr", ListType(Int32Type())},
      {"nested", ListType(ListType(StringType()))},
      {"arr_st", ListType(StructType({{"k", StringType()}, {"v", Int64Type()}}))},
  });
}

namespace internal {

inline std::string RandomString(Random& random) {
  static const char* const kSamples[] = {"",           "a",         "hello",         "héllo wörld",
                                         "日本語",     "🦆 duck", "with\nnewline", "tab\there",
                                         "\"quoted\"", "z"};
  switch (random.Uniform(4)) {
    case 0:
      return kSamples[random.Uniform(10)];
    case 1: {  // long: longer than the statistics truncation
      std::string text(static_cast<size_t>(60 + random.Uniform(60)), 'x');
      for (auto& c : text) c = static_cast<char>('a' + random.Uniform(26));
      return text;
    }
    default: {
      std::string text = "v" + std::to_string(random.Uniform(1000000));
      if (random.Chance(10)) text += "ü";
      return text;
    }
  }
}

inline double RandomDouble(Random& random) {
  switch (random.Uniform(12)) {
    case 0:
      return std::numeric_limits<double>::quiet_NaN();
    case 1:
      return std::numeric_limits<double>::infinity();
    case 2:
      return -std::numeric_limits<double>::infinity();
    case 3:
      return -0.0;
    case 4:
      return std::numeric_limits<double>::max();
    case 5:
      return std::numeric_limits<double>::lowest();
    case 6:
      return std::numeric_limits<double>::denorm_min();
    default:
      return static_cast<double>(random.Uniform(2000000) - 1000000) / 128.0;
  }
}

inline void AppendRandom(ColumnBuilder* builder, const TypeRef& type, Random& random, int depth,
                         bool nullable = true) {
  if (nullable && random.Chance(depth == 0 ? 15 : 20)) {
    builder->AppendNull();
    return;
  }
  switch (type->id()) {
    case TypeId::kBoolean:
      static_cast<BooleanBuilder*>(builder)->Append(random.Chance(50));
      return;
    case TypeId::kInt32: {
      static const int32_t kEdges[] = {std::numeric_limits<int32_t>::min(),
                                       std::numeric_limits<int32_t>::max(), 0, -1, 1};
      const int32_t value = random.Chance(20) ? kEdges[random.Uniform(5)]
                                              : static_cast<int32_t>(random.Uniform(2000) - 1000);
      static_cast<Int32Builder*>(builder)->Append(value);
      return;
    }
    case TypeId::kInt64: {
      static const int64_t kEdges[] = {std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max(), 0, -1, 1};
      const int64_t value = random.Chance(20)
                                ? kEdges[random.Uniform(5)]
                                : static_cast<int64_t>(random.Next() >> 1) - (int64_t{1} << 62);
      static_cast<Int64Builder*>(builder)->Append(value);
      return;
    }
    case TypeId::kDouble:
      static_cast<DoubleBuilder*>(builder)->Append(RandomDouble(random));
      return;
    case TypeId::kString:
      static_cast<StringBuilder*>(builder)->Append(RandomString(random));
      return;
    case TypeId::kTimestamp:  // 1900..2100, microseconds
      static_cast<Int64Builder*>(builder)->Append(-2208988800000000LL +
                                                  random.Uniform(6311390400000000LL));
      return;
    case TypeId::kDate:
      static_cast<Int32Builder*>(builder)->Append(
          static_cast<int32_t>(-25567 + random.Uniform(73049)));
      return;
    case TypeId::kStruct: {
      auto* struct_builder = static_cast<StructBuilder*>(builder);
      for (int i = 0; i < struct_builder->num_children(); ++i) {
        AppendRandom(struct_builder->child(i), type->fields()[static_cast<size_t>(i)].type, random,
                     depth + 1);
      }
      struct_builder->Append();
      return;
    }
    case TypeId::kList: {
      auto* list_builder = static_cast<ListBuilder*>(builder);
      const int64_t count = random.Uniform(depth == 0 ? 5 : 3);
      for (int64_t i = 0; i < count; ++i) {
        AppendRandom(list_builder->values(), type->value_type(), random, depth + 1);
      }
      list_builder->Append();
      return;
    }
  }
}

}  // namespace internal

/// `rows` random rows of RandomSchema(); the same seed gives the same batch.
inline Batch RandomBatch(uint64_t seed, int64_t rows) {
  Random random(seed);
  SchemaRef schema = RandomSchema();
  std::vector<ColumnRef> columns;
  for (const auto& field : schema->fields()) {
    auto builder = ColumnBuilder::Make(field.type);
    for (int64_t row = 0; row < rows; ++row) {
      if (field.name == "cat") {  // low cardinality: dictionary-encoded
        if (random.Chance(10)) {
          builder->AppendNull();
        } else {
          static const char* const kCategories[] = {"click", "view", "purchase", "çà"};
          static_cast<StringBuilder*>(builder.get())->Append(kCategories[random.Uniform(4)]);
        }
        continue;
      }
      if (field.name == "req") {
        static_cast<Int64Builder*>(builder.get())->Append(row);
        continue;
      }
      internal::AppendRandom(builder.get(), field.type, random, 0, field.nullable);
    }
    columns.push_back(builder->Finish());
  }
  auto batch = Batch::Make(schema, std::move(columns), rows);
  return std::move(batch).ValueOrDie();
}

}  // namespace sluice::parquet::testing
