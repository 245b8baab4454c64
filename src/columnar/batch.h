// Batch: a schema and one column per field, all of the same length. The unit of work everywhere.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "columnar/column.h"
#include "columnar/types.h"

namespace sluice {

class Batch {
 public:
  Batch() : schema_(std::make_shared<Schema>()) {}
  /// Checks the column count, types (Equals) and lengths against the schema.
  static Result<Batch> Make(SchemaRef schema, std::vector<ColumnRef> columns, int64_t num_rows);
  /// A batch with no rows of the given schema.
  static Batch Empty(SchemaRef schema);

  const SchemaRef& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ColumnRef& column(int index) const { return columns_[static_cast<size_t>(index)]; }
  const std::vector<ColumnRef>& columns() const { return columns_; }

  /// Zero-copy slice of every column.
  Batch Slice(int64_t offset, int64_t length) const;
  /// Rows gathered by index (see Take).
  Batch Take(const int32_t* indices, int64_t count) const;
  /// Appends batches with equal schemas.
  static Result<Batch> Concatenate(const std::vector<Batch>& batches);
  /// Total bytes referenced by the buffers (shared buffers counted once per column).
  int64_t ByteSize() const;

 private:
  Batch(SchemaRef schema, std::vector<ColumnRef> columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}

  SchemaRef schema_;
  std::vector<ColumnRef> columns_;
  int64_t num_rows_ = 0;
};

}  // namespace sluice
