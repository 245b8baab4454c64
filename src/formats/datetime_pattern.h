// Spark/Java datetime patterns (`timestampFormat`, `dateFormat`) compiled once and matched
// without allocation: yyyy yy y (year), MM M (month), MMM MMMM (month names), dd d, HH H, hh h,
// mm m, ss s, S... (fraction, up to 9 digits, truncated to micros), a (AM/PM), XXX XX X (offset or
// Z), xxx xx x, Z (+HHMM), EEE EEEE (day names, checked for shape only), 'literal' and '' (a
// quote), [optional sections]. Other letters are a Config error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice {

class DateTimePattern {
 public:
  DateTimePattern() = default;
  static Result<DateTimePattern> Compile(std::string_view pattern);

  /// Microseconds since the epoch (UTC; a parsed offset is applied), or nullopt when `text` does
  /// not match the whole pattern or names an impossible date/time.
  std::optional<int64_t> ParseTimestampMicros(std::string_view text) const;
  /// Days since the epoch (time fields, if any, are ignored; an offset is not applied).
  std::optional<int32_t> ParseDate(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }
  bool empty() const { return tokens_.empty(); }

 private:
  enum class Kind : uint8_t {
    kLiteral,
    kYear,
    kMonth,
    kMonthName,
    kDay,
    kDayName,
    kHour24,
    kHour12,
    kMinute,
    kSecond,
    kFraction,
    kAmPm,
    kOffsetX,  // Z or +HH[:MM]
    kOffsetx,  // +HH[:MM]
    kOffsetZ,  // +HHMM
    kOptionalStart,
    kOptionalEnd,
  };
  struct Token {
    Kind kind;
    int width = 0;        // letter count
    std::string literal;  // kLiteral
    int match = -1;       // kOptionalStart: index of its kOptionalEnd
  };
  struct Fields {
    int64_t year = 1970;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int64_t micros = 0;
    int offset_seconds = 0;
    int pm = -1;  // -1 none, 0 AM, 1 PM
    bool hour12 = false;
  };

  /// Matches tokens [begin, end) then the rest of the pattern from `end` (for optional sections).
  bool Match(size_t index, std::string_view text, size_t pos, Fields* fields) const;
  std::optional<Fields> ParseFields(std::string_view text) const;

  std::string pattern_;
  std::vector<Token> tokens_;
};

}  // namespace sluice
