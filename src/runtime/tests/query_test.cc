#include "runtime/query.h"

#include <nlohmann/json.hpp>

#include <fstream>

#include "runtime/checkpoint.h"
#include "runtime/tests/fake_connectors.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

using ::sluice::testing::FakeQueryPlan;
using ::sluice::testing::FakeSinkState;
using ::sluice::testing::FakeSourceState;
using ::sluice::testing::TempDir;
using Reads = std::vector<std::tuple<std::string, int64_t, int64_t>>;

constexpr int64_t kStart = 1714564800000000;  // 2024-05-01T12:00:00Z
constexpr int64_t kSecond = 1000000;

class StreamingQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    checkpoint_ = dir_ + "/ckpt";
    source_ = std::make_shared<FakeSourceState>();
    source_->available = {{"0", 10}, {"1", 5}};
    sink_ = std::make_shared<FakeSinkState>();
  }

  Status RunQuery(Trigger trigger, ProgressReporter* progress = nullptr, std::string marker = "") {
    QueryOptions options;
    options.clock = &clock_;
    options.stop_tokens = {&stop_};
    options.progress = progress;
    options.stop_marker_path = std::move(marker);
    StreamingQuery query(FakeQueryPlan(source_, sink_, trigger, checkpoint_), std::move(options));
    Status st = query.Run();
    batches_ = query.batches_completed();
    return st;
  }

  std::vector<int64_t> BatchStartsSeconds() {
    CheckpointLog log(LocalFileSystem(), checkpoint_);
    std::vector<int64_t> out;
    for (int64_t batch = 0;; ++batch) {
      auto entry = log.ReadOffsets(batch);
      if (!entry.ok()) break;
      out.push_back((entry->batch_timestamp_ms * 1000 - kStart) / kSecond);
    }
    return out;
  }

  static std::vector<int64_t> Values(int64_t partition, int64_t from, int64_t to) {
    std::vector<int64_t> out;
    for (int64_t offset = from; offset < to; ++offset) out.push_back(partition * 1000 + offset);
    return out;
  }

  std::string dir_;
  std::string checkpoint_;
  ManualClock clock_{kStart};
  StopToken stop_;
  std::shared_ptr<FakeSourceState> source_;
  std::shared_ptr<FakeSinkState> sink_;
  int64_t batches_ = 0;
};

TEST_F(StreamingQueryTest, TriggerOnceRunsOneBatch) {
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kOnce}));
  EXPECT_EQ(batches_, 1);
  EXPECT_EQ(source_->reads, (Reads{{"0", 0, 3}, {"1", 0, 3}}));
  std::vector<int64_t> expected = Values(0, 0, 3);
  auto more = Values(1, 0, 3);
  expected.insert(expected.end(), more.begin(), more.end());
  EXPECT_EQ(sink_->AllCommitted(), expected);
  EXPECT_EQ(sink_->opens, 1);
  ASSERT_EQ(source_->advised.size(), 1u);
  EXPECT_EQ(source_->advised[0], (OffsetMap{{"0", 3}, {"1", 3}}));

  // The next run continues where the checkpoint ends.
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kOnce}));
  EXPECT_EQ(source_->reads, (Reads{{"0", 0, 3}, {"1", 0, 3}, {"0", 3, 6}, {"1", 3, 5}}));
  EXPECT_EQ(sink_->commit_calls, (std::vector<int64_t>{0, 1}));
}

TEST_F(StreamingQueryTest, AvailableNowReadsTheSnapshotInBatches) {
  // Data that arrives after the start is left for the next run.
  source_->on_plan = [this] {
    std::lock_guard lock(source_->mutex);
    source_->available["0"] += 1;
  };
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kAvailableNow}));
  EXPECT_EQ(batches_, 4);
  EXPECT_EQ(source_->reads,
            (Reads{{"0", 0, 3}, {"1", 0, 3}, {"0", 3, 6}, {"1", 3, 5}, {"0", 6, 9}, {"0", 9, 10}}));
  EXPECT_EQ(sink_->AllCommitted().size(), 15u);
}

