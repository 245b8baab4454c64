// `sluice verify`: checks that what a pipeline left on storage agrees with itself.
//  - an output folder of the files sink (it has `_sluice_log/`): the table log (snapshot and
//    entries) has every batch id without gaps; every file it lists exists with its size and row
//    count (JSON lines and Parquet); no visible data file is missing from the log; no staged file
//    is left outside `_sluice_staging/`; per source partition each batch's offsets start where
//    the previous batch's ended;
//  - a query's checkpoint folder (it has `offsets/`): batch ids without gaps, every committed batch
//    has its offsets, and per source partition each batch starts where the previous one ended
//    (no gap, no overlap).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/filesystem.h"

namespace sluice {

struct VerifyReport {
  std::string kind;                   // "table" or "checkpoint"
  std::vector<std::string> checked;   // what was checked, one line each (for the report)
  std::vector<std::string> problems;  // empty = consistent

  bool ok() const { return problems.empty(); }
  /// The human report: what was checked, then each problem, then "OK" or "N problems".
  std::string ToString() const;
};

/// Counts the rows of a published data file from its bytes; returns an error for formats it
/// cannot read (the row check is then reported as skipped).
using RowCounter =
    std::function<Result<int64_t>(const std::string& path, const std::string& bytes)>;

/// The default row counter: JSON lines (one row per line) and Parquet (the footer's count,
/// after the reader's checks); NotFound for other formats (reported as not checked).
Result<int64_t> CountRowsByFormat(const std::string& path, const std::string& bytes);

/// Verifies the folder `path` (output folder or checkpoint folder, detected by its content).
/// A Config error if it is neither.
Result<VerifyReport> Verify(const std::string& path,
                            const RowCounter& count_rows = CountRowsByFormat);

}  // namespace sluice
