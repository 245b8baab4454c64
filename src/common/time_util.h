// Time and size parsing/formatting. Timestamps are microseconds since the Unix epoch, UTC;
// dates are days since the Unix epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice {

/// "10 seconds", "10s", "500 ms", "1 minute", "2h", "1 day", "0" -> microseconds.
Result<int64_t> ParseDurationMicros(std::string_view text);
/// "128MB", "64 KiB", "1g", "1000" -> bytes (K/M/G/T are powers of 1024, as in Spark's sizes).
Result<int64_t> ParseByteSize(std::string_view text);

/// ISO-8601 with a 'Z': "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123456Z" (trailing zeros cut).
std::string FormatTimestampIso(int64_t micros);
/// SQL style used by the console and test output: "2024-05-01 12:00:00" or "... 12:00:00.123".
std::string FormatTimestampSql(int64_t micros);
/// "2024-05-01".
std::string FormatDate(int32_t days);

/// Accepts "YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][Z|(+|-)HH[:MM]]"; without an offset, UTC.
/// Fractions beyond microseconds are truncated.
std::optional<int64_t> ParseTimestampMicros(std::string_view text);
/// "YYYY-MM-DD".
std::optional<int32_t> ParseDate(std::string_view text);

/// Days since epoch for a civil date (proleptic Gregorian).
int32_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};
CivilDate CivilFromDays(int64_t days);

/// Floor division for timestamp arithmetic on negative values.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace sluice
