#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/strings.h"
#include "common/time_util.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::Config("{} is odd", x);
  return x / 2;
}

Status UseHalf(int x, int* out) {
  ASSIGN_OR_RETURN(*out, Half(x));
  RETURN_NOT_OK(Status::OK());
  return Status::OK();
}

TEST(StatusTest, CodesMessagesAndMacros) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  Status bad = Status::NotFound("file '{}'", "x.json");
  EXPECT_TRUE(bad.IsNotFound());
  EXPECT_EQ(bad.ToString(), "Not found: file 'x.json'");
  EXPECT_EQ(bad.WithContext("reading").message(), "reading: file 'x.json'");

  int out = 0;
  ASSERT_OK(UseHalf(8, &out));
  EXPECT_EQ(out, 4);
  ASSERT_RAISES(kConfig, "3 is odd", UseHalf(3, &out));
  Result<int> from_ok_status{Status::OK()};
  EXPECT_EQ(from_ok_status.status().code(), StatusCode::kInternal);
}

TEST(StringsTest, CaseSplitTrimSuggest) {
  EXPECT_TRUE(EqualsIgnoreCase("maxOffsetsPerTrigger", "MAXOFFSETSPERTRIGGER"));
  EXPECT_FALSE(EqualsIgnoreCase("a", "ab"));
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(ClosestMatch("prcie", {"price", "qty", "country"}), "price");
  EXPECT_EQ(ClosestMatch("zzzzzz", {"price", "qty"}), std::nullopt);
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("42x"), std::nullopt);
  EXPECT_EQ(ParseInt64(""), std::nullopt);
  EXPECT_EQ(ParseDouble("1.5e3"), 1500.0);
  EXPECT_EQ(ParseBool("TRUE"), true);
  EXPECT_EQ(ParseBool("nope"), std::nullopt);
  std::string json;
  AppendJsonString(json, "a\"b\\c\n\x01é");
  EXPECT_EQ(json, "\"a\\\"b\\\\c\\n\\u0001é\"");
}

TEST(TimeTest, Durations) {
  EXPECT_EQ(*ParseDurationMicros("10 seconds"), 10'000'000);
  EXPECT_EQ(*ParseDurationMicros("500ms"), 500'000);
  EXPECT_EQ(*ParseDurationMicros("1 minute"), 60'000'000);
  EXPECT_EQ(*ParseDurationMicros("2h"), 7'200'000'000);
  EXPECT_EQ(*ParseDurationMicros("0"), 0);
  ASSERT_RAISES(kConfig, "unknown unit", ParseDurationMicros("3 fortnights"));
  ASSERT_RAISES(kConfig, "invalid duration", ParseDurationMicros("soon"));
  EXPECT_EQ(*ParseByteSize("128MB"), 128 * 1024 * 1024);
  EXPECT_EQ(*ParseByteSize("64 KiB"), 64 * 1024);
  EXPECT_EQ(*ParseByteSize("1000"), 1000);
}

TEST(TimeTest, TimestampsRoundTrip) {
  EXPECT_EQ(*ParseTimestampMicros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestampMicros("2024-05-01 12:00:00.123"), 1714564800123000);
  EXPECT_EQ(*ParseTimestampMicros("2024-05-01T14:00:00+02:00"), 1714564800000000);
  EXPECT_EQ(*ParseTimestampMicros("2024-05-01T12:00:00.1234567Z"), 1714564800123456);
  EXPECT_EQ(*ParseTimestampMicros("2024-05-01"), 1714521600000000);
  EXPECT_EQ(ParseTimestampMicros("2024-02-30T00:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseTimestampMicros("2024-05-01T25:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseTimestampMicros("yesterday"), std::nullopt);
  EXPECT_EQ(FormatTimestampIso(1714564800123000), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(FormatTimestampSql(1714564800000000), "2024-05-01 12:00:00");
  EXPECT_EQ(FormatTimestampSql(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(*ParseDate("2000-02-29"), DaysFromCivil(2000, 2, 29));
  EXPECT_EQ(ParseDate("1900-02-29"), std::nullopt);
  for (int64_t days = -800000; days < 800000; days += 997) {
    CivilDate civil = CivilFromDays(days);
    ASSERT_EQ(DaysFromCivil(civil.year, civil.month, civil.day), days);
  }
}

TEST(ClockTest, ManualClockWaitsWithoutSleeping) {
  ManualClock clock(1000);
  EXPECT_TRUE(clock.WaitUntil(5000, nullptr));
  EXPECT_EQ(clock.NowMicros(), 5000);
  EXPECT_FALSE(clock.WaitUntil(9000, [] { return true; }));
  EXPECT_EQ(clock.NowMicros(), 5000);
  int64_t before = SystemClock().NowMicros();
  EXPECT_TRUE(SystemClock().WaitUntil(before + 20000, nullptr));
  EXPECT_GE(SystemClock().NowMicros(), before + 20000);
}

}  // namespace
}  // namespace sluice
