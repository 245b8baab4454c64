// `sluice inspect FILE.parquet [--rows N]`: a Parquet file's schema, row groups and, per column
// chunk, codec, encodings, sizes and statistics; optionally the first N rows.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "common/status.h"

namespace sluice {

/// Writes the report for `path` to `out`; `rows` > 0 previews that many rows.
Status InspectParquet(const std::string& path, int64_t rows, std::ostream& out);

}  // namespace sluice
