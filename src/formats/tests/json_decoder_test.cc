// JSON decoding into declared schemas: field matching, coercions, time, nesting, and every
// bad-record path under each mode.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "columnar/value.h"
#include "formats/decode.h"
#include "formats/json_decoder.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

SchemaRef Clicks() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"id", Int64Type(), true},
      {"price", DoubleType(), true},
      {"device", StructType({{"os", StringType(), true}, {"v", Int32Type(), true}}), true},
      {"tags", ListType(StringType()), true},
      {"ts", TimestampType(), true},
      {"_corrupt_record", StringType(), true},
  });
}

struct Decoded {
  std::string rows;
  std::vector<DecodeIssue> issues;
  Status status;
};

Decoded DecodeLines(const SchemaRef& schema, const std::string& text, DecodeOptions options = {}) {
  Decoded out;
  auto decoder = MakeDecoder(DecodeFormat::kJson, schema, options);
  EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
  out.status = (*decoder)->DecodeText(text);
  auto batch = (*decoder)->Finish();
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  out.rows = BatchToRowsText(*batch);
  out.issues = (*decoder)->TakeIssues();
  return out;
}

TEST(JsonDecoder, FieldsInAnyOrderMissingNullUnknownIgnored) {
  auto d = DecodeLines(
      Clicks(),
      R"({"tags":["a","b"],"price":2.5,"id":7,"extra":{"x":[1,2]},"device":{"v":3,"os":"ios"}})"
      "\n"
      R"({"id":8})"
      "\n");
  ASSERT_OK(d.status);
  EXPECT_EQ(d.rows,
            "7|2.5|{os: ios, v: 3}|[a, b]|NULL|NULL\n"
            "8|NULL|NULL|NULL|NULL|NULL\n");
  EXPECT_TRUE(d.issues.empty());
}

TEST(JsonDecoder, ExactCoercions) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"i", Int32Type(), true},
                                                            {"b", Int64Type(), true},
                                                            {"d", DoubleType(), true},
                                                            {"s", StringType(), true},
                                                            {"f", BooleanType(), true}});
  auto d = DecodeLines(schema,
                       R"({"i":1.0,"b":1e3,"d":3,"s":{"a": [1, 2]},"f":true})"
                       "\n"
                       R"({"i":-2147483648,"b":-9223372036854775808,"d":"NaN","s":12.50,"f":false})"
                       "\n"
                       R"({"d":"-Infinity","s":[1,"x"],"s2":1})"
                       "\n");
  ASSERT_OK(d.status);
  EXPECT_EQ(d.rows,
            "1|1000|3.0|{\"a\": [1, 2]}|true\n"
            "-2147483648|-9223372036854775808|NaN|12.50|false\n"
            "NULL|NULL|-Infinity|[1,\"x\"]|NULL\n");
  EXPECT_TRUE(d.issues.empty());
}

TEST(JsonDecoder, RejectedCoercionsHavePreciseReasons) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"i", Int32Type(), true},
                                                            {"b", Int64Type(), true},
                                                            {"d", DoubleType(), true},
                                                            {"f", BooleanType(), true}});
  auto d = DecodeLines(schema, R"({"i":2147483648})"
                               "\n"
                               R"({"b":1.5})"
                               "\n"
                               R"({"d":"abc"})"
                               "\n"
                               R"({"b":"12"})"
                               "\n"
                               R"({"f":1})"
                               "\n"
                               R"({"b":18446744073709551615})"
                               "\n"
                               R"({"d":9007199254740993})"
                               "\n"
                               R"({"d":1e400})"
                               "\n"
                               R"({"b":123456789012345678901234567890})"
                               "\n");
  ASSERT_OK(d.status);
  ASSERT_EQ(d.issues.size(), 9u);
  EXPECT_EQ(d.issues[0].reason, "field 'i': number 2147483648 out of range for INT");
  EXPECT_EQ(d.issues[0].kind, bad_reason::kOutOfRange);
  EXPECT_EQ(d.issues[1].reason, "field 'b': expected BIGINT, got number 1.5 (not an integer)");
  EXPECT_EQ(d.issues[2].reason, "field 'd': expected DOUBLE, got string \"abc\"");
  EXPECT_EQ(d.issues[2].kind, bad_reason::kTypeMismatch);
  EXPECT_EQ(d.issues[3].reason, "field 'b': expected BIGINT, got string \"12\"");
  EXPECT_EQ(d.issues[4].reason, "field 'f': expected BOOLEAN, got number 1");
  EXPECT_EQ(d.issues[5].reason, "field 'b': number 18446744073709551615 out of range for BIGINT");
  EXPECT_EQ(d.issues[6].reason,
            "field 'd': number 9007199254740993 is not exactly representable as DOUBLE");
  EXPECT_EQ(d.issues[7].kind, bad_reason::kOutOfRange);
  EXPECT_EQ(d.issues[8].kind, bad_reason::kOutOfRange);
  EXPECT_EQ(d.issues[0].line, 1);
  EXPECT_EQ(d.issues[8].line, 9);
  // PERMISSIVE: every row kept, the bad field NULL.
  EXPECT_EQ(d.rows.substr(0, 24), "NULL|NULL|NULL|NULL\nNULL");
}

