// Math functions (Spark semantics): round (HALF_UP on the decimal value, as Spark's BigDecimal),
// floor/ceil (BIGINT), mod/pmod, div, pow, sqrt, cbrt, exp, ln/log/log10/log2 (NULL for
// arguments <= 0, as Spark), sign, pi, e; DATE +/- INT.
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "exec/function_util.h"
#include "exec/kernel_util.h"

namespace sluice {
namespace {

using fn::Overload;
using fn::RegisterFunction;
using kernels::MapToFixed;

/// Rounds |digits| (a decimal string without sign) at `keep` digits after the point, HALF_UP.
/// Works on the shortest text that reads back to x, so round(1.005, 2) = 1.01 as in Spark.
double RoundHalfUpDouble(double x, int64_t scale) {
  if (!std::isfinite(x)) return x;
  if (scale > 300) return x;
  char buffer[400];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), x, std::chars_format::fixed);
  if (ec != std::errc()) return x;
  std::string text(buffer, end);
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.erase(0, 1);
  size_t point = text.find('.');
  std::string int_part = point == std::string::npos ? text : text.substr(0, point);
  std::string frac_part = point == std::string::npos ? "" : text.substr(point + 1);
  // All digits in one string with the decimal point after int_part.size() digits.
  std::string digits = int_part + frac_part;
  int64_t point_pos = static_cast<int64_t>(int_part.size());
  int64_t cut = point_pos + scale;  // digits kept: [0, cut)
  if (cut >= static_cast<int64_t>(digits.size())) return x;
  if (cut < 0) return negative ? -0.0 : 0.0;
  bool round_up = digits[static_cast<size_t>(cut)] >= '5';
  std::string kept = digits.substr(0, static_cast<size_t>(cut));
  if (round_up) {
    int64_t idx = static_cast<int64_t>(kept.size()) - 1;
    while (idx >= 0 && kept[static_cast<size_t>(idx)] == '9') {
      kept[static_cast<size_t>(idx)] = '0';
      --idx;
    }
    if (idx < 0) {
      kept.insert(kept.begin(), '1');
      ++point_pos;
    } else {
      ++kept[static_cast<size_t>(idx)];
    }
  }
  // Rebuild: kept digits, zeros up to the point, then an exponent-free decimal.
  std::string out = negative ? "-" : "";
  if (static_cast<int64_t>(kept.size()) <= point_pos) {
    out += kept.empty() ? "0" : kept;
    out.append(static_cast<size_t>(point_pos - static_cast<int64_t>(kept.size())), '0');
  } else {
    out += kept.substr(0, static_cast<size_t>(point_pos));
    if (point_pos == 0) out += "0";
    out += ".";
    out += kept.substr(static_cast<size_t>(point_pos));
  }
  double result = 0;
  std::from_chars(out.data(), out.data() + out.size(), result);
  return result;
}

template <typename T>
bool RoundHalfUpInt(T x, int64_t scale, T* out) {
  if (scale >= 0) {
    *out = x;
    return true;
  }
  if (scale < -18) {
    *out = 0;
    return true;
  }
  int64_t factor = 1;
  for (int64_t idx = 0; idx < -scale; ++idx) factor *= 10;
  const int64_t value = x;
  const int64_t rem = value % factor;
  int64_t base = value - rem;
  const uint64_t magnitude = rem < 0 ? 0 - static_cast<uint64_t>(rem) : static_cast<uint64_t>(rem);
  if (2 * magnitude >= static_cast<uint64_t>(factor) &&
      __builtin_add_overflow(base, value < 0 ? -factor : factor, &base)) {
    return false;
  }
  if (base < std::numeric_limits<T>::min() || base > std::numeric_limits<T>::max()) return false;
  *out = static_cast<T>(base);
  return true;
}

template <typename T>
Result<ColumnRef> RoundKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows) {
  const T* x = args[0]->Values<T>();
  const int64_t* scale = args.size() > 1 ? args[1]->Values<int64_t>() : nullptr;
  Status error;
  ASSIGN_OR_RETURN(ColumnRef result,
                   MapToFixed<T>(context.result_type, args, num_rows, [&](int64_t row, T* out) {
                     const int64_t digits = scale ? scale[row] : 0;
                     if constexpr (std::is_same_v<T, double>) {
                       if (digits == 0) {
                         *out = std::round(x[row]);  // half away from zero == HALF_UP
                       } else {
                         *out = RoundHalfUpDouble(x[row], digits);
                       }
                     } else if (!RoundHalfUpInt(x[row], digits, out)) {
                       error =
                           Status::OutOfRange("integer overflow in round({}, {})", x[row], digits);
                     }
                     return true;
                   }));
  RETURN_NOT_OK(error);
  return result;
}

