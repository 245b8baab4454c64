// Time functions, Spark semantics with the session time zone fixed to UTC (a TIMESTAMP is
// microseconds since the epoch and prints in UTC): current_timestamp/now (the batch's logical
// time, identical on replay), current_date, from_unixtime, unix_timestamp, to_timestamp, to_date,
// date_format (Java or strftime patterns, see date_pattern.h), date_trunc/trunc, date_part and
// year/month/day/..., date_add/date_sub/datediff/add_months/last_day/make_date,
// from_utc_timestamp/to_utc_timestamp with IANA zones (absl + Debian tzdata), epoch conversions.
#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/strings.h"
#include "common/time_util.h"
#include "exec/cast.h"
#include "exec/date_pattern.h"
#include "exec/function_util.h"
#include "exec/kernel_util.h"

namespace sluice {

Result<ColumnRef> DateAddDays(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows);  // math_functions.cc
Result<ColumnRef> DateSubDays(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows);

namespace {

using fn::Overload;
using fn::RegisterFunction;
using kernels::MapToFixed;
using kernels::MapToString;
using kernels::StringOutput;

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
constexpr const char* kDefaultFormat = "yyyy-MM-dd HH:mm:ss";

FunctionOverload WithPrepare(FunctionOverload overload, PrepareFn prepare, uint32_t state_args) {
  overload.prepare = std::move(prepare);
  overload.state_args = state_args;
  return overload;
}

FunctionOverload NonDeterministic(FunctionOverload overload) {
  overload.deterministic = false;
  overload.nulls = NullHandling::kNeverNull;
  return overload;
}

// ---------------------------------------------------------------------------------------------
// Patterns: a constant one compiled at bind time; a column of patterns compiled per distinct
// value in a row.

struct PatternState {
  std::optional<DatePattern> pattern;
  bool null_pattern = false;
};

PrepareFn PreparePattern(size_t pattern_arg, const char* default_pattern = nullptr) {
  return [pattern_arg, default_pattern](
             const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
    auto state = std::make_shared<PatternState>();
    if (pattern_arg >= constants.size()) {
      ASSIGN_OR_RETURN(DatePattern pattern, DatePattern::Compile(default_pattern));
      state->pattern = std::move(pattern);
    } else if (constants[pattern_arg] != nullptr) {
      if (constants[pattern_arg]->is_null()) {
        state->null_pattern = true;
      } else {
        ASSIGN_OR_RETURN(DatePattern pattern,
                         DatePattern::Compile(constants[pattern_arg]->string()));
        state->pattern = std::move(pattern);
      }
    }
    return std::shared_ptr<const void>(std::move(state));
  };
}

class PatternArg {
 public:
  PatternArg(const KernelContext& context, const std::vector<ColumnRef>& args, size_t index)
      : state_(static_cast<const PatternState*>(context.state)),
        column_(index < args.size() ? args[index].get() : nullptr) {}
  bool null_constant() const { return state_->null_pattern; }
  Result<const DatePattern*> Get(int64_t row) {
    if (state_->pattern) return &*state_->pattern;
    std::string_view text = column_->StringValue(row);
    if (!last_ || last_->text() != text) {
      ASSIGN_OR_RETURN(DatePattern compiled, DatePattern::Compile(text));
      last_ = std::move(compiled);
    }
    return &*last_;
  }

