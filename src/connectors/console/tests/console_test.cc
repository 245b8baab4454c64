#include <gtest/gtest.h>

#include <sstream>

#include "connectors/console/console_sink.h"
#include "connectors/tests/test_batches.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

using ::sluice::testing::MakeBatch;

class ConsoleSinkTest : public ::testing::Test {
 protected:
  ConsoleSinkTest() {
    schema_ = std::make_shared<Schema>(std::vector<Field>{{"event_id", StringType(), false},
                                                          {"price", DoubleType(), true},
                                                          {"tags", ListType(StringType()), true}});
  }

  std::unique_ptr<ConsoleSink> MakeSink(const std::vector<RawOption>& raw) {
    const ConnectorDef* def = registry_.Find("console");
    auto options = ValidateOptions(def->sink_options, raw, "connector 'console' (sink)", nullptr);
    SLUICE_DCHECK(options.ok(), options.status().ToString());
    SinkContext context;
    context.query_id = "q";
    context.sink_name = "out";
    context.schema = schema_;
    context.options = *options;
    return std::make_unique<ConsoleSink>(std::move(context), &out_);
  }

  Batch Rows(const std::vector<std::vector<Value>>& rows) { return MakeBatch(schema_, rows); }

  ConnectorRegistry registry_ = ConnectorRegistry::Builtin();
  SchemaRef schema_;
  std::ostringstream out_;
};

TEST_F(ConsoleSinkTest, PrintsLikeSparkWithTruncationAndRowLimit) {
  auto sink = MakeSink({{"numRows", "2"}});
  ASSERT_OK(sink->Open());
  auto tags = ListType(StringType());
  ASSERT_OK(sink->Write(3, Rows({{Value::String("a1b2"), Value::Double(1.5),
                                  Value::Nested(tags, {Value::String("x")})}})));
  ASSERT_OK(sink->Write(
      3, Rows({{Value::String("a-very-long-event-identifier"), Value(DoubleType()), Value(tags)},
               {Value::String("third"), Value::Double(10), Value(tags)}})));
  EXPECT_EQ(out_.str(), "");  // nothing before Commit
  ASSERT_OK_AND_ASSIGN(SinkBatchStats stats, sink->Commit(3));
  EXPECT_EQ(stats.rows, 3);
  EXPECT_EQ(out_.str(),
            "-------------------------------------------\n"
            "Batch: 3\n"
            "-------------------------------------------\n"
            "+--------------------+-----+----+\n"
            "|            event_id|price|tags|\n"
            "+--------------------+-----+----+\n"
            "|                a1b2|  1.5| [x]|\n"
            "|a-very-long-event...| NULL|NULL|\n"
            "+--------------------+-----+----+\n"
            "only showing top 2 rows\n"
            "\n");
  ASSERT_OK_AND_ASSIGN(int64_t last, sink->LastCommitted());
  EXPECT_EQ(last, -1);
}

TEST_F(ConsoleSinkTest, NoTruncateLeftAlignsAndCountsCodePoints) {
  auto sink = MakeSink({{"truncate", "false"}});
  auto tags = ListType(StringType());
  ASSERT_OK(sink->Write(0, Rows({{Value::String("ünïcödé-ünïcödé-ünïcödé"), Value::Double(0.25),
                                  Value::Nested(tags, {Value::String("a"), Value::String("b")})},
                                 {Value::String("é"), Value::Double(2), Value(tags)}})));
  ASSERT_OK_AND_ASSIGN(SinkBatchStats stats, sink->Commit(0));
  EXPECT_EQ(stats.rows, 2);
  EXPECT_EQ(out_.str(),
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+-----------------------+-----+------+\n"
            "|event_id               |price|tags  |\n"
            "+-----------------------+-----+------+\n"
            "|ünïcödé-ünïcödé-ünïcödé|0.25 |[a, b]|\n"
            "|é                      |2.0  |NULL  |\n"
            "+-----------------------+-----+------+\n"
            "\n");
}

TEST_F(ConsoleSinkTest, EmptyBatchAndAbort) {
  auto sink = MakeSink({});
  ASSERT_OK(sink->Write(
      5, Rows({{Value::String("dropped"), Value::Double(1), Value(ListType(StringType()))}})));
  ASSERT_OK(sink->Abort(5));
  ASSERT_OK_AND_ASSIGN(SinkBatchStats stats, sink->Commit(6));  // no Write for batch 6
  EXPECT_EQ(stats.rows, 0);
  EXPECT_EQ(out_.str(),
            "-------------------------------------------\n"
            "Batch: 6\n"
            "-------------------------------------------\n"
            "+--------+-----+----+\n"
            "|event_id|price|tags|\n"
            "+--------+-----+----+\n"
            "+--------+-----+----+\n"
            "\n");
}

TEST_F(ConsoleSinkTest, SingleRowLimitSaysRow) {
  auto sink = MakeSink({{"numRows", "1"}});
  auto tags = ListType(StringType());
  ASSERT_OK(sink->Write(1, Rows({{Value::String("a"), Value::Double(1), Value(tags)},
                                 {Value::String("b"), Value::Double(2), Value(tags)}})));
  ASSERT_OK(sink->Commit(1));
  EXPECT_NE(
      out_.str().find("|       a|  1.0|NULL|\n+--------+-----+----+\nonly showing top 1 row\n"),
      std::string::npos)
      << out_.str();
}

TEST_F(ConsoleSinkTest, RegisteredFactoryAndDescribe) {
  const ConnectorDef* def = registry_.Find("console");
  ASSERT_NE(def, nullptr);
  ASSERT_OK(def->validate_sink(*schema_, OptionSet()));
  SinkContext context;
  context.schema = schema_;
  context.options.Set("numRows", "5");
  context.options.Set("truncate", "false");
  ASSERT_OK_AND_ASSIGN(auto sink, def->create_sink(std::move(context)));
  EXPECT_EQ(sink->Describe(), "console[numRows=5, truncate=false]");
}

}  // namespace
}  // namespace sluice
