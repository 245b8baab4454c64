#include "common/time_util.h"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "common/strings.h"

namespace sluice {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// Splits "10 seconds" / "10s" into number and unit.
bool SplitNumberUnit(std::string_view text, double* number, std::string* unit) {
  text = Trim(text);
  size_t pos = 0;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) ||
                               text[pos] == '.' || (pos == 0 && text[pos] == '-'))) {
    ++pos;
  }
  auto value = ParseDouble(text.substr(0, pos));
  if (!value) return false;
  *number = *value;
  *unit = ToLower(Trim(text.substr(pos)));
  return true;
}

}  // namespace

Result<int64_t> ParseDurationMicros(std::string_view text) {
  double number = 0;
  std::string unit;
  if (!SplitNumberUnit(text, &number, &unit) || number < 0) {
    return Status::Config("invalid duration '{}': expected e.g. '10 seconds', '500 ms', '1 minute'",
                          text);
  }
  double scale = 0;
  if (unit.empty() || unit == "s" || unit == "sec" || unit == "secs" || unit == "second" ||
      unit == "seconds") {
    scale = 1e6;
  } else if (unit == "ms" || unit == "milli" || unit == "millis" || unit == "millisecond" ||
             unit == "milliseconds") {
    scale = 1e3;
  } else if (unit == "us" || unit == "micros" || unit == "microsecond" || unit == "microseconds") {
    scale = 1;
  } else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" ||
             unit == "minutes") {
    scale = 60e6;
  } else if (unit == "h" || unit == "hour" || unit == "hours") {
    scale = 3600e6;
  } else if (unit == "d" || unit == "day" || unit == "days") {
    scale = 86400e6;
  } else {
    return Status::Config("invalid duration '{}': unknown unit '{}'", text, unit);
  }
  return static_cast<int64_t>(std::llround(number * scale));
}

Result<int64_t> ParseByteSize(std::string_view text) {
  double number = 0;
  std::string unit;
  if (!SplitNumberUnit(text, &number, &unit) || number < 0) {
    return Status::Config("invalid size '{}': expected e.g. '128MB', '64 KiB'", text);
  }
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();
  if (!unit.empty() && unit.back() == 'i') unit.pop_back();
  double scale = 0;
  if (unit.empty()) {
    scale = 1;
  } else if (unit == "k") {
    scale = 1024.0;
  } else if (unit == "m") {
    scale = 1024.0 * 1024;
  } else if (unit == "g") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "t") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return Status::Config("invalid size '{}': unknown unit", text);
  }
  return static_cast<int64_t>(std::llround(number * scale));
}

int32_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Days from civil, proleptic Gregorian (era-based computation).
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int32_t>(era * 146097 + static_cast<int64_t>(doe) - 719468);
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

namespace {

std::string FormatTimestamp(int64_t micros, char sep, bool zulu) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  CivilDate date = CivilFromDays(days);
  int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  std::string out = fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", date.year, date.month,
                                date.day, sep, secs / 3600, (secs / 60) % 60, secs % 60);
  if (frac != 0) {
    std::string digits = fmt::format("{:06}", frac);
    while (digits.back() == '0') digits.pop_back();
    out += '.';
    out += digits;
  }
  if (zulu) out += 'Z';
  return out;
}

bool ReadDigits(std::string_view s, size_t* pos, size_t count, int64_t* value) {
  if (*pos + count > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += count;
  *value = v;
  return true;
}

unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Parses "YYYY-MM-DD" at the start of s; returns days and advances pos.
bool ParseDatePrefix(std::string_view s, size_t* pos, int32_t* days) {
  int64_t year = 0, month = 0, day = 0;
  if (!ReadDigits(s, pos, 4, &year) || *pos >= s.size() || s[*pos] != '-') return false;
  ++*pos;
  if (!ReadDigits(s, pos, 2, &month) || *pos >= s.size() || s[*pos] != '-') return false;
  ++*pos;
  if (!ReadDigits(s, pos, 2, &day)) return false;
  if (month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, static_cast<unsigned>(month))) {
    return false;
  }
  *days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return true;
}

}  // namespace

std::string FormatTimestampIso(int64_t micros) { return FormatTimestamp(micros, 'T', true); }
std::string FormatTimestampSql(int64_t micros) { return FormatTimestamp(micros, ' ', false); }

std::string FormatDate(int32_t days) {
  CivilDate date = CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

std::optional<int32_t> ParseDate(std::string_view text) {
  text = Trim(text);
  size_t pos = 0;
  int32_t days = 0;
  if (!ParseDatePrefix(text, &pos, &days) || pos != text.size()) return std::nullopt;
  return days;
}

std::optional<int64_t> ParseTimestampMicros(std::string_view s) {
  s = Trim(s);
  size_t pos = 0;
  int32_t days = 0;
  if (!ParseDatePrefix(s, &pos, &days)) return std::nullopt;
  int64_t micros = static_cast<int64_t>(days) * kMicrosPerDay;
  if (pos == s.size()) return micros;
  if (s[pos] != 'T' && s[pos] != ' ' && s[pos] != 't') return std::nullopt;
  ++pos;
  int64_t hour = 0, minute = 0, second = 0, frac = 0;
  if (!ReadDigits(s, &pos, 2, &hour) || pos >= s.size() || s[pos] != ':') return std::nullopt;
  ++pos;
  if (!ReadDigits(s, &pos, 2, &minute)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadDigits(s, &pos, 2, &second)) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      size_t digits = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (digits < 6) frac = frac * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (size_t i = digits; i < 6; ++i) frac *= 10;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  micros += ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + frac;
  if (pos == s.size()) return micros;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size() ? std::optional(micros) : std::nullopt;
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  int sign = s[pos] == '+' ? 1 : -1;
  ++pos;
  int64_t off_h = 0, off_m = 0;
  if (!ReadDigits(s, &pos, 2, &off_h)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && !ReadDigits(s, &pos, 2, &off_m)) return std::nullopt;
  if (pos != s.size() || off_h > 18 || off_m > 59) return std::nullopt;
  return micros - sign * (off_h * 3600 + off_m * 60) * kMicrosPerSecond;
}

}  // namespace sluice
