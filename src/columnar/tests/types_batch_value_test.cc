// Types and schemas, Batch, Value and cell text/JSON spelling.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "columnar/builder.h"
#include "columnar/value.h"
#include "common/time_util.h"
#include "random_columns.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

TypeRef UserAgentType() {
  return StructType({{"os", StringType(), true}, {"browser", StringType(), true}});
}

TEST(TypesTest, ToStringAndEquals) {
  EXPECT_EQ(UserAgentType()->ToString(), "STRUCT<os: STRING, browser: STRING>");
  EXPECT_EQ(ListType(Int64Type())->ToString(), "ARRAY<BIGINT>");
  EXPECT_EQ(ListType(ListType(DateType()))->ToString(), "ARRAY<ARRAY<DATE>>");
  EXPECT_EQ(Int32Type()->ToString(), "INT");
  EXPECT_EQ(DoubleType()->ToString(), "DOUBLE");
  EXPECT_EQ(Int64Type(), Int64Type());  // singletons
  EXPECT_TRUE(UserAgentType()->Equals(*UserAgentType()));
  EXPECT_TRUE(ListType(UserAgentType())->Equals(*ListType(UserAgentType())));
  EXPECT_FALSE(ListType(Int64Type())->Equals(*ListType(Int32Type())));
  EXPECT_FALSE(UserAgentType()->Equals(*StructType({{"os", StringType(), true}})));
  EXPECT_FALSE(UserAgentType()->Equals(
      *StructType({{"os", StringType(), true}, {"agent", StringType(), true}})));
  EXPECT_FALSE(Int64Type()->Equals(*TimestampType()));
  EXPECT_EQ(UserAgentType()->FieldIndex("BROWSER"), 1);
  EXPECT_EQ(UserAgentType()->FieldIndex("device"), -1);
  EXPECT_EQ(TimestampType()->byte_width(), 8);
  EXPECT_EQ(DateType()->byte_width(), 4);
  EXPECT_EQ(BooleanType()->byte_width(), 0);
}

TEST(TypesTest, PrimitiveTypeFromName) {
  struct Case {
    const char* name;
    TypeRef type;
  };
  for (const Case& c : std::vector<Case>{{"boolean", BooleanType()},
                                         {"BOOL", BooleanType()},
                                         {"int", Int32Type()},
                                         {"Integer", Int32Type()},
                                         {"INT32", Int32Type()},
                                         {"bigint", Int64Type()},
                                         {"LONG", Int64Type()},
                                         {"int64", Int64Type()},
                                         {"double", DoubleType()},
                                         {"FLOAT8", DoubleType()},
                                         {"float64", DoubleType()},
                                         {"string", StringType()},
                                         {"VARCHAR", StringType()},
                                         {"text", StringType()},
                                         {"timestamp", TimestampType()},
                                         {"DATE", DateType()}}) {
    auto type = PrimitiveTypeFromName(c.name);
    ASSERT_TRUE(type.has_value()) << c.name;
    EXPECT_EQ(*type, c.type) << c.name;
  }
  EXPECT_FALSE(PrimitiveTypeFromName("decimal").has_value());
  EXPECT_FALSE(PrimitiveTypeFromName("STRUCT").has_value());
}

TEST(SchemaTest, ToStringIndexEquals) {
  Schema schema({{"id", Int64Type(), false}, {"name", StringType(), true}});
  EXPECT_EQ(schema.ToString(), "id BIGINT NOT NULL, name STRING");
  EXPECT_EQ(schema.FieldIndex("NAME"), 1);
  EXPECT_EQ(schema.FieldIndex("x"), -1);
  EXPECT_TRUE(schema.Equals(Schema({{"id", Int64Type(), false}, {"name", StringType(), true}})));
  EXPECT_FALSE(schema.Equals(Schema({{"id", Int64Type(), true}, {"name", StringType(), true}})));
  EXPECT_FALSE(schema.Equals(Schema({{"id", Int64Type(), false}})));
}

SchemaRef TestSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"id", Int64Type(), false}, {"name", StringType(), true}, {"price", DoubleType(), true}});
}

TEST(BatchTest, MakeErrors) {
  ColumnRef ids = MakeColumn(Int64Type(), {Value::Int64(1), Value::Int64(2)});
  ColumnRef names = MakeColumn(StringType(), {Value::String("a"), Value(StringType())});
  ColumnRef prices = MakeColumn(DoubleType(), {Value::Double(1.5), Value::Double(2)});
  ASSERT_OK_AND_ASSIGN(Batch batch, Batch::Make(TestSchema(), {ids, names, prices}, 2));
  EXPECT_EQ(batch.num_rows(), 2);
  EXPECT_EQ(batch.num_columns(), 3);
  EXPECT_EQ(BatchToRowsText(batch), "1|a|1.5\n2|NULL|2.0\n");

  ASSERT_RAISES(kInternal, "batch has 2 columns, schema has 3 fields",
                Batch::Make(TestSchema(), {ids, names}, 2));
  ASSERT_RAISES(kInternal, "column 2 ('price') has type BIGINT, schema says DOUBLE",
                Batch::Make(TestSchema(), {ids, names, ids}, 2));
  ASSERT_RAISES(kInternal, "column 1 ('name') has 1 rows, batch has 2",
                Batch::Make(TestSchema(), {ids, names->Slice(0, 1), prices}, 2));
  ASSERT_RAISES(kInternal, "column 0 ('id') is missing",
                Batch::Make(TestSchema(), {nullptr, names, prices}, 2));
}

