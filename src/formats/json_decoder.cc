#include "formats/json_decoder.h"

#include <cmath>
#include <cstring>
#include <limits>

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

/// Errors that concern one value's content rather than the document's structure.
bool IsValueError(simdjson::error_code error) {
  return error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE ||
         error == simdjson::INCORRECT_TYPE;
}

}  // namespace

JsonDecoder::JsonDecoder(SchemaRef schema, DecodeOptions options)
    : schema_(std::move(schema)), options_(std::move(options)), root_(StructType({})) {}

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
  std::vector<Field> decoded;
  for (int i = 0; i < schema->num_fields(); ++i) {
    if (i == d.corrupt_column_ || i == d.rescued_column_) continue;
    decoded.push_back(schema->field(i));
    d.decoded_columns_.push_back(i);
  }
  d.root_plan_ = PlanFor(Field{"", StructType(decoded), true});
  d.root_ = ColumnWriter(d.root_plan_.type);
  if (d.corrupt_column_ >= 0) d.corrupt_writer_ = std::make_unique<ColumnWriter>(StringType());
  if (d.rescued_column_ >= 0) d.rescued_writer_ = std::make_unique<ColumnWriter>(StringType());
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
          if (auto error = value.type().get(type)) return RecordError(error);
          if (auto error = RawJson(value, type, &raw)) return RecordError(error);
          rescued_.push_back(rescued_.empty() ? '{' : ',');
          AppendJsonString(rescued_, name);
          rescued_.push_back(':');
          rescued_.append(raw);
        }
        continue;
      }
    }
    const FieldPlan& child_plan = plan.children[static_cast<size_t>(child)];
    ColumnWriter& child_writer = writer.child(child);
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
    ColumnWriter& child_writer = writer.child(static_cast<int>(at));
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
  if (auto error = value.type().get(type)) return RecordError(error);
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
    case TypeId::kInt64:
      if (type != od::json_type::number) return Mismatch(value, type, plan);
      return DecodeInteger(value, plan, writer);
    case TypeId::kDouble:
      return DecodeDouble(value, type, writer);
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

JsonDecoder::Outcome JsonDecoder::DecodeInteger(od::value& value, const FieldPlan& plan,
                                                ColumnWriter& writer) {
  // Fast path: an integer token in range (one parse); anything else takes the exact path below.
  {
    int64_t fast = 0;
    if (value.get_int64().get(fast) == simdjson::SUCCESS) {
      if (plan.id == TypeId::kInt64) {
        writer.AppendInt64(fast);
        return Outcome::kOk;
      }
      if (fast >= std::numeric_limits<int32_t>::min() &&
          fast <= std::numeric_limits<int32_t>::max()) {
        writer.AppendInt32(static_cast<int32_t>(fast));
        return Outcome::kOk;
      }
    }
  }
  od::number_type number_type;
  if (auto error = value.get_number_type().get(number_type)) {
    if (!IsValueError(error)) return RecordError(error);
    number_type = od::number_type::floating_point_number;
  }
  int64_t result = 0;
  auto out_of_range = [&]() {
    return FieldError(bad_reason::kOutOfRange,
                      fmt::format("number {} out of range for {}",
                                  TrimRight(value.raw_json_token()), plan.type->ToString()));
  };
  if (number_type == od::number_type::signed_integer) {
    if (auto error = value.get_int64().get(result)) {
      if (!IsValueError(error)) return RecordError(error);
      return out_of_range();
    }
  } else if (number_type == od::number_type::unsigned_integer) {
    return out_of_range();
  } else {
    double number = 0;
    if (auto error = value.get_double().get(number)) {
      if (!IsValueError(error)) return RecordError(error);
      return out_of_range();
    }
    if (std::trunc(number) != number) {
      return FieldError(bad_reason::kTypeMismatch,
                        fmt::format("expected {}, got number {} (not an integer)",
                                    plan.type->ToString(), TrimRight(value.raw_json_token())));
    }
    if (!(number >= -kTwoPow63 && number < kTwoPow63)) return out_of_range();
    result = static_cast<int64_t>(number);
  }
  if (plan.id == TypeId::kInt32) {
    if (result < std::numeric_limits<int32_t>::min() ||
        result > std::numeric_limits<int32_t>::max()) {
      return out_of_range();
    }
    writer.AppendInt32(static_cast<int32_t>(result));
  } else {
    writer.AppendInt64(result);
  }
  return Outcome::kOk;
}

