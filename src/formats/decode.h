// Decoding outside bytes (JSON, CSV/TSV, text lines) into a Batch of a declared schema, with
// Spark's bad-record policy. Decoders know nothing of where records come from: they report each
// problem with the record's index (and line, for whole texts); the caller (a source) adds the
// coordinates (file/line, topic/partition/offset).
//
// The common interface: a decoder is created once per source for one schema, then fed payloads
// (Kafka values, lines) or whole texts (file contents), and Finish() hands over the rows so far.
// The per-record work happens inside one call per chunk: no virtual call or heap allocation per
// record on the good path.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/batch.h"
#include "columnar/types.h"
#include "common/status.h"
#include "formats/datetime_pattern.h"

namespace sluice {

/// Spark's `mode`.
enum class DecodeMode {
  kPermissive,     // bad fields NULL, the row kept; raw record in columnNameOfCorruptRecord
  kDropMalformed,  // the row dropped
  kFailFast,       // the decode call fails with the record and the reason
};

enum class DecodeFormat { kJson, kCsv, kText };

/// How numbers become TIMESTAMP/DATE values (JSON).
enum class EpochUnit { kSeconds, kMillis, kMicros };

/// Every decoder option, in Spark's spelling where Spark has one (see DecodeOptionNames()).
struct DecodeOptions {
  DecodeMode mode = DecodeMode::kPermissive;
  /// A STRING column of the schema receiving the raw text of a malformed record (PERMISSIVE);
  /// not decoded from the record. Ignored if the schema has no such column.
  std::string column_name_of_corrupt_record = "_corrupt_record";
  /// JSON: a STRING column receiving the fields the schema does not declare, as a JSON object
  /// ("catch-all"); empty = unknown fields are ignored.
  std::string rescued_data_column;
  /// Spark/Java datetime patterns; empty = ISO-8601.
  std::string timestamp_format;
  std::string date_format;
  /// JSON numbers for TIMESTAMP/DATE columns: seconds (Spark), millis or micros since the epoch.
  EpochUnit epoch_unit = EpochUnit::kSeconds;
  // CSV.
  bool header = false;
  char sep = ',';
  char quote = '"';
  char escape = '\\';
  /// The text that stands for NULL (Spark's default: the empty string).
  std::string null_value;
  /// Lines starting with this character are skipped; '\0' = none.
  char comment = '\0';
  /// Projection pushdown: one flag per column of the decoder's schema; false = nothing reads the
  /// column: it is not decoded (all NULL in the batch) and its field is skipped like an
  /// undeclared one (so a bad value there no longer makes the record bad). Empty = all read.
  /// Not an option of FromMap: sources set it from SourceContext::used_columns.
  std::vector<bool> used_columns;

  /// From option values keyed by their canonical names (a connector's validated OptionSet):
  /// mode, columnNameOfCorruptRecord, rescuedDataColumn, timestampFormat, dateFormat, epochUnit,
  /// header, sep, quote, escape, nullValue, comment. Unknown keys are ignored.
  static Result<DecodeOptions> FromMap(const std::map<std::string, std::string>& values);
};

/// Names of the reasons a record is bad (the keys of "byReason" in progress records).
namespace bad_reason {
inline constexpr std::string_view kMalformedJson = "malformed_json";
inline constexpr std::string_view kInvalidUtf8 = "invalid_utf8";
inline constexpr std::string_view kTooDeep = "too_deep";
inline constexpr std::string_view kNotAnObject = "not_an_object";
inline constexpr std::string_view kEmptyRecord = "empty_record";
inline constexpr std::string_view kTypeMismatch = "type_mismatch";
inline constexpr std::string_view kOutOfRange = "out_of_range";
inline constexpr std::string_view kInvalidTimestamp = "invalid_timestamp";
inline constexpr std::string_view kInvalidDate = "invalid_date";
inline constexpr std::string_view kDuplicateKey = "duplicate_key";
inline constexpr std::string_view kNullInNotNull = "null_in_not_null";
inline constexpr std::string_view kMalformedCsv = "malformed_csv";
inline constexpr std::string_view kFieldCount = "field_count";
inline constexpr std::string_view kTooLarge = "too_large";
/// A compressed input file that does not decompress to its end (sources, not decoders).
inline constexpr std::string_view kCorruptFile = "corrupt_file";
}  // namespace bad_reason

/// One bad record: where it is in the input given to the decoder, why, and its raw bytes.
struct DecodeIssue {
  int64_t record_index = 0;  // index of the payload (DecodeRecords), or record number in a text
  int64_t line = 0;          // 1-based line where the record starts (DecodeText), else 0
  std::string_view kind;     // one of bad_reason::*
  std::string reason;        // "field 'price': expected DOUBLE, got string \"abc\""
  std::string raw;           // the record's bytes (may be invalid UTF-8)
  bool dropped = false;      // the row is not in the output (DROPMALFORMED)
};

/// Decodes records of one format into rows of one schema.
class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;

  /// Decodes each payload as one record (a Kafka value, a line without its terminator). Issues
  /// carry `first_index + i`. FAILFAST: a Decode error at the first bad record (its issue is
  /// recorded too).
  virtual Status DecodeRecords(std::span<const std::string_view> payloads, int64_t first_index) = 0;
  /// Decodes a whole text (a file's contents): JSON lines, CSV (header, quoted newlines), text
  /// lines. A UTF-8 BOM at the start is skipped, CRLF is accepted, blank JSON/CSV lines are
  /// skipped. Issues carry 1-based lines.
  virtual Status DecodeText(std::string_view text) = 0;

  /// Rows decoded so far; the decoder is empty afterwards.
  virtual Result<Batch> Finish() = 0;
  virtual int64_t num_rows() const = 0;

  /// The bad records found since the last call.
  std::vector<DecodeIssue> TakeIssues() { return std::exchange(issues_, {}); }
  const std::vector<DecodeIssue>& issues() const { return issues_; }

 protected:
  std::vector<DecodeIssue> issues_;
};

/// A decoder for `format` producing `schema`. Config errors: a corrupt-record or rescued-data
/// column that is not STRING, nested columns in CSV, a text schema that is not one STRING
/// column, a bad datetime pattern.
Result<std::unique_ptr<RecordDecoder>> MakeDecoder(DecodeFormat format, SchemaRef schema,
                                                   DecodeOptions options);

/// "json" | "csv" | "text" (case-insensitive).
Result<DecodeFormat> ParseDecodeFormat(std::string_view name);
std::string_view DecodeModeName(DecodeMode mode);

/// A FAILFAST error for `issue` at `where` ("file 'a.json' line 3"), as the query reports it.
Status FailFastError(const DecodeIssue& issue, std::string_view where);

/// `text` if it is valid UTF-8, else a copy with each invalid byte replaced by U+FFFD.
std::string ValidUtf8OrReplaced(std::string_view text);

/// Appends `text` as a JSON string, or as base64 when it is not valid UTF-8 (returns false then).
bool AppendRawRecordJson(std::string& out, std::string_view raw);

}  // namespace sluice
