#include "connectors/options.h"

#include <gtest/gtest.h>

#include "testing/gtest_util.h"

namespace sluice {
namespace {

std::vector<OptionSpec> DatagenLikeSpecs() {
  return {
      {.name = "numRows", .type = OptionType::kInt, .default_value = "0", .min_value = 0},
      {.name = "partitions", .type = OptionType::kInt, .default_value = "1", .min_value = 1},
      {.name = "rowsPerSecond", .type = OptionType::kInt, .default_value = "0"},
      {.name = "ratio", .type = OptionType::kDouble},
      {.name = "truncate", .type = OptionType::kBool, .default_value = "true"},
      {.name = "interval",
       .type = OptionType::kDuration,
       .default_value = "10ms",
       .min_value = 1000},
      {.name = "fileSize", .type = OptionType::kSize, .default_value = "128MB"},
      {.name = "format",
       .type = OptionType::kEnum,
       .default_value = "json",
       .allowed = {"json", "csv", "parquet"}},
      {.name = "partitionBy", .type = OptionType::kList},
      {.name = "kafka.", .type = OptionType::kString, .is_prefix = true},
  };
}

constexpr std::string_view kWhat = "connector 'datagen' (source)";

TEST(ValidateOptionsTest, CanonicalisesKeysAndFillsDefaults) {
  OptionError error;
  ASSERT_OK_AND_ASSIGN(
      OptionSet set, ValidateOptions(DatagenLikeSpecs(),
                                     {{"NUMROWS", "10"}, {"Format", "CSV"}, {"kafka.acks", "all"}},
                                     kWhat, &error));
  EXPECT_EQ(set.values().count("numRows"), 1u);
  EXPECT_EQ(set.values().count("NUMROWS"), 0u);
  EXPECT_EQ(set.GetInt("numRows"), 10);
  EXPECT_EQ(set.GetString("format"), "csv");  // enum values take the spec's spelling
  EXPECT_EQ(set.GetInt("partitions"), 1);     // default
  EXPECT_TRUE(set.GetBool("truncate"));
  EXPECT_EQ(set.GetDurationMicros("interval"), 10000);
  EXPECT_EQ(set.GetSizeBytes("fileSize"), 128LL * 1024 * 1024);
  EXPECT_FALSE(set.Has("ratio"));  // no default
  EXPECT_FALSE(set.Has("partitionBy"));
  EXPECT_EQ(set.GetPrefixed("kafka."), (std::map<std::string, std::string>{{"acks", "all"}}));
  EXPECT_EQ(error.option_index, -1);
}

TEST(ValidateOptionsTest, PrefixKeysKeepTheSpecsPrefixSpelling) {
  ASSERT_OK_AND_ASSIGN(OptionSet set, ValidateOptions(DatagenLikeSpecs(),
                                                      {{"KAFKA.bootstrap.servers", "b:9092"},
                                                       {"kafka.linger.ms", "5"}},
                                                      kWhat, nullptr));
  EXPECT_EQ(set.values().count("kafka.bootstrap.servers"), 1u);
  EXPECT_EQ(set.GetPrefixed("kafka."), (std::map<std::string, std::string>{
                                           {"bootstrap.servers", "b:9092"}, {"linger.ms", "5"}}));
}

TEST(ValidateOptionsTest, GettersParseValues) {
  ASSERT_OK_AND_ASSIGN(OptionSet set, ValidateOptions(DatagenLikeSpecs(),
                                                      {{"ratio", "0.25"},
                                                       {"truncate", "FALSE"},
                                                       {"interval", "2 seconds"},
                                                       {"partitionBy", " a, ,b ,c,"},
                                                       {"fileSize", "64 KiB"}},
                                                      kWhat, nullptr));
  EXPECT_DOUBLE_EQ(set.GetDouble("ratio"), 0.25);
  EXPECT_FALSE(set.GetBool("truncate"));
  EXPECT_EQ(set.GetDurationMicros("interval"), 2000000);
  EXPECT_EQ(set.GetList("partitionBy"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(set.GetSizeBytes("fileSize"), 65536);
  EXPECT_EQ(set.GetString("absent"), "");
  EXPECT_EQ(set.GetInt("absent"), 0);
  EXPECT_TRUE(set.GetList("absent").empty());
}

TEST(ValidateOptionsTest, UnknownOptionSuggestsAndListsValidOptions) {
  OptionError error;
  auto result = ValidateOptions(DatagenLikeSpecs(), {{"numRows", "5"}, {"rowsPerSecnd", "10"}},
                                kWhat, &error);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kConfig);
  EXPECT_EQ(result.status().message(),
            "unknown option 'rowsPerSecnd' for connector 'datagen' (source) (did you mean "
            "'rowsPerSecond'?); valid options: numRows, partitions, rowsPerSecond, ratio, "
            "truncate, interval, fileSize, format, partitionBy, kafka.*");
  EXPECT_EQ(error.option_index, 1);
  EXPECT_EQ(error.status.message(), result.status().message());
}

TEST(ValidateOptionsTest, UnknownOptionWithoutCloseMatch) {
  OptionError error;
  auto result = ValidateOptions(DatagenLikeSpecs(), {{"zzzzzzzzzz", "1"}}, kWhat, &error);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message().find("did you mean"), std::string::npos);
  EXPECT_NE(result.status().message().find("unknown option 'zzzzzzzzzz'"), std::string::npos);
  EXPECT_EQ(error.option_index, 0);
}

TEST(ValidateOptionsTest, DuplicateOptionIsCaseInsensitive) {
  OptionError error;
  auto result = ValidateOptions(
      DatagenLikeSpecs(), {{"numRows", "5"}, {"format", "json"}, {"NumRows", "6"}}, kWhat, &error);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kConfig);
  EXPECT_EQ(result.status().message(),
            "duplicate option 'numRows' for connector 'datagen' (source)");
  EXPECT_EQ(error.option_index, 2);
}

TEST(ValidateOptionsTest, BadValuesForEachType) {
  struct Case {
    RawOption option;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"numRows", "ten"}, "option 'numRows' expects an integer, got 'ten'"},
      {{"ratio", "1.5x"}, "option 'ratio' expects a number, got '1.5x'"},
      {{"truncate", "maybe"}, "option 'truncate' expects true or false, got 'maybe'"},
      {{"interval", "soon"},
       "option 'interval' expects a duration (e.g. '10 seconds', '500ms'), got 'soon'"},
      {{"fileSize", "big"}, "option 'fileSize' expects a size (e.g. '128MB'), got 'big'"},
      {{"format", "xml"}, "option 'format' expects one of json, csv, parquet, got 'xml'"},
      {{"partitions", "0"}, "option 'partitions' must be at least 1, got '0'"},
      {{"numRows", "-3"}, "option 'numRows' must be at least 0, got '-3'"},
      {{"interval", "100 us"}, "option 'interval' must be at least 1000us, got '100 us'"},
  };
  for (const auto& c : cases) {
    OptionError error;
    auto result =
        ValidateOptions(DatagenLikeSpecs(), {{"partitionBy", "a"}, c.option}, kWhat, &error);
    ASSERT_FALSE(result.ok()) << c.option.key << "=" << c.option.value;
    EXPECT_EQ(result.status().code(), StatusCode::kConfig);
    EXPECT_EQ(result.status().message(), c.message);
    EXPECT_EQ(error.option_index, 1);
  }
}

