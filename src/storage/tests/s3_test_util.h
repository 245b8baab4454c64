// Test peers for the S3 client: s3rver (the npm S3 server, started by the test itself on a free
// 127.0.0.1 port and stopped at exit) and FakeS3, an in-process S3 on cpp-httplib that can
// honour or ignore If-None-Match, list open uploads or not, and inject faults (503, SlowDown,
// resets mid-body, stalls). Both listen on 127.0.0.1 only.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "storage/s3/s3_client.h"
#include "storage/s3/s3_filesystem.h"
#include "storage/s3/xml.h"

namespace sluice::testing {

inline constexpr char kS3rverBucket[] = "sluice-test";

/// s3rver on 127.0.0.1, one per test binary, started on first use.
class S3rverProcess {
 public:
  static S3rverProcess& Shared() {
    static S3rverProcess process;
    return process;
  }
  /// "" if it could not start (error() says why).
  const std::string& endpoint() const { return endpoint_; }
  const std::string& error() const { return error_; }

  /// A client on this s3rver with its default credentials (S3RVER/S3RVER), fast retries.
  std::shared_ptr<s3::S3Client> MakeClient(s3::S3Options options = {}) const {
    options.endpoint = endpoint_;
    options.path_style = true;
    options.retry.deadline_ms = 20000;
    options.retry.base_delay_ms = 20;
    s3::AwsCredentials credentials{"S3RVER", "S3RVER", "", 0, "test"};
    std::vector<std::unique_ptr<s3::CredentialsProvider>> providers;
    providers.push_back(s3::StaticCredentials(credentials));
    return std::make_shared<s3::S3Client>(
        std::move(options), std::make_shared<s3::CredentialsChain>(std::move(providers)));
  }

