// S3FileSystem against s3rver (real S3 REST, real SigV4 checks): the FileSystem conformance suite
// plus what only object stores have (multipart uploads, ranged reads and read-ahead, pagination,
// the If-None-Match probe and its fallback).
#include <random>

#include "storage/tests/filesystem_conformance.h"
#include "storage/tests/s3_test_util.h"
#include "testing/gtest_util.h"

namespace sluice::testing {
namespace {

std::shared_ptr<FileSystem> SharedS3rverFileSystem() {
  static std::shared_ptr<FileSystem> fs = [] {
    s3::S3Options options;
    options.part_size = 5 << 20;
    return std::make_shared<s3::S3FileSystem>(S3rverProcess::Shared().MakeClient(options));
  }();
  return fs;
}

/// A fresh prefix per test: "s3://sluice-test/<suite>.<test>-<random>".
std::string FreshS3Root() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  static std::mt19937_64 rng{std::random_device{}()};
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return fmt::format("s3://{}/{}-{:08x}", kS3rverBucket, name, rng() & 0xFFFFFFFF);
}

class S3rverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(S3rverProcess::Shared().error().empty()) << S3rverProcess::Shared().error();
    fs_ = std::static_pointer_cast<s3::S3FileSystem>(SharedS3rverFileSystem());
    root_ = FreshS3Root();
  }
  std::string Path(std::string_view relative) const { return JoinPath(root_, relative); }
  std::shared_ptr<s3::S3FileSystem> fs_;
  std::string root_;
};

TEST_F(S3rverTest, MultipartStagedWriterIsInvisibleUntilPublish) {
  // 3 parts of 5 MiB + a tail, uploaded in parallel; nothing visible before Publish().
  std::string data;
  for (int chunk_idx = 0; data.size() < (16u << 20) + 123; ++chunk_idx) {
    data += fmt::format("line {:08d} of the big object\n", chunk_idx);
  }
  ASSERT_OK_AND_ASSIGN(auto writer,
                       fs_->OpenStaged(Path("_staging/big.inprogress"), Path("out/big.json")));
  for (size_t offset = 0; offset < data.size(); offset += 1000003) {
    ASSERT_OK(writer->Append(std::string_view(data).substr(offset, 1000003)));
  }
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("out/big.json")));
  EXPECT_FALSE(exists) << "visible before Publish()";
  ASSERT_OK(writer->Publish());
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("out/big.json")));
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
  // The upload marker is gone, so a listing of the staging area is empty.
  ASSERT_OK_AND_ASSIGN(auto staged, fs_->ListRecursive(Path("_staging")));
  EXPECT_TRUE(staged.empty());
  // Ranged reads.
  ASSERT_OK_AND_ASSIGN(std::string range, fs_->GetRange(Path("out/big.json"), 5 << 20, 37));
  EXPECT_EQ(range, data.substr(5 << 20, 37));
  ASSERT_OK_AND_ASSIGN(range, fs_->GetRange(Path("out/big.json"), data.size() - 5, -1));
  EXPECT_EQ(range, data.substr(data.size() - 5));
  // Read in 1 MiB pieces (a reader's blocks): one HEAD, then one GET per 8 MiB read ahead.
  const int64_t requests_before = fs_->client().stats().requests.load();
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead(Path("out/big.json")));
  ASSERT_EQ(file->size(), static_cast<int64_t>(data.size()));
  std::string pieces;
  std::string piece(1 << 20, '\0');
  while (true) {
    ASSERT_OK_AND_ASSIGN(int64_t n, file->ReadAt(static_cast<int64_t>(pieces.size()),
                                                 static_cast<int64_t>(piece.size()), piece.data()));
    if (n == 0) break;
    pieces.append(piece.data(), static_cast<size_t>(n));
  }
  EXPECT_TRUE(pieces == data);
  const int64_t gets = (static_cast<int64_t>(data.size()) + (8 << 20) - 1) / (8 << 20);  // 3
  EXPECT_EQ(fs_->client().stats().requests.load() - requests_before, 1 + gets);
}

