// ParquetFileWriter: batches in, a Parquet file out, streamed. Rows are buffered per column only
// until the row group reaches `row_group_size` bytes; then the row group's column chunks go to
// the output and only their metadata stays for the footer. Output bytes are a pure function of
// the rows, the options and the row groups a memory budget closes early (no timestamps, no
// random ids), so a replay writes identical files (see MemoryBudget for when flushes repeat).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
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
  /// A hint: about `bytes` more are coming (a row group is about to be written).
  virtual void Reserve(int64_t bytes) { (void)bytes; }
};

/// Appends to a std::string.
class StringOutputStream final : public OutputStream {
 public:
  explicit StringOutputStream(std::string* out) : out_(out) {}
  Status Append(std::string_view bytes) override {
    out_->append(bytes);
    return Status::OK();
  }
  void Reserve(int64_t bytes) override {
    // One allocation for the row group (and some room for the footer), not a doubling per
    // chunk that copies the file so far each time.
    const size_t needed = out_->size() + static_cast<size_t>(bytes);
    if (needed > out_->capacity()) out_->reserve(needed + needed / 8);
  }

 private:
  std::string* out_;
};

/// Key of the key-value metadata entry holding the Sluice schema (SQL spelling).
inline constexpr std::string_view kSluiceSchemaKey = "sluice.schema";

/// Writes one Parquet file. Thread-safe in one respect: a MemoryBudget may flush the writer's
/// row group from another thread (the query whose writer pushed a shared budget past its limit);
/// the writer's own calls and those flushes are serialized by its mutex, so the OutputStream is
/// never called concurrently, though it may be called from that other thread. An error of such a
/// flush is returned by the writer's next call.
class ParquetFileWriter {
 public:
  /// `budget` may be null; otherwise the writer registers with it (and its parents) until
  /// Close() or destruction.
  static Result<std::unique_ptr<ParquetFileWriter>> Open(SchemaRef schema, WriterOptions options,
                                                         OutputStream* out,
                                                         MemoryBudget* budget = nullptr);
  ~ParquetFileWriter();
  ParquetFileWriter(const ParquetFileWriter&) = delete;
  ParquetFileWriter& operator=(const ParquetFileWriter&) = delete;

  /// Appends the rows of `batch` (same schema). Closes row groups as they fill; after each
  /// slice, the budget flushes the largest writers while it is over its limit.
  Status Write(const Batch& batch);
  /// Closes the open row group now.
  Status FlushRowGroup();
  /// Flushes and writes the footer. The writer accepts nothing afterwards.
  Status Close();

  /// Bytes in the output so far (after Close: the file size).
  int64_t bytes_written() const;
  /// Bytes buffered for the open row group.
  int64_t buffered_bytes() const;
  /// bytes_written() + buffered_bytes(): the file size if it closed now (before compression
  /// of the open pages).
  int64_t estimated_size() const;
  int64_t rows_written() const;
  int num_row_groups() const;
  /// Memory held for the open row group (what budgets count; see ColumnWriter::memory_bytes).
  int64_t memory_bytes() const;
  /// Row groups closed by a memory budget rather than by `row_group_size` or Close().
  int64_t forced_flushes() const;

 private:
  friend class MemoryBudget;
  ParquetFileWriter(std::shared_ptr<const ParquetSchema> schema, WriterOptions options,
                    OutputStream* out, MemoryBudget* budget);
  Status WriteSlice(const Batch& batch);
  /// Shreds one field of the slice into its leaves' column writers (one task of a parallel
  /// slice: touches only those column writers and per-thread scratch).
  Status WriteField(const Batch& batch, int field);
  Status FlushRowGroupLocked();
  int64_t BufferedBytesLocked() const;
  int64_t MemoryBytesLocked() const;
  /// Tells the budget how much memory the writer holds now.
  void PublishLocked();
  /// A budget's flush: false if it freed nothing (closed, failed or empty writer).
  bool FlushForBudget();
  void DetachBudget();
  Status Emit(std::string_view bytes);

