// Column: one typed array of values in the Arrow memory layout, immutable and shared.
//
// buffers():  BOOLEAN/INT/BIGINT/DOUBLE/TIMESTAMP/DATE -> {validity, values}
//             STRING -> {validity, offsets(int32, length+1 entries), data}
//             STRUCT -> {validity}, children(): one per field
//             ARRAY  -> {validity, offsets(int32, length+1 entries)}, children(): {values}
// A null validity buffer means "no nulls". offset() is the slice offset in elements, applied to
// every buffer of this column (and, for STRUCT, to the children, as in Arrow): a slice shares all
// buffers and children with its parent.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "columnar/buffer.h"
#include "columnar/types.h"

namespace sluice {

class Column;
using ColumnRef = std::shared_ptr<const Column>;

class Column {
 public:
  /// Validates buffer count and sizes against the type and length (used by builders and import).
  static Result<ColumnRef> Make(TypeRef type, int64_t length, std::vector<BufferRef> buffers,
                                std::vector<ColumnRef> children, int64_t null_count = -1,
                                int64_t offset = 0);
  /// A column of `length` NULLs of any type.
  static ColumnRef MakeNull(TypeRef type, int64_t length);

  const TypeRef& type() const { return type_; }
  TypeId type_id() const { return type_->id(); }
  int64_t length() const { return length_; }
  int64_t offset() const { return offset_; }
  int64_t null_count() const { return null_count_; }

  /// Raw buffers and children, as described above (for export and encoders).
  const std::vector<BufferRef>& buffers() const { return buffers_; }
  const std::vector<ColumnRef>& children() const { return children_; }

  /// Validity bitmap (bit index = offset() + i), or nullptr when there are no nulls.
  const uint8_t* validity() const { return validity_; }
  bool IsValid(int64_t i) const {
    return validity_ == nullptr || bit_util::GetBit(validity_, offset_ + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }

  /// Fixed-width values of this slice: Values<int64_t>()[i] is row i. INT/DATE: int32_t;
  /// BIGINT/TIMESTAMP: int64_t; DOUBLE: double.
  template <typename T>
  const T* Values() const {
    return reinterpret_cast<const T*>(buffers_[1]->data()) + offset_;
  }
  /// BOOLEAN value of row i (meaningless if null).
  bool BoolValue(int64_t i) const { return bit_util::GetBit(buffers_[1]->data(), offset_ + i); }
  /// Offsets of this slice (STRING, ARRAY): row i spans [Offsets()[i], Offsets()[i+1]).
  const int32_t* Offsets() const { return buffers_[1]->data_as<int32_t>() + offset_; }
  /// STRING value of row i, viewing the column's data buffer (meaningless if null).
  std::string_view StringValue(int64_t i) const {
    const int32_t* offsets = Offsets();
    return {reinterpret_cast<const char*>(buffers_[2]->data()) + offsets[i],
            static_cast<size_t>(offsets[i + 1] - offsets[i])};
  }
  /// STRUCT field `index` as a column aligned with this slice (row i of the result is row i's
  /// field). Zero-copy.
  ColumnRef StructField(int index) const;
  /// ARRAY values child (all elements; index it with Offsets()).
  const ColumnRef& ListValues() const { return children_[0]; }

  /// Zero-copy slice [offset, offset + length) of this column.
  ColumnRef Slice(int64_t offset, int64_t length) const;

  Column(TypeRef type, int64_t length, int64_t offset, int64_t null_count,
         std::vector<BufferRef> buffers, std::vector<ColumnRef> children);

 private:
  TypeRef type_;
  int64_t length_;
  int64_t offset_;
  int64_t null_count_;
  std::vector<BufferRef> buffers_;
  std::vector<ColumnRef> children_;
  const uint8_t* validity_;
};

/// Rows [0, length) gathered by index: result row i = column row indices[i]. Deep for nested types.
ColumnRef Take(const Column& column, const int32_t* indices, int64_t count);
/// Appends columns of the same type into one.
Result<ColumnRef> Concatenate(const std::vector<ColumnRef>& columns);

}  // namespace sluice
