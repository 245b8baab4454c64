#include "runtime/checkpoint.h"

#include <set>

#include "testing/gtest_util.h"

namespace sluice {
namespace {

using ::sluice::testing::TempDir;

OffsetsEntry SampleOffsets(int64_t batch_id) {
  OffsetsEntry entry;
  entry.batch_id = batch_id;
  entry.batch_timestamp_ms = 1714564800123;
  entry.sources["clicks"]["0"] = {10, 20};
  entry.sources["clicks"]["clicks-3"] = {5, 5};
  return entry;
}

TEST(CheckpointTest, OffsetsRoundTrip) {
  CheckpointLog log(LocalFileSystem(), TempDir());
  ASSERT_OK(log.WriteOffsets(SampleOffsets(0)));
  ASSERT_OK_AND_ASSIGN(OffsetsEntry read, log.ReadOffsets(0));
  EXPECT_EQ(read, SampleOffsets(0));
  ASSERT_OK_AND_ASSIGN(std::string text, LocalFileSystem()->Get(log.OffsetsPath(0)));
  EXPECT_EQ(text, R"({"version":1,"batchId":0,"batchTimestampMs":1714564800123,)"
                  R"("sources":{"clicks":{"0":[10,20],"clicks-3":[5,5]}}})");
}

TEST(CheckpointTest, RemoveTemporariesAfterACrash) {
  std::string dir = TempDir();
  auto fs = LocalFileSystem();
  CheckpointLog log(fs, dir);
  ASSERT_OK(log.WriteOffsets(SampleOffsets(0)));
  std::string stale = JoinPath(JoinPath(dir, "commits"), ".0.tmp-99-1");
  ASSERT_OK(fs->Put(stale, "{\"half"));
  ASSERT_OK(log.RemoveTemporaries());
  ASSERT_OK_AND_ASSIGN(bool exists, fs->Exists(stale));
  EXPECT_FALSE(exists);
  ASSERT_OK_AND_ASSIGN(OffsetsEntry read, log.ReadOffsets(0));
  EXPECT_EQ(read, SampleOffsets(0));
}

TEST(CheckpointTest, OffsetsWrittenOnce) {
  CheckpointLog log(LocalFileSystem(), TempDir());
  ASSERT_OK(log.WriteOffsets(SampleOffsets(3)));
  ASSERT_RAISES(kCommit, "offsets/3' already exists", log.WriteOffsets(SampleOffsets(3)));
}

TEST(CheckpointTest, CommitsRoundTrip) {
  CheckpointLog log(LocalFileSystem(), TempDir());
  CommitEntry commit{7, 100, 90, 2, 4096, 1714564800999};
  ASSERT_OK(log.WriteCommit(commit));
  ASSERT_OK_AND_ASSIGN(CommitEntry read, log.ReadCommit(7));
  EXPECT_EQ(read, commit);
  ASSERT_RAISES(kCommit, "already exists", log.WriteCommit(commit));
}

TEST(CheckpointTest, LatestByListing) {
  std::string dir = TempDir();
  CheckpointLog log(LocalFileSystem(), dir);
  ASSERT_OK_AND_ASSIGN(auto latest, log.LatestOffsets());
  EXPECT_FALSE(latest.has_value());
  ASSERT_OK_AND_ASSIGN(latest, log.LatestCommit());
  EXPECT_FALSE(latest.has_value());
  for (int64_t batch : {0, 1, 2, 9, 10}) ASSERT_OK(log.WriteOffsets(SampleOffsets(batch)));
  ASSERT_OK(log.WriteCommit(CommitEntry{1}));
  // Temp files and strays are ignored.
  ASSERT_OK(LocalFileSystem()->Put(dir + "/offsets/.11.tmp-1-2", "x"));
  ASSERT_OK(LocalFileSystem()->Put(dir + "/offsets/12.bak", "x"));
  ASSERT_OK_AND_ASSIGN(latest, log.LatestOffsets());
  EXPECT_EQ(latest, std::optional<int64_t>(10));  // numeric, not lexicographic
  ASSERT_OK_AND_ASSIGN(latest, log.LatestCommit());
  EXPECT_EQ(latest, std::optional<int64_t>(1));
}

TEST(CheckpointTest, MetadataCreatedOnceThenReused) {
  std::string dir = TempDir();
  CheckpointLog log(LocalFileSystem(), dir);
  ASSERT_OK_AND_ASSIGN(auto first, log.LoadOrCreateMetadata("q", 1714564800000000));
  EXPECT_EQ(first.name, "q");
  EXPECT_EQ(first.created_at_micros, 1714564800000000);
  EXPECT_EQ(first.id.size(), 36u);
  EXPECT_EQ(first.id[14], '4');
  ASSERT_OK_AND_ASSIGN(auto second, log.LoadOrCreateMetadata("q", 1814564800000000));
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.created_at_micros, 1714564800000000);
  ASSERT_OK_AND_ASSIGN(std::string text, LocalFileSystem()->Get(dir + "/metadata"));
  EXPECT_EQ(text, R"({"version":1,"id":")" + first.id +
                      R"(","name":"q","createdAt":"2024-05-01T12:00:00Z"})");
}

