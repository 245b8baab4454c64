#include "formats/json_decoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>

#include <fmt/format.h>

#include "common/strings.h"
#include "common/time_util.h"
#include "formats/decode_util.h"

namespace sluice {

namespace od = simdjson::ondemand;

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
constexpr double kTwoPow53 = 9007199254740992.0;
constexpr double kTwoPow63 = 9223372036854775808.0;

JsonDecoder::FieldPlan PlanFor(const Field& field) {
  JsonDecoder::FieldPlan plan;
  plan.name = field.name;
  plan.type = field.type;
  plan.id = field.type->id();
  plan.nullable = field.nullable;
  // The tape's form of the key: a 32-bit length, then the bytes (first 12 here).
  uint8_t prefix[16] = {};
  uint8_t mask[16] = {};
  const auto length = static_cast<uint32_t>(plan.name.size());
  std::memcpy(prefix, &length, sizeof(length));
  std::memset(mask, 0xFF, sizeof(length));
  for (size_t i = 0; i < plan.name.size() && i < 12; ++i) {
    prefix[4 + i] = static_cast<uint8_t>(plan.name[i]);
    mask[4 + i] = 0xFF;
  }
  std::memcpy(plan.key_words, prefix, sizeof(prefix));
  std::memcpy(plan.key_masks, mask, sizeof(mask));
  if (plan.id == TypeId::kStruct) {
    for (const Field& child : field.type->fields()) plan.children.push_back(PlanFor(child));
  } else if (plan.id == TypeId::kList) {
    plan.children.push_back(PlanFor(Field{"item", field.type->value_type(), true}));
  }
  return plan;
}

std::string_view JsonTypeName(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "array";
    case od::json_type::object:
      return "object";
    case od::json_type::number:
      return "number";
    case od::json_type::string:
      return "string";
    case od::json_type::boolean:
      return "boolean";
    case od::json_type::null:
      return "null";
  }
  return "value";
}

std::string_view TrimRight(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

/// Text of a scalar token, or of a whole object/array (consumes the value).
simdjson::error_code RawJson(od::value& value, od::json_type type, std::string_view* out) {
  if (type == od::json_type::object) {
    od::object object;
    if (auto error = value.get_object().get(object)) return error;
    return object.raw_json().get(*out);
  }
  if (type == od::json_type::array) {
    od::array array;
    if (auto error = value.get_array().get(array)) return error;
    return array.raw_json().get(*out);
  }
  std::string_view token = value.raw_json_token();
  *out = TrimRight(token);
  return simdjson::SUCCESS;
}

/// A token simdjson does not take as a number but Spark does (allowNonNumericNumbers): NaN,
/// Infinity, -Infinity, +INF, ... (decode_util::ParseNonFinite's spellings).
bool IsNonFiniteToken(std::string_view token) {
  double ignored = 0;
  return decode_util::ParseNonFinite(token, &ignored);
}

inline unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

/// The layout nearly every producer writes, "yyyy-MM-ddTHH:mm:ss[.fraction][Z]" (no spaces, no
/// offset), parsed in one pass, the date part remembered in `cache` (records of a batch mostly
/// share their day); false for anything else, which ParseTimestampMicros then takes (the same
/// micros for what both accept: fraction truncated to micros, 'T', 't' or ' ').
inline bool ParseIsoTimestampFast(std::string_view s, int64_t* out, IsoDateCache* cache) {
  const size_t n = s.size();
  if (n < 19) return false;
  const char* p = s.data();
  auto digit = [p](size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(p[i])) - unsigned{'0'};
  };
  auto not_digit = [&digit](size_t i) { return digit(i) > 9 ? 1u : 0u; };
  int64_t micros = 0;
  if (cache != nullptr && cache->valid && std::memcmp(p, cache->date, 10) == 0) {
    micros = cache->micros;
  } else {
    if (p[4] != '-' || p[7] != '-' ||
        (not_digit(0) | not_digit(1) | not_digit(2) | not_digit(3) | not_digit(5) | not_digit(6) |
         not_digit(8) | not_digit(9))) {
      return false;
    }
    const int64_t year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
    const unsigned month = digit(5) * 10 + digit(6);
    const unsigned day = digit(8) * 10 + digit(9);
    if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return false;
    micros = static_cast<int64_t>(DaysFromCivil(year, month, day)) * kMicrosPerDay;
    if (cache != nullptr) {
      std::memcpy(cache->date, p, 10);
      cache->micros = micros;
      cache->valid = true;
    }
  }
  if ((p[10] != 'T' && p[10] != ' ' && p[10] != 't') || p[13] != ':' || p[16] != ':' ||
      (not_digit(11) | not_digit(12) | not_digit(14) | not_digit(15) | not_digit(17) |
       not_digit(18))) {
    return false;
  }
  const int64_t hour = digit(11) * 10 + digit(12);
  const int64_t minute = digit(14) * 10 + digit(15);
  const int64_t second = digit(17) * 10 + digit(18);
  if (hour > 23 || minute > 59 || second > 59) return false;
  size_t pos = 19;
  int64_t frac = 0;
  if (pos < n && p[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < n && digit(pos) <= 9) {
      if (digits < 6) frac = frac * 10 + digit(pos);
      ++digits;
      ++pos;
    }
    if (digits == 0) return false;
    static constexpr int64_t kScale[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    frac *= kScale[digits < 6 ? digits : 6];
  }
  if (pos < n && ((p[pos] != 'Z' && p[pos] != 'z') || pos + 1 != n)) return false;
  *out = micros + ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + frac;
  return true;
}

/// JSON's whitespace.
inline bool IsJsonBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Records up to this size take the fast path (the DOM tape costs 8 bytes per input byte).
constexpr size_t kFastPathMaxRecord = size_t{1} << 20;

/// Whether a field name may match a key differently on the tape (unescaped keys) than On-Demand
/// matches it (raw keys first): a backslash in a name, or the same name twice in one struct.
bool NamesAllowFastPath(const JsonDecoder::FieldPlan& plan) {
  for (size_t i = 0; i < plan.children.size(); ++i) {
    const JsonDecoder::FieldPlan& child = plan.children[i];
    if (child.name.find('\\') != std::string::npos || !NamesAllowFastPath(child)) return false;
    for (size_t j = 0; j < i && plan.id == TypeId::kStruct; ++j) {
      if (plan.children[j].name == child.name) return false;
    }
  }
  return true;
}

/// Binds plan (and its children) to `writer`; children marked skip get none (the writer's
/// children are the others, in order). Fills decoded_mask.
void BindWriters(JsonDecoder::FieldPlan& plan, ColumnWriter& writer) {
  plan.writer = &writer;
  plan.decoded_mask = 0;
  int next = 0;
  for (size_t i = 0; i < plan.children.size(); ++i) {
    JsonDecoder::FieldPlan& child = plan.children[i];
    if (child.skip) {
      child.writer = nullptr;
      continue;
    }
    if (i < 64) plan.decoded_mask |= uint64_t{1} << i;
    BindWriters(child, writer.child(next++));
  }
}

/// Errors that concern one value's content rather than the document's structure.
bool IsValueError(simdjson::error_code error) {
  return error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE ||
         error == simdjson::INCORRECT_TYPE;
}

}  // namespace

