// JsonDecoder: JSON objects (one per payload, or JSON lines) straight into the columns of a
// declared schema, with simdjson On-Demand.
//
// Fields are found by name in any order (exact match first, then case-insensitive); missing
// fields are NULL; unknown fields are skipped, or kept as a JSON object in the rescued-data
// column when declared. Values are coerced to the declared type only when exact (the table is in
// docs/formats.md). A problem inside a top-level field makes that field NULL and the record bad
// (PERMISSIVE keeps the row, DROPMALFORMED drops it, FAILFAST stops); a record that is not JSON
// at all (or not an object) is bad as a whole.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "formats/column_writer.h"
#include "formats/decode.h"

namespace sluice {

class JsonDecoder final : public RecordDecoder {
 public:
  static Result<std::unique_ptr<JsonDecoder>> Make(SchemaRef schema, DecodeOptions options);

  Status DecodeRecords(std::span<const std::string_view> payloads, int64_t first_index) override;
  Status DecodeText(std::string_view text) override;
  /// Decodes one record (non-virtual: the per-record entry point). `capacity` is how many bytes
  /// starting at record.data() may be read (simdjson reads up to SIMDJSON_PADDING past the end);
  /// when smaller than size + padding the record is copied first.
  Status DecodeOne(std::string_view record, size_t capacity, int64_t index, int64_t line);

  Result<Batch> Finish() override;
  int64_t num_rows() const override { return rows_; }

  /// One field of the decoded schema, resolved once: name, type, nullability, children.
  struct FieldPlan {
    std::string name;
    TypeRef type;
    TypeId id = TypeId::kString;
    bool nullable = true;
    std::vector<FieldPlan> children;  // STRUCT fields, or the ARRAY element at [0]
    mutable size_t hint = 0;          // where the next key is likely to be (fields in order)
  };

 private:
  enum class Outcome : uint8_t { kOk, kFieldError, kRecordError };

  JsonDecoder(SchemaRef schema, DecodeOptions options);

  Outcome DecodeStruct(simdjson::ondemand::object& object, const FieldPlan& plan,
                       ColumnWriter& writer, bool top_level);
  Outcome DecodeValue(simdjson::ondemand::value& value, const FieldPlan& plan,
                      ColumnWriter& writer);
  Outcome DecodeInteger(simdjson::ondemand::value& value, const FieldPlan& plan,
                        ColumnWriter& writer);
  Outcome DecodeDouble(simdjson::ondemand::value& value, simdjson::ondemand::json_type type,
                       ColumnWriter& writer);
  Outcome DecodeTemporal(simdjson::ondemand::value& value, simdjson::ondemand::json_type type,
                         const FieldPlan& plan, ColumnWriter& writer);
  Outcome DecodeString(simdjson::ondemand::value& value, simdjson::ondemand::json_type type,
                       ColumnWriter& writer);
  /// Records a field-level problem (reason text built only here, off the good path).
  Outcome FieldError(std::string_view kind, std::string detail);
  Outcome Mismatch(simdjson::ondemand::value& value, simdjson::ondemand::json_type type,
                   const FieldPlan& plan);
  Outcome RecordError(simdjson::error_code error);
  /// Finishes the record: mode handling, corrupt/rescued columns, the issue.
  Status EndRecord(bool parsed, std::string_view record, int64_t index, int64_t line);

  SchemaRef schema_;
  DecodeOptions options_;
  DateTimePattern timestamp_pattern_;
  DateTimePattern date_pattern_;
  FieldPlan root_plan_;               // a STRUCT of the decoded columns
  ColumnWriter root_;                 // its writer: child i = decoded column i
  std::vector<int> decoded_columns_;  // schema index of root child i
  int corrupt_column_ = -1;
  int rescued_column_ = -1;
  std::unique_ptr<ColumnWriter> corrupt_writer_;
  std::unique_ptr<ColumnWriter> rescued_writer_;
  int64_t rows_ = 0;

  simdjson::ondemand::parser parser_;
  std::vector<char> scratch_;  // a padded copy of a record that cannot be parsed in place

  // Per-record state (reset at every record).
  bool record_bad_ = false;
  bool error_done_ = false;  // the reason's path is complete (further problems are only counted)
  int64_t extra_errors_ = 0;
  std::string_view error_kind_;
  std::string error_detail_;
  std::string error_path_;
  std::string rescued_;
};

}  // namespace sluice
