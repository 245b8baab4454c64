// The Kafka connector through the real parser, planner and runtime: METADATA columns planned
// (and rejected with positions), Kafka -> files exactly once across runs with group offsets
// committed, endingOffsets ending the query, and files -> Kafka.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "connectors/kafka/tests/kafka_test_util.h"
#include "runtime/planner.h"
#include "runtime/runner.h"
#include "sql/parser.h"

namespace sluice {
namespace {

using kafka_testing::MockCluster;
using kafka_testing::Record;

struct Planned {
  std::optional<Pipeline> pipeline;
  std::string errors;
};

Planned Plan(const std::string& text) {
  Planned out;
  sql::Diagnostics diagnostics("p.sql", text);
  auto script = sql::ParseScript("p.sql", text, &diagnostics);
  if (script) out.pipeline = PlanPipeline(*script, ConnectorRegistry::Builtin(), {}, &diagnostics);
  out.errors = diagnostics.Format();
  return out;
}

/// Every JSON line of the data files under `dir` (not the table log or staging).
std::vector<nlohmann::json> OutputRows(const std::string& dir) {
  std::vector<nlohmann::json> rows;
  auto files = LocalFileSystem()->ListRecursive(dir);
  EXPECT_TRUE(files.ok());
  for (const auto& file : *files) {
    if (file.path.find("/_") != std::string::npos) continue;
    std::ifstream in(file.path);
    for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

TEST(KafkaPipelineTest, MetadataColumnsArePlannedAndCheckedWithPositions) {
  const std::string head =
      "CREATE SINK out WITH ('connector' = 'console');\n"
      "INSERT INTO out SELECT * FROM k;\n";
  Planned ok = Plan(head +
                    "CREATE SOURCE k (id BIGINT, o BIGINT NOT NULL METADATA FROM 'OFFSET', "
                    "topic STRING METADATA, key STRING METADATA) WITH ('connector' = 'kafka', "
                    "'kafka.bootstrap.servers' = '127.0.0.1:1', 'subscribe' = 't');");
  ASSERT_TRUE(ok.pipeline) << ok.errors;
  EXPECT_EQ(ok.pipeline->queries[0].source.schema->ToString(),
            "id BIGINT, o BIGINT NOT NULL, topic STRING, key STRING");

  Planned bad = Plan(
      head +
      "CREATE SOURCE k (id BIGINT, o BIGINT METADATA FROM 'ofset') WITH ('connector' = 'kafka', "
      "'kafka.bootstrap.servers' = '127.0.0.1:1', 'subscribe' = 't');");
  EXPECT_FALSE(bad.pipeline);
  EXPECT_NE(bad.errors.find("p.sql:3:52: error: unknown metadata key 'ofset' for connector "
                            "'kafka' (did you mean 'offset'?); keys: key, topic, partition, "
                            "offset, timestamp, timestampType, headers"),
            std::string::npos)
      << bad.errors;

  bad = Plan(head +
             "CREATE SOURCE k (id BIGINT, o INT METADATA FROM 'offset', k STRING NOT NULL "
             "METADATA FROM 'key') WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = "
             "'127.0.0.1:1', 'subscribe' = 't');");
  EXPECT_NE(bad.errors.find("p.sql:3:29: error: metadata column 'o' (key 'offset') must be "
                            "BIGINT, not INT"),
            std::string::npos)
      << bad.errors;
  EXPECT_NE(bad.errors.find("metadata column 'k' cannot be NOT NULL: metadata key 'key' may be "
                            "NULL"),
            std::string::npos)
      << bad.errors;

  bad = Plan(head +
             "CREATE SOURCE k (id BIGINT, o BIGINT METADATA FROM 'offset') WITH ('connector' = "
             "'datagen');");
  EXPECT_NE(bad.errors.find("p.sql:3:52: error: column 'o' is declared METADATA but connector "
                            "'datagen' provides no metadata columns"),
            std::string::npos)
      << bad.errors;
}

TEST(KafkaPipelineTest, KafkaToFilesExactlyOnceAcrossRunsWithGroupOffsets) {
  MockCluster cluster;
  cluster.CreateTopic("clicks", 4);
  for (int32_t partition = 0; partition < 4; ++partition) {
    cluster.ProduceIds("clicks", partition, partition * 1000, 30 + partition);
  }
  const std::string dir = testing::TempDir();
  const std::string text = fmt::format(R"(SET 'checkpointLocation' = '{0}/ck';
SET 'trigger' = 'availableNow';
CREATE SOURCE clicks (
  id BIGINT,
  p INT METADATA FROM 'partition',
  o BIGINT METADATA FROM 'offset'
) WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '{1}', 'subscribe' = 'clicks',
        'startingOffsets' = 'earliest', 'maxOffsetsPerTrigger' = '50');
CREATE SINK out WITH ('connector' = 'files', 'path' = '{0}/out');
INSERT INTO out SELECT id, p, o FROM clicks;
)",
                                       dir, cluster.bootstraps());
  Planned planned = Plan(text);
  ASSERT_TRUE(planned.pipeline) << planned.errors;
  RunOptions run;
  run.progress_path = dir + "/progress.jsonl";
  ASSERT_OK(RunPipeline(*planned.pipeline, run));

  auto check = [&](int expected_per_partition_extra) {
    std::vector<nlohmann::json> rows = OutputRows(dir + "/out");
    std::set<std::pair<int, int64_t>> seen;
    for (const auto& row : rows) {
      const int partition = row["p"].get<int>();
      const int64_t offset = row["o"].get<int64_t>();
      EXPECT_EQ(row["id"].get<int64_t>(), partition * 1000 + offset);
      EXPECT_TRUE(seen.emplace(partition, offset).second) << "duplicate " << row.dump();
    }
    size_t expected = 0;
    for (int partition = 0; partition < 4; ++partition) {
      expected += static_cast<size_t>(30 + partition + expected_per_partition_extra);
    }
    EXPECT_EQ(rows.size(), expected);
  };
  check(0);
  // Group offsets follow the committed batches (the query id is in the checkpoint metadata).
  std::ifstream metadata_file(dir + "/ck/out/metadata");
  std::string metadata_text((std::istreambuf_iterator<char>(metadata_file)),
                            std::istreambuf_iterator<char>());
  const std::string query_id = nlohmann::json::parse(metadata_text)["id"].get<std::string>();
  for (int32_t partition = 0; partition < 4; ++partition) {
    EXPECT_EQ(cluster.Committed("sluice-" + query_id, "clicks", partition), 30 + partition);
  }
  // maxOffsetsPerTrigger: 126 records in batches of at most 50.
  std::ifstream progress(dir + "/progress.jsonl");
  int batches = 0;
  for (std::string line; std::getline(progress, line);) {
    auto record = nlohmann::json::parse(line);
    EXPECT_LE(record["numInputRows"].get<int64_t>(), 50);
    EXPECT_EQ(record["sources"][0]["latestOffset"]["clicks-3"].get<int64_t>(), 33);
    ++batches;
  }
  EXPECT_EQ(batches, 3);

  // A second run reads only what arrived since.
  for (int32_t partition = 0; partition < 4; ++partition) {
    cluster.ProduceIds("clicks", partition, partition * 1000 + 30 + partition, 5);
  }
  ASSERT_OK(RunPipeline(*planned.pipeline, run));
  check(5);
}

TEST(KafkaPipelineTest, EndingOffsetsEndTheQueryAndFilesGoToKafka) {
  MockCluster cluster;
  cluster.CreateTopic("in", 2);
  cluster.CreateTopic("out", 3);
  cluster.ProduceIds("in", 0, 0, 20);
  cluster.ProduceIds("in", 1, 100, 20);
  const std::string dir = testing::TempDir();
  // Processing-time trigger: only endingOffsets ends this query.
  const std::string text = fmt::format(R"(SET 'checkpointLocation' = '{0}/ck';
SET 'trigger' = 'processingTime=0 seconds';
CREATE SOURCE src (id BIGINT, k STRING METADATA FROM 'key')
WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '{1}', 'subscribe' = 'in',
      'startingOffsets' = 'earliest', 'endingOffsets' = '{{"in":{{"0":10,"1":-1}}}}');
CREATE SINK dst WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '{1}', 'topic' = 'out');
INSERT INTO dst SELECT CAST(id % 7 AS STRING) AS key, id FROM src;
)",
                                       dir, cluster.bootstraps());
  Planned planned = Plan(text);
  ASSERT_TRUE(planned.pipeline) << planned.errors;
  ASSERT_OK(RunPipeline(*planned.pipeline, RunOptions{}));
  std::multiset<int64_t> ids;
  for (int32_t partition = 0; partition < 3; ++partition) {
    for (const Record& record : cluster.ConsumeAll("out", partition)) {
      ids.insert(nlohmann::json::parse(*record.value)["id"].get<int64_t>());
    }
  }
  std::multiset<int64_t> expected;
  for (int64_t id = 0; id < 10; ++id) expected.insert(id);
  for (int64_t id = 100; id < 120; ++id) expected.insert(id);
  EXPECT_EQ(ids, expected);
}

}  // namespace
}  // namespace sluice