JsonDecoder::JsonDecoder(SchemaRef schema, DecodeOptions options)
    : schema_(std::move(schema)), options_(std::move(options)), root_(StructType({})) {
#ifdef SIMDJSON_THREADS_ENABLED
  dom_parser_.threaded = false;  // chunks fit one batch: no second thread, all on this core
#endif
}

Result<std::unique_ptr<JsonDecoder>> JsonDecoder::Make(SchemaRef schema, DecodeOptions options) {
  std::unique_ptr<JsonDecoder> decoder(new JsonDecoder(schema, options));
  JsonDecoder& d = *decoder;
  if (!options.column_name_of_corrupt_record.empty()) {
    d.corrupt_column_ = schema->FieldIndex(options.column_name_of_corrupt_record);
  }
  if (!options.rescued_data_column.empty()) {
    d.rescued_column_ = schema->FieldIndex(options.rescued_data_column);
    if (d.rescued_column_ < 0) {
      return Status::Config("rescuedDataColumn '{}' is not a declared column",
                            options.rescued_data_column);
    }
  }
  for (int column : {d.corrupt_column_, d.rescued_column_}) {
    if (column >= 0 && schema->field(column).type->id() != TypeId::kString) {
      return Status::Config("column '{}' holds raw record text and must be STRING, not {}",
                            schema->field(column).name, schema->field(column).type->ToString());
    }
  }
  if (d.corrupt_column_ >= 0 && d.corrupt_column_ == d.rescued_column_) {
    return Status::Config("columnNameOfCorruptRecord and rescuedDataColumn name the same column");
  }
  if (!options.timestamp_format.empty()) {
    ASSIGN_OR_RETURN(d.timestamp_pattern_, DateTimePattern::Compile(options.timestamp_format));
  }
  if (!options.date_format.empty()) {
    ASSIGN_OR_RETURN(d.date_pattern_, DateTimePattern::Compile(options.date_format));
  }
  const std::vector<bool>& used = options.used_columns;
  if (!used.empty() && used.size() != static_cast<size_t>(schema->num_fields())) {
    return Status::Internal("used_columns has {} flags for {} columns", used.size(),
                            schema->num_fields());
  }
  auto is_used = [&used](int column) { return used.empty() || used[static_cast<size_t>(column)]; };
  std::vector<Field> decoded;
  std::vector<Field> written;  // the decoded columns read by the query (root_'s children)
  std::vector<bool> skipped;
  for (int i = 0; i < schema->num_fields(); ++i) {
    if (i == d.corrupt_column_ || i == d.rescued_column_) continue;
    decoded.push_back(schema->field(i));
    d.decoded_columns_.push_back(i);
    skipped.push_back(!is_used(i));
    if (is_used(i)) written.push_back(schema->field(i));
  }
  d.root_plan_ = PlanFor(Field{"", StructType(decoded), true});
  for (size_t i = 0; i < skipped.size(); ++i) d.root_plan_.children[i].skip = skipped[i];
  d.root_ = ColumnWriter(StructType(written));
  BindWriters(d.root_plan_, d.root_);
  d.fast_path_allowed_ = NamesAllowFastPath(d.root_plan_);
  d.fast_path_ = d.fast_path_allowed_;
  // Unread corrupt-record or rescued-data columns are all NULL (and nothing is rescued).
  if (d.corrupt_column_ >= 0 && is_used(d.corrupt_column_)) {
    d.corrupt_writer_ = std::make_unique<ColumnWriter>(StringType());
  }
  if (d.rescued_column_ >= 0 && is_used(d.rescued_column_)) {
    d.rescued_writer_ = std::make_unique<ColumnWriter>(StringType());
  }
  return decoder;
}

JsonDecoder::Outcome JsonDecoder::FieldError(std::string_view kind, std::string detail) {
  if (!record_bad_) {
    record_bad_ = true;
    error_kind_ = kind;
    error_detail_ = std::move(detail);
    error_path_.clear();
    error_done_ = false;
  } else {
    ++extra_errors_;
  }
  return Outcome::kFieldError;
}

JsonDecoder::Outcome JsonDecoder::RecordError(simdjson::error_code error) {
  record_bad_ = true;
  error_path_.clear();
  error_done_ = true;
  extra_errors_ = 0;
  switch (error) {
    case simdjson::UTF8_ERROR:
      error_kind_ = bad_reason::kInvalidUtf8;
      error_detail_ = "invalid UTF-8";
      break;
    case simdjson::DEPTH_ERROR:
      error_kind_ = bad_reason::kTooDeep;
      error_detail_ = "malformed JSON: nested deeper than the parser's limit";
      break;
    case simdjson::CAPACITY:
      error_kind_ = bad_reason::kTooLarge;
      error_detail_ = "record too large for the JSON parser";
      break;
    default:
      error_kind_ = bad_reason::kMalformedJson;
      error_detail_ = fmt::format("malformed JSON: {}", simdjson::error_message(error));
      break;
  }
  return Outcome::kRecordError;
}

JsonDecoder::Outcome JsonDecoder::Mismatch(od::value& value, od::json_type type,
                                           const FieldPlan& plan) {
  if (record_bad_) return FieldError(bad_reason::kTypeMismatch, {});
  std::string got;
  if (type == od::json_type::string) {
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
      got = fmt::format("string {}", decode_util::Quoted(text));
    } else {
      got = "string";
    }
  } else if (type == od::json_type::number || type == od::json_type::boolean) {
    got = fmt::format("{} {}", JsonTypeName(type), TrimRight(value.raw_json_token()));
  } else {
    got = std::string(JsonTypeName(type));
  }
  return FieldError(bad_reason::kTypeMismatch,
                    fmt::format("expected {}, got {}", plan.type->ToString(), got));
}