TEST(JsonDecoder, NestedErrorsNameThePathAndKeepOtherFields) {
  auto d = DecodeLines(Clicks(), R"({"id":2,"tags":["a",3,{"k":1}]})"
                                 "\n");
  ASSERT_OK(d.status);
  ASSERT_EQ(d.issues.size(), 0u)
      << d.issues[0].reason;  // numbers/objects in ARRAY<STRING> keep text
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"id", Int64Type(), true},
                         {"a", ListType(StructType({{"x", Int64Type(), true}})), true},
                         {"_corrupt_record", StringType(), true}});
  d = DecodeLines(schema, R"({"id":1,"a":[{"x":1},{"x":"no"}]})"
                          "\n");
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].reason, "field 'a[1].x': expected BIGINT, got string \"no\"");
  EXPECT_EQ(d.rows, "1|NULL|{\"id\":1,\"a\":[{\"x\":1},{\"x\":\"no\"}]}\n");
}

TEST(JsonDecoder, StructMismatchReason) {
  auto d = DecodeLines(Clicks(), R"({"id":1,"device":{"os":"ios","v":"x"}})"
                                 "\n");
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].reason, "field 'device.v': expected INT, got string \"x\"");
  EXPECT_EQ(d.rows, "1|NULL|NULL|NULL|NULL|{\"id\":1,\"device\":{\"os\":\"ios\",\"v\":\"x\"}}\n");
}

TEST(JsonDecoder, Timestamps) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"ts", TimestampType(), true}, {"d", DateType(), true}});
  auto d = DecodeLines(schema, R"({"ts":"2024-05-01T12:00:00Z","d":"2024-05-01"})"
                               "\n"
                               R"({"ts":"2024-05-01T14:00:00.123456789+02:00"})"
                               "\n"
                               R"({"ts":1714564800,"d":1714564800})"
                               "\n"
                               R"({"ts":1714564800.5})"
                               "\n"
                               R"({"ts":"yesterday"})"
                               "\n");
  EXPECT_EQ(d.rows,
            "2024-05-01 12:00:00|2024-05-01\n"
            "2024-05-01 12:00:00.123456|NULL\n"
            "2024-05-01 12:00:00|2024-05-01\n"
            "2024-05-01 12:00:00.5|NULL\n"
            "NULL|NULL\n");
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].reason,
            "field 'ts': cannot parse \"yesterday\" as TIMESTAMP (expected ISO-8601)");

  DecodeOptions millis;
  millis.epoch_unit = EpochUnit::kMillis;
  millis.timestamp_format = "dd/MM/yyyy HH:mm[:ss][.SSS]";
  millis.date_format = "MMM d, yyyy";
  d = DecodeLines(schema,
                  R"({"ts":1714564800123,"d":"May 1, 2024"})"
                  "\n"
                  R"({"ts":"01/05/2024 12:00:07.250"})"
                  "\n"
                  R"({"ts":"01/05/2024 12:00"})"
                  "\n",
                  millis);
  EXPECT_EQ(d.rows,
            "2024-05-01 12:00:00.123|2024-05-01\n"
            "2024-05-01 12:00:07.25|NULL\n"
            "2024-05-01 12:00:00|NULL\n");
  EXPECT_TRUE(d.issues.empty());
}

TEST(JsonDecoder, MalformedRecords) {
  auto d = DecodeLines(Clicks(),
                       "{\"id\":1,\"price\":\n"      // truncated
                       "[1,2]\n"                     // top-level array
                       "42\n"                        // top-level scalar
                       "{\"id\":1} trailing\n"       // trailing garbage
                       "{\"id\":1,\"id\":2}\n"       // duplicate key
                       "{\"id\":NaN}\n"              // NaN literal
                       "\xEF\xBB\xBF{\"id\":5}\r\n"  // BOM + CRLF
                       "\n"                          // empty line (skipped)
                       "{\"tags\":[\"\xff\"]}\n"     // invalid UTF-8
                       "{\"id\":6}\n"
                       "{\"id\":7} {\"id\":8}\n"
                       "{\"id\":9}");  // no final newline
  ASSERT_OK(d.status);
  ASSERT_EQ(d.issues.size(), 8u);
  EXPECT_EQ(d.issues[7].reason, "malformed JSON: trailing content after the object");
  EXPECT_EQ(d.issues[0].kind, bad_reason::kMalformedJson);
  EXPECT_EQ(d.issues[1].reason, "expected a JSON object, got array");
  EXPECT_EQ(d.issues[2].reason, "expected a JSON object, got number");
  EXPECT_EQ(d.issues[3].kind, bad_reason::kMalformedJson);
  EXPECT_EQ(d.issues[4].reason, "field 'id': duplicate key");
  // NaN is a number (Spark's allowNonNumericNumbers), but not a BIGINT.
  EXPECT_EQ(d.issues[5].reason, "field 'id': expected BIGINT, got number NaN");
  EXPECT_EQ(d.issues[5].kind, bad_reason::kTypeMismatch);
  EXPECT_EQ(d.issues[6].kind, bad_reason::kInvalidUtf8);
  EXPECT_EQ(d.issues[6].line, 9);
  EXPECT_EQ(d.issues[0].raw, "{\"id\":1,\"price\":");
  EXPECT_EQ(d.rows,
            "NULL|NULL|NULL|NULL|NULL|{\"id\":1,\"price\":\n"
            "NULL|NULL|NULL|NULL|NULL|[1,2]\n"
            "NULL|NULL|NULL|NULL|NULL|42\n"
            "NULL|NULL|NULL|NULL|NULL|{\"id\":1} trailing\n"
            "NULL|NULL|NULL|NULL|NULL|{\"id\":1,\"id\":2}\n"
            "NULL|NULL|NULL|NULL|NULL|{\"id\":NaN}\n"
            "5|NULL|NULL|NULL|NULL|NULL\n"
            "NULL|NULL|NULL|NULL|NULL|{\"tags\":[\"\xEF\xBF\xBD\"]}\n"
            "6|NULL|NULL|NULL|NULL|NULL\n"
            "NULL|NULL|NULL|NULL|NULL|{\"id\":7} {\"id\":8}\n"
            "9|NULL|NULL|NULL|NULL|NULL\n");
}

