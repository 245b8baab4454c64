// The per-batch work of one query: WHERE, then the SELECT list, evaluated vectorized over whole
// columns. Built by the binder (sql/binder.h); run by the runtime on every batch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "common/status.h"

namespace sluice {

/// Per-batch constants: the same on a replay of the batch, so output stays deterministic.
struct EvalContext {
  int64_t batch_id = 0;
  /// The batch's logical start time (from the offsets log): current_timestamp()/now().
  int64_t batch_timestamp_micros = 0;
};

class BoundExpr;  // exec/expression.h

/// filter (optional) + projections -> output batch.
class QueryTransform {
 public:
  QueryTransform(SchemaRef input_schema, std::shared_ptr<const BoundExpr> filter,
                 std::vector<std::shared_ptr<const BoundExpr>> projections,
                 SchemaRef output_schema);
  ~QueryTransform();

  /// Applies the filter and the projections to `input` (whose schema must equal input_schema()).
  /// Errors (e.g. integer overflow) name the expression.
  Result<Batch> Apply(const Batch& input, const EvalContext& context) const;

  const SchemaRef& input_schema() const { return input_schema_; }
  const SchemaRef& output_schema() const { return output_schema_; }
  /// Human-readable plan, for `sluice check`:
  ///   Project [event_id, price * 2 AS double_price]
  ///     Filter (price > 10)
  std::string Explain() const;

 private:
  SchemaRef input_schema_;
  std::shared_ptr<const BoundExpr> filter_;
  std::vector<std::shared_ptr<const BoundExpr>> projections_;
  SchemaRef output_schema_;
};

}  // namespace sluice