JsonDecoder::Outcome JsonDecoder::DecodeStruct(od::object& object, const FieldPlan& plan,
                                               ColumnWriter& writer, bool top_level) {
  const int64_t row = writer.length();  // every child has `row` values before this record
  const size_t num_children = plan.children.size();
  for (auto field_result : object) {
    od::field field;
    if (auto error = std::move(field_result).get(field)) return RecordError(error);
    od::raw_json_string key = field.key();
    int child = -1;
    for (size_t step = 0, at = plan.hint; step < num_children; ++step, ++at) {
      if (at >= num_children) at = 0;
      if (key.unsafe_is_equal(plan.children[at].name)) {
        child = static_cast<int>(at);
        plan.hint = at + 1;
        break;
      }
    }
    if (child < 0) {
      // Escaped or differently cased key, or unknown.
      std::string_view name;
      if (auto error = field.unescaped_key().get(name)) return RecordError(error);
      for (size_t at = 0; at < num_children && child < 0; ++at) {
        if (plan.children[at].name == name) child = static_cast<int>(at);
      }
      for (size_t at = 0; at < num_children && child < 0; ++at) {
        if (EqualsIgnoreCase(plan.children[at].name, name)) child = static_cast<int>(at);
      }
      if (child < 0) {
        if (top_level && rescued_writer_ != nullptr) {
          od::value value = field.value();
          od::json_type type;
          std::string_view raw;
          if (auto error = value.type().get(type)) {
            raw = TrimRight(value.raw_json_token());
            if (!IsNonFiniteToken(raw)) return RecordError(error);
          } else if (auto error = RawJson(value, type, &raw)) {
            return RecordError(error);
          }
          rescued_.push_back(rescued_.empty() ? '{' : ',');
          AppendJsonString(rescued_, name);
          rescued_.push_back(':');
          rescued_.append(raw);
        }
        continue;
      }
    }
    const FieldPlan& child_plan = plan.children[static_cast<size_t>(child)];
    if (child_plan.skip) continue;  // a column nothing reads: skipped like an unknown field
    ColumnWriter& child_writer = *child_plan.writer;
    Outcome outcome;
    if (child_writer.length() > row) {
      outcome = FieldError(bad_reason::kDuplicateKey, "duplicate key");
    } else {
      od::value value = field.value();
      outcome = DecodeValue(value, child_plan, child_writer);
    }
    if (outcome == Outcome::kOk) continue;
    if (outcome == Outcome::kRecordError) return outcome;
    if (!error_done_) {
      error_path_ = error_path_.empty() || error_path_[0] == '['
                        ? child_plan.name + error_path_
                        : child_plan.name + "." + error_path_;
    }
    if (!top_level) return outcome;
    // The field becomes NULL; the record is bad; the other fields are still decoded.
    error_done_ = true;
    child_writer.Truncate(row);
    child_writer.AppendNull();
  }
  for (size_t at = 0; at < num_children; ++at) {
    if (plan.children[at].skip) continue;
    ColumnWriter& child_writer = *plan.children[at].writer;
    if (child_writer.length() != row) continue;
    child_writer.AppendNull();
    if (!plan.children[at].nullable) {
      FieldError(bad_reason::kNullInNotNull, "missing in a NOT NULL column");
      if (!error_done_) {
        error_path_ = error_path_.empty() ? plan.children[at].name
                                          : plan.children[at].name + "." + error_path_;
      }
      if (!top_level) return Outcome::kFieldError;
      error_done_ = true;
    }
  }
  return Outcome::kOk;
}

JsonDecoder::Outcome JsonDecoder::DecodeValue(od::value& value, const FieldPlan& plan,
                                              ColumnWriter& writer) {
  od::json_type type;
  if (auto error = value.type().get(type)) {
    std::string_view token = TrimRight(value.raw_json_token());
    if (IsNonFiniteToken(token)) return NonFinite(token, plan, writer);
    return RecordError(error);
  }
  if (type == od::json_type::number) {
    // "-Infinity" starts like a number.
    std::string_view token = value.raw_json_token();
    if (token.size() > 1 && token[0] == '-' && (token[1] == 'I' || token[1] == 'i')) {
      token = TrimRight(token);
      if (IsNonFiniteToken(token)) return NonFinite(token, plan, writer);
    }
  }
  if (type == od::json_type::null) {
    // A misspelt literal ("nul") is a structural error, not a NULL.
    bool is_null = false;
    if (auto error = value.is_null().get(is_null); error || !is_null) {
      return RecordError(error ? error : simdjson::N_ATOM_ERROR);
    }
    if (!plan.nullable) return FieldError(bad_reason::kNullInNotNull, "NULL in a NOT NULL column");
    writer.AppendNull();
    return Outcome::kOk;
  }
  switch (plan.id) {
    case TypeId::kBoolean: {
      if (type != od::json_type::boolean) return Mismatch(value, type, plan);
      bool flag = false;
      if (auto error = value.get_bool().get(flag)) return RecordError(error);
      writer.AppendBool(flag);
      return Outcome::kOk;
    }
    case TypeId::kInt32:
      if (type != od::json_type::number) return Mismatch(value, type, plan);
      return DecodeNumber<int32_t>(value, plan, writer);
    case TypeId::kInt64:
      if (type != od::json_type::number) return Mismatch(value, type, plan);
      return DecodeNumber<int64_t>(value, plan, writer);
    case TypeId::kDouble:
      if (type == od::json_type::string) return DecodeDoubleString(value, writer);
      if (type != od::json_type::number) return Mismatch(value, type, plan);
      return DecodeNumber<double>(value, plan, writer);
    case TypeId::kString:
      return DecodeString(value, type, writer);
    case TypeId::kTimestamp:
    case TypeId::kDate:
      return DecodeTemporal(value, type, plan, writer);
    case TypeId::kStruct: {
      if (type != od::json_type::object) return Mismatch(value, type, plan);
      od::object object;
      if (auto error = value.get_object().get(object)) return RecordError(error);
      Outcome outcome = DecodeStruct(object, plan, writer, /*top_level=*/false);
      if (outcome == Outcome::kOk) writer.AppendStructValid();
      return outcome;
    }
    case TypeId::kList: {
      if (type != od::json_type::array) return Mismatch(value, type, plan);
      od::array array;
      if (auto error = value.get_array().get(array)) return RecordError(error);
      int64_t index = 0;
      const FieldPlan& element_plan = plan.children[0];
      ColumnWriter& elements = writer.child(0);
      for (auto element_result : array) {
        od::value element;
        if (auto error = std::move(element_result).get(element)) return RecordError(error);
        Outcome outcome = DecodeValue(element, element_plan, elements);
        if (outcome != Outcome::kOk) {
          if (outcome == Outcome::kFieldError && !error_done_) {
            error_path_ =
                fmt::format("[{}]", index) +
                (error_path_.empty() || error_path_[0] == '[' ? error_path_ : "." + error_path_);
          }
          return outcome;
        }
        ++index;
      }
      if (elements.length() > std::numeric_limits<int32_t>::max()) {
        return FieldError(bad_reason::kTooLarge, "more than 2^31 array elements in one batch");
      }
      writer.AppendListValid();
      return Outcome::kOk;
    }
  }
  return Mismatch(value, type, plan);
}

