#include "formats/csv_decoder.h"

#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <simdjson.h>

#include "common/strings.h"
#include "common/time_util.h"
#include "formats/decode_util.h"

namespace sluice {

CsvDecoder::CsvDecoder(SchemaRef schema, DecodeOptions options)
    : schema_(std::move(schema)), options_(std::move(options)) {}

Result<std::unique_ptr<CsvDecoder>> CsvDecoder::Make(SchemaRef schema, DecodeOptions options) {
  std::unique_ptr<CsvDecoder> decoder(new CsvDecoder(schema, options));
  CsvDecoder& d = *decoder;
  if (!options.column_name_of_corrupt_record.empty()) {
    d.corrupt_column_ = schema->FieldIndex(options.column_name_of_corrupt_record);
    if (d.corrupt_column_ >= 0 && schema->field(d.corrupt_column_).type->id() != TypeId::kString) {
      return Status::Config("column '{}' holds raw record text and must be STRING, not {}",
                            schema->field(d.corrupt_column_).name,
                            schema->field(d.corrupt_column_).type->ToString());
    }
  }
  if (!options.rescued_data_column.empty()) {
    return Status::Config("rescuedDataColumn is a JSON option; CSV columns map by position");
  }
  const std::vector<bool>& used = options.used_columns;
  if (!used.empty() && used.size() != static_cast<size_t>(schema->num_fields())) {
    return Status::Internal("used_columns has {} flags for {} columns", used.size(),
                            schema->num_fields());
  }
  auto is_used = [&used](int column) { return used.empty() || used[static_cast<size_t>(column)]; };
  for (int i = 0; i < schema->num_fields(); ++i) {
    if (i == d.corrupt_column_) continue;
    const Field& field = schema->field(i);
    if (field.type->is_nested()) {
      return Status::Config("CSV cannot hold column '{}' of type {}: CSV columns are flat",
                            field.name, field.type->ToString());
    }
    d.columns_.emplace_back(field.type);
    d.decoded_columns_.push_back(i);
    d.skipped_.push_back(!is_used(i));
  }
  if (!options.timestamp_format.empty()) {
    ASSIGN_OR_RETURN(d.timestamp_pattern_, DateTimePattern::Compile(options.timestamp_format));
  }
  if (!options.date_format.empty()) {
    ASSIGN_OR_RETURN(d.date_pattern_, DateTimePattern::Compile(options.date_format));
  }
  if (d.corrupt_column_ >= 0 && is_used(d.corrupt_column_)) {
    d.corrupt_writer_ = std::make_unique<ColumnWriter>(StringType());
  }
  return decoder;
}

size_t CsvDecoder::Split(std::string_view text, size_t pos, int64_t* lines) {
  fields_.clear();
  syntax_error_.clear();
  const char sep = options_.sep;
  const char quote = options_.quote;
  const char escape = options_.escape;
  const size_t size = text.size();
  while (true) {
    FieldSpan field;
    if (pos < size && quote != '\0' && text[pos] == quote) {
      field.quoted = true;
      ++pos;
      field.begin = pos;
      bool closed = false;
      while (pos < size) {
        char c = text[pos];
        if (c == escape && escape != quote && escape != '\0' && pos + 1 < size) {
          field.escaped = true;
          if (text[pos + 1] == '\n') ++*lines;
          pos += 2;
        } else if (c == quote) {
          if (pos + 1 < size && text[pos + 1] == quote) {
            field.escaped = true;
            pos += 2;
          } else {
            field.end = pos;
            ++pos;
            closed = true;
            break;
          }
        } else {
          if (c == '\n') ++*lines;
          ++pos;
        }
      }
      if (!closed) {
        field.end = size;
        syntax_error_ = "unterminated quoted field";
        fields_.push_back(field);
        return size;
      }
      if (pos < size && text[pos] != sep && text[pos] != '\n' && text[pos] != '\r') {
        syntax_error_ = fmt::format("unexpected character {} after a closing quote",
                                    decode_util::Quoted(text.substr(pos, 1)));
        const void* newline = std::memchr(text.data() + pos, '\n', size - pos);
        fields_.push_back(field);
        return newline == nullptr
                   ? size
                   : static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1;
      }
    } else {
      field.begin = pos;
      while (pos < size && text[pos] != sep && text[pos] != '\n') ++pos;
      field.end = pos;
      if (pos < size && text[pos] == '\n' && field.end > field.begin &&
          text[field.end - 1] == '\r') {
        --field.end;
      } else if (pos == size && field.end > field.begin && text[field.end - 1] == '\r') {
        --field.end;
      }
    }
    fields_.push_back(field);
    if (pos < size && text[pos] == sep) {
      ++pos;
      continue;
    }
    if (pos < size && text[pos] == '\r') ++pos;
    if (pos < size && text[pos] == '\n') ++pos;
    return pos;
  }
}

void CsvDecoder::Problem(std::string_view kind, std::string reason) {
  if (record_bad_) {
    ++extra_errors_;
    return;
  }
  record_bad_ = true;
  error_kind_ = kind;
  error_reason_ = std::move(reason);
}

bool CsvDecoder::DecodeField(std::string_view value, bool quoted, int column) {
  ColumnWriter& writer = columns_[static_cast<size_t>(column)];
  const Field& field = schema_->field(decoded_columns_[static_cast<size_t>(column)]);
  const TypeId id = writer.id();
  if (!quoted && (value == options_.null_value || (value.empty() && id != TypeId::kString))) {
    if (!field.nullable) {
      Problem(bad_reason::kNullInNotNull,
              fmt::format("field '{}': NULL in a NOT NULL column", field.name));
      writer.AppendNull();
      return false;
    }
    writer.AppendNull();
    return true;
  }
  auto fail = [&](std::string_view kind, std::string_view detail) {
    Problem(kind, fmt::format("field '{}': {}", field.name, detail));
    writer.AppendNull();
    return false;
  };
  switch (id) {
    case TypeId::kString:
      if (!simdjson::validate_utf8(value.data(), value.size())) {
        return fail(bad_reason::kInvalidUtf8, "invalid UTF-8");
      }
      writer.AppendString(value);
      if (writer.data_size() > std::numeric_limits<int32_t>::max()) {
        return fail(bad_reason::kTooLarge, "more than 2 GiB of STRING data in one batch");
      }
      return true;
    case TypeId::kBoolean:
      if (EqualsIgnoreCase(value, "true")) {
        writer.AppendBool(true);
      } else if (EqualsIgnoreCase(value, "false")) {
        writer.AppendBool(false);
      } else {
        return fail(bad_reason::kTypeMismatch,
                    fmt::format("expected BOOLEAN, got {}", decode_util::Quoted(value)));
      }
      return true;
    case TypeId::kInt32:
    case TypeId::kInt64: {
      std::optional<int64_t> number = decode_util::ParseExactInt64(value);
      if (!number) {
        bool numeric = decode_util::ParseExactDouble(value).has_value();
        return fail(
            numeric ? bad_reason::kOutOfRange : bad_reason::kTypeMismatch,
            fmt::format("expected {}, got {}", field.type->ToString(), decode_util::Quoted(value)));
      }
      if (id == TypeId::kInt32) {
        if (*number < std::numeric_limits<int32_t>::min() ||
            *number > std::numeric_limits<int32_t>::max()) {
          return fail(bad_reason::kOutOfRange,
                      fmt::format("number {} out of range for INT", decode_util::Quoted(value)));
        }
        writer.AppendInt32(static_cast<int32_t>(*number));
      } else {
        writer.AppendInt64(*number);
      }
      return true;
    }
    case TypeId::kDouble: {
      std::optional<double> number = decode_util::ParseExactDouble(value);
      if (!number) {
        return fail(bad_reason::kTypeMismatch,
                    fmt::format("expected DOUBLE, got {}", decode_util::Quoted(value)));
      }
      writer.AppendDouble(*number);
      return true;
    }
    case TypeId::kTimestamp:
    case TypeId::kDate: {
      const bool is_date = id == TypeId::kDate;
      const DateTimePattern& pattern = is_date ? date_pattern_ : timestamp_pattern_;
      int64_t parsed = 0;
      if (!decode_util::ParseTemporal(value, is_date, pattern, &parsed)) {
        decode_util::TemporalProblem problem = decode_util::TemporalError(value, is_date, pattern);
        return fail(problem.kind, problem.reason);
      }
      if (is_date) {
        writer.AppendInt32(static_cast<int32_t>(parsed));
      } else {
        writer.AppendInt64(parsed);
      }
      return true;
    }
    case TypeId::kStruct:
    case TypeId::kList:
      break;
  }
  return fail(bad_reason::kTypeMismatch, "unsupported type");
}

Status CsvDecoder::DecodeFields(std::string_view text, std::string_view raw, int64_t index,
                                int64_t line) {
  record_bad_ = false;
  extra_errors_ = 0;
  bool parsed = true;
  if (!syntax_error_.empty()) {
    Problem(bad_reason::kMalformedCsv, syntax_error_);
    parsed = false;
  }
  const size_t num_columns = columns_.size();
  if (parsed) {
    const size_t count = std::min(fields_.size(), num_columns);
    for (size_t i = 0; i < count; ++i) {
      if (skipped_[i]) continue;  // nothing reads the column: not converted, not checked
      const FieldSpan& span = fields_[i];
      std::string_view value = text.substr(span.begin, span.end - span.begin);
      if (span.escaped) {
        unescaped_.clear();
        for (size_t at = 0; at < value.size(); ++at) {
          char c = value[at];
          if ((c == options_.escape && options_.escape != '\0') ||
              (c == options_.quote && at + 1 < value.size() && value[at + 1] == options_.quote)) {
            if (at + 1 < value.size()) ++at;
          }
          unescaped_.push_back(value[at]);
        }
        value = unescaped_;
      }
      DecodeField(value, span.quoted, static_cast<int>(i));
    }
    for (size_t i = count; i < num_columns; ++i) {
      if (!skipped_[i]) columns_[i].AppendNull();
    }
    if (fields_.size() != num_columns) {
      Problem(bad_reason::kFieldCount, fmt::format("expected {} field{}, got {}", num_columns,
                                                   num_columns == 1 ? "" : "s", fields_.size()));
    }
  }
  if (!record_bad_) {
    if (corrupt_writer_ != nullptr) corrupt_writer_->AppendNull();
    ++rows_;
    return Status::OK();
  }
  DecodeIssue issue;
  issue.record_index = index;
  issue.line = line;
  issue.kind = error_kind_;
  issue.reason = error_reason_;
  if (extra_errors_ > 0) {
    issue.reason +=
        fmt::format(" (and {} more problem{})", extra_errors_, extra_errors_ == 1 ? "" : "s");
  }
  issue.raw = std::string(raw);
  if (options_.mode != DecodeMode::kPermissive) {
    for (ColumnWriter& column : columns_) column.Truncate(rows_);
    if (options_.mode == DecodeMode::kFailFast) {
      Status status = Status::Decode("{}", issue.reason);
      issues_.push_back(std::move(issue));
      return status;
    }
    issue.dropped = true;
    issues_.push_back(std::move(issue));
    return Status::OK();
  }
  if (!parsed) {
    for (size_t i = 0; i < num_columns; ++i) {
      if (skipped_[i]) continue;
      columns_[i].Truncate(rows_);
      columns_[i].AppendNull();
    }
  }
  if (corrupt_writer_ != nullptr) corrupt_writer_->AppendString(ValidUtf8OrReplaced(raw));
  ++rows_;
  issues_.push_back(std::move(issue));
  return Status::OK();
}

Status CsvDecoder::DecodeRecords(std::span<const std::string_view> payloads, int64_t first_index) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    std::string_view payload = payloads[i];
    int64_t lines = 0;
    size_t end = Split(payload, 0, &lines);
    if (syntax_error_.empty() && end < payload.size() &&
        payload.find_first_not_of("\r\n", end) != std::string_view::npos) {
      syntax_error_ = "more than one record in the payload";
    }
    RETURN_NOT_OK(
        DecodeFields(payload, payload, first_index + static_cast<int64_t>(i), /*line=*/0));
  }
  return Status::OK();
}