TEST(BatchTest, EmptySliceTakeConcatenateByteSize) {
  Batch empty = Batch::Empty(TestSchema());
  EXPECT_EQ(empty.num_rows(), 0);
  EXPECT_EQ(empty.num_columns(), 3);
  EXPECT_EQ(BatchToRowsText(empty), "");

  std::vector<Value> ids, names, prices;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(Value::Int64(i));
    names.push_back(i == 4 ? Value(StringType()) : Value::String("n" + std::to_string(i)));
    prices.push_back(Value::Double(i * 0.25));
  }
  ASSERT_OK_AND_ASSIGN(Batch batch,
                       Batch::Make(TestSchema(),
                                   {MakeColumn(Int64Type(), ids), MakeColumn(StringType(), names),
                                    MakeColumn(DoubleType(), prices)},
                                   10));
  Batch slice = batch.Slice(3, 3);
  EXPECT_EQ(BatchToRowsText(slice), "3|n3|0.75\n4|NULL|1.0\n5|n5|1.25\n");
  int32_t indices[] = {9, 4, 0};
  EXPECT_EQ(BatchToRowsText(batch.Take(indices, 3)), "9|n9|2.25\n4|NULL|1.0\n0|n0|0.0\n");
  ASSERT_OK_AND_ASSIGN(Batch joined, Batch::Concatenate({slice, empty, batch.Slice(9, 1)}));
  EXPECT_EQ(joined.num_rows(), 4);
  EXPECT_EQ(BatchToRowsText(joined), "3|n3|0.75\n4|NULL|1.0\n5|n5|1.25\n9|n9|2.25\n");
  EXPECT_EQ(joined.column(1)->null_count(), 1);

  auto other_schema = std::make_shared<Schema>(std::vector<Field>{{"id", Int64Type(), false}});
  ASSERT_RAISES(kInternal, "cannot concatenate",
                Batch::Concatenate({batch, Batch::Empty(other_schema)}));

  // ids 80 bytes + names (validity 2, offsets 44, data 18) + prices 80.
  EXPECT_EQ(batch.ByteSize(), 80 + 2 + 44 + 18 + 80);
}

TEST(ValueTest, ToStringAndEquality) {
  EXPECT_EQ(Value(Int64Type()).ToString(), "NULL");
  EXPECT_EQ(Value::Boolean(true).ToString(), "true");
  EXPECT_EQ(Value::Int32(-42).ToString(), "-42");
  EXPECT_EQ(Value::Double(1.5).ToString(), "1.5");
  EXPECT_EQ(Value::Double(0.1).ToString(), "0.1");
  EXPECT_EQ(Value::Double(1e20).ToString(), "1e+20");
  EXPECT_EQ(Value::Double(2.0).ToString(), "2.0");
  EXPECT_EQ(Value::Double(-3.0).ToString(), "-3.0");
  EXPECT_EQ(Value::Double(std::nan("")).ToString(), "NaN");
  EXPECT_EQ(Value::Double(-std::numeric_limits<double>::infinity()).ToString(), "-Infinity");
  EXPECT_EQ(Value::String("abc").ToString(), "abc");
  int64_t ts = *ParseTimestampMicros("2024-05-01 12:00:00");
  EXPECT_EQ(Value::Timestamp(ts).ToString(), "2024-05-01 12:00:00");
  EXPECT_EQ(Value::Date(*ParseDate("2024-05-01")).ToString(), "2024-05-01");
  Value ua = Value::Nested(UserAgentType(), {Value::String("ios"), Value::String("x")});
  EXPECT_EQ(ua.ToString(), "{os: ios, browser: x}");
  Value list = Value::Nested(ListType(Int64Type()), {Value::Int64(1), Value(Int64Type())});
  EXPECT_EQ(list.ToString(), "[1, NULL]");

  EXPECT_EQ(Value::Int64(1), Value::Int64(1));
  EXPECT_FALSE(Value::Int64(1) == Value::Int32(1));
  EXPECT_FALSE(Value::Int64(1) == Value::Timestamp(1));
  EXPECT_FALSE(Value::Int64(1) == Value(Int64Type()));
  EXPECT_EQ(Value(Int64Type()), Value(Int64Type()));
  EXPECT_EQ(Value::Double(std::nan("")), Value::Double(std::nan("")));
  EXPECT_FALSE(ua == Value::Nested(UserAgentType(), {Value::String("ios"), Value::String("y")}));

  ColumnRef repeated = ua.ToColumn(3);
  EXPECT_EQ(repeated->length(), 3);
  EXPECT_EQ(Value::FromColumn(*repeated, 2), ua);
  EXPECT_EQ(Value(ListType(Int64Type())).ToColumn(2)->null_count(), 2);
}