  ~S3rverProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int wait_idx = 0; wait_idx < 50; ++wait_idx) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }

 private:
  S3rverProcess() {
    namespace fs = std::filesystem;
    fs::path binary =
        fs::path(__FILE__).parent_path() / "../../../test/tools/node_modules/.bin/s3rver";
    if (const char* override_binary = std::getenv("SLUICE_S3RVER")) binary = override_binary;
    if (!fs::exists(binary)) {
      error_ = "s3rver not found at " + binary.string() + " (run scripts/install-deps.sh)";
      return;
    }
    const char* tmp_root = std::getenv("SLUICE_TEST_TMP");
    fs::path dir = fs::path(tmp_root ? tmp_root : "/tmp/sluice-test") /
                   ("s3rver-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "data");
    const std::string log = (dir / "s3rver.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test binary
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      // s3rver's continuation tokens use DES, which Node 17+ only has in the legacy provider.
      ::setenv("NODE_OPTIONS", "--openssl-legacy-provider", 1);
      std::string data = (dir / "data").string();
      std::string bin = binary.string();
      ::execl(bin.c_str(), bin.c_str(), "-d", data.c_str(), "-a", "127.0.0.1", "-p", "0",
              "--configure-bucket", kS3rverBucket, static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
    for (int poll_idx = 0; poll_idx < 300; ++poll_idx) {  // 30 s at most
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      std::smatch match;
      std::string content = text.str();
      if (std::regex_search(content, match, listening)) {
        endpoint_ = "http://127.0.0.1:" + match[1].str();
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        error_ = "s3rver exited at start: " + content;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    error_ = "s3rver did not report its port within 30 s (log: " + log + ")";
  }

  pid_t pid_ = -1;
  std::string endpoint_;
  std::string error_;
};

/// A fault FakeS3 injects into the next matching request(s).
struct FakeFault {
  enum class Kind {
    k503,            // 503 with an InternalError-like body
    kSlowDown,       // 503 SlowDown
    kResetMidBody,   // GET: half the body, then the connection closes; others: stored, no reply
    kStall,          // sleeps stall_ms before answering (the client's stall timeout fires)
    k500AfterApply,  // performs the request, then answers 500 (an ambiguous failure)
  };
  Kind kind;
  std::string method;        // "" = any
  std::string key_contains;  // "" = any
  int times = 1;
  int stall_ms = 3000;
};

/// An in-process S3 (path-style, one bucket namespace) with fault injection.
class FakeS3 {
 public:
  struct Options {
    bool honour_if_none_match = true;
    bool list_uploads = true;
  };

  FakeS3() : FakeS3(Options{}) {}
  explicit FakeS3(Options options) : options_(options) {
    server_.set_keep_alive_max_count(100);
    server_.set_read_timeout(1, 0);  // idle keep-alive connections end soon
    server_.set_payload_max_length(64u << 20);
    auto handler = [this](const httplib::Request& request, httplib::Response& response) {
      Handle(request, response);
    };
    server_.Get(".*", handler);
    server_.Put(".*", handler);
    server_.Post(".*", handler);
    server_.Delete(".*", handler);
    // HEAD is served by the GET handler (httplib drops the body).
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int wait_idx = 0; wait_idx < 500 && !server_.is_running(); ++wait_idx) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ~FakeS3() {
    server_.stop();
    thread_.join();
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::shared_ptr<s3::S3Client> MakeClient(s3::S3Options options = {},
                                           const std::string& secret = "FAKESECRET") const {
    options.endpoint = endpoint();
    options.path_style = true;
    s3::AwsCredentials credentials{"FAKEKEYID", secret, "", 0, "test"};
    std::vector<std::unique_ptr<s3::CredentialsProvider>> providers;
    providers.push_back(s3::StaticCredentials(credentials));
    return std::make_shared<s3::S3Client>(
        std::move(options), std::make_shared<s3::CredentialsChain>(std::move(providers)));
  }

  void AddFault(FakeFault fault) {
    std::lock_guard<std::mutex> lock(mutex_);
    faults_.push_back(std::move(fault));
  }
  int Count(const std::string& method) {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_[method];
  }
  std::map<std::string, std::string> Objects() {
    std::lock_guard<std::mutex> lock(mutex_);
    return objects_;
  }
  size_t OpenUploads() {
    std::lock_guard<std::mutex> lock(mutex_);
    return uploads_.size();
  }
  /// Every Authorization header seen (to check no secret travels in clear).
  std::vector<std::string> AuthorizationHeaders() {
    std::lock_guard<std::mutex> lock(mutex_);
    return authorizations_;
  }

 private:
  struct Upload {
    std::string key;
    std::map<int, std::string> parts;
  };

  static void Error(httplib::Response& response, int status, const std::string& code,
                    const std::string& message) {
    response.status = status;
    response.set_content("<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>" +
                             message + "</Message></Error>",
                         "application/xml");
  }

  /// The first fault matching the request, consumed.
  std::optional<FakeFault> TakeFault(const std::string& method, const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
      if ((!it->method.empty() && it->method != method) ||
          (!it->key_contains.empty() && key.find(it->key_contains) == std::string::npos)) {
        continue;
      }
      FakeFault fault = *it;
      if (--it->times <= 0) faults_.erase(it);
      return fault;
    }
    return std::nullopt;
  }

  void Handle(const httplib::Request& request, httplib::Response& response) {
    std::string path = request.path;
    size_t slash = path.find('/', 1);
    std::string bucket = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    std::string key = slash == std::string::npos ? "" : path.substr(slash + 1);
    std::string object = bucket + "/" + key;
    const std::string method = request.method;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++counts_[method];
      ++counts_["*"];
      authorizations_.push_back(request.get_header_value("Authorization"));
    }
    if (!StartsWith(request.get_header_value("Authorization"), "AWS4-HMAC-SHA256 Credential=")) {
      return Error(response, 403, "AccessDenied", "unsigned request");
    }
    auto fault = TakeFault(method, key);
    if (fault) {
      switch (fault->kind) {
        case FakeFault::Kind::k503:
          return Error(response, 503, "ServiceUnavailable", "injected 503");
        case FakeFault::Kind::kSlowDown:
          return Error(response, 503, "SlowDown", "Please reduce your request rate.");
        case FakeFault::Kind::kStall:
          std::this_thread::sleep_for(std::chrono::milliseconds(fault->stall_ms));
          return Error(response, 500, "InternalError", "stalled");
        case FakeFault::Kind::kResetMidBody:
        case FakeFault::Kind::k500AfterApply:
          break;
      }
    }
    Apply(request, response, method, bucket, key, object);
    if (fault && fault->kind == FakeFault::Kind::k500AfterApply) {
      return Error(response, 500, "InternalError", "applied, then failed");
    }
    if (fault && fault->kind == FakeFault::Kind::kResetMidBody) {
      auto body = std::make_shared<std::string>(response.body);
      const size_t size = body->empty() ? 100 : body->size();
      response.body.clear();
      response.set_content_provider(size, "application/octet-stream",
                                    [body](size_t, size_t, httplib::DataSink& sink) {
                                      if (body->size() > 1)
                                        sink.write(body->data(), body->size() / 2);
                                      return false;  // abort: the connection closes mid-body
                                    });
    }
  }

  void Apply(const httplib::Request& request, httplib::Response& response,
             const std::string& method, const std::string& bucket, const std::string& key,
             const std::string& object) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (method == "PUT" && request.has_param("uploadId")) {
      auto upload = uploads_.find(request.get_param_value("uploadId"));
      if (upload == uploads_.end()) return Error(response, 404, "NoSuchUpload", "no upload");
      int number = std::stoi(request.get_param_value("partNumber"));
      upload->second.parts[number] = request.body;
      response.set_header("ETag", "\"etag-" + std::to_string(number) + "-" +
                                      std::to_string(request.body.size()) + "\"");
      return;
    }
    if (method == "PUT" && request.has_header("x-amz-copy-source")) {
      std::string source = request.get_header_value("x-amz-copy-source").substr(1);
      source = httplib::detail::decode_url(source, false);
      auto found = objects_.find(source);
      if (found == objects_.end()) return Error(response, 404, "NoSuchKey", "no source");
      objects_[object] = found->second;
      response.set_content("<CopyObjectResult><ETag>\"x\"</ETag></CopyObjectResult>",
                           "application/xml");
      return;
    }
    if (method == "PUT") {
      if (options_.honour_if_none_match && request.get_header_value("If-None-Match") == "*" &&
          objects_.count(object) > 0) {
        return Error(response, 412, "PreconditionFailed",
                     "At least one of the preconditions "
                     "you specified did not hold.");
      }
      objects_[object] = request.body;
      response.set_header("ETag", "\"put\"");
      return;
    }
    if (method == "POST" && request.has_param("uploads")) {
      std::string id = "upload-" + std::to_string(++next_upload_);
      uploads_[id] = Upload{object, {}};
      response.set_content("<InitiateMultipartUploadResult><Bucket>" + bucket + "</Bucket><Key>" +
                               s3::XmlEscape(key) + "</Key><UploadId>" + id +
                               "</UploadId></InitiateMultipartUploadResult>",
                           "application/xml");
      return;
    }
    if (method == "POST" && request.has_param("uploadId")) {
      auto upload = uploads_.find(request.get_param_value("uploadId"));
      if (upload == uploads_.end()) return Error(response, 404, "NoSuchUpload", "no upload");
      auto xml = s3::ParseXml(request.body);
      std::string content;
      int expected = 1;
      for (const s3::XmlElement* part : xml->Children("Part")) {
        int number = std::stoi(part->ChildText("PartNumber"));
        if (number != expected++ || upload->second.parts.count(number) == 0) {
          return Error(response, 400, "InvalidPart", "bad part list");
        }
        content += upload->second.parts[number];
      }
      objects_[upload->second.key] = content;
      uploads_.erase(upload);
      response.set_content("<CompleteMultipartUploadResult><Key>" + s3::XmlEscape(key) +
                               "</Key></CompleteMultipartUploadResult>",
                           "application/xml");
      return;
    }
    if (method == "POST" && request.has_param("delete")) {
      auto xml = s3::ParseXml(request.body);
      for (const s3::XmlElement* entry : xml->Children("Object")) {
        objects_.erase(bucket + "/" + entry->ChildText("Key"));
      }
      response.set_content("<DeleteResult></DeleteResult>", "application/xml");
      return;
    }
    if (method == "DELETE" && request.has_param("uploadId")) {
      if (uploads_.erase(request.get_param_value("uploadId")) == 0) {
        return Error(response, 404, "NoSuchUpload", "no upload");
      }
      response.status = 204;
      return;
    }
    if (method == "DELETE") {
      objects_.erase(object);
      response.status = 204;
      return;
    }
    if (method == "GET" && key.empty() && request.has_param("uploads")) {
      if (!options_.list_uploads) return Error(response, 501, "NotImplemented", "no listing");
      std::string prefix = request.get_param_value("prefix");
      std::string body = "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>";
      for (const auto& [id, upload] : uploads_) {
        std::string upload_key = upload.key.substr(bucket.size() + 1);
        if (upload.key.rfind(bucket + "/", 0) != 0 || upload_key.rfind(prefix, 0) != 0) continue;
        body += "<Upload><Key>" + s3::XmlEscape(upload_key) + "</Key><UploadId>" + id +
                "</UploadId><Initiated>2024-01-01T00:00:00.000Z</Initiated></Upload>";
      }
      response.set_content(body + "</ListMultipartUploadsResult>", "application/xml");
      return;
    }
    if (method == "GET" && key.empty()) return List(request, response, bucket);
    if (method == "GET" || method == "HEAD") {
      auto found = objects_.find(object);
      if (found == objects_.end()) return Error(response, 404, "NoSuchKey", "no such key");
      response.set_header("ETag", "\"e\"");
      if (request.has_header("Range")) {
        std::smatch match;
        std::string range = request.get_header_value("Range");
        std::regex pattern("bytes=([0-9]+)-([0-9]*)");
        if (std::regex_match(range, match, pattern)) {
          size_t from = std::stoul(match[1].str());
          size_t to =
              match[2].str().empty() ? found->second.size() - 1 : std::stoul(match[2].str());
          if (from >= found->second.size()) return Error(response, 416, "InvalidRange", "range");
          to = std::min(to, found->second.size() - 1);
          response.status = 206;
          response.set_content(found->second.substr(from, to - from + 1),
                               "application/octet-stream");
          return;
        }
      }
      response.set_content(found->second, "application/octet-stream");
      return;
    }
    Error(response, 400, "NotImplemented", "fake S3 does not do this");
  }

  void List(const httplib::Request& request, httplib::Response& response,
            const std::string& bucket) {
    const std::string prefix = request.get_param_value("prefix");
    const std::string delimiter = request.get_param_value("delimiter");
    const size_t max_keys =
        request.has_param("max-keys") ? std::stoul(request.get_param_value("max-keys")) : 1000;
    const std::string after = request.get_param_value("continuation-token");
    std::string body = "<ListBucketResult>";
    std::string contents;
    std::string prefixes;
    std::string last_common;
    size_t count = 0;
    std::string next;
    for (const auto& [object, bytes] : objects_) {
      if (object.rfind(bucket + "/", 0) != 0) continue;
      std::string key = object.substr(bucket.size() + 1);
      if (key.rfind(prefix, 0) != 0 || (!after.empty() && key <= after)) continue;
      std::string common;
      if (!delimiter.empty()) {
        size_t at = key.find(delimiter, prefix.size());
        if (at != std::string::npos) common = key.substr(0, at + delimiter.size());
      }
      if (!common.empty() && common == last_common) continue;
      if (count == max_keys) break;
      ++count;
      if (!common.empty()) {
        last_common = common;
        prefixes +=
            "<CommonPrefixes><Prefix>" + s3::XmlEscape(common) + "</Prefix></CommonPrefixes>";
        next = common + "\xff";
      } else {
        contents += "<Contents><Key>" + s3::XmlEscape(key) + "</Key><Size>" +
                    std::to_string(bytes.size()) + "</Size></Contents>";
        next = key;
      }
    }
    bool truncated = count == max_keys;
    // Truncated only if something is left after `next`.
    if (truncated) {
      truncated = false;
      for (const auto& [object, bytes] : objects_) {
        if (object.rfind(bucket + "/", 0) != 0) continue;
        std::string key = object.substr(bucket.size() + 1);
        if (key.rfind(prefix, 0) == 0 && key > next) truncated = true;
      }
    }
    body += std::string("<IsTruncated>") + (truncated ? "true" : "false") + "</IsTruncated>";
    if (truncated)
      body += "<NextContinuationToken>" + s3::XmlEscape(next) + "</NextContinuationToken>";
    response.set_content(body + contents + prefixes + "</ListBucketResult>", "application/xml");
  }

  static bool StartsWith(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
  }

  Options options_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, std::string> objects_;
  std::map<std::string, Upload> uploads_;
  int next_upload_ = 0;
  std::deque<FakeFault> faults_;
  std::map<std::string, int> counts_;
  std::vector<std::string> authorizations_;
};

}  // namespace sluice::testing