JsonDecoder::Outcome JsonDecoder::NonFinite(std::string_view token, const FieldPlan& plan,
                                            ColumnWriter& writer) {
  double number = 0;
  decode_util::ParseNonFinite(token, &number);
  if (plan.id == TypeId::kDouble) {
    writer.AppendDouble(number);
    return Outcome::kOk;
  }
  if (plan.id == TypeId::kString) {  // like any number: its text
    writer.AppendString(token);
    return Outcome::kOk;
  }
  return FieldError(bad_reason::kTypeMismatch,
                    fmt::format("expected {}, got number {}", plan.type->ToString(), token));
}

namespace {

/// DecodeNumber's target for TIMESTAMP and DATE columns: a number of epochUnits since 1970.
struct EpochNumber {};

}  // namespace

template <typename T>
JsonDecoder::Outcome JsonDecoder::DecodeNumber(od::value& value, const FieldPlan& plan,
                                               ColumnWriter& writer) {
  constexpr bool kInteger = std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;
  constexpr bool kDouble = std::is_same_v<T, double>;
  static_assert(kInteger || kDouble || std::is_same_v<T, EpochNumber>);
  // Fast paths: the usual token read once; anything else takes the exact steps below.
  if constexpr (kInteger) {
    int64_t fast = 0;
    if (value.get_int64().get(fast) == simdjson::SUCCESS &&
        (std::is_same_v<T, int64_t> || (fast >= std::numeric_limits<int32_t>::min() &&
                                        fast <= std::numeric_limits<int32_t>::max()))) {
      if constexpr (std::is_same_v<T, int64_t>) {
        writer.AppendInt64(fast);
      } else {
        writer.AppendInt32(static_cast<int32_t>(fast));
      }
      return Outcome::kOk;
    }
  } else if constexpr (kDouble) {
    // Any number whose magnitude is below 2^53 is exact as a double.
    double fast = 0;
    if (value.get_double().get(fast) == simdjson::SUCCESS && std::fabs(fast) < kTwoPow53) {
      writer.AppendDouble(fast);
      return Outcome::kOk;
    }
  }
  od::number_type number_type;
  if (auto error = value.get_number_type().get(number_type)) {
    if (!IsValueError(error)) return RecordError(error);
    number_type = od::number_type::floating_point_number;
  }
  auto out_of_range = [&]() {
    return FieldError(bad_reason::kOutOfRange,
                      fmt::format("number {} out of range for {}",
                                  TrimRight(value.raw_json_token()), plan.type->ToString()));
  };
  auto inexact = [&]() {  // an integer a DOUBLE cannot hold exactly
    return FieldError(bad_reason::kOutOfRange,
                      fmt::format("number {} is not exactly representable as DOUBLE",
                                  TrimRight(value.raw_json_token())));
  };
  // A value error reading the token as its class: the number does not fit the column.
  auto unreadable = [&](simdjson::error_code error, bool integer_token) {
    if (!IsValueError(error)) return RecordError(error);
    return kDouble && integer_token ? inexact() : out_of_range();
  };
  const int64_t per_unit = options_.epoch_unit == EpochUnit::kSeconds  ? kMicrosPerSecond
                           : options_.epoch_unit == EpochUnit::kMillis ? 1000
                                                                       : 1;
  int64_t result = 0;  // integers: the value; TIMESTAMP/DATE: micros
  if (number_type == od::number_type::signed_integer) {
    int64_t integer = 0;
    if (auto error = value.get_int64().get(integer)) return unreadable(error, true);
    if constexpr (kDouble) {
      const auto number = static_cast<double>(integer);
      if (std::fabs(number) >= kTwoPow53 &&
          (number >= kTwoPow63 || static_cast<int64_t>(number) != integer)) {
        return inexact();
      }
      writer.AppendDouble(number);
      return Outcome::kOk;
    } else if constexpr (kInteger) {
      result = integer;
    } else if (__builtin_mul_overflow(integer, per_unit, &result)) {
      return out_of_range();
    }
  } else if (number_type == od::number_type::unsigned_integer) {
    if constexpr (!kDouble) return out_of_range();
    uint64_t integer = 0;
    if (auto error = value.get_uint64().get(integer)) return unreadable(error, true);
    const auto number = static_cast<double>(integer);
    if (number >= 18446744073709551616.0 || static_cast<uint64_t>(number) != integer) {
      return inexact();
    }
    writer.AppendDouble(number);
    return Outcome::kOk;
  } else {
    double number = 0;
    if (auto error = value.get_double().get(number)) return unreadable(error, false);
    if constexpr (kDouble) {
      writer.AppendDouble(number);
      return Outcome::kOk;
    } else if constexpr (kInteger) {
      if (std::trunc(number) != number) {
        return FieldError(bad_reason::kTypeMismatch,
                          fmt::format("expected {}, got number {} (not an integer)",
                                      plan.type->ToString(), TrimRight(value.raw_json_token())));
      }
      if (!(number >= -kTwoPow63 && number < kTwoPow63)) return out_of_range();
      result = static_cast<int64_t>(number);
    } else {
      const double scaled = std::floor(number * static_cast<double>(per_unit));
      if (!(scaled >= -kTwoPow63 && scaled < kTwoPow63)) return out_of_range();
      result = static_cast<int64_t>(scaled);
    }
  }
  if constexpr (std::is_same_v<T, int32_t>) {
    if (result < std::numeric_limits<int32_t>::min() ||
        result > std::numeric_limits<int32_t>::max()) {
      return out_of_range();
    }
    writer.AppendInt32(static_cast<int32_t>(result));
  } else if constexpr (std::is_same_v<T, int64_t>) {
    writer.AppendInt64(result);
  } else if constexpr (std::is_same_v<T, EpochNumber>) {
    if (plan.id == TypeId::kDate) {
      writer.AppendInt32(static_cast<int32_t>(FloorDiv(result, kMicrosPerDay)));
    } else {
      writer.AppendInt64(result);
    }
  }
  return Outcome::kOk;
}

