// JSON decoding into declared schemas: field matching, coercions, time, nesting, and every
// bad-record path under each mode.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
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
  EXPECT_EQ(d.issues[5].kind, bad_reason::kMalformedJson);
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