/// Java's (long) cast of a double: NaN -> 0, saturating at the BIGINT range.
inline int64_t JavaDoubleToLong(double value) {
  if (std::isnan(value)) return 0;
  if (value >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (value <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

template <bool kCeil>
Result<ColumnRef> FloorCeilKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  if (args[0]->type_id() == TypeId::kInt64) return args[0];
  const double* x = args[0]->Values<double>();
  return MapToFixed<int64_t>(context.result_type, args, num_rows, [&](int64_t row, int64_t* out) {
    *out = JavaDoubleToLong(kCeil ? std::ceil(x[row]) : std::floor(x[row]));
    return true;
  });
}

enum class UnaryOp { kSqrt, kCbrt, kExp, kLn, kLog10, kLog2, kSign, kRadians, kDegrees };

template <UnaryOp kOp>
Result<ColumnRef> UnaryDoubleKernel(const KernelContext& context,
                                    const std::vector<ColumnRef>& args, int64_t num_rows) {
  const double* x = args[0]->Values<double>();
  return MapToFixed<double>(context.result_type, args, num_rows, [&](int64_t row, double* out) {
    const double v = x[row];
    if constexpr (kOp == UnaryOp::kSqrt) {
      *out = std::sqrt(v);
    } else if constexpr (kOp == UnaryOp::kCbrt) {
      // glibc's cbrt is not correctly rounded (cbrt(-27) = -3.0000000000000004); Java's is.
      double root = std::cbrt(v);
      const double nearest = std::round(root);
      *out = nearest * nearest * nearest == v ? nearest : root;
    } else if constexpr (kOp == UnaryOp::kExp) {
      *out = std::exp(v);
    } else if constexpr (kOp == UnaryOp::kSign) {
      *out = v > 0 ? 1.0 : v < 0 ? -1.0 : v;
    } else if constexpr (kOp == UnaryOp::kRadians) {
      *out = v * M_PI / 180.0;
    } else if constexpr (kOp == UnaryOp::kDegrees) {
      *out = v * 180.0 / M_PI;
    } else {
      if (v <= 0) return false;  // Spark: NULL for a non-positive argument
      *out = kOp == UnaryOp::kLn      ? std::log(v)
             : kOp == UnaryOp::kLog10 ? std::log10(v)
                                      : std::log2(v);
    }
    return true;
  });
}

/// log(base, x): NULL when base or x is not positive.
Result<ColumnRef> LogBaseKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                int64_t num_rows) {
  const double* base = args[0]->Values<double>();
  const double* x = args[1]->Values<double>();
  return MapToFixed<double>(context.result_type, args, num_rows, [&](int64_t row, double* out) {
    if (base[row] <= 0 || x[row] <= 0) return false;
    *out = std::log(x[row]) / std::log(base[row]);
    return true;
  });
}

Result<ColumnRef> PowKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                            int64_t num_rows) {
  const double* x = args[0]->Values<double>();
  const double* y = args[1]->Values<double>();
  return MapToFixed<double>(context.result_type, args, num_rows, [&](int64_t row, double* out) {
    *out = std::pow(x[row], y[row]);
    return true;
  });
}

/// pmod(a, n): the non-negative remainder (for n > 0); n = 0 gives NULL.
template <typename T>
Result<ColumnRef> PmodKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  const T* a = args[0]->Values<T>();
  const T* n = args[1]->Values<T>();
  return MapToFixed<T>(context.result_type, args, num_rows, [&](int64_t row, T* out) {
    if (n[row] == 0) return false;
    if constexpr (std::is_integral_v<T>) {
      if (n[row] == -1) {
        *out = 0;
        return true;
      }
      T r = a[row] % n[row];
      *out = r < 0 ? (r + n[row]) % n[row] : r;
    } else {
      double r = std::fmod(a[row], n[row]);
      *out = r < 0 ? std::fmod(r + n[row], n[row]) : r;
    }
    return true;
  });
}

/// a DIV b: integral division truncating toward zero (BIGINT); b = 0 gives NULL.
Result<ColumnRef> IntDivKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  const int64_t* a = args[0]->Values<int64_t>();
  const int64_t* b = args[1]->Values<int64_t>();
  Status error;
  ASSIGN_OR_RETURN(
      ColumnRef result,
      MapToFixed<int64_t>(context.result_type, args, num_rows, [&](int64_t row, int64_t* out) {
        if (b[row] == 0) return false;
        if (b[row] == -1 && a[row] == std::numeric_limits<int64_t>::min()) {
          error = Status::OutOfRange("integer overflow ({} div -1)", a[row]);
          return false;
        }
        *out = a[row] / b[row];
        return true;
      }));
  RETURN_NOT_OK(error);
  return result;
}

Result<ColumnRef> ConstantDoubleKernel(double value, const KernelContext& context,
                                       int64_t num_rows) {
  return MapToFixed<double>(context.result_type, {}, num_rows, [&](int64_t, double* out) {
    *out = value;
    return true;
  });
}

