#include "storage/tests/filesystem_conformance.h"

#include <filesystem>
#include <thread>
#include <vector>

#include "testing/gtest_util.h"

namespace sluice::testing {
namespace {

// Paths relative to `root`, in the order listed.
std::vector<std::string> Relative(const std::string& root, const std::vector<FileInfo>& infos) {
  std::vector<std::string> out;
  for (const auto& info : infos) {
    std::string path = LocalPath(info.path);
    std::string prefix = LocalPath(root) + "/";
    out.push_back(path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path);
  }
  return out;
}

TEST_P(FileSystemConformanceTest, PutThenGetReplaces) {
  ASSERT_OK(fs_->Put(Path("a/b/file.txt"), "hello"));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("a/b/file.txt")));
  EXPECT_EQ(got, "hello");
  ASSERT_OK(fs_->Put(Path("a/b/file.txt"), "bye"));
  ASSERT_OK_AND_ASSIGN(got, fs_->Get(Path("a/b/file.txt")));
  EXPECT_EQ(got, "bye");
  // No temp files are left behind.
  ASSERT_OK_AND_ASSIGN(auto listed, fs_->List(Path("a/b")));
  EXPECT_EQ(Relative(root_, listed), std::vector<std::string>{"a/b/file.txt"});
}

TEST_P(FileSystemConformanceTest, PutEmptyAndBinary) {
  ASSERT_OK(fs_->Put(Path("empty"), ""));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("empty")));
  EXPECT_EQ(got, "");
  std::string binary("a\0b\xff", 4);
  ASSERT_OK(fs_->Put(Path("bin"), binary));
  ASSERT_OK_AND_ASSIGN(got, fs_->Get(Path("bin")));
  EXPECT_EQ(got, binary);
}

TEST_P(FileSystemConformanceTest, GetMissingIsNotFound) {
  ASSERT_RAISES(kNotFound, "missing.txt", fs_->Get(Path("missing.txt")));
}

TEST_P(FileSystemConformanceTest, OpenReadReadsRanges) {
  std::string data;
  for (int i = 0; i < 20000; ++i) data += static_cast<char>('a' + (i * 7 + i / 26) % 26);
  ASSERT_OK(fs_->Put(Path("r/data"), data));
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead(Path("r/data")));
  EXPECT_EQ(file->size(), static_cast<int64_t>(data.size()));
  // In pieces that do not divide the size: every byte once, in order, then 0 at the end.
  std::string got;
  std::string buffer(3001, '\0');
  while (true) {
    ASSERT_OK_AND_ASSIGN(int64_t n,
                         file->ReadAt(static_cast<int64_t>(got.size()),
                                      static_cast<int64_t>(buffer.size()), buffer.data()));
    if (n == 0) break;
    got.append(buffer.data(), static_cast<size_t>(n));
    if (got.size() < data.size()) {
      EXPECT_EQ(n, static_cast<int64_t>(buffer.size()));
    }
  }
  EXPECT_EQ(got, data);
  // Anywhere, in any order; short only at the end.
  ASSERT_OK_AND_ASSIGN(int64_t n, file->ReadAt(12345, 10, buffer.data()));
  EXPECT_EQ(std::string(buffer.data(), static_cast<size_t>(n)), data.substr(12345, 10));
  ASSERT_OK_AND_ASSIGN(n, file->ReadAt(static_cast<int64_t>(data.size()) - 4, 100, buffer.data()));
  EXPECT_EQ(std::string(buffer.data(), static_cast<size_t>(n)), data.substr(data.size() - 4));
  ASSERT_OK_AND_ASSIGN(n, file->ReadAt(static_cast<int64_t>(data.size()) + 10, 5, buffer.data()));
  EXPECT_EQ(n, 0);
  // Empty files; missing files are NotFound.
  ASSERT_OK(fs_->Put(Path("r/empty"), ""));
  ASSERT_OK_AND_ASSIGN(auto empty, fs_->OpenRead(Path("r/empty")));
  EXPECT_EQ(empty->size(), 0);
  ASSERT_OK_AND_ASSIGN(n, empty->ReadAt(0, 10, buffer.data()));
  EXPECT_EQ(n, 0);
  ASSERT_RAISES(kNotFound, "missing", fs_->OpenRead(Path("r/missing")));
}

