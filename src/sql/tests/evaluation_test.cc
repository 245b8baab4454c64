// End-to-end evaluation: SQL text -> parse -> bind -> QueryTransform::Apply on a Batch.
#include <gtest/gtest.h>

#include "columnar/builder.h"
#include "columnar/value.h"
#include "common/time_util.h"
#include "sql/binder.h"
#include "sql/parser.h"
#include "testing/gtest_util.h"

namespace sluice::sql {
namespace {

TypeRef DeviceType() { return StructType({{"os", StringType(), true}, {"v", Int32Type(), true}}); }

/// Four rows covering values, NULLs, negatives and zeros.
Batch InputBatch() {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {"a", Int32Type(), true},
      {"b", Int64Type(), true},
      {"x", DoubleType(), true},
      {"s", StringType(), true},
      {"t", TimestampType(), true},
      {"d", DateType(), true},
      {"flag", BooleanType(), true},
      {"st", DeviceType(), true},
  });
  Value null_int(Int32Type());
  int64_t t0 = *ParseTimestampMicros("2024-05-01 12:00:00");
  int32_t d0 = *ParseDate("2024-05-01");
  std::vector<ColumnRef> columns = {
      MakeColumn(Int32Type(), {Value::Int32(1), null_int, Value::Int32(-7), Value::Int32(0)}),
      MakeColumn(Int64Type(),
                 {Value::Int64(10), Value::Int64(20), Value(Int64Type()), Value::Int64(0)}),
      MakeColumn(DoubleType(),
                 {Value::Double(1.5), Value(DoubleType()), Value::Double(-2.0), Value::Double(0)}),
      MakeColumn(StringType(), {Value::String("Abc"), Value(StringType()),
                                Value::String("h\xC3\xA9llo"), Value::String("")}),
      MakeColumn(TimestampType(), {Value::Timestamp(t0), Value(TimestampType()),
                                   Value::Timestamp(t0 - 1), Value::Timestamp(0)}),
      MakeColumn(DateType(),
                 {Value::Date(d0), Value(DateType()), Value::Date(d0 - 1), Value::Date(0)}),
      MakeColumn(BooleanType(), {Value::Boolean(true), Value(BooleanType()), Value::Boolean(false),
                                 Value::Boolean(true)}),
      MakeColumn(
          DeviceType(),
          {Value::Nested(DeviceType(), {Value::String("ios"), Value::Int32(17)}),
           Value(DeviceType()), Value::Nested(DeviceType(), {Value::String("android"), null_int}),
           Value::Nested(DeviceType(), {Value(StringType()), Value::Int32(3)})}),
  };
  Result<Batch> batch = Batch::Make(schema, std::move(columns), 4);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return *batch;
}

/// Runs "INSERT INTO out SELECT <select_list> FROM src [WHERE <where>]" over `batch`.
Result<Batch> RunQuery(const std::string& select_list, const std::string& where,
                       const Batch& batch) {
  std::string text = "INSERT INTO out SELECT " + select_list + " FROM src";
  if (!where.empty()) text += " WHERE " + where;
  Diagnostics diagnostics("q.sql", text);
  std::optional<Script> script = ParseScript("q.sql", text, &diagnostics);
  if (!script) return diagnostics.ToStatus();
  std::optional<BoundQuery> query =
      BindInsert(std::get<InsertStmt>(script->statements.at(0)), *batch.schema(), &diagnostics);
  if (!query) return diagnostics.ToStatus();
  Result<Batch> output = query->transform->Apply(batch, EvalContext{});
  if (output.ok()) {
    // Declared nullability must hold for the data.
    for (int idx = 0; idx < output->num_columns(); ++idx) {
      if (!query->output_schema->field(idx).nullable) {
        EXPECT_EQ(output->column(idx)->null_count(), 0) << select_list << " column " << idx;
      }
    }
  }
  return output;
}