TEST(JsonDecoder, DeepNestingAndHugeInputsDoNotCrash) {
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  std::string deep_object = "{\"id\":1,\"x\":" + deep + "}";
  std::string deep_field = "{\"device\":" + deep + "}";
  auto d = DecodeLines(Clicks(), deep + "\n" + deep_object + "\n" + deep_field + "\n");
  ASSERT_OK(d.status);
  // A deep value under an unknown key is skipped (valid JSON); deep values where the schema
  // expects something else are bad records.
  ASSERT_EQ(d.issues.size(), 2u);
  EXPECT_EQ(d.issues[0].reason, "expected a JSON object, got array");
  EXPECT_EQ(d.issues[1].reason, "field 'device': expected STRUCT<os: STRING, v: INT>, got array");
  EXPECT_EQ(d.rows.substr(d.rows.find('\n') + 1, 27), "1|NULL|NULL|NULL|NULL|NULL\n");
}

TEST(JsonDecoder, Modes) {
  const std::string input = "{\"id\":1}\n{\"id\":\"x\"}\n{\"id\":3}\n";
  DecodeOptions drop;
  drop.mode = DecodeMode::kDropMalformed;
  auto d = DecodeLines(Clicks(), input, drop);
  ASSERT_OK(d.status);
  EXPECT_EQ(d.rows, "1|NULL|NULL|NULL|NULL|NULL\n3|NULL|NULL|NULL|NULL|NULL\n");
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_TRUE(d.issues[0].dropped);
  EXPECT_EQ(d.issues[0].line, 2);

  DecodeOptions fail;
  fail.mode = DecodeMode::kFailFast;
  d = DecodeLines(Clicks(), input, fail);
  EXPECT_EQ(d.status.code(), StatusCode::kDecode);
  EXPECT_EQ(d.status.message(), "field 'id': expected BIGINT, got string \"x\"");
  EXPECT_EQ(d.rows, "1|NULL|NULL|NULL|NULL|NULL\n");
}

TEST(JsonDecoder, RescuedDataColumnKeepsUnknownFields) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"id", Int64Type(), true}, {"_rescued", StringType(), true}});
  DecodeOptions options;
  options.rescued_data_column = "_rescued";
  auto d = DecodeLines(schema, "{\"id\":1,\"a\":\"x\",\"b\":{\"c\":[1]}}\n{\"id\":2}\n", options);
  EXPECT_EQ(d.rows, "1|{\"a\":\"x\",\"b\":{\"c\":[1]}}\n2|NULL\n");
}

TEST(JsonDecoder, PayloadsAndCaseInsensitiveAndEscapedKeys) {
  ASSERT_OK_AND_ASSIGN(auto decoder, MakeDecoder(DecodeFormat::kJson, Clicks(), {}));
  std::vector<std::string_view> payloads = {R"({"ID":1})", R"({"pr\u0069ce":2})", "", "  "};
  ASSERT_OK(decoder->DecodeRecords(payloads, 100));
  auto batch = *decoder->Finish();
  EXPECT_EQ(BatchToRowsText(batch),
            "1|NULL|NULL|NULL|NULL|NULL\nNULL|2.0|NULL|NULL|NULL|NULL\n"
            "NULL|NULL|NULL|NULL|NULL|\nNULL|NULL|NULL|NULL|NULL|  \n");
  auto issues = decoder->TakeIssues();
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].record_index, 102);
  EXPECT_EQ(issues[0].kind, bad_reason::kEmptyRecord);
}