TEST_P(FileSystemConformanceTest, Exists) {
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("x")));
  EXPECT_FALSE(exists);
  ASSERT_OK(fs_->Put(Path("x"), "1"));
  ASSERT_OK_AND_ASSIGN(exists, fs_->Exists(Path("x")));
  EXPECT_TRUE(exists);
  ASSERT_OK_AND_ASSIGN(exists, fs_->Exists(Path("x/under-a-file")));
  EXPECT_FALSE(exists);
}

TEST_P(FileSystemConformanceTest, ListIsSortedAndShallow) {
  ASSERT_OK(fs_->Put(Path("d/b.txt"), "bb"));
  ASSERT_OK(fs_->Put(Path("d/a.txt"), "a"));
  ASSERT_OK(fs_->Put(Path("d/sub/c.txt"), "ccc"));
  ASSERT_OK_AND_ASSIGN(auto listed, fs_->List(Path("d")));
  EXPECT_EQ(Relative(root_, listed), (std::vector<std::string>{"d/a.txt", "d/b.txt", "d/sub"}));
  EXPECT_EQ(listed[0].size, 1);
  EXPECT_EQ(listed[1].size, 2);
  EXPECT_FALSE(listed[0].is_directory);
  EXPECT_TRUE(listed[2].is_directory);
}

TEST_P(FileSystemConformanceTest, ListMissingDirIsNotFound) {
  ASSERT_RAISES(kNotFound, "nope", fs_->List(Path("nope")));
}

TEST_P(FileSystemConformanceTest, ListRecursiveIsSortedFilesOnly) {
  ASSERT_OK(fs_->Put(Path("r/z.txt"), "z"));
  ASSERT_OK(fs_->Put(Path("r/m/n/deep.txt"), "deep"));
  ASSERT_OK(fs_->Put(Path("r/a.txt"), "a"));
  ASSERT_OK(fs_->CreateDirectories(Path("r/empty-dir")));
  ASSERT_OK_AND_ASSIGN(auto listed, fs_->ListRecursive(Path("r")));
  EXPECT_EQ(Relative(root_, listed),
            (std::vector<std::string>{"r/a.txt", "r/m/n/deep.txt", "r/z.txt"}));
  EXPECT_EQ(listed[1].size, 4);
}

TEST_P(FileSystemConformanceTest, ListRecursiveMissingDirIsEmpty) {
  ASSERT_OK_AND_ASSIGN(auto listed, fs_->ListRecursive(Path("missing")));
  EXPECT_TRUE(listed.empty());
}

TEST_P(FileSystemConformanceTest, RemoveFileAndDirectory) {
  ASSERT_OK(fs_->Put(Path("f"), "1"));
  ASSERT_OK(fs_->Put(Path("dir/x/y"), "2"));
  ASSERT_OK(fs_->Put(Path("dir/z"), "3"));
  ASSERT_OK(fs_->Remove(Path("f")));
  ASSERT_OK(fs_->Remove(Path("dir")));
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("f")));
  EXPECT_FALSE(exists);
  ASSERT_OK_AND_ASSIGN(exists, fs_->Exists(Path("dir")));
  EXPECT_FALSE(exists);
  ASSERT_OK(fs_->Remove(Path("never-existed")));
}

TEST_P(FileSystemConformanceTest, RenameReplaces) {
  ASSERT_OK(fs_->Put(Path("from"), "new"));
  ASSERT_OK(fs_->Put(Path("to/target"), "old"));
  ASSERT_OK(fs_->Rename(Path("from"), Path("to/target")));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("to/target")));
  EXPECT_EQ(got, "new");
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("from")));
  EXPECT_FALSE(exists);
  // Into a directory that does not exist yet.
  ASSERT_OK(fs_->Rename(Path("to/target"), Path("other/dir/moved")));
  ASSERT_OK_AND_ASSIGN(got, fs_->Get(Path("other/dir/moved")));
  EXPECT_EQ(got, "new");
}