TEST_F(StreamingQueryTest, ProcessingTimeStartsEveryInterval) {
  // Bounded source: 4 batches, then the query ends because the source is exhausted.
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kProcessingTime, 10 * kSecond}));
  EXPECT_EQ(batches_, 4);
  EXPECT_EQ(BatchStartsSeconds(), (std::vector<int64_t>{0, 10, 20, 30}));
  EXPECT_EQ(sink_->AllCommitted().size(), 15u);
}

TEST_F(StreamingQueryTest, ProcessingTimeHasNoCatchUpBurst) {
  // Batch 0 takes 25 s: batch 1 starts at once, then every 10 s after the previous start.
  bool slowed = false;
  sink_->on_write = [&](int64_t batch_id) {
    if (batch_id == 0 && !slowed) clock_.Advance(25 * kSecond);
    slowed = true;
    return Status::OK();
  };
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kProcessingTime, 10 * kSecond}));
  EXPECT_EQ(BatchStartsSeconds(), (std::vector<int64_t>{0, 25, 35, 45}));
}

TEST_F(StreamingQueryTest, ProcessingTimeWaitsWhenIdle) {
  // Unbounded, nothing new after the first batch: the query polls every interval until stopped.
  source_->bounded = false;
  source_->available = {{"0", 2}};
  source_->on_plan = [this] {
    if (source_->plan_calls == 4) stop_.RequestStop();
  };
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kProcessingTime, 10 * kSecond}));
  EXPECT_EQ(batches_, 1);
  EXPECT_EQ(source_->plan_calls, 4);
  EXPECT_EQ(clock_.NowMicros(), kStart + 30 * kSecond);
}

TEST_F(StreamingQueryTest, StopTokenLetsTheBatchInFlightCommit) {
  sink_->on_write = [this](int64_t batch_id) {
    if (batch_id == 1) stop_.RequestStop();
    return Status::OK();
  };
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kProcessingTime, 0}));
  EXPECT_EQ(batches_, 2);
  EXPECT_EQ(sink_->commit_calls, (std::vector<int64_t>{0, 1}));
  CheckpointLog log(LocalFileSystem(), checkpoint_);
  ASSERT_OK_AND_ASSIGN(auto latest, log.LatestCommit());
  EXPECT_EQ(latest, std::optional<int64_t>(1));
  ASSERT_OK_AND_ASSIGN(latest, log.LatestOffsets());
  EXPECT_EQ(latest, std::optional<int64_t>(1));
}

TEST_F(StreamingQueryTest, StopMarkerStopsGracefully) {
  std::string marker = dir_ + "/STOP";
  sink_->on_write = [&](int64_t batch_id) {
    if (batch_id == 0) return LocalFileSystem()->Put(marker, "");
    return Status::OK();
  };
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kProcessingTime, 10 * kSecond}, nullptr, marker));
  EXPECT_EQ(batches_, 1);
  EXPECT_EQ(sink_->commit_calls, (std::vector<int64_t>{0}));
  ASSERT_OK_AND_ASSIGN(bool exists, LocalFileSystem()->Exists(marker));
  EXPECT_TRUE(exists) << "the marker is left in place";
}

TEST_F(StreamingQueryTest, BatchErrorFailsTheQueryWithContext) {
  sink_->on_commit = [](int64_t batch_id) {
    return batch_id == 1 ? Status::IOError("disk full") : Status::OK();
  };
  Status st = RunQuery(Trigger{TriggerKind::kAvailableNow});
  ASSERT_RAISES(kIO, "query 'q' batch 1: disk full", st);
  EXPECT_EQ(sink_->aborts, (std::vector<int64_t>{1}));
  CheckpointLog log(LocalFileSystem(), checkpoint_);
  ASSERT_OK_AND_ASSIGN(auto latest, log.LatestOffsets());
  EXPECT_EQ(latest, std::optional<int64_t>(1));  // logged before reading...
  ASSERT_OK_AND_ASSIGN(latest, log.LatestCommit());
  EXPECT_EQ(latest, std::optional<int64_t>(0));  // ...but never committed
}

