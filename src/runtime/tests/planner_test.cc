#include "runtime/planner.h"

#include "runtime/tests/fake_connectors.h"
#include "sql/parser.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

/// Where `needle` first appears in `text` (after `skip` earlier occurrences), 1-based.
sql::Location Loc(const std::string& text, const std::string& needle, int skip = 0) {
  size_t pos = text.find(needle);
  for (int i = 0; i < skip; ++i) pos = text.find(needle, pos + 1);
  EXPECT_NE(pos, std::string::npos) << needle;
  sql::Location location{1, 1};
  for (size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++location.line;
      location.column = 1;
    } else {
      ++location.column;
    }
  }
  return location;
}

class PlannerTest : public ::testing::Test {
 protected:
  std::optional<Pipeline> Plan(const std::string& text,
                               const std::vector<RawOption>& overrides = {}) {
    text_ = text;
    diagnostics_ = std::make_unique<sql::Diagnostics>("p.sql", text);
    auto script = sql::ParseScript("p.sql", text, diagnostics_.get());
    EXPECT_TRUE(script.has_value()) << diagnostics_->Format();
    if (!script) return std::nullopt;
    return PlanPipeline(*script, registry_, overrides, diagnostics_.get());
  }

  /// The message reported at `needle`'s position, or "" (and a failure) if none.
  std::string ErrorAt(const std::string& needle, int skip = 0) {
    sql::Location want = Loc(text_, needle, skip);
    for (const auto& item : diagnostics_->items()) {
      if (item.location.line == want.line && item.location.column == want.column) {
        return item.message;
      }
    }
    ADD_FAILURE() << "no error at '" << needle << "' (" << want.line << ":" << want.column
                  << "); got:\n"
                  << diagnostics_->Format();
    return "";
  }

  ConnectorRegistry registry_ = ConnectorRegistry::Builtin();
  std::string text_;
  std::unique_ptr<sql::Diagnostics> diagnostics_;
};

TEST_F(PlannerTest, ValidPipeline) {
  auto pipeline = Plan(R"(SET 'trigger' = 'processingTime=5 seconds';
SET 'pipeline.name' = 'clicks-to-console';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '100', 'seed' = '7');
CREATE SINK out WITH ('connector' = 'console');
INSERT INTO out SELECT event_id, price FROM clicks WHERE price > 10;
)");
  ASSERT_TRUE(pipeline) << diagnostics_->Format();
  EXPECT_EQ(pipeline->name, "clicks-to-console");
  EXPECT_TRUE(pipeline->warnings.empty());
  ASSERT_EQ(pipeline->queries.size(), 1u);
  const QueryPlan& query = pipeline->queries[0];
  EXPECT_EQ(query.name, "out");
  EXPECT_EQ(query.source.name, "clicks");
  EXPECT_EQ(query.source.def.name, "datagen");
  EXPECT_EQ(query.source.options.GetInt("numRows"), 100);
  EXPECT_EQ(query.source.options.GetInt("maxRowsPerTrigger"), 100000);  // default filled in
  EXPECT_EQ(query.sink.def.name, "console");
  EXPECT_EQ(query.trigger, (Trigger{TriggerKind::kProcessingTime, 5000000}));
  EXPECT_EQ(query.checkpoint_dir, "");
  ASSERT_NE(query.bound.output_schema, nullptr);
  EXPECT_EQ(query.bound.output_schema->ToString(), "event_id STRING NOT NULL, price DOUBLE");
  std::string explain = pipeline->Explain();
  EXPECT_NE(explain.find("pipeline 'clicks-to-console'"), std::string::npos) << explain;
  EXPECT_NE(explain.find("source clicks (connector 'datagen')"), std::string::npos) << explain;
  EXPECT_NE(explain.find("numRows=100"), std::string::npos) << explain;
  EXPECT_NE(explain.find("sink out (connector 'console')"), std::string::npos) << explain;
  EXPECT_NE(explain.find("query 'out': clicks -> out"), std::string::npos) << explain;
  EXPECT_NE(explain.find("trigger: processingTime=5 seconds"), std::string::npos) << explain;
}

