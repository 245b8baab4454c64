#include "storage/s3/credentials.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "common/time_util.h"

namespace sluice::s3 {

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string EnvOr(const EnvLookup& env, std::string_view name, std::string fallback) {
  auto value = env(name);
  return value && !value->empty() ? *value : std::move(fallback);
}

class EnvironmentProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(EnvLookup env) : env_(std::move(env)) {}
  Result<AwsCredentials> Load() override {
    auto key = env_("AWS_ACCESS_KEY_ID");
    auto secret = env_("AWS_SECRET_ACCESS_KEY");
    if ((!key || key->empty()) && (!secret || secret->empty())) {
      return Status::NotFound("AWS_ACCESS_KEY_ID is not set");
    }
    if (!key || key->empty() || !secret || secret->empty()) {
      return Status::Config(
          "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (only {} is set)",
          key && !key->empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY");
    }
    AwsCredentials credentials;
    credentials.access_key_id = *key;
    credentials.secret_access_key = *secret;
    credentials.session_token = EnvOr(env_, "AWS_SESSION_TOKEN", "");
    credentials.source = "environment";
    return credentials;
  }
  std::string name() const override { return "environment"; }

 private:
  EnvLookup env_;
};

class ProfileProvider final : public CredentialsProvider {
 public:
  explicit ProfileProvider(EnvLookup env) : env_(std::move(env)) {}
  Result<AwsCredentials> Load() override {
    auto explicit_profile = env_("AWS_PROFILE");
    const bool profile_is_explicit = explicit_profile && !explicit_profile->empty();
    const std::string profile = profile_is_explicit ? *explicit_profile : "default";
    std::string path = EnvOr(env_, "AWS_SHARED_CREDENTIALS_FILE", "");
    if (path.empty()) {
      std::string home = EnvOr(env_, "HOME", "");
      if (home.empty()) return Status::NotFound("no HOME for ~/.aws/credentials");
      path = home + "/.aws/credentials";
    } else if (path.starts_with("~/")) {
      path = EnvOr(env_, "HOME", "") + path.substr(1);
    }
    std::ifstream in(path);
    if (!in) {
      if (profile_is_explicit) {
        return Status::Config("AWS_PROFILE is '{}' but the credentials file '{}' cannot be read",
                              profile, path);
      }
      return Status::NotFound("no credentials file '{}'", path);
    }
    std::string line;
    std::string section;
    bool found = false;
    AwsCredentials credentials;
    while (std::getline(in, line)) {
      std::string_view text = Trim(line);
      if (text.empty() || text.front() == '#' || text.front() == ';') continue;
      if (text.front() == '[' && text.back() == ']') {
        section = std::string(Trim(text.substr(1, text.size() - 2)));
        if (section.starts_with("profile ")) section = std::string(Trim(section.substr(8)));
        if (section == profile) found = true;
        continue;
      }
      if (section != profile) continue;
      size_t eq = text.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key = ToLower(Trim(text.substr(0, eq)));
      std::string value(Trim(text.substr(eq + 1)));
      if (key == "aws_access_key_id") credentials.access_key_id = value;
      if (key == "aws_secret_access_key") credentials.secret_access_key = value;
      if (key == "aws_session_token") credentials.session_token = value;
    }
    if (!found) {
      if (profile_is_explicit) {
        return Status::Config("AWS_PROFILE is '{}' but '{}' has no such profile", profile, path);
      }
      return Status::NotFound("no profile '{}' in '{}'", profile, path);
    }
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
      return Status::Config(
          "profile '{}' in '{}' needs both aws_access_key_id and aws_secret_access_key", profile,
          path);
    }
    credentials.source = fmt::format("profile '{}' in {}", profile, path);
    return credentials;
  }
  std::string name() const override { return "profile"; }

 private:
  EnvLookup env_;
};

class InstanceMetadataProvider final : public CredentialsProvider {
 public:
  explicit InstanceMetadataProvider(EnvLookup env) : env_(std::move(env)) {}
  Result<AwsCredentials> Load() override {
    if (EqualsIgnoreCase(EnvOr(env_, "AWS_EC2_METADATA_DISABLED", ""), "true")) {
      return Status::NotFound("instance metadata disabled by AWS_EC2_METADATA_DISABLED");
    }
    std::string endpoint =
        EnvOr(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://169.254.169.254");
    while (endpoint.ends_with('/')) endpoint.pop_back();
    HttpTimeouts timeouts{.connect_ms = 1000, .total_ms = 2000, .stall_ms = 2000};
    // Two attempts at most: IMDS is local to the instance, off EC2 nothing answers.
    Status last = Status::NotFound("instance metadata not reachable at {}", endpoint);
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto loaded = LoadOnce(endpoint, timeouts);
      if (loaded.ok()) return loaded;
      last = loaded.status();
      if (!last.IsNotFound() && last.code() != StatusCode::kRetryableIO) return last;
    }
    if (last.code() == StatusCode::kRetryableIO) {
      return Status::NotFound("instance metadata not reachable at {}: {}", endpoint,
                              last.message());
    }
    return last;
  }
  std::string name() const override { return "instance metadata (IMDSv2)"; }

