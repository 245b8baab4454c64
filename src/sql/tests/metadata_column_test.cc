// `name TYPE METADATA [FROM 'key'] [VIRTUAL]` in CREATE SOURCE (Flink's syntax).
#include <gtest/gtest.h>

#include "sql/parser.h"
#include "testing/gtest_util.h"

namespace sluice::sql {
namespace {

struct Parsed {
  std::optional<Script> script;
  Diagnostics diagnostics;
};

Parsed Parse(const std::string& text) {
  Parsed parsed{std::nullopt, Diagnostics("p.sql", text)};
  parsed.script = ParseScript("p.sql", text, &parsed.diagnostics);
  return parsed;
}

std::vector<std::string> Errors(const Parsed& parsed) {
  std::vector<std::string> out;
  for (const auto& item : parsed.diagnostics.items()) {
    out.push_back(std::to_string(item.location.line) + ":" + std::to_string(item.location.column) +
                  ": " + item.message);
  }
  return out;
}

TEST(MetadataColumnTest, FromKeyAndColumnNameAsKey) {
  Parsed parsed = Parse(
      "CREATE SOURCE k (\n"
      "  id BIGINT,\n"
      "  kafka_offset BIGINT NOT NULL METADATA FROM 'offset',\n"
      "  `partition` INT METADATA,\n"
      "  ts TIMESTAMP METADATA FROM 'timestamp' VIRTUAL,\n"
      "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND\n"
      ") WITH ('connector' = 'kafka')");
  ASSERT_TRUE(parsed.script.has_value()) << ::testing::PrintToString(Errors(parsed));
  const auto& source = std::get<CreateSourceStmt>(parsed.script->statements[0]);
  ASSERT_EQ(source.columns.size(), 4u);
  EXPECT_FALSE(source.columns[0].metadata);
  EXPECT_TRUE(source.columns[0].metadata_key.empty());

  EXPECT_TRUE(source.columns[1].metadata);
  EXPECT_EQ(source.columns[1].metadata_key, "offset");
  EXPECT_TRUE(source.columns[1].not_null);
  EXPECT_EQ(source.columns[1].type->ToString(), "BIGINT");
  EXPECT_EQ(source.columns[1].metadata_location.line, 3);
  EXPECT_EQ(source.columns[1].metadata_location.column, 46);  // the key string

  EXPECT_TRUE(source.columns[2].metadata);
  EXPECT_EQ(source.columns[2].metadata_key, "partition");  // the column name
  EXPECT_EQ(source.columns[2].metadata_location.line, 4);
  EXPECT_EQ(source.columns[2].metadata_location.column, 19);  // METADATA

  EXPECT_TRUE(source.columns[3].metadata);
  EXPECT_EQ(source.columns[3].metadata_key, "timestamp");
  ASSERT_TRUE(source.watermark.has_value());
  EXPECT_EQ(source.watermark->column, "ts");
}

TEST(MetadataColumnTest, MetadataIsAnOrdinaryNameElsewhere) {
  Parsed parsed = Parse(
      "CREATE SOURCE s (metadata STRING, virtual INT) WITH ('connector' = 'x');\n"
      "INSERT INTO o SELECT metadata, virtual FROM s");
  ASSERT_TRUE(parsed.script.has_value()) << ::testing::PrintToString(Errors(parsed));
  const auto& source = std::get<CreateSourceStmt>(parsed.script->statements[0]);
  EXPECT_FALSE(source.columns[0].metadata);
  EXPECT_EQ(source.columns[0].name, "metadata");
}

TEST(MetadataColumnTest, Errors) {
  Parsed parsed = Parse("CREATE SOURCE s (o BIGINT METADATA FROM offset) WITH ()");
  EXPECT_EQ(Errors(parsed), std::vector<std::string>{"1:41: expected a metadata key string (e.g. "
                                                     "'offset') but found 'offset'"});
  parsed = Parse("CREATE SOURCE s (o BIGINT METADATA FROM '') WITH ()");
  EXPECT_EQ(Errors(parsed), std::vector<std::string>{"1:41: empty metadata key"});
  parsed = Parse("CREATE SOURCE s (o BIGINT METADATA FROM) WITH ()");
  EXPECT_EQ(Errors(parsed), std::vector<std::string>{"1:40: expected a metadata key string (e.g. "
                                                     "'offset') but found ')'"});
  parsed = Parse("CREATE SOURCE s (o BIGINT METADATA 'offset') WITH ()");
  EXPECT_EQ(Errors(parsed), std::vector<std::string>{"1:36: expected ')' but found "
                                                     "''offset''"})
      << ::testing::PrintToString(Errors(parsed));
}

}  // namespace
}  // namespace sluice::sql