 private:
  const PatternState* state_;
  const Column* column_;
  std::optional<DatePattern> last_;
};

/// Formats TIMESTAMP micros (from `micros_of(row)`) with the pattern argument.
template <typename MicrosOf>
Result<ColumnRef> FormatColumn(const KernelContext& context, const std::vector<ColumnRef>& args,
                               int64_t num_rows, size_t pattern_arg, MicrosOf&& micros_of) {
  PatternArg pattern(context, args, pattern_arg);
  if (pattern.null_constant()) return Column::MakeNull(StringType(), num_rows);
  Status error;
  int64_t reserve = num_rows * 20;
  ASSIGN_OR_RETURN(ColumnRef result, MapToString(
                                         args, num_rows,
                                         [&](int64_t row, StringOutput& out) {
                                           Result<const DatePattern*> compiled = pattern.Get(row);
                                           if (!compiled.ok()) {
                                             error = compiled.status();
                                             return false;
                                           }
                                           std::optional<int64_t> micros = micros_of(row);
                                           if (!micros) return false;
                                           char* dst = out.Extend((*compiled)->max_length());
                                           out.Commit((*compiled)->Format(*micros, dst));
                                           return true;
                                         },
                                         reserve));
  RETURN_NOT_OK(error);
  return result;
}

/// date_format(ts, pattern)
Result<ColumnRef> DateFormatKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                   int64_t num_rows) {
  const int64_t* micros = args[0]->Values<int64_t>();
  return FormatColumn(context, args, num_rows, 1,
                      [&](int64_t row) -> std::optional<int64_t> { return micros[row]; });
}

/// date_format(string, pattern): the string is cast to a timestamp first (NULL if it does not
/// parse), as Spark's implicit cast.
Result<ColumnRef> DateFormatStringKernel(const KernelContext& context,
                                         const std::vector<ColumnRef>& args, int64_t num_rows) {
  const Column& input = *args[0];
  return FormatColumn(context, args, num_rows, 1,
                      [&](int64_t row) { return ParseTimestampMicros(input.StringValue(row)); });
}

/// from_unixtime(seconds[, pattern = 'yyyy-MM-dd HH:mm:ss'])
Result<ColumnRef> FromUnixtimeKernel(const KernelContext& context,
                                     const std::vector<ColumnRef>& args, int64_t num_rows) {
  const int64_t* seconds = args[0]->Values<int64_t>();
  return FormatColumn(context, args, num_rows, 1, [&](int64_t row) -> std::optional<int64_t> {
    int64_t micros = 0;
    if (__builtin_mul_overflow(seconds[row], kMicrosPerSecond, &micros)) return std::nullopt;
    return micros;
  });
}

/// from_unixtime(double seconds[, pattern]): the seconds are truncated toward zero first (Spark's
/// implicit CAST(x AS BIGINT)), so from_unixtime(ts_millis / 1000, ...) works as in Spark.
Result<ColumnRef> FromUnixtimeDoubleKernel(const KernelContext& context,
                                           const std::vector<ColumnRef>& args, int64_t num_rows) {
  const double* seconds = args[0]->Values<double>();
  return FormatColumn(context, args, num_rows, 1, [&](int64_t row) -> std::optional<int64_t> {
    const double value = std::trunc(seconds[row]);
    if (!(value > -9.2e12 && value < 9.2e12)) return std::nullopt;
    return static_cast<int64_t>(value) * kMicrosPerSecond;
  });
}

/// Parses STRING rows with the pattern argument into micros; `emit(row, micros, out)`.
template <typename T, typename Convert>
Result<ColumnRef> ParseColumn(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows, Convert&& convert) {
  PatternArg pattern(context, args, 1);
  if (pattern.null_constant()) return Column::MakeNull(context.result_type, num_rows);
  const Column& input = *args[0];
  Status error;
  ASSIGN_OR_RETURN(ColumnRef result,
                   MapToFixed<T>(context.result_type, args, num_rows, [&](int64_t row, T* out) {
                     Result<const DatePattern*> compiled = pattern.Get(row);
                     if (!compiled.ok()) {
                       error = compiled.status();
                       return false;
                     }
                     std::optional<int64_t> micros = (*compiled)->Parse(input.StringValue(row));
                     if (!micros) return false;
                     *out = convert(*micros);
                     return true;
                   }));
  RETURN_NOT_OK(error);
  return result;
}

Result<ColumnRef> ToTimestampPatternKernel(const KernelContext& context,
                                           const std::vector<ColumnRef>& args, int64_t num_rows) {
  return ParseColumn<int64_t>(context, args, num_rows, [](int64_t micros) { return micros; });
}
Result<ColumnRef> ToDatePatternKernel(const KernelContext& context,
                                      const std::vector<ColumnRef>& args, int64_t num_rows) {
  return ParseColumn<int32_t>(context, args, num_rows, [](int64_t micros) {
    return static_cast<int32_t>(FloorDiv(micros, kMicrosPerDay));
  });
}
Result<ColumnRef> UnixTimestampStringKernel(const KernelContext& context,
                                            const std::vector<ColumnRef>& args, int64_t num_rows) {
  return ParseColumn<int64_t>(context, args, num_rows,
                              [](int64_t micros) { return FloorDiv(micros, kMicrosPerSecond); });
}

/// CAST-based conversions (to_timestamp(s), to_date(s)).
Result<ColumnRef> CastKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                             int64_t) {
  return CastColumn(args[0], context.result_type, /*try_cast=*/true);
}

Result<ColumnRef> IdentityKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                 int64_t) {
  return args[0];
}

// ---------------------------------------------------------------------------------------------
// current_*

