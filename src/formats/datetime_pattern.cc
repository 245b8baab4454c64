#include "formats/datetime_pattern.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/strings.h"
#include "common/time_util.h"

namespace sluice {

namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> kDayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

/// Reads between min_digits and max_digits decimal digits.
bool ReadNumber(std::string_view text, size_t* pos, int min_digits, int max_digits, int64_t* out) {
  int64_t value = 0;
  int digits = 0;
  while (*pos < text.size() && digits < max_digits &&
         std::isdigit(static_cast<unsigned char>(text[*pos]))) {
    value = value * 10 + (text[*pos] - '0');
    ++*pos;
    ++digits;
  }
  if (digits < min_digits) return false;
  *out = value;
  return true;
}

/// Matches a name (full or its 3-letter abbreviation), case-insensitive; returns its index.
template <size_t N>
int ReadName(std::string_view text, size_t* pos, const std::array<std::string_view, N>& names) {
  for (size_t i = 0; i < N; ++i) {
    std::string_view full = names[i];
    for (size_t len : {full.size(), size_t{3}}) {
      if (text.size() - *pos >= len &&
          EqualsIgnoreCase(text.substr(*pos, len), full.substr(0, len))) {
        *pos += len;
        return static_cast<int>(i);
      }
    }
  }
  return -1;
}

/// +HH, +HHMM, +HH:MM (and Z when allowed).
bool ReadOffset(std::string_view text, size_t* pos, bool allow_z, int* seconds) {
  if (*pos >= text.size()) return false;
  char c = text[*pos];
  if (allow_z && (c == 'Z' || c == 'z')) {
    ++*pos;
    *seconds = 0;
    return true;
  }
  if (c != '+' && c != '-') return false;
  ++*pos;
  int64_t hours = 0, minutes = 0;
  if (!ReadNumber(text, pos, 2, 2, &hours)) return false;
  if (*pos < text.size() && text[*pos] == ':') ++*pos;
  size_t before = *pos;
  if (!ReadNumber(text, pos, 2, 2, &minutes)) *pos = before;
  if (hours > 18 || minutes > 59) return false;
  *seconds = static_cast<int>((hours * 60 + minutes) * 60) * (c == '+' ? 1 : -1);
  return true;
}

int DaysInMonth(int64_t year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<size_t>(month - 1)];
}

}  // namespace

Result<DateTimePattern> DateTimePattern::Compile(std::string_view pattern) {
  DateTimePattern out;
  out.pattern_ = std::string(pattern);
  std::vector<size_t> open;
  size_t i = 0;
  auto literal = [&](std::string text) {
    if (!out.tokens_.empty() && out.tokens_.back().kind == Kind::kLiteral) {
      out.tokens_.back().literal += text;
    } else {
      out.tokens_.push_back(Token{Kind::kLiteral, 0, std::move(text)});
    }
  };
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '\'') {
      size_t close = pattern.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return Status::Config("datetime pattern '{}': unterminated quote", pattern);
      }
      literal(close == i + 1 ? std::string("'")
                             : std::string(pattern.substr(i + 1, close - i - 1)));
      i = close + 1;
      continue;
    }
    if (c == '[') {
      open.push_back(out.tokens_.size());
      out.tokens_.push_back(Token{Kind::kOptionalStart});
      ++i;
      continue;
    }
    if (c == ']') {
      if (open.empty()) return Status::Config("datetime pattern '{}': unbalanced ']'", pattern);
      out.tokens_[open.back()].match = static_cast<int>(out.tokens_.size());
      open.pop_back();
      out.tokens_.push_back(Token{Kind::kOptionalEnd});
      ++i;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      literal(std::string(1, c));
      ++i;
      continue;
    }
    size_t run = i;
    while (run < pattern.size() && pattern[run] == c) ++run;
    int width = static_cast<int>(run - i);
    i = run;
    Kind kind;
    switch (c) {
      case 'y':
      case 'u':
        kind = Kind::kYear;
        break;
      case 'M':
      case 'L':
        kind = width >= 3 ? Kind::kMonthName : Kind::kMonth;
        break;
      case 'd':
        kind = Kind::kDay;
        break;
      case 'E':
        kind = Kind::kDayName;
        break;
      case 'H':
        kind = Kind::kHour24;
        break;
      case 'h':
        kind = Kind::kHour12;
        break;
      case 'm':
        kind = Kind::kMinute;
        break;
      case 's':
        kind = Kind::kSecond;
        break;
      case 'S':
        kind = Kind::kFraction;
        break;
      case 'a':
        kind = Kind::kAmPm;
        break;
      case 'X':
        kind = Kind::kOffsetX;
        break;
      case 'x':
        kind = Kind::kOffsetx;
        break;
      case 'Z':
        kind = Kind::kOffsetZ;
        break;
      default:
        return Status::Config(
            "datetime pattern '{}': unsupported letter '{}' (supported: y M d E H h m s S a X x "
            "Z, 'literal', [optional])",
            pattern, c);
    }
    if (width > (kind == Kind::kFraction ? 9 : 5)) {
      return Status::Config("datetime pattern '{}': too many '{}' letters", pattern, c);
    }
    out.tokens_.push_back(Token{kind, width});
  }
  if (!open.empty()) return Status::Config("datetime pattern '{}': unbalanced '['", pattern);
  return out;
}

