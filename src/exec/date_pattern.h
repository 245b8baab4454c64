// Date/time patterns for date_format, from_unixtime, to_timestamp, unix_timestamp and to_date:
// Spark's Java DateTimeFormatter patterns (`yyyy-MM-dd HH:mm:ss.SSS`) and strftime patterns
// (`%Y-%m-%d %H:%M:%S`, chosen when the pattern contains a '%' directive). A pattern is compiled
// once (at bind time when constant) into tokens; formatting and parsing then run per row without
// allocating. The session time zone is UTC: zone letters print UTC / +0000 / Z.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice {

enum class DateField : uint8_t {
  kLiteral,
  kYear,              // y/yyyy (width = minimum digits), %Y
  kYear2,             // yy, %y
  kMonth,             // M/MM, %m
  kMonthShort,        // MMM, %b
  kMonthFull,         // MMMM, %B
  kDay,               // d/dd, %d
  kDayOfYear,         // D/DDD, %j
  kHour24,            // H/HH, %H
  kHour12,            // h/hh (1-12), %I
  kHour1To24,         // k
  kHour0To11,         // K
  kMinute,            // m/mm, %M
  kSecond,            // s/ss, %S
  kFraction,          // S... (width = digits, up to 9), %f (6), %g (3), %n (9)
  kAmPm,              // a, %p
  kDayNameShort,      // E/EE/EEE, %a
  kDayNameFull,       // EEEE, %A
  kDayOfWeekMonday1,  // %u (1 = Monday)
  kDayOfWeekSunday0,  // %w (0 = Sunday)
  kQuarter,           // Q/QQ
  kZone,          // z, Z, X, x, O, VV, %z, %Z: printed as `literal`; parsed as an offset or zone id
  kEpochSeconds,  // %s
};

struct DateToken {
  DateField field = DateField::kLiteral;
  int width = 0;        // minimum digits for numbers (0 = no padding), exact digits for fractions
  std::string literal;  // kLiteral text; kZone: how UTC prints
};

class DatePattern {
 public:
  /// Compiles `pattern`; Java-style unless it contains a strftime '%' directive. Errors name the
  /// offending letter (Spark 3 rejects week-based letters Y w W u e c as well).
  static Result<DatePattern> Compile(std::string_view pattern);

  /// Upper bound of the formatted length.
  int64_t max_length() const { return max_length_; }
  /// Writes `micros` (UTC) into `out` (at least max_length() bytes); returns the length.
  int64_t Format(int64_t micros, char* out) const;
  /// Parses the whole of `text`; nullopt if it does not match (as Spark's non-ANSI NULL).
  std::optional<int64_t> Parse(std::string_view text) const;

  const std::string& text() const { return text_; }

 private:
  std::vector<DateToken> tokens_;
  std::string text_;
  int64_t max_length_ = 0;
};

}  // namespace sluice