/// The rows as text ("1|NULL\n..."), or the error.
std::string Rows(const std::string& select_list, const std::string& where = "") {
  Result<Batch> output = RunQuery(select_list, where, InputBatch());
  if (!output.ok()) return "ERROR " + output.status().ToString();
  return BatchToRowsText(*output);
}

TEST(EvaluationTest, Arithmetic) {
  EXPECT_EQ(Rows("a + 1, a - b, a * 2, b * x, -a, -x"),
            "2|-9|2|15.0|-1|-1.5\n"
            "NULL|NULL|NULL|NULL|NULL|NULL\n"
            "-6|NULL|-14|NULL|7|2.0\n"
            "1|0|0|0.0|0|-0.0\n");
  EXPECT_EQ(Rows("a / 2, b / a, x / 0, b % a, a % 0, x % 1.0, -7 % 3, 7 % -3"),
            "0.5|10.0|NULL|0|NULL|0.5|-1|1\n"
            "NULL|NULL|NULL|NULL|NULL|NULL|-1|1\n"
            "-3.5|NULL|NULL|NULL|NULL|-0.0|-1|1\n"
            "0.0|NULL|NULL|NULL|NULL|0.0|-1|1\n");
}

TEST(EvaluationTest, IntegerOverflowFailsNamingTheExpression) {
  std::string result = Rows("a + 2147483647 AS big");
  EXPECT_EQ(result, "ERROR Out of range: integer overflow (1 + 2147483647) in 'a + 2147483647'");
  EXPECT_EQ(Rows("b * 9223372036854775807"),
            "ERROR Out of range: integer overflow (10 * 9223372036854775807) in "
            "'b * 9223372036854775807'");
  EXPECT_EQ(Rows("a - 2147483647 - 10"),
            "ERROR Out of range: integer overflow (-7 - 2147483647) in 'a - 2147483647'")
      << "INT - INT stays INT: the inner subtraction overflows, and is named";
  // Constant expressions are folded at plan time, so their overflow is a plan error.
  EXPECT_EQ(Rows("-(-2147483648)"),
            "ERROR Planning error: q.sql:1:24: error: integer overflow (-(-2147483648)) in "
            "'-(-2147483648)'\nINSERT INTO out SELECT -(-2147483648) FROM src\n"
            "                       ^");
  EXPECT_EQ(Rows("abs(CAST(a AS BIGINT) * 0 - 9223372036854775807 - 1)", "a = -7"),
            "ERROR Out of range: integer overflow (abs(-9223372036854775808)) in "
            "'abs(CAST(a AS BIGINT) * 0 - 9223372036854775807 - 1)'");
  // Overflow under a NULL row is not an error; widening avoids it.
  EXPECT_EQ(Rows("CAST(a AS BIGINT) + 2147483647"), "2147483648\nNULL\n2147483640\n2147483647\n");
}

TEST(EvaluationTest, Comparisons) {
  EXPECT_EQ(Rows("a < b, x >= 1.5, s = 'Abc', s > 'B', flag = true, a <> 0, b >= a"),
            "true|true|true|false|true|true|true\n"
            "NULL|NULL|NULL|NULL|NULL|NULL|NULL\n"
            "NULL|false|false|true|false|true|NULL\n"
            "false|false|false|false|true|false|true\n");
  EXPECT_EQ(Rows("t > TIMESTAMP '2024-05-01 11:59:59', d = t, d < t, "
                 "d = DATE '2024-05-01', a = 1.0"),
            "true|false|true|true|true\n"
            "NULL|NULL|NULL|NULL|NULL\n"
            "true|false|true|false|false\n"
            "false|true|false|false|false\n");
}