JsonDecoder::Outcome JsonDecoder::DecodeDoubleString(od::value& value, ColumnWriter& writer) {
  std::string_view text;
  if (auto error = value.get_string().get(text)) return RecordError(error);
  double number = 0;
  if (!decode_util::ParseNonFinite(text, &number)) {
    return FieldError(bad_reason::kTypeMismatch,
                      fmt::format("expected DOUBLE, got string {}", decode_util::Quoted(text)));
  }
  writer.AppendDouble(number);
  return Outcome::kOk;
}

JsonDecoder::Outcome JsonDecoder::DecodeString(od::value& value, od::json_type type,
                                               ColumnWriter& writer) {
  std::string_view text;
  if (type == od::json_type::string) {
    if (auto error = value.get_string().get(text)) return RecordError(error);
  } else if (auto error = RawJson(value, type, &text)) {
    return RecordError(error);
  }
  writer.AppendString(text);
  if (writer.data_size() > std::numeric_limits<int32_t>::max()) {
    return FieldError(bad_reason::kTooLarge, "more than 2 GiB of STRING data in one batch");
  }
  return Outcome::kOk;
}

JsonDecoder::Outcome JsonDecoder::DecodeTemporal(od::value& value, od::json_type type,
                                                 const FieldPlan& plan, ColumnWriter& writer) {
  const bool is_date = plan.id == TypeId::kDate;
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto error = value.get_string().get(text)) return RecordError(error);
    const DateTimePattern& pattern = is_date ? date_pattern_ : timestamp_pattern_;
    int64_t parsed = 0;
    if (!decode_util::ParseTemporal(text, is_date, pattern, &parsed)) {
      decode_util::TemporalProblem problem = decode_util::TemporalError(text, is_date, pattern);
      return FieldError(problem.kind, std::move(problem.reason));
    }
    if (is_date) {
      writer.AppendInt32(static_cast<int32_t>(parsed));
    } else {
      writer.AppendInt64(parsed);
    }
    return Outcome::kOk;
  }
  if (type != od::json_type::number) return Mismatch(value, type, plan);
  return DecodeNumber<EpochNumber>(value, plan, writer);
}

// ---- The fast path --------------------------------------------------------------------------
// Mirrors DecodeStruct/DecodeValue for good records only: each `return false` is a case where
// the exact path either reports a problem or needs the record's text (coercion text, rescued
// fields), so the record goes there instead, with the writers truncated back.

namespace {

// simdjson's tape: one 64-bit word per value (two for numbers: the value follows), the type
// character in the top byte. '{' and '[' carry the index just past their closing word in the
// low 32 bits; '"' carries an offset into the string buffer, where a 32-bit length precedes
// the bytes.
inline char TapeType(uint64_t word) { return static_cast<char>(word >> 56); }
inline size_t TapeAfter(uint64_t word) { return static_cast<size_t>(word & 0xFFFFFFFFu); }
inline std::string_view TapeString(const uint8_t* strings, uint64_t word) {
  const uint8_t* at = strings + (word & 0x00FFFFFFFFFFFFFFull);
  uint32_t length = 0;
  std::memcpy(&length, at, sizeof(length));
  return {reinterpret_cast<const char*>(at + sizeof(length)), length};
}
template <typename T>
inline T TapeNumber(const uint64_t* words, size_t at) {
  T value;
  std::memcpy(&value, &words[at + 1], sizeof(T));
  return value;
}
/// The index just past the value at `at` (skipping a container whole).
inline size_t TapeSkip(const uint64_t* words, size_t at) {
  const uint64_t word = words[at];
  switch (TapeType(word)) {
    case '{':
    case '[':
      return TapeAfter(word);
    case 'l':
    case 'u':
    case 'd':
      return at + 2;
    default:
      return at + 1;
  }
}

/// The tape string at `key` (its length prefix) is the field's name: the length and the first 12
/// bytes compare in two 8-byte loads (the tape's string buffer always has at least
/// SIMDJSON_PADDING bytes after any string), the rest of a longer name with memcmp.
inline bool KeyEquals(const JsonDecoder::FieldPlan& field, const uint8_t* key) {
  uint64_t words[2];
  std::memcpy(words, key, sizeof(words));
  if ((((words[0] ^ field.key_words[0]) & field.key_masks[0]) |
       ((words[1] ^ field.key_words[1]) & field.key_masks[1])) != 0) {
    return false;
  }
  return field.name.size() <= 12 ||
         std::memcmp(key + 16, field.name.data() + 12, field.name.size() - 12) == 0;
}

/// The child named `key` (exact, then case-insensitive), or plan.children.size().
size_t FindChild(const JsonDecoder::FieldPlan& plan, std::string_view key) {
  const size_t num_children = plan.children.size();
  for (size_t i = 0; i < num_children; ++i) {
    if (plan.children[i].name == key) return i;
  }
  for (size_t i = 0; i < num_children; ++i) {
    if (EqualsIgnoreCase(plan.children[i].name, key)) return i;
  }
  return num_children;
}

}  // namespace

bool JsonDecoder::FastRecord(const char* data, size_t size) {
  // Grow in steps (not to each new maximum), up to the fast path's limit; never shrink (the
  // parser also serves DecodeText's chunks).
  auto grown = [size](size_t capacity) {
    return std::min(std::max({size_t{64} << 10, capacity * 2, size}), kFastPathMaxRecord);
  };
  if (dom_doc_.capacity() < size && dom_doc_.allocate(grown(dom_doc_.capacity()))) {
    return false;  // out of memory: the exact path copes or reports it
  }
  if (dom_parser_.capacity() < size && dom_parser_.allocate(grown(dom_parser_.capacity()))) {
    return false;
  }
  simdjson::dom::element root;
  if (dom_parser_.parse_into_document(dom_doc_, data, size, false).get(root)) return false;
  return FastRoot(dom_doc_.tape.get(), dom_doc_.string_buf.get());
}

bool JsonDecoder::FastRoot(const uint64_t* words, const uint8_t* strings) {
  // Word 0 is the root; the object follows.
  if (TapeType(words[1]) != '{' || FastStruct(words, strings, 1, root_plan_, true) == 0) {
    root_.Truncate(rows_);
    return false;
  }
  root_.AppendStructValid();
  return true;
}

// Each of these decodes the value at word `at` into plan.writer and returns the index just past
// it, or 0 when the exact path must take the record (the index stays in a register: no
// reference to it escapes into calls or aliases the column bytes).

