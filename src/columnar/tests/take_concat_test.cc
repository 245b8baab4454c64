// Take and Concatenate on every type, checked against Value on seeded random data.
#include <random>
#include <vector>

#include "columnar/column.h"
#include "columnar/value.h"
#include "random_columns.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

using testing::AllTestTypes;
using testing::ColumnValues;
using testing::RandomValues;

TEST(MakeColumnTest, RoundTripsValuesForEveryType) {
  std::mt19937 rng(1);
  for (const TypeRef& type : AllTestTypes()) {
    SCOPED_TRACE(type->ToString());
    std::vector<Value> values = RandomValues(type, 200, rng);
    ColumnRef column = MakeColumn(type, values);
    ASSERT_EQ(column->length(), 200);
    int64_t nulls = 0;
    for (const Value& v : values) nulls += v.is_null();
    EXPECT_EQ(column->null_count(), nulls);
    EXPECT_EQ(ColumnValues(*column), values);
    // Slices of slices read the same values.
    ColumnRef slice = column->Slice(13, 150)->Slice(7, 100);
    std::vector<Value> expected(values.begin() + 20, values.begin() + 120);
    EXPECT_EQ(ColumnValues(*slice), expected);
    int64_t slice_nulls = 0;
    for (const Value& v : expected) slice_nulls += v.is_null();
    EXPECT_EQ(slice->null_count(), slice_nulls);
  }
}

TEST(TakeTest, EveryTypeIncludingSlices) {
  std::mt19937 rng(2);
  for (const TypeRef& type : AllTestTypes()) {
    SCOPED_TRACE(type->ToString());
    std::vector<Value> values = RandomValues(type, 300, rng);
    ColumnRef column = MakeColumn(type, values);
    for (int64_t slice_offset : {0, 5, 77}) {
      ColumnRef source = column->Slice(slice_offset, 200);
      std::vector<int32_t> indices;
      for (int i = 0; i < 157; ++i) indices.push_back(static_cast<int32_t>(rng() % 200));
      indices.push_back(0);
      indices.push_back(199);
      ColumnRef taken = Take(*source, indices.data(), static_cast<int64_t>(indices.size()));
      ASSERT_EQ(taken->length(), static_cast<int64_t>(indices.size()));
      std::vector<Value> expected;
      int64_t nulls = 0;
      for (int32_t index : indices) {
        expected.push_back(values[static_cast<size_t>(slice_offset + index)]);
        nulls += expected.back().is_null();
      }
      EXPECT_EQ(ColumnValues(*taken), expected);
      EXPECT_EQ(taken->null_count(), nulls);
      // The result is a valid column.
      ASSERT_OK(Column::Make(taken->type(), taken->length(), taken->buffers(), taken->children()));
    }
    // Taking nothing.
    ColumnRef none = Take(*column, nullptr, 0);
    EXPECT_EQ(none->length(), 0);
  }
}

TEST(TakeTest, NoNullsGivesNoValidity) {
  ColumnRef column =
      MakeColumn(Int64Type(), {Value::Int64(10), Value::Int64(20), Value::Int64(30)});
  int32_t indices[] = {2, 2, 0};
  ColumnRef taken = Take(*column, indices, 3);
  EXPECT_EQ(taken->buffers()[0], nullptr);
  EXPECT_EQ(taken->Values<int64_t>()[0], 30);
  EXPECT_EQ(taken->Values<int64_t>()[1], 30);
  EXPECT_EQ(taken->Values<int64_t>()[2], 10);
}

TEST(ConcatenateTest, EveryTypeFromSlices) {
  std::mt19937 rng(3);
  for (const TypeRef& type : AllTestTypes()) {
    SCOPED_TRACE(type->ToString());
    std::vector<Value> values = RandomValues(type, 250, rng);
    ColumnRef column = MakeColumn(type, values);
    // Cut into uneven slices (some empty, odd bit offsets) and glue back.
    std::vector<ColumnRef> parts;
    int64_t pos = 0;
    for (int64_t len : {0, 3, 1, 60, 0, 9, 77, 100}) {
      parts.push_back(column->Slice(pos, len));
      pos += len;
    }
    ASSERT_EQ(pos, 250);
    ASSERT_OK_AND_ASSIGN(ColumnRef joined, Concatenate(parts));
    EXPECT_EQ(joined->length(), 250);
    EXPECT_EQ(joined->null_count(), column->null_count());
    EXPECT_EQ(ColumnValues(*joined), values);
    ASSERT_OK(
        Column::Make(joined->type(), joined->length(), joined->buffers(), joined->children()));

    // Two independent columns, one without nulls.
    std::vector<Value> more = RandomValues(type, 20, rng);
    for (Value& v : more) {
      if (v.is_null()) v = values[0].is_null() ? values[1] : values[0];
    }
    ColumnRef other = MakeColumn(type, more);
    ASSERT_OK_AND_ASSIGN(ColumnRef both, Concatenate({other, column->Slice(1, 10)}));
    std::vector<Value> expected = more;
    expected.insert(expected.end(), values.begin() + 1, values.begin() + 11);
    EXPECT_EQ(ColumnValues(*both), expected);
  }
}

TEST(ConcatenateTest, Errors) {
  ASSERT_RAISES(kInternal, "at least one", Concatenate({}));
  ASSERT_RAISES(kInternal, "cannot concatenate a STRING column to a BIGINT column",
                Concatenate({Value::Int64(1).ToColumn(1), Value::String("x").ToColumn(1)}));
}

}  // namespace
}  // namespace sluice