TEST_F(StreamingQueryTest, RestartReplaysExactlyTheLoggedRanges) {
  // Batch 1 fails at commit (as a crash would leave it): offsets/1 without commits/1.
  sink_->on_commit = [](int64_t batch_id) {
    return batch_id == 1 ? Status::IOError("crash") : Status::OK();
  };
  ASSERT_FALSE(RunQuery(Trigger{TriggerKind::kAvailableNow}).ok());
  CheckpointLog log(LocalFileSystem(), checkpoint_);
  ASSERT_OK_AND_ASSIGN(OffsetsEntry logged, log.ReadOffsets(1));

  // Restart with more data and a bigger batch limit: batch 1 must still read exactly the logged
  // ranges, with the logged timestamp; new data comes in later batches.
  sink_->on_commit = nullptr;
  source_->reads.clear();
  source_->max_per_batch = 100;
  source_->available = {{"0", 12}, {"1", 5}};
  clock_.Advance(3600 * kSecond);
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kAvailableNow}));
  EXPECT_EQ(source_->reads, (Reads{{"0", 3, 6}, {"1", 3, 5}, {"0", 6, 12}}));
  EXPECT_EQ(sink_->commit_calls, (std::vector<int64_t>{0, 1, 2}));
  ASSERT_OK_AND_ASSIGN(OffsetsEntry after, log.ReadOffsets(1));
  EXPECT_EQ(after, logged);

  // Every record exactly once.
  std::vector<int64_t> expected = Values(0, 0, 3);
  for (auto part : {Values(1, 0, 3), Values(0, 3, 6), Values(1, 3, 5), Values(0, 6, 12)}) {
    expected.insert(expected.end(), part.begin(), part.end());
  }
  EXPECT_EQ(sink_->AllCommitted(), expected);
}

TEST_F(StreamingQueryTest, ReplaySkipsTheWriteWhenTheSinkHasTheBatch) {
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kOnce}));
  // Simulate a crash after the sink committed batch 1 but before commits/1 was written.
  CheckpointLog log(LocalFileSystem(), checkpoint_);
  OffsetsEntry entry;
  entry.batch_id = 1;
  entry.batch_timestamp_ms = kStart / 1000 + 5000;
  entry.sources["src"] = {{"0", {3, 6}}, {"1", {3, 5}}};
  ASSERT_OK(log.WriteOffsets(entry));
  sink_->committed[1] = {42};

  source_->reads.clear();
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kOnce}));
  EXPECT_EQ(batches_, 1);
  EXPECT_TRUE(source_->reads.empty());
  EXPECT_EQ(sink_->write_batches, (std::vector<int64_t>{0, 0}));  // only batch 0's two partitions
  EXPECT_EQ(sink_->committed[1], std::vector<int64_t>{42});
  ASSERT_OK_AND_ASSIGN(CommitEntry commit, log.ReadCommit(1));
  EXPECT_EQ(commit.batch_id, 1);

  // Next run: from the end of batch 1.
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kOnce}));
  EXPECT_EQ(source_->reads, (Reads{{"0", 6, 9}}));
}

TEST_F(StreamingQueryTest, ReplayWritesWhenTheSinkCannotTell) {
  sink_->reports_last_committed = false;  // like console: replay rewrites
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kOnce}));
  CheckpointLog log(LocalFileSystem(), checkpoint_);
  OffsetsEntry entry;
  entry.batch_id = 1;
  entry.batch_timestamp_ms = kStart / 1000;
  entry.sources["src"] = {{"0", {3, 4}}};
  ASSERT_OK(log.WriteOffsets(entry));
  source_->reads.clear();
  ASSERT_OK(RunQuery(Trigger{TriggerKind::kOnce}));
  EXPECT_EQ(source_->reads, (Reads{{"0", 3, 4}}));
}

