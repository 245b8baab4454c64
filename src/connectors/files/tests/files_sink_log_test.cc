// The files sink's table log (source offsets, schema, snapshots) and pathTemplate folders.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "columnar/value.h"
#include "connectors/connector.h"
#include "connectors/files/table_log.h"
#include "connectors/tests/test_batches.h"
#include "storage/filesystem.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using ::sluice::testing::MakeBatch;

constexpr int64_t kHour = 3600LL * 1000 * 1000;
constexpr int64_t kMay1 = 1'714'521'600'000'000;  // 2024-05-01T00:00:00Z

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> DataFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    std::string relative = fs::relative(entry.path(), dir).string();
    if (entry.is_regular_file() && relative[0] != '_') files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  return files;
}

class FilesSinkLogTest : public ::testing::Test {
 protected:
  FilesSinkLogTest() {
    schema_ = std::make_shared<Schema>(std::vector<Field>{{"id", Int64Type(), false},
                                                          {"country", StringType(), true},
                                                          {"ts", TimestampType(), true}});
    const char* tmp = std::getenv("SLUICE_TEST_TMP");
    dir_ = (fs::path(tmp != nullptr ? tmp : fs::temp_directory_path().string()) /
            ("files_sink_log_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  ~FilesSinkLogTest() override { fs::remove_all(dir_); }

  Result<std::unique_ptr<Sink>> MakeSink(std::vector<RawOption> raw) {
    const ConnectorDef& def = *registry_.Find("files");
    raw.push_back({"path", dir_});
    ASSIGN_OR_RETURN(OptionSet options,
                     ValidateOptions(def.sink_options, raw, "connector 'files' (sink)", nullptr));
    RETURN_NOT_OK(def.validate_sink(*schema_, options));
    SinkContext context;
    context.query_id = "0123456789abcdef-query";
    context.query_name = "q";
    context.sink_name = "out";
    context.schema = schema_;
    context.options = options;
    context.clock = &clock_;
    return def.create_sink(std::move(context));
  }

  Batch Rows(
      const std::vector<std::tuple<int64_t, std::optional<std::string>, std::optional<int64_t>>>&
          rows) {
    std::vector<std::vector<Value>> values;
    for (const auto& [id, country, ts] : rows) {
      values.push_back({Value::Int64(id), country ? Value::String(*country) : Value(StringType()),
                        ts ? Value::Timestamp(*ts) : Value(TimestampType())});
    }
    return MakeBatch(schema_, values);
  }

  /// Writes and commits batch `id` as rows [10*id, 10*id+2) of source partition "0".
  void CommitBatch(Sink& sink, int64_t id) {
    SinkBatchInfo info;
    info.source_name = "events";
    info.source_ranges["0"] = {id * 10, id * 10 + 2};
    info.batch_timestamp_ms = 1000 * (id + 1);
    ASSERT_OK(sink.BeginBatch(id, info));
    ASSERT_OK(sink.Write(id, Rows({{id * 10, "US", kMay1}, {id * 10 + 1, "FR", kMay1}})));
    ASSERT_OK_AND_ASSIGN(SinkBatchStats stats, sink.Commit(id));
    EXPECT_EQ(stats.rows, 2);
  }

  ConnectorRegistry registry_ = ConnectorRegistry::Builtin();
  SchemaRef schema_;
  std::string dir_;
  ManualClock clock_{1'714'564'800'000'000};
};

TEST_F(FilesSinkLogTest, EntryRecordsSourceOffsetsAndSchema) {
  ASSERT_OK_AND_ASSIGN(auto sink, MakeSink({}));
  ASSERT_OK(sink->Open());
  CommitBatch(*sink, 0);
  auto entry =
      nlohmann::json::parse(ReadFile(fs::path(dir_) / "_sluice_log" / "00000000000000000000"));
  EXPECT_EQ(entry["source"]["name"], "events");
  EXPECT_EQ(entry["source"]["offsets"]["0"], nlohmann::json::array({0, 2}));
  EXPECT_EQ(entry["batchTimestamp"], "1970-01-01T00:00:01Z");
  ASSERT_EQ(entry["schema"].size(), 3u);
  EXPECT_EQ(entry["schema"][2]["name"], "ts");
  EXPECT_EQ(entry["schema"][2]["type"], "TIMESTAMP");
  EXPECT_EQ(entry["schema"][0]["nullable"], false);
}

TEST_F(FilesSinkLogTest, SnapshotsFoldEntriesAndKeepCommitsIdempotent) {
  ASSERT_OK_AND_ASSIGN(auto sink, MakeSink({{"logCompactInterval", "3"}}));
  ASSERT_OK(sink->Open());
  for (int64_t id = 0; id < 7; ++id) CommitBatch(*sink, id);
  // Snapshots at batch 2 (entries 0..2) and 5 (snapshot 2 + 3..5); the newest entry stays.
  std::vector<std::string> log;
  for (const auto& entry : fs::directory_iterator(fs::path(dir_) / "_sluice_log")) {
    log.push_back(entry.path().filename().string());
  }
  std::sort(log.begin(), log.end());
  EXPECT_EQ(log, (std::vector<std::string>{"00000000000000000005", "00000000000000000005.snapshot",
                                           "00000000000000000006"}));
  ASSERT_OK_AND_ASSIGN(int64_t last, sink->LastCommitted());
  EXPECT_EQ(last, 6);

  // A replay of a folded batch is a no-op that still reports what the batch wrote.
  const auto files_before = DataFiles(dir_);
  ASSERT_OK(sink->Write(1, Rows({{999, "XX", kMay1}})));
  ASSERT_OK_AND_ASSIGN(SinkBatchStats stats, sink->Commit(1));
  EXPECT_EQ(stats.rows, 2);
  EXPECT_EQ(stats.files, 1);
  EXPECT_EQ(DataFiles(dir_), files_before);

  TableLog table_log(FileSystemForPath(dir_).ValueOrDie(), dir_);
  ASSERT_OK_AND_ASSIGN(auto contents, table_log.ReadAll());
  EXPECT_TRUE(contents.problems.empty()) << contents.problems.front();
  ASSERT_EQ(contents.entries.size(), 7u);
  for (int64_t id = 0; id < 7; ++id) {
    EXPECT_EQ(contents.entries[static_cast<size_t>(id)]["batchId"], id);
    EXPECT_EQ(contents.entries[static_cast<size_t>(id)]["source"]["offsets"]["0"][0], id * 10);
  }
  EXPECT_EQ(contents.snapshot_batch, 5);
}

TEST_F(FilesSinkLogTest, SnapshotWithLeftoverEntriesAfterACrashReadsOnce) {
  ASSERT_OK_AND_ASSIGN(auto sink, MakeSink({{"logCompactInterval", "0"}}));
  ASSERT_OK(sink->Open());
  for (int64_t id = 0; id < 4; ++id) CommitBatch(*sink, id);
  TableLog table_log(FileSystemForPath(dir_).ValueOrDie(), dir_);
  // As if the process died after writing the snapshot but before removing the entries.
  std::string before = ReadFile(fs::path(dir_) / "_sluice_log" / "00000000000000000001");
  ASSERT_OK(table_log.MaybeCompact(2));
  std::ofstream(fs::path(dir_) / "_sluice_log" / "00000000000000000001") << before;
  ASSERT_OK_AND_ASSIGN(auto contents, table_log.ReadAll());
  EXPECT_TRUE(contents.problems.empty());
  EXPECT_EQ(contents.entries.size(), 4u);
  // A leftover that disagrees with the snapshot is a problem.
  std::ofstream(fs::path(dir_) / "_sluice_log" / "00000000000000000001")
      << R"({"batchId":1,"files":[]})";
  ASSERT_OK_AND_ASSIGN(contents, table_log.ReadAll());
  ASSERT_EQ(contents.problems.size(), 1u);
  EXPECT_NE(contents.problems[0].find("differs from the same batch in the snapshot"),
            std::string::npos);
}

TEST_F(FilesSinkLogTest, PathTemplateFormatsEventTimeInTheZone) {
  ASSERT_OK_AND_ASSIGN(auto sink,
                       MakeSink({{"pathTemplate", "dt=%{+yyyy-MM-dd}/hour=%{+HH}/c=%{country}"},
                                 {"pathTemplateTimeColumn", "ts"},
                                 {"pathTemplateTimeZone", "Europe/Paris"}}));
  ASSERT_OK(sink->Open());
  // 2024-05-01 is CEST (UTC+2): 23:30Z is 01:30 the next day in Paris.
  ASSERT_OK(sink->Write(0, Rows({{1, "US", kMay1 + 23 * kHour + kHour / 2},
                                 {2, "US", kMay1 + 1 * kHour},
                                 {3, std::nullopt, kMay1 + 1 * kHour},
                                 {4, "a/b", std::nullopt}})));
  ASSERT_OK(sink->Commit(0).status());
  auto files = DataFiles(dir_);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].substr(0, files[0].find("/part-")), "dt=2024-05-01/hour=03/c=US");
  EXPECT_EQ(files[1].substr(0, files[1].find("/part-")),
            "dt=2024-05-01/hour=03/c=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(files[2].substr(0, files[2].find("/part-")), "dt=2024-05-02/hour=01/c=US");
  EXPECT_EQ(files[3].substr(0, files[3].find("/part-")),
            "dt=__HIVE_DEFAULT_PARTITION__/hour=__HIVE_DEFAULT_PARTITION__/c=a%2Fb");
  // The columns stay in the files, and the log records the folders' values.
  EXPECT_NE(ReadFile(fs::path(dir_) / files[0]).find("\"country\":\"US\""), std::string::npos);
  auto entry =
      nlohmann::json::parse(ReadFile(fs::path(dir_) / "_sluice_log" / "00000000000000000000"));
  bool found = false;
  for (const auto& file : entry["files"]) {
    if (file["path"] == files[3]) {
      found = true;
      EXPECT_EQ(file["partition"]["c"], "a/b");
      EXPECT_TRUE(file["partition"]["dt"].is_null());
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(FilesSinkLogTest, PathTemplateErrors) {
  auto error_of = [&](std::vector<RawOption> raw) {
    auto sink = MakeSink(std::move(raw));
    return sink.ok() ? std::string("OK") : sink.status().message();
  };
  EXPECT_NE(error_of({{"pathTemplate", "dt=%{+yyyy-MM-dd}"}}).find("set pathTemplateTimeColumn"),
            std::string::npos);
  EXPECT_NE(error_of({{"pathTemplate", "dt=%{+yyyy}"}, {"pathTemplateTimeColumn", "tss"}})
                .find("did you mean 'ts'"),
            std::string::npos);
  EXPECT_NE(error_of({{"pathTemplate", "dt=%{+yyyy}"}, {"pathTemplateTimeColumn", "id"}})
                .find("not TIMESTAMP"),
            std::string::npos);
  EXPECT_NE(error_of({{"pathTemplate", "c=%{countri}"}}).find("did you mean 'country'"),
            std::string::npos);
  EXPECT_NE(error_of({{"pathTemplate", "c=%{country}"}, {"partitionBy", "country"}})
                .find("cannot be used together"),
            std::string::npos);
  EXPECT_NE(error_of({{"pathTemplate", "_hidden/%{country}"}}).find("hidden"), std::string::npos);
  EXPECT_NE(error_of({{"pathTemplate", "c=%{country"}}).find("no closing"), std::string::npos);
  EXPECT_NE(error_of({{"pathTemplate", "dt=%{+yyyy}"},
                      {"pathTemplateTimeColumn", "ts"},
                      {"pathTemplateTimeZone", "Mars/Olympus"}})
                .find("not a known time zone"),
            std::string::npos);
  EXPECT_EQ(error_of({{"pathTemplate", "y=%{+yyyy}/%{country}"}, {"pathTemplateTimeColumn", "ts"}}),
            "OK");
}

}  // namespace
}  // namespace sluice
