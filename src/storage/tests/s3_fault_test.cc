// The S3 client and S3FileSystem against FakeS3 (in-process, 127.0.0.1): injected 503s,
// SlowDown, resets mid-body and stalls end in no loss and no duplicates, with retries counted
// and logged; If-None-Match where honoured and the fallback where not; open uploads listed and
// aborted; no secret in any log line or error.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "storage/tests/s3_test_util.h"
#include "testing/gtest_util.h"

namespace sluice::testing {
namespace {

using Kind = FakeFault::Kind;

constexpr char kBucket[] = "fake-bucket";

s3::S3Options FastOptions() {
  s3::S3Options options;
  options.retry.base_delay_ms = 5;
  options.retry.max_delay_ms = 50;
  options.retry.deadline_ms = 20000;
  options.timeouts.stall_ms = 1000;
  options.part_size = 1000;  // tiny parts: many of them (the fake has no 5 MiB minimum)
  options.max_parallel_parts = 3;
  options.upload_threads = 3;
  return options;
}

/// Captures everything logged while alive.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    spdlog::set_level(spdlog::level::debug);
  }
  ~LogCapture() {
    spdlog::set_default_logger(previous_);
    spdlog::set_level(spdlog::level::info);
  }
  std::string text() {
    spdlog::default_logger()->flush();
    return stream_.str();
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream stream_;
};

std::string Data(size_t size) {
  std::string data;
  for (size_t row = 0; data.size() < size; ++row) data += fmt::format("row {:06d}\n", row);
  data.resize(size);
  return data;
}

TEST(S3FaultTest, RetriesThrottlingAndServerErrorsAndLogsThem) {
  FakeS3 fake;
  auto client = fake.MakeClient(FastOptions());
  LogCapture log;
  fake.AddFault({Kind::k503, "PUT", "a.json", 2});
  fake.AddFault({Kind::kSlowDown, "GET", "a.json", 2});
  ASSERT_OK(client->PutObject(kBucket, "dir/a.json", "hello"));
  ASSERT_OK_AND_ASSIGN(std::string got, client->GetObject(kBucket, "dir/a.json"));
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(client->stats().retries.load(), 4);
  EXPECT_EQ(client->stats().retries_server.load(), 2);
  EXPECT_EQ(client->stats().retries_throttled.load(), 2);
  EXPECT_EQ(fake.Count("PUT"), 3);
  std::string text = log.text();
  EXPECT_NE(text.find("S3 GET s3://fake-bucket/dir/a.json: HTTP 503 SlowDown; retry 1/"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("HTTP 503 ServiceUnavailable; retry 2/"), std::string::npos) << text;
}

TEST(S3FaultTest, ResetMidBodyIsRetriedAndTheBodyIsWhole) {
  FakeS3 fake;
  auto client = fake.MakeClient(FastOptions());
  std::string data = Data(200000);
  ASSERT_OK(client->PutObject(kBucket, "big", data));
  fake.AddFault({Kind::kResetMidBody, "GET", "big", 2});
  ASSERT_OK_AND_ASSIGN(std::string got, client->GetObject(kBucket, "big"));
  EXPECT_TRUE(got == data);
  EXPECT_EQ(client->stats().retries_reset.load(), 2);
}

TEST(S3FaultTest, StallIsCutByTheStallTimeoutAndRetried) {
  FakeS3 fake;
  auto client = fake.MakeClient(FastOptions());
  ASSERT_OK(client->PutObject(kBucket, "slow", "x"));
  fake.AddFault({Kind::kStall, "GET", "slow", 1, 2500});
  auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(std::string got, client->GetObject(kBucket, "slow"));
  EXPECT_EQ(got, "x");
  EXPECT_EQ(client->stats().retries_timeout.load(), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2400));
}

TEST(S3FaultTest, TheDeadlineBoundsRetries) {
  FakeS3 fake;
  s3::S3Options options = FastOptions();
  options.retry.deadline_ms = 600;
  options.retry.max_attempts = 1000;
  auto client = fake.MakeClient(options);
  fake.AddFault({Kind::kSlowDown, "", "", 100000});
  auto start = std::chrono::steady_clock::now();
  Status st = client->PutObject(kBucket, "k/never", "x");
  ASSERT_EQ(st.code(), StatusCode::kRetryableIO) << st.ToString();
  EXPECT_NE(st.message().find("s3://fake-bucket/k/never"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("SlowDown"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("attempts"), std::string::npos) << st.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(S3FaultTest, NonIdempotentRequestIsNotRetriedAfterAReset) {
  FakeS3 fake;
  auto client = fake.MakeClient(FastOptions());
  // CreateMultipartUpload reached the server (it created an upload) and the reply broke:
  // retrying would open a second upload, so the error goes back to the caller.
  fake.AddFault({Kind::kResetMidBody, "POST", "m", 1});
  auto created = client->CreateMultipartUpload(kBucket, "m");
  EXPECT_FALSE(created.ok());
  EXPECT_EQ(fake.Count("POST"), 1);
  // A 503 means the server did not act: that one is retried.
  fake.AddFault({Kind::k503, "POST", "m", 1});
  ASSERT_OK(client->CreateMultipartUpload(kBucket, "m").status());
  EXPECT_EQ(fake.Count("POST"), 3);
}

TEST(S3FaultTest, MultipartUploadSurvivesFaultsWithoutLossOrDuplicates) {
  FakeS3 fake;
  auto fs = std::make_shared<s3::S3FileSystem>(fake.MakeClient(FastOptions()));
  fake.AddFault({Kind::k503, "PUT", "out/f.json", 3});
  fake.AddFault({Kind::kSlowDown, "PUT", "out/f.json", 2});
  fake.AddFault({Kind::kResetMidBody, "PUT", "out/f.json", 2});
  std::string data = Data(25500);  // 26 parts of 1000 bytes
  ASSERT_OK_AND_ASSIGN(auto writer, fs->OpenStaged("s3://fake-bucket/_staging/f.inprogress",
                                                   "s3://fake-bucket/out/f.json"));
  for (size_t offset = 0; offset < data.size(); offset += 777) {
    ASSERT_OK(writer->Append(std::string_view(data).substr(offset, 777)));
  }
  EXPECT_EQ(fake.Objects().count("fake-bucket/out/f.json"), 0u) << "visible before Publish()";
  // The Complete is applied but its reply lost: the retry finds the upload gone and the object
  // of the right size in place.
  fake.AddFault({Kind::k500AfterApply, "POST", "out/f.json", 1});
  ASSERT_OK(writer->Publish());
  auto objects = fake.Objects();
  EXPECT_TRUE(objects["fake-bucket/out/f.json"] == data);
  EXPECT_EQ(objects.count("fake-bucket/_staging/f.inprogress.s3upload"), 0u);
  EXPECT_EQ(fake.OpenUploads(), 0u);
  EXPECT_GE(fs->client().stats().retries.load(), 8);
}

TEST(S3FaultTest, ConditionalCreateWhereTheServerHonoursIt) {
  FakeS3 fake;
  auto fs = std::make_shared<s3::S3FileSystem>(fake.MakeClient(FastOptions()));
  ASSERT_OK(fs->AtomicCreate("s3://fake-bucket/ckpt/offsets/0", "zero"));
  const int puts_after_probe = fake.Count("PUT");
  ASSERT_RAISES(kAlreadyExists, "offsets/0",
                fs->AtomicCreate("s3://fake-bucket/ckpt/offsets/0", "again"));
  EXPECT_EQ(fake.Count("PUT"), puts_after_probe + 1) << "conditional PUT, no HEAD";
  EXPECT_EQ(fake.Count("GET"), 0) << "no check-then-put";
  // Our own PUT applied, its reply lost (500), the retry answered 412: still ours.
  fake.AddFault({Kind::k500AfterApply, "PUT", "offsets/1", 1});
  ASSERT_OK(fs->AtomicCreate("s3://fake-bucket/ckpt/offsets/1", "one"));
  // Eight racing creators: exactly one wins.
  std::vector<Status> results(8);
  std::vector<std::thread> threads;
  for (size_t writer_idx = 0; writer_idx < results.size(); ++writer_idx) {
    threads.emplace_back([&, writer_idx] {
      results[writer_idx] = fs->AtomicCreate("s3://fake-bucket/ckpt/race", "w");
    });
  }
  for (auto& thread : threads) thread.join();
  int winners = 0;
  for (const Status& st : results) winners += st.ok() ? 1 : 0;
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(fake.Objects().size(), 3u) << "the probe object was left behind";
}

TEST(S3FaultTest, ConditionalCreateFallbackWhereTheServerIgnoresIt) {
  FakeS3 fake(FakeS3::Options{.honour_if_none_match = false, .list_uploads = false});
  auto fs = std::make_shared<s3::S3FileSystem>(fake.MakeClient(FastOptions()));
  LogCapture log;
  ASSERT_OK(fs->AtomicCreate("s3://fake-bucket/ckpt/commits/0", "zero"));
  ASSERT_RAISES(kAlreadyExists, "commits/0",
                fs->AtomicCreate("s3://fake-bucket/ckpt/commits/0", "again"));
  EXPECT_EQ(fake.Objects()["fake-bucket/ckpt/commits/0"], "zero");
  EXPECT_NE(log.text().find("ignores If-None-Match"), std::string::npos) << log.text();
  // Forced on against a server that ignores it would overwrite: that is why auto probes.
  s3::S3Options forced = FastOptions();
  forced.conditional_put = s3::ConditionalPut::kOff;
  auto fallback = std::make_shared<s3::S3FileSystem>(fake.MakeClient(forced));
  ASSERT_RAISES(kAlreadyExists, "commits/0",
                fallback->AtomicCreate("s3://fake-bucket/ckpt/commits/0", "again"));
}

// Writers a test "crashes" (no destructor may run, as with kill -9). Kept reachable here so
// LeakSanitizer does not report them: the leak is the point of the test.
// (A never-destroyed vector: a plain global's buffer would be freed before the leak check.)
auto* const g_crashed_writers = new std::vector<StagedWriter*>();

TEST(S3FaultTest, OpenUploadsAreListedAndAborted) {
  FakeS3 fake;
  auto fs = std::make_shared<s3::S3FileSystem>(fake.MakeClient(FastOptions()));
  // Two writers "crash" with their uploads open (leaked: no destructor runs, as with kill -9).
  for (const char* name : {"a", "b"}) {
    auto writer = fs->OpenStaged(fmt::format("s3://fake-bucket/t/_staging/1/{}.inprogress", name),
                                 fmt::format("s3://fake-bucket/t/{}.json", name));
    ASSERT_OK(writer.status());
    ASSERT_OK((*writer)->Append(Data(2500)));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // parts land
    g_crashed_writers->push_back(writer->release());
  }
  EXPECT_EQ(fake.OpenUploads(), 2u);
  ASSERT_OK_AND_ASSIGN(auto open, fs->ListOpenUploads("s3://fake-bucket/t"));
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].path, "s3://fake-bucket/t/a.json");
  // Recovery path 1: removing the staging folder aborts what its markers record.
  ASSERT_OK(fs->Remove("s3://fake-bucket/t/_staging/1/a.inprogress"));
  EXPECT_EQ(fake.OpenUploads(), 1u);
  // Recovery path 2: abort whatever the store lists under the prefix.
  ASSERT_OK(fs->AbortOpenUploads("s3://fake-bucket/t"));
  EXPECT_EQ(fake.OpenUploads(), 0u);
  EXPECT_EQ(fake.Objects().count("fake-bucket/t/a.json"), 0u);
}

TEST(S3FaultTest, NoSecretInLogsOrErrors) {
  FakeS3 fake;
  const std::string secret = "SuperSecretValue0123456789";
  auto client = fake.MakeClient(FastOptions(), secret);
  LogCapture log;
  std::vector<Status> statuses;
  fake.AddFault({Kind::kSlowDown, "", "", 3});
  fake.AddFault({Kind::kResetMidBody, "GET", "", 1});
  statuses.push_back(client->PutObject(kBucket, "s/a", "x"));
  statuses.push_back(client->GetObject(kBucket, "s/a").status());
  statuses.push_back(client->GetObject(kBucket, "s/missing").status());
  s3::S3Options short_deadline = FastOptions();
  short_deadline.retry.deadline_ms = 200;
  auto impatient = fake.MakeClient(short_deadline, secret);
  fake.AddFault({Kind::k503, "", "", 1000});
  statuses.push_back(impatient->PutObject(kBucket, "s/b", "y"));
  std::string all = log.text();
  for (const Status& st : statuses) all += st.ToString() + "\n";
  EXPECT_EQ(all.find(secret), std::string::npos) << all;
  EXPECT_NE(all.find("retry"), std::string::npos) << all;
  // What travels: a signature, never the secret.
  for (const std::string& header : fake.AuthorizationHeaders()) {
    EXPECT_EQ(header.find(secret), std::string::npos);
  }
  s3::AwsCredentials credentials{"AKIAIOSFODNN7EXAMPLE", secret, "token-value-xyz", 0, "env"};
  EXPECT_EQ(credentials.Describe(), "access key AKIA****MPLE from env");
}

TEST(S3FaultTest, ListPagesThroughTheFileSystem) {
  FakeS3 fake;
  s3::S3Options options = FastOptions();
  auto client = fake.MakeClient(options);
  s3::S3FileSystem fs(client);
  for (int file_idx = 0; file_idx < 25; ++file_idx) {
    ASSERT_OK(fs.Put(fmt::format("s3://fake-bucket/l/d{}/f{:02d}", file_idx % 3, file_idx), "x"));
  }
  ASSERT_OK_AND_ASSIGN(s3::ListResult listed, client->ListObjects(kBucket, "l/", "", 4));
  EXPECT_EQ(listed.objects.size(), 25u);
  EXPECT_GE(fake.Count("GET"), 7);
  ASSERT_OK_AND_ASSIGN(listed, client->ListObjects(kBucket, "l/", "/", 1));
  EXPECT_EQ(listed.common_prefixes, (std::vector<std::string>{"l/d0/", "l/d1/", "l/d2/"}));
  ASSERT_OK_AND_ASSIGN(auto entries, fs.List("s3://fake-bucket/l"));
  EXPECT_EQ(entries.size(), 3u);
  ASSERT_OK(fs.Remove("s3://fake-bucket/l"));
  EXPECT_TRUE(fake.Objects().empty());
}

}  // namespace
}  // namespace sluice::testing