TEST_F(StreamingQueryTest, ProgressRecords) {
  std::string path = dir_ + "/progress.jsonl";
  {
    ASSERT_OK_AND_ASSIGN(auto reporter, ProgressReporter::Open(path));
    ASSERT_OK(RunQuery(Trigger{TriggerKind::kProcessingTime, 10 * kSecond}, reporter.get()));
    EXPECT_EQ(reporter->Latest().at("q").batch_id, 3);
  }
  std::ifstream in(path);
  std::vector<nlohmann::json> records;
  for (std::string line; std::getline(in, line);) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 4u);
  const auto& second = records[1];
  EXPECT_EQ(second["name"], "q");
  EXPECT_EQ(second["batchId"], 1);
  EXPECT_EQ(second["timestamp"], "2024-05-01T12:00:10Z");
  EXPECT_EQ(second["numInputRows"], 5);
  EXPECT_EQ(second["numOutputRows"], 5);
  EXPECT_EQ(second["inputRowsPerSecond"], 0.5);  // 5 rows over the 10 s since batch 0
  EXPECT_EQ(second["filesWritten"], 1);
  EXPECT_EQ(second["bytesWritten"], 40);
  EXPECT_EQ(second["sink"]["description"], "fakesink");
  EXPECT_EQ(second["sink"]["numOutputRows"], 5);
  ASSERT_EQ(second["sources"].size(), 1u);
  const auto& source = second["sources"][0];
  EXPECT_EQ(source["description"], "fake[partitions=2]");
  EXPECT_EQ(source["startOffset"], (nlohmann::json{{"0", 3}, {"1", 3}}));
  EXPECT_EQ(source["endOffset"], (nlohmann::json{{"0", 6}, {"1", 5}}));
  EXPECT_EQ(source["latestOffset"], (nlohmann::json{{"0", 10}, {"1", 5}}));
  EXPECT_EQ(source["numInputRows"], 5);
  for (const char* phase :
       {"latestOffset", "walCommit", "getBatch", "addBatch", "commitOffsets", "triggerExecution"}) {
    EXPECT_TRUE(second["durationMs"][phase].is_number_integer()) << phase;
  }
  EXPECT_EQ(records[0]["id"], records[3]["id"]);
  EXPECT_EQ(records[0]["runId"], records[3]["runId"]);
  EXPECT_NE(records[0]["id"], records[0]["runId"]);
}

TEST(QueryProgressTest, JsonFieldsInSparkOrder) {
  QueryProgress progress;
  progress.id = "id-1";
  progress.run_id = "run-1";
  progress.name = "q";
  progress.timestamp_micros = kStart + 500000;
  progress.batch_id = 7;
  progress.num_input_rows = 100;
  progress.input_rows_per_second = 10;
  progress.processed_rows_per_second = 1234.56;
  progress.latest_offset_ms = 1;
  progress.wal_commit_ms = 2;
  progress.get_batch_ms = 3;
  progress.add_batch_ms = 4;
  progress.commit_offsets_ms = 5;
  progress.trigger_execution_ms = 15;
  SourceProgress source;
  source.description = "datagen[seed=1]";
  source.start_offset = {{"0", 0}};
  source.end_offset = {{"0", 100}};
  source.latest_offset = {{"0", 150}};
  source.num_input_rows = 100;
  progress.sources.push_back(source);
  progress.sink_description = "console";
  progress.num_output_rows = 90;
  progress.files_written = 0;
  progress.bytes_written = 0;
  EXPECT_EQ(progress.ToJson(),
            R"({"id":"id-1","runId":"run-1","name":"q","timestamp":"2024-05-01T12:00:00.5Z",)"
            R"("batchId":7,"numInputRows":100,"inputRowsPerSecond":10.0,)"
            R"("processedRowsPerSecond":1234.5,"durationMs":{"latestOffset":1,"walCommit":2,)"
            R"("getBatch":3,"addBatch":4,"commitOffsets":5,"triggerExecution":15},)"
            R"("sources":[{"description":"datagen[seed=1]","startOffset":{"0":0},)"
            R"("endOffset":{"0":100},"latestOffset":{"0":150},"numInputRows":100,)"
            R"("inputRowsPerSecond":0.0,"processedRowsPerSecond":0.0,)"
            R"("metrics":{"minOffsetsBehindLatest":50,"maxOffsetsBehindLatest":50,)"
            R"("avgOffsetsBehindLatest":50.0,"offsetsBehindLatest":{"0":50}}}],)"
            R"("sink":{"description":"console","numOutputRows":90},"numOutputRows":90,)"
            R"("filesWritten":0,"bytesWritten":0})");
  EXPECT_EQ(progress.Summary(),
            "query 'q' batch 7: 100 rows in, 90 rows out in 15 ms (1235 rows/s), 0 files, 0 bytes");
}

}  // namespace
}  // namespace sluice
