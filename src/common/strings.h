// Small string utilities shared by every module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);

/// Levenshtein distance, case-insensitive; used for "did you mean ...?" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);
/// The closest candidate within a small distance of `name`, if any.
std::optional<std::string> ClosestMatch(std::string_view name,
                                        const std::vector<std::string>& candidates);

/// Parses a whole string as a signed 64-bit integer (no trailing characters).
std::optional<int64_t> ParseInt64(std::string_view s);
/// Parses a whole string as a double.
std::optional<double> ParseDouble(std::string_view s);
/// true/false/1/0/yes/no, case-insensitive.
std::optional<bool> ParseBool(std::string_view s);

/// Appends `s` as a JSON string literal (quotes included) to `out`.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace sluice
