// A focused S3 client on libcurl + SigV4: the operations Sluice needs, each retried with
// exponential backoff and full jitter under a deadline when (and only when) a retry is safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"
#include "storage/s3/credentials.h"
#include "storage/s3/http.h"

namespace sluice::s3 {

/// When and how long to retry. A request is retried on 5xx, 429, SlowDown, RequestTimeout,
/// timeouts, stalls and connection resets, if it is idempotent (every operation except
/// CreateMultipartUpload, which is retried only when the server cannot have acted on it).
struct RetryPolicy {
  int max_attempts = 10;
  int64_t base_delay_ms = 100;   // first backoff ceiling; doubles per attempt
  int64_t max_delay_ms = 20000;  // backoff ceiling cap
  int64_t deadline_ms = 120000;  // no new attempt starts after this (from the first attempt)
};

/// How AtomicCreate is made atomic.
enum class ConditionalPut {
  kAuto,  // probe each bucket once: If-None-Match: * if the server honours it, else fallback
  kOn,    // always If-None-Match: * (AWS S3 since 2024, MinIO, Ceph)
  kOff,   // fallback: HEAD then PUT, serialised within the process (one writer per checkpoint)
};

/// Client settings. FromEnvironment documents the variables (docs/operations.md#s3).
struct S3Options {
  std::string endpoint;  // "" = AWS (https://s3.<region>.amazonaws.com); else scheme://host:port
  std::string region = "us-east-1";
  std::optional<bool> path_style;  // default: true with a custom endpoint, false for AWS
  RetryPolicy retry;
  HttpTimeouts timeouts;
  int64_t part_size = 8LL << 20;  // multipart part size (S3 minimum 5 MiB except the last)
  int max_parallel_parts = 4;     // parts in flight per writer: memory <= (this + 1) * part_size
  int upload_threads = 8;         // shared by every writer of the client
  ConditionalPut conditional_put = ConditionalPut::kAuto;

  /// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_REGION / AWS_DEFAULT_REGION,
  /// SLUICE_S3_PATH_STYLE, SLUICE_S3_CONDITIONAL_PUT (auto|on|off), SLUICE_S3_PART_SIZE,
  /// SLUICE_S3_PARALLEL_PARTS, SLUICE_S3_MAX_ATTEMPTS, SLUICE_S3_RETRY_DEADLINE,
  /// SLUICE_S3_STALL_TIMEOUT. Bad values are Config errors naming the variable.
  static Result<S3Options> FromEnvironment(const EnvLookup& env);
};

/// Counters of one client (also summed process-wide in GlobalS3Stats()).
struct S3Stats {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> retries{0};
  std::atomic<int64_t> retries_throttled{0};  // 503 SlowDown, 429
  std::atomic<int64_t> retries_server{0};     // other 5xx, RequestTimeout
  std::atomic<int64_t> retries_timeout{0};    // timeouts and stalls
  std::atomic<int64_t> retries_reset{0};      // resets, partial bodies, refused connections
  std::atomic<int64_t> bytes_sent{0};
  std::atomic<int64_t> bytes_received{0};
};
S3Stats& GlobalS3Stats();

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  std::string etag;
};

struct ListResult {
  std::vector<ObjectInfo> objects;           // sorted by key (S3's order)
  std::vector<std::string> common_prefixes;  // with the trailing delimiter
  bool truncated = false;  // more keys than max_pages pages held (only with a small max_pages)
};

struct UploadInfo {
  std::string key;
  std::string upload_id;
  std::string initiated;  // ISO-8601 as the server sent it
};

struct CompletedPart {
  int number = 0;
  std::string etag;
};

/// A fixed pool of threads running submitted tasks in order (multipart parts).
class TaskPool {
 public:
  explicit TaskPool(int threads);
  ~TaskPool();
  void Submit(std::function<void()> task);

 private:
  void Run();
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class S3Client {
 public:
  S3Client(S3Options options, std::shared_ptr<CredentialsChain> credentials);
  ~S3Client();

  const S3Options& options() const { return options_; }
  S3Stats& stats() { return stats_; }
  TaskPool& upload_pool();

  Status PutObject(const std::string& bucket, const std::string& key, std::string_view body);
  /// PUT with If-None-Match: *. AlreadyExists if the object exists (HTTP 412). A 412 that
  /// follows an ambiguous failure of our own earlier attempt is resolved by comparing bytes.
  Status PutObjectIfAbsent(const std::string& bucket, const std::string& key,
                           std::string_view body);
  /// The whole object, or `length` bytes from `offset` (length < 0: to the end).
  Result<std::string> GetObject(const std::string& bucket, const std::string& key,
                                int64_t offset = 0, int64_t length = -1);
  Result<ObjectInfo> HeadObject(const std::string& bucket, const std::string& key);
  /// OK if the object does not exist.
  Status DeleteObject(const std::string& bucket, const std::string& key);
  /// Multi-object delete, 1000 keys per request; any per-key error fails the call.
  Status DeleteObjects(const std::string& bucket, const std::vector<std::string>& keys);
  /// ListObjectsV2 over every page (`page_size` keys each). At most `max_pages` pages: past the
  /// default (a runaway listing) an error; with a smaller limit the pages read, `truncated` set.
  Result<ListResult> ListObjects(const std::string& bucket, const std::string& prefix,
                                 const std::string& delimiter, int page_size = 1000,
                                 int max_pages = 100000);
  Status CopyObject(const std::string& bucket, const std::string& from_key,
                    const std::string& to_key);

  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key);
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, int part_number,
                                 std::string_view body);
  /// Completes the upload. If a retried Complete finds the upload gone, the object's size is
  /// checked against `expected_size` to tell our own success from a loss.
  Status CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id,
                                 const std::vector<CompletedPart>& parts, int64_t expected_size);
  /// OK if the upload no longer exists.
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id);
  /// Open uploads whose key starts with `prefix` (every page).
  Result<std::vector<UploadInfo>> ListMultipartUploads(const std::string& bucket,
                                                       const std::string& prefix);

  /// "s3://bucket/key" for messages.
  static std::string Uri(const std::string& bucket, const std::string& key);

 private:
  enum class Idempotency { kIdempotent, kOnlyIfNotReceived };
  struct Call;
  struct Reply {
    HttpResponse response;
    int attempts = 0;
    std::string error_code;  // S3's <Code> of the final error, if any
  };
  Result<Reply> Execute(Call& call);
  Status ErrorStatus(const Call& call, int http_status, const std::string& code,
                     const std::string& message, int attempts) const;
  std::string Redact(std::string text) const;

  S3Options options_;
  std::shared_ptr<CredentialsChain> credentials_;
  HttpClient http_;
  S3Stats stats_;
  std::string scheme_;     // "https"
  std::string authority_;  // "host:port" of the endpoint
  std::string base_path_;  // path prefix of a custom endpoint ("" usually)
  std::once_flag pool_once_;
  std::unique_ptr<TaskPool> pool_;
  mutable std::mutex secrets_mutex_;
  std::vector<std::string> secrets_seen_;  // for redaction of anything echoed back
};

}  // namespace sluice::s3
