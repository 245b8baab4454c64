// Dremel shredding: a column of any type -> per leaf, definition and repetition levels plus the
// positions of the leaf values that are present. Vectorized per schema node (one pass per node
// over all rows), no allocation per value.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/column.h"
#include "formats/parquet/schema.h"

namespace sluice::parquet {

/// The levels of one leaf for a run of rows.
struct LeafLevels {
  ColumnRef leaf;                  // the leaf's values column
  std::vector<int16_t> def;        // one per level; empty when max_def == 0
  std::vector<int16_t> rep;        // one per level; empty when max_rep == 0
  std::vector<int64_t> positions;  // rows of `leaf` holding the present values, in order
  bool identity = false;           // positions are 0..num_values-1 (not materialized)
  int64_t num_levels = 0;
  int64_t num_values = 0;  // present (non-null) values
};

/// Shreds `column` (a top-level field described by `node`) into `out`, one entry per leaf under
/// `node`, in leaf order. A NULL in a REQUIRED field is a Decode error.
Status ShredColumn(const SchemaNode& node, const ColumnRef& column, std::vector<LeafLevels>* out);

}  // namespace sluice::parquet
