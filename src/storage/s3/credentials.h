// AWS credentials and where they come from, in the SDK's default order: the environment,
// the shared credentials file (~/.aws/credentials + AWS_PROFILE), then EC2 instance metadata
// (IMDSv2). Secrets are never formatted into logs or errors: use Describe().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/s3/http.h"

namespace sluice::s3 {

/// One set of credentials. `expiration_micros` = 0: does not expire.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  int64_t expiration_micros = 0;
  std::string source;  // "environment", "profile 'x' in /home/u/.aws/credentials", ...

  /// "access key AKIA****MPLE from <source>": safe to log.
  std::string Describe() const;
};

/// Environment lookup, injectable for tests. nullopt = unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
/// The process environment.
EnvLookup ProcessEnvironment();

/// A source of credentials.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  /// NotFound when this source has nothing (the chain moves on); other errors stop the chain.
  virtual Result<AwsCredentials> Load() = 0;
  virtual std::string name() const = 0;
};

/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
std::unique_ptr<CredentialsProvider> EnvironmentCredentials(EnvLookup env);
/// The INI file AWS_SHARED_CREDENTIALS_FILE (default $HOME/.aws/credentials), section AWS_PROFILE
/// (default "default"). An AWS_PROFILE that names a missing section is a Config error.
std::unique_ptr<CredentialsProvider> ProfileCredentials(EnvLookup env);
/// IMDSv2: PUT /latest/api/token, then the role's credentials with that token. Endpoint from
/// AWS_EC2_METADATA_SERVICE_ENDPOINT (default http://169.254.169.254); AWS_EC2_METADATA_DISABLED
/// =true skips it. Short timeouts (1 s connect, 2 attempts): off EC2 it fails fast.
std::unique_ptr<CredentialsProvider> InstanceMetadataCredentials(EnvLookup env);
/// Fixed credentials (tests, tools).
std::unique_ptr<CredentialsProvider> StaticCredentials(AwsCredentials credentials);

/// Tries providers in order; caches the first credentials found and reloads them 5 minutes
/// before they expire (or at once after Invalidate(), e.g. on ExpiredToken). Thread-safe.
class CredentialsChain {
 public:
  explicit CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers);
  Result<AwsCredentials> Get();
  void Invalidate();
  /// The providers' names, in order (for docs and errors).
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
  std::mutex mutex_;
  std::optional<AwsCredentials> cached_;
};

/// environment -> profile file -> instance metadata.
std::shared_ptr<CredentialsChain> DefaultCredentialsChain(EnvLookup env = ProcessEnvironment());

}  // namespace sluice::s3
