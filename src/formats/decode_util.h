// Small helpers shared by the decoders (not part of the formats API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "formats/datetime_pattern.h"
#include "formats/decode.h"

namespace sluice::decode_util {

/// `text` as a JSON string for reasons, cut after 64 bytes (on a UTF-8 boundary) with "...".
std::string Quoted(std::string_view text);
/// Spark's spellings of non-finite doubles: NaN, Infinity, +Infinity, -Infinity, INF, +INF,
/// -INF, Inf, -Inf.
bool ParseNonFinite(std::string_view text, double* out);
/// Exact integer text: optional sign, digits only, in int64 range.
std::optional<int64_t> ParseExactInt64(std::string_view text);
/// A finite double written as a decimal/scientific number, or a non-finite spelling.
std::optional<double> ParseExactDouble(std::string_view text);

/// The text of a DATE or TIMESTAMP value: with `pattern` when it is set (dateFormat,
/// timestampFormat), else yyyy-MM-dd (blanks around it allowed) or ISO-8601. `*out`: days since
/// 1970-01-01 (DATE) or micros since the epoch, UTC (TIMESTAMP). False when it does not parse.
bool ParseTemporal(std::string_view text, bool is_date, const DateTimePattern& pattern,
                   int64_t* out);
/// Why ParseTemporal rejected `text`: invalid_date or invalid_timestamp, and
/// `cannot parse "x" as DATE (expected yyyy-MM-dd)` (or the pattern it was parsed with).
struct TemporalProblem {
  std::string_view kind;
  std::string reason;
};
TemporalProblem TemporalError(std::string_view text, bool is_date, const DateTimePattern& pattern);

}  // namespace sluice::decode_util