bool DateTimePattern::Match(size_t index, std::string_view text, size_t pos, Fields* fields) const {
  while (index < tokens_.size()) {
    const Token& token = tokens_[index];
    int64_t number = 0;
    switch (token.kind) {
      case Kind::kOptionalStart: {
        Fields trial = *fields;
        if (Match(index + 1, text, pos, &trial)) {
          *fields = trial;
          return true;
        }
        index = static_cast<size_t>(token.match) + 1;  // skip the section
        continue;
      }
      case Kind::kOptionalEnd:
        break;
      case Kind::kLiteral:
        if (text.substr(pos, token.literal.size()) != token.literal) return false;
        pos += token.literal.size();
        break;
      case Kind::kYear:
        if (token.width == 2) {
          if (!ReadNumber(text, &pos, 2, 2, &number)) return false;
          fields->year = 2000 + number;
        } else {
          // yyyy: exactly 4 digits (so yyyyMMdd works); y: 1 to 5 digits.
          const int min_digits = token.width == 1 ? 1 : std::max(4, token.width);
          const int max_digits = token.width == 1 ? 5 : std::max(4, token.width);
          if (!ReadNumber(text, &pos, min_digits, max_digits, &number)) return false;
          fields->year = number;
        }
        break;
      case Kind::kMonth:
        if (!ReadNumber(text, &pos, token.width, 2, &number)) return false;
        fields->month = static_cast<int>(number);
        break;
      case Kind::kMonthName: {
        int month = ReadName(text, &pos, kMonthNames);
        if (month < 0) return false;
        fields->month = month + 1;
        break;
      }
      case Kind::kDayName:
        if (ReadName(text, &pos, kDayNames) < 0) return false;
        break;
      case Kind::kDay:
        if (!ReadNumber(text, &pos, token.width, 2, &number)) return false;
        fields->day = static_cast<int>(number);
        break;
      case Kind::kHour24:
      case Kind::kHour12:
        if (!ReadNumber(text, &pos, token.width, 2, &number)) return false;
        fields->hour = static_cast<int>(number);
        fields->hour12 = token.kind == Kind::kHour12;
        break;
      case Kind::kMinute:
        if (!ReadNumber(text, &pos, token.width, 2, &number)) return false;
        fields->minute = static_cast<int>(number);
        break;
      case Kind::kSecond:
        if (!ReadNumber(text, &pos, token.width, 2, &number)) return false;
        fields->second = static_cast<int>(number);
        break;
      case Kind::kFraction: {
        int64_t micros = 0;
        int digits = 0;
        while (pos < text.size() && digits < 9 &&
               std::isdigit(static_cast<unsigned char>(text[pos]))) {
          if (digits < 6) micros = micros * 10 + (text[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return false;
        for (int d = digits; d < 6; ++d) micros *= 10;
        fields->micros = micros;
        break;
      }
      case Kind::kAmPm:
        if (text.size() - pos < 2) return false;
        if (EqualsIgnoreCase(text.substr(pos, 2), "AM")) {
          fields->pm = 0;
        } else if (EqualsIgnoreCase(text.substr(pos, 2), "PM")) {
          fields->pm = 1;
        } else {
          return false;
        }
        pos += 2;
        break;
      case Kind::kOffsetX:
      case Kind::kOffsetx:
      case Kind::kOffsetZ:
        if (!ReadOffset(text, &pos, token.kind == Kind::kOffsetX, &fields->offset_seconds)) {
          return false;
        }
        break;
    }
    ++index;
  }
  return pos == text.size();
}

std::optional<DateTimePattern::Fields> DateTimePattern::ParseFields(std::string_view text) const {
  Fields fields;
  if (!Match(0, text, 0, &fields)) return std::nullopt;
  if (fields.hour12) {
    if (fields.hour < 1 || fields.hour > 12) return std::nullopt;
    if (fields.hour == 12) fields.hour = 0;
    if (fields.pm == 1) fields.hour += 12;
  } else if (fields.pm == 1 && fields.hour < 12) {
    fields.hour += 12;
  }
  if (fields.month < 1 || fields.month > 12 || fields.day < 1 ||
      fields.day > DaysInMonth(fields.year, fields.month) || fields.hour > 23 ||
      fields.minute > 59 || fields.second > 59) {
    return std::nullopt;
  }
  return fields;
}

std::optional<int64_t> DateTimePattern::ParseTimestampMicros(std::string_view text) const {
  auto fields = ParseFields(text);
  if (!fields) return std::nullopt;
  int64_t days = DaysFromCivil(fields->year, static_cast<unsigned>(fields->month),
                               static_cast<unsigned>(fields->day));
  int64_t seconds = days * 86400 + fields->hour * 3600 + fields->minute * 60 + fields->second -
                    fields->offset_seconds;
  return seconds * 1000000 + fields->micros;
}

std::optional<int32_t> DateTimePattern::ParseDate(std::string_view text) const {
  auto fields = ParseFields(text);
  if (!fields) return std::nullopt;
  return DaysFromCivil(fields->year, static_cast<unsigned>(fields->month),
                       static_cast<unsigned>(fields->day));
}

}  // namespace sluice