Result<ColumnRef> CurrentTimestampKernel(const KernelContext& context,
                                         const std::vector<ColumnRef>&, int64_t num_rows) {
  const int64_t now = context.eval ? context.eval->batch_timestamp_micros : 0;
  return MapToFixed<int64_t>(TimestampType(), {}, num_rows, [&](int64_t, int64_t* out) {
    *out = now;
    return true;
  });
}
Result<ColumnRef> CurrentDateKernel(const KernelContext& context, const std::vector<ColumnRef>&,
                                    int64_t num_rows) {
  const int64_t now = context.eval ? context.eval->batch_timestamp_micros : 0;
  const auto days = static_cast<int32_t>(FloorDiv(now, kMicrosPerDay));
  return MapToFixed<int32_t>(DateType(), {}, num_rows, [&](int64_t, int32_t* out) {
    *out = days;
    return true;
  });
}
Result<ColumnRef> CurrentUnixTimestampKernel(const KernelContext& context,
                                             const std::vector<ColumnRef>&, int64_t num_rows) {
  const int64_t now = context.eval ? context.eval->batch_timestamp_micros : 0;
  return MapToFixed<int64_t>(Int64Type(), {}, num_rows, [&](int64_t, int64_t* out) {
    *out = FloorDiv(now, kMicrosPerSecond);
    return true;
  });
}
Result<ColumnRef> CurrentTimezoneKernel(const KernelContext&, const std::vector<ColumnRef>&,
                                        int64_t num_rows) {
  return MapToString({}, num_rows, [](int64_t, StringOutput& out) {
    out.AppendPiece("UTC", 3);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Fields

enum class TimeField {
  kYear,
  kQuarter,
  kMonth,
  kWeek,
  kDay,
  kDayOfWeek,     // 1 = Sunday .. 7 = Saturday (Spark)
  kDayOfWeekIso,  // 1 = Monday .. 7 = Sunday
  kWeekday,       // 0 = Monday .. 6 = Sunday (Spark weekday())
  kDayOfYear,
  kHour,
  kMinute,
  kSecond,
};

struct FieldName {
  std::string_view name;
  TimeField field;
};
constexpr FieldName kFieldNames[] = {
    {"year", TimeField::kYear},
    {"years", TimeField::kYear},
    {"y", TimeField::kYear},
    {"yr", TimeField::kYear},
    {"yrs", TimeField::kYear},
    {"yyyy", TimeField::kYear},
    {"quarter", TimeField::kQuarter},
    {"qtr", TimeField::kQuarter},
    {"month", TimeField::kMonth},
    {"months", TimeField::kMonth},
    {"mon", TimeField::kMonth},
    {"mons", TimeField::kMonth},
    {"week", TimeField::kWeek},
    {"weeks", TimeField::kWeek},
    {"w", TimeField::kWeek},
    {"day", TimeField::kDay},
    {"days", TimeField::kDay},
    {"d", TimeField::kDay},
    {"dayofmonth", TimeField::kDay},
    {"dayofweek", TimeField::kDayOfWeek},
    {"dow", TimeField::kDayOfWeek},
    {"dayofweek_iso", TimeField::kDayOfWeekIso},
    {"dow_iso", TimeField::kDayOfWeekIso},
    {"isodow", TimeField::kDayOfWeekIso},
    {"doy", TimeField::kDayOfYear},
    {"dayofyear", TimeField::kDayOfYear},
    {"hour", TimeField::kHour},
    {"hours", TimeField::kHour},
    {"h", TimeField::kHour},
    {"hr", TimeField::kHour},
    {"hrs", TimeField::kHour},
    {"minute", TimeField::kMinute},
    {"minutes", TimeField::kMinute},
    {"m", TimeField::kMinute},
    {"min", TimeField::kMinute},
    {"mins", TimeField::kMinute},
    {"second", TimeField::kSecond},
    {"seconds", TimeField::kSecond},
    {"s", TimeField::kSecond},
    {"sec", TimeField::kSecond},
    {"secs", TimeField::kSecond},
};

std::optional<TimeField> LookupField(std::string_view name) {
  for (const auto& entry : kFieldNames) {
    if (EqualsIgnoreCase(entry.name, name)) return entry.field;
  }
  return std::nullopt;
}

/// ISO-8601 week number of a day.
int32_t IsoWeek(int64_t days) {
  const int64_t weekday_iso = ((days % 7) + 7 + 3) % 7 + 1;  // 1 = Monday
  const int64_t thursday = days - weekday_iso + 4;
  const CivilDate date = CivilFromDays(thursday);
  const int64_t doy = thursday - DaysFromCivil(date.year, 1, 1);
  return static_cast<int32_t>(doy / 7 + 1);
}

inline int32_t ExtractField(TimeField field, int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t time_of_day = micros - days * kMicrosPerDay;
  switch (field) {
    case TimeField::kHour:
      return static_cast<int32_t>(time_of_day / (3600 * kMicrosPerSecond));
    case TimeField::kMinute:
      return static_cast<int32_t>(time_of_day / (60 * kMicrosPerSecond) % 60);
    case TimeField::kSecond:
      return static_cast<int32_t>(time_of_day / kMicrosPerSecond % 60);
    case TimeField::kDayOfWeek:
      return static_cast<int32_t>(((days % 7) + 7 + 4) % 7 + 1);
    case TimeField::kDayOfWeekIso:
      return static_cast<int32_t>(((days % 7) + 7 + 3) % 7 + 1);
    case TimeField::kWeekday:
      return static_cast<int32_t>(((days % 7) + 7 + 3) % 7);
    case TimeField::kWeek:
      return IsoWeek(days);
    default:
      break;
  }
  const CivilDate date = CivilFromDays(days);
  switch (field) {
    case TimeField::kYear:
      return static_cast<int32_t>(date.year);
    case TimeField::kQuarter:
      return static_cast<int32_t>((date.month - 1) / 3 + 1);
    case TimeField::kMonth:
      return static_cast<int32_t>(date.month);
    case TimeField::kDay:
      return static_cast<int32_t>(date.day);
    case TimeField::kDayOfYear:
      return static_cast<int32_t>(days - DaysFromCivil(date.year, 1, 1) + 1);
    default:
      return 0;
  }
}

template <TimeField kField>
Result<ColumnRef> FieldKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows) {
  const int64_t* micros = args[0]->Values<int64_t>();
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    *out = ExtractField(kField, micros[row]);
    return true;
  });
}