TEST_F(PlannerTest, ReportsEveryErrorWithItsPosition) {
  auto pipeline = Plan(R"(SET 'checkpointLocaton' = '/tmp/x';
CREATE SOURCE clicks WITH ('connector' = 'datagne');
CREATE SOURCE views WITH ('connector' = 'datagen', 'numRow' = '5', 'seed' = 'abc');
CREATE SINK out WITH ('connector' = 'console');
INSERT INTO outt SELECT * FROM views;
INSERT INTO out SELECT * FROM veiws;
)");
  ASSERT_FALSE(pipeline);
  EXPECT_NE(ErrorAt("'checkpointLocaton'").find("(did you mean 'checkpointLocation'?)"),
            std::string::npos);
  EXPECT_EQ(ErrorAt("'datagne'"),
            "unknown connector 'datagne' (did you mean 'datagen'?); known: console, datagen, "
            "files, kafka");
  std::string unknown_option = ErrorAt("'numRow'");
  EXPECT_NE(unknown_option.find("unknown option 'numRow'"), std::string::npos) << unknown_option;
  EXPECT_NE(unknown_option.find("did you mean 'numRows'?"), std::string::npos) << unknown_option;
  EXPECT_NE(unknown_option.find("valid options: "), std::string::npos) << unknown_option;
  EXPECT_NE(ErrorAt("'abc'").find("seed"), std::string::npos);  // a bad value points at it
  EXPECT_EQ(ErrorAt("outt"), "unknown sink 'outt' (did you mean 'out'?)");
  EXPECT_EQ(ErrorAt("veiws"), "unknown source 'veiws' (did you mean 'views'?)");
}

TEST_F(PlannerTest, ConnectorProblems) {
  auto pipeline = Plan(R"(CREATE SOURCE a WITH ('numRows' = '1');
CREATE SOURCE b WITH ('connector' = 'console');
CREATE SINK c WITH ('connector' = 'datagen');
)");
  ASSERT_FALSE(pipeline);
  EXPECT_NE(ErrorAt("a WITH").find("source 'a' has no 'connector' option"), std::string::npos);
  EXPECT_NE(ErrorAt("'console'").find("connector 'console' cannot be used as a source"),
            std::string::npos);
  EXPECT_NE(ErrorAt("'datagen'").find("connector 'datagen' cannot be used as a sink"),
            std::string::npos);
  EXPECT_NE(diagnostics_->Format().find("has no INSERT"), std::string::npos);
}

TEST_F(PlannerTest, DuplicatesAndUnusedSinks) {
  auto pipeline = Plan(R"(CREATE SOURCE s WITH ('connector' = 'datagen');
CREATE SOURCE s WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'console');
CREATE SINK out WITH ('connector' = 'console');
INSERT INTO out SELECT event_id FROM s;
INSERT INTO out SELECT user_id FROM s;
)");
  ASSERT_FALSE(pipeline);
  EXPECT_EQ(ErrorAt("s WITH", 1), "source 's' is already defined");
  EXPECT_EQ(ErrorAt("out WITH", 1), "sink 'out' is already defined");
  EXPECT_NE(ErrorAt("out SELECT user_id").find("already written by another INSERT"),
            std::string::npos);
}

TEST_F(PlannerTest, WarningsDoNotFail) {
  auto pipeline = Plan(R"(SET 'trigger' = 'once';
SET 'trigger' = 'availableNow';
CREATE SOURCE s WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'console');
CREATE SINK spare WITH ('connector' = 'console');
INSERT INTO out SELECT event_id FROM s;
)");
  ASSERT_TRUE(pipeline) << diagnostics_->Format();
  EXPECT_EQ(pipeline->settings.trigger.kind, TriggerKind::kAvailableNow);  // the last one wins
  ASSERT_EQ(pipeline->warnings.size(), 2u);
  EXPECT_EQ(pipeline->warnings[0],
            "p.sql:2:5: warning: 'trigger' is set again (first set at line 1); the last value "
            "wins");
  EXPECT_EQ(pipeline->warnings[1],
            "p.sql:5:13: warning: sink 'spare' is never written by an "
            "INSERT");
}

TEST_F(PlannerTest, BadTriggerPointsAtTheValue) {
  auto pipeline = Plan(R"(SET 'trigger' = 'sometimes';
CREATE SOURCE s WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'console', 'trigger' = 'twice');
INSERT INTO out SELECT event_id FROM s;
)");
  ASSERT_FALSE(pipeline);
  EXPECT_NE(ErrorAt("'sometimes'").find("invalid trigger 'sometimes'"), std::string::npos);
  EXPECT_NE(ErrorAt("'twice'").find("invalid trigger 'twice'"), std::string::npos);
}

TEST_F(PlannerTest, FilesSinkNeedsACheckpoint) {
  const std::string text = R"(CREATE SOURCE s WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'files', 'path' = '/tmp/out');
INSERT INTO out SELECT event_id FROM s;
)";
  ASSERT_FALSE(Plan(text));
  std::string message = ErrorAt("out SELECT");
  EXPECT_NE(message.find("needs a checkpoint"), std::string::npos) << message;
  EXPECT_NE(message.find("SET 'checkpointLocation' = "), std::string::npos) << message;

  auto pipeline = Plan(text, {{"checkpointLocation", "/ck"}});
  ASSERT_TRUE(pipeline) << diagnostics_->Format();
  EXPECT_EQ(pipeline->queries[0].checkpoint_dir, "/ck/out");
}

