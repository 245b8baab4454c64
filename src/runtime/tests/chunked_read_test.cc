// A batch read in chunks (QueryOptions::read_chunk_rows), on the query's thread or on a second
// one (QueryOptions::threads = 2): the ranges are covered exactly and in order, the rows reach the
// sink in order, at most two chunks are in flight, and errors on either side end the batch.
#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/query.h"
#include "runtime/tests/fake_connectors.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

using ::sluice::testing::FakeQueryPlan;
using ::sluice::testing::FakeSchema;
using ::sluice::testing::FakeSinkState;
using ::sluice::testing::FakeSourceState;
using ::sluice::testing::TempDir;
using Reads = std::vector<std::tuple<std::string, int64_t, int64_t>>;

/// One partition "0" of `files` offsets, each holding `rows_per_offset` rows (like a files
/// source with one offset per file); value = offset * 1000 + row. Fails the Read that covers
/// `fail_at` (if >= 0).
struct FileLikeState {
  int64_t files = 20;
  int64_t rows_per_offset = 100;
  int64_t fail_at = -1;
  std::mutex mutex;
  Reads reads;
};

class FileLikeSource final : public Source {
 public:
  explicit FileLikeSource(std::shared_ptr<FileLikeState> state) : state_(std::move(state)) {}
  Result<OffsetMap> InitialOffsets() override { return OffsetMap{{"0", 0}}; }
  Result<OffsetMap> LatestOffsets() override { return OffsetMap{{"0", state_->files}}; }
  Result<OffsetMap> PlanBatchEnd(const OffsetMap&) override {
    return OffsetMap{{"0", state_->files}};
  }
  Status Read(const std::string& partition, int64_t start, int64_t end,
              std::vector<Batch>* out) override {
    {
      std::lock_guard lock(state_->mutex);
      state_->reads.emplace_back(partition, start, end);
    }
    if (state_->fail_at >= start && state_->fail_at < end) {
      return Status::IOError("file {} is unreadable", state_->fail_at);
    }
    for (int64_t offset = start; offset < end; ++offset) {  // one batch per "file"
      Int64Builder builder(Int64Type());
      for (int64_t row = 0; row < state_->rows_per_offset; ++row) {
        builder.Append(offset * 1000 + row);
      }
      ASSIGN_OR_RETURN(Batch batch,
                       Batch::Make(FakeSchema(), {builder.Finish()}, state_->rows_per_offset));
      out->push_back(std::move(batch));
    }
    return Status::OK();
  }
  bool IsExhausted(const OffsetMap& offsets) override {
    auto it = offsets.find("0");
    return it != offsets.end() && it->second >= state_->files;
  }
  std::string Describe() const override { return "filelike"; }

 private:
  std::shared_ptr<FileLikeState> state_;
};

class ChunkedReadTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    checkpoint_ = TempDir() + "/ckpt";
    source_ = std::make_shared<FakeSourceState>();
    source_->available = {{"0", 100}, {"1", 7}};
    source_->max_per_batch = 1000;
    sink_ = std::make_shared<FakeSinkState>();
  }

  Status Run(QueryPlan plan, int64_t chunk_rows) {
    QueryOptions options;
    options.clock = &clock_;
    options.threads = GetParam();
    options.read_chunk_rows = chunk_rows;
    StreamingQuery query(std::move(plan), std::move(options));
    return query.Run();
  }

  QueryPlan FileLikePlan(std::shared_ptr<FileLikeState> state) {
    QueryPlan plan = FakeQueryPlan(source_, sink_, Trigger{TriggerKind::kOnce}, checkpoint_);
    plan.source.def.create_source = [state](SourceContext) -> Result<std::unique_ptr<Source>> {
      return std::unique_ptr<Source>(std::make_unique<FileLikeSource>(state));
    };
    return plan;
  }

  std::string checkpoint_;
  ManualClock clock_{1714564800000000};
  std::shared_ptr<FakeSourceState> source_;
  std::shared_ptr<FakeSinkState> sink_;
};

TEST_P(ChunkedReadTest, CoversEachRangeExactlyInOrder) {
  ASSERT_OK(Run(FakeQueryPlan(source_, sink_, Trigger{TriggerKind::kOnce}, checkpoint_), 10));
  // One offset first, then ten rows' worth (one row per offset), partition after partition.
  Reads expected = {{"0", 0, 1}};
  for (int64_t start = 1; start < 100; start += 10) {
    expected.emplace_back("0", start, std::min<int64_t>(start + 10, 100));
  }
  expected.emplace_back("1", 0, 7);
  EXPECT_EQ(source_->reads, expected);
  std::vector<int64_t> values;
  for (int64_t offset = 0; offset < 100; ++offset) values.push_back(offset);
  for (int64_t offset = 0; offset < 7; ++offset) values.push_back(1000 + offset);
  EXPECT_EQ(sink_->AllCommitted(), values);
  EXPECT_EQ(sink_->write_batches.size(), expected.size());
}