TEST(ValidateOptionsTest, MissingRequiredOption) {
  std::vector<OptionSpec> specs = {
      {.name = "path", .type = OptionType::kString, .required = true},
      {.name = "format", .type = OptionType::kEnum, .default_value = "json", .allowed = {"json"}},
  };
  OptionError error;
  error.option_index = 7;
  auto result = ValidateOptions(specs, {{"format", "JSON"}}, "connector 'files' (sink)", &error);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kConfig);
  EXPECT_EQ(result.status().message(),
            "missing required option 'path' for connector 'files' (sink)");
  EXPECT_EQ(error.option_index, -1);

  ASSERT_OK_AND_ASSIGN(OptionSet set,
                       ValidateOptions(specs, {{"PATH", "/tmp/x"}}, "connector 'files'", nullptr));
  EXPECT_EQ(set.GetString("path"), "/tmp/x");
  EXPECT_EQ(set.GetString("format"), "json");
}

TEST(ValidateOptionsTest, NoSpecsMeansNoOptions) {
  auto result = ValidateOptions({}, {{"x", "1"}}, "connector 'console' (sink)", nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "unknown option 'x' for connector 'console' (sink); it takes no options");
}

TEST(OptionTypeNameTest, Names) {
  EXPECT_EQ(OptionTypeName(OptionType::kDuration), "duration");
  EXPECT_EQ(OptionTypeName(OptionType::kList), "list");
  EXPECT_EQ(OptionTypeName(OptionType::kEnum), "enum");
}

}  // namespace
}  // namespace sluice
