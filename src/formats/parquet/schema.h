// Mapping between Sluice schemas and Parquet schemas.
//
//   BOOLEAN   -> BOOLEAN
//   INT       -> INT32  INTEGER(32, signed)
//   BIGINT    -> INT64  INTEGER(64, signed)
//   DOUBLE    -> DOUBLE
//   STRING    -> BYTE_ARRAY STRING (UTF8)
//   TIMESTAMP -> INT64  TIMESTAMP(isAdjustedToUTC=true, MICROS)
//   DATE      -> INT32  DATE
//   STRUCT    -> group of its fields
//   ARRAY<T>  -> <optional> group (LIST) { repeated group list { optional T element; } }
// A field is REQUIRED when declared NOT NULL, OPTIONAL otherwise; list elements are OPTIONAL.
// The same node tree (SchemaNode) drives shredding (levels.h) and the reader's assembly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "columnar/types.h"
#include "formats/parquet/metadata.h"

namespace sluice::parquet {

/// One node of the Parquet schema tree, with the levels the Dremel encoding assigns it.
struct SchemaNode {
  enum class Kind { kPrimitive, kStruct, kList };
  Kind kind = Kind::kPrimitive;
  std::string name;
  TypeRef type;           // the Sluice type of this node
  bool optional = true;   // OPTIONAL (else REQUIRED)
  int16_t def_level = 0;  // definition level at which this node is present (non-null)
  int16_t rep_level = 0;  // repetition level of this node's values
  // kList: def level at which the list has at least one element (def_level + 1) and the
  // repetition level of its elements (rep_level + 1).
  int16_t element_def_level = 0;
  int16_t element_rep_level = 0;
  std::vector<std::unique_ptr<SchemaNode>> children;  // struct fields, or the list element
  int first_leaf = 0;                                 // index of the first leaf under this node
  int leaf_index = -1;                                // kPrimitive: index among the leaves
};

/// One leaf column of a Parquet schema.
struct LeafColumn {
  const SchemaNode* node = nullptr;
  std::vector<const SchemaNode*> path;  // root's field .. leaf
  std::vector<std::string> path_in_schema;
  PhysicalType physical = PhysicalType::kInt32;
  int16_t max_def = 0;
  int16_t max_rep = 0;
};

/// A Sluice schema as a Parquet schema tree.
class ParquetSchema {
 public:
  /// From a Sluice schema (writer side).
  static Result<std::shared_ptr<const ParquetSchema>> FromSchema(const SchemaRef& schema);
  /// From a file's schema elements (reader side). Unsupported types are a Decode error.
  static Result<std::shared_ptr<const ParquetSchema>> FromElements(
      const std::vector<SchemaElement>& elements);

  const SchemaRef& schema() const { return schema_; }
  const std::vector<std::unique_ptr<SchemaNode>>& fields() const { return fields_; }
  const std::vector<LeafColumn>& leaves() const { return leaves_; }
  /// The depth-first SchemaElement list of the footer (root named "schema").
  std::vector<SchemaElement> ToElements() const;

 private:
  void Finish();
  SchemaRef schema_;
  std::vector<std::unique_ptr<SchemaNode>> fields_;
  std::vector<LeafColumn> leaves_;
};

}  // namespace sluice::parquet
