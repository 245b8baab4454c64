#include "formats/decode_util.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "common/time_util.h"

namespace sluice::decode_util {

bool ParseTemporal(std::string_view text, bool is_date, const DateTimePattern& pattern,
                   int64_t* out) {
  if (is_date) {
    std::optional<int32_t> days = pattern.empty() ? ParseDate(Trim(text)) : pattern.ParseDate(text);
    if (!days) return false;
    *out = *days;
    return true;
  }
  std::optional<int64_t> micros =
      pattern.empty() ? ParseTimestampMicros(text) : pattern.ParseTimestampMicros(text);
  if (!micros) return false;
  *out = *micros;
  return true;
}

TemporalProblem TemporalError(std::string_view text, bool is_date, const DateTimePattern& pattern) {
  TemporalProblem problem;
  problem.kind = is_date ? bad_reason::kInvalidDate : bad_reason::kInvalidTimestamp;
  std::string expected;
  if (pattern.empty()) {
    expected = is_date ? "expected yyyy-MM-dd" : "expected ISO-8601";
  } else {
    expected =
        fmt::format("{} '{}'", is_date ? "dateFormat" : "timestampFormat", pattern.pattern());
  }
  problem.reason = fmt::format("cannot parse {} as {} ({})", Quoted(text),
                               is_date ? "DATE" : "TIMESTAMP", expected);
  return problem;
}

}  // namespace sluice::decode_util
