// ColumnWriter: the decoders' column builder. Like columnar/builder.h, but one non-virtual class
// for every type (the decoders switch on the type once per value, never call through a vtable)
// and with Truncate(), so a record that turns out to be malformed halfway can be taken back
// (DROPMALFORMED, or PERMISSIVE resetting a field to NULL) without copying anything.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "columnar/buffer.h"
#include "columnar/column.h"
#include "columnar/types.h"

namespace sluice {

/// Builds one column of any type. For STRUCT: append each child's value through child(i), then
/// AppendStructValid(); for ARRAY: append elements to child(0), then AppendListValid().
class ColumnWriter {
 public:
  explicit ColumnWriter(TypeRef type);
  ColumnWriter(ColumnWriter&&) noexcept = default;
  ColumnWriter& operator=(ColumnWriter&&) noexcept = default;

  const TypeRef& type() const { return type_; }
  TypeId id() const { return id_; }
  int64_t length() const { return length_; }
  ColumnWriter& child(int index) { return children_[static_cast<size_t>(index)]; }
  int num_children() const { return static_cast<int>(children_.size()); }

  /// A NULL row; STRUCT children get a NULL too, so they stay aligned.
  void AppendNull();
  void AppendBool(bool value) {
    AppendValidBit();
    AppendBit(&values_, length_, value);
    ++length_;
  }
  void AppendInt32(int32_t value) { AppendFixed(value); }
  void AppendInt64(int64_t value) { AppendFixed(value); }
  void AppendDouble(double value) { AppendFixed(value); }
  void AppendString(std::string_view value) {
    data_.Append(value.data(), static_cast<int64_t>(value.size()));
    offsets_.AppendValue(static_cast<int32_t>(data_.size()));
    AppendValidBit();
    ++length_;
  }
  /// STRUCT: every child has been given this row's value.
  void AppendStructValid() {
    AppendValidBit();
    ++length_;
  }
  /// ARRAY: closes the row with the elements appended to child(0) since the previous row.
  void AppendListValid() {
    offsets_.AppendValue(static_cast<int32_t>(children_[0].length()));
    AppendValidBit();
    ++length_;
  }

  /// Drops rows [length, length()) and the children's values they own (with length ==
  /// length(), STRUCT children appended for a row not closed yet).
  void Truncate(int64_t length);
  /// STRING/ARRAY: bytes or elements so far (to check the int32 offset limit).
  int64_t data_size() const { return id_ == TypeId::kString ? data_.size() : 0; }
  /// The column built so far; the writer is empty (and reusable) afterwards.
  ColumnRef Finish();

 private:
  template <typename T>
  void AppendFixed(T value) {
    values_.AppendValue(value);
    AppendValidBit();
    ++length_;
  }
  void AppendValidBit() { AppendBit(&validity_, length_, true); }
  static void AppendBit(BufferBuilder* bits, int64_t index, bool value) {
    if ((index & 7) == 0) bits->AppendValue<uint8_t>(0);
    if (value) bit_util::SetBit(bits->mutable_data(), index);
  }
  static void TruncateBits(BufferBuilder* bits, int64_t length);
  void Reset();

  TypeRef type_;
  TypeId id_;
  int64_t length_ = 0;
  BufferBuilder validity_;  // always kept; dropped at Finish() when there is no NULL
  BufferBuilder values_;    // fixed-width values, or BOOLEAN bits
  BufferBuilder offsets_;   // STRING, ARRAY: length + 1 int32
  BufferBuilder data_;      // STRING bytes
  std::vector<ColumnWriter> children_;
};

}  // namespace sluice
