// AWS Signature Version 4 (header-based), as S3 and every S3-compatible store verify it.
// Pure functions of their inputs: no clock, no I/O, so the AWS test-suite vectors pin them down.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::s3 {

/// Lower-case hex of SHA-256(bytes).
std::string Sha256Hex(std::string_view bytes);
/// Raw HMAC-SHA256(key, data) (32 bytes).
std::string HmacSha256(std::string_view key, std::string_view data);
/// Base64 of the raw MD5 of `bytes` (the Content-MD5 header S3 requires on multi-object delete).
std::string Md5Base64(std::string_view bytes);
/// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);

/// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - _ . ~) stay,
/// every other byte becomes %XX (upper-case hex). With `keep_slash`, '/' stays (object key paths).
std::string UriEncode(std::string_view text, bool keep_slash);

/// "20150830T123600Z" for a Unix time in seconds.
std::string AmzDate(int64_t unix_seconds);

/// One request to sign. Header names may have any case; values are trimmed and inner runs of
/// spaces collapsed, as the canonical form requires. The signed headers are all of `headers`.
struct SigV4Request {
  std::string method;        // "GET"
  std::string encoded_path;  // already URI-encoded once, e.g. "/bucket/a%20b" (S3: not twice)
  std::vector<std::pair<std::string, std::string>> query;    // raw (unencoded) names and values
  std::vector<std::pair<std::string, std::string>> headers;  // must include host and x-amz-date
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

/// What a signature is made of, exposed for tests and debugging (never logged: the canonical
/// request carries no secret, but the signing key does).
struct SigV4Parts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // hex
  std::string authorization;   // the Authorization header value
};

/// The canonical query string: names and values URI-encoded, sorted by encoded name then value,
/// "name=value" joined with '&' (a parameter without value is "name=").
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query);

/// Signs `request` for (region, service) at `amz_date` (must equal the request's x-amz-date).
SigV4Parts SignV4(const SigV4Request& request, std::string_view access_key_id,
                  std::string_view secret_access_key, std::string_view region,
                  std::string_view service, std::string_view amz_date);

}  // namespace sluice::s3
