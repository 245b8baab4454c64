#include "exec/cast.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/strings.h"
#include "common/time_util.h"
#include "exec/kernel_util.h"

namespace sluice {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

bool IsPrimitive(TypeId id) { return id != TypeId::kStruct && id != TypeId::kList; }
bool IsNumericOrBool(TypeId id) {
  return id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kDouble ||
         id == TypeId::kBoolean;
}

// ---- numeric <-> numeric / boolean ----

template <typename To>
bool DoubleFits(double value) {
  if (std::isnan(value)) return false;
  // Truncation toward zero happens first; -2^31 / -2^63 and 2^31 / 2^63 are exact doubles.
  constexpr double kLow = static_cast<double>(std::numeric_limits<To>::min());
  constexpr double kHigh = -kLow;
  const double truncated = std::trunc(value);
  return truncated >= kLow && truncated < kHigh;
}

template <typename From>
std::string NumberText(From value) {
  if constexpr (std::is_same_v<From, double>) {
    return FormatDoubleSpark(value);
  } else {
    return std::to_string(value);
  }
}

template <typename From, typename To>
Result<ColumnRef> CastNumeric(const Column& input, const TypeRef& to, bool try_cast) {
  const int64_t num_rows = input.length();
  kernels::ValidityBuilder validity(num_rows);
  validity.AndWith(input);
  kernels::FixedOutput<To> out(num_rows);
  To* dst = out.data();
  const From* src = input.Values<From>();
  for (int64_t row = 0; row < num_rows; ++row) {
    From value = src[row];
    bool fits;
    if constexpr (std::is_same_v<To, double> || sizeof(To) >= sizeof(From)) {
      if constexpr (std::is_same_v<From, double> && !std::is_same_v<To, double>) {
        fits = DoubleFits<To>(value);
      } else {
        fits = true;
      }
    } else if constexpr (std::is_same_v<From, double>) {
      fits = DoubleFits<To>(value);
    } else {
      fits = value >= std::numeric_limits<To>::min() && value <= std::numeric_limits<To>::max();
    }
    if (fits) {
      dst[row] = static_cast<To>(value);
    } else if (validity.IsValid(row)) {
      if (!try_cast) {
        return Status::OutOfRange("cannot cast {} to {}: out of range", NumberText(value),
                                  to->ToString());
      }
      validity.SetNull(row);
    }
  }
  return out.Finish(to, num_rows, &validity);
}

template <typename From>
Result<ColumnRef> CastNumberToBoolean(const Column& input) {
  const int64_t num_rows = input.length();
  kernels::ValidityBuilder validity(num_rows);
  validity.AndWith(input);
  kernels::BooleanOutput out(num_rows);
  const From* src = input.Values<From>();
  for (int64_t row = 0; row < num_rows; ++row) out.Set(row, src[row] != 0);
  return out.Finish(num_rows, &validity);
}

template <typename To>
Result<ColumnRef> CastBooleanToNumber(const Column& input, const TypeRef& to) {
  const int64_t num_rows = input.length();
  kernels::ValidityBuilder validity(num_rows);
  validity.AndWith(input);
  kernels::FixedOutput<To> out(num_rows);
  To* dst = out.data();
  for (int64_t row = 0; row < num_rows; ++row) dst[row] = input.BoolValue(row) ? 1 : 0;
  return out.Finish(to, num_rows, &validity);
}

template <typename From>
Result<ColumnRef> CastFromNumber(const Column& input, const TypeRef& to, bool try_cast) {
  switch (to->id()) {
    case TypeId::kInt32:
      return CastNumeric<From, int32_t>(input, to, try_cast);
    case TypeId::kInt64:
      return CastNumeric<From, int64_t>(input, to, try_cast);
    case TypeId::kDouble:
      return CastNumeric<From, double>(input, to, try_cast);
    case TypeId::kBoolean:
      return CastNumberToBoolean<From>(input);
    default:
      return Status::Internal("bad numeric cast to {}", to->ToString());
  }
}

// ---- anything -> STRING ----

template <typename Format>
Result<ColumnRef> CastToString(const Column& input, Format format) {
  const int64_t num_rows = input.length();
  kernels::ValidityBuilder validity(num_rows);
  validity.AndWith(input);
  kernels::StringOutput out(num_rows);
  std::string scratch;
  for (int64_t row = 0; row < num_rows; ++row) {
    if (validity.IsValid(row)) {
      scratch.clear();
      format(row, &scratch);
      out.AppendPiece(scratch.data(), static_cast<int64_t>(scratch.size()));
    }
    out.EndRow();
  }
  return out.Finish(num_rows, &validity);
}

template <typename T>
void AppendInteger(T value, std::string* out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, end);
}

