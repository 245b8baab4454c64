// ColumnWriter: the decoders' column builder. Like columnar/builder.h, but one non-virtual class
// for every type (the decoders switch on the type once per value, never call through a vtable)
// and with Truncate(), so a record that turns out to be malformed halfway can be taken back
// (DROPMALFORMED, or PERMISSIVE resetting a field to NULL) without copying anything.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "columnar/buffer.h"
#include "columnar/column.h"
#include "columnar/types.h"

namespace sluice {

/// A growable 64-byte-aligned byte buffer (like BufferBuilder) made for the decoders' appends:
/// the capacity check is inline, at least kSlack bytes stay free past the end (so short values
/// are copied in fixed-size moves), and the first allocation after Finish() takes the previous
/// size (batches are alike). Bytes past size() are zeroed at Finish() only.
class WriterBuffer {
 public:
  static constexpr int64_t kSlack = 64;

  WriterBuffer() = default;
  ~WriterBuffer() { std::free(data_); }
  WriterBuffer(const WriterBuffer&) = delete;
  WriterBuffer& operator=(const WriterBuffer&) = delete;
  WriterBuffer(WriterBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)),
        size_hint_(other.size_hint_) {}
  WriterBuffer& operator=(WriterBuffer&& other) noexcept;

  void Append(const void* bytes, int64_t length) {
    if (size_ + length + kSlack > capacity_) Grow(length);
    if (length > 0) std::memcpy(data_ + size_, bytes, static_cast<size_t>(length));
    size_ += length;
  }
  /// Append() for a source readable up to 64 bytes past its start whatever `length` (e.g.
  /// simdjson's string buffer, padded): values up to 64 bytes move in fixed-size copies.
  void AppendPadded(const char* bytes, int64_t length) {
    if (size_ + length + kSlack > capacity_) Grow(length);
    if (length <= 32) {
      std::memcpy(data_ + size_, bytes, 32);
    } else if (length <= 64) {
      std::memcpy(data_ + size_, bytes, 64);
    } else {
      std::memcpy(data_ + size_, bytes, static_cast<size_t>(length));
    }
    size_ += length;
  }
  template <typename T>
  void AppendValue(T value) {
    if (size_ + static_cast<int64_t>(sizeof(T)) + kSlack > capacity_) Grow(sizeof(T));
    std::memcpy(data_ + size_, &value, sizeof(T));
    size_ += static_cast<int64_t>(sizeof(T));
  }
  /// New bytes are zero.
  void Resize(int64_t new_size);

  uint8_t* mutable_data() { return data_; }
  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  template <typename T>
  T* mutable_data_as() {
    return reinterpret_cast<T*>(data_);
  }
  std::shared_ptr<Buffer> Finish();
  /// Empties the buffer, keeping its memory.
  void Reset();

 private:
  void Grow(int64_t additional_bytes);

  uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
  int64_t size_hint_ = 0;  // the size at the last Finish()
};

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
  /// AppendString() from a padded source (see WriterBuffer::AppendPadded).
  void AppendStringPadded(std::string_view value) {
    data_.AppendPadded(value.data(), static_cast<int64_t>(value.size()));
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
  /// STRING: bytes so far.
  int64_t string_bytes() const { return data_.size(); }
  /// The column built so far; the writer is empty (and reusable) afterwards.
  ColumnRef Finish();

 private:
  template <typename T>
  void AppendFixed(T value) {
    values_.AppendValue(value);
    AppendValidBit();
    ++length_;
  }
  void AppendValidBit() {
    if (has_validity_) AppendBit(&validity_, length_, true);
  }
  /// The first NULL: the bitmap starts, with every row so far valid.
  void StartValidity();
  static void AppendBit(WriterBuffer* bits, int64_t index, bool value) {
    if ((index & 7) == 0) bits->AppendValue<uint8_t>(0);
    if (value) bit_util::SetBit(bits->mutable_data(), index);
  }
  static void TruncateBits(WriterBuffer* bits, int64_t length);
  void Reset();

  TypeRef type_;
  TypeId id_;
  int64_t length_ = 0;
  bool has_validity_ = false;  // validity_ is kept from the first NULL (none until then)
  WriterBuffer validity_;      // dropped at Finish() when there is no NULL
  WriterBuffer values_;        // fixed-width values, or BOOLEAN bits
  WriterBuffer offsets_;       // STRING, ARRAY: length + 1 int32
  WriterBuffer data_;          // STRING bytes
  std::vector<ColumnWriter> children_;
};

}  // namespace sluice