TEST_F(S3rverTest, RemovingTheStagingFolderRemovesTheUploadMarker) {
  // A writer that "crashes" with its upload open: the marker records it, and the recovery's
  // Remove(staging folder) aborts it and removes the marker. s3rver can neither list nor abort
  // uploads (405), so the abort itself is checked against FakeS3 (s3_fault_test.cc); here: the
  // open upload stays invisible and the staging area ends empty.
  std::string part(5 << 20, 'x');
  ASSERT_OK_AND_ASSIGN(auto writer,
                       fs_->OpenStaged(Path("_staging/7/f.inprogress"), Path("out/f.json")));
  ASSERT_OK(writer->Append(part));
  ASSERT_OK(writer->Append("tail"));
  ASSERT_OK_AND_ASSIGN(auto staged, fs_->ListRecursive(Path("_staging")));
  ASSERT_EQ(staged.size(), 1u);
  EXPECT_TRUE(staged[0].path.ends_with("f.inprogress.s3upload")) << staged[0].path;
  ASSERT_OK(fs_->Remove(Path("_staging")));
  ASSERT_OK_AND_ASSIGN(staged, fs_->ListRecursive(Path("_staging")));
  EXPECT_TRUE(staged.empty());
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("out/f.json")));
  EXPECT_FALSE(exists);
  ASSERT_OK(writer->Abort());
}

TEST_F(S3rverTest, ListPaginatesAndUsesTheDelimiter) {
  for (int file_idx = 0; file_idx < 7; ++file_idx) {
    ASSERT_OK(fs_->Put(Path(fmt::format("p/f{}", file_idx)), "x"));
  }
  ASSERT_OK(fs_->Put(Path("p/sub/a"), "y"));
  ASSERT_OK(fs_->Put(Path("p/sub/b"), "y"));
  auto bucket_and_key = s3::ParseS3Path(Path("p/"));
  ASSERT_OK(bucket_and_key.status());
  ASSERT_OK_AND_ASSIGN(
      s3::ListResult listed,
      fs_->client().ListObjects(bucket_and_key->bucket, bucket_and_key->key + "/", "/", 2));
  EXPECT_EQ(listed.objects.size(), 7u);
  EXPECT_EQ(listed.common_prefixes, std::vector<std::string>{bucket_and_key->key + "/sub/"});
  ASSERT_OK_AND_ASSIGN(
      listed, fs_->client().ListObjects(bucket_and_key->bucket, bucket_and_key->key + "/", "", 3));
  EXPECT_EQ(listed.objects.size(), 9u);
  // Remove of "p/f1" leaves "p/f10"-like siblings alone.
  ASSERT_OK(fs_->Put(Path("p/f1x"), "z"));
  ASSERT_OK(fs_->Remove(Path("p/f1")));
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(Path("p/f1x")));
  EXPECT_TRUE(exists);
}

TEST_F(S3rverTest, AtomicCreateFallsBackOnAServerThatIgnoresIfNoneMatch) {
  // s3rver ignores If-None-Match: the probe notices, and AtomicCreate still refuses to replace.
  ASSERT_OK(fs_->AtomicCreate(Path("log/0"), "first"));
  ASSERT_RAISES(kAlreadyExists, "log/0", fs_->AtomicCreate(Path("log/0"), "second"));
  ASSERT_OK_AND_ASSIGN(std::string got, fs_->Get(Path("log/0")));
  EXPECT_EQ(got, "first");
  ASSERT_OK_AND_ASSIGN(auto listed, fs_->List(Path("log")));
  EXPECT_EQ(listed.size(), 1u) << "the probe object was left behind";
}

TEST_F(S3rverTest, ErrorsNameBucketAndKey) {
  ASSERT_RAISES(kNotFound, "s3://sluice-test/", fs_->Get(Path("nope/missing.json")));
  ASSERT_RAISES(kNotFound, "missing.json", fs_->Get(Path("nope/missing.json")));
  ASSERT_RAISES(kNotFound, "bucket 'no-such-bucket' does not exist",
                fs_->Get("s3://no-such-bucket/a/b"));
  // Unknown access key (s3rver checks key ids, not SigV4 signatures): access denied, naming
  // bucket and key, and the secret appears nowhere.
  s3::S3Options options;
  options.endpoint = S3rverProcess::Shared().endpoint();
  s3::AwsCredentials wrong{"NOT-A-KEY", "WRONG-SECRET-123", "", 0, "test"};
  std::vector<std::unique_ptr<s3::CredentialsProvider>> providers;
  providers.push_back(s3::StaticCredentials(wrong));
  s3::S3Client client(options, std::make_shared<s3::CredentialsChain>(std::move(providers)));
  Status denied = client.PutObject(kS3rverBucket, "x/y", "z");
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.message().find("s3://sluice-test/x/y"), std::string::npos) << denied.ToString();
  EXPECT_NE(denied.message().find("access denied"), std::string::npos) << denied.ToString();
  EXPECT_EQ(denied.message().find("WRONG-SECRET-123"), std::string::npos) << denied.ToString();
}

INSTANTIATE_TEST_SUITE_P(S3, FileSystemConformanceTest,
                         ::testing::Values(FileSystemFactory{"s3rver", SharedS3rverFileSystem,
                                                             FreshS3Root}),
                         FileSystemFactoryName);

}  // namespace
}  // namespace sluice::testing
