#include "runtime/verify.h"

#include "runtime/checkpoint.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

using ::sluice::testing::TempDir;

// A table with two committed batches written by hand in the files sink's layout.
std::string MakeTable() {
  std::string root = TempDir();
  auto fs = LocalFileSystem();
  EXPECT_OK(
      fs->Put(JoinPath(root, "k=a/part-000000-0000-abcdefgh.json"), "{\"x\":1}\n{\"x\":2}\n"));
  EXPECT_OK(fs->Put(JoinPath(root, "k=b/part-000001-0000-abcdefgh.json"), "{\"x\":3}\n"));
  EXPECT_OK(fs->Put(
      JoinPath(root, "_sluice_log/00000000000000000000"),
      R"({"batchId":0,"files":[{"path":"k=a/part-000000-0000-abcdefgh.json","rows":2,"bytes":16}],)"
      R"("source":{"name":"in","offsets":{"0":[0,5],"1":[0,3]}}})"));
  EXPECT_OK(fs->Put(
      JoinPath(root, "_sluice_log/00000000000000000001"),
      R"({"batchId":1,"files":[{"path":"k=b/part-000001-0000-abcdefgh.json","rows":1,"bytes":8}],)"
      R"("source":{"name":"in","offsets":{"0":[5,9],"1":[3,3]}}})"));
  return root;
}

TEST(VerifyTest, ConsistentTable) {
  std::string root = MakeTable();
  ASSERT_OK_AND_ASSIGN(VerifyReport report, Verify(root));
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(report.kind, "table");
  EXPECT_EQ(report.ToString(),
            "table:\n  table log: 2 batches (0..1), 2 files, 3 rows, 24 bytes\n"
            "  source offsets: 4 partition ranges, contiguous per partition\n"
            "  visible data files: 2\nOK\n");
}

TEST(VerifyTest, TableLogGapsOffsetGapsAndCorruptParquetAreReported) {
  std::string root = MakeTable();
  auto fs = LocalFileSystem();
  // Batch 3 (batch 2 missing) starts partition 0 before batch 1 ended (overlap) and partition 1
  // after (gap), and lists a Parquet file that is not one.
  ASSERT_OK(fs->Put(JoinPath(root, "k=c/part-000003-0000-abcdefgh.parquet"), "PAR1 not really"));
  ASSERT_OK(
      fs->Put(JoinPath(root, "_sluice_log/00000000000000000003"),
              R"({"batchId":3,"files":[{"path":"k=c/part-000003-0000-abcdefgh.parquet","rows":1,)"
              R"("bytes":15}],"source":{"name":"in","offsets":{"0":[8,12],"1":[4,6]}}})"));
  ASSERT_OK_AND_ASSIGN(VerifyReport report, Verify(root));
  ASSERT_EQ(report.problems.size(), 4u) << report.ToString();
  EXPECT_EQ(report.problems[0],
            "batch 3: in[0] starts at 8 but the previous batch ended at 9 (overlap)");
  EXPECT_EQ(report.problems[1],
            "batch 3: in[1] starts at 4 but the previous batch ended at 3 (gap)");
  EXPECT_NE(report.problems[2].find("is not a readable Parquet file"), std::string::npos)
      << report.problems[2];
  EXPECT_EQ(report.problems[3], "table log: batches 2 to 2 are missing");
}