  std::shared_ptr<const ParquetSchema> schema_;
  WriterOptions options_;
  OutputStream* out_;
  MemoryBudget* budget_;
  mutable std::mutex mutex_;           // the writer's state, against budget flushes
  std::atomic<int64_t> published_{0};  // memory bytes as last told to the budget
  std::atomic<bool> failed_{false};    // error_ is set
  Status error_;                       // a failed budget flush, returned by the next call
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  FileMetaData metadata_;
  int64_t offset_ = 0;
  int64_t group_rows_ = 0;
  int64_t slice_rows_ = 1024;  // rows shredded per step (adapted to the row width)
  int64_t total_rows_ = 0;
  int64_t forced_flushes_ = 0;
  bool closed_ = false;
  // Parallel slices: each field's encode time in the last one, and the order tasks are claimed
  // (costliest first). Scheduling only: the bytes do not depend on it.
  std::vector<int64_t> field_nanos_;
  std::vector<int> field_order_;
};

/// Memory of open Parquet writers, bounded: while the writers registered with a budget together
/// hold more than its limit for their open row groups (ParquetFileWriter::memory_bytes: pages,
/// dictionaries, open page buffers), the one holding the most closes its row group (so
/// memory is bounded by the budget, never by file sizes or partition counts). Budgets nest: a
/// files sink has its own (`writerMemoryLimit`) whose parent is the process-wide one that every
/// files sink of every query draws from; a writer counts against its budget and all ancestors.
///
/// Thread-safe: queries run on their own threads, and a query pushing the process budget past
/// its limit may flush another query's writer. Flushes forced by a budget depend only on the
/// writes when one thread writes to it (a sink's own budget; the process budget with one query
/// writing Parquet), so the same rows in the same order give the same row groups; when several
/// queries share the process budget, which writer is largest at a given moment depends on their
/// timing, and so do the row-group boundaries it forces (never the rows).
class MemoryBudget {
 public:
  /// The limit of the process-wide budget unless set_limit() changes it.
  static constexpr int64_t kDefaultProcessLimit = int64_t{256} << 20;
  /// The process-wide budget (the root every files sink's budget hangs from).
  static MemoryBudget& Process();

  /// `limit_bytes` <= 0: no limit of its own (the parent's still applies).
  explicit MemoryBudget(int64_t limit_bytes, MemoryBudget* parent = nullptr)
      : limit_(limit_bytes), parent_(parent) {}
  ~MemoryBudget();
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  int64_t limit() const { return limit_.load(std::memory_order_relaxed); }
  void set_limit(int64_t limit_bytes) { limit_.store(limit_bytes, std::memory_order_relaxed); }
  MemoryBudget* parent() const { return parent_; }

  /// Adds a writer to this budget and its ancestors (ParquetFileWriter does it).
  void Register(ParquetFileWriter* writer);
  void Unregister(ParquetFileWriter* writer);
  /// Flushes the largest writers until this budget, then each ancestor, is within its limit.
  /// Errors of those flushes go to the writers flushed (their next call returns them).
  Status Enforce();

  /// Memory held by the registered writers now, and the most ever (including the moments
  /// between a write and the flushes it triggers).
  int64_t buffered_bytes() const { return total_.load(); }
  int64_t peak_bytes() const { return peak_.load(); }
  /// Row groups this budget closed.
  int64_t forced_flushes() const { return forced_flushes_.load(); }

  /// Called (under the budget's lock) with the writer about to be flushed: tests check that it
  /// is the largest.
  using FlushObserver = std::function<void(const ParquetFileWriter& writer)>;
  void set_flush_observer(FlushObserver observer) { observer_ = std::move(observer); }

 private:
  friend class ParquetFileWriter;
  /// A writer's buffered bytes changed by `delta` (this budget and its ancestors).
  void Add(int64_t delta);
  Status EnforceOwn();

  std::atomic<int64_t> limit_;
  MemoryBudget* const parent_;
  std::mutex mutex_;                         // writers_, and one flush at a time
  std::vector<ParquetFileWriter*> writers_;  // in registration order
  std::atomic<int64_t> total_{0};
  std::atomic<int64_t> peak_{0};
  std::atomic<int64_t> forced_flushes_{0};
  FlushObserver observer_;
};

/// Encodes a whole batch as one Parquet file in memory (tests, tools).
Result<std::string> WriteParquet(const Batch& batch, const WriterOptions& options);

/// `created_by` written into every file: "sluice version <v>".
std::string CreatedBy();

}  // namespace sluice::parquet