// Scalars inline (the hot cases); the rest out of line.
[[gnu::always_inline]] inline size_t JsonDecoder::FastValue(const uint64_t* words,
                                                            const uint8_t* strings, size_t at,
                                                            const FieldPlan& plan) {
  ColumnWriter& writer = *plan.writer;
  const uint64_t word = words[at];
  const char type = TapeType(word);
  if (type == 'n') {
    if (!plan.nullable) return 0;
    writer.AppendNull();
    return at + 1;
  }
  switch (plan.id) {
    case TypeId::kString:
      if (type != '"') return 0;  // the exact path keeps the JSON text
      writer.AppendStringPadded(TapeString(strings, word));
      return writer.string_bytes() <= std::numeric_limits<int32_t>::max() ? at + 1 : 0;
    case TypeId::kBoolean:
      if (type != 't' && type != 'f') return 0;
      writer.AppendBool(type == 't');
      return at + 1;
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t result = 0;
      if (type == 'l') {
        result = TapeNumber<int64_t>(words, at);
      } else if (type == 'd') {
        const double number = TapeNumber<double>(words, at);
        if (std::trunc(number) != number || !(number >= -kTwoPow63 && number < kTwoPow63)) {
          return 0;
        }
        result = static_cast<int64_t>(number);
      } else {
        return 0;  // 'u' is out of range; anything else a mismatch
      }
      if (plan.id == TypeId::kInt64) {
        writer.AppendInt64(result);
      } else {
        if (result < std::numeric_limits<int32_t>::min() ||
            result > std::numeric_limits<int32_t>::max()) {
          return 0;
        }
        writer.AppendInt32(static_cast<int32_t>(result));
      }
      return at + 2;
    }
    case TypeId::kDouble:
      if (type == 'd') {
        writer.AppendDouble(TapeNumber<double>(words, at));
        return at + 2;
      }
      return FastOtherDouble(words, strings, at, writer);
    case TypeId::kTimestamp:
    case TypeId::kDate:
      return FastTemporal(words, strings, at, plan);
    case TypeId::kStruct:
      if (type != '{') return 0;
      at = FastStruct(words, strings, at, plan, false);
      if (at != 0) writer.AppendStructValid();
      return at;
    case TypeId::kList:
      if (type != '[') return 0;
      return FastList(words, strings, at, plan);
  }
  return 0;
}

size_t JsonDecoder::FastOtherDouble(const uint64_t* words, const uint8_t* strings, size_t at,
                                    ColumnWriter& writer) {
  const uint64_t word = words[at];
  switch (TapeType(word)) {
    case 'l': {
      const auto integer = TapeNumber<int64_t>(words, at);
      const auto number = static_cast<double>(integer);
      // 0 may have been "-0", which the exact path reads as -0.0.
      if (integer == 0 || (std::fabs(number) >= kTwoPow53 &&
                           (number >= kTwoPow63 || static_cast<int64_t>(number) != integer))) {
        return 0;
      }
      writer.AppendDouble(number);
      return at + 2;
    }
    case 'u': {
      const auto integer = TapeNumber<uint64_t>(words, at);
      const auto number = static_cast<double>(integer);
      if (number >= 18446744073709551616.0 || static_cast<uint64_t>(number) != integer) {
        return 0;
      }
      writer.AppendDouble(number);
      return at + 2;
    }
    case '"': {
      double number = 0;
      if (!decode_util::ParseNonFinite(TapeString(strings, word), &number)) return 0;
      writer.AppendDouble(number);
      return at + 1;
    }
    default:
      return 0;
  }
}

size_t JsonDecoder::FastList(const uint64_t* words, const uint8_t* strings, size_t at,
                             const FieldPlan& plan) {
  const FieldPlan& element_plan = plan.children[0];
  const size_t end = TapeAfter(words[at]) - 1;  // the ']'
  ++at;
  while (at < end) {
    at = FastValue(words, strings, at, element_plan);
    if (at == 0) return 0;
  }
  if (element_plan.writer->length() > std::numeric_limits<int32_t>::max()) return 0;
  plan.writer->AppendListValid();
  return end + 1;
}

size_t JsonDecoder::FastStruct(const uint64_t* words, const uint8_t* strings, size_t at,
                               const FieldPlan& plan, bool top_level) {
  const size_t num_children = plan.children.size();
  if (num_children > 64) return 0;  // (the seen-set below is one word)
  const FieldPlan* children = plan.children.data();
  const size_t end = TapeAfter(words[at]) - 1;  // the '}'
  size_t expect = plan.hint;  // fields usually come in the order of the previous record
  uint64_t seen = 0;
  ++at;
  while (at < end) {
    const uint8_t* key = strings + (words[at] & 0x00FFFFFFFFFFFFFFull);
    size_t child = expect;
    if (child >= num_children || !KeyEquals(children[child], key)) {
      child = FindChild(plan, TapeString(strings, words[at]));
      if (child == num_children) {
        if (top_level && rescued_writer_ != nullptr) return 0;  // the exact path keeps it
        at = TapeSkip(words, at + 1);
        continue;
      }
    }
    expect = child + 1 == num_children ? 0 : child + 1;
    if (children[child].skip) {  // a column nothing reads: skipped like an unknown field
      at = TapeSkip(words, at + 1);
      continue;
    }
    const uint64_t bit = uint64_t{1} << child;
    if ((seen & bit) != 0) return 0;  // a duplicate key
    seen |= bit;
    at = FastValue(words, strings, at + 1, children[child]);
    if (at == 0) return 0;
  }
  plan.hint = expect;
  if (seen != plan.decoded_mask) {
    for (size_t i = 0; i < num_children; ++i) {
      if ((seen & (uint64_t{1} << i)) != 0 || children[i].skip) continue;
      // Missing: NULL, unless the column is NOT NULL.
      if (!children[i].nullable) return 0;
      children[i].writer->AppendNull();
    }
  }
  return end + 1;
}

size_t JsonDecoder::FastTemporal(const uint64_t* words, const uint8_t* strings, size_t at,
                                 const FieldPlan& plan) {
  ColumnWriter& writer = *plan.writer;
  const uint64_t word = words[at];
  const bool is_date = plan.id == TypeId::kDate;
  const int64_t per_unit = options_.epoch_unit == EpochUnit::kSeconds  ? kMicrosPerSecond
                           : options_.epoch_unit == EpochUnit::kMillis ? 1000
                                                                       : 1;
  int64_t micros = 0;
  switch (TapeType(word)) {
    case '"': {
      const std::string_view text = TapeString(strings, word);
      if (is_date) {
        std::optional<int32_t> days =
            date_pattern_.empty() ? ParseDate(Trim(text)) : date_pattern_.ParseDate(text);
        if (!days) return 0;
        writer.AppendInt32(*days);
        return at + 1;
      }
      if (!timestamp_pattern_.empty()) {
        std::optional<int64_t> parsed = timestamp_pattern_.ParseTimestampMicros(text);
        if (!parsed) return 0;
        micros = *parsed;
      } else if (!ParseIsoTimestampFast(text, &micros, &date_cache_)) {
        std::optional<int64_t> parsed = ParseTimestampMicros(text);
        if (!parsed) return 0;
        micros = *parsed;
      }
      writer.AppendInt64(micros);
      return at + 1;
    }
    case 'l':
      if (__builtin_mul_overflow(TapeNumber<int64_t>(words, at), per_unit, &micros)) return 0;
      break;
    case 'd': {
      const double scaled =
          std::floor(TapeNumber<double>(words, at) * static_cast<double>(per_unit));
      if (!(scaled >= -kTwoPow63 && scaled < kTwoPow63)) return 0;
      micros = static_cast<int64_t>(scaled);
      break;
    }
    default:
      return 0;  // 'u' is out of range; anything else a mismatch
  }
  if (is_date) {
    writer.AppendInt32(static_cast<int32_t>(FloorDiv(micros, kMicrosPerDay)));
  } else {
    writer.AppendInt64(micros);
  }
  return at + 2;
}