// Found by json_decoder_fuzz: a payload starting with a UTF-8 BOM made the unknown (0) capacity
// of DecodeRecords wrap around, so simdjson read past the payload.
TEST(JsonDecoder, PayloadWithBomIsCopiedAndPadded) {
  ASSERT_OK_AND_ASSIGN(auto decoder, MakeDecoder(DecodeFormat::kJson, Clicks(), {}));
  // Heap copies of exactly the payload's bytes, so ASan sees any read past them.
  std::string good("\xEF\xBB\xBF{\"id\":7}");
  std::string bad("\xEF\xBB\xBF{\"id\":8,\"ts\":17)0");
  auto good_copy = std::make_unique<char[]>(good.size());
  auto bad_copy = std::make_unique<char[]>(bad.size());
  std::memcpy(good_copy.get(), good.data(), good.size());
  std::memcpy(bad_copy.get(), bad.data(), bad.size());
  std::vector<std::string_view> payloads = {{good_copy.get(), good.size()},
                                            {bad_copy.get(), bad.size()}};
  ASSERT_OK(decoder->DecodeRecords(payloads, 0));
  ASSERT_OK_AND_ASSIGN(Batch batch, decoder->Finish());
  ASSERT_EQ(batch.num_rows(), 2);
  EXPECT_EQ(Value::FromColumn(*batch.column(0), 0).ToString(), "7");
  EXPECT_EQ(decoder->TakeIssues().size(), 1u);
}

TEST(JsonDecoder, NotNullAndConfigErrors) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"id", Int64Type(), false}});
  auto d = DecodeLines(schema, "{\"id\":null}\n{}\n");
  ASSERT_EQ(d.issues.size(), 2u);
  EXPECT_EQ(d.issues[0].reason, "field 'id': NULL in a NOT NULL column");
  EXPECT_EQ(d.issues[1].reason, "field 'id': missing in a NOT NULL column");

  auto bad = std::make_shared<Schema>(std::vector<Field>{{"_corrupt_record", Int64Type(), true}});
  ASSERT_RAISES(kConfig, "must be STRING", MakeDecoder(DecodeFormat::kJson, bad, {}).status());
  DecodeOptions options;
  options.timestamp_format = "yyyy-MM-dd Q";
  ASSERT_RAISES(kConfig, "unsupported letter 'Q'",
                MakeDecoder(DecodeFormat::kJson, Clicks(), options).status());
}

TEST(JsonDecoder, NonNumericNumbers) {
  // Spark's allowNonNumericNumbers (on by default): NaN, Infinity, -Infinity, +INF, ... are
  // numbers: DOUBLE values, their text in a STRING column, a mismatch for other types.
  auto schema =
      std::make_shared<Schema>(std::vector<Field>{{"d", DoubleType(), true},
                                                  {"s", StringType(), true},
                                                  {"a", ListType(DoubleType()), true},
                                                  {"i", Int32Type(), true},
                                                  {"_rescued", StringType(), true},
                                                  {"_corrupt_record", StringType(), true}});
  DecodeOptions options;
  options.rescued_data_column = "_rescued";
  auto d = DecodeLines(schema,
                       "{\"d\":NaN,\"s\":Infinity,\"a\":[-Infinity,+INF,1.5,-Inf, NaN ]}\n"
                       "{\"d\":-INF,\"x\":+Infinity}\n"
                       "{\"i\":NaN}\n"
                       "{\"i\":-Infinity}\n"
                       "{\"d\":NaNa}\n"
                       "{\"d\":nan}\n"
                       "{\"d\":NaN\"x\"}\n"
                       "NaN\n"
                       "{\"d\":\"Infinity\"}\n",
                       options);
  ASSERT_OK(d.status);
  EXPECT_EQ(d.rows,
            "NaN|Infinity|[-Infinity, Infinity, 1.5, -Infinity, NaN]|NULL|NULL|NULL\n"
            "-Infinity|NULL|NULL|NULL|{\"x\":+Infinity}|NULL\n"
            "NULL|NULL|NULL|NULL|NULL|{\"i\":NaN}\n"
            "NULL|NULL|NULL|NULL|NULL|{\"i\":-Infinity}\n"
            "NULL|NULL|NULL|NULL|NULL|{\"d\":NaNa}\n"
            "NULL|NULL|NULL|NULL|NULL|{\"d\":nan}\n"
            "NULL|NULL|NULL|NULL|NULL|{\"d\":NaN\"x\"}\n"
            "NULL|NULL|NULL|NULL|NULL|NaN\n"
            "Infinity|NULL|NULL|NULL|NULL|NULL\n");
  ASSERT_EQ(d.issues.size(), 6u);
  EXPECT_EQ(d.issues[0].reason, "field 'i': expected INT, got number NaN");
  EXPECT_EQ(d.issues[0].kind, bad_reason::kTypeMismatch);
  EXPECT_EQ(d.issues[1].reason, "field 'i': expected INT, got number -Infinity");
  EXPECT_EQ(d.issues[2].kind, bad_reason::kMalformedJson);
  EXPECT_EQ(d.issues[3].kind, bad_reason::kMalformedJson);
  EXPECT_EQ(d.issues[4].kind, bad_reason::kMalformedJson);
  EXPECT_EQ(d.issues[5].reason, "expected a JSON object, got number");
  EXPECT_EQ(d.issues[5].kind, bad_reason::kNotAnObject);
}

