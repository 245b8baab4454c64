// JSON lines encoder: one JSON object per row, field names as keys, in the order of the chosen
// columns ({"event_id":"e1","device":{"os":"ios"},"tags":["a"]}). Values are written by
// AppendCellJson (columnar/value.h): NULL fields as null, timestamps as ISO-8601 strings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "columnar/types.h"

namespace sluice {

/// Encodes rows of batches that share one schema. The key text of every column is prepared once;
/// encoding a row only appends to the output string.
class JsonLinesEncoder {
 public:
  /// Encodes every column of `schema`, in order.
  explicit JsonLinesEncoder(const Schema& schema);
  /// Encodes the columns of `schema` at `column_indices`, in that order (e.g. all but the
  /// partition columns of a files sink).
  JsonLinesEncoder(const Schema& schema, std::vector<int> column_indices);

  /// Appends row `row` of `batch` as one line (with its trailing '\n').
  void EncodeRow(const Batch& batch, int64_t row, std::string& out) const;
  /// Appends every row of `batch`.
  void Encode(const Batch& batch, std::string& out) const;
  /// Appends the rows of `batch` listed in `rows[0..count)`, in that order.
  void EncodeRows(const Batch& batch, const int32_t* rows, int64_t count, std::string& out) const;

  const std::vector<int>& column_indices() const { return column_indices_; }

 private:
  std::vector<int> column_indices_;
  std::vector<std::string> keys_;  // `{"name":` for the first column, `,"name":` after
};

/// Convenience: every row of `batch`, every column, as JSON lines.
std::string EncodeJsonLines(const Batch& batch);

}  // namespace sluice
