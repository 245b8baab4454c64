// Test helper: batches from rows of Values.
#pragma once

#include <vector>

#include "columnar/batch.h"
#include "columnar/builder.h"
#include "columnar/value.h"

namespace sluice::testing {

inline Batch MakeBatch(const SchemaRef& schema, const std::vector<std::vector<Value>>& rows) {
  std::vector<ColumnRef> columns;
  for (int col = 0; col < schema->num_fields(); ++col) {
    auto builder = ColumnBuilder::Make(schema->field(col).type);
    for (const auto& row : rows) {
      builder->AppendFrom(*row[static_cast<size_t>(col)].ToColumn(1), 0);
    }
    columns.push_back(builder->Finish());
  }
  auto batch = Batch::Make(schema, std::move(columns), static_cast<int64_t>(rows.size()));
  SLUICE_DCHECK(batch.ok(), batch.status().ToString());
  return *batch;
}

}  // namespace sluice::testing