// ---- STRING -> anything ----

template <typename T, typename Parse>
Result<ColumnRef> CastStringToFixed(const Column& input, const TypeRef& to, Parse parse) {
  const int64_t num_rows = input.length();
  kernels::ValidityBuilder validity(num_rows);
  validity.AndWith(input);
  kernels::FixedOutput<T> out(num_rows);
  T* dst = out.data();
  for (int64_t row = 0; row < num_rows; ++row) {
    if (!validity.IsValid(row)) continue;
    std::optional<T> value = parse(Trim(input.StringValue(row)));
    if (value) {
      dst[row] = *value;
    } else {
      validity.SetNull(row);
    }
  }
  return out.Finish(to, num_rows, &validity);
}

std::optional<bool> ParseSparkBool(std::string_view text) {
  for (std::string_view word : {"t", "true", "y", "yes", "1"}) {
    if (EqualsIgnoreCase(text, word)) return true;
  }
  for (std::string_view word : {"f", "false", "n", "no", "0"}) {
    if (EqualsIgnoreCase(text, word)) return false;
  }
  return std::nullopt;
}

template <typename T>
std::optional<T> ParseInteger(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> ParseSparkDouble(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity" || text == "+Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  if (std::isnan(value) || std::isinf(value)) return std::nullopt;  // "nan", "inf", overflow
  return value;
}

std::optional<int32_t> ParseDateOrTimestamp(std::string_view text) {
  if (std::optional<int32_t> days = ParseDate(text)) return days;
  if (std::optional<int64_t> micros = ParseTimestampMicros(text)) {
    return static_cast<int32_t>(FloorDiv(*micros, kMicrosPerDay));
  }
  return std::nullopt;
}

Result<ColumnRef> CastFromString(const Column& input, const TypeRef& to) {
  const int64_t num_rows = input.length();
  switch (to->id()) {
    case TypeId::kBoolean: {
      kernels::ValidityBuilder validity(num_rows);
      validity.AndWith(input);
      kernels::BooleanOutput out(num_rows);
      for (int64_t row = 0; row < num_rows; ++row) {
        if (!validity.IsValid(row)) continue;
        std::optional<bool> value = ParseSparkBool(Trim(input.StringValue(row)));
        if (value) {
          out.Set(row, *value);
        } else {
          validity.SetNull(row);
        }
      }
      return out.Finish(num_rows, &validity);
    }
    case TypeId::kInt32:
      return CastStringToFixed<int32_t>(input, to, ParseInteger<int32_t>);
    case TypeId::kInt64:
      return CastStringToFixed<int64_t>(input, to, ParseInteger<int64_t>);
    case TypeId::kDouble:
      return CastStringToFixed<double>(input, to, ParseSparkDouble);
    case TypeId::kTimestamp:
      return CastStringToFixed<int64_t>(input, to, ParseTimestampMicros);
    case TypeId::kDate:
      return CastStringToFixed<int32_t>(input, to, ParseDateOrTimestamp);
    default:
      return Status::Internal("bad cast from STRING to {}", to->ToString());
  }
}

}  // namespace

std::string FormatDoubleSpark(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buffer[64];
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
    std::string text(buffer, end);
    if (text.find('.') == std::string::npos) text += ".0";
    return text;
  }
  // Java style scientific: 1.0E20, 1.5E-5.
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string text(buffer, end);
  size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  std::string exponent = text.substr(e + 1);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  bool negative = !exponent.empty() && exponent[0] == '-';
  size_t digits = exponent.find_first_not_of("+-0");
  std::string exp_digits = digits == std::string::npos ? "0" : exponent.substr(digits);
  return mantissa + "E" + (negative ? "-" : "") + exp_digits;
}

