// The console sink: prints each committed batch to a stream, as Spark's console sink does.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "connectors/connector.h"

namespace sluice {

/// Buffers at most `numRows` rows of a batch (as display text) in Write and prints them as a
/// Spark-style table at Commit. Not exactly-once: LastCommitted() is always -1.
class ConsoleSink final : public Sink {
 public:
  /// `out` is where tables go (stdout for the registered connector; a string stream in tests).
  ConsoleSink(SinkContext context, std::ostream* out);

  Status Open() override { return Status::OK(); }
  Status Write(int64_t batch_id, const Batch& batch) override;
  Result<SinkBatchStats> Commit(int64_t batch_id) override;
  Status Abort(int64_t batch_id) override;
  Result<int64_t> LastCommitted() override { return int64_t{-1}; }
  std::string Describe() const override;

 private:
  void Reset(int64_t batch_id);

  SinkContext context_;
  std::ostream* out_;
  int64_t num_rows_;
  bool truncate_;
  int64_t batch_id_ = -1;  // the batch being buffered
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;  // display text of the kept rows
  int64_t total_rows_ = 0;                      // rows written for batch_id_
};

/// Renders rows as Spark's Dataset.show does: `+---+` borders, cells right-aligned when
/// `truncate` (cut to 17 code points + "..." past 20) and left-aligned otherwise, widths in
/// UTF-8 code points (at least 3), and "only showing top N rows" when `has_more`.
std::string FormatConsoleTable(const std::vector<std::string>& header,
                               const std::vector<std::vector<std::string>>& rows, bool truncate,
                               bool has_more);

}  // namespace sluice
