#include "columnar/batch.h"

#include <utility>

#include "columnar/builder.h"

namespace sluice {

Result<Batch> Batch::Make(SchemaRef schema, std::vector<ColumnRef> columns, int64_t num_rows) {
  if (schema == nullptr) return Status::Internal("batch without a schema");
  if (num_rows < 0) return Status::Internal("batch with a negative row count {}", num_rows);
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    return Status::Internal("batch has {} columns, schema has {} fields ({})", columns.size(),
                            schema->num_fields(), schema->ToString());
  }
  for (int column_idx = 0; column_idx < schema->num_fields(); ++column_idx) {
    const Field& field = schema->field(column_idx);
    const ColumnRef& column = columns[static_cast<size_t>(column_idx)];
    if (column == nullptr) {
      return Status::Internal("column {} ('{}') is missing", column_idx, field.name);
    }
    if (!column->type()->Equals(*field.type)) {
      return Status::Internal("column {} ('{}') has type {}, schema says {}", column_idx,
                              field.name, column->type()->ToString(), field.type->ToString());
    }
    if (column->length() != num_rows) {
      return Status::Internal("column {} ('{}') has {} rows, batch has {}", column_idx, field.name,
                              column->length(), num_rows);
    }
  }
  return Batch(std::move(schema), std::move(columns), num_rows);
}

Batch Batch::Empty(SchemaRef schema) {
  std::vector<ColumnRef> columns;
  columns.reserve(schema->fields().size());
  for (const Field& field : schema->fields()) {
    columns.push_back(ColumnBuilder::Make(field.type)->Finish());
  }
  return Batch(std::move(schema), std::move(columns), 0);
}

Batch Batch::Slice(int64_t offset, int64_t length) const {
  std::vector<ColumnRef> columns;
  columns.reserve(columns_.size());
  for (const ColumnRef& column : columns_) columns.push_back(column->Slice(offset, length));
  return Batch(schema_, std::move(columns), length);
}

Batch Batch::Take(const int32_t* indices, int64_t count) const {
  std::vector<ColumnRef> columns;
  columns.reserve(columns_.size());
  for (const ColumnRef& column : columns_) columns.push_back(sluice::Take(*column, indices, count));
  return Batch(schema_, std::move(columns), count);
}

Result<Batch> Batch::Concatenate(const std::vector<Batch>& batches) {
  if (batches.empty()) return Status::Internal("Concatenate needs at least one batch");
  const SchemaRef& schema = batches[0].schema();
  int64_t num_rows = 0;
  for (const Batch& batch : batches) {
    if (!batch.schema()->Equals(*schema)) {
      return Status::Internal("cannot concatenate a batch of ({}) to a batch of ({})",
                              batch.schema()->ToString(), schema->ToString());
    }
    num_rows += batch.num_rows();
  }
  if (batches.size() == 1) return batches[0];
  std::vector<ColumnRef> columns;
  columns.reserve(static_cast<size_t>(schema->num_fields()));
  std::vector<ColumnRef> parts(batches.size());
  for (int column_idx = 0; column_idx < schema->num_fields(); ++column_idx) {
    for (size_t batch_idx = 0; batch_idx < batches.size(); ++batch_idx) {
      parts[batch_idx] = batches[batch_idx].column(column_idx);
    }
    ASSIGN_OR_RETURN(ColumnRef column, sluice::Concatenate(parts));
    columns.push_back(std::move(column));
  }
  return Batch(schema, std::move(columns), num_rows);
}

namespace {
int64_t ColumnByteSize(const Column& column) {
  int64_t total = 0;
  for (const BufferRef& buffer : column.buffers()) {
    if (buffer != nullptr) total += buffer->size();
  }
  for (const ColumnRef& child : column.children()) total += ColumnByteSize(*child);
  return total;
}
}  // namespace

int64_t Batch::ByteSize() const {
  int64_t total = 0;
  for (const ColumnRef& column : columns_) total += ColumnByteSize(*column);
  return total;
}

}  // namespace sluice
