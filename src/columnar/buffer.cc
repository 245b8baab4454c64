#include "columnar/buffer.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>

namespace sluice {

namespace {

constexpr int64_t kAlignment = 64;

int64_t RoundUpToAlignment(int64_t size) {
  return std::max<int64_t>(kAlignment, (size + kAlignment - 1) / kAlignment * kAlignment);
}

// Aligned allocation of `capacity` bytes (a multiple of 64). Aborts on out-of-memory, as the
// standard allocator would.
uint8_t* AllocateAligned(int64_t capacity) {
  void* p = std::aligned_alloc(kAlignment, static_cast<size_t>(capacity));
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

}  // namespace

Buffer::~Buffer() {
  if (owner_ == nullptr) std::free(data_);
}

std::shared_ptr<Buffer> Buffer::AllocateZeroed(int64_t size) {
  int64_t capacity = RoundUpToAlignment(size);
  uint8_t* data = AllocateAligned(capacity);
  std::memset(data, 0, static_cast<size_t>(capacity));
  return std::make_shared<Buffer>(data, size, capacity);
}

std::shared_ptr<Buffer> Buffer::CopyOf(const void* data, int64_t size) {
  int64_t capacity = RoundUpToAlignment(size);
  uint8_t* copy = AllocateAligned(capacity);
  if (size > 0) std::memcpy(copy, data, static_cast<size_t>(size));
  std::memset(copy + size, 0, static_cast<size_t>(capacity - size));
  return std::make_shared<Buffer>(copy, size, capacity);
}

std::shared_ptr<Buffer> Buffer::WrapForeign(const void* data, int64_t size,
                                            std::shared_ptr<const void> owner) {
  // The aliasing owner marks the buffer as foreign even when the caller passes no keep-alive.
  if (owner == nullptr) owner = std::make_shared<int>(0);
  auto buffer =
      std::make_shared<Buffer>(const_cast<uint8_t*>(static_cast<const uint8_t*>(data)), size, size);
  buffer->owner_ = std::move(owner);
  return buffer;
}

// ---------------------------------------------------------------------------------------------
// BufferBuilder. Invariant: bytes [size_, capacity_) are zero, so Finish() never has to clear
// the padding and AppendZeros() within capacity is free.

BufferBuilder::~BufferBuilder() { std::free(data_); }

BufferBuilder::BufferBuilder(BufferBuilder&& other) noexcept
    : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.size_ = 0;
  other.capacity_ = 0;
}

BufferBuilder& BufferBuilder::operator=(BufferBuilder&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = other.data_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.size_ = 0;
    other.capacity_ = 0;
  }
  return *this;
}

void BufferBuilder::Reserve(int64_t additional_bytes) {
  int64_t needed = size_ + additional_bytes;
  if (needed <= capacity_) return;
  int64_t new_capacity = RoundUpToAlignment(std::max(needed, capacity_ * 2));
  uint8_t* fresh = AllocateAligned(new_capacity);
  if (size_ > 0) std::memcpy(fresh, data_, static_cast<size_t>(size_));
  std::memset(fresh + size_, 0, static_cast<size_t>(new_capacity - size_));
  std::free(data_);
  data_ = fresh;
  capacity_ = new_capacity;
}

void BufferBuilder::AppendZeros(int64_t length) {
  Reserve(length);
  size_ += length;  // already zero by the invariant
}

void BufferBuilder::Resize(int64_t new_size) {
  if (new_size > size_) {
    AppendZeros(new_size - size_);
  } else if (new_size < size_) {
    std::memset(data_ + new_size, 0, static_cast<size_t>(size_ - new_size));
    size_ = new_size;
  }
}

std::shared_ptr<Buffer> BufferBuilder::Finish() {
  if (data_ == nullptr) return Buffer::AllocateZeroed(0);
  auto buffer = std::make_shared<Buffer>(data_, size_, capacity_);
  data_ = nullptr;
  size_ = 0;
  capacity_ = 0;
  return buffer;
}

void BufferBuilder::Reset() {
  std::free(data_);
  data_ = nullptr;
  size_ = 0;
  capacity_ = 0;
}

// ---------------------------------------------------------------------------------------------

namespace bit_util {

int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length) {
  if (length <= 0) return 0;
  int64_t count = 0;
  int64_t i = offset;
  const int64_t end = offset + length;
  // Leading bits up to a byte boundary.
  while (i < end && (i & 7) != 0) {
    count += GetBit(bits, i);
    ++i;
  }
  // Whole 64-bit words.
  const uint8_t* p = bits + (i >> 3);
  int64_t full_bytes = (end - i) >> 3;
  int64_t words = full_bytes >> 3;
  for (int64_t w = 0; w < words; ++w) {
    uint64_t word;
    std::memcpy(&word, p + w * 8, 8);
    count += std::popcount(word);
  }
  for (int64_t b = words * 8; b < full_bytes; ++b) {
    count += std::popcount(static_cast<unsigned>(p[b]));
  }
  i += full_bytes * 8;
  // Trailing bits.
  for (; i < end; ++i) count += GetBit(bits, i);
  return count;
}

void CopyBitmap(const uint8_t* src, int64_t src_offset, int64_t length, uint8_t* dst,
                int64_t dst_offset) {
  if (length <= 0) return;
  if ((src_offset & 7) == 0 && (dst_offset & 7) == 0) {
    int64_t full_bytes = length >> 3;
    std::memcpy(dst + (dst_offset >> 3), src + (src_offset >> 3), static_cast<size_t>(full_bytes));
    for (int64_t i = full_bytes * 8; i < length; ++i) {
      SetBitTo(dst, dst_offset + i, GetBit(src, src_offset + i));
    }
    return;
  }
  int64_t i = 0;
  // Head: until the destination is byte-aligned.
  while (i < length && ((dst_offset + i) & 7) != 0) {
    SetBitTo(dst, dst_offset + i, GetBit(src, src_offset + i));
    ++i;
  }
  // Body: whole destination bytes assembled from two source bytes.
  const int shift = static_cast<int>((src_offset + i) & 7);
  uint8_t* out = dst + ((dst_offset + i) >> 3);
  while (length - i >= 8) {
    const uint8_t* in = src + ((src_offset + i) >> 3);
    if (shift == 0) {
      *out = in[0];
    } else {
      *out = static_cast<uint8_t>((in[0] >> shift) | (in[1] << (8 - shift)));
    }
    ++out;
    i += 8;
  }
  // Tail.
  for (; i < length; ++i) SetBitTo(dst, dst_offset + i, GetBit(src, src_offset + i));
}

void SetBitsTo(uint8_t* bits, int64_t offset, int64_t length, bool value) {
  int64_t i = offset;
  const int64_t end = offset + length;
  while (i < end && (i & 7) != 0) SetBitTo(bits, i++, value);
  int64_t full_bytes = (end - i) >> 3;
  if (full_bytes > 0) {
    std::memset(bits + (i >> 3), value ? 0xFF : 0x00, static_cast<size_t>(full_bytes));
    i += full_bytes * 8;
  }
  while (i < end) SetBitTo(bits, i++, value);
}

}  // namespace bit_util

}  // namespace sluice
