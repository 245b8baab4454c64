// ParquetFileWriter: batches in, a Parquet file out, streamed. Rows are buffered per column only
// until the row group reaches `row_group_size` bytes; then the row group's column chunks go to
// the output and only their metadata stays for the footer. Output bytes are a pure function of
// the rows and the options (no timestamps, no random ids), so a replay writes identical files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/batch.h"
#include "formats/parquet/column_writer.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/schema.h"

namespace sluice::parquet {

class MemoryBudget;

/// Where the file's bytes go (a staged file, a string in tests).
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status Append(std::string_view bytes) = 0;
};

/// Appends to a std::string.
class StringOutputStream final : public OutputStream {
 public:
  explicit StringOutputStream(std::string* out) : out_(out) {}
  Status Append(std::string_view bytes) override {
    out_->append(bytes);
    return Status::OK();
  }

 private:
  std::string* out_;
};

/// Key of the key-value metadata entry holding the Sluice schema (SQL spelling).
inline constexpr std::string_view kSluiceSchemaKey = "sluice.schema";

class ParquetFileWriter {
 public:
  /// `budget` may be null; otherwise the writer registers with it until Close().
  static Result<std::unique_ptr<ParquetFileWriter>> Open(SchemaRef schema, WriterOptions options,
                                                         OutputStream* out,
                                                         MemoryBudget* budget = nullptr);
  ~ParquetFileWriter();
  ParquetFileWriter(const ParquetFileWriter&) = delete;
  ParquetFileWriter& operator=(const ParquetFileWriter&) = delete;

  /// Appends the rows of `batch` (same schema). Closes row groups as they fill.
  Status Write(const Batch& batch);
  /// Closes the open row group now (the memory budget calls this on the largest writer).
  Status FlushRowGroup();
  /// Flushes and writes the footer. The writer accepts nothing afterwards.
  Status Close();

  /// Bytes in the output so far (after Close: the file size).
  int64_t bytes_written() const { return offset_; }
  /// Bytes buffered for the open row group.
  int64_t buffered_bytes() const;
  /// bytes_written() + buffered_bytes(): the file size if it closed now (before compression
  /// of the open pages).
  int64_t estimated_size() const { return offset_ + buffered_bytes(); }
  int64_t rows_written() const { return total_rows_; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }

 private:
  ParquetFileWriter(std::shared_ptr<const ParquetSchema> schema, WriterOptions options,
                    OutputStream* out, MemoryBudget* budget);
  Status WriteSlice(const Batch& batch);
  Status Emit(std::string_view bytes);

  std::shared_ptr<const ParquetSchema> schema_;
  WriterOptions options_;
  OutputStream* out_;
  MemoryBudget* budget_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::vector<LeafLevels> levels_;  // scratch
  FileMetaData metadata_;
  int64_t offset_ = 0;
  int64_t group_rows_ = 0;
  int64_t slice_rows_ = 1024;  // rows shredded per step (adapted to the row width)
  int64_t total_rows_ = 0;
  bool closed_ = false;
};

/// One memory budget shared by many open writers (a files sink's partition files). After each
/// write, while the writers together buffer more than the limit, the one buffering the most
/// closes its row group. Single-threaded, like the sink that owns it; with the same writes in
/// the same order the same flushes happen, so output stays deterministic.
class MemoryBudget {
 public:
  explicit MemoryBudget(int64_t limit_bytes) : limit_(limit_bytes) {}
  int64_t limit() const { return limit_; }
  void Register(ParquetFileWriter* writer);
  void Unregister(ParquetFileWriter* writer);
  /// Flushes the largest writers until the total is within the limit.
  Status Enforce();
  int64_t buffered_bytes() const;
  int64_t forced_flushes() const { return forced_flushes_; }

 private:
  int64_t limit_;
  std::vector<ParquetFileWriter*> writers_;  // in registration order
  int64_t forced_flushes_ = 0;
};

/// Encodes a whole batch as one Parquet file in memory (tests, tools).
Result<std::string> WriteParquet(const Batch& batch, const WriterOptions& options);

/// `created_by` written into every file: "sluice version <v>".
std::string CreatedBy();

}  // namespace sluice::parquet