Status CsvDecoder::DecodeText(std::string_view text) {
  size_t pos = 0;
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) pos = 3;
  int64_t line = 1;
  int64_t record = 0;
  bool header_pending = options_.header;
  while (pos < text.size()) {
    // Blank lines and comment lines are skipped.
    if (text[pos] == '\n' ||
        (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n')) {
      pos += text[pos] == '\n' ? 1 : 2;
      ++line;
      continue;
    }
    if (options_.comment != '\0' && text[pos] == options_.comment) {
      const void* newline = std::memchr(text.data() + pos, '\n', text.size() - pos);
      pos = newline == nullptr
                ? text.size()
                : static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1;
      ++line;
      continue;
    }
    const size_t start = pos;
    const int64_t start_line = line;
    int64_t inner_lines = 0;
    pos = Split(text, pos, &inner_lines);
    line += inner_lines + 1;
    if (header_pending) {
      header_pending = false;
      continue;
    }
    std::string_view raw = text.substr(start, pos - start);
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) raw.remove_suffix(1);
    RETURN_NOT_OK(DecodeFields(text, raw, record++, start_line));
  }
  return Status::OK();
}

Result<Batch> CsvDecoder::Finish() {
  std::vector<ColumnRef> columns(static_cast<size_t>(schema_->num_fields()));
  for (size_t i = 0; i < columns_.size(); ++i) {
    columns[static_cast<size_t>(decoded_columns_[i])] =
        skipped_[i] ? Column::MakeNull(columns_[i].type(), rows_) : columns_[i].Finish();
  }
  if (corrupt_column_ >= 0) {
    columns[static_cast<size_t>(corrupt_column_)] = corrupt_writer_ != nullptr
                                                        ? corrupt_writer_->Finish()
                                                        : Column::MakeNull(StringType(), rows_);
  }
  int64_t rows = rows_;
  rows_ = 0;
  return Batch::Make(schema_, std::move(columns), rows);
}

}  // namespace sluice