TEST(JsonDecoder, IsoTimestampLayouts) {
  // The fixed-layout fast path and the general parser agree; invalid dates stay invalid.
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"ts", TimestampType(), true}});
  auto d = DecodeLines(schema, R"({"ts":"2024-02-29T23:59:59.999999999Z"})"
                               "\n"
                               R"({"ts":"2024-02-29 00:00:00.5"})"
                               "\n"
                               R"({"ts":"2024-02-29t01:02:03z"})"
                               "\n"
                               R"({"ts":"1969-12-31T23:59:59.000001Z"})"
                               "\n"
                               R"({"ts":"2024-03-01T00:00:00.1Z"})"
                               "\n"
                               R"({"ts":"2023-02-29T00:00:00Z"})"
                               "\n"
                               R"({"ts":"2024-01-01T24:00:00Z"})"
                               "\n"
                               R"({"ts":"2024-01-01T00:00:00.Z"})"
                               "\n"
                               R"({"ts":"2024-01-01T00:00:00ZZ"})"
                               "\n"
                               R"({"ts":"2024-01-01T00:00"})"
                               "\n"
                               R"({"ts":" 2024-01-01T00:00:00Z "})"
                               "\n");
  EXPECT_EQ(d.rows,
            "2024-02-29 23:59:59.999999\n"
            "2024-02-29 00:00:00.5\n"
            "2024-02-29 01:02:03\n"
            "1969-12-31 23:59:59.000001\n"
            "2024-03-01 00:00:00.1\n"
            "NULL\nNULL\nNULL\nNULL\n"
            "2024-01-01 00:00:00\n"
            "2024-01-01 00:00:00\n");
  EXPECT_EQ(d.issues.size(), 4u);
}

// ---- The fast path (DOM tape) against the exact path (On-Demand) ----------------------------

/// JSON lines mixing good records (most) with every kind of trouble, from a seed.
std::string RandomJsonLines(uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](const std::vector<std::string>& options) -> const std::string& {
    return options[rng() % options.size()];
  };
  const std::vector<std::string> keys = {"id",  "price", "device",         "tags",        "ts",
                                         "ID",  "Price", "extra",          "pr\\u0069ce", "n",
                                         "day", "ok",    "_corrupt_record"};
  const std::vector<std::string> values = {"1",
                                           "-7",
                                           "0",
                                           "-0",
                                           "2147483648",
                                           "9007199254740993",
                                           "9223372036854775807",
                                           "-9223372036854775808",
                                           "18446744073709551615",
                                           "123456789012345678901234567890",
                                           "1.5",
                                           "-0.0",
                                           "1e3",
                                           "1.0",
                                           "2.5e-3",
                                           "1e400",
                                           "\"abc\"",
                                           "\"NaN\"",
                                           "\"-Infinity\"",
                                           "\"\"",
                                           "\"2024-05-01T12:00:00Z\"",
                                           "\"2024-05-01T12:00:00.123456789+02:00\"",
                                           "\"2024-02-30T00:00:00Z\"",
                                           "\"2024-05-01\"",
                                           "\"2024-05-01T12:00:00.5Z\"",
                                           "\"a\\\"b\\n\\u00e9\\ud83d\\ude00\"",
                                           "\"caf\xc3\xa9\"",
                                           "\"\xff\"",
                                           "null",
                                           "true",
                                           "false",
                                           "{\"os\":\"ios\",\"v\":3}",
                                           "{\"v\":\"x\"}",
                                           "{\"os\":null,\"os\":\"a\"}",
                                           "{\"OS\":\"x\",\"q\":[1,{}]}",
                                           "[\"a\",\"b\"]",
                                           "[1,2.5,\"c\"]",
                                           "[]",
                                           "[null]",
                                           "[[1],[2,3]]",
                                           "{}",
                                           "NaN",
                                           "-Infinity",
                                           "+INF",
                                           "nul",
                                           "tru",
                                           "1714564800",
                                           "1714564800.5",
                                           "01",
                                           "1.",
                                           "-"};
  std::string out;
  for (int r = 0; r < count; ++r) {
    std::string record;
    const uint64_t shape = rng() % 100;
    if (shape < 70) {
      // A record of the declared shape, fields in the usual order, values of the right type.
      record = "{\"id\":" + std::to_string(rng() % 100000) +
               ",\"price\":" + std::to_string(rng() % 1000) + "." + std::to_string(rng() % 100) +
               ",\"device\":{\"os\":\"" + pick({"ios", "android"}) +
               "\",\"v\":" + std::to_string(rng() % 10) + "},\"tags\":[\"" +
               pick({"a", "b", "sale"}) + "\"],\"ts\":\"2024-05-0" + std::to_string(1 + rng() % 9) +
               "T12:34:56." + std::to_string(rng() % 1000) +
               "Z\",\"n\":" + std::to_string(rng() % 50) + "}";
    } else {
      record = "{";
      const int fields = static_cast<int>(rng() % 6);
      for (int f = 0; f < fields; ++f) {
        if (f > 0) record += rng() % 20 == 0 ? " , " : ",";
        record += "\"" + pick(keys) + "\":" + pick(values);
      }
      record += "}";
    }
    switch (rng() % 40) {
      case 0:
        record.resize(rng() % (record.size() + 1));  // truncated
        break;
      case 1:
        record += " x";  // trailing garbage
        break;
      case 2:
        record += " " + record;  // two documents on one line
        break;
      case 3:
        record = "  " + record + " \t";
        break;
      case 4:
        record = "\xEF\xBB\xBF" + record;
        break;
      case 5:
        record = pick(values);  // a scalar
        break;
      case 6:
        if (!record.empty()) record[rng() % record.size()] = static_cast<char>(rng() % 256);
        break;
      case 7:
        record += "\r";
        break;
      case 8: {
        const size_t brace = record.find(',');  // across lines
        if (brace != std::string::npos) record.insert(brace + 1, "\n");
        break;
      }
      case 9:
        record = "[" + record + "]";
        break;
      default:
        break;
    }
    out += record;
    out += rng() % 30 == 0 ? "\n\n" : "\n";
  }
  return out;
}

