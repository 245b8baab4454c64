// CSV/TSV and text decoding: Spark's options, quoting, NULLs, field counts, modes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "columnar/value.h"
#include "formats/datetime_pattern.h"
#include "formats/decode.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

SchemaRef People() {
  return std::make_shared<Schema>(std::vector<Field>{{"id", Int32Type(), true},
                                                     {"name", StringType(), true},
                                                     {"score", DoubleType(), true},
                                                     {"born", DateType(), true},
                                                     {"_corrupt_record", StringType(), true}});
}

struct Decoded {
  std::string rows;
  std::vector<DecodeIssue> issues;
  Status status;
};

Decoded Decode(DecodeFormat format, const SchemaRef& schema, std::string_view text,
               DecodeOptions options = {}) {
  Decoded out;
  auto decoder = MakeDecoder(format, schema, options);
  EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
  out.status = (*decoder)->DecodeText(text);
  auto batch = (*decoder)->Finish();
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  out.rows = BatchToRowsText(*batch);
  out.issues = (*decoder)->TakeIssues();
  return out;
}

TEST(CsvDecoder, PushdownSkipsUnreadColumns) {
  // The query reads id and born (and the corrupt-record column): name and score are not
  // converted, so a bad value there is no longer a bad record; field counts and syntax still are.
  DecodeOptions options;
  options.used_columns = {true, false, false, true, true};
  const std::string text =
      "1,alice,1.5,2001-02-03\n"
      "2,\"b\"\"ob\",oops,2002-02-02\n"  // a bad DOUBLE in an unread column
      "x,carol,2.5,2003-03-03\n"         // a bad INT in a read column
      "4,dave\n"                         // too few fields
      "5,\"eve,1,2005-05-05\n";          // unterminated quote
  auto d = Decode(DecodeFormat::kCsv, People(), text, options);
  ASSERT_OK(d.status);
  EXPECT_EQ(d.rows,
            "1|NULL|NULL|2001-02-03|NULL\n"
            "2|NULL|NULL|2002-02-02|NULL\n"
            "NULL|NULL|NULL|2003-03-03|x,carol,2.5,2003-03-03\n"
            "4|NULL|NULL|NULL|4,dave\n"
            "NULL|NULL|NULL|NULL|5,\"eve,1,2005-05-05\n");
  ASSERT_EQ(d.issues.size(), 3u);
  EXPECT_EQ(d.issues[0].kind, bad_reason::kTypeMismatch);
  EXPECT_EQ(d.issues[0].reason, "field 'id': expected INT, got \"x\"");
  EXPECT_EQ(d.issues[1].kind, bad_reason::kFieldCount);
  EXPECT_EQ(d.issues[2].kind, bad_reason::kMalformedCsv);
  // The read columns hold what a full decode gives them.
  auto full = Decode(DecodeFormat::kCsv, People(), text);
  EXPECT_EQ(full.issues.size(), 4u);
  EXPECT_NE(full.rows.find("2|b\"ob|NULL|2002-02-02|"), std::string::npos) << full.rows;
  // DROPMALFORMED with the corrupt-record column unread too.
  options.mode = DecodeMode::kDropMalformed;
  options.used_columns = {false, true, false, false, false};
  auto dropped = Decode(DecodeFormat::kCsv, People(), text, options);
  EXPECT_EQ(dropped.rows,
            "NULL|alice|NULL|NULL|NULL\n"
            "NULL|b\"ob|NULL|NULL|NULL\n"
            "NULL|carol|NULL|NULL|NULL\n");
  EXPECT_EQ(dropped.issues.size(), 2u);
}

TEST(CsvDecoder, HeaderQuotesEscapesNulls) {
  DecodeOptions options;
  options.header = true;
  auto d = Decode(DecodeFormat::kCsv, People(),
                  "\xEF\xBB\xBFid,name,score,born\r\n"
                  "1,alice,1.5,2001-02-03\r\n"
                  "2,\"bob, jr.\",2,\r\n"
                  "\n"
                  "3,\"multi\nline \"\"q\"\" \\\"e\\\"\",-Infinity,2003-01-01\n"
                  "4,,,\n"
                  "5,\"\",1e3,2005-05-05",
                  options);
  ASSERT_OK(d.status);
  EXPECT_EQ(d.rows,
            "1|alice|1.5|2001-02-03|NULL\n"
            "2|bob, jr.|2.0|NULL|NULL\n"
            "3|multi\nline \"q\" \"e\"|-Infinity|2003-01-01|NULL\n"
            "4|NULL|NULL|NULL|NULL\n"
            "5||1000.0|2005-05-05|NULL\n");
  EXPECT_TRUE(d.issues.empty());
}

