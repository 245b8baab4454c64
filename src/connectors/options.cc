#include "connectors/options.h"

#include <fmt/format.h>

#include "common/time_util.h"

namespace sluice {

std::string_view OptionTypeName(OptionType type) {
  switch (type) {
    case OptionType::kString:
      return "string";
    case OptionType::kInt:
      return "int";
    case OptionType::kDouble:
      return "double";
    case OptionType::kBool:
      return "bool";
    case OptionType::kDuration:
      return "duration";
    case OptionType::kSize:
      return "size";
    case OptionType::kEnum:
      return "enum";
    case OptionType::kList:
      return "list";
  }
  return "unknown";
}

namespace {

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

/// The spec a raw key belongs to, and the key's canonical spelling; nullptr if unknown.
const OptionSpec* FindSpec(const std::vector<OptionSpec>& specs, std::string_view key,
                           std::string* canonical) {
  for (const auto& spec : specs) {
    if (!spec.is_prefix && EqualsIgnoreCase(spec.name, key)) {
      *canonical = spec.name;
      return &spec;
    }
  }
  for (const auto& spec : specs) {
    if (spec.is_prefix && key.size() > spec.name.size() && StartsWithIgnoreCase(key, spec.name)) {
      *canonical = spec.name + std::string(key.substr(spec.name.size()));
      return &spec;
    }
  }
  return nullptr;
}

std::string SpecDisplayName(const OptionSpec& spec) {
  return spec.is_prefix ? spec.name + "*" : spec.name;
}

/// Checks `value` against the spec's type, enum values and minimum. On success `*canonical_value`
/// holds the value to store (enum values take the spec's spelling).
Status CheckValue(const OptionSpec& spec, const std::string& key, const std::string& value,
                  std::string* canonical_value) {
  *canonical_value = value;
  std::optional<double> numeric;
  switch (spec.type) {
    case OptionType::kString:
    case OptionType::kList:
      break;
    case OptionType::kInt: {
      auto parsed = ParseInt64(Trim(value));
      if (!parsed) return Status::Config("option '{}' expects an integer, got '{}'", key, value);
      numeric = static_cast<double>(*parsed);
      *canonical_value = std::to_string(*parsed);
      break;
    }
    case OptionType::kDouble: {
      auto parsed = ParseDouble(Trim(value));
      if (!parsed) return Status::Config("option '{}' expects a number, got '{}'", key, value);
      numeric = *parsed;
      break;
    }
    case OptionType::kBool: {
      auto parsed = ParseBool(Trim(value));
      if (!parsed) return Status::Config("option '{}' expects true or false, got '{}'", key, value);
      *canonical_value = *parsed ? "true" : "false";
      break;
    }
    case OptionType::kDuration: {
      auto parsed = ParseDurationMicros(value);
      if (!parsed.ok()) {
        return Status::Config(
            "option '{}' expects a duration (e.g. '10 seconds', '500ms'), got '{}'", key, value);
      }
      numeric = static_cast<double>(*parsed);
      break;
    }
    case OptionType::kSize: {
      auto parsed = ParseByteSize(value);
      if (!parsed.ok()) {
        return Status::Config("option '{}' expects a size (e.g. '128MB'), got '{}'", key, value);
      }
      numeric = static_cast<double>(*parsed);
      break;
    }
    case OptionType::kEnum: {
      std::string_view trimmed = Trim(value);
      for (const auto& allowed : spec.allowed) {
        if (EqualsIgnoreCase(allowed, trimmed)) {
          *canonical_value = allowed;
          return Status::OK();
        }
      }
      return Status::Config("option '{}' expects one of {}, got '{}'", key,
                            Join(spec.allowed, ", "), value);
    }
  }
  if (numeric && spec.min_value && *numeric < *spec.min_value) {
    std::string min_text;
    if (spec.type == OptionType::kDuration) {
      min_text = fmt::format("{}us", *spec.min_value);
    } else if (spec.type == OptionType::kSize) {
      min_text = fmt::format("{} bytes", *spec.min_value);
    } else {
      min_text = fmt::format("{}", *spec.min_value);
    }
    return Status::Config("option '{}' must be at least {}, got '{}'", key, min_text, value);
  }
  return Status::OK();
}

Result<OptionSet> Fail(OptionError* error, Status status, int index) {
  if (error != nullptr) {
    error->status = status;
    error->option_index = index;
  }
  return status;
}

}  // namespace

Result<OptionSet> ValidateOptions(const std::vector<OptionSpec>& specs,
                                  const std::vector<RawOption>& raw, std::string_view what,
                                  OptionError* error) {
  OptionSet result;
  std::vector<std::string> seen_lower;  // canonical keys already given, lower-cased
  for (size_t index = 0; index < raw.size(); ++index) {
    const RawOption& option = raw[index];
    const int option_index = static_cast<int>(index);
    std::string canonical;
    const OptionSpec* spec = FindSpec(specs, Trim(option.key), &canonical);
    if (spec == nullptr) {
      std::vector<std::string> names;
      std::vector<std::string> display;
      for (const auto& s : specs) {
        if (!s.is_prefix) names.push_back(s.name);
        display.push_back(SpecDisplayName(s));
      }
      std::string message = fmt::format("unknown option '{}' for {}", option.key, what);
      if (auto match = ClosestMatch(option.key, names)) {
        message += fmt::format(" (did you mean '{}'?)", *match);
      }
      message += display.empty() ? "; it takes no options"
                                 : fmt::format("; valid options: {}", Join(display, ", "));
      return Fail(error, Status(StatusCode::kConfig, std::move(message)), option_index);
    }
    std::string lower = ToLower(canonical);
    for (const auto& previous : seen_lower) {
      if (previous == lower) {
        return Fail(error, Status::Config("duplicate option '{}' for {}", canonical, what),
                    option_index);
      }
    }
    seen_lower.push_back(std::move(lower));
    std::string value;
    Status status = CheckValue(*spec, canonical, option.value, &value);
    if (!status.ok()) return Fail(error, status, option_index);
    result.Set(canonical, std::move(value));
  }
  for (const auto& spec : specs) {
    if (spec.is_prefix || result.values().count(spec.name) > 0) continue;
    if (spec.required) {
      return Fail(error, Status::Config("missing required option '{}' for {}", spec.name, what),
                  -1);
    }
    if (spec.default_value) result.Set(spec.name, *spec.default_value);
  }
  if (error != nullptr) {
    error->status = Status::OK();
    error->option_index = -1;
  }
  return result;
}

namespace {

const std::string* Lookup(const std::map<std::string, std::string>& values, std::string_view name) {
  auto it = values.find(std::string(name));
  if (it != values.end()) return &it->second;
  for (const auto& [key, value] : values) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

}  // namespace

bool OptionSet::Has(std::string_view name) const { return Lookup(values_, name) != nullptr; }

std::string OptionSet::GetString(std::string_view name) const {
  const std::string* value = Lookup(values_, name);
  return value ? *value : std::string();
}

int64_t OptionSet::GetInt(std::string_view name) const {
  const std::string* value = Lookup(values_, name);
  if (value == nullptr) return 0;
  return ParseInt64(Trim(*value)).value_or(0);
}

double OptionSet::GetDouble(std::string_view name) const {
  const std::string* value = Lookup(values_, name);
  if (value == nullptr) return 0;
  return ParseDouble(Trim(*value)).value_or(0);
}

bool OptionSet::GetBool(std::string_view name) const {
  const std::string* value = Lookup(values_, name);
  if (value == nullptr) return false;
  return ParseBool(Trim(*value)).value_or(false);
}

int64_t OptionSet::GetDurationMicros(std::string_view name) const {
  const std::string* value = Lookup(values_, name);
  if (value == nullptr) return 0;
  auto parsed = ParseDurationMicros(*value);
  return parsed.ok() ? *parsed : 0;
}

int64_t OptionSet::GetSizeBytes(std::string_view name) const {
  const std::string* value = Lookup(values_, name);
  if (value == nullptr) return 0;
  auto parsed = ParseByteSize(*value);
  return parsed.ok() ? *parsed : 0;
}

std::vector<std::string> OptionSet::GetList(std::string_view name) const {
  std::vector<std::string> items;
  const std::string* value = Lookup(values_, name);
  if (value == nullptr) return items;
  for (const auto& part : Split(*value, ',')) {
    std::string_view trimmed = Trim(part);
    if (!trimmed.empty()) items.emplace_back(trimmed);
  }
  return items;
}

std::map<std::string, std::string> OptionSet::GetPrefixed(std::string_view prefix) const {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : values_) {
    if (key.size() > prefix.size() && StartsWithIgnoreCase(key, prefix)) {
      out[key.substr(prefix.size())] = value;
    }
  }
  return out;
}

}  // namespace sluice
