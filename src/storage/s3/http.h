// A minimal HTTP/1.1 client on libcurl for the S3 client and the instance-metadata credentials:
// one request at a time per call, connections reused through a pool of easy handles, every
// call bounded by a connect timeout, a total timeout and a stall (low-speed) limit.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::s3 {

struct HttpRequest {
  std::string method;  // GET, PUT, POST, HEAD, DELETE
  std::string url;     // full URL, already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // not owned
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(std::string_view name) const;
};

/// Limits of one HTTP exchange.
struct HttpTimeouts {
  int64_t connect_ms = 5000;
  int64_t total_ms = 300000;
  /// The transfer is abandoned when less than 1 byte/s moves for this long (a stalled peer).
  int64_t stall_ms = 30000;
};

/// What went wrong below HTTP (no response): classified for the retry policy.
enum class TransportError {
  kNone,
  kConnect,  // nothing reached the server: always safe to retry
  kTimeout,  // connect or transfer timeout, stall
  kReset,    // connection reset, partial body, empty reply
  kOther,    // TLS setup, bad URL...: not retried
};

/// Result of one exchange: a response, or a transport error with curl's message.
struct HttpOutcome {
  TransportError error = TransportError::kNone;
  std::string error_message;
  HttpResponse response;
};

/// Pools libcurl easy handles (each keeps its own connection cache) for reuse across threads.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Performs one exchange. Never throws; never logs headers (they carry signatures and tokens).
  HttpOutcome Send(const HttpRequest& request, const HttpTimeouts& timeouts);

 private:
  void* Acquire();
  void Release(void* handle);

  std::mutex mutex_;
  std::vector<void*> idle_;
};

}  // namespace sluice::s3