Status JsonDecoder::DecodeOne(std::string_view record, size_t capacity, int64_t index, int64_t line,
                              bool try_fast) {
  if (record.size() >= 3 && std::memcmp(record.data(), "\xEF\xBB\xBF", 3) == 0) {
    record.remove_prefix(3);
    capacity = capacity >= 3 ? capacity - 3 : 0;  // 0 = unknown: the record is copied, padded
  }
  record_bad_ = false;
  error_done_ = false;
  extra_errors_ = 0;
  error_kind_ = {};
  error_detail_.clear();
  error_path_.clear();
  rescued_.clear();

  if (Trim(record).empty()) {
    record_bad_ = true;
    error_done_ = true;
    error_kind_ = bad_reason::kEmptyRecord;
    error_detail_ = "empty record";
    return EndRecord(false, record, index, line);
  }
  const char* data = record.data();
  if (capacity < record.size() + simdjson::SIMDJSON_PADDING) {
    if (scratch_.size() < record.size() + simdjson::SIMDJSON_PADDING) {
      scratch_.resize(record.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(scratch_.data(), record.data(), record.size());
    std::memset(scratch_.data() + record.size(), 0, simdjson::SIMDJSON_PADDING);
    data = scratch_.data();
    capacity = scratch_.size();
  }
  if (try_fast && fast_path_ && record.size() <= kFastPathMaxRecord &&
      FastRecord(data, record.size())) {
    GoodRecord();
    return Status::OK();
  }
  od::document doc;
  if (auto error = parser_.iterate(data, record.size(), capacity).get(doc)) {
    RecordError(error);
    return EndRecord(false, record, index, line);
  }
  od::json_type type;
  if (auto error = doc.type().get(type)) {
    std::string_view token;
    if (doc.raw_json_token().get(token) == simdjson::SUCCESS &&
        IsNonFiniteToken(TrimRight(token))) {
      record_bad_ = true;
      error_done_ = true;
      error_kind_ = bad_reason::kNotAnObject;
      error_detail_ = "expected a JSON object, got number";
      return EndRecord(false, record, index, line);
    }
    RecordError(error);
    return EndRecord(false, record, index, line);
  }
  if (type != od::json_type::object) {
    // A scalar or array root: say so only if it is well-formed JSON ("not json" peeks as null).
    simdjson::error_code error = simdjson::SUCCESS;
    switch (type) {
      case od::json_type::null: {
        bool is_null = false;
        error = doc.is_null().get(is_null);
        if (!error && !is_null) error = simdjson::N_ATOM_ERROR;
        break;
      }
      case od::json_type::boolean: {
        bool flag = false;
        error = doc.get_bool().get(flag);
        break;
      }
      case od::json_type::string: {
        std::string_view text;
        error = doc.get_string().get(text);
        break;
      }
      case od::json_type::array: {
        std::string_view text;
        od::array array;
        error = doc.get_array().get(array);
        if (!error) error = array.raw_json().get(text);
        break;
      }
      default:
        break;
    }
    if (error) {
      RecordError(error);
      return EndRecord(false, record, index, line);
    }
    record_bad_ = true;
    error_done_ = true;
    error_kind_ = bad_reason::kNotAnObject;
    error_detail_ = fmt::format("expected a JSON object, got {}", JsonTypeName(type));
    return EndRecord(false, record, index, line);
  }
  od::object object;
  if (auto error = doc.get_object().get(object)) {
    RecordError(error);
    return EndRecord(false, record, index, line);
  }
  if (DecodeStruct(object, root_plan_, root_, /*top_level=*/true) == Outcome::kRecordError) {
    return EndRecord(false, record, index, line);
  }
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
    record_bad_ = true;
    error_done_ = true;
    error_path_.clear();
    extra_errors_ = 0;
    error_kind_ = bad_reason::kMalformedJson;
    error_detail_ = "malformed JSON: trailing content after the object";
    return EndRecord(false, record, index, line);
  }
  root_.AppendStructValid();
  return EndRecord(true, record, index, line);
}

Status JsonDecoder::EndRecord(bool parsed, std::string_view record, int64_t index, int64_t line) {
  if (!record_bad_) {
    if (corrupt_writer_ != nullptr) corrupt_writer_->AppendNull();
    if (rescued_writer_ != nullptr) {
      if (rescued_.empty()) {
        rescued_writer_->AppendNull();
      } else {
        rescued_.push_back('}');
        rescued_writer_->AppendString(rescued_);
      }
    }
    ++rows_;
    return Status::OK();
  }
  DecodeIssue issue;
  issue.record_index = index;
  issue.line = line;
  issue.kind = error_kind_;
  issue.reason = error_path_.empty() ? error_detail_
                                     : fmt::format("field '{}': {}", error_path_, error_detail_);
  if (extra_errors_ > 0) {
    issue.reason +=
        fmt::format(" (and {} more problem{})", extra_errors_, extra_errors_ == 1 ? "" : "s");
  }
  issue.raw = std::string(record);
  const bool keep_row = options_.mode == DecodeMode::kPermissive;
  if (!keep_row || !parsed) root_.Truncate(rows_);
  if (!keep_row) {
    if (options_.mode == DecodeMode::kFailFast) {
      Status status = Status::Decode("{}", issue.reason);
      issues_.push_back(std::move(issue));
      return status;
    }
    issue.dropped = true;
    issues_.push_back(std::move(issue));
    return Status::OK();
  }
  // PERMISSIVE: a parsed record keeps its good fields (the bad ones are NULL already); one that
  // did not parse is all NULL. The raw text goes to the corrupt-record column.
  if (!parsed) root_.AppendNull();
  if (corrupt_writer_ != nullptr) corrupt_writer_->AppendString(ValidUtf8OrReplaced(record));
  if (rescued_writer_ != nullptr) {
    if (parsed && !rescued_.empty()) {
      rescued_.push_back('}');
      rescued_writer_->AppendString(rescued_);
    } else {
      rescued_writer_->AppendNull();
    }
  }
  ++rows_;
  issues_.push_back(std::move(issue));
  return Status::OK();
}

Status JsonDecoder::DecodeRecords(std::span<const std::string_view> payloads, int64_t first_index) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    RETURN_NOT_OK(DecodeOne(payloads[i], 0, first_index + static_cast<int64_t>(i), 0));
  }
  return Status::OK();
}