TEST(VerifyTest, TableProblemsAreEachReported) {
  std::string root = MakeTable();
  auto fs = LocalFileSystem();
  ASSERT_OK(fs->Put(JoinPath(root, "k=a/part-000000-0000-abcdefgh.json"), "{\"x\":1}\n"));  // 1 row
  ASSERT_OK(fs->Remove(JoinPath(root, "k=b/part-000001-0000-abcdefgh.json")));
  ASSERT_OK(fs->Put(JoinPath(root, "k=c/part-000009-0000-abcdefgh.json"), "{}\n"));
  ASSERT_OK(fs->Put(JoinPath(root, "k=c/part-000010-0000-abcdefgh.json.inprogress"), "{}\n"));
  ASSERT_OK(fs->Put(JoinPath(root, "_sluice_staging/3/k=c/x.json.inprogress"), "{}\n"));  // fine
  ASSERT_OK(fs->Put(JoinPath(root, "_hidden/ignored.json"), "{}\n"));                     // fine
  ASSERT_OK_AND_ASSIGN(VerifyReport report, Verify(root));
  EXPECT_EQ(report.problems,
            (std::vector<std::string>{
                "batch 0: 'k=a/part-000000-0000-abcdefgh.json' has 8 bytes, the log says 16",
                "batch 0: 'k=a/part-000000-0000-abcdefgh.json' has 1 rows, the log says 2",
                "batch 1: 'k=b/part-000001-0000-abcdefgh.json' is listed but missing",
                "'k=c/part-000009-0000-abcdefgh.json' is visible to readers but no table log "
                "entry lists it",
                "staged file outside _sluice_staging/: "
                "'k=c/part-000010-0000-abcdefgh.json.inprogress'",
            }));
  EXPECT_NE(report.ToString().find("5 problems"), std::string::npos);
}

OffsetsEntry Range(int64_t batch, int64_t start, int64_t end) {
  OffsetsEntry entry;
  entry.batch_id = batch;
  entry.sources["clicks"]["0"] = {start, end};
  return entry;
}

CommitEntry Commit(int64_t batch) {
  CommitEntry entry;
  entry.batch_id = batch;
  return entry;
}

TEST(VerifyTest, ConsistentCheckpointMayHaveOneUncommittedBatch) {
  std::string root = TempDir();
  CheckpointLog log(LocalFileSystem(), root);
  ASSERT_OK(log.WriteOffsets(Range(0, 0, 10)));
  ASSERT_OK(log.WriteCommit(Commit(0)));
  ASSERT_OK(log.WriteOffsets(Range(1, 10, 25)));
  ASSERT_OK(log.WriteCommit(Commit(1)));
  ASSERT_OK(log.WriteOffsets(Range(2, 25, 25)));
  ASSERT_OK_AND_ASSIGN(VerifyReport report, Verify(root));
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(report.checked,
            (std::vector<std::string>{"offsets: 3 batches (0..2), 3 partition ranges; commits: 2; "
                                      "uncommitted: 1"}));
}

TEST(VerifyTest, CheckpointGapsOverlapsAndMissingCommits) {
  std::string root = TempDir();
  CheckpointLog log(LocalFileSystem(), root);
  ASSERT_OK(log.WriteOffsets(Range(0, 0, 10)));
  ASSERT_OK(log.WriteOffsets(Range(1, 12, 20)));  // gap, and batch 0 never committed
  ASSERT_OK(log.WriteCommit(Commit(1)));
  ASSERT_OK(log.WriteOffsets(Range(2, 18, 30)));  // overlap
  ASSERT_OK(log.WriteCommit(Commit(2)));
  ASSERT_OK(log.WriteOffsets(Range(4, 30, 31)));  // batch 3 missing
  ASSERT_OK_AND_ASSIGN(VerifyReport report, Verify(root));
  EXPECT_EQ(report.problems,
            (std::vector<std::string>{
                "offsets/: batches 3 to 3 are missing",
                "offsets/0 has no commits/0 but a later batch is committed (batches commit in "
                "order)",
                "batch 1: clicks[0] starts at 12 but the previous batch ended at 10 (gap)",
                "batch 2: clicks[0] starts at 18 but the previous batch ended at 20 (overlap)",
            }));
}

TEST(VerifyTest, NeitherTableNorCheckpoint) {
  ASSERT_RAISES(kConfig, "neither a files sink output folder", Verify(TempDir()));
}

}  // namespace
}  // namespace sluice
