#include "formats/decode.h"

#include <charconv>
#include <cstring>
#include <limits>

#include <simdjson.h>

#include "common/strings.h"
#include "formats/csv_decoder.h"
#include "formats/decode_util.h"
#include "formats/json_decoder.h"
#include "formats/text_decoder.h"

namespace sluice {

namespace decode_util {

std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 64;
  std::string out;
  if (text.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    AppendJsonString(out, ValidUtf8OrReplaced(text.substr(0, cut)));
    out.insert(out.size() - 1, "...");
  } else {
    AppendJsonString(out, ValidUtf8OrReplaced(text));
  }
  return out;
}

bool ParseNonFinite(std::string_view text, double* out) {
  if (text == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text == "Infinity" || text == "+Infinity" || text == "INF" || text == "+INF" ||
      text == "Inf") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Infinity" || text == "-INF" || text == "-Inf") {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  return false;
}

std::optional<int64_t> ParseExactInt64(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseExactDouble(std::string_view text) {
  double value = 0;
  if (ParseNonFinite(text, &value)) return value;
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace decode_util

namespace {

Result<char> OneChar(const std::string& name, const std::string& value) {
  if (value.size() == 1) return value[0];
  if (value == "\\t") return '\t';
  if (value == "\\u0000" || value.empty()) return '\0';
  return Status::Config("option '{}' must be one character (or \\t), got '{}'", name, value);
}

}  // namespace

Result<DecodeOptions> DecodeOptions::FromMap(const std::map<std::string, std::string>& values) {
  DecodeOptions options;
  auto get = [&](const char* name) -> const std::string* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  };
  if (const std::string* mode = get("mode")) {
    if (EqualsIgnoreCase(*mode, "PERMISSIVE")) {
      options.mode = DecodeMode::kPermissive;
    } else if (EqualsIgnoreCase(*mode, "DROPMALFORMED")) {
      options.mode = DecodeMode::kDropMalformed;
    } else if (EqualsIgnoreCase(*mode, "FAILFAST")) {
      options.mode = DecodeMode::kFailFast;
    } else {
      return Status::Config("mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, got '{}'", *mode);
    }
  }
  if (const std::string* v = get("columnNameOfCorruptRecord")) {
    options.column_name_of_corrupt_record = *v;
  }
  if (const std::string* v = get("rescuedDataColumn")) options.rescued_data_column = *v;
  if (const std::string* v = get("timestampFormat")) options.timestamp_format = *v;
  if (const std::string* v = get("dateFormat")) options.date_format = *v;
  if (const std::string* v = get("epochUnit")) {
    if (EqualsIgnoreCase(*v, "seconds")) {
      options.epoch_unit = EpochUnit::kSeconds;
    } else if (EqualsIgnoreCase(*v, "millis")) {
      options.epoch_unit = EpochUnit::kMillis;
    } else if (EqualsIgnoreCase(*v, "micros")) {
      options.epoch_unit = EpochUnit::kMicros;
    } else {
      return Status::Config("epochUnit must be seconds, millis or micros, got '{}'", *v);
    }
  }
  if (const std::string* v = get("header")) options.header = EqualsIgnoreCase(*v, "true");
  if (const std::string* v = get("sep")) {
    ASSIGN_OR_RETURN(options.sep, OneChar("sep", *v));
    if (options.sep == '\0') return Status::Config("option 'sep' must not be empty");
  }
  if (const std::string* v = get("quote")) {
    ASSIGN_OR_RETURN(options.quote, OneChar("quote", *v));
  }
  if (const std::string* v = get("escape")) {
    ASSIGN_OR_RETURN(options.escape, OneChar("escape", *v));
  }
  if (const std::string* v = get("comment")) {
    ASSIGN_OR_RETURN(options.comment, OneChar("comment", *v));
  }
  if (const std::string* v = get("nullValue")) options.null_value = *v;
  if (options.sep == '\n' || options.sep == '\r' || options.quote == '\n' ||
      (options.quote != '\0' && options.quote == options.sep)) {
    return Status::Config("options 'sep' and 'quote' must differ and not be a line break");
  }
  return options;
}

Result<std::unique_ptr<RecordDecoder>> MakeDecoder(DecodeFormat format, SchemaRef schema,
                                                   DecodeOptions options) {
  switch (format) {
    case DecodeFormat::kJson: {
      ASSIGN_OR_RETURN(auto decoder, JsonDecoder::Make(std::move(schema), std::move(options)));
      return std::unique_ptr<RecordDecoder>(std::move(decoder));
    }
    case DecodeFormat::kCsv: {
      ASSIGN_OR_RETURN(auto decoder, CsvDecoder::Make(std::move(schema), std::move(options)));
      return std::unique_ptr<RecordDecoder>(std::move(decoder));
    }
    case DecodeFormat::kText: {
      ASSIGN_OR_RETURN(auto decoder, TextDecoder::Make(std::move(schema), std::move(options)));
      return std::unique_ptr<RecordDecoder>(std::move(decoder));
    }
  }
  return Status::Internal("unknown decode format");
}

Result<DecodeFormat> ParseDecodeFormat(std::string_view name) {
  if (EqualsIgnoreCase(name, "json")) return DecodeFormat::kJson;
  if (EqualsIgnoreCase(name, "csv")) return DecodeFormat::kCsv;
  if (EqualsIgnoreCase(name, "text")) return DecodeFormat::kText;
  return Status::Config("unknown format '{}' (expected json, csv or text)", name);
}

std::string_view DecodeModeName(DecodeMode mode) {
  switch (mode) {
    case DecodeMode::kPermissive:
      return "PERMISSIVE";
    case DecodeMode::kDropMalformed:
      return "DROPMALFORMED";
    case DecodeMode::kFailFast:
      return "FAILFAST";
  }
  return "?";
}

Status FailFastError(const DecodeIssue& issue, std::string_view where) {
  return Status::Decode(
      "malformed record at {}: {} (mode FAILFAST; use PERMISSIVE or "
      "DROPMALFORMED with badRecordsPath to quarantine it)",
      where, issue.reason);
}

std::string ValidUtf8OrReplaced(std::string_view text) {
  if (simdjson::validate_utf8(text.data(), text.size())) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  size_t pos = 0;
  while (pos < text.size()) {
    // Find the longest valid prefix a byte at a time (rare path: only for invalid input).
    auto c = static_cast<unsigned char>(text[pos]);
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (length != 0 && pos + length <= text.size() &&
        simdjson::validate_utf8(text.data() + pos, length)) {
      out.append(text.substr(pos, length));
      pos += length;
    } else {
      out.append("\xEF\xBF\xBD");
      ++pos;
    }
  }
  return out;
}

bool AppendRawRecordJson(std::string& out, std::string_view raw) {
  if (simdjson::validate_utf8(raw.data(), raw.size())) {
    AppendJsonString(out, raw);
    return true;
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out.push_back('"');
  size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    uint32_t n = (static_cast<uint32_t>(static_cast<unsigned char>(raw[i])) << 16) |
                 (static_cast<uint32_t>(static_cast<unsigned char>(raw[i + 1])) << 8) |
                 static_cast<unsigned char>(raw[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i < raw.size()) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(raw[i])) << 16;
    if (i + 1 < raw.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(raw[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < raw.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  out.push_back('"');
  return false;
}

}  // namespace sluice
