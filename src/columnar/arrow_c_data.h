// Export (and import) through the Arrow C Data Interface, a stable documented ABI
// (https://arrow.apache.org/docs/format/CDataInterface.html), so embedders can hand our batches
// to pyarrow, DuckDB or any Arrow consumer without copying.
//
// Exported structures keep the exported columns' buffers alive until their release callback is
// called. A Batch exports as a STRUCT array ("+s") whose children are the columns.
#pragma once

#include <cstdint>

#include "columnar/batch.h"
#include "columnar/column.h"

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

extern "C" {
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};
}  // extern "C"

#endif  // ARROW_C_DATA_INTERFACE

namespace sluice {

/// Exports a type as an ArrowSchema named `name`.
Status ExportType(const DataType& type, const std::string& name, bool nullable, ArrowSchema* out);
/// Exports a schema as a "+s" ArrowSchema.
Status ExportSchema(const Schema& schema, ArrowSchema* out);
/// Exports a column (zero-copy; slices export with their offset).
Status ExportColumn(const ColumnRef& column, ArrowArray* out);
/// Exports a batch as a struct array, and its schema.
Status ExportBatch(const Batch& batch, ArrowSchema* out_schema, ArrowArray* out_array);

/// Imports an ArrowSchema into a type (the schema stays owned by the caller).
Result<TypeRef> ImportType(const ArrowSchema* schema);
/// Imports (moves) an ArrowArray of the given type; `array` is released by the returned column's
/// buffers when they are no longer used, and marked released (release == nullptr) at once.
Result<ColumnRef> ImportColumn(ArrowArray* array, const TypeRef& type);
/// Imports a "+s" schema + struct array as a batch.
Result<Batch> ImportBatch(ArrowArray* array, const ArrowSchema* schema);

}  // namespace sluice