Status JsonDecoder::DecodeText(std::string_view text) {
  size_t pos = 0;
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) pos = 3;
  int64_t line = 0;
  int64_t record = 0;
  lines_.clear();
  while (pos < text.size()) {
    ++line;
    const char* newline =
        static_cast<const char*>(std::memchr(text.data() + pos, '\n', text.size() - pos));
    size_t end = newline == nullptr ? text.size() : static_cast<size_t>(newline - text.data());
    size_t content_end = end;
    if (content_end > pos && text[content_end - 1] == '\r') --content_end;
    const size_t next = newline == nullptr ? text.size() : end + 1;
    // The record's JSON text without the blanks around it ("" for a blank line, skipped).
    size_t first = pos;
    while (first < content_end && IsJsonBlank(text[first])) ++first;
    size_t last = content_end;
    while (last > first && IsJsonBlank(text[last - 1])) --last;
    if (first < last) {
      TextLine entry{pos, content_end, first, last, record++, line};
      // Lines go to simdjson in chunks (one stage 1 for many records) when the fast path is on
      // and the padding simdjson reads past a chunk lies inside the text.
      if (!fast_path_ || last + simdjson::SIMDJSON_PADDING > text.size() ||
          last - first > kChunkBytes / 4) {
        RETURN_NOT_OK(DecodeLines(text));
        RETURN_NOT_OK(DecodeLine(text, entry, /*try_fast=*/true));
      } else {
        if (!lines_.empty() &&
            (lines_.size() >= chunk_lines_ || last - lines_.front().first > kChunkBytes)) {
          RETURN_NOT_OK(DecodeLines(text));
        }
        lines_.push_back(entry);
      }
    }
    pos = next;
  }
  return DecodeLines(text);
}

Status JsonDecoder::DecodeLine(std::string_view text, const TextLine& entry, bool try_fast) {
  // In place when the padding simdjson reads past the record lies inside the text (the byte
  // after a line is its '\n', which ends any token); else DecodeOne copies.
  return DecodeOne(text.substr(entry.start, entry.end - entry.start), text.size() - entry.start,
                   entry.record, entry.line, try_fast);
}

Status JsonDecoder::DecodeLines(std::string_view text) {
  size_t done = 0;
  while (done < lines_.size()) {
    if (lines_.size() - done == 1 || per_line_ > 0) {
      // One line, or backing off after chunks that did not split as lines.
      if (per_line_ > 0) --per_line_;
      RETURN_NOT_OK(DecodeLine(text, lines_[done++], /*try_fast=*/true));
      continue;
    }
    const size_t chunk_start = lines_[done].first;
    const size_t chunk_end = lines_.back().last;
    size_t decoded = done;  // lines the stream decoded
    bool clean = true;
    {
      simdjson::dom::document_stream stream;
      if (dom_parser_
              .parse_many(reinterpret_cast<const uint8_t*>(text.data() + chunk_start),
                          chunk_end - chunk_start, kChunkBytes)
              .get(stream)) {
        clean = false;
      }
      for (auto it = stream.begin(); clean && it != stream.end() && decoded < lines_.size(); ++it) {
        simdjson::dom::element root;
        const TextLine& entry = lines_[decoded];
        // A document must be exactly one line's text: else the lines are not JSON lines
        // (two documents on a line, one across lines, a parse error) and the exact path decides.
        if ((*it).get(root) || chunk_start + it.current_index() != entry.first ||
            chunk_start + it.current_index() + it.source().size() != entry.last) {
          clean = false;
          break;
        }
        if (FastRoot(dom_parser_.doc.tape.get(), dom_parser_.doc.string_buf.get())) {
          GoodRecord();
        } else {
          // A good document but not a good row: the exact path (On-Demand, another parser).
          RETURN_NOT_OK(DecodeLine(text, entry, /*try_fast=*/false));
        }
        ++decoded;
      }
    }
    if (decoded < lines_.size() && clean) clean = false;  // the stream ended early
    if (!clean) {
      // The line where the stream went wrong, by the exact path; then a few lines one by one
      // and smaller chunks, so that text that is not JSON lines costs no more than per line.
      RETURN_NOT_OK(DecodeLine(text, lines_[decoded++], /*try_fast=*/false));
      chunk_lines_ = std::max<size_t>(chunk_lines_ / 2, 2);
      per_line_ = 16;
    } else {
      chunk_lines_ = std::min(chunk_lines_ * 2, kMaxChunkLines);
    }
    done = decoded;
  }
  lines_.clear();
  return Status::OK();
}

void JsonDecoder::GoodRecord() {
  ++fast_records_;
  if (corrupt_writer_ != nullptr) corrupt_writer_->AppendNull();
  if (rescued_writer_ != nullptr) rescued_writer_->AppendNull();
  ++rows_;
}

Result<Batch> JsonDecoder::Finish() {
  ColumnRef root = root_.Finish();
  std::vector<ColumnRef> columns(static_cast<size_t>(schema_->num_fields()));
  size_t written = 0;
  for (size_t i = 0; i < decoded_columns_.size(); ++i) {
    const FieldPlan& plan = root_plan_.children[i];
    columns[static_cast<size_t>(decoded_columns_[i])] =
        plan.skip ? Column::MakeNull(plan.type, rows_) : root->children()[written++];
  }
  if (corrupt_column_ >= 0) {
    columns[static_cast<size_t>(corrupt_column_)] = corrupt_writer_ != nullptr
                                                        ? corrupt_writer_->Finish()
                                                        : Column::MakeNull(StringType(), rows_);
  }
  if (rescued_column_ >= 0) {
    columns[static_cast<size_t>(rescued_column_)] = rescued_writer_ != nullptr
                                                        ? rescued_writer_->Finish()
                                                        : Column::MakeNull(StringType(), rows_);
  }
  int64_t rows = rows_;
  rows_ = 0;
  return Batch::Make(schema_, std::move(columns), rows);
}

}  // namespace sluice