TEST_P(ChunkedReadTest, NoChunkRowsMeansOneReadPerPartition) {
  ASSERT_OK(Run(FakeQueryPlan(source_, sink_, Trigger{TriggerKind::kOnce}, checkpoint_), 0));
  EXPECT_EQ(source_->reads, (Reads{{"0", 0, 100}, {"1", 0, 7}}));
  EXPECT_EQ(sink_->AllCommitted().size(), 107u);
}

TEST_P(ChunkedReadTest, StepFollowsTheRowsPerOffset) {
  auto state = std::make_shared<FileLikeState>();
  ASSERT_OK(Run(FileLikePlan(state), 250));  // 100 rows per offset: 2 offsets per chunk
  Reads expected = {{"0", 0, 1}};
  for (int64_t start = 1; start < 20; start += 2) {
    expected.emplace_back("0", start, std::min<int64_t>(start + 2, 20));
  }
  EXPECT_EQ(state->reads, expected);
  std::vector<int64_t> values = sink_->AllCommitted();
  ASSERT_EQ(values.size(), 2000u);
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(values[i], static_cast<int64_t>(i / 100 * 1000 + i % 100)) << i;
  }
}

TEST_P(ChunkedReadTest, AtMostTwoChunksInFlight) {
  auto state = std::make_shared<FileLikeState>();
  std::atomic<int64_t> writes = 0;
  std::atomic<bool> bounded = true;
  sink_->on_write = [&](int64_t) {
    int64_t written = ++writes;  // the chunk being written now included
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // a slow sink
    std::lock_guard lock(state->mutex);
    // One thread: the chunk being written is the last one read. Two: the next one may be read
    // meanwhile, never a third.
    if (static_cast<int64_t>(state->reads.size()) > written + (GetParam() == 1 ? 0 : 1)) {
      bounded = false;
    }
    return Status::OK();
  };
  ASSERT_OK(Run(FileLikePlan(state), 100));  // one offset (one batch) per chunk
  EXPECT_EQ(writes.load(), 20);
  EXPECT_TRUE(bounded.load());
}

TEST_P(ChunkedReadTest, ReadErrorAbortsTheBatchAndTheReplayWritesItOnce) {
  auto state = std::make_shared<FileLikeState>();
  state->fail_at = 13;
  Status failed = Run(FileLikePlan(state), 100);
  EXPECT_EQ(failed.code(), StatusCode::kIO) << failed.ToString();
  EXPECT_NE(failed.message().find("file 13 is unreadable"), std::string::npos);
  EXPECT_EQ(sink_->aborts, (std::vector<int64_t>{0}));
  EXPECT_TRUE(sink_->committed.empty());

  state->fail_at = -1;
  state->reads.clear();
  ASSERT_OK(Run(FileLikePlan(state), 100));
  EXPECT_EQ(sink_->AllCommitted().size(), 2000u);
  EXPECT_EQ(state->reads.front(), (std::tuple<std::string, int64_t, int64_t>{"0", 0, 1}));
  EXPECT_EQ(std::get<2>(state->reads.back()), 20);
}

TEST_P(ChunkedReadTest, WriteErrorStopsTheReaderAndAbortsTheBatch) {
  auto state = std::make_shared<FileLikeState>();
  sink_->on_write = [&](int64_t) -> Status {
    std::lock_guard lock(sink_->mutex);
    if (sink_->write_batches.size() == 3) return Status::IOError("disk full");
    return Status::OK();
  };
  Status failed = Run(FileLikePlan(state), 100);
  EXPECT_EQ(failed.code(), StatusCode::kIO) << failed.ToString();
  EXPECT_EQ(sink_->aborts, (std::vector<int64_t>{0}));
  // The reader stopped early: it never ran more than one chunk ahead.
  EXPECT_LE(state->reads.size(), GetParam() == 1 ? 4u : 5u);
  EXPECT_TRUE(sink_->committed.empty());
}

INSTANTIATE_TEST_SUITE_P(Threads, ChunkedReadTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == 1 ? std::string("OneThread")
                                                  : std::string("TwoThreads");
                         });

}  // namespace
}  // namespace sluice
