// TextDecoder: one STRING column per record (Spark's text source, logstash's line codec). Lines
// end at '\n' (a '\r' before it is dropped); empty lines are records too. A line that is not
// valid UTF-8 is a bad record (invalid_utf8).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "formats/column_writer.h"
#include "formats/decode.h"

namespace sluice {

class TextDecoder final : public RecordDecoder {
 public:
  /// `schema`: exactly one STRING column (its name is free; Spark's is `value`).
  static Result<std::unique_ptr<TextDecoder>> Make(SchemaRef schema, DecodeOptions options);

  Status DecodeRecords(std::span<const std::string_view> payloads, int64_t first_index) override;
  Status DecodeText(std::string_view text) override;
  Result<Batch> Finish() override;
  int64_t num_rows() const override { return rows_; }

 private:
  TextDecoder(SchemaRef schema, DecodeOptions options)
      : schema_(std::move(schema)), options_(std::move(options)), column_(StringType()) {}
  Status DecodeLine(std::string_view line, int64_t index, int64_t line_number);

  SchemaRef schema_;
  DecodeOptions options_;
  ColumnWriter column_;
  int64_t rows_ = 0;
};

}  // namespace sluice
