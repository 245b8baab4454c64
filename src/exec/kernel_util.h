// Building blocks for vectorized kernels: validity bitmaps and output columns built straight into
// buffers (no builder, no per-value virtual call).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <algorithm>
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

/// Builds a column of `type` whose row i is row `source_rows[i]` of `sources[source_idx[i]]`
/// (`source_idx[i] < 0`: NULL). Fixed-width and STRING values are copied straight from the source
/// buffers; nested values go through the generic builder.
Result<ColumnRef> GatherFrom(const TypeRef& type, const std::vector<const Column*>& sources,
                             const int32_t* source_idx, const int64_t* source_rows,
                             int64_t num_rows);

/// The common shape of a kernel: validity = AND of every argument's, then `fn(row, out...)` for
/// each valid row, returning false to make the row NULL. `fn` is a template argument (inlined):
/// no per-row virtual call.
template <typename Fn>
Result<ColumnRef> MapToString(const std::vector<ColumnRef>& args, int64_t num_rows, Fn&& fn,
                              int64_t reserve_bytes = -1) {
  ValidityBuilder validity(num_rows);
  int64_t input_bytes = 0;
  for (const auto& arg : args) {
    if (arg == nullptr) continue;
    validity.AndWith(*arg);
    if (arg->type_id() == TypeId::kString && num_rows > 0) {
      input_bytes = std::max<int64_t>(input_bytes, arg->Offsets()[num_rows] - arg->Offsets()[0]);
    }
  }
  StringOutput out(num_rows);
  out.ReserveData(reserve_bytes >= 0 ? reserve_bytes : input_bytes);
  for (int64_t row = 0; row < num_rows; ++row) {
    if (validity.IsValid(row) && !fn(row, out)) validity.SetNull(row);
    out.EndRow();
  }
  return out.Finish(num_rows, &validity);
}

/// Fixed-width results: `fn(row, T* value) -> bool valid`.
template <typename T, typename Fn>
Result<ColumnRef> MapToFixed(TypeRef type, const std::vector<ColumnRef>& args, int64_t num_rows,
                             Fn&& fn) {
  ValidityBuilder validity(num_rows);
  for (const auto& arg : args) {
    if (arg != nullptr) validity.AndWith(*arg);
  }
  FixedOutput<T> out(num_rows);
  T* dst = out.data();
  if (validity.all_valid()) {
    for (int64_t row = 0; row < num_rows; ++row) {
      if (!fn(row, &dst[row])) validity.SetNull(row);
    }
  } else {
    for (int64_t row = 0; row < num_rows; ++row) {
      if (validity.IsValid(row) && !fn(row, &dst[row])) validity.SetNull(row);
    }
  }
  return out.Finish(std::move(type), num_rows, &validity);
}

/// BOOLEAN results: `fn(row, bool* value) -> bool valid`.
template <typename Fn>
Result<ColumnRef> MapToBoolean(const std::vector<ColumnRef>& args, int64_t num_rows, Fn&& fn) {
  ValidityBuilder validity(num_rows);
  for (const auto& arg : args) {
    if (arg != nullptr) validity.AndWith(*arg);
  }
  BooleanOutput out(num_rows);
  for (int64_t row = 0; row < num_rows; ++row) {
    if (!validity.IsValid(row)) continue;
    bool value = false;
    if (fn(row, &value)) {
      if (value) out.Set(row, true);
    } else {
      validity.SetNull(row);
    }
  }
  return out.Finish(num_rows, &validity);
}

/// Number of UTF-8 code points in `s` (continuation bytes are not counted).
inline int64_t Utf8Length(std::string_view s) {
  int64_t count = 0;
  for (char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}
/// Byte offset of code point `index` in `s` (s.size() if past the end).
inline size_t Utf8Advance(std::string_view s, int64_t index) {
  size_t pos = 0;
  while (pos < s.size() && index > 0) {
    ++pos;
    while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) ++pos;
    --index;
  }
  return pos;
}

/// `column` with its validity replaced by (its own AND `parent`'s), for struct fields under a
/// NULL struct. Zero-copy when `parent` has no nulls.
Result<ColumnRef> AndParentValidity(const ColumnRef& column, const Column& parent);

}  // namespace sluice::kernels
