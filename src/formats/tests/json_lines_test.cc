#include "formats/json_lines.h"

#include <gtest/gtest.h>

#include "columnar/builder.h"
#include "columnar/value.h"
#include "common/time_util.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

/// A batch from rows of Values (test helper).
Batch MakeBatch(const SchemaRef& schema, const std::vector<std::vector<Value>>& rows) {
  std::vector<ColumnRef> columns;
  for (int col = 0; col < schema->num_fields(); ++col) {
    auto builder = ColumnBuilder::Make(schema->field(col).type);
    for (const auto& row : rows) {
      builder->AppendFrom(*row[static_cast<size_t>(col)].ToColumn(1), 0);
    }
    columns.push_back(builder->Finish());
  }
  auto batch = Batch::Make(schema, std::move(columns), static_cast<int64_t>(rows.size()));
  SLUICE_DCHECK(batch.ok(), batch.status().ToString());
  return *batch;
}

class JsonLinesTest : public ::testing::Test {
 protected:
  JsonLinesTest() {
    device_type_ = StructType({{"os", StringType(), true}, {"browser", StringType(), true}});
    tags_type_ = ListType(StringType());
    schema_ = std::make_shared<Schema>(std::vector<Field>{{"event_id", StringType(), false},
                                                          {"price", DoubleType(), true},
                                                          {"ts", TimestampType(), false},
                                                          {"device", device_type_, true},
                                                          {"tags", tags_type_, true},
                                                          {"qty", Int32Type(), true}});
    const int64_t ts = *ParseTimestampMicros("2024-05-01T12:00:00Z");
    batch_ = MakeBatch(
        schema_,
        {{Value::String("e1"), Value::Double(1.5), Value::Timestamp(ts),
          Value::Nested(device_type_, {Value::String("ios"), Value::String("safari")}),
          Value::Nested(tags_type_, {Value::String("a"), Value::String("b")}), Value::Int32(2)},
         {Value::String("e\"2\n"), Value(DoubleType()), Value::Timestamp(ts + 123000),
          Value(device_type_), Value::Nested(tags_type_, {}), Value(Int32Type())}});
  }

  TypeRef device_type_;
  TypeRef tags_type_;
  SchemaRef schema_;
  Batch batch_;
};

TEST_F(JsonLinesTest, EveryColumn) {
  EXPECT_EQ(EncodeJsonLines(batch_),
            "{\"event_id\":\"e1\",\"price\":1.5,\"ts\":\"2024-05-01T12:00:00Z\","
            "\"device\":{\"os\":\"ios\",\"browser\":\"safari\"},\"tags\":[\"a\",\"b\"],\"qty\":2}\n"
            "{\"event_id\":\"e\\\"2\\n\",\"price\":null,\"ts\":\"2024-05-01T12:00:00.123Z\","
            "\"device\":null,\"tags\":[],\"qty\":null}\n");
}

TEST_F(JsonLinesTest, ChosenColumnsInTheirOrder) {
  JsonLinesEncoder encoder(*schema_, {3, 0});
  std::string out;
  encoder.Encode(batch_, out);
  EXPECT_EQ(out,
            "{\"device\":{\"os\":\"ios\",\"browser\":\"safari\"},\"event_id\":\"e1\"}\n"
            "{\"device\":null,\"event_id\":\"e\\\"2\\n\"}\n");
}

TEST_F(JsonLinesTest, SelectedRowsAppend) {
  JsonLinesEncoder encoder(*schema_, {0, 5});
  std::string out = "prefix\n";
  const int32_t rows[] = {1, 0, 1};
  encoder.EncodeRows(batch_, rows, 3, out);
  EXPECT_EQ(out,
            "prefix\n"
            "{\"event_id\":\"e\\\"2\\n\",\"qty\":null}\n"
            "{\"event_id\":\"e1\",\"qty\":2}\n"
            "{\"event_id\":\"e\\\"2\\n\",\"qty\":null}\n");
}

TEST_F(JsonLinesTest, FieldNamesAreEscapedAndEmptySelectionGivesEmptyObjects) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"we\"ird", Int64Type(), true}});
  Batch batch = MakeBatch(schema, {{Value::Int64(-7)}});
  EXPECT_EQ(EncodeJsonLines(batch), "{\"we\\\"ird\":-7}\n");
  std::string out;
  JsonLinesEncoder(*schema, {}).Encode(batch, out);
  EXPECT_EQ(out, "{}\n");
}

TEST_F(JsonLinesTest, EmptyBatchWritesNothing) {
  EXPECT_EQ(EncodeJsonLines(Batch::Empty(schema_)), "");
}

}  // namespace
}  // namespace sluice