TEST(CheckpointTest, UuidsDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(NewUuid());
  EXPECT_EQ(ids.size(), 100u);
}

TEST(CheckpointTest, CorruptFilesAreClearErrors) {
  std::string dir = TempDir();
  auto fs = LocalFileSystem();
  CheckpointLog log(fs, dir);
  const std::string full = OffsetsEntryToJson(SampleOffsets(0));
  struct Case {
    std::string text;
    std::string expected;
  };
  std::vector<Case> cases = {
      {full.substr(0, full.size() / 2), "not valid JSON"},
      {"", "not valid JSON"},
      {"[1,2]", "expected a JSON object"},
      {R"({"version":1,"batchTimestampMs":1,"sources":{}})", "missing field 'batchId'"},
      {R"({"version":1,"batchId":"0","batchTimestampMs":1,"sources":{}})",
       "field 'batchId' is not an integer"},
      {R"({"version":2,"batchId":0,"batchTimestampMs":1,"sources":{}})", "has version 2"},
      {R"({"version":1,"batchId":0,"batchTimestampMs":1})", "'sources'"},
      {R"({"version":1,"batchId":0,"batchTimestampMs":1,"sources":{"s":{"0":[1]}}})",
       "is not [start, end]"},
      {R"({"version":1,"batchId":0,"batchTimestampMs":1,"sources":{"s":{"0":[5,1]}}})",
       "ends before it starts"},
      {R"({"version":1,"batchId":4,"batchTimestampMs":1,"sources":{}})", "holds batchId 4"},
  };
  for (const auto& test_case : cases) {
    SCOPED_TRACE(test_case.text);
    ASSERT_OK(fs->Put(log.OffsetsPath(0), test_case.text));
    auto read = log.ReadOffsets(0);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), StatusCode::kCommit) << read.status().ToString();
    EXPECT_NE(read.status().message().find(log.OffsetsPath(0)), std::string::npos)
        << read.status().ToString();
    EXPECT_NE(read.status().message().find(test_case.expected), std::string::npos)
        << read.status().ToString();
  }
  ASSERT_OK(fs->Put(log.CommitPath(0), R"({"version":1,"batchId":0})"));
  ASSERT_RAISES(kCommit, "missing field 'numInputRows'", log.ReadCommit(0));
  ASSERT_OK(fs->Put(dir + "/metadata", R"({"id":"x","name":"q","createdAt":"yesterday"})"));
  ASSERT_RAISES(kCommit, "bad createdAt 'yesterday'", log.LoadOrCreateMetadata("q", 0));
  ASSERT_RAISES(kNotFound, "offsets/1", log.ReadOffsets(1));
}

TEST(CheckpointTest, PurgeKeepsTheNewest) {
  std::string dir = TempDir();
  CheckpointLog log(LocalFileSystem(), dir);
  for (int64_t batch = 0; batch < 8; ++batch) {
    ASSERT_OK(log.WriteOffsets(SampleOffsets(batch)));
    ASSERT_OK(log.WriteCommit(CommitEntry{batch}));
  }
  ASSERT_OK(log.Purge(3));
  for (const char* subdir : {"offsets", "commits"}) {
    ASSERT_OK_AND_ASSIGN(auto listed, LocalFileSystem()->List(dir + "/" + subdir));
    std::vector<std::string> names;
    for (const auto& info : listed) names.push_back(info.path.substr(info.path.rfind('/') + 1));
    EXPECT_EQ(names, (std::vector<std::string>{"5", "6", "7"})) << subdir;
  }
}

}  // namespace
}  // namespace sluice
