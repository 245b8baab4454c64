// Value and level encodings of the Parquet spec: PLAIN, the RLE/bit-packing hybrid (levels and
// dictionary indices), and the page compression codecs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "formats/parquet/metadata.h"

namespace sluice::parquet {

/// Bits needed to store values 0..max_value (0 for max_value 0).
int BitWidth(uint64_t max_value);

/// Appends the RLE/bit-packing hybrid encoding of `values` (each < 2^bit_width), without a
/// length prefix. Runs of 8 or more equal values become RLE runs, the rest bit-packed groups of 8.
void EncodeRleHybrid(const uint32_t* values, int64_t count, int bit_width, std::string* out);
/// The same for levels (int16).
void EncodeLevels(const int16_t* levels, int64_t count, int bit_width, std::string* out);

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

/// Page compression. `level` is used by ZSTD and GZIP (0 = the codec's default).
class Compressor {
 public:
  Compressor(Codec codec, int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  Codec codec() const { return codec_; }
  /// Replaces `*out` with the compressed `input` (a copy when uncompressed).
  Status Compress(std::string_view input, std::string* out);

 private:
  Codec codec_;
  int level_;
  void* zstd_context_ = nullptr;
};

/// Decompresses into exactly `uncompressed_size` bytes, or fails with a Decode error.
Status Decompress(Codec codec, std::string_view input, int64_t uncompressed_size, std::string* out);

/// Parses "uncompressed", "snappy", "zstd", "gzip", "lz4_raw" (also "none", "lz4") .
Result<Codec> CodecFromName(std::string_view name);

}  // namespace sluice::parquet
