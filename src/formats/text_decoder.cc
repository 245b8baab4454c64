#include "formats/text_decoder.h"

#include <cstring>
#include <limits>

#include <simdjson.h>

namespace sluice {

Result<std::unique_ptr<TextDecoder>> TextDecoder::Make(SchemaRef schema, DecodeOptions options) {
  if (schema->num_fields() != 1 || schema->field(0).type->id() != TypeId::kString) {
    return Status::Config("format 'text' produces one STRING column (e.g. value STRING), not ({})",
                          schema->ToString());
  }
  return std::unique_ptr<TextDecoder>(new TextDecoder(std::move(schema), std::move(options)));
}

Status TextDecoder::DecodeLine(std::string_view line, int64_t index, int64_t line_number) {
  if (simdjson::validate_utf8(line.data(), line.size()) &&
      column_.data_size() + static_cast<int64_t>(line.size()) <=
          std::numeric_limits<int32_t>::max()) {
    column_.AppendString(line);
    ++rows_;
    return Status::OK();
  }
  DecodeIssue issue;
  issue.record_index = index;
  issue.line = line_number;
  bool utf8 = simdjson::validate_utf8(line.data(), line.size());
  issue.kind = utf8 ? bad_reason::kTooLarge : bad_reason::kInvalidUtf8;
  issue.reason = utf8 ? "more than 2 GiB of STRING data in one batch" : "invalid UTF-8";
  issue.raw = std::string(line);
  if (options_.mode == DecodeMode::kFailFast) {
    Status status = Status::Decode("{}", issue.reason);
    issues_.push_back(std::move(issue));
    return status;
  }
  if (options_.mode == DecodeMode::kDropMalformed) {
    issue.dropped = true;
  } else {
    column_.AppendNull();
    ++rows_;
  }
  issues_.push_back(std::move(issue));
  return Status::OK();
}

Status TextDecoder::DecodeRecords(std::span<const std::string_view> payloads, int64_t first_index) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    RETURN_NOT_OK(DecodeLine(payloads[i], first_index + static_cast<int64_t>(i), 0));
  }
  return Status::OK();
}

Status TextDecoder::DecodeText(std::string_view text) {
  size_t pos = 0;
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) pos = 3;
  int64_t line = 0;
  while (pos < text.size()) {
    ++line;
    const void* newline = std::memchr(text.data() + pos, '\n', text.size() - pos);
    size_t end = newline == nullptr
                     ? text.size()
                     : static_cast<size_t>(static_cast<const char*>(newline) - text.data());
    std::string_view content = text.substr(pos, end - pos);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    RETURN_NOT_OK(DecodeLine(content, line - 1, line));
    pos = newline == nullptr ? text.size() : end + 1;
  }
  return Status::OK();
}

Result<Batch> TextDecoder::Finish() {
  int64_t rows = rows_;
  rows_ = 0;
  return Batch::Make(schema_, {column_.Finish()}, rows);
}

}  // namespace sluice