struct FieldState {
  std::optional<TimeField> field;
};

Result<ColumnRef> DatePartKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                 int64_t num_rows) {
  const auto* state = static_cast<const FieldState*>(context.state);
  const int64_t* micros = args[1]->Values<int64_t>();
  const TimeField field = *state->field;
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    *out = ExtractField(field, micros[row]);
    return true;
  });
}

std::vector<std::string> FieldNames() {
  std::vector<std::string> names;
  for (const auto& entry : kFieldNames) names.emplace_back(entry.name);
  return names;
}

PrepareFn PrepareField() {
  return [](const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
    if (constants[0] == nullptr || constants[0]->is_null()) {
      return Status::Plan("date_part/extract needs a constant field name (YEAR, MONTH, DAY, ...)");
    }
    auto state = std::make_shared<FieldState>();
    state->field = LookupField(constants[0]->string());
    if (!state->field) {
      std::optional<std::string> match = ClosestMatch(constants[0]->string(), FieldNames());
      return Status::Plan("unknown date part '{}'{}", constants[0]->string(),
                          match ? " (did you mean '" + *match + "'?)" : std::string());
    }
    return std::shared_ptr<const void>(std::move(state));
  };
}

// ---------------------------------------------------------------------------------------------
// date_trunc / trunc

enum class TruncUnit {
  kYear,
  kQuarter,
  kMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMilli,
  kMicro
};

struct UnitName {
  std::string_view name;
  TruncUnit unit;
};
constexpr UnitName kUnitNames[] = {
    {"year", TruncUnit::kYear},         {"yyyy", TruncUnit::kYear},
    {"yy", TruncUnit::kYear},           {"quarter", TruncUnit::kQuarter},
    {"month", TruncUnit::kMonth},       {"mon", TruncUnit::kMonth},
    {"mm", TruncUnit::kMonth},          {"week", TruncUnit::kWeek},
    {"day", TruncUnit::kDay},           {"dd", TruncUnit::kDay},
    {"hour", TruncUnit::kHour},         {"minute", TruncUnit::kMinute},
    {"second", TruncUnit::kSecond},     {"millisecond", TruncUnit::kMilli},
    {"microsecond", TruncUnit::kMicro},
};

int64_t TruncateMicros(TruncUnit unit, int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  switch (unit) {
    case TruncUnit::kMicro:
      return micros;
    case TruncUnit::kMilli:
      return FloorDiv(micros, 1000) * 1000;
    case TruncUnit::kSecond:
      return FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond;
    case TruncUnit::kMinute:
      return FloorDiv(micros, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
    case TruncUnit::kHour:
      return FloorDiv(micros, 3600 * kMicrosPerSecond) * 3600 * kMicrosPerSecond;
    case TruncUnit::kDay:
      return days * kMicrosPerDay;
    case TruncUnit::kWeek: {
      const int64_t weekday_monday0 = ((days % 7) + 7 + 3) % 7;
      return (days - weekday_monday0) * kMicrosPerDay;
    }
    default:
      break;
  }
  const CivilDate date = CivilFromDays(days);
  unsigned month = date.month;
  if (unit == TruncUnit::kYear) month = 1;
  if (unit == TruncUnit::kQuarter) month = (date.month - 1) / 3 * 3 + 1;
  return static_cast<int64_t>(DaysFromCivil(date.year, month, 1)) * kMicrosPerDay;
}

struct UnitState {
  TruncUnit unit = TruncUnit::kDay;
};

PrepareFn PrepareUnit(size_t unit_arg, bool date_only) {
  return [unit_arg, date_only](
             const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
    const Value* value = constants[unit_arg];
    if (value == nullptr || value->is_null()) {
      return Status::Plan("the truncation unit must be a constant ('year', 'month', 'day', ...)");
    }
    std::vector<std::string> names;
    for (const auto& entry : kUnitNames) {
      if (date_only && entry.unit > TruncUnit::kWeek) continue;
      names.emplace_back(entry.name);
      if (EqualsIgnoreCase(entry.name, value->string())) {
        auto state = std::make_shared<UnitState>();
        state->unit = entry.unit;
        return std::shared_ptr<const void>(std::move(state));
      }
    }
    std::optional<std::string> match = ClosestMatch(value->string(), names);
    return Status::Plan("unknown truncation unit '{}'{}; valid units: {}", value->string(),
                        match ? " (did you mean '" + *match + "'?)" : std::string(),
                        Join(names, ", "));
  };
}

/// date_trunc(unit, ts) -> TIMESTAMP
Result<ColumnRef> DateTruncKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const TruncUnit unit = static_cast<const UnitState*>(context.state)->unit;
  const int64_t* micros = args[1]->Values<int64_t>();
  return MapToFixed<int64_t>(context.result_type, args, num_rows, [&](int64_t row, int64_t* out) {
    *out = TruncateMicros(unit, micros[row]);
    return true;
  });
}

