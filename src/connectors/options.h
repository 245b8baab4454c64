// Option specs and validated option sets, shared by every connector and by pipeline settings.
// Option names are case-insensitive and follow Spark's spelling (`maxOffsetsPerTrigger`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/strings.h"

namespace sluice {

enum class OptionType {
  kString,
  kInt,       // signed 64-bit integer
  kDouble,
  kBool,      // true/false
  kDuration,  // "10 seconds", "500ms"
  kSize,      // "128MB"
  kEnum,      // one of OptionSpec::allowed, case-insensitive
  kList,      // comma-separated strings
};

std::string_view OptionTypeName(OptionType type);

/// One documented option: what `sluice connectors` prints, what validation checks.
struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  /// Default as text; std::nullopt = no default (absent unless given).
  std::optional<std::string> default_value;
  std::string description;
  bool required = false;
  std::vector<std::string> allowed;  // kEnum values
  /// Minimum for kInt/kDouble/kDuration/kSize, inclusive.
  std::optional<double> min_value;
  /// Options whose name starts with this prefix are passed through (e.g. "kafka."): `name` is the
  /// prefix and the spec accepts any key under it.
  bool is_prefix = false;
};

/// An option as written in the pipeline: key, value and an opaque index (the position of the
/// `'key' = 'value'` pair in the WITH list, for error locations).
struct RawOption {
  std::string key;
  std::string value;
};

/// Options after validation: every key canonicalised to its spec's spelling, defaults filled in.
/// Getters take the spec's name; they return the parsed value (validation already checked it).
class OptionSet {
 public:
  OptionSet() = default;

  bool Has(std::string_view name) const;
  std::string GetString(std::string_view name) const;  // "" if absent
  int64_t GetInt(std::string_view name) const;          // 0 if absent
  double GetDouble(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  int64_t GetDurationMicros(std::string_view name) const;
  int64_t GetSizeBytes(std::string_view name) const;
  std::vector<std::string> GetList(std::string_view name) const;  // trimmed, empties dropped
  /// Every pass-through key under a prefix spec, with the prefix removed ("kafka.acks" -> "acks").
  std::map<std::string, std::string> GetPrefixed(std::string_view prefix) const;

  const std::map<std::string, std::string>& values() const { return values_; }
  void Set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }

 private:
  std::map<std::string, std::string> values_;  // canonical name -> text
};

/// Why validation failed, and which raw option (index into the input) is at fault, or -1 when
/// the problem is a missing required option.
struct OptionError {
  Status status;
  int option_index = -1;
};

/// Validates `raw` against `specs`: unknown keys (with a "did you mean" and the list of valid
/// keys), duplicated keys, bad values for the type, enum values, minimums, missing required keys.
/// `what` names the owner in messages ("connector 'datagen' (source)").
Result<OptionSet> ValidateOptions(const std::vector<OptionSpec>& specs,
                                  const std::vector<RawOption>& raw, std::string_view what,
                                  OptionError* error);

}  // namespace sluice
