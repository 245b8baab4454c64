#include "exec/transform.h"

#include "exec/expression.h"

namespace sluice {

QueryTransform::QueryTransform(SchemaRef input_schema, std::shared_ptr<const BoundExpr> filter,
                               std::vector<std::shared_ptr<const BoundExpr>> projections,
                               SchemaRef output_schema)
    : input_schema_(std::move(input_schema)),
      filter_(std::move(filter)),
      projections_(std::move(projections)),
      output_schema_(std::move(output_schema)) {}

QueryTransform::~QueryTransform() = default;

Result<Batch> QueryTransform::Apply(const Batch& input, const EvalContext& context) const {
  const Batch* rows = &input;
  Batch filtered;
  if (filter_ != nullptr) {
    ASSIGN_OR_RETURN(ColumnRef predicate, filter_->Evaluate(input, context));
    const int64_t num_rows = input.num_rows();
    // Selection vector of the rows whose predicate is TRUE (NULL and FALSE drop the row).
    std::vector<int32_t> selected;
    selected.reserve(static_cast<size_t>(num_rows));
    for (int64_t row = 0; row < num_rows; ++row) {
      if (predicate->IsValid(row) && predicate->BoolValue(row)) {
        selected.push_back(static_cast<int32_t>(row));
      }
    }
    if (selected.empty()) return Batch::Empty(output_schema_);
    if (static_cast<int64_t>(selected.size()) < num_rows) {
      filtered = input.Take(selected.data(), static_cast<int64_t>(selected.size()));
      rows = &filtered;
    }
  }
  std::vector<ColumnRef> columns;
  columns.reserve(projections_.size());
  for (const auto& projection : projections_) {
    ASSIGN_OR_RETURN(ColumnRef column, projection->Evaluate(*rows, context));
    columns.push_back(std::move(column));
  }
  return Batch::Make(output_schema_, std::move(columns), rows->num_rows());
}

std::string QueryTransform::Explain() const {
  std::string out = "Project [";
  for (size_t idx = 0; idx < projections_.size(); ++idx) {
    if (idx > 0) out += ", ";
    const std::string& text = projections_[idx]->text();
    const std::string& name = output_schema_->field(static_cast<int>(idx)).name;
    out += text;
    if (name != text) out += " AS " + name;
  }
  out += "]\n";
  if (filter_ != nullptr) out += "  Filter (" + filter_->text() + ")\n";
  return out;
}

}  // namespace sluice