/// DATE +/- INT days; overflow of the 32-bit day count fails.
template <bool kAdd>
Result<ColumnRef> DateAddDaysKernel(const KernelContext& context,
                                    const std::vector<ColumnRef>& args, int64_t num_rows) {
  const int32_t* days = args[0]->Values<int32_t>();
  const int32_t* delta = args[1]->Values<int32_t>();
  Status error;
  ASSIGN_OR_RETURN(
      ColumnRef result,
      MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
        bool overflow = kAdd ? __builtin_add_overflow(days[row], delta[row], out)
                             : __builtin_sub_overflow(days[row], delta[row], out);
        if (overflow) {
          error = Status::OutOfRange("date overflow");
          return false;
        }
        return true;
      }));
  RETURN_NOT_OK(error);
  return result;
}

}  // namespace

/// Kernels shared with time_functions.cc (date_add/date_sub).
Result<ColumnRef> DateAddDays(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows) {
  return DateAddDaysKernel<true>(context, args, num_rows);
}
Result<ColumnRef> DateSubDays(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows) {
  return DateAddDaysKernel<false>(context, args, num_rows);
}

void RegisterMoreMathFunctions(FunctionRegistry* registry) {
  const TypeRef d = DoubleType();
  const TypeRef i32 = Int32Type();
  const TypeRef i64 = Int64Type();
  RegisterFunction(
      registry, "round",
      {Overload({i32}, i32, RoundKernel<int32_t>), Overload({i64}, i64, RoundKernel<int64_t>),
       Overload({d}, d, RoundKernel<double>), Overload({i32, i64}, i32, RoundKernel<int32_t>),
       Overload({i64, i64}, i64, RoundKernel<int64_t>),
       Overload({d, i64}, d, RoundKernel<double>)});
  RegisterFunction(
      registry, "floor",
      {Overload({i64}, i64, FloorCeilKernel<false>), Overload({d}, i64, FloorCeilKernel<false>)});
  RegisterFunction(
      registry, "ceil",
      {Overload({i64}, i64, FloorCeilKernel<true>), Overload({d}, i64, FloorCeilKernel<true>)},
      {"ceiling"});
  RegisterFunction(registry, "sqrt", {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kSqrt>)});
  RegisterFunction(registry, "cbrt", {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kCbrt>)});
  RegisterFunction(registry, "exp", {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kExp>)});
  RegisterFunction(
      registry, "ln",
      {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kLn>, NullHandling::kIntroducesNulls)});
  RegisterFunction(
      registry, "log10",
      {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kLog10>, NullHandling::kIntroducesNulls)});
  RegisterFunction(
      registry, "log2",
      {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kLog2>, NullHandling::kIntroducesNulls)});
  RegisterFunction(
      registry, "log",
      {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kLn>, NullHandling::kIntroducesNulls),
       Overload({d, d}, d, LogBaseKernel, NullHandling::kIntroducesNulls)});
  RegisterFunction(registry, "sign", {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kSign>)},
                   {"signum"});
  RegisterFunction(registry, "radians", {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kRadians>)});
  RegisterFunction(registry, "degrees", {Overload({d}, d, UnaryDoubleKernel<UnaryOp::kDegrees>)});
  RegisterFunction(registry, "pow", {Overload({d, d}, d, PowKernel)}, {"power"});
  RegisterFunction(registry, "pmod",
                   {Overload({i32, i32}, i32, PmodKernel<int32_t>, NullHandling::kIntroducesNulls),
                    Overload({i64, i64}, i64, PmodKernel<int64_t>, NullHandling::kIntroducesNulls),
                    Overload({d, d}, d, PmodKernel<double>, NullHandling::kIntroducesNulls)});
  RegisterFunction(
      registry, "pi",
      {Overload({}, d,
                [](const KernelContext& context, const std::vector<ColumnRef>&, int64_t num_rows) {
                  return ConstantDoubleKernel(M_PI, context, num_rows);
                })});
  RegisterFunction(
      registry, "e",
      {Overload({}, d,
                [](const KernelContext& context, const std::vector<ColumnRef>&, int64_t num_rows) {
                  return ConstantDoubleKernel(M_E, context, num_rows);
                })});
  // mod(a, b) is the '%' operator under a callable name.
  {
    FunctionDef mod = *registry->Lookup("modulo");
    mod.name = "mod";
    mod.display_name = "mod";
    mod.is_operator = false;
    mod.signature_help.clear();
    fn::MustRegister(registry, std::move(mod));
  }
  {
    FunctionDef div;
    div.name = "div";
    div.display_name = "div";
    div.is_operator = true;
    div.overloads = {Overload({i64, i64}, i64, IntDivKernel, NullHandling::kIntroducesNulls)};
    fn::MustRegister(registry, std::move(div));
  }
}

}  // namespace sluice
