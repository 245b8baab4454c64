// Small helpers shared by the decoders (not part of the formats API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace sluice::decode_util
