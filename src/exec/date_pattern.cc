#include "exec/date_pattern.h"

#include <absl/time/time.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/strings.h"
#include "common/time_util.h"

namespace sluice {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

constexpr std::string_view kMonthsFull[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
constexpr std::string_view kDaysFull[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }
int DaysInMonth(int64_t year, unsigned month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

DateToken Literal(std::string text) {
  DateToken token;
  token.literal = std::move(text);
  return token;
}
DateToken Field(DateField field, int width = 0) {
  DateToken token;
  token.field = field;
  token.width = width;
  return token;
}
DateToken Zone(std::string printed) {
  DateToken token;
  token.field = DateField::kZone;
  token.literal = std::move(printed);
  return token;
}

Result<std::vector<DateToken>> CompileJava(std::string_view pattern) {
  std::vector<DateToken> tokens;
  for (size_t pos = 0; pos < pattern.size();) {
    char c = pattern[pos];
    if (c == '\'') {
      size_t end = pos + 1;
      std::string text;
      if (end < pattern.size() && pattern[end] == '\'') {
        tokens.push_back(Literal("'"));
        pos += 2;
        continue;
      }
      while (true) {
        if (end >= pattern.size()) {
          return Status::Plan("unterminated quote in date pattern '{}'", pattern);
        }
        if (pattern[end] == '\'') {
          if (end + 1 < pattern.size() && pattern[end + 1] == '\'') {
            text.push_back('\'');
            end += 2;
            continue;
          }
          break;
        }
        text.push_back(pattern[end++]);
      }
      tokens.push_back(Literal(std::move(text)));
      pos = end + 1;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      tokens.push_back(Literal(std::string(1, c)));
      ++pos;
      continue;
    }
    size_t count = 1;
    while (pos + count < pattern.size() && pattern[pos + count] == c) ++count;
    pos += count;
    const int n = static_cast<int>(count);
    switch (c) {
      case 'y':
        tokens.push_back(n == 2 ? Field(DateField::kYear2)
                                : Field(DateField::kYear, n == 1 ? 0 : n));
        break;
      case 'M':
      case 'L':
        if (n > 5) return Status::Plan("too many pattern letters '{}' in '{}'", c, pattern);
        tokens.push_back(n >= 4   ? Field(DateField::kMonthFull)
                         : n == 3 ? Field(DateField::kMonthShort)
                                  : Field(DateField::kMonth, n));
        break;
      case 'd':
        if (n > 2) return Status::Plan("too many pattern letters 'd' in '{}'", pattern);
        tokens.push_back(Field(DateField::kDay, n));
        break;
      case 'D':
        if (n > 3) return Status::Plan("too many pattern letters 'D' in '{}'", pattern);
        tokens.push_back(Field(DateField::kDayOfYear, n));
        break;
      case 'H':
        tokens.push_back(Field(DateField::kHour24, n));
        break;
      case 'h':
        tokens.push_back(Field(DateField::kHour12, n));
        break;
      case 'k':
        tokens.push_back(Field(DateField::kHour1To24, n));
        break;
      case 'K':
        tokens.push_back(Field(DateField::kHour0To11, n));
        break;
      case 'm':
        tokens.push_back(Field(DateField::kMinute, n));
        break;
      case 's':
        tokens.push_back(Field(DateField::kSecond, n));
        break;
      case 'S':
        if (n > 9) return Status::Plan("too many pattern letters 'S' in '{}'", pattern);
        tokens.push_back(Field(DateField::kFraction, n));
        break;
      case 'a':
        tokens.push_back(Field(DateField::kAmPm));
        break;
      case 'E':
        tokens.push_back(n >= 4 ? Field(DateField::kDayNameFull) : Field(DateField::kDayNameShort));
        break;
      case 'Q':
      case 'q':
        tokens.push_back(Field(DateField::kQuarter, n));
        break;
      case 'G':
        tokens.push_back(Literal("AD"));
        break;
      case 'z':
        tokens.push_back(Zone(n >= 4 ? "Coordinated Universal Time" : "UTC"));
        break;
      case 'V':
        tokens.push_back(Zone("UTC"));
        break;
      case 'O':
        tokens.push_back(Zone("GMT"));
        break;
      case 'Z':
        tokens.push_back(Zone(n <= 3 ? "+0000" : n == 4 ? "GMT" : "Z"));
        break;
      case 'X':
        tokens.push_back(Zone("Z"));
        break;
      case 'x':
        tokens.push_back(Zone(n == 1 ? "+00" : n == 2 || n == 4 ? "+0000" : "+00:00"));
        break;
      case 'Y':
      case 'u':
      case 'w':
      case 'W':
      case 'e':
      case 'c':
        return Status::Plan(
            "week-based pattern letter '{}' in '{}' is not supported (as in Spark 3); use "
            "weekofyear() / dayofweek() instead",
            c, pattern);
      default:
        return Status::Plan("unknown pattern letter '{}' in date pattern '{}'", c, pattern);
    }
  }
  return tokens;
}

Result<std::vector<DateToken>> CompileStrftime(std::string_view pattern) {
  std::vector<DateToken> tokens;
  std::string literal;
  auto flush = [&]() {
    if (!literal.empty()) tokens.push_back(Literal(std::move(literal)));
    literal.clear();
  };
  for (size_t pos = 0; pos < pattern.size(); ++pos) {
    char c = pattern[pos];
    if (c != '%' || pos + 1 >= pattern.size()) {
      literal.push_back(c);
      continue;
    }
    char d = pattern[++pos];
    bool no_pad = false;
    if (d == '-' && pos + 1 < pattern.size()) {
      no_pad = true;
      d = pattern[++pos];
    }
    auto pad = [&](int width) { return no_pad ? 0 : width; };
    flush();
    switch (d) {
      case 'Y':
        tokens.push_back(Field(DateField::kYear, pad(4)));
        break;
      case 'y':
        tokens.push_back(Field(DateField::kYear2));
        break;
      case 'm':
        tokens.push_back(Field(DateField::kMonth, pad(2)));
        break;
      case 'd':
        tokens.push_back(Field(DateField::kDay, pad(2)));
        break;
      case 'e':
        tokens.push_back(Field(DateField::kDay, 0));
        break;
      case 'j':
        tokens.push_back(Field(DateField::kDayOfYear, pad(3)));
        break;
      case 'H':
        tokens.push_back(Field(DateField::kHour24, pad(2)));
        break;
      case 'I':
        tokens.push_back(Field(DateField::kHour12, pad(2)));
        break;
      case 'M':
        tokens.push_back(Field(DateField::kMinute, pad(2)));
        break;
      case 'S':
        tokens.push_back(Field(DateField::kSecond, pad(2)));
        break;
      case 'f':
        tokens.push_back(Field(DateField::kFraction, 6));
        break;
      case 'g':
        tokens.push_back(Field(DateField::kFraction, 3));
        break;
      case 'n':
        tokens.push_back(Field(DateField::kFraction, 9));
        break;
      case 'p':
        tokens.push_back(Field(DateField::kAmPm));
        break;
      case 'b':
      case 'h':
        tokens.push_back(Field(DateField::kMonthShort));
        break;
      case 'B':
        tokens.push_back(Field(DateField::kMonthFull));
        break;
      case 'a':
        tokens.push_back(Field(DateField::kDayNameShort));
        break;
      case 'A':
        tokens.push_back(Field(DateField::kDayNameFull));
        break;
      case 'u':
        tokens.push_back(Field(DateField::kDayOfWeekMonday1));
        break;
      case 'w':
        tokens.push_back(Field(DateField::kDayOfWeekSunday0));
        break;
      case 's':
        tokens.push_back(Field(DateField::kEpochSeconds));
        break;
      case 'z':
        tokens.push_back(Zone("+0000"));
        break;
      case 'Z':
        tokens.push_back(Zone("UTC"));
        break;
      case 'F': {
        auto more = CompileStrftime("%Y-%m-%d");
        tokens.insert(tokens.end(), more->begin(), more->end());
        break;
      }
      case 'T': {
        auto more = CompileStrftime("%H:%M:%S");
        tokens.insert(tokens.end(), more->begin(), more->end());
        break;
      }
      case 'D': {
        auto more = CompileStrftime("%m/%d/%y");
        tokens.insert(tokens.end(), more->begin(), more->end());
        break;
      }
      case 'R': {
        auto more = CompileStrftime("%H:%M");
        tokens.insert(tokens.end(), more->begin(), more->end());
        break;
      }
      case '%':
        literal.push_back('%');
        break;
      case 't':
        literal.push_back('\t');
        break;
      default:
        return Status::Plan("unknown strftime directive '%{}' in date pattern '{}'", d, pattern);
    }
  }
  flush();
  return tokens;
}

bool LooksLikeStrftime(std::string_view pattern) {
  for (size_t pos = 0; pos + 1 < pattern.size(); ++pos) {
    if (pattern[pos] != '%') continue;
    char next = pattern[pos + 1];
    if (next == '-' || (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
        next == '%') {
      return true;
    }
  }
  return false;
}

/// Writes `value` with at least `width` digits; returns the new end.
inline char* WriteNumber(char* out, int64_t value, int width) {
  if (value < 0) {
    *out++ = '-';
    value = -value;
  }
  char digits[24];
  int len = 0;
  do {
    digits[len++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int idx = len; idx < width; ++idx) *out++ = '0';
  while (len > 0) *out++ = digits[--len];
  return out;
}

inline char* WriteText(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

bool MatchText(std::string_view text, size_t* pos, std::string_view expected) {
  if (text.size() - *pos < expected.size()) return false;
  if (!EqualsIgnoreCase(text.substr(*pos, expected.size()), expected)) return false;
  *pos += expected.size();
  return true;
}

/// Reads min..max digits.
bool ReadNumber(std::string_view text, size_t* pos, int min_digits, int max_digits,
                int64_t* value) {
  int64_t result = 0;
  int digits = 0;
  while (*pos < text.size() && digits < max_digits && text[*pos] >= '0' && text[*pos] <= '9') {
    result = result * 10 + (text[*pos] - '0');
    ++*pos;
    ++digits;
  }
  if (digits < min_digits) return false;
  *value = result;
  return true;
}

/// An offset or zone in `text` at `pos`: Z, UTC, GMT, +HH[[:]MM], UTC+HH:MM, or a zone id;
/// `zone` is set for a region id (the offset then depends on the local time).
bool ReadZone(std::string_view text, size_t* pos, int64_t* offset_seconds,
              std::optional<absl::TimeZone>* zone) {
  *offset_seconds = 0;
  if (MatchText(text, pos, "Z") &&
      (*pos >= text.size() || !std::isalpha(static_cast<unsigned char>(text[*pos])))) {
    return true;
  }
  size_t start = *pos;
  if (MatchText(text, pos, "UTC") || MatchText(text, pos, "GMT") || MatchText(text, pos, "UT")) {
    if (*pos >= text.size() || (text[*pos] != '+' && text[*pos] != '-')) return true;
  }
  if (*pos < text.size() && (text[*pos] == '+' || text[*pos] == '-')) {
    const int sign = text[*pos] == '-' ? -1 : 1;
    ++*pos;
    int64_t hours = 0;
    int64_t minutes = 0;
    if (!ReadNumber(text, pos, 1, 2, &hours)) return false;
    if (*pos < text.size() && text[*pos] == ':') ++*pos;
    size_t before = *pos;
    if (!ReadNumber(text, pos, 2, 2, &minutes)) *pos = before;
    if (hours > 18 || minutes > 59) return false;
    *offset_seconds = sign * (hours * 3600 + minutes * 60);
    return true;
  }
  *pos = start;
  size_t end = start;
  while (end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '/' ||
          text[end] == '_' || text[end] == '-' || text[end] == '+')) {
    ++end;
  }
  if (end == start) return false;
  absl::TimeZone loaded;
  if (!absl::LoadTimeZone(std::string(text.substr(start, end - start)), &loaded)) return false;
  *zone = loaded;
  *pos = end;
  return true;
}

}  // namespace

Result<DatePattern> DatePattern::Compile(std::string_view pattern) {
  DatePattern compiled;
  compiled.text_ = std::string(pattern);
  if (LooksLikeStrftime(pattern)) {
    ASSIGN_OR_RETURN(compiled.tokens_, CompileStrftime(pattern));
  } else {
    ASSIGN_OR_RETURN(compiled.tokens_, CompileJava(pattern));
  }
  for (const auto& token : compiled.tokens_) {
    compiled.max_length_ += token.field == DateField::kLiteral || token.field == DateField::kZone
                                ? static_cast<int64_t>(token.literal.size())
                                : 24 + token.width;
  }
  return compiled;
}

int64_t DatePattern::Format(int64_t micros, char* out) const {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t time_of_day = micros - days * kMicrosPerDay;
  const CivilDate date = CivilFromDays(days);
  const int64_t hour = time_of_day / (3600 * kMicrosPerSecond);
  const int64_t minute = time_of_day / (60 * kMicrosPerSecond) % 60;
  const int64_t second = time_of_day / kMicrosPerSecond % 60;
  const int64_t fraction = time_of_day % kMicrosPerSecond;
  const int64_t weekday_monday0 = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday
  char* start = out;
  for (const DateToken& token : tokens_) {
    switch (token.field) {
      case DateField::kLiteral:
      case DateField::kZone:
        out = WriteText(out, token.literal);
        break;
      case DateField::kYear:
        out = WriteNumber(out, date.year, token.width);
        break;
      case DateField::kYear2:
        out = WriteNumber(out, ((date.year % 100) + 100) % 100, 2);
        break;
      case DateField::kMonth:
        out = WriteNumber(out, date.month, token.width);
        break;
      case DateField::kMonthShort:
        out = WriteText(out, kMonthsFull[date.month - 1].substr(0, 3));
        break;
      case DateField::kMonthFull:
        out = WriteText(out, kMonthsFull[date.month - 1]);
        break;
      case DateField::kDay:
        out = WriteNumber(out, date.day, token.width);
        break;
      case DateField::kDayOfYear:
        out = WriteNumber(out, days - DaysFromCivil(date.year, 1, 1) + 1, token.width);
        break;
      case DateField::kHour24:
        out = WriteNumber(out, hour, token.width);
        break;
      case DateField::kHour12:
        out = WriteNumber(out, hour % 12 == 0 ? 12 : hour % 12, token.width);
        break;
      case DateField::kHour1To24:
        out = WriteNumber(out, hour == 0 ? 24 : hour, token.width);
        break;
      case DateField::kHour0To11:
        out = WriteNumber(out, hour % 12, token.width);
        break;
      case DateField::kMinute:
        out = WriteNumber(out, minute, token.width);
        break;
      case DateField::kSecond:
        out = WriteNumber(out, second, token.width);
        break;
      case DateField::kFraction: {
        // Micros as 6 digits, then cut or extend with zeros to the width.
        char digits[6];
        int64_t value = fraction;
        for (int idx = 5; idx >= 0; --idx) {
          digits[idx] = static_cast<char>('0' + value % 10);
          value /= 10;
        }
        for (int idx = 0; idx < token.width; ++idx) *out++ = idx < 6 ? digits[idx] : '0';
        break;
      }
      case DateField::kAmPm:
        out = WriteText(out, hour < 12 ? "AM" : "PM");
        break;
      case DateField::kDayNameShort:
        out = WriteText(out, kDaysFull[weekday_monday0].substr(0, 3));
        break;
      case DateField::kDayNameFull:
        out = WriteText(out, kDaysFull[weekday_monday0]);
        break;
      case DateField::kDayOfWeekMonday1:
        out = WriteNumber(out, weekday_monday0 + 1, 0);
        break;
      case DateField::kDayOfWeekSunday0:
        out = WriteNumber(out, (weekday_monday0 + 1) % 7, 0);
        break;
      case DateField::kQuarter:
        out = WriteNumber(out, (date.month - 1) / 3 + 1, token.width);
        break;
      case DateField::kEpochSeconds:
        out = WriteNumber(out, FloorDiv(micros, kMicrosPerSecond), 0);
        break;
    }
  }
  return out - start;
}

std::optional<int64_t> DatePattern::Parse(std::string_view text) const {
  int64_t year = 1970;
  int64_t month = 1;
  int64_t day = 1;
  int64_t day_of_year = -1;
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  int64_t micros = 0;
  int pm = -1;
  bool hour12 = false;
  int64_t offset_seconds = 0;
  std::optional<absl::TimeZone> zone;
  std::optional<int64_t> epoch;
  size_t pos = 0;
  for (size_t token_idx = 0; token_idx < tokens_.size(); ++token_idx) {
    const DateToken& token = tokens_[token_idx];
    // A number directly followed by another number field reads its exact width.
    const bool adjacent_number = token_idx + 1 < tokens_.size() &&
                                 tokens_[token_idx + 1].field != DateField::kLiteral &&
                                 tokens_[token_idx + 1].field != DateField::kZone &&
                                 tokens_[token_idx + 1].field != DateField::kAmPm;
    auto number = [&](int max_digits, int64_t* value) {
      const int min_digits = token.width > 0 ? token.width : 1;
      const int max = token.width > 1 ? token.width : max_digits;
      return ReadNumber(text, &pos, min_digits, max, value);
    };
    switch (token.field) {
      case DateField::kLiteral:
        if (!MatchText(text, &pos, token.literal)) return std::nullopt;
        break;
      case DateField::kZone:
        if (!ReadZone(text, &pos, &offset_seconds, &zone)) return std::nullopt;
        break;
      case DateField::kYear: {
        int min_digits = token.width > 0 ? token.width : 1;
        if (!ReadNumber(text, &pos, min_digits, adjacent_number ? std::max(min_digits, 4) : 9,
                        &year)) {
          return std::nullopt;
        }
        break;
      }
      case DateField::kYear2:
        if (!ReadNumber(text, &pos, 2, 2, &year)) return std::nullopt;
        year += 2000;
        break;
      case DateField::kMonth:
        if (!number(2, &month)) return std::nullopt;
        break;
      case DateField::kMonthShort:
      case DateField::kMonthFull: {
        bool found = false;
        for (int idx = 0; idx < 12 && !found; ++idx) {
          std::string_view name = kMonthsFull[idx];
          if (token.field == DateField::kMonthShort) name = name.substr(0, 3);
          if (MatchText(text, &pos, name)) {
            month = idx + 1;
            found = true;
          }
        }
        if (!found) return std::nullopt;
        break;
      }
      case DateField::kDay:
        if (!number(2, &day)) return std::nullopt;
        break;
      case DateField::kDayOfYear:
        if (!number(3, &day_of_year)) return std::nullopt;
        break;
      case DateField::kHour24:
      case DateField::kHour1To24:
      case DateField::kHour0To11:
        if (!number(2, &hour)) return std::nullopt;
        if (token.field == DateField::kHour1To24 && hour == 24) hour = 0;
        break;
      case DateField::kHour12:
        if (!number(2, &hour)) return std::nullopt;
        if (hour < 1 || hour > 12) return std::nullopt;
        hour12 = true;
        break;
      case DateField::kMinute:
        if (!number(2, &minute)) return std::nullopt;
        break;
      case DateField::kSecond:
        if (!number(2, &second)) return std::nullopt;
        break;
      case DateField::kFraction: {
        size_t begin = pos;
        int64_t value = 0;
        if (!ReadNumber(text, &pos, 1, std::max(token.width, 1), &value)) return std::nullopt;
        int digits = static_cast<int>(pos - begin);
        for (int idx = digits; idx < 6; ++idx) value *= 10;
        for (int idx = 6; idx < digits; ++idx) value /= 10;
        micros = value;
        break;
      }
      case DateField::kAmPm:
        if (MatchText(text, &pos, "AM")) {
          pm = 0;
        } else if (MatchText(text, &pos, "PM")) {
          pm = 1;
        } else {
          return std::nullopt;
        }
        break;
      case DateField::kDayNameShort:
      case DateField::kDayNameFull: {
        bool found = false;
        for (int idx = 0; idx < 7 && !found; ++idx) {
          std::string_view name = kDaysFull[idx];
          if (token.field == DateField::kDayNameShort) name = name.substr(0, 3);
          found = MatchText(text, &pos, name);
        }
        if (!found) return std::nullopt;
        break;
      }
      case DateField::kDayOfWeekMonday1:
      case DateField::kDayOfWeekSunday0:
      case DateField::kQuarter: {
        int64_t ignored = 0;
        if (!ReadNumber(text, &pos, 1, 1, &ignored)) return std::nullopt;
        break;
      }
      case DateField::kEpochSeconds: {
        bool negative = pos < text.size() && text[pos] == '-';
        if (negative) ++pos;
        int64_t value = 0;
        if (!ReadNumber(text, &pos, 1, 18, &value)) return std::nullopt;
        epoch = negative ? -value : value;
        break;
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (epoch) return *epoch * kMicrosPerSecond;
  if (hour12) {
    hour = hour % 12 + (pm == 1 ? 12 : 0);
  } else if (pm == 1 && hour < 12) {
    hour += 12;
  }
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  int64_t days;
  if (day_of_year >= 0) {
    if (day_of_year < 1 || day_of_year > (IsLeap(year) ? 366 : 365)) return std::nullopt;
    days = DaysFromCivil(year, 1, 1) + day_of_year - 1;
  } else {
    if (day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) return std::nullopt;
    days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  }
  const int64_t local_seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  if (zone) {
    const absl::CivilSecond civil = absl::CivilSecond(1970, 1, 1) + local_seconds;
    const absl::TimeZone::TimeInfo info = zone->At(civil);
    return absl::ToUnixSeconds(info.pre) * kMicrosPerSecond + micros;
  }
  return (local_seconds - offset_seconds) * kMicrosPerSecond + micros;
}

}  // namespace sluice
