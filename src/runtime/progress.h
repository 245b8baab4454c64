// One progress record per micro-batch, in the vocabulary of Spark's StreamingQueryProgress (so
// dashboards written for Spark read it), plus our own fields (numOutputRows, filesWritten,
// bytesWritten).
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/connector.h"

namespace sluice {

/// sources[] of a progress record.
struct SourceProgress {
  std::string description;
  OffsetMap start_offset;
  OffsetMap end_offset;
  OffsetMap latest_offset;
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
};

/// What one batch did.
struct QueryProgress {
  std::string id;      // the query id (stable across restarts)
  std::string run_id;  // this run
  std::string name;
  int64_t timestamp_micros = 0;  // when the batch started
  int64_t batch_id = 0;
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  /// Phase durations: latestOffset, walCommit, getBatch, addBatch, commitOffsets,
  /// triggerExecution (in this order in the JSON).
  int64_t latest_offset_ms = 0;
  int64_t wal_commit_ms = 0;
  int64_t get_batch_ms = 0;
  int64_t add_batch_ms = 0;
  int64_t commit_offsets_ms = 0;
  int64_t trigger_execution_ms = 0;
  std::vector<SourceProgress> sources;
  std::string sink_description;
  int64_t num_output_rows = 0;
  int64_t files_written = 0;
  int64_t bytes_written = 0;
  /// Records the source's decoder rejected or flagged, in total and per reason ("badRecords":
  /// {"count": n, "byReason": {...}} in the JSON, present when n > 0).
  int64_t bad_records = 0;
  std::map<std::string, int64_t> bad_records_by_reason;
  /// Process-wide S3 request counters so far (requests, retries by cause, bytes); empty when the
  /// process made no S3 request.
  std::map<std::string, int64_t> s3;
  /// True when the batch was replayed from the offsets log after a restart.
  bool replayed = false;
  /// True when the sink keeps the batch's rows in files still open (maxFileAge): not yet
  /// published, and not yet committed in the checkpoint ("heldBySink": true in the JSON).
  bool held_by_sink = false;

  /// One JSON object, one line.
  std::string ToJson() const;
  /// "query 'q' batch 3: 1000 rows in 12 ms (83333 rows/s), 2 files, 4096 bytes".
  std::string Summary() const;
};

/// Emits progress records: to the log (one summary line per batch) and, if a path was given,
/// appended as JSON lines to a file, flushed per record. Thread-safe (queries share one).
class ProgressReporter {
 public:
  /// `path` empty = log only.
  static Result<std::unique_ptr<ProgressReporter>> Open(const std::string& path);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  Status Report(const QueryProgress& progress);
  /// The most recent record of each query, by name.
  std::map<std::string, QueryProgress> Latest() const;

 private:
  ProgressReporter(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}

  mutable std::mutex mutex_;
  std::FILE* file_;
  std::string path_;
  std::map<std::string, QueryProgress> latest_;
};

}  // namespace sluice
