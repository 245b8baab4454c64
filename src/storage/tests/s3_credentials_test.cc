// The credentials chain: environment, then the shared credentials file (+ AWS_PROFILE), then
// IMDSv2 (against a fake metadata endpoint on 127.0.0.1); first match wins, secrets masked.
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "storage/s3/credentials.h"
#include "storage/s3/s3_client.h"
#include "testing/gtest_util.h"

namespace sluice::s3 {
namespace {

using sluice::testing::TempDir;

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

/// IMDSv2 on 127.0.0.1: a token by PUT, then the role and its credentials only with the token.
class FakeInstanceMetadata {
 public:
  FakeInstanceMetadata() {
    server_.Put("/latest/api/token",
                [this](const httplib::Request& request, httplib::Response& response) {
                  ++token_requests_;
                  if (request.get_header_value("X-aws-ec2-metadata-token-ttl-seconds").empty()) {
                    response.status = 400;
                    return;
                  }
                  response.set_content("session-token-1", "text/plain");
                });
    server_.Get("/latest/meta-data/iam/security-credentials/(.*)", [this](const httplib::Request&
                                                                              request,
                                                                          httplib::Response&
                                                                              response) {
      if (request.get_header_value("X-aws-ec2-metadata-token") != "session-token-1") {
        response.status = 401;  // IMDSv1-style requests are refused
        return;
      }
      if (request.matches[1].str().empty()) {
        response.set_content("sluice-role\n", "text/plain");
        return;
      }
      response.set_content(
          R"({"Code":"Success","AccessKeyId":"ASIAIMDSKEY12345","SecretAccessKey":"imds-secret","Token":"imds-session","Expiration":")" +
              expiration_ + R"("})",
          "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int wait_idx = 0; wait_idx < 500 && !server_.is_running(); ++wait_idx) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ~FakeInstanceMetadata() {
    server_.stop();
    thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int token_requests() const { return token_requests_; }
  std::string expiration_ = "2099-01-01T00:00:00Z";

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> token_requests_{0};
};

std::string WriteCredentialsFile(const std::string& dir) {
  std::string path = dir + "/credentials";
  std::ofstream out(path);
  out << "# comment\n[default]\naws_access_key_id = AKIADEFAULT000001\n"
         "aws_secret_access_key = default-secret\n\n"
         "[dev]\naws_access_key_id=AKIADEV0000000002\naws_secret_access_key=dev-secret\n"
         "aws_session_token = dev-token\n";
  return path;
}

TEST(CredentialsTest, EnvironmentFirst) {
  FakeInstanceMetadata imds;
  std::string file = WriteCredentialsFile(TempDir());
  auto chain =
      DefaultCredentialsChain(FakeEnv({{"AWS_ACCESS_KEY_ID", "AKIAENV0000000003"},
                                       {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                                       {"AWS_SESSION_TOKEN", "env-token"},
                                       {"AWS_SHARED_CREDENTIALS_FILE", file},
                                       {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()}}));
  ASSERT_OK_AND_ASSIGN(AwsCredentials credentials, chain->Get());
  EXPECT_EQ(credentials.access_key_id, "AKIAENV0000000003");
  EXPECT_EQ(credentials.session_token, "env-token");
  EXPECT_EQ(credentials.source, "environment");
  EXPECT_EQ(imds.token_requests(), 0);
  EXPECT_EQ(chain->names(),
            (std::vector<std::string>{"environment", "profile", "instance metadata (IMDSv2)"}));
}

TEST(CredentialsTest, HalfSetEnvironmentIsAnError) {
  auto chain = DefaultCredentialsChain(FakeEnv({{"AWS_ACCESS_KEY_ID", "AKIAENV0000000003"}}));
  ASSERT_RAISES(kConfig, "AWS_SECRET_ACCESS_KEY", chain->Get());
}

TEST(CredentialsTest, ProfileFileThenAwsProfile) {
  FakeInstanceMetadata imds;
  std::string file = WriteCredentialsFile(TempDir());
  auto chain =
      DefaultCredentialsChain(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", file},
                                       {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()}}));
  ASSERT_OK_AND_ASSIGN(AwsCredentials credentials, chain->Get());
  EXPECT_EQ(credentials.access_key_id, "AKIADEFAULT000001");
  EXPECT_EQ(credentials.secret_access_key, "default-secret");
  auto dev =
      DefaultCredentialsChain(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", file},
                                       {"AWS_PROFILE", "dev"},
                                       {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()}}));
  ASSERT_OK_AND_ASSIGN(credentials, dev->Get());
  EXPECT_EQ(credentials.access_key_id, "AKIADEV0000000002");
  EXPECT_EQ(credentials.session_token, "dev-token");
  EXPECT_EQ(credentials.source, "profile 'dev' in " + file);
  // An explicit profile that does not exist is a mistake, not a reason to try the next source.
  auto missing =
      DefaultCredentialsChain(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", file},
                                       {"AWS_PROFILE", "prod"},
                                       {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()}}));
  ASSERT_RAISES(kConfig, "no such profile", missing->Get());
  EXPECT_EQ(imds.token_requests(), 0);
}

