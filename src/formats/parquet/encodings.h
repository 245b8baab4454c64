// Value and level encodings of the Parquet spec: PLAIN, the RLE/bit-packing hybrid (levels and
// dictionary indices), and the page compression codecs.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "formats/parquet/metadata.h"

namespace sluice::parquet {

/// A growable byte buffer that, unlike std::string::resize, does not zero what it grows into:
/// page bodies, levels and compressed pages are written straight into it.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&&) noexcept = default;
  ByteBuffer& operator=(ByteBuffer&&) noexcept = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  const char* data() const { return data_.get(); }
  char* data() { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }

  /// Room for `bytes` more bytes: returns where they go; Advance() then commits what was written.
  char* Reserve(size_t bytes) {
    if (size_ + bytes > capacity_) Grow(size_ + bytes);
    return data_.get() + size_;
  }
  void Advance(size_t bytes) { size_ += bytes; }
  void Append(const void* bytes, size_t length) {
    if (length == 0) return;
    std::memcpy(Reserve(length), bytes, length);
    size_ += length;
  }
  void Append(std::string_view bytes) { Append(bytes.data(), bytes.size()); }
  void Push(char byte) {
    *Reserve(1) = byte;
    ++size_;
  }
  /// Empties the buffer, keeping its memory.
  void clear() { size_ = 0; }
  /// Empties the buffer and frees its memory.
  void Release() {
    data_.reset();
    size_ = capacity_ = 0;
  }

 private:
  void Grow(size_t min_capacity);

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// Bits needed to store values 0..max_value (0 for max_value 0).
int BitWidth(uint64_t max_value);

/// Appends the RLE/bit-packing hybrid encoding of `values` (each < 2^bit_width), without a
/// length prefix. Runs of 8 or more equal values become RLE runs, the rest bit-packed groups of 8.
void EncodeRleHybrid(const uint32_t* values, int64_t count, int bit_width, ByteBuffer* out);
void EncodeRleHybrid(const uint32_t* values, int64_t count, int bit_width, std::string* out);
/// The same for levels (int16).
void EncodeLevels(const int16_t* levels, int64_t count, int bit_width, ByteBuffer* out);
/// One RLE run of `count` copies of `value` (count > 0).
void EncodeRleRun(uint32_t value, int64_t count, int bit_width, ByteBuffer* out);

/// Decodes the hybrid encoding from a bounded buffer.
class RleDecoder {
 public:
  RleDecoder(const uint8_t* data, int64_t size, int bit_width)
      : pos_(data), end_(data + size), bit_width_(bit_width) {}
  /// Decodes exactly `count` values; a Decode error if the input ends first or a value exceeds
  /// `max_value`.
  Status Decode(uint32_t* out, int64_t count, uint32_t max_value);

 private:
  Status NextRun();
  const uint8_t* pos_;
  const uint8_t* end_;
  int bit_width_;
  int64_t rle_left_ = 0;  // values left in the current RLE run
  uint32_t rle_value_ = 0;
  int64_t packed_left_ = 0;  // values left in the current bit-packed run
  const uint8_t* packed_ = nullptr;
  int64_t packed_index_ = 0;
};

/// GZIP levels: libdeflate's 1..12 (1-9 trade speed for size like zlib's, 10-12 are its slow
/// near-optimal parsing); 0 means the default.
inline constexpr int kDefaultGzipLevel = 6;
inline constexpr int kMaxGzipLevel = 12;

/// Page compression. `level` is used by ZSTD and GZIP (0 = the codec's default). The codec
/// contexts (zstd's CCtx, libdeflate's compressor) are kept per thread and reused by every writer
/// on it: no allocation per page, and no context per column (a zstd context holds ~1 MB of
/// tables). GZIP is libdeflate (whole-buffer: a page is compressed in one call).
class Compressor {
 public:
  Compressor(Codec codec, int level) : codec_(codec), level_(level) {}

  Codec codec() const { return codec_; }
  /// Replaces the contents of `*out` with the compressed `input` (a copy when uncompressed).
  Status Compress(std::string_view input, ByteBuffer* out) const;

 private:
  Codec codec_;
  int level_;
};

/// Decompresses into exactly `uncompressed_size` bytes, or fails with a Decode error.
Status Decompress(Codec codec, std::string_view input, int64_t uncompressed_size, std::string* out);

/// Parses "uncompressed", "snappy", "zstd", "gzip", "lz4_raw" (also "none", "lz4") .
Result<Codec> CodecFromName(std::string_view name);

}  // namespace sluice::parquet
