// CsvDecoder: CSV/TSV records into the columns of a declared flat schema, with Spark's option
// names (header, sep, quote, escape, nullValue, comment) and the same bad-record policy as JSON.
//
// Columns map to fields by position (Spark's enforceSchema=true); the corrupt-record column is
// not part of that mapping. A quoted field may span lines and contains `quote` doubled ("") or
// preceded by `escape`. An unquoted field equal to nullValue, or an empty unquoted field of a
// non-STRING column, is NULL. A record with too few or too many fields is bad (field_count):
// PERMISSIVE fills the missing columns with NULL and drops the extra fields.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formats/column_writer.h"
#include "formats/decode.h"

namespace sluice {

class CsvDecoder final : public RecordDecoder {
 public:
  static Result<std::unique_ptr<CsvDecoder>> Make(SchemaRef schema, DecodeOptions options);

  Status DecodeRecords(std::span<const std::string_view> payloads, int64_t first_index) override;
  Status DecodeText(std::string_view text) override;
  Result<Batch> Finish() override;
  int64_t num_rows() const override { return rows_; }

 private:
  struct FieldSpan {
    size_t begin = 0;
    size_t end = 0;
    bool quoted = false;
    bool escaped = false;  // holds doubled quotes or escape characters to remove
  };

  CsvDecoder(SchemaRef schema, DecodeOptions options);
  /// Splits the record starting at `pos` into fields_; returns the position after its line
  /// break. Counts line breaks inside quotes in *lines. Sets syntax_error_ on a syntax problem.
  size_t Split(std::string_view text, size_t pos, int64_t* lines);
  /// Converts fields_ into one row (or a bad record).
  Status DecodeFields(std::string_view text, std::string_view raw, int64_t index, int64_t line);
  /// One field into column `column`; false (with the reason recorded) when it does not convert.
  bool DecodeField(std::string_view value, bool quoted, int column);
  void Problem(std::string_view kind, std::string reason);

  SchemaRef schema_;
  DecodeOptions options_;
  DateTimePattern timestamp_pattern_;
  DateTimePattern date_pattern_;
  std::vector<ColumnWriter> columns_;  // one per decoded column, in CSV order
  std::vector<int> decoded_columns_;   // schema index of columns_[i]
  std::vector<bool> skipped_;          // columns_[i] is read by nothing: never decoded (NULL)
  int corrupt_column_ = -1;
  std::unique_ptr<ColumnWriter> corrupt_writer_;
  int64_t rows_ = 0;

  std::vector<FieldSpan> fields_;
  std::string unescaped_;
  std::string syntax_error_;
  bool record_bad_ = false;
  std::string_view error_kind_;
  std::string error_reason_;
  int64_t extra_errors_ = 0;
};

}  // namespace sluice
