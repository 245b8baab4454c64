#include "storage/s3/s3_client.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <random>

#include "common/logging.h"
#include "common/strings.h"
#include "common/time_util.h"
#include "storage/s3/sigv4.h"
#include "storage/s3/xml.h"

namespace sluice::s3 {

namespace {

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Why an attempt failed, for the retry decision and the counters.
enum class FailureKind { kNone, kThrottled, kServer, kTimeout, kReset, kRefused, kFatal };

bool IsThrottleCode(std::string_view code) {
  return code == "SlowDown" || code == "Throttling" || code == "ThrottlingException" ||
         code == "RequestLimitExceeded" || code == "TooManyRequests";
}

bool IsServerRetryCode(std::string_view code) {
  return code == "InternalError" || code == "RequestTimeout" || code == "ServiceUnavailable" ||
         code == "ConditionalRequestConflict" || code == "OperationAborted";
}

std::string TrimEtag(std::string etag) { return etag; }

Result<int64_t> EnvInt(const EnvLookup& env, std::string_view name, int64_t fallback,
                       int64_t min_value) {
  auto value = env(name);
  if (!value || value->empty()) return fallback;
  auto parsed = ParseInt64(Trim(*value));
  if (!parsed || *parsed < min_value) {
    return Status::Config("{}='{}' is not an integer >= {}", name, *value, min_value);
  }
  return *parsed;
}

}  // namespace

S3Stats& GlobalS3Stats() {
  static S3Stats stats;
  return stats;
}

namespace {

/// `region` of the profile (AWS_PROFILE, else default) in AWS_CONFIG_FILE or ~/.aws/config, as the
/// AWS CLI and SDKs read it: `[default]` or `[profile NAME]` sections.
std::optional<std::string> RegionFromConfigFile(const EnvLookup& env) {
  auto lookup = [&](std::string_view name) {
    auto value = env(name);
    return value ? *value : std::string();
  };
  std::string path = lookup("AWS_CONFIG_FILE");
  if (path.empty()) {
    const std::string home = lookup("HOME");
    if (home.empty()) return std::nullopt;
    path = home + "/.aws/config";
  } else if (path.starts_with("~/")) {
    path = lookup("HOME") + path.substr(1);
  }
  std::string profile = lookup("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line, section;
  while (std::getline(in, line)) {
    std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      section = std::string(Trim(text.substr(1, text.size() - 2)));
      if (section.starts_with("profile ")) section = std::string(Trim(section.substr(8)));
      continue;
    }
    if (section != profile) continue;
    size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    if (ToLower(Trim(text.substr(0, eq))) == "region") {
      std::string value(Trim(text.substr(eq + 1)));
      if (!value.empty()) return value;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<S3Options> S3Options::FromEnvironment(const EnvLookup& env) {
  S3Options options;
  for (std::string_view name : {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
    auto value = env(name);
    if (value && !value->empty()) {
      options.endpoint = *value;
      if (!StartsWith(options.endpoint, "http://") && !StartsWith(options.endpoint, "https://")) {
        return Status::Config("{}='{}' must start with http:// or https://", name, *value);
      }
      break;
    }
  }
  bool region_set = false;
  for (std::string_view name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    auto value = env(name);
    if (value && !value->empty()) {
      options.region = *value;
      region_set = true;
      break;
    }
  }
  if (!region_set) {
    if (auto region = RegionFromConfigFile(env)) options.region = *region;
  }
  if (auto value = env("SLUICE_S3_PATH_STYLE"); value && !value->empty()) {
    auto parsed = ParseBool(*value);
    if (!parsed) return Status::Config("SLUICE_S3_PATH_STYLE='{}' is not true/false", *value);
    options.path_style = *parsed;
  }
  if (auto value = env("SLUICE_S3_CONDITIONAL_PUT"); value && !value->empty()) {
    std::string mode = ToLower(*value);
    if (mode == "auto") {
      options.conditional_put = ConditionalPut::kAuto;
    } else if (mode == "on" || mode == "true") {
      options.conditional_put = ConditionalPut::kOn;
    } else if (mode == "off" || mode == "false") {
      options.conditional_put = ConditionalPut::kOff;
    } else {
      return Status::Config("SLUICE_S3_CONDITIONAL_PUT='{}' must be auto, on or off", *value);
    }
  }
  if (auto value = env("SLUICE_S3_PART_SIZE"); value && !value->empty()) {
    auto bytes = ParseByteSize(*value);
    if (!bytes.ok() || *bytes < 1024 || *bytes > (5LL << 30)) {
      return Status::Config("SLUICE_S3_PART_SIZE='{}' must be a size from 5MB to 5GB", *value);
    }
    if (*bytes < (5LL << 20)) {
      // AWS rejects parts under 5 MiB (but the last); some test servers accept them.
      SLUICE_LOG_WARN("SLUICE_S3_PART_SIZE={} is under S3's 5 MiB part minimum", *value);
    }
    options.part_size = *bytes;
  }
  ASSIGN_OR_RETURN(int64_t parallel, EnvInt(env, "SLUICE_S3_PARALLEL_PARTS", 4, 1));
  options.max_parallel_parts = static_cast<int>(std::min<int64_t>(parallel, 64));
  options.upload_threads = std::max(options.upload_threads, options.max_parallel_parts);
  ASSIGN_OR_RETURN(int64_t attempts, EnvInt(env, "SLUICE_S3_MAX_ATTEMPTS", 10, 1));
  options.retry.max_attempts = static_cast<int>(std::min<int64_t>(attempts, 100));
  for (auto [name, target] : {std::pair{"SLUICE_S3_RETRY_DEADLINE", &options.retry.deadline_ms},
                              std::pair{"SLUICE_S3_STALL_TIMEOUT", &options.timeouts.stall_ms}}) {
    auto value = env(name);
    if (!value || value->empty()) continue;
    auto micros = ParseDurationMicros(*value);
    if (!micros.ok() || *micros < 1000) {
      return Status::Config("{}='{}' is not a duration such as '2 minutes'", name, *value);
    }
    *target = *micros / 1000;
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// TaskPool

TaskPool::TaskPool(int threads) {
  for (int thread_idx = 0; thread_idx < std::max(1, threads); ++thread_idx) {
    threads_.emplace_back([this] { Run(); });
  }
}

TaskPool::~TaskPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void TaskPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void TaskPool::Run() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

// ---------------------------------------------------------------------------------------------
// S3Client

struct S3Client::Call {
  std::string op;  // "PUT", "GET", "LIST", ... for messages
  std::string method;
  std::string bucket;
  std::string key;
  std::string display_key;  // for messages when the request has no key (multi-object delete)
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  Idempotency idempotency = Idempotency::kIdempotent;
  /// Statuses that are answers, not errors (e.g. 404 for HEAD of a missing object).
  std::vector<int> accepted_statuses;
  /// A 200 whose body is an <Error> document is a failure (CopyObject, Complete).
  bool error_in_ok_body = false;
};

S3Client::S3Client(S3Options options, std::shared_ptr<CredentialsChain> credentials)
    : options_(std::move(options)), credentials_(std::move(credentials)) {
  std::string endpoint = options_.endpoint;
  if (endpoint.empty()) {
    endpoint = fmt::format("https://s3.{}.amazonaws.com", options_.region);
    if (!options_.path_style) options_.path_style = false;
  } else if (!options_.path_style) {
    options_.path_style = true;  // MinIO, Ceph, s3rver and most others want path style
  }
  size_t sep = endpoint.find("://");
  scheme_ = endpoint.substr(0, sep);
  std::string rest = endpoint.substr(sep + 3);
  size_t slash = rest.find('/');
  authority_ = rest.substr(0, slash);
  if (slash != std::string::npos) {
    base_path_ = rest.substr(slash);
    while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
  }
}

S3Client::~S3Client() = default;

TaskPool& S3Client::upload_pool() {
  std::call_once(pool_once_,
                 [this] { pool_ = std::make_unique<TaskPool>(options_.upload_threads); });
  return *pool_;
}

std::string S3Client::Uri(const std::string& bucket, const std::string& key) {
  return key.empty() ? fmt::format("s3://{}", bucket) : fmt::format("s3://{}/{}", bucket, key);
}

std::string S3Client::Redact(std::string text) const {
  std::lock_guard<std::mutex> lock(secrets_mutex_);
  for (const std::string& secret : secrets_seen_) {
    if (secret.size() < 4) continue;
    size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
      text.replace(pos, secret.size(), "****");
      pos += 4;
    }
  }
  return text;
}

Status S3Client::ErrorStatus(const Call& call, int http_status, const std::string& code,
                             const std::string& message, int attempts) const {
  const std::string where = Uri(call.bucket, call.key.empty() ? call.display_key : call.key);
  std::string detail = code.empty() ? fmt::format("HTTP {}", http_status)
                                    : fmt::format("HTTP {} {}", http_status, code);
  if (!message.empty()) detail += ": " + message;
  if (attempts > 1) detail += fmt::format(" (after {} attempts)", attempts);
  detail = Redact(detail);
  if (code == "NoSuchBucket") {
    return Status::NotFound("S3 bucket '{}' does not exist ({} {}: {})", call.bucket, call.op,
                            where, detail);
  }
  if (http_status == 404 || code == "NoSuchKey" || code == "NoSuchUpload") {
    return Status::NotFound("S3 {} {}: not found ({})", call.op, where, detail);
  }
  if (http_status == 412 || code == "PreconditionFailed") {
    return Status::AlreadyExists("S3 {} {}: object already exists ({})", call.op, where, detail);
  }
  if (http_status == 403 || code == "AccessDenied" || code == "InvalidAccessKeyId" ||
      code == "SignatureDoesNotMatch") {
    return Status::IOError(
        "S3 {} {}: access denied ({}); check the credentials and the bucket policy for "
        "bucket '{}'",
        call.op, where, detail, call.bucket);
  }
  if ((http_status >= 500 && http_status != 501) || http_status == 429 || IsThrottleCode(code) ||
      IsServerRetryCode(code)) {
    return Status::RetryableIO("S3 {} {} failed: {}", call.op, where, detail);
  }
  return Status::IOError("S3 {} {} failed: {}", call.op, where, detail);
}

Result<S3Client::Reply> S3Client::Execute(Call& call) {
  const std::string payload_hash =
      call.body.empty() ? std::string(kEmptySha256) : Sha256Hex(call.body);
  // Address: path style "/bucket/key" on the endpoint, or "bucket.host/key".
  const bool path_style = *options_.path_style || call.bucket.find('.') != std::string::npos;
  std::string host = path_style ? authority_ : call.bucket + "." + authority_;
  std::string encoded_path = base_path_;
  if (path_style) encoded_path += "/" + UriEncode(call.bucket, false);
  if (!call.key.empty() || !path_style) encoded_path += "/" + UriEncode(call.key, true);
  const std::string query = CanonicalQueryString(call.query);
  const std::string url =
      fmt::format("{}://{}{}{}{}", scheme_, host, encoded_path, query.empty() ? "" : "?", query);

  const std::string where = Uri(call.bucket, call.key.empty() ? call.display_key : call.key);
  const int64_t start_ms = SteadyMillis();
  const int64_t deadline_ms = start_ms + options_.retry.deadline_ms;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  bool refreshed_credentials = false;
  Reply reply;
  for (int attempt = 1;; ++attempt) {
    reply.attempts = attempt;
    ASSIGN_OR_RETURN(AwsCredentials credentials, credentials_->Get());
    {
      std::lock_guard<std::mutex> lock(secrets_mutex_);
      for (const std::string* secret :
           {&credentials.secret_access_key, &credentials.session_token}) {
        if (!secret->empty() &&
            std::find(secrets_seen_.begin(), secrets_seen_.end(), *secret) == secrets_seen_.end()) {
          secrets_seen_.push_back(*secret);
        }
      }
    }
    SigV4Request to_sign;
    to_sign.method = call.method;
    to_sign.encoded_path = encoded_path;
    to_sign.query = call.query;
    to_sign.payload_hash = payload_hash;
    const std::string amz_date = AmzDate(UnixSeconds());
    to_sign.headers = call.headers;
    to_sign.headers.emplace_back("host", host);
    to_sign.headers.emplace_back("x-amz-date", amz_date);
    to_sign.headers.emplace_back("x-amz-content-sha256", payload_hash);
    if (!credentials.session_token.empty()) {
      to_sign.headers.emplace_back("x-amz-security-token", credentials.session_token);
    }
    SigV4Parts signature = SignV4(to_sign, credentials.access_key_id, credentials.secret_access_key,
                                  options_.region, "s3", amz_date);
    HttpRequest request{call.method, url, to_sign.headers, call.body};
    request.headers.emplace_back("Authorization", signature.authorization);

    HttpTimeouts timeouts = options_.timeouts;
    const int64_t remaining = deadline_ms - SteadyMillis();
    timeouts.total_ms = std::max<int64_t>(1000, std::min(timeouts.total_ms, remaining));
    stats_.requests.fetch_add(1, std::memory_order_relaxed);
    GlobalS3Stats().requests.fetch_add(1, std::memory_order_relaxed);
    HttpOutcome outcome = http_.Send(request, timeouts);

    FailureKind kind = FailureKind::kNone;
    std::string reason;
    std::string code;
    std::string message;
    int status = outcome.response.status;
    if (outcome.error != TransportError::kNone) {
      reason = outcome.error_message;
      switch (outcome.error) {
        case TransportError::kConnect:
          kind = FailureKind::kRefused;
          break;
        case TransportError::kTimeout:
          kind = FailureKind::kTimeout;
          break;
        case TransportError::kReset:
          kind = FailureKind::kReset;
          break;
        default:
          kind = FailureKind::kFatal;
      }
    } else {
      stats_.bytes_sent.fetch_add(static_cast<int64_t>(call.body.size()),
                                  std::memory_order_relaxed);
      stats_.bytes_received.fetch_add(static_cast<int64_t>(outcome.response.body.size()),
                                      std::memory_order_relaxed);
      GlobalS3Stats().bytes_sent.fetch_add(static_cast<int64_t>(call.body.size()),
                                           std::memory_order_relaxed);
      GlobalS3Stats().bytes_received.fetch_add(static_cast<int64_t>(outcome.response.body.size()),
                                               std::memory_order_relaxed);
      const bool ok_status = status >= 200 && status < 300;
      bool error_body = false;
      if ((!ok_status || call.error_in_ok_body) && !outcome.response.body.empty()) {
        auto xml = ParseXml(outcome.response.body);
        if (xml.ok() && xml->name == "Error") {
          code = xml->ChildText("Code");
          message = xml->ChildText("Message");
          error_body = true;
        }
      }
      if (ok_status && !error_body) {
        reply.response = std::move(outcome.response);
        return reply;
      }
      if (std::find(call.accepted_statuses.begin(), call.accepted_statuses.end(), status) !=
          call.accepted_statuses.end()) {
        reply.response = std::move(outcome.response);
        reply.error_code = code;
        return reply;
      }
      if (ok_status) status = 500;  // an <Error> inside a 200: S3 says retry
      reason =
          code.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {} {}", status, code);
      if (status == 429 || IsThrottleCode(code)) {
        kind = FailureKind::kThrottled;
      } else if ((status >= 500 && status != 501) || IsServerRetryCode(code)) {
        // 501 Not Implemented is an answer, not a hiccup (s3rver on ListMultipartUploads).
        kind = FailureKind::kServer;
      } else if ((code == "ExpiredToken" || code == "TokenRefreshRequired" ||
                  code == "InvalidToken") &&
                 !refreshed_credentials) {
        // Rotated credentials: load them again once.
        credentials_->Invalidate();
        refreshed_credentials = true;
        kind = FailureKind::kRefused;
      } else {
        kind = FailureKind::kFatal;
      }
    }
    reply.error_code = code;

    // Is another attempt safe? Idempotent requests: always. Others only when the server cannot
    // have acted: the connection was refused, or it answered 503 / throttled.
    bool retryable = kind != FailureKind::kFatal;
    if (retryable && call.idempotency == Idempotency::kOnlyIfNotReceived) {
      retryable = kind == FailureKind::kRefused || kind == FailureKind::kThrottled ||
                  (kind == FailureKind::kServer && status == 503);
    }
    const int64_t ceiling = std::min(options_.retry.max_delay_ms,
                                     options_.retry.base_delay_ms << std::min(attempt - 1, 20));
    const int64_t delay_ms =
        std::uniform_int_distribution<int64_t>(ceiling / 4, std::max<int64_t>(ceiling, 1))(rng);
    const bool time_left = SteadyMillis() + delay_ms < deadline_ms;
    if (!retryable || attempt >= options_.retry.max_attempts || !time_left) {
      if (outcome.error != TransportError::kNone) {
        std::string detail = Redact(reason);
        std::string tail = attempt > 1 ? fmt::format(" (gave up after {} attempts in {} ms)",
                                                     attempt, SteadyMillis() - start_ms)
                                       : std::string();
        if (kind == FailureKind::kFatal) {
          return Status::IOError("S3 {} {} failed: {}{}", call.op, where, detail, tail);
        }
        return Status::RetryableIO("S3 {} {} failed: {}{}", call.op, where, detail, tail);
      }
      return ErrorStatus(call, status, code, message, attempt);
    }
    stats_.retries.fetch_add(1, std::memory_order_relaxed);
    GlobalS3Stats().retries.fetch_add(1, std::memory_order_relaxed);
    auto counter = [&](S3Stats& stats) -> std::atomic<int64_t>& {
      switch (kind) {
        case FailureKind::kThrottled:
          return stats.retries_throttled;
        case FailureKind::kServer:
          return stats.retries_server;
        case FailureKind::kTimeout:
          return stats.retries_timeout;
        default:
          return stats.retries_reset;
      }
    };
    counter(stats_).fetch_add(1, std::memory_order_relaxed);
    counter(GlobalS3Stats()).fetch_add(1, std::memory_order_relaxed);
    SLUICE_LOG_WARN("S3 {} {}: {}; retry {}/{} in {} ms", call.op, where, Redact(reason), attempt,
                    options_.retry.max_attempts - 1, delay_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  }
}

Status S3Client::PutObject(const std::string& bucket, const std::string& key,
                           std::string_view body) {
  Call call{.op = "PUT", .method = "PUT", .bucket = bucket, .key = key, .body = body};
  return Execute(call).status();
}

Status S3Client::PutObjectIfAbsent(const std::string& bucket, const std::string& key,
                                   std::string_view body) {
  Call call{.op = "PUT (If-None-Match)",
            .method = "PUT",
            .bucket = bucket,
            .key = key,
            .headers = {{"If-None-Match", "*"}},
            .body = body,
            .accepted_statuses = {412}};
  ASSIGN_OR_RETURN(Reply reply, Execute(call));
  if (reply.response.status != 412) return Status::OK();
  if (reply.attempts > 1) {
    // An earlier attempt of ours may have succeeded before its reply was lost: if the object
    // holds exactly our bytes, the create is ours.
    auto existing = GetObject(bucket, key);
    if (existing.ok() && *existing == body) return Status::OK();
  }
  return Status::AlreadyExists("S3 object {} already exists", Uri(bucket, key));
}

Result<std::string> S3Client::GetObject(const std::string& bucket, const std::string& key,
                                        int64_t offset, int64_t length) {
  Call call{.op = "GET", .method = "GET", .bucket = bucket, .key = key};
  if (offset > 0 || length >= 0) {
    std::string range = length >= 0 ? fmt::format("bytes={}-{}", offset, offset + length - 1)
                                    : fmt::format("bytes={}-", offset);
    if (length == 0) return std::string();
    call.headers.emplace_back("Range", range);
    call.accepted_statuses = {416};
  }
  ASSIGN_OR_RETURN(Reply reply, Execute(call));
  if (reply.response.status == 416) return std::string();  // the range starts past the end
  const std::string expected = reply.response.Header("content-length");
  auto expected_size = ParseInt64(expected);
  if (expected_size && *expected_size != static_cast<int64_t>(reply.response.body.size())) {
    return Status::RetryableIO("S3 GET {}: got {} bytes of {}", Uri(bucket, key),
                               reply.response.body.size(), *expected_size);
  }
  return std::move(reply.response.body);
}

Result<ObjectInfo> S3Client::HeadObject(const std::string& bucket, const std::string& key) {
  Call call{.op = "HEAD", .method = "HEAD", .bucket = bucket, .key = key};
  ASSIGN_OR_RETURN(Reply reply, Execute(call));
  ObjectInfo info;
  info.key = key;
  info.size = ParseInt64(reply.response.Header("content-length")).value_or(0);
  info.etag = reply.response.Header("etag");
  return info;
}

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key) {
  Call call{
      .op = "DELETE", .method = "DELETE", .bucket = bucket, .key = key, .accepted_statuses = {404}};
  return Execute(call).status();
}

Status S3Client::DeleteObjects(const std::string& bucket, const std::vector<std::string>& keys) {
  constexpr size_t kMaxKeysPerDelete = 1000;
  for (size_t start = 0; start < keys.size(); start += kMaxKeysPerDelete) {
    size_t end = std::min(keys.size(), start + kMaxKeysPerDelete);
    if (end - start == 1) {
      RETURN_NOT_OK(DeleteObject(bucket, keys[start]));
      continue;
    }
    std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
    for (size_t key_idx = start; key_idx < end; ++key_idx) {
      body += "<Object><Key>" + XmlEscape(keys[key_idx]) + "</Key></Object>";
    }
    body += "</Delete>";
    Call call{.op = "DELETE (multi-object)",
              .method = "POST",
              .bucket = bucket,
              .query = {{"delete", ""}},
              .headers = {{"Content-MD5", Md5Base64(body)}, {"Content-Type", "application/xml"}},
              .body = body};
    call.display_key = keys[start];
    ASSIGN_OR_RETURN(Reply reply, Execute(call));
    auto xml = ParseXml(reply.response.body);
    if (xml.ok()) {
      for (const XmlElement* error : xml->Children("Error")) {
        std::string code = error->ChildText("Code");
        if (code == "NoSuchKey") continue;
        return Status::IOError("S3 DELETE {} failed: {}: {}", Uri(bucket, error->ChildText("Key")),
                               code, error->ChildText("Message"));
      }
    }
  }
  return Status::OK();
}

constexpr int kDefaultMaxListPages = 100000;

Result<ListResult> S3Client::ListObjects(const std::string& bucket, const std::string& prefix,
                                         const std::string& delimiter, int page_size,
                                         int max_pages) {
  ListResult result;
  std::string token;
  for (int page = 0; page < max_pages; ++page) {
    Call call{.op = "LIST", .method = "GET", .bucket = bucket};
    call.key = "";
    call.query = {{"list-type", "2"}, {"max-keys", std::to_string(page_size)}};
    call.query.emplace_back("prefix", prefix);
    if (!delimiter.empty()) call.query.emplace_back("delimiter", delimiter);
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    ASSIGN_OR_RETURN(Reply reply, Execute(call));
    auto xml = ParseXml(reply.response.body);
    if (!xml.ok()) {
      return xml.status().WithContext(fmt::format("S3 LIST {}", Uri(bucket, prefix)));
    }
    for (const XmlElement* content : xml->Children("Contents")) {
      ObjectInfo info;
      info.key = content->ChildText("Key");
      info.size = ParseInt64(content->ChildText("Size")).value_or(0);
      info.etag = content->ChildText("ETag");
      result.objects.push_back(std::move(info));
    }
    for (const XmlElement* common : xml->Children("CommonPrefixes")) {
      result.common_prefixes.push_back(common->ChildText("Prefix"));
    }
    const bool truncated = EqualsIgnoreCase(xml->ChildText("IsTruncated"), "true");
    token = xml->ChildText("NextContinuationToken");
    if (!truncated) return result;
    if (page + 1 == max_pages && max_pages < kDefaultMaxListPages) {
      result.truncated = true;
      return result;
    }
    if (token.empty()) {
      return Status::IOError("S3 LIST {}: truncated page without a continuation token",
                             Uri(bucket, prefix));
    }
  }
  return Status::IOError("S3 LIST {}: more than {} pages", Uri(bucket, prefix), max_pages);
}

Status S3Client::CopyObject(const std::string& bucket, const std::string& from_key,
                            const std::string& to_key) {
  Call call{.op = "COPY",
            .method = "PUT",
            .bucket = bucket,
            .key = to_key,
            .headers = {{"x-amz-copy-source", "/" + bucket + "/" + UriEncode(from_key, true)}},
            .error_in_ok_body = true};
  Status st = Execute(call).status();
  if (!st.ok()) return st.WithContext(fmt::format("copying {}", Uri(bucket, from_key)));
  return st;
}

Result<std::string> S3Client::CreateMultipartUpload(const std::string& bucket,
                                                    const std::string& key) {
  Call call{.op = "CREATE UPLOAD",
            .method = "POST",
            .bucket = bucket,
            .key = key,
            .query = {{"uploads", ""}},
            .idempotency = Idempotency::kOnlyIfNotReceived};
  ASSIGN_OR_RETURN(Reply reply, Execute(call));
  auto xml = ParseXml(reply.response.body);
  if (!xml.ok()) return xml.status().WithContext("S3 CREATE UPLOAD " + Uri(bucket, key));
  std::string upload_id = xml->ChildText("UploadId");
  if (upload_id.empty()) {
    return Status::IOError("S3 CREATE UPLOAD {}: no UploadId in the reply", Uri(bucket, key));
  }
  return upload_id;
}

Result<std::string> S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         std::string_view body) {
  Call call{.op = fmt::format("UPLOAD PART {}", part_number),
            .method = "PUT",
            .bucket = bucket,
            .key = key,
            .query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
            .body = body};
  ASSIGN_OR_RETURN(Reply reply, Execute(call));
  std::string etag = reply.response.Header("etag");
  if (etag.empty()) {
    return Status::IOError("S3 UPLOAD PART {} of {}: no ETag in the reply", part_number,
                           Uri(bucket, key));
  }
  return TrimEtag(etag);
}

Status S3Client::CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id,
                                         const std::vector<CompletedPart>& parts,
                                         int64_t expected_size) {
  std::string body = "<CompleteMultipartUpload>";
  for (const CompletedPart& part : parts) {
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", part.number,
                        XmlEscape(part.etag));
  }
  body += "</CompleteMultipartUpload>";
  Call call{.op = "COMPLETE UPLOAD",
            .method = "POST",
            .bucket = bucket,
            .key = key,
            .query = {{"uploadId", upload_id}},
            .body = body,
            .error_in_ok_body = true};
  auto reply = Execute(call);
  if (reply.ok()) return Status::OK();
  if (reply.status().IsNotFound()) {
    // A retried Complete whose first attempt succeeded finds the upload gone. The object of
    // the expected size under the key is ours (the key is written by this writer only).
    auto info = HeadObject(bucket, key);
    if (info.ok() && info->size == expected_size) return Status::OK();
  }
  return reply.status();
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) {
  Call call{.op = "ABORT UPLOAD",
            .method = "DELETE",
            .bucket = bucket,
            .key = key,
            .query = {{"uploadId", upload_id}},
            .accepted_statuses = {404, 405, 501}};
  ASSIGN_OR_RETURN(Reply reply, Execute(call));
  if (reply.response.status == 405 || reply.response.status == 501) {
    // s3rver and a few small servers cannot abort: the upload stays open, invisible to readers
    // (a bucket lifecycle rule AbortIncompleteMultipartUpload reclaims it on real stores).
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      SLUICE_LOG_WARN(
          "S3 endpoint cannot abort multipart uploads (HTTP {} for {}): open uploads "
          "stay invisible until the server drops them",
          reply.response.status, Uri(bucket, key));
    }
  }
  return Status::OK();
}

Result<std::vector<UploadInfo>> S3Client::ListMultipartUploads(const std::string& bucket,
                                                               const std::string& prefix) {
  std::vector<UploadInfo> uploads;
  std::string key_marker;
  std::string upload_marker;
  for (int page = 0; page < 10000; ++page) {
    Call call{.op = "LIST UPLOADS", .method = "GET", .bucket = bucket};
    call.query = {{"uploads", ""}, {"prefix", prefix}};
    if (!key_marker.empty()) call.query.emplace_back("key-marker", key_marker);
    if (!upload_marker.empty()) call.query.emplace_back("upload-id-marker", upload_marker);
    ASSIGN_OR_RETURN(Reply reply, Execute(call));
    auto xml = ParseXml(reply.response.body);
    if (!xml.ok()) return xml.status().WithContext("S3 LIST UPLOADS " + Uri(bucket, prefix));
    for (const XmlElement* upload : xml->Children("Upload")) {
      uploads.push_back(UploadInfo{upload->ChildText("Key"), upload->ChildText("UploadId"),
                                   upload->ChildText("Initiated")});
    }
    if (!EqualsIgnoreCase(xml->ChildText("IsTruncated"), "true")) return uploads;
    key_marker = xml->ChildText("NextKeyMarker");
    upload_marker = xml->ChildText("NextUploadIdMarker");
    if (key_marker.empty() && upload_marker.empty()) break;
  }
  return Status::IOError("S3 LIST UPLOADS {}: listing did not end", Uri(bucket, prefix));
}

}  // namespace sluice::s3