/// trunc(date, unit) -> DATE
Result<ColumnRef> TruncDateKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const TruncUnit unit = static_cast<const UnitState*>(context.state)->unit;
  const int32_t* days = args[0]->Values<int32_t>();
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    *out = static_cast<int32_t>(FloorDiv(
        TruncateMicros(unit, static_cast<int64_t>(days[row]) * kMicrosPerDay), kMicrosPerDay));
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Date arithmetic

/// datediff(end, start): days from start to end.
Result<ColumnRef> DateDiffKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                 int64_t num_rows) {
  const int32_t* end = args[0]->Values<int32_t>();
  const int32_t* start = args[1]->Values<int32_t>();
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    *out = static_cast<int32_t>(static_cast<int64_t>(end[row]) - start[row]);
    return true;
  });
}

/// Converts TIMESTAMP arguments to DATE (their UTC day), then runs `kernel`.
ScalarKernel OnDates(ScalarKernel kernel, std::vector<size_t> timestamp_args) {
  return [kernel = std::move(kernel), timestamp_args = std::move(timestamp_args)](
             const KernelContext& context, const std::vector<ColumnRef>& args,
             int64_t num_rows) -> Result<ColumnRef> {
    std::vector<ColumnRef> converted = args;
    for (size_t index : timestamp_args) {
      ASSIGN_OR_RETURN(converted[index], CastColumn(args[index], DateType(), false));
    }
    return kernel(context, converted, num_rows);
  };
}

/// add_months(date, n): the same day n months later, clamped to the month's last day.
Result<ColumnRef> AddMonthsKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const int32_t* days = args[0]->Values<int32_t>();
  const int32_t* months = args[1]->Values<int32_t>();
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    const CivilDate date = CivilFromDays(days[row]);
    const int64_t total = date.year * 12 + (date.month - 1) + months[row];
    const int64_t year = FloorDiv(total, 12);
    const auto month = static_cast<unsigned>(total - year * 12 + 1);
    const int32_t first = DaysFromCivil(year, month, 1);
    const int32_t next_first =
        month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
    const int32_t last_day = next_first - first;
    *out = first +
           static_cast<int32_t>(std::min<unsigned>(date.day, static_cast<unsigned>(last_day))) - 1;
    return true;
  });
}

Result<ColumnRef> LastDayKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                int64_t num_rows) {
  const int32_t* days = args[0]->Values<int32_t>();
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    const CivilDate date = CivilFromDays(days[row]);
    *out = (date.month == 12 ? DaysFromCivil(date.year + 1, 1, 1)
                             : DaysFromCivil(date.year, date.month + 1, 1)) -
           1;
    return true;
  });
}