TEST_F(PlannerTest, SinkOptionsOverridePipelineSettings) {
  auto pipeline = Plan(R"(SET 'checkpointLocation' = '/ck';
SET 'trigger' = 'once';
CREATE SOURCE s WITH ('connector' = 'datagen');
CREATE SINK a WITH ('connector' = 'console', 'queryName' = 'first', 'trigger' = 'availableNow');
CREATE SINK b WITH ('connector' = 'console', 'checkpointLocation' = '/elsewhere/b');
INSERT INTO a SELECT event_id FROM s;
INSERT INTO b SELECT user_id FROM s;
)",
                       {{"trigger", "processingTime=1 minute"}});
  ASSERT_TRUE(pipeline) << diagnostics_->Format();
  ASSERT_EQ(pipeline->queries.size(), 2u);
  EXPECT_EQ(pipeline->queries[0].name, "first");
  EXPECT_EQ(pipeline->queries[0].checkpoint_dir, "/ck/first");
  EXPECT_EQ(pipeline->queries[0].trigger.kind, TriggerKind::kAvailableNow);
  EXPECT_EQ(pipeline->queries[1].name, "b");
  EXPECT_EQ(pipeline->queries[1].checkpoint_dir, "/elsewhere/b");
  // --set wins over SET.
  EXPECT_EQ(pipeline->queries[1].trigger, (Trigger{TriggerKind::kProcessingTime, 60000000}));
}

TEST_F(PlannerTest, UnknownOverrideIsReported) {
  auto pipeline = Plan(R"(CREATE SOURCE s WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'console');
INSERT INTO out SELECT event_id FROM s;
)",
                       {{"triger", "once"}});
  ASSERT_FALSE(pipeline);
  ASSERT_EQ(diagnostics_->items().size(), 1u);
  EXPECT_NE(diagnostics_->items()[0].message.find("--set unknown option 'triger'"),
            std::string::npos)
      << diagnostics_->items()[0].message;
}

TEST_F(PlannerTest, BindingErrorsAreReported) {
  auto pipeline = Plan(R"(CREATE SOURCE s WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'console');
INSERT INTO out SELECT prcie FROM s;
)");
  ASSERT_FALSE(pipeline);
  EXPECT_NE(ErrorAt("prcie").find("prcie"), std::string::npos);
}

// The watermark check, on a hand-built script (the parser already rejects most bad
// watermarks against declared columns; this covers schemas the connector resolves).
TEST(PlannerWatermarkTest, WatermarkColumnMustBeATimestamp) {
  ConnectorRegistry registry;
  ASSERT_OK(
      registry.Register(testing::FakeSourceDef(std::make_shared<testing::FakeSourceState>())));
  ASSERT_OK(registry.Register(testing::FakeSinkDef(std::make_shared<testing::FakeSinkState>())));
  sql::Script script;
  script.file_name = "w.sql";
  sql::CreateSourceStmt bad_type;
  bad_type.name = "a";
  bad_type.name_location = {1, 15};
  bad_type.watermark = sql::WatermarkDef{"v", 0, {1, 30}};
  bad_type.options.push_back({"connector", "fake", {1, 40}, {1, 54}});
  script.statements.emplace_back(std::move(bad_type));
  sql::CreateSourceStmt missing;
  missing.name = "b";
  missing.name_location = {2, 15};
  missing.watermark = sql::WatermarkDef{"w", 0, {2, 30}};
  missing.options.push_back({"connector", "fake", {2, 40}, {2, 54}});
  script.statements.emplace_back(std::move(missing));
  sql::Diagnostics diagnostics("w.sql", "");
  auto pipeline = PlanPipeline(script, registry, {}, &diagnostics);
  ASSERT_FALSE(pipeline);
  ASSERT_EQ(diagnostics.items().size(), 3u);
  EXPECT_EQ(diagnostics.items()[0].message, "WATERMARK column 'v' must be a TIMESTAMP, not BIGINT");
  EXPECT_EQ(diagnostics.items()[0].location.line, 1);
  EXPECT_EQ(diagnostics.items()[0].location.column, 30);
  EXPECT_EQ(diagnostics.items()[1].message,
            "WATERMARK column 'w' is not a column of source 'b' (did you mean 'v'?)");
  EXPECT_NE(diagnostics.items()[2].message.find("no INSERT"), std::string::npos);
}

}  // namespace
}  // namespace sluice