/// "" when equal, else the first line that differs in each.
std::string FirstDifference(const std::string& a, const std::string& b) {
  if (a == b) return "";
  size_t line = 1, start = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()) && a[i] == b[i]; ++i) {
    if (a[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  auto line_at = [start](const std::string& text) {
    return text.substr(start, text.find('\n', start) - start);
  };
  return fmt::format("line {}:\n  fast:  {}\n  exact: {}", line, line_at(a), line_at(b));
}

struct DecodeRun {
  std::string rows;
  std::string issues;
  std::string status;
  int64_t fast_records = 0;
};

DecodeRun RunDecoder(const SchemaRef& schema, const DecodeOptions& options, bool fast,
                     const std::string& text, bool as_payloads) {
  DecodeRun run;
  auto made = JsonDecoder::Make(schema, options);
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  if (!made.ok()) return run;
  std::unique_ptr<JsonDecoder> decoder = std::move(*made);
  decoder->set_fast_path(fast);
  Status status;
  if (as_payloads) {
    // Each line as a payload of its own (a heap copy of exactly its bytes, like a Kafka value).
    std::vector<std::unique_ptr<char[]>> copies;
    std::vector<std::string_view> payloads;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      copies.push_back(std::make_unique<char[]>(end - pos + 1));
      std::memcpy(copies.back().get(), text.data() + pos, end - pos);
      payloads.emplace_back(copies.back().get(), end - pos);
      pos = end + 1;
    }
    status = decoder->DecodeRecords(payloads, 1000);
  } else {
    status = decoder->DecodeText(text);
  }
  run.status = status.ToString();
  auto batch = decoder->Finish();
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  if (batch.ok()) run.rows = BatchToRowsText(*batch);
  for (const DecodeIssue& issue : decoder->TakeIssues()) {
    run.issues += fmt::format("{}:{} {} [{}] {} {}\n", issue.record_index, issue.line, issue.kind,
                              issue.reason, issue.dropped, issue.raw);
  }
  run.fast_records = decoder->fast_records();
  return run;
}

TEST(JsonDecoderFastPath, SameRowsAndIssuesAsTheExactPath) {
  const std::vector<SchemaRef> schemas = {
      Clicks(),
      std::make_shared<Schema>(std::vector<Field>{
          {"id", Int64Type(), true},
          {"n", Int32Type(), false},
          {"price", DoubleType(), true},
          {"ok", BooleanType(), true},
          {"ts", TimestampType(), true},
          {"day", DateType(), true},
          {"device", StructType({{"os", StringType(), false}, {"v", Int32Type(), true}}), true},
          {"tags", ListType(StringType()), true},
          {"_rescued", StringType(), true},
      })};
  int64_t fast_records = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const std::string text = RandomJsonLines(seed, 600);
    for (size_t s = 0; s < schemas.size(); ++s) {
      for (DecodeMode mode :
           {DecodeMode::kPermissive, DecodeMode::kDropMalformed, DecodeMode::kFailFast}) {
        DecodeOptions options;
        options.mode = mode;
        if (s == 1) options.rescued_data_column = "_rescued";
        if (seed % 3 == 0) options.epoch_unit = EpochUnit::kMillis;
        for (bool payloads : {false, true}) {
          SCOPED_TRACE(fmt::format("seed {} schema {} mode {} payloads {}", seed, s,
                                   DecodeModeName(mode), payloads));
          DecodeRun exact = RunDecoder(schemas[s], options, false, text, payloads);
          DecodeRun fast = RunDecoder(schemas[s], options, true, text, payloads);
          EXPECT_EQ(fast.status, exact.status);
          EXPECT_EQ(FirstDifference(fast.rows, exact.rows), "");
          EXPECT_EQ(FirstDifference(fast.issues, exact.issues), "");
          EXPECT_EQ(exact.fast_records, 0);
          fast_records += fast.fast_records;
        }
      }
    }
  }
  // The comparison means something only if the fast path took most good records.
  EXPECT_GT(fast_records, 6 * 2 * 2 * 300);
}

TEST(JsonDecoderFastPath, ChunksFallBackOnLinesThatAreNotJsonLines) {
  // Pretty-printed objects, two objects on a line, and good lines around them: the chunked
  // parse must not take a document that is not exactly one line.
  std::string text;
  for (int i = 0; i < 200; ++i) text += "{\"id\":" + std::to_string(i) + "}\n";
  text += "{\"id\":1,\n\"price\":2}\n{\"id\":3} {\"id\":4}\n  {\"id\":5}  \r\n\n";
  for (int i = 0; i < 200; ++i) text += "{\"id\":" + std::to_string(i) + "}\n";
  for (bool payloads : {false, true}) {
    DecodeRun exact = RunDecoder(Clicks(), {}, false, text, payloads);
    DecodeRun fast = RunDecoder(Clicks(), {}, true, text, payloads);
    EXPECT_EQ(FirstDifference(fast.rows, exact.rows), "");
    EXPECT_EQ(FirstDifference(fast.issues, exact.issues), "");
    EXPECT_GE(fast.fast_records, 401);
  }
  DecodeRun run = RunDecoder(Clicks(), {}, true, text, false);
  EXPECT_NE(run.issues.find("202:203 malformed_json [malformed JSON: trailing content"),
            std::string::npos)
      << run.issues;
}