TEST(EvaluationTest, ThreeValuedLogic) {
  EXPECT_EQ(Rows("flag AND NULL, flag OR NULL, NOT flag, flag IS NULL, flag IS NOT NULL"),
            "NULL|true|false|false|true\n"
            "NULL|NULL|NULL|true|false\n"
            "false|NULL|true|false|true\n"
            "NULL|true|false|false|true\n");
  EXPECT_EQ(Rows("flag AND a > 0, flag OR a > 0, FALSE AND flag, TRUE OR flag"),
            "true|true|false|true\n"
            "NULL|NULL|false|true\n"
            "false|false|false|true\n"
            "false|true|false|true\n");
}

TEST(EvaluationTest, WhereKeepsOnlyTrueRows) {
  EXPECT_EQ(Rows("a, s", "a >= 0"), "1|Abc\n0|\n");
  EXPECT_EQ(Rows("a", "flag"), "1\n0\n");
  EXPECT_EQ(Rows("a", "NULL"), "");
  EXPECT_EQ(Rows("a", "b > 100"), "");
  Batch input = InputBatch();
  ASSERT_OK_AND_ASSIGN(Batch all, RunQuery("a, b", "TRUE", input));
  EXPECT_EQ(all.num_rows(), 4);
  EXPECT_EQ(all.column(0).get(), input.column(0).get()) << "all rows kept: zero copy";
  ASSERT_OK_AND_ASSIGN(Batch none, RunQuery("a, b", "FALSE", input));
  EXPECT_EQ(none.num_rows(), 0);
  EXPECT_EQ(none.schema()->ToString(), "a INT, b BIGINT");
  // The filter runs first: rows that would overflow are dropped before the projection.
  EXPECT_EQ(Rows("a + 2147483647", "a <= 0"), "2147483640\n2147483647\n");
}

TEST(EvaluationTest, Casts) {
  EXPECT_EQ(Rows("CAST(a AS STRING), CAST(x AS STRING), CAST(x AS INT), CAST(b AS INT), "
                 "CAST(a AS DOUBLE), CAST(a AS BOOLEAN), CAST(flag AS INT), "
                 "CAST(flag AS DOUBLE), CAST(flag AS STRING)"),
            "1|1.5|1|10|1.0|true|1|1.0|true\n"
            "NULL|NULL|NULL|20|NULL|NULL|NULL|NULL|NULL\n"
            "-7|-2.0|-2|NULL|-7.0|true|0|0.0|false\n"
            "0|0.0|0|0|0.0|false|1|1.0|true\n");
  EXPECT_EQ(Rows("CAST(t AS DATE), CAST(d AS TIMESTAMP), CAST(t AS STRING), CAST(d AS STRING)"),
            "2024-05-01|2024-05-01 00:00:00|2024-05-01 12:00:00|2024-05-01\n"
            "NULL|NULL|NULL|NULL\n"
            "2024-05-01|2024-04-30 00:00:00|2024-05-01 11:59:59.999999|2024-04-30\n"
            "1970-01-01|1970-01-01 00:00:00|1970-01-01 00:00:00|1970-01-01\n");
  EXPECT_EQ(Rows("CAST(' 42 ' AS INT), CAST('x' AS INT), CAST('3000000000' AS INT), "
                 "CAST('3000000000' AS BIGINT), CAST('1.5e3' AS DOUBLE), CAST('yes' AS BOOLEAN), "
                 "CAST('F' AS BOOLEAN), CAST('maybe' AS BOOLEAN)",
                 "a = 1"),
            "42|NULL|NULL|3000000000|1500.0|true|false|NULL\n");
  EXPECT_EQ(Rows("CAST('2024-05-01T10:00:00Z' AS TIMESTAMP), CAST('2024-05-01 23:59:59' AS DATE), "
                 "CAST('2024-02-30' AS DATE), CAST(s AS INT)",
                 "a = 1"),
            "2024-05-01 10:00:00|2024-05-01|NULL|NULL\n");
  EXPECT_EQ(Rows("CAST(1e20 AS STRING), CAST(0.0001 AS STRING), CAST(1234567.0 AS STRING), "
                 "CAST(12345678.0 AS STRING), CAST(-2.5 AS INT), CAST(2.9 AS BIGINT)",
                 "a = 1"),
            "1.0E20|1.0E-4|1234567.0|1.2345678E7|-2|2\n");
  EXPECT_EQ(Rows("CAST(x * 1e20 AS BIGINT)", "a = 1"),
            "ERROR Out of range: cannot cast 1.5E20 to BIGINT: out of range in "
            "'CAST(x * 1e20 AS BIGINT)'");
  EXPECT_EQ(Rows("CAST(b * 1000000000 AS INT)"),
            "ERROR Out of range: cannot cast 10000000000 to INT: out of range in "
            "'CAST(b * 1000000000 AS INT)'");
  EXPECT_EQ(
      Rows("TRY_CAST(b * 1000000000 AS INT), TRY_CAST(x * 1e300 * 1e300 AS INT)"),  // 0 * inf = 0
      "NULL|NULL\nNULL|NULL\nNULL|NULL\n0|0\n");
}