std::string Text(const ColumnRef& column, int64_t row) {
  std::string out;
  AppendCellText(*column, row, out);
  return out;
}
std::string Json(const ColumnRef& column, int64_t row) {
  std::string out;
  AppendCellJson(*column, row, out);
  return out;
}

TEST(CellTest, TextAndJsonSpelling) {
  ColumnRef doubles = MakeColumn(
      DoubleType(),
      {Value::Double(1.5), Value::Double(0.1), Value::Double(1e20), Value::Double(2),
       Value::Double(std::nan("")), Value::Double(std::numeric_limits<double>::infinity()),
       Value::Double(-std::numeric_limits<double>::infinity()), Value(DoubleType())});
  std::vector<std::string> text, json;
  for (int64_t row = 0; row < doubles->length(); ++row) {
    text.push_back(Text(doubles, row));
    json.push_back(Json(doubles, row));
  }
  EXPECT_EQ(text, (std::vector<std::string>{"1.5", "0.1", "1e+20", "2.0", "NaN", "Infinity",
                                            "-Infinity", "NULL"}));
  EXPECT_EQ(json, (std::vector<std::string>{"1.5", "0.1", "1e+20", "2.0", "\"NaN\"", "\"Infinity\"",
                                            "\"-Infinity\"", "null"}));

  ColumnRef strings = MakeColumn(StringType(), {Value::String("say \"hi\"\n\tthere\\ é")});
  EXPECT_EQ(Text(strings, 0), "say \"hi\"\n\tthere\\ é");
  EXPECT_EQ(Json(strings, 0), R"("say \"hi\"\n\tthere\\ é")");

  int64_t ts = *ParseTimestampMicros("2024-05-01T12:00:00.123Z");
  ColumnRef times = MakeColumn(TimestampType(), {Value::Timestamp(ts)});
  EXPECT_EQ(Text(times, 0), "2024-05-01 12:00:00.123");
  EXPECT_EQ(Json(times, 0), "\"2024-05-01T12:00:00.123Z\"");
  ColumnRef dates = MakeColumn(DateType(), {Value::Date(*ParseDate("1999-12-31"))});
  EXPECT_EQ(Text(dates, 0), "1999-12-31");
  EXPECT_EQ(Json(dates, 0), "\"1999-12-31\"");
  ColumnRef bools = MakeColumn(BooleanType(), {Value::Boolean(false)});
  EXPECT_EQ(Json(bools, 0), "false");
  ColumnRef ints = MakeColumn(Int32Type(), {Value::Int32(std::numeric_limits<int32_t>::min())});
  EXPECT_EQ(Json(ints, 0), "-2147483648");

  // STRUCT<id BIGINT, ua STRUCT<os, browser>, tags ARRAY<STRING>>, NULLs at every level.
  TypeRef type = StructType({{"id", Int64Type(), false},
                             {"ua", UserAgentType(), true},
                             {"tags", ListType(StringType()), true}});
  ColumnRef nested = MakeColumn(
      type,
      {Value::Nested(type,
                     {Value::Int64(7),
                      Value::Nested(UserAgentType(), {Value::String("ios"), Value(StringType())}),
                      Value::Nested(ListType(StringType()),
                                    {Value::String("a"), Value(StringType()), Value::String("")})}),
       Value::Nested(type,
                     {Value::Int64(8), Value(UserAgentType()), Value(ListType(StringType()))}),
       Value(type)});
  EXPECT_EQ(Text(nested, 0), "{id: 7, ua: {os: ios, browser: NULL}, tags: [a, NULL, ]}");
  EXPECT_EQ(Json(nested, 0), R"({"id":7,"ua":{"os":"ios","browser":null},"tags":["a",null,""]})");
  EXPECT_EQ(Text(nested, 1), "{id: 8, ua: NULL, tags: NULL}");
  EXPECT_EQ(Json(nested, 1), R"({"id":8,"ua":null,"tags":null})");
  EXPECT_EQ(Text(nested, 2), "NULL");
  EXPECT_EQ(Json(nested, 2), "null");
  // Through a slice (struct offset applied to the children).
  ColumnRef slice = nested->Slice(1, 2);
  EXPECT_EQ(Text(slice, 0), "{id: 8, ua: NULL, tags: NULL}");
  EXPECT_EQ(Json(slice->StructField(0), 0), "8");
  EXPECT_EQ(Value::FromColumn(*slice, 0).ToString(), "{id: 8, ua: NULL, tags: NULL}");
}

}  // namespace
}  // namespace sluice