// ---- Projection pushdown (DecodeOptions::used_columns) ---------------------------------------

TEST(JsonDecoderPushdown, UnreadColumnsAreNullAndTheirFieldsSkipped) {
  // Clicks(): id, price, device, tags, ts, _corrupt_record; the query reads id, tags, and the
  // corrupt-record column.
  DecodeOptions options;
  options.used_columns = {true, false, false, true, false, true};
  const std::string text =
      R"({"id":1,"price":2.5,"device":{"os":"ios","v":3},"tags":["a"],"ts":"2024-05-01T00:00:00Z"})"
      "\n"
      // Wrong types, a bad timestamp and a duplicate key, all in unread fields: a good record.
      R"({"id":2,"price":"abc","device":[1],"ts":"yesterday","price":1,"tags":[]})"
      "\n"
      // A wrong type in a read field is still a bad record (the rest of the row kept).
      R"({"id":"x","price":"abc","tags":["b"]})"
      "\n"
      // Malformed JSON is still a bad record, whatever field it is in.
      R"({"id":4,"price":2.5,"tags":["c"])"
      "\n";
  for (bool fast : {true, false}) {
    SCOPED_TRACE(fast ? "fast path" : "exact path");
    DecodeRun run = RunDecoder(Clicks(), options, fast, text, /*as_payloads=*/false);
    EXPECT_EQ(run.status, "OK");
    EXPECT_EQ(run.rows,
              "1|NULL|NULL|[a]|NULL|NULL\n"
              "2|NULL|NULL|[]|NULL|NULL\n"
              "NULL|NULL|NULL|[b]|NULL|{\"id\":\"x\",\"price\":\"abc\",\"tags\":[\"b\"]}\n"
              "NULL|NULL|NULL|NULL|NULL|{\"id\":4,\"price\":2.5,\"tags\":[\"c\"]\n");
    EXPECT_EQ(run.issues,
              "2:3 type_mismatch [field 'id': expected BIGINT, got string \"x\"] false "
              "{\"id\":\"x\",\"price\":\"abc\",\"tags\":[\"b\"]}\n"
              "3:4 malformed_json [malformed JSON: JSON document ended early in the middle of an "
              "object or array.] "
              "false "
              "{\"id\":4,\"price\":2.5,\"tags\":[\"c\"]\n");
  }
  // Without pushdown the same text has three bad records.
  DecodeRun full = RunDecoder(Clicks(), {}, true, text, false);
  EXPECT_NE(full.issues.find("1:2 type_mismatch [field 'price': expected DOUBLE"),
            std::string::npos)
      << full.issues;
  // No column read (SELECT 1 FROM s): every record still parsed, rows counted.
  options.used_columns.assign(6, false);
  DecodeRun none = RunDecoder(Clicks(), options, true, text, false);
  std::string all_null;
  for (int row = 0; row < 4; ++row) all_null += "NULL|NULL|NULL|NULL|NULL|NULL\n";
  EXPECT_EQ(none.rows, all_null);
  EXPECT_EQ(none.issues.find("type_mismatch"), std::string::npos) << none.issues;
  EXPECT_NE(none.issues.find("3:4 malformed_json"), std::string::npos) << none.issues;
  // A wrong number of flags is a programming error, not a crash.
  options.used_columns = {true};
  EXPECT_FALSE(JsonDecoder::Make(Clicks(), options).ok());
}

TEST(JsonDecoderPushdown, NotNullAndRescuedColumnsUnread) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {"id", Int64Type(), true},
      {"n", Int32Type(), false},
      {"_rescued", StringType(), true},
  });
  DecodeOptions options;
  options.rescued_data_column = "_rescued";
  const std::string text = "{\"id\":1,\"other\":2}\n{\"id\":2,\"n\":null}\n";
  // n NOT NULL but unread: missing or null is no longer a bad record; the rescued column unread:
  // unknown fields are skipped, nothing is rescued.
  options.used_columns = {true, false, false};
  for (bool fast : {true, false}) {
    DecodeRun run = RunDecoder(schema, options, fast, text, false);
    EXPECT_EQ(run.rows, "1|NULL|NULL\n2|NULL|NULL\n");
    EXPECT_EQ(run.issues, "");
  }
  // The rescued column read: unknown fields rescued, but not the unread declared field.
  options.used_columns = {true, false, true};
  for (bool fast : {true, false}) {
    DecodeRun run = RunDecoder(schema, options, fast,
                               "{\"id\":1,\"other\":2,\"n\":\"bad\"}\n{\"id\":2,\"N\":3}\n", false);
    EXPECT_EQ(run.rows, "1|NULL|{\"other\":2}\n2|NULL|NULL\n");
    EXPECT_EQ(run.issues, "");
  }
}