TEST_P(FileSystemConformanceTest, RenameMissingSourceFails) {
  Status st = fs_->Rename(Path("ghost"), Path("dest"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("ghost"), std::string::npos) << st.ToString();
}

TEST_P(FileSystemConformanceTest, AtomicCreateTwice) {
  ASSERT_OK(fs_->AtomicCreate(Path("log/0"), "first"));
  ASSERT_RAISES(kAlreadyExists, "log/0", fs_->AtomicCreate(Path("log/0"), "second"));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("log/0")));
  EXPECT_EQ(got, "first");
  ASSERT_OK_AND_ASSIGN(auto listed, fs_->List(Path("log")));
  EXPECT_EQ(Relative(root_, listed), std::vector<std::string>{"log/0"});
}

TEST_P(FileSystemConformanceTest, AtomicCreateConcurrentOneWins) {
  constexpr int kWriters = 8;
  std::vector<Status> results(kWriters);
  std::vector<std::thread> threads;
  for (int writer_idx = 0; writer_idx < kWriters; ++writer_idx) {
    threads.emplace_back([&, writer_idx] {
      results[static_cast<size_t>(writer_idx)] =
          fs_->AtomicCreate(Path("race"), "writer " + std::to_string(writer_idx));
    });
  }
  for (auto& thread : threads) thread.join();
  int winners = 0;
  int winner = -1;
  for (int writer_idx = 0; writer_idx < kWriters; ++writer_idx) {
    const Status& st = results[static_cast<size_t>(writer_idx)];
    if (st.ok()) {
      ++winners;
      winner = writer_idx;
    } else {
      EXPECT_TRUE(st.IsAlreadyExists()) << st.ToString();
    }
  }
  ASSERT_EQ(winners, 1);
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("race")));
  EXPECT_EQ(got, "writer " + std::to_string(winner));
}

TEST_P(FileSystemConformanceTest, StagedWriterPublish) {
  ASSERT_OK_AND_ASSIGN(auto writer,
                       fs_->OpenStaged(Path("_staging/part-0.tmp"), Path("data/p=1/part-0.json")));
  ASSERT_OK(writer->Append("abc"));
  ASSERT_OK(writer->Append("def"));
  EXPECT_EQ(writer->bytes_written(), 6);
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("data/p=1/part-0.json")));
  EXPECT_FALSE(exists) << "visible before Publish()";
  ASSERT_OK(writer->Publish());
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("data/p=1/part-0.json")));
  EXPECT_EQ(got, "abcdef");
  ASSERT_OK_AND_ASSIGN(exists, fs_->Exists(Path("_staging/part-0.tmp")));
  EXPECT_FALSE(exists);
}

TEST_P(FileSystemConformanceTest, StagedWriterPublishReplaces) {
  ASSERT_OK(fs_->Put(Path("out/f"), "old"));
  ASSERT_OK_AND_ASSIGN(auto writer, fs_->OpenStaged(Path("stage/f"), Path("out/f")));
  ASSERT_OK(writer->Append("new"));
  ASSERT_OK(writer->Publish());
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("out/f")));
  EXPECT_EQ(got, "new");
}

TEST_P(FileSystemConformanceTest, StagedWriterAbort) {
  ASSERT_OK_AND_ASSIGN(auto writer, fs_->OpenStaged(Path("stage/x"), Path("out/x")));
  ASSERT_OK(writer->Append("junk"));
  ASSERT_OK(writer->Abort());
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("out/x")));
  EXPECT_FALSE(exists);
  ASSERT_OK_AND_ASSIGN(exists, fs_->Exists(Path("stage/x")));
  EXPECT_FALSE(exists);
}

TEST_P(FileSystemConformanceTest, PathsWithSpacesAndEquals) {
  const std::string path = Path("my dir/date=2024-05-01/hour=12/part 0=1.json");
  ASSERT_OK(fs_->Put(path, "x y"));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(path));
  EXPECT_EQ(got, "x y");
  ASSERT_OK_AND_ASSIGN(auto listed, fs_->ListRecursive(Path("my dir")));
  EXPECT_EQ(Relative(root_, listed),
            std::vector<std::string>{"my dir/date=2024-05-01/hour=12/part 0=1.json"});
  ASSERT_OK(fs_->AtomicCreate(Path("my dir/a=b c"), "1"));
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("my dir/a=b c")));
  EXPECT_TRUE(exists);
}

