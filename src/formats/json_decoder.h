// JsonDecoder: JSON objects (one per payload, or JSON lines) straight into the columns of a
// declared schema, with simdjson On-Demand.
//
// Two paths give the same rows and issues. The fast path parses a record with simdjson's DOM
// parser (both stages run the best kernel for the CPU, picked at runtime inside libsimdjson) and
// walks the tape once into the columns, expecting the fields in the order last seen. Anything
// unusual (a parse error, a value that needs coercion text or a reason, a duplicate key, an
// unknown field to rescue, a record over 1 MiB) sends the record to the exact path: simdjson
// On-Demand, which reports precise reasons. The fast path never decides that a record is bad.
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

/// The date part of the last ISO-8601 timestamp parsed, and its micros.
struct IsoDateCache {
  char date[10] = {};
  bool valid = false;
  int64_t micros = 0;
};

class JsonDecoder final : public RecordDecoder {
 public:
  static Result<std::unique_ptr<JsonDecoder>> Make(SchemaRef schema, DecodeOptions options);

  Status DecodeRecords(std::span<const std::string_view> payloads, int64_t first_index) override;
  Status DecodeText(std::string_view text) override;
  /// Decodes one record (non-virtual: the per-record entry point). `capacity` is how many bytes
  /// starting at record.data() may be read (simdjson reads up to SIMDJSON_PADDING past the end);
  /// when smaller than size + padding the record is copied first.
  Status DecodeOne(std::string_view record, size_t capacity, int64_t index, int64_t line,
                   bool try_fast = true);

  Result<Batch> Finish() override;
  int64_t num_rows() const override { return rows_; }

  /// Tests: false sends every record through the exact path (the reference the fast path must
  /// match byte for byte).
  void set_fast_path(bool enabled) { fast_path_ = enabled && fast_path_allowed_; }
  bool fast_path() const { return fast_path_; }
  /// Records the fast path decoded (good records), since Make().
  int64_t fast_records() const { return fast_records_; }

  /// One field of the decoded schema, resolved once: name, type, nullability, children.
  struct FieldPlan {
    std::string name;
    TypeRef type;
    TypeId id = TypeId::kString;
    bool nullable = true;
    std::vector<FieldPlan> children;  // STRUCT fields, or the ARRAY element at [0]
    mutable size_t hint = 0;          // where the next key is likely to be (fields in order)
    // The name's first 16 bytes (zero-padded) and masks, to compare a key in two loads.
    uint64_t key_words[2] = {0, 0};
    uint64_t key_masks[2] = {0, 0};
    ColumnWriter* writer = nullptr;  // this field's writer (the decoder's, bound once)
    // A top-level column nothing reads (DecodeOptions::used_columns): its key is recognised,
    // its value skipped like an undeclared field's, and it has no writer.
    bool skip = false;
    uint64_t decoded_mask = 0;  // STRUCT: the children not skipped (the first 64)
  };

 private:
  enum class Outcome : uint8_t { kOk, kFieldError, kRecordError };

  JsonDecoder(SchemaRef schema, DecodeOptions options);