TEST(CsvDecoder, BadRecordsAndLines) {
  auto d = Decode(DecodeFormat::kCsv, People(),
                  "1,a,x,2001-01-01\n"
                  "2,b\n"
                  "3,c,1,2001-01-01,extra\n"
                  "4,\"d\"x,1,2001-01-01\n"
                  "2147483648,e,1,2001-01-01\n"
                  "6,f,1,01/01/2001\n"
                  "7,\"unterminated,1\n");
  ASSERT_OK(d.status);
  ASSERT_EQ(d.issues.size(), 7u);
  EXPECT_EQ(d.issues[0].reason, "field 'score': expected DOUBLE, got \"x\"");
  EXPECT_EQ(d.issues[0].line, 1);
  EXPECT_EQ(d.issues[1].reason, "expected 4 fields, got 2");
  EXPECT_EQ(d.issues[1].kind, bad_reason::kFieldCount);
  EXPECT_EQ(d.issues[2].reason, "expected 4 fields, got 5");
  EXPECT_EQ(d.issues[3].kind, bad_reason::kMalformedCsv);
  EXPECT_EQ(d.issues[4].reason, "field 'id': number \"2147483648\" out of range for INT");
  EXPECT_EQ(d.issues[5].kind, bad_reason::kInvalidDate);
  EXPECT_EQ(d.issues[6].reason, "unterminated quoted field");
  EXPECT_EQ(d.issues[6].line, 7);
  EXPECT_EQ(d.rows,
            "1|a|NULL|2001-01-01|1,a,x,2001-01-01\n"
            "2|b|NULL|NULL|2,b\n"
            "3|c|1.0|2001-01-01|3,c,1,2001-01-01,extra\n"
            "NULL|NULL|NULL|NULL|4,\"d\"x,1,2001-01-01\n"
            "NULL|e|1.0|2001-01-01|2147483648,e,1,2001-01-01\n"
            "6|f|1.0|NULL|6,f,1,01/01/2001\n"
            "NULL|NULL|NULL|NULL|7,\"unterminated,1\n");
}

TEST(CsvDecoder, TsvNullValueCommentModes) {
  DecodeOptions options;
  options.sep = '\t';
  options.null_value = "\\N";
  options.comment = '#';
  options.mode = DecodeMode::kDropMalformed;
  options.date_format = "dd/MM/yyyy";
  auto d = Decode(DecodeFormat::kCsv, People(),
                  "# a comment\n1\t\\N\t2.5\t03/02/2001\n2\tb\tbad\t\n3\t\"q\"\t1\t01/01/2001\n",
                  options);
  EXPECT_EQ(d.rows, "1|NULL|2.5|2001-02-03|NULL\n3|q|1.0|2001-01-01|NULL\n");
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_TRUE(d.issues[0].dropped);
  EXPECT_EQ(d.issues[0].line, 3);

  options.mode = DecodeMode::kFailFast;
  d = Decode(DecodeFormat::kCsv, People(), "1\tb\tbad\t\n", options);
  EXPECT_EQ(d.status.code(), StatusCode::kDecode);
  EXPECT_EQ(d.status.message(), "field 'score': expected DOUBLE, got \"bad\"");
}

TEST(CsvDecoder, Payloads) {
  ASSERT_OK_AND_ASSIGN(auto decoder, MakeDecoder(DecodeFormat::kCsv, People(), {}));
  std::vector<std::string_view> payloads = {"1,a,1,2001-01-01", "2,b,2,2001-01-01\n3,c,3,"};
  ASSERT_OK(decoder->DecodeRecords(payloads, 10));
  ASSERT_OK_AND_ASSIGN(Batch batch, decoder->Finish());
  EXPECT_EQ(batch.num_rows(), 2);
  auto issues = decoder->TakeIssues();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].record_index, 11);
  EXPECT_EQ(issues[0].reason, "more than one record in the payload");
}

TEST(TextDecoder, LinesCrlfEmptyInvalidUtf8) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"value", StringType(), true}});
  auto d = Decode(DecodeFormat::kText, schema, "a\r\n\nb \xff\nlast");
  EXPECT_EQ(d.rows, "a\n\nNULL\nlast\n");
  ASSERT_EQ(d.issues.size(), 1u);
  EXPECT_EQ(d.issues[0].kind, bad_reason::kInvalidUtf8);
  EXPECT_EQ(d.issues[0].line, 3);
}

TEST(DateTimePattern, SparkPatterns) {
  ASSERT_OK_AND_ASSIGN(auto iso, DateTimePattern::Compile("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]"));
  EXPECT_EQ(iso.ParseTimestampMicros("2024-05-01T12:00:00"), 1714564800000000);
  EXPECT_EQ(iso.ParseTimestampMicros("2024-05-01T12:00:00.5Z"), 1714564800500000);
  EXPECT_EQ(iso.ParseTimestampMicros("2024-05-01T14:00:00+02:00"), 1714564800000000);
  EXPECT_FALSE(iso.ParseTimestampMicros("2024-05-01 12:00:00"));
  EXPECT_FALSE(iso.ParseTimestampMicros("2024-02-30T12:00:00"));
  ASSERT_OK_AND_ASSIGN(auto us, DateTimePattern::Compile("MM/dd/yyyy hh:mm a"));
  EXPECT_EQ(us.ParseTimestampMicros("05/01/2024 12:00 PM"), 1714564800000000);
  EXPECT_EQ(us.ParseTimestampMicros("05/01/2024 12:00 AM"), 1714521600000000);
  ASSERT_OK_AND_ASSIGN(auto compact, DateTimePattern::Compile("yyyyMMddHHmmssZ"));
  EXPECT_EQ(compact.ParseTimestampMicros("20240501140000+0200"), 1714564800000000);
  ASSERT_OK_AND_ASSIGN(auto named, DateTimePattern::Compile("EEE, d MMM yyyy"));
  EXPECT_EQ(named.ParseDate("Wed, 1 May 2024"), 19844);
  ASSERT_RAISES(kConfig, "unbalanced", DateTimePattern::Compile("yyyy[MM").status());
}

}  // namespace
}  // namespace sluice