/// Column `column` of `batch`, one line per row.
std::vector<std::string> ColumnLines(const Batch& batch, int column) {
  const Field& field = batch.schema()->field(column);
  auto one = Batch::Make(std::make_shared<Schema>(std::vector<Field>{field}),
                         {batch.column(column)}, batch.num_rows());
  EXPECT_TRUE(one.ok());
  std::vector<std::string> lines;
  const std::string text = BatchToRowsText(*one);
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

TEST(JsonDecoderPushdown, RandomLinesSameReadColumnsAsAFullDecode) {
  // Random subsets of read columns over the random (good and broken) lines: the fast and exact
  // paths agree; and every read column holds what a full decode gives it, except in rows that
  // a full decode found bad as a whole (a syntax error inside an unread field's value is not
  // seen: unread fields are skipped like undeclared ones).
  const SchemaRef schema = std::make_shared<Schema>(std::vector<Field>{
      {"id", Int64Type(), true},
      {"n", Int32Type(), false},
      {"price", DoubleType(), true},
      {"ok", BooleanType(), true},
      {"ts", TimestampType(), true},
      {"day", DateType(), true},
      {"device", StructType({{"os", StringType(), false}, {"v", Int32Type(), true}}), true},
      {"tags", ListType(StringType()), true},
      {"_corrupt_record", StringType(), true},
  });
  std::mt19937_64 rng(99);
  int64_t fast_records = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const std::string text = RandomJsonLines(seed, 500);
    DecodeOptions options;
    auto full_decoder = JsonDecoder::Make(schema, options);
    ASSERT_OK((*full_decoder)->DecodeText(text));
    ASSERT_OK_AND_ASSIGN(Batch full, (*full_decoder)->Finish());
    std::vector<bool> whole_record_bad(static_cast<size_t>(full.num_rows()), false);
    for (const DecodeIssue& issue : (*full_decoder)->TakeIssues()) {
      if (issue.kind != bad_reason::kTypeMismatch && issue.kind != bad_reason::kOutOfRange &&
          issue.kind != bad_reason::kInvalidTimestamp && issue.kind != bad_reason::kInvalidDate &&
          issue.kind != bad_reason::kNullInNotNull && issue.kind != bad_reason::kDuplicateKey) {
        whole_record_bad[static_cast<size_t>(issue.record_index)] = true;
      }
    }
    for (int round = 0; round < 4; ++round) {
      options.used_columns.clear();
      for (int i = 0; i < schema->num_fields(); ++i) options.used_columns.push_back(rng() % 2);
      options.used_columns[8] = false;  // the corrupt text differs when fewer records are bad
      SCOPED_TRACE(fmt::format("seed {} round {}", seed, round));
      DecodeRun exact = RunDecoder(schema, options, false, text, false);
      DecodeRun fast = RunDecoder(schema, options, true, text, false);
      EXPECT_EQ(fast.status, exact.status);
      EXPECT_EQ(FirstDifference(fast.rows, exact.rows), "");
      EXPECT_EQ(FirstDifference(fast.issues, exact.issues), "");
      fast_records += fast.fast_records;

      auto decoder = JsonDecoder::Make(schema, options);
      ASSERT_OK((*decoder)->DecodeText(text));
      ASSERT_OK_AND_ASSIGN(Batch pushed, (*decoder)->Finish());
      ASSERT_EQ(pushed.num_rows(), full.num_rows());
      for (int column = 0; column < schema->num_fields(); ++column) {
        std::vector<std::string> got = ColumnLines(pushed, column);
        std::vector<std::string> want = ColumnLines(full, column);
        ASSERT_EQ(got.size(), want.size());
        for (size_t row = 0; row < got.size(); ++row) {
          if (!options.used_columns[static_cast<size_t>(column)]) {
            ASSERT_EQ(got[row], "NULL") << "row " << row << " column " << column;
          } else if (!whole_record_bad[row]) {
            ASSERT_EQ(got[row], want[row]) << "row " << row << " column " << column;
          }
        }
      }
    }
  }
  EXPECT_GT(fast_records, 4 * 4 * 300);
}

TEST(DecodeOptions, FromMap) {
  ASSERT_OK_AND_ASSIGN(auto options, DecodeOptions::FromMap({{"mode", "dropmalformed"},
                                                             {"sep", "\\t"},
                                                             {"header", "true"},
                                                             {"epochUnit", "millis"}}));
  EXPECT_EQ(options.mode, DecodeMode::kDropMalformed);
  EXPECT_EQ(options.sep, '\t');
  EXPECT_TRUE(options.header);
  EXPECT_EQ(options.epoch_unit, EpochUnit::kMillis);
  ASSERT_RAISES(kConfig, "mode must be", DecodeOptions::FromMap({{"mode", "lenient"}}).status());
}

TEST(DecodeOptions, RawRecordJson) {
  std::string out;
  EXPECT_TRUE(AppendRawRecordJson(out, "a\"b"));
  EXPECT_EQ(out, "\"a\\\"b\"");
  out.clear();
  EXPECT_FALSE(AppendRawRecordJson(out, "\xff\xfe"));
  EXPECT_EQ(out, "\"//4=\"");
}

}  // namespace
}  // namespace sluice