  Outcome DecodeStruct(simdjson::ondemand::object& object, const FieldPlan& plan,
                       ColumnWriter& writer, bool top_level);
  Outcome DecodeValue(simdjson::ondemand::value& value, const FieldPlan& plan,
                      ColumnWriter& writer);
  /// A JSON number into an INT (T = int32_t), BIGINT (int64_t), DOUBLE (double) or, as
  /// epochUnits, a TIMESTAMP/DATE column: exact conversions only, else the precise reason.
  template <typename T>
  Outcome DecodeNumber(simdjson::ondemand::value& value, const FieldPlan& plan,
                       ColumnWriter& writer);
  /// A DOUBLE given as a string: only the non-finite spellings ("NaN", "-Infinity", ...).
  Outcome DecodeDoubleString(simdjson::ondemand::value& value, ColumnWriter& writer);
  Outcome DecodeTemporal(simdjson::ondemand::value& value, simdjson::ondemand::json_type type,
                         const FieldPlan& plan, ColumnWriter& writer);
  Outcome DecodeString(simdjson::ondemand::value& value, simdjson::ondemand::json_type type,
                       ColumnWriter& writer);
  /// Records a field-level problem (reason text built only here, off the good path).
  Outcome FieldError(std::string_view kind, std::string detail);
  Outcome Mismatch(simdjson::ondemand::value& value, simdjson::ondemand::json_type type,
                   const FieldPlan& plan);
  Outcome RecordError(simdjson::error_code error);
  /// A line of a text given to DecodeText: [start, end) without the line break, [first, last)
  /// without the blanks around the JSON.
  struct TextLine {
    size_t start, end, first, last;
    int64_t record, line;
  };
  Status DecodeLine(std::string_view text, const TextLine& entry, bool try_fast);
  /// Decodes lines_ (whole chunks through simdjson's parse_many when they split as lines).
  Status DecodeLines(std::string_view text);
  /// The fast path's end of a good record: the other columns.
  void GoodRecord();

  /// Finishes the record: mode handling, corrupt/rescued columns, the issue.
  Status EndRecord(bool parsed, std::string_view record, int64_t index, int64_t line);

  // The fast path. FastRecord/FastRoot: true = the record's row is complete (a good record);
  // false = the writers are back where they were and the exact path must decode the record. The
  // others read simdjson's DOM tape (doc/tape.md in simdjson: 64-bit words, the type in the top
  // byte) from word `at` into plan.writer and return the index past the value, or 0 = give up.
  bool FastRecord(const char* data, size_t size);
  /// The object at word 1 of a tape as a row (false: the writers are back, as before).
  bool FastRoot(const uint64_t* words, const uint8_t* strings);
  size_t FastValue(const uint64_t* words, const uint8_t* strings, size_t at, const FieldPlan& plan);
  size_t FastStruct(const uint64_t* words, const uint8_t* strings, size_t at, const FieldPlan& plan,
                    bool top_level);
  size_t FastList(const uint64_t* words, const uint8_t* strings, size_t at, const FieldPlan& plan);
  size_t FastOtherDouble(const uint64_t* words, const uint8_t* strings, size_t at,
                         ColumnWriter& writer);
  size_t FastTemporal(const uint64_t* words, const uint8_t* strings, size_t at,
                      const FieldPlan& plan);
  /// A non-finite number token (NaN, Infinity, -Infinity, +INF, ...) where a value starts, which
  /// simdjson rejects; decoded like a number (DOUBLE value, STRING text). Off the good path.
  Outcome NonFinite(std::string_view token, const FieldPlan& plan, ColumnWriter& writer);

  SchemaRef schema_;
  DecodeOptions options_;
  DateTimePattern timestamp_pattern_;
  DateTimePattern date_pattern_;
  IsoDateCache date_cache_;
  FieldPlan root_plan_;               // a STRUCT of the decoded columns (skipped ones too)
  ColumnWriter root_;                 // its writer: one child per column not skipped
  std::vector<int> decoded_columns_;  // schema index of root_plan_ child i
  int corrupt_column_ = -1;
  int rescued_column_ = -1;
  std::unique_ptr<ColumnWriter> corrupt_writer_;
  std::unique_ptr<ColumnWriter> rescued_writer_;
  int64_t rows_ = 0;
  int64_t fast_records_ = 0;

  simdjson::ondemand::parser parser_;
  simdjson::dom::parser dom_parser_;
  simdjson::dom::document dom_doc_;
  bool fast_path_allowed_ = true;  // false when a field name could match differently on the tape
  bool fast_path_ = true;
  std::vector<char> scratch_;  // a padded copy of a record that cannot be parsed in place
  // DecodeText's lines waiting for a chunk, how many lines make a chunk (adapts), and how many
  // lines to decode one by one before trying chunks again.
  static constexpr size_t kChunkBytes = size_t{256} << 10;
  static constexpr size_t kMaxChunkLines = 1024;
  std::vector<TextLine> lines_;
  size_t chunk_lines_ = 64;
  int per_line_ = 0;

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