JsonDecoder::Outcome JsonDecoder::DecodeDouble(od::value& value, od::json_type type,
                                               ColumnWriter& writer) {
  static const FieldPlan kDoublePlan = [] {
    FieldPlan plan;
    plan.type = DoubleType();
    plan.id = TypeId::kDouble;
    return plan;
  }();
  if (type == od::json_type::string) {
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
  if (type != od::json_type::number) return Mismatch(value, type, kDoublePlan);
  {
    // Fast path: any number whose magnitude is below 2^53 is exact as a double.
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
  auto inexact = [&]() {
    return FieldError(bad_reason::kOutOfRange,
                      fmt::format("number {} is not exactly representable as DOUBLE",
                                  TrimRight(value.raw_json_token())));
  };
  if (number_type == od::number_type::signed_integer) {
    int64_t integer = 0;
    if (auto error = value.get_int64().get(integer)) {
      if (!IsValueError(error)) return RecordError(error);
      return inexact();
    }
    double number = static_cast<double>(integer);
    if (std::fabs(number) >= kTwoPow53 &&
        (number >= kTwoPow63 || static_cast<int64_t>(number) != integer)) {
      return inexact();
    }
    writer.AppendDouble(number);
    return Outcome::kOk;
  }
  if (number_type == od::number_type::unsigned_integer) {
    uint64_t integer = 0;
    if (auto error = value.get_uint64().get(integer)) {
      if (!IsValueError(error)) return RecordError(error);
      return inexact();
    }
    double number = static_cast<double>(integer);
    if (number >= 18446744073709551616.0 || static_cast<uint64_t>(number) != integer) {
      return inexact();
    }
    writer.AppendDouble(number);
    return Outcome::kOk;
  }
  double number = 0;
  if (auto error = value.get_double().get(number)) {
    if (!IsValueError(error)) return RecordError(error);
    return FieldError(bad_reason::kOutOfRange, fmt::format("number {} out of range for DOUBLE",
                                                           TrimRight(value.raw_json_token())));
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
    if (is_date) {
      std::optional<int32_t> days =
          date_pattern_.empty() ? ParseDate(Trim(text)) : date_pattern_.ParseDate(text);
      if (!days) {
        return FieldError(
            bad_reason::kInvalidDate,
            fmt::format("cannot parse {} as DATE ({})", decode_util::Quoted(text),
                        date_pattern_.empty() ? std::string("expected yyyy-MM-dd")
                                              : "dateFormat '" + date_pattern_.pattern() + "'"));
      }
      writer.AppendInt32(*days);
    } else {
      std::optional<int64_t> micros = timestamp_pattern_.empty()
                                          ? ParseTimestampMicros(text)
                                          : timestamp_pattern_.ParseTimestampMicros(text);
      if (!micros) {
        return FieldError(
            bad_reason::kInvalidTimestamp,
            fmt::format("cannot parse {} as TIMESTAMP ({})", decode_util::Quoted(text),
                        timestamp_pattern_.empty()
                            ? std::string("expected ISO-8601")
                            : "timestampFormat '" + timestamp_pattern_.pattern() + "'"));
      }
      writer.AppendInt64(*micros);
    }
    return Outcome::kOk;
  }
  if (type != od::json_type::number) return Mismatch(value, type, plan);
  const int64_t per_unit = options_.epoch_unit == EpochUnit::kSeconds  ? kMicrosPerSecond
                           : options_.epoch_unit == EpochUnit::kMillis ? 1000
                                                                       : 1;
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
  int64_t micros = 0;
  if (number_type == od::number_type::signed_integer) {
    int64_t number = 0;
    if (auto error = value.get_int64().get(number)) {
      if (!IsValueError(error)) return RecordError(error);
      return out_of_range();
    }
    if (__builtin_mul_overflow(number, per_unit, &micros)) return out_of_range();
  } else if (number_type == od::number_type::unsigned_integer) {
    return out_of_range();
  } else {
    double number = 0;
    if (auto error = value.get_double().get(number)) {
      if (!IsValueError(error)) return RecordError(error);
      return out_of_range();
    }
    double scaled = std::floor(number * static_cast<double>(per_unit));
    if (!(scaled >= -kTwoPow63 && scaled < kTwoPow63)) return out_of_range();
    micros = static_cast<int64_t>(scaled);
  }
  if (is_date) {
    int64_t days = FloorDiv(micros, kMicrosPerDay);
    writer.AppendInt32(static_cast<int32_t>(days));
  } else {
    writer.AppendInt64(micros);
  }
  return Outcome::kOk;
}

Status JsonDecoder::DecodeOne(std::string_view record, size_t capacity, int64_t index,
                              int64_t line) {
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
  od::document doc;
  if (auto error = parser_.iterate(data, record.size(), capacity).get(doc)) {
    RecordError(error);
    return EndRecord(false, record, index, line);
  }
  od::json_type type;
  if (auto error = doc.type().get(type)) {
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
  while (pos < text.size()) {
    ++line;
    const char* newline =
        static_cast<const char*>(std::memchr(text.data() + pos, '\n', text.size() - pos));
    size_t end = newline == nullptr ? text.size() : static_cast<size_t>(newline - text.data());
    std::string_view content = text.substr(pos, end - pos);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    size_t next = newline == nullptr ? text.size() : end + 1;
    if (content.find_first_not_of(" \t\r") != std::string_view::npos) {
      // In place when the padding simdjson reads past the record lies inside the text (the byte
      // after a line is its '\n', which ends any token); else DecodeOne copies.
      RETURN_NOT_OK(DecodeOne(content, text.size() - pos, record++, line));
    }
    pos = next;
  }
  return Status::OK();
}

Result<Batch> JsonDecoder::Finish() {
  ColumnRef root = root_.Finish();
  std::vector<ColumnRef> columns(static_cast<size_t>(schema_->num_fields()));
  for (size_t i = 0; i < decoded_columns_.size(); ++i) {
    columns[static_cast<size_t>(decoded_columns_[i])] = root->children()[i];
  }
  if (corrupt_writer_ != nullptr) {
    columns[static_cast<size_t>(corrupt_column_)] = corrupt_writer_->Finish();
  }
  if (rescued_writer_ != nullptr) {
    columns[static_cast<size_t>(rescued_column_)] = rescued_writer_->Finish();
  }
  int64_t rows = rows_;
  rows_ = 0;
  return Batch::Make(schema_, std::move(columns), rows);
}

}  // namespace sluice