/// make_date(y, m, d): NULL for an invalid date (Spark's non-ANSI behaviour).
Result<ColumnRef> MakeDateKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                 int64_t num_rows) {
  const int32_t* year = args[0]->Values<int32_t>();
  const int32_t* month = args[1]->Values<int32_t>();
  const int32_t* day = args[2]->Values<int32_t>();
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    if (month[row] < 1 || month[row] > 12 || day[row] < 1) return false;
    const int32_t first = DaysFromCivil(year[row], static_cast<unsigned>(month[row]), 1);
    const int32_t next = month[row] == 12
                             ? DaysFromCivil(year[row] + 1, 1, 1)
                             : DaysFromCivil(year[row], static_cast<unsigned>(month[row]) + 1, 1);
    if (day[row] > next - first) return false;
    *out = first + day[row] - 1;
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Epoch conversions

template <int64_t kUnit, bool kToTimestamp>
Result<ColumnRef> EpochKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows) {
  const int64_t* input = args[0]->Values<int64_t>();
  Status error;
  ASSIGN_OR_RETURN(
      ColumnRef result,
      MapToFixed<int64_t>(context.result_type, args, num_rows, [&](int64_t row, int64_t* out) {
        if constexpr (kToTimestamp) {
          if (__builtin_mul_overflow(input[row], kUnit, out)) {
            error = Status::OutOfRange("timestamp overflow");
            return false;
          }
        } else {
          *out = FloorDiv(input[row], kUnit);
        }
        return true;
      }));
  RETURN_NOT_OK(error);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Time zones

/// Java's ZoneId.SHORT_IDS, which Spark accepts.
constexpr std::pair<std::string_view, std::string_view> kShortIds[] = {
    {"ACT", "Australia/Darwin"},
    {"AET", "Australia/Sydney"},
    {"AGT", "America/Argentina/Buenos_Aires"},
    {"ART", "Africa/Cairo"},
    {"AST", "America/Anchorage"},
    {"BET", "America/Sao_Paulo"},
    {"BST", "Asia/Dhaka"},
    {"CAT", "Africa/Harare"},
    {"CNT", "America/St_Johns"},
    {"CST", "America/Chicago"},
    {"CTT", "Asia/Shanghai"},
    {"EAT", "Africa/Addis_Ababa"},
    {"ECT", "Europe/Paris"},
    {"IET", "America/Indiana/Indianapolis"},
    {"IST", "Asia/Kolkata"},
    {"JST", "Asia/Tokyo"},
    {"MIT", "Pacific/Apia"},
    {"NET", "Asia/Yerevan"},
    {"NST", "Pacific/Auckland"},
    {"PLT", "Asia/Karachi"},
    {"PNT", "America/Phoenix"},
    {"PRT", "America/Puerto_Rico"},
    {"PST", "America/Los_Angeles"},
    {"SST", "Pacific/Guadalcanal"},
    {"VST", "Asia/Ho_Chi_Minh"},
    {"EST", "-05:00"},
    {"MST", "-07:00"},
    {"HST", "-10:00"},
};

/// Zone names from Debian's tzdata (for "did you mean" suggestions).
const std::vector<std::string>& KnownZoneNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    std::ifstream file("/usr/share/zoneinfo/tzdata.zi");
    std::string line;
    while (std::getline(file, line)) {
      if (line.rfind("Z ", 0) == 0) {
        out.push_back(line.substr(2, line.find(' ', 2) - 2));
      } else if (line.rfind("L ", 0) == 0) {
        size_t second = line.find(' ', 2);
        if (second != std::string::npos) out.push_back(line.substr(second + 1));
      }
    }
    return out;
  }();
  return names;
}

/// Parses a zone: IANA name, offset (+08:00, -0530, +8), UTC/GMT/UT/Z with an optional offset,
/// or a Java short id.
Result<absl::TimeZone> ResolveZone(std::string_view name) {
  std::string_view text = Trim(name);
  for (const auto& [short_id, target] : kShortIds) {
    if (text == short_id) text = target;
  }
  std::string_view rest = text;
  for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (StartsWith(rest, prefix)) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  if (rest.empty() || text == "Z") return absl::UTCTimeZone();
  if (rest[0] == '+' || rest[0] == '-') {
    const int sign = rest[0] == '-' ? -1 : 1;
    rest.remove_prefix(1);
    int hours = 0;
    int minutes = 0;
    int seconds = 0;
    size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
    bool ok = digits >= 1;
    if (ok && rest.find(':') == std::string_view::npos && digits == 4) {
      hours = std::stoi(std::string(rest.substr(0, 2)));
      minutes = std::stoi(std::string(rest.substr(2, 2)));
      ok = rest.size() == 4;
    } else if (ok && digits <= 2) {
      hours = std::stoi(std::string(rest.substr(0, digits)));
      rest.remove_prefix(digits);
      if (!rest.empty()) {
        ok = rest.size() == 3 && rest[0] == ':' &&
             std::isdigit(static_cast<unsigned char>(rest[1])) &&
             std::isdigit(static_cast<unsigned char>(rest[2]));
        if (ok) minutes = std::stoi(std::string(rest.substr(1, 2)));
      }
    } else {
      ok = false;
    }
    if (ok && hours <= 18 && minutes <= 59) {
      return absl::FixedTimeZone(sign * (hours * 3600 + minutes * 60 + seconds));
    }
    return Status::Plan("invalid time zone offset '{}'", name);
  }
  absl::TimeZone zone;
  if (absl::LoadTimeZone(std::string(text), &zone)) return zone;
  std::optional<std::string> match = ClosestMatch(text, KnownZoneNames());
  return Status::Plan("unknown time zone '{}'{}", name,
                      match ? " (did you mean '" + *match + "'?)" : std::string());
}

struct ZoneState {
  std::optional<absl::TimeZone> zone;
  bool null_zone = false;
};

PrepareFn PrepareZone() {
  return [](const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
    auto state = std::make_shared<ZoneState>();
    if (constants[1] != nullptr) {
      if (constants[1]->is_null()) {
        state->null_zone = true;
      } else {
        ASSIGN_OR_RETURN(absl::TimeZone zone, ResolveZone(constants[1]->string()));
        state->zone = zone;
      }
    }
    return std::shared_ptr<const void>(std::move(state));
  };
}