INSTANTIATE_TEST_SUITE_P(
    Local, FileSystemConformanceTest,
    ::testing::Values(FileSystemFactory{"local", [] { return LocalFileSystem(); },
                                        [] { return TempDir(); }},
                      FileSystemFactory{"local_uri", [] { return LocalFileSystem(); },
                                        [] { return "file://" + TempDir(); }}),
    FileSystemFactoryName);

// Local-only behaviour.

TEST(LocalFileSystemTest, StagedWriterAppendsToExistingStagingFile) {
  std::string root = TempDir();
  auto fs = LocalFileSystem();
  ASSERT_OK(fs->Put(JoinPath(root, "stage"), "abc"));
  ASSERT_OK_AND_ASSIGN(auto writer, fs->OpenStaged(JoinPath(root, "stage"), JoinPath(root, "f")));
  EXPECT_EQ(writer->bytes_written(), 3);
  ASSERT_OK(writer->Append("d"));
  ASSERT_OK(writer->Publish());
  ASSERT_OK_AND_ASSIGN(std::string got, fs->Get(JoinPath(root, "f")));
  EXPECT_EQ(got, "abcd");
}

TEST(LocalFileSystemTest, RemoveTemporariesLeavesOtherFiles) {
  std::string root = TempDir();
  auto fs = LocalFileSystem();
  ASSERT_OK(fs->Put(JoinPath(root, "00000000000000000016"), "entry"));
  ASSERT_OK(fs->Put(JoinPath(root, ".00000000000000000017.tmp-15895-22"), "half"));
  ASSERT_OK(fs->Put(JoinPath(root, ".hidden"), "kept"));
  ASSERT_OK(fs->CreateDirectories(JoinPath(root, ".dir.tmp-1-1")));
  ASSERT_OK(RemoveTemporaries(*fs, root));
  ASSERT_OK_AND_ASSIGN(auto entries, fs->List(root));
  std::vector<std::string> names;
  for (const auto& entry : entries) names.push_back(entry.path.substr(root.size() + 1));
  EXPECT_EQ(names, (std::vector<std::string>{".dir.tmp-1-1", ".hidden", "00000000000000000016"}));
  ASSERT_OK(RemoveTemporaries(*fs, JoinPath(root, "missing")));
}

TEST(LocalFileSystemTest, ErrorsCarryPathAndReason) {
  std::string root = TempDir();
  auto fs = LocalFileSystem();
  ASSERT_OK(fs->Put(JoinPath(root, "file"), "x"));
  // A file where a directory is needed.
  Status st = fs->Put(JoinPath(root, "file/child"), "y");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(root + "/file"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("Not a directory"), std::string::npos) << st.ToString();
}

TEST(FileSystemForPathTest, Schemes) {
  ASSERT_OK_AND_ASSIGN(auto fs, FileSystemForPath("/tmp/x"));
  EXPECT_EQ(fs.get(), LocalFileSystem().get());
  ASSERT_OK_AND_ASSIGN(fs, FileSystemForPath("file:///tmp/x"));
  EXPECT_EQ(fs.get(), LocalFileSystem().get());
  ASSERT_OK_AND_ASSIGN(fs, FileSystemForPath("relative/dir=1"));
  EXPECT_EQ(fs.get(), LocalFileSystem().get());
  ASSERT_RAISES(kConfig, "unsupported file system scheme 'gs'",
                FileSystemForPath("gs://bucket/prefix"));
}

TEST(PathTest, LocalPath) {
  EXPECT_EQ(LocalPath("file:///tmp/a b"), "/tmp/a b");
  EXPECT_EQ(LocalPath("/tmp/x"), "/tmp/x");
  EXPECT_EQ(LocalPath("rel/x"), "rel/x");
}

TEST(PathTest, JoinPath) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "/b"), "a/b");
  EXPECT_EQ(JoinPath("a//", "b/c"), "a/b/c");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("a", ""), "a");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
  EXPECT_EQ(JoinPath("s3://bucket/", "key"), "s3://bucket/key");
}

}  // namespace
}  // namespace sluice::testing
