// Buffers: 64-byte aligned, immutable once shared (Buffer), growable while building
// (BufferBuilder).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

namespace sluice {

/// An immutable, 64-byte-aligned byte region. Columns share buffers; slices never copy them.
class Buffer {
 public:
  /// Takes ownership of `data`, which must come from std::aligned_alloc (freed with std::free).
  Buffer(uint8_t* data, int64_t size, int64_t capacity)
      : data_(data), size_(size), capacity_(capacity) {}
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  template <typename T>
  const T* data_as() const {
    return reinterpret_cast<const T*>(data_);
  }

  /// A zero-filled buffer of `size` bytes (plus padding to a multiple of 64).
  static std::shared_ptr<Buffer> AllocateZeroed(int64_t size);
  /// A copy of `size` bytes from `data`.
  static std::shared_ptr<Buffer> CopyOf(const void* data, int64_t size);
  /// Wraps memory this process does not own (e.g. an imported Arrow array) without copying. The
  /// memory is never freed by the Buffer; `owner` is kept alive until the Buffer is destroyed, so
  /// its destructor can release the memory (alignment is whatever the producer gave).
  static std::shared_ptr<Buffer> WrapForeign(const void* data, int64_t size,
                                             std::shared_ptr<const void> owner);
  /// True if the memory is foreign (see WrapForeign).
  bool is_foreign() const { return owner_ != nullptr; }

 private:
  uint8_t* data_;
  int64_t size_;
  int64_t capacity_;
  std::shared_ptr<const void> owner_;  // set for foreign memory: then data_ is not ours to free
};

using BufferRef = std::shared_ptr<const Buffer>;

/// A growable aligned byte buffer; Finish() hands the memory over to a Buffer without copying.
class BufferBuilder {
 public:
  BufferBuilder() = default;
  ~BufferBuilder();
  BufferBuilder(const BufferBuilder&) = delete;
  BufferBuilder& operator=(const BufferBuilder&) = delete;
  BufferBuilder(BufferBuilder&& other) noexcept;
  BufferBuilder& operator=(BufferBuilder&& other) noexcept;

  void Reserve(int64_t additional_bytes);
  void Append(const void* bytes, int64_t length) {
    Reserve(length);
    if (length > 0) std::memcpy(data_ + size_, bytes, static_cast<size_t>(length));
    size_ += length;
  }
  template <typename T>
  void AppendValue(const T& value) {
    Append(&value, sizeof(T));
  }
  /// Grows the size by `length` zero bytes.
  void AppendZeros(int64_t length);
  void Resize(int64_t new_size);  // new bytes are zeroed

  uint8_t* mutable_data() { return data_; }
  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  template <typename T>
  T* mutable_data_as() {
    return reinterpret_cast<T*>(data_);
  }

  /// Moves the bytes into an immutable Buffer; the builder is empty afterwards.
  std::shared_ptr<Buffer> Finish();
  void Reset();

 private:
  uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
};

namespace bit_util {
inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
}
inline void ClearBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
}
inline void SetBitTo(uint8_t* bits, int64_t i, bool v) { v ? SetBit(bits, i) : ClearBit(bits, i); }
inline int64_t BytesForBits(int64_t bits) { return (bits + 7) / 8; }
/// Number of set bits in [offset, offset + length).
int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length);
/// Copies bits [src_offset, src_offset + length) of `src` to [dst_offset, ...) of `dst`; other
/// bits of `dst` are left unchanged.
void CopyBitmap(const uint8_t* src, int64_t src_offset, int64_t length, uint8_t* dst,
                int64_t dst_offset);
/// Sets bits [offset, offset + length) to `value`.
void SetBitsTo(uint8_t* bits, int64_t offset, int64_t length, bool value);
}  // namespace bit_util

}  // namespace sluice
