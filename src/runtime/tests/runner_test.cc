#include "runtime/runner.h"

#include <glob.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "runtime/tests/fake_connectors.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

using ::sluice::testing::FakeQueryPlan;
using ::sluice::testing::FakeSinkState;
using ::sluice::testing::FakeSourceState;
using ::sluice::testing::TempDir;

size_t TempFoldersOfThisProcess() {
  glob_t found{};
  std::string pattern = std::filesystem::temp_directory_path().string() + "/sluice-" +
                        std::to_string(::getpid()) + "-*";
  ::glob(pattern.c_str(), 0, nullptr, &found);
  size_t count = found.gl_pathc;
  ::globfree(&found);
  return count;
}

TEST(RunPipelineTest, RunsEveryQueryAndRemovesTemporaryCheckpoints) {
  std::string dir = TempDir();
  auto source_a = std::make_shared<FakeSourceState>();
  source_a->available = {{"0", 7}};
  auto source_b = std::make_shared<FakeSourceState>();
  source_b->available = {{"1", 4}};
  auto sink_a = std::make_shared<FakeSinkState>();
  auto sink_b = std::make_shared<FakeSinkState>();
  Pipeline pipeline;
  pipeline.queries.push_back(
      FakeQueryPlan(source_a, sink_a, Trigger{TriggerKind::kAvailableNow}, dir + "/ck/a", "a"));
  pipeline.queries.push_back(
      FakeQueryPlan(source_b, sink_b, Trigger{TriggerKind::kAvailableNow}, "", "b"));
  ManualClock clock(0);
  RunOptions options;
  options.clock = &clock;
  options.progress_path = dir + "/progress.jsonl";
  ASSERT_OK(RunPipeline(pipeline, options));
  EXPECT_EQ(sink_a->AllCommitted(), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(sink_b->AllCommitted(), (std::vector<int64_t>{1000, 1001, 1002, 1003}));
  EXPECT_EQ(TempFoldersOfThisProcess(), 0u);
  ASSERT_OK_AND_ASSIGN(bool exists, LocalFileSystem()->Exists(dir + "/ck/a/commits/2"));
  EXPECT_TRUE(exists);
  std::ifstream in(options.progress_path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, 3 + 2);
}

TEST(RunPipelineTest, OneFailureStopsTheOthers) {
  std::string dir = TempDir();
  auto good_source = std::make_shared<FakeSourceState>();
  good_source->available = {{"0", 2}};
  good_source->bounded = false;  // would run forever
  auto good_sink = std::make_shared<FakeSinkState>();
  auto bad_source = std::make_shared<FakeSourceState>();
  bad_source->available = {{"0", 2}};
  auto bad_sink = std::make_shared<FakeSinkState>();
  bad_sink->on_commit = [good_sink](int64_t) {
    // Fail only once the good query has committed a batch, so the test is deterministic.
    for (int attempt = 0; attempt < 500 && good_sink->AllCommitted().empty(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status::IOError("bucket gone");
  };
  Pipeline pipeline;
  pipeline.queries.push_back(FakeQueryPlan(good_source, good_sink,
                                           Trigger{TriggerKind::kProcessingTime, 1000000},
                                           dir + "/good", "good"));
  pipeline.queries.push_back(FakeQueryPlan(
      bad_source, bad_sink, Trigger{TriggerKind::kProcessingTime, 1000000}, dir + "/bad", "bad"));
  RunOptions options;  // the real clock: the good query waits between batches
  Status st = RunPipeline(pipeline, options);
  ASSERT_RAISES(kIO, "query 'bad' batch 0: bucket gone", st);
  EXPECT_EQ(good_sink->AllCommitted(), (std::vector<int64_t>{0, 1}));
}

TEST(RunPipelineTest, ExternalStopEndsEveryQuery) {
  std::string dir = TempDir();
  auto source = std::make_shared<FakeSourceState>();
  source->available = {{"0", 100}};
  source->bounded = false;
  auto sink = std::make_shared<FakeSinkState>();
  StopToken stop;
  sink->on_write = [&stop](int64_t) {
    stop.RequestStop();
    return Status::OK();
  };
  Pipeline pipeline;
  pipeline.queries.push_back(
      FakeQueryPlan(source, sink, Trigger{TriggerKind::kProcessingTime, 0}, dir + "/ck", "q"));
  ManualClock clock(0);
  RunOptions options;
  options.clock = &clock;
  options.stop = &stop;
  ASSERT_OK(RunPipeline(pipeline, options));
  EXPECT_EQ(sink->commit_calls, (std::vector<int64_t>{0}));  // the batch in flight committed
}

}  // namespace
}  // namespace sluice