/// UTC instant -> the wall-clock time in `zone`, as microseconds of a UTC-displayed timestamp.
inline int64_t UtcToLocal(const absl::TimeZone& zone, int64_t micros) {
  const int64_t seconds = FloorDiv(micros, kMicrosPerSecond);
  const absl::TimeZone::CivilInfo info = zone.At(absl::FromUnixSeconds(seconds));
  return (seconds + info.offset) * kMicrosPerSecond + (micros - seconds * kMicrosPerSecond);
}

/// The wall-clock time `micros` in `zone` -> the UTC instant. A time skipped by a DST change is
/// moved forward by the gap and an ambiguous one takes the earlier offset (as Java/Spark).
inline int64_t LocalToUtc(const absl::TimeZone& zone, int64_t micros) {
  const int64_t seconds = FloorDiv(micros, kMicrosPerSecond);
  const absl::CivilSecond civil = absl::CivilSecond(1970, 1, 1, 0, 0, 0) + seconds;
  const absl::TimeZone::TimeInfo info = zone.At(civil);
  return absl::ToUnixSeconds(info.pre) * kMicrosPerSecond + (micros - seconds * kMicrosPerSecond);
}

template <bool kFromUtc>
Result<ColumnRef> ZoneShiftKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const auto* state = static_cast<const ZoneState*>(context.state);
  if (state->null_zone) return Column::MakeNull(TimestampType(), num_rows);
  const int64_t* micros = args[0]->Values<int64_t>();
  Status error;
  std::string last_name;
  std::optional<absl::TimeZone> last_zone;
  ASSIGN_OR_RETURN(
      ColumnRef result,
      MapToFixed<int64_t>(context.result_type, args, num_rows, [&](int64_t row, int64_t* out) {
        const absl::TimeZone* zone = state->zone ? &*state->zone : nullptr;
        if (zone == nullptr) {
          std::string_view name = args[1]->StringValue(row);
          if (!last_zone || name != last_name) {
            Result<absl::TimeZone> resolved = ResolveZone(name);
            if (!resolved.ok()) {
              error = resolved.status();
              return false;
            }
            last_zone = *resolved;
            last_name = std::string(name);
          }
          zone = &*last_zone;
        }
        *out = kFromUtc ? UtcToLocal(*zone, micros[row]) : LocalToUtc(*zone, micros[row]);
        return true;
      }));
  RETURN_NOT_OK(error);
  return result;
}

}  // namespace