 private:
  Result<AwsCredentials> LoadOnce(const std::string& endpoint, const HttpTimeouts& timeouts) {
    HttpRequest token_request{"PUT",
                              endpoint + "/latest/api/token",
                              {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                              ""};
    HttpOutcome token = http_.Send(token_request, timeouts);
    if (token.error != TransportError::kNone) {
      return Status::RetryableIO("IMDSv2 token request failed: {}", token.error_message);
    }
    if (token.response.status != 200) {
      return Status::NotFound("IMDSv2 token request answered HTTP {}", token.response.status);
    }
    const std::string& session = token.response.body;
    const std::string base = endpoint + "/latest/meta-data/iam/security-credentials/";
    HttpOutcome roles =
        http_.Send({"GET", base, {{"X-aws-ec2-metadata-token", session}}, ""}, timeouts);
    if (roles.error != TransportError::kNone) {
      return Status::RetryableIO("IMDSv2 role request failed: {}", roles.error_message);
    }
    if (roles.response.status == 404) {
      return Status::NotFound("the instance has no IAM role (instance metadata answered 404)");
    }
    if (roles.response.status != 200) {
      return Status::IOError("IMDSv2 role request answered HTTP {}", roles.response.status);
    }
    std::string role(Trim(roles.response.body.substr(0, roles.response.body.find('\n'))));
    if (role.empty()) return Status::NotFound("instance metadata lists no IAM role");
    HttpOutcome document =
        http_.Send({"GET", base + role, {{"X-aws-ec2-metadata-token", session}}, ""}, timeouts);
    if (document.error != TransportError::kNone) {
      return Status::RetryableIO("IMDSv2 credentials request failed: {}", document.error_message);
    }
    if (document.response.status != 200) {
      return Status::IOError("IMDSv2 credentials of role '{}' answered HTTP {}", role,
                             document.response.status);
    }
    auto json = nlohmann::json::parse(document.response.body, nullptr, false);
    if (!json.is_object() || !json.contains("AccessKeyId") || !json["AccessKeyId"].is_string() ||
        !json.contains("SecretAccessKey") || !json["SecretAccessKey"].is_string()) {
      return Status::IOError("IMDSv2 credentials of role '{}' are not the expected JSON", role);
    }
    AwsCredentials credentials;
    credentials.access_key_id = json["AccessKeyId"].get<std::string>();
    credentials.secret_access_key = json["SecretAccessKey"].get<std::string>();
    if (json.contains("Token") && json["Token"].is_string()) {
      credentials.session_token = json["Token"].get<std::string>();
    }
    if (json.contains("Expiration") && json["Expiration"].is_string()) {
      auto expiration = ParseTimestampMicros(json["Expiration"].get<std::string>());
      if (expiration) credentials.expiration_micros = *expiration;
    }
    credentials.source = fmt::format("instance metadata (role '{}')", role);
    return credentials;
  }

  EnvLookup env_;
  HttpClient http_;
};

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(AwsCredentials credentials) : credentials_(std::move(credentials)) {}
  Result<AwsCredentials> Load() override { return credentials_; }
  std::string name() const override { return "static"; }

 private:
  AwsCredentials credentials_;
};

}  // namespace

std::string AwsCredentials::Describe() const {
  std::string masked = access_key_id.size() > 8 ? access_key_id.substr(0, 4) + "****" +
                                                      access_key_id.substr(access_key_id.size() - 4)
                                                : std::string("****");
  return fmt::format("access key {} from {}", masked, source.empty() ? "?" : source);
}

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::unique_ptr<CredentialsProvider> EnvironmentCredentials(EnvLookup env) {
  return std::make_unique<EnvironmentProvider>(std::move(env));
}
std::unique_ptr<CredentialsProvider> ProfileCredentials(EnvLookup env) {
  return std::make_unique<ProfileProvider>(std::move(env));
}
std::unique_ptr<CredentialsProvider> InstanceMetadataCredentials(EnvLookup env) {
  return std::make_unique<InstanceMetadataProvider>(std::move(env));
}
std::unique_ptr<CredentialsProvider> StaticCredentials(AwsCredentials credentials) {
  return std::make_unique<StaticProvider>(std::move(credentials));
}

CredentialsChain::CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers)
    : providers_(std::move(providers)) {}

Result<AwsCredentials> CredentialsChain::Get() {
  std::lock_guard<std::mutex> lock(mutex_);
  constexpr int64_t kRefreshAheadMicros = 5LL * 60 * 1000 * 1000;
  if (cached_ && (cached_->expiration_micros == 0 ||
                  cached_->expiration_micros - kRefreshAheadMicros > NowMicros())) {
    return *cached_;
  }
  std::vector<std::string> tried;
  for (const auto& provider : providers_) {
    auto loaded = provider->Load();
    if (loaded.ok()) {
      cached_ = *loaded;
      return *loaded;
    }
    if (!loaded.status().IsNotFound()) {
      return loaded.status().WithContext(
          fmt::format("loading AWS credentials from {}", provider->name()));
    }
    tried.push_back(fmt::format("{} ({})", provider->name(), loaded.status().message()));
  }
  return Status::Config("no AWS credentials found; tried: {}", Join(tried, "; "));
}

void CredentialsChain::Invalidate() {
  std::lock_guard<std::mutex> lock(mutex_);
  cached_.reset();
}

std::vector<std::string> CredentialsChain::names() const {
  std::vector<std::string> out;
  for (const auto& provider : providers_) out.push_back(provider->name());
  return out;
}

std::shared_ptr<CredentialsChain> DefaultCredentialsChain(EnvLookup env) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(EnvironmentCredentials(env));
  providers.push_back(ProfileCredentials(env));
  providers.push_back(InstanceMetadataCredentials(env));
  return std::make_shared<CredentialsChain>(std::move(providers));
}

}  // namespace sluice::s3