TEST(CredentialsTest, HomeCredentialsFile) {
  std::string home = TempDir();
  std::filesystem::create_directories(home + "/.aws");
  WriteCredentialsFile(home + "/.aws");
  auto chain =
      DefaultCredentialsChain(FakeEnv({{"HOME", home}, {"AWS_EC2_METADATA_DISABLED", "true"}}));
  ASSERT_OK_AND_ASSIGN(AwsCredentials credentials, chain->Get());
  EXPECT_EQ(credentials.access_key_id, "AKIADEFAULT000001");
}

TEST(CredentialsTest, InstanceMetadataV2Last) {
  FakeInstanceMetadata imds;
  auto chain = DefaultCredentialsChain(
      FakeEnv({{"HOME", TempDir()}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()}}));
  ASSERT_OK_AND_ASSIGN(AwsCredentials credentials, chain->Get());
  EXPECT_EQ(credentials.access_key_id, "ASIAIMDSKEY12345");
  EXPECT_EQ(credentials.secret_access_key, "imds-secret");
  EXPECT_EQ(credentials.session_token, "imds-session");
  EXPECT_EQ(credentials.source, "instance metadata (role 'sluice-role')");
  EXPECT_GT(credentials.expiration_micros, 0);
  EXPECT_EQ(imds.token_requests(), 1);
  // Cached until 5 minutes before expiry.
  ASSERT_OK(chain->Get());
  EXPECT_EQ(imds.token_requests(), 1);
  chain->Invalidate();
  ASSERT_OK(chain->Get());
  EXPECT_EQ(imds.token_requests(), 2);
}

TEST(CredentialsTest, ExpiringCredentialsAreReloaded) {
  FakeInstanceMetadata imds;
  imds.expiration_ = "2000-01-01T00:00:00Z";  // already within the refresh window
  auto chain = DefaultCredentialsChain(
      FakeEnv({{"HOME", TempDir()}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()}}));
  ASSERT_OK(chain->Get());
  ASSERT_OK(chain->Get());
  EXPECT_EQ(imds.token_requests(), 2);
}

TEST(CredentialsTest, NothingFoundSaysWhatWasTried) {
  // Port 9 on loopback: nothing listens, the connection is refused at once.
  auto chain = DefaultCredentialsChain(
      FakeEnv({{"HOME", TempDir()}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9"}}));
  auto got = chain->Get();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kConfig);
  EXPECT_NE(got.status().message().find("environment"), std::string::npos);
  EXPECT_NE(got.status().message().find("credentials"), std::string::npos);
  EXPECT_NE(got.status().message().find("instance metadata"), std::string::npos)
      << got.status().ToString();
}

TEST(CredentialsTest, DescribeMasksTheKeyAndNeverShowsTheSecret) {
  AwsCredentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", "tok", 0,
                             "environment"};
  std::string text = credentials.Describe();
  EXPECT_EQ(text, "access key AKIA****MPLE from environment");
  EXPECT_EQ(text.find("wJalr"), std::string::npos);
}

}  // namespace
}  // namespace sluice::s3

namespace sluice::s3 {
namespace {

TEST(S3OptionsTest, RegionFromEnvironmentThenConfigFileProfile) {
  const std::string dir = sluice::testing::TempDir();
  const std::string config = dir + "/config";
  std::ofstream(config) << "[default]\nregion = eu-west-1\n\n"
                           "# comment\n[profile dev]\noutput = json\nregion=ap-south-1\n";
  ASSERT_OK_AND_ASSIGN(S3Options options,
                       S3Options::FromEnvironment(FakeEnv({{"AWS_CONFIG_FILE", config}})));
  EXPECT_EQ(options.region, "eu-west-1");
  ASSERT_OK_AND_ASSIGN(
      options,
      S3Options::FromEnvironment(FakeEnv({{"AWS_CONFIG_FILE", config}, {"AWS_PROFILE", "dev"}})));
  EXPECT_EQ(options.region, "ap-south-1");
  ASSERT_OK_AND_ASSIGN(options, S3Options::FromEnvironment(FakeEnv(
                                    {{"AWS_CONFIG_FILE", config}, {"AWS_REGION", "us-west-2"}})));
  EXPECT_EQ(options.region, "us-west-2");
  // ~/.aws/config through HOME; nothing anywhere: us-east-1.
  std::filesystem::create_directories(dir + "/home/.aws");
  std::ofstream(dir + "/home/.aws/config") << "[default]\nregion = sa-east-1\n";
  ASSERT_OK_AND_ASSIGN(options, S3Options::FromEnvironment(FakeEnv({{"HOME", dir + "/home"}})));
  EXPECT_EQ(options.region, "sa-east-1");
  ASSERT_OK_AND_ASSIGN(options, S3Options::FromEnvironment(FakeEnv({{"HOME", dir + "/none"}})));
  EXPECT_EQ(options.region, "us-east-1");
}

}  // namespace
}  // namespace sluice::s3
