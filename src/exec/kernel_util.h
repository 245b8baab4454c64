// Building blocks for vectorized kernels: validity bitmaps and output columns built straight into
// buffers (no builder, no per-value virtual call).
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/buffer.h"
#include "columnar/column.h"
#include "columnar/types.h"
#include "common/status.h"

namespace sluice::kernels {

/// A validity bitmap (bit i = row i, offset 0) under construction. Starts all-valid and is only
/// materialized once some row becomes NULL.
class ValidityBuilder {
 public:
  explicit ValidityBuilder(int64_t length) : length_(length) {}

  /// Rows NULL in `column` become NULL.
  void AndWith(const Column& column);
  void SetNull(int64_t row) {
    Materialize();
    bit_util::ClearBit(bits_.mutable_data(), row);
  }
  void SetValid(int64_t row) {
    Materialize();
    bit_util::SetBit(bits_.mutable_data(), row);
  }
  /// Makes every row NULL (then SetValid() the ones that get a value).
  void SetAllNull();
  bool IsValid(int64_t row) const { return !materialized_ || bit_util::GetBit(bits_.data(), row); }
  bool all_valid() const { return !materialized_; }
  /// The bitmap, or nullptr if every row is valid; sets `*null_count`.
  BufferRef Finish(int64_t* null_count);

 private:
  void Materialize();

  int64_t length_;
  BufferBuilder bits_;
  bool materialized_ = false;
};

/// Fixed-width output values: a zero-initialised buffer of `length` T's.
template <typename T>
class FixedOutput {
 public:
  explicit FixedOutput(int64_t length) { values_.Resize(length * static_cast<int64_t>(sizeof(T))); }
  T* data() { return values_.mutable_data_as<T>(); }
  Result<ColumnRef> Finish(TypeRef type, int64_t length, ValidityBuilder* validity) {
    int64_t null_count = 0;
    BufferRef bits = validity->Finish(&null_count);
    return Column::Make(std::move(type), length, {std::move(bits), values_.Finish()}, {},
                        null_count);
  }

 private:
  BufferBuilder values_;
};

/// Bit-packed BOOLEAN output values.
class BooleanOutput {
 public:
  explicit BooleanOutput(int64_t length) { values_.Resize(bit_util::BytesForBits(length)); }
  void Set(int64_t row, bool value) { bit_util::SetBitTo(values_.mutable_data(), row, value); }
  uint8_t* bits() { return values_.mutable_data(); }
  Result<ColumnRef> Finish(int64_t length, ValidityBuilder* validity) {
    int64_t null_count = 0;
    BufferRef bits = validity->Finish(&null_count);
    return Column::Make(BooleanType(), length, {std::move(bits), values_.Finish()}, {}, null_count);
  }

 private:
  BufferBuilder values_;
};

/// STRING output, appended row by row (NULL rows append nothing).
class StringOutput {
 public:
  explicit StringOutput(int64_t length) {
    offsets_.Reserve((length + 1) * static_cast<int64_t>(sizeof(int32_t)));
    offsets_.AppendValue<int32_t>(0);
  }
  void ReserveData(int64_t bytes) { data_.Reserve(bytes); }
  /// Appends bytes to the current row (call EndRow() after the row's last piece).
  void AppendPiece(const char* bytes, int64_t size) { data_.Append(bytes, size); }
  /// Room for `size` more bytes of the current row; write them, then Commit(size).
  char* Extend(int64_t size) {
    data_.Reserve(size);
    return reinterpret_cast<char*>(data_.mutable_data()) + data_.size();
  }
  void Commit(int64_t size) { data_.Resize(data_.size() + size); }
  void EndRow() { offsets_.AppendValue<int32_t>(static_cast<int32_t>(data_.size())); }
  void AppendRow(std::string_view value) {
    AppendPiece(value.data(), static_cast<int64_t>(value.size()));
    EndRow();
  }
  int64_t data_size() const { return data_.size(); }
  Result<ColumnRef> Finish(int64_t length, ValidityBuilder* validity);

 private:
  BufferBuilder offsets_;
  BufferBuilder data_;
};

/// `column` with its validity replaced by (its own AND `parent`'s), for struct fields under a
/// NULL struct. Zero-copy when `parent` has no nulls.
Result<ColumnRef> AndParentValidity(const ColumnRef& column, const Column& parent);

}  // namespace sluice::kernels
