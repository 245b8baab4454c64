#include "exec/date_pattern.h"

#include <gtest/gtest.h>

#include "common/time_util.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

std::string Format(const std::string& pattern, const std::string& timestamp) {
  Result<DatePattern> compiled = DatePattern::Compile(pattern);
  if (!compiled.ok()) return "ERROR " + compiled.status().message();
  std::string out(static_cast<size_t>(compiled->max_length()), '\0');
  out.resize(static_cast<size_t>(compiled->Format(*ParseTimestampMicros(timestamp), out.data())));
  return out;
}

std::string Parse(const std::string& pattern, const std::string& text) {
  Result<DatePattern> compiled = DatePattern::Compile(pattern);
  if (!compiled.ok()) return "ERROR " + compiled.status().message();
  std::optional<int64_t> micros = compiled->Parse(text);
  return micros ? FormatTimestampSql(*micros) : "NULL";
}

TEST(DatePatternTest, FormatsJavaPatterns) {
  EXPECT_EQ(Format("yyyy-MM-dd HH:mm:ss.SSS", "2024-02-29 07:08:09.123456"),
            "2024-02-29 07:08:09.123");
  EXPECT_EQ(Format("yy/M/d h:m:s a", "2024-02-09 17:08:09"), "24/2/9 5:8:9 PM");
  EXPECT_EQ(Format("EEEE, MMMM d, yyyy 'at' HH'h'", "2023-12-31 00:00:00"),
            "Sunday, December 31, 2023 at 00h");
  EXPECT_EQ(Format("EEE MMM D Q SSSSSSSSS", "2024-12-31 00:00:00.5"), "Tue Dec 366 4 500000000");
  EXPECT_EQ(Format("yyyy-MM-dd'T'HH:mm:ssXXX z Z", "1969-12-31 23:59:59"),
            "1969-12-31T23:59:59Z UTC +0000");
  EXPECT_EQ(Format("''yyyy''", "2024-01-01 00:00:00"), "'2024'");
}

TEST(DatePatternTest, FormatsStrftimePatterns) {
  EXPECT_EQ(Format("%Y-%m-%d %H:%M:%S.%f", "2024-02-29 07:08:09.000123"),
            "2024-02-29 07:08:09.000123");
  EXPECT_EQ(Format("%a %A %b %B %j %p %I %-m/%-d %u %w %%", "2024-03-10 13:00:00"),
            "Sun Sunday Mar March 070 PM 01 3/10 7 0 %");
  EXPECT_EQ(Format("%F %T %s", "1970-01-02 00:00:00"), "1970-01-02 00:00:00 86400");
}

TEST(DatePatternTest, RejectsWeekBasedAndUnknownLetters) {
  EXPECT_EQ(Format("YYYY", "2024-01-01 00:00:00").substr(0, 38),
            "ERROR week-based pattern letter 'Y' in");
  EXPECT_EQ(Format("yyyy-MM-dd 'x", "2024-01-01 00:00:00"),
            "ERROR unterminated quote in date pattern 'yyyy-MM-dd 'x'");
  EXPECT_EQ(Format("%Q", "2024-01-01 00:00:00"),
            "ERROR unknown strftime directive '%Q' in date pattern '%Q'");
}

TEST(DatePatternTest, ParsesStrictly) {
  EXPECT_EQ(Parse("yyyy-MM-dd HH:mm:ss", "2024-02-29 23:59:59"), "2024-02-29 23:59:59");
  EXPECT_EQ(Parse("yyyy-MM-dd", "2023-02-29"), "NULL") << "not a leap year";
  EXPECT_EQ(Parse("yyyy-MM-dd", "2024-2-29"), "NULL") << "MM needs two digits";
  EXPECT_EQ(Parse("yyyy-M-d", "2024-2-9"), "2024-02-09 00:00:00");
  EXPECT_EQ(Parse("yyyy-MM-dd", "2024-02-29 "), "NULL") << "the whole text must match";
  EXPECT_EQ(Parse("dd/MM/yyyy hh:mm a", "01/03/2024 12:30 am"), "2024-03-01 00:30:00");
  EXPECT_EQ(Parse("yyyyMMddHHmmss", "20240301123456"), "2024-03-01 12:34:56");
  EXPECT_EQ(Parse("yyyy-MM-dd HH:mm:ss.SSS", "2024-03-01 12:34:56.7"), "2024-03-01 12:34:56.7");
  EXPECT_EQ(Parse("yyyy-MM-dd HH:mmXXX", "2024-03-01 12:00+02:00"), "2024-03-01 10:00:00");
  EXPECT_EQ(Parse("yyyy-MM-dd HH:mm VV", "2024-03-10 02:30 America/New_York"),
            "2024-03-10 07:30:00")
      << "a skipped local time moves forward by the DST gap";
  EXPECT_EQ(Parse("dd MMM yyyy", "05 feb 2024"), "2024-02-05 00:00:00");
  EXPECT_EQ(Parse("%d/%m/%Y %H:%M", "31/12/2023 23:59"), "2023-12-31 23:59:00");
  EXPECT_EQ(Parse("yyyy-MM-dd HH:mm:ss", "2024-01-01 24:00:00"), "NULL");
}

}  // namespace
}  // namespace sluice
