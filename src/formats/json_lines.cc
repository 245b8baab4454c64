#include "formats/json_lines.h"

#include <numeric>

#include "columnar/value.h"
#include "common/strings.h"

namespace sluice {

JsonLinesEncoder::JsonLinesEncoder(const Schema& schema)
    : JsonLinesEncoder(schema, [&schema] {
        std::vector<int> all(static_cast<size_t>(schema.num_fields()));
        std::iota(all.begin(), all.end(), 0);
        return all;
      }()) {}

JsonLinesEncoder::JsonLinesEncoder(const Schema& schema, std::vector<int> column_indices)
    : column_indices_(std::move(column_indices)) {
  keys_.reserve(column_indices_.size());
  for (size_t k = 0; k < column_indices_.size(); ++k) {
    std::string key = k == 0 ? "{" : ",";
    AppendJsonString(key, schema.field(column_indices_[k]).name);
    key.push_back(':');
    keys_.push_back(std::move(key));
  }
}

void JsonLinesEncoder::EncodeRow(const Batch& batch, int64_t row, std::string& out) const {
  if (column_indices_.empty()) {
    out.append("{}\n");
    return;
  }
  for (size_t k = 0; k < column_indices_.size(); ++k) {
    out.append(keys_[k]);
    AppendCellJson(*batch.column(column_indices_[k]), row, out);
  }
  out.append("}\n");
}

void JsonLinesEncoder::Encode(const Batch& batch, std::string& out) const {
  for (int64_t row = 0; row < batch.num_rows(); ++row) EncodeRow(batch, row, out);
}

void JsonLinesEncoder::EncodeRows(const Batch& batch, const int32_t* rows, int64_t count,
                                  std::string& out) const {
  for (int64_t i = 0; i < count; ++i) EncodeRow(batch, rows[i], out);
}

std::string EncodeJsonLines(const Batch& batch) {
  std::string out;
  JsonLinesEncoder(*batch.schema()).Encode(batch, out);
  return out;
}

}  // namespace sluice
