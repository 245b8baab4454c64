// SigV4 against AWS's published vectors: the "sig-v4 test suite" (service "service",
// 20150830T123600Z, AKIDEXAMPLE) and the worked examples of the S3 API reference
// ("Signature Calculations for the Authorization Header", examplebucket, 20130524T000000Z).
#include "storage/s3/sigv4.h"

#include <gtest/gtest.h>

namespace sluice::s3 {
namespace {

constexpr char kSuiteKey[] = "AKIDEXAMPLE";
constexpr char kSuiteSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kSuiteDate[] = "20150830T123600Z";
constexpr char kS3Key[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kS3Secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kS3Date[] = "20130524T000000Z";
constexpr char kEmpty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SigV4Parts SuiteSign(const std::string& method,
                     std::vector<std::pair<std::string, std::string>> query) {
  SigV4Request request;
  request.method = method;
  request.encoded_path = "/";
  request.query = std::move(query);
  request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kSuiteDate}};
  request.payload_hash = kEmpty;
  return SignV4(request, kSuiteKey, kSuiteSecret, "us-east-1", "service", kSuiteDate);
}

TEST(SigV4Test, SuiteGetVanilla) {
  SigV4Parts parts = SuiteSign("GET", {});
  EXPECT_EQ(parts.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" +
                std::string(kEmpty));
  EXPECT_EQ(parts.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Test, SuiteGetVanillaQueryOrderKeyCase) {
  SigV4Parts parts = SuiteSign("GET", {{"Param2", "value2"}, {"Param1", "value1"}});
  EXPECT_EQ(parts.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4Test, SuitePostVanilla) {
  EXPECT_EQ(SuiteSign("POST", {}).signature,
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

SigV4Parts S3Sign(const std::string& method, const std::string& path,
                  std::vector<std::pair<std::string, std::string>> query,
                  std::vector<std::pair<std::string, std::string>> extra_headers,
                  const std::string& payload_hash) {
  SigV4Request request;
  request.method = method;
  request.encoded_path = path;
  request.query = std::move(query);
  request.headers = std::move(extra_headers);
  request.headers.emplace_back("Host", "examplebucket.s3.amazonaws.com");
  request.headers.emplace_back("x-amz-date", kS3Date);
  request.headers.emplace_back("x-amz-content-sha256", payload_hash);
  request.payload_hash = payload_hash;
  return SignV4(request, kS3Key, kS3Secret, "us-east-1", "s3", kS3Date);
}

TEST(SigV4Test, S3GetObjectWithRange) {
  SigV4Parts parts = S3Sign("GET", "/test.txt", {}, {{"Range", "bytes=0-9"}}, kEmpty);
  EXPECT_EQ(parts.signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(parts.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, S3PutObject) {
  const std::string body = "Welcome to Amazon S3.";
  const std::string hash = Sha256Hex(body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigV4Parts parts = S3Sign(
      "PUT", "/" + UriEncode("test$file.text", true), {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      hash);
  EXPECT_EQ(parts.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(parts.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4Test, S3GetBucketLifecycleEmptyQueryValue) {
  EXPECT_EQ(S3Sign("GET", "/", {{"lifecycle", ""}}, {}, kEmpty).signature,
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4Test, S3ListObjects) {
  EXPECT_EQ(S3Sign("GET", "/", {{"max-keys", "2"}, {"prefix", "J"}}, {}, kEmpty).signature,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, UriEncode) {
  EXPECT_EQ(UriEncode("a b/c=d~e_f.g-h", true), "a%20b/c%3Dd~e_f.g-h");
  EXPECT_EQ(UriEncode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(UriEncode("\xe2\x82\xac+", false), "%E2%82%AC%2B");
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "1"}, {"A", "0"}, {"uploads", ""}}),
            "A=0&a=1&b=2&uploads=");
}

TEST(SigV4Test, HeaderValuesAreTrimmedAndSignedHeadersSorted) {
  SigV4Request request;
  request.method = "GET";
  request.encoded_path = "/";
  request.headers = {{"X-Amz-Date", kSuiteDate},
                     {"My-Header1", "  a   b   c  "},
                     {"Host", "example.amazonaws.com"}};
  request.payload_hash = kEmpty;
  SigV4Parts parts = SignV4(request, kSuiteKey, kSuiteSecret, "us-east-1", "service", kSuiteDate);
  EXPECT_NE(parts.canonical_request.find("my-header1:a b c\n"), std::string::npos);
  EXPECT_EQ(parts.signed_headers, "host;my-header1;x-amz-date");
}

TEST(SigV4Test, AmzDateAndMd5) {
  EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z");
  EXPECT_EQ(Md5Base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

}  // namespace
}  // namespace sluice::s3