void RegisterTimeFunctions(FunctionRegistry* registry) {
  const TypeRef s = StringType();
  const TypeRef ts = TimestampType();
  const TypeRef date = DateType();
  const TypeRef i32 = Int32Type();
  const TypeRef i64 = Int64Type();

  RegisterFunction(registry, "current_timestamp",
                   {NonDeterministic(Overload({}, ts, CurrentTimestampKernel))},
                   {"now", "localtimestamp", "get_current_timestamp"});
  RegisterFunction(registry, "current_date",
                   {NonDeterministic(Overload({}, date, CurrentDateKernel))}, {"curdate", "today"});
  RegisterFunction(registry, "current_timezone", {Overload({}, s, CurrentTimezoneKernel)});

  RegisterFunction(
      registry, "date_format",
      {WithPrepare(Overload({ts, s}, s, DateFormatKernel), PreparePattern(1), 0b10),
       WithPrepare(Overload({s, s}, s, DateFormatStringKernel, NullHandling::kIntroducesNulls),
                   PreparePattern(1), 0b10)},
      {"strftime"});
  RegisterFunction(
      registry, "from_unixtime",
      {WithPrepare(Overload({i64}, s, FromUnixtimeKernel), PreparePattern(1, kDefaultFormat), 0),
       WithPrepare(Overload({i64, s}, s, FromUnixtimeKernel), PreparePattern(1), 0b10),
       WithPrepare(
           Overload({DoubleType()}, s, FromUnixtimeDoubleKernel, NullHandling::kIntroducesNulls),
           PreparePattern(1, kDefaultFormat), 0),
       WithPrepare(
           Overload({DoubleType(), s}, s, FromUnixtimeDoubleKernel, NullHandling::kIntroducesNulls),
           PreparePattern(1), 0b10)});
  RegisterFunction(
      registry, "to_timestamp",
      {Overload({s}, ts, CastKernel, NullHandling::kIntroducesNulls),
       Overload({ts}, ts, IdentityKernel),
       WithPrepare(Overload({s, s}, ts, ToTimestampPatternKernel, NullHandling::kIntroducesNulls),
                   PreparePattern(1), 0b10)});
  RegisterFunction(
      registry, "to_date",
      {Overload({s}, date, CastKernel, NullHandling::kIntroducesNulls),
       Overload({ts}, date, CastKernel),
       WithPrepare(Overload({s, s}, date, ToDatePatternKernel, NullHandling::kIntroducesNulls),
                   PreparePattern(1), 0b10)});
  {
    std::vector<FunctionOverload> overloads = {
        NonDeterministic(Overload({}, i64, CurrentUnixTimestampKernel)),
        Overload({ts}, i64, EpochKernel<kMicrosPerSecond, false>),
        WithPrepare(Overload({s}, i64, UnixTimestampStringKernel, NullHandling::kIntroducesNulls),
                    PreparePattern(1, kDefaultFormat), 0),
        WithPrepare(
            Overload({s, s}, i64, UnixTimestampStringKernel, NullHandling::kIntroducesNulls),
            PreparePattern(1), 0b10)};
    RegisterFunction(registry, "unix_timestamp", overloads);
    overloads.erase(overloads.begin());
    RegisterFunction(registry, "to_unix_timestamp", overloads);
  }
  RegisterFunction(registry, "unix_seconds",
                   {Overload({ts}, i64, EpochKernel<kMicrosPerSecond, false>)});
  RegisterFunction(registry, "unix_millis", {Overload({ts}, i64, EpochKernel<1000, false>)});
  RegisterFunction(registry, "unix_micros", {Overload({ts}, i64, EpochKernel<1, false>)});
  RegisterFunction(registry, "timestamp_seconds",
                   {Overload({i64}, ts, EpochKernel<kMicrosPerSecond, true>)});
  RegisterFunction(registry, "timestamp_millis", {Overload({i64}, ts, EpochKernel<1000, true>)});
  RegisterFunction(registry, "timestamp_micros", {Overload({i64}, ts, EpochKernel<1, true>)});

  RegisterFunction(
      registry, "date_trunc",
      {WithPrepare(Overload({s, ts}, ts, DateTruncKernel), PrepareUnit(0, false), 0b1)});
  RegisterFunction(
      registry, "trunc",
      {WithPrepare(Overload({date, s}, date, TruncDateKernel), PrepareUnit(1, true), 0b10)});
  RegisterFunction(registry, "date_part",
                   {WithPrepare(Overload({s, ts}, i32, DatePartKernel), PrepareField(), 0b1)},
                   {"datepart"});
  RegisterFunction(registry, "year", {Overload({ts}, i32, FieldKernel<TimeField::kYear>)});
  RegisterFunction(registry, "quarter", {Overload({ts}, i32, FieldKernel<TimeField::kQuarter>)});
  RegisterFunction(registry, "month", {Overload({ts}, i32, FieldKernel<TimeField::kMonth>)});
  RegisterFunction(registry, "day", {Overload({ts}, i32, FieldKernel<TimeField::kDay>)},
                   {"dayofmonth"});
  RegisterFunction(registry, "hour", {Overload({ts}, i32, FieldKernel<TimeField::kHour>)});
  RegisterFunction(registry, "minute", {Overload({ts}, i32, FieldKernel<TimeField::kMinute>)});
  RegisterFunction(registry, "second", {Overload({ts}, i32, FieldKernel<TimeField::kSecond>)});
  RegisterFunction(registry, "dayofweek",
                   {Overload({ts}, i32, FieldKernel<TimeField::kDayOfWeek>)});
  RegisterFunction(registry, "weekday", {Overload({ts}, i32, FieldKernel<TimeField::kWeekday>)});
  RegisterFunction(registry, "dayofyear",
                   {Overload({ts}, i32, FieldKernel<TimeField::kDayOfYear>)});
  RegisterFunction(registry, "weekofyear", {Overload({ts}, i32, FieldKernel<TimeField::kWeek>)},
                   {"week"});

  RegisterFunction(registry, "date_add",
                   {Overload({date, i32}, date, DateAddDays),
                    Overload({ts, i32}, date, OnDates(DateAddDays, {0}))},
                   {"dateadd"});
  RegisterFunction(registry, "date_sub",
                   {Overload({date, i32}, date, DateSubDays),
                    Overload({ts, i32}, date, OnDates(DateSubDays, {0}))});
  RegisterFunction(registry, "datediff",
                   {Overload({date, date}, i32, DateDiffKernel),
                    Overload({ts, ts}, i32, OnDates(DateDiffKernel, {0, 1}))});
  RegisterFunction(registry, "add_months",
                   {Overload({date, i32}, date, AddMonthsKernel),
                    Overload({ts, i32}, date, OnDates(AddMonthsKernel, {0}))});
  RegisterFunction(
      registry, "last_day",
      {Overload({date}, date, LastDayKernel), Overload({ts}, date, OnDates(LastDayKernel, {0}))});
  RegisterFunction(
      registry, "make_date",
      {Overload({i32, i32, i32}, date, MakeDateKernel, NullHandling::kIntroducesNulls)});

  RegisterFunction(
      registry, "from_utc_timestamp",
      {WithPrepare(Overload({ts, s}, ts, ZoneShiftKernel<true>), PrepareZone(), 0b10)});
  RegisterFunction(
      registry, "to_utc_timestamp",
      {WithPrepare(Overload({ts, s}, ts, ZoneShiftKernel<false>), PrepareZone(), 0b10)});
}

}  // namespace sluice