TEST(EvaluationTest, StringFunctions) {
  EXPECT_EQ(Rows("lower(s), upper(s), length(s), s || '!', concat(s, '-', s), "
                 "concat('a', NULL)"),
            "abc|ABC|3|Abc!|Abc-Abc|NULL\n"
            "NULL|NULL|NULL|NULL|NULL|NULL\n"
            "h\xC3\xA9llo|H\xC3\x89LLO|5|h\xC3\xA9llo!|h\xC3\xA9llo-h\xC3\xA9llo|NULL\n"
            "||0|!|-|NULL\n");
}

TEST(EvaluationTest, MathAndCoalesce) {
  EXPECT_EQ(Rows("abs(a), abs(x), coalesce(a, 99), coalesce(b, a), coalesce(x, a, 0), "
                 "coalesce(s, 'none'), coalesce(NULL, flag), coalesce(st, st)"),
            "1|1.5|1|10|1.5|Abc|true|{os: ios, v: 17}\n"
            "NULL|NULL|99|20|0.0|none|NULL|NULL\n"
            "7|2.0|-7|-7|-2.0|h\xC3\xA9llo|false|{os: android, v: NULL}\n"
            "0|0.0|0|0|0.0||true|{os: NULL, v: 3}\n");
}

TEST(EvaluationTest, StructFieldAccess) {
  EXPECT_EQ(Rows("st.os, st.v, src.st.v + 1, st.os IS NULL, st"),
            "ios|17|18|false|{os: ios, v: 17}\n"
            "NULL|NULL|NULL|true|NULL\n"
            "android|NULL|NULL|false|{os: android, v: NULL}\n"
            "NULL|3|4|true|{os: NULL, v: 3}\n");
  EXPECT_EQ(Rows("st.*", "st.v > 10"), "ios|17\n");
}

TEST(EvaluationTest, TimestampInterval) {
  EXPECT_EQ(Rows("t + INTERVAL '90' MINUTES, t - INTERVAL 1 DAY, d + INTERVAL '1' SECOND", "a = 1"),
            "2024-05-01 13:30:00|2024-04-30 12:00:00|2024-05-01 00:00:01\n");
}

TEST(EvaluationTest, WorksOnSlicedBatches) {
  Batch sliced = InputBatch().Slice(1, 3);
  ASSERT_OK_AND_ASSIGN(Batch out, RunQuery("a + 1, flag AND TRUE, st.os, lower(s)", "", sliced));
  EXPECT_EQ(BatchToRowsText(out),
            "NULL|NULL|NULL|NULL\n"
            "-6|false|android|h\xC3\xA9llo\n"
            "1|true|NULL|\n");
  ASSERT_OK_AND_ASSIGN(out, RunQuery("a", "a IS NOT NULL", sliced));
  EXPECT_EQ(BatchToRowsText(out), "-7\n0\n");
}

}  // namespace
}  // namespace sluice::sql