bool CanCast(const DataType& from, const DataType& to) {
  if (from.Equals(to)) return true;
  if (!IsPrimitive(from.id()) || !IsPrimitive(to.id())) return false;
  if (to.id() == TypeId::kString) return true;
  if (from.id() == TypeId::kString) return true;  // to every primitive
  if (IsNumericOrBool(from.id()) && IsNumericOrBool(to.id())) return true;
  auto is_time = [](TypeId id) { return id == TypeId::kTimestamp || id == TypeId::kDate; };
  return is_time(from.id()) && is_time(to.id());
}

bool CastIntroducesNulls(const DataType& from, const DataType& to) {
  return from.id() == TypeId::kString && to.id() != TypeId::kString;
}

Result<ColumnRef> CastColumn(const ColumnRef& input_ref, const TypeRef& to, bool try_cast) {
  const Column& input = *input_ref;
  const DataType& from = *input.type();
  if (from.Equals(*to)) return input_ref;
  if (!CanCast(from, *to)) {
    return Status::Plan("cannot cast {} to {}", from.ToString(), to->ToString());
  }
  if (to->id() == TypeId::kString) {
    switch (from.id()) {
      case TypeId::kBoolean:
        return CastToString(input, [&](int64_t row, std::string* out) {
          *out = input.BoolValue(row) ? "true" : "false";
        });
      case TypeId::kInt32:
        return CastToString(input, [&](int64_t row, std::string* out) {
          AppendInteger(input.Values<int32_t>()[row], out);
        });
      case TypeId::kInt64:
        return CastToString(input, [&](int64_t row, std::string* out) {
          AppendInteger(input.Values<int64_t>()[row], out);
        });
      case TypeId::kDouble:
        return CastToString(input, [&](int64_t row, std::string* out) {
          *out = FormatDoubleSpark(input.Values<double>()[row]);
        });
      case TypeId::kTimestamp:
        return CastToString(input, [&](int64_t row, std::string* out) {
          *out = FormatTimestampSql(input.Values<int64_t>()[row]);
        });
      case TypeId::kDate:
        return CastToString(input, [&](int64_t row, std::string* out) {
          *out = FormatDate(input.Values<int32_t>()[row]);
        });
      default:
        break;
    }
  }
  if (from.id() == TypeId::kString) return CastFromString(input, to);
  switch (from.id()) {
    case TypeId::kInt32:
      return CastFromNumber<int32_t>(input, to, try_cast);
    case TypeId::kInt64:
      return CastFromNumber<int64_t>(input, to, try_cast);
    case TypeId::kDouble:
      return CastFromNumber<double>(input, to, try_cast);
    case TypeId::kBoolean:
      switch (to->id()) {
        case TypeId::kInt32:
          return CastBooleanToNumber<int32_t>(input, to);
        case TypeId::kInt64:
          return CastBooleanToNumber<int64_t>(input, to);
        case TypeId::kDouble:
          return CastBooleanToNumber<double>(input, to);
        default:
          break;
      }
      break;
    case TypeId::kTimestamp: {  // -> DATE
      const int64_t num_rows = input.length();
      kernels::ValidityBuilder validity(num_rows);
      validity.AndWith(input);
      kernels::FixedOutput<int32_t> out(num_rows);
      const int64_t* src = input.Values<int64_t>();
      int32_t* dst = out.data();
      for (int64_t row = 0; row < num_rows; ++row) {
        dst[row] = static_cast<int32_t>(FloorDiv(src[row], kMicrosPerDay));
      }
      return out.Finish(to, num_rows, &validity);
    }
    case TypeId::kDate: {  // -> TIMESTAMP
      const int64_t num_rows = input.length();
      kernels::ValidityBuilder validity(num_rows);
      validity.AndWith(input);
      kernels::FixedOutput<int64_t> out(num_rows);
      const int32_t* src = input.Values<int32_t>();
      int64_t* dst = out.data();
      for (int64_t row = 0; row < num_rows; ++row) {
        if (__builtin_mul_overflow(static_cast<int64_t>(src[row]), kMicrosPerDay, &dst[row]) &&
            validity.IsValid(row)) {
          if (!try_cast) {
            return Status::OutOfRange("cannot cast DATE {} to TIMESTAMP: out of range", src[row]);
          }
          validity.SetNull(row);
        }
      }
      return out.Finish(to, num_rows, &validity);
    }
    default:
      break;
  }
  return Status::Internal("cast from {} to {} not implemented", from.ToString(), to->ToString());
}

}  // namespace sluice
