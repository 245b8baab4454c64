// Binding: names resolved against the source's schema, types checked and derived, implicit casts
// inserted, and the result turned into an executable QueryTransform. Errors go to Diagnostics
// with the position of the offending token; binding continues to report as many as it can.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "columnar/types.h"
#include "exec/transform.h"
#include "sql/ast.h"
#include "sql/diagnostics.h"

namespace sluice::sql {

struct BoundQuery {
  SchemaRef input_schema;
  SchemaRef output_schema;
  std::shared_ptr<const QueryTransform> transform;
};

/// Binds `INSERT INTO sink SELECT ... FROM source [WHERE ...]` against the source's schema.
/// Output column names: the alias, else the column's name for a column reference (last path
/// element), else the expression text (as Spark does). Duplicate output names are an error.
/// Returns std::nullopt after reporting errors to `diagnostics`.
std::optional<BoundQuery> BindInsert(const InsertStmt& insert, const Schema& source_schema,
                                     Diagnostics* diagnostics);

}  // namespace sluice::sql
