#include "formats/parquet/encodings.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "common/strings.h"

namespace sluice::parquet {

int BitWidth(uint64_t max_value) {
  int width = 0;
  while (max_value != 0) {
    ++width;
    max_value >>= 1;
  }
  return width;
}

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

template <typename T>
void EmitRle(T value, int64_t run, int bit_width, std::string* out) {
  PutVarint(static_cast<uint64_t>(run) << 1, out);
  const int bytes = (bit_width + 7) / 8;
  auto v = static_cast<uint32_t>(value);
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

/// Bit-packs `count` values (padded with zeros to a multiple of 8), LSB first.
template <typename T>
void EmitPacked(const T* values, int64_t count, int bit_width, std::string* out) {
  const int64_t groups = (count + 7) / 8;
  PutVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
  const size_t start = out->size();
  out->resize(start + static_cast<size_t>(groups * bit_width));
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  uint64_t buffer = 0;
  int bits = 0;
  for (int64_t i = 0; i < groups * 8; ++i) {
    const uint64_t v = i < count ? static_cast<uint64_t>(static_cast<uint32_t>(values[i])) : 0;
    buffer |= v << bits;
    bits += bit_width;
    while (bits >= 8) {
      *dst++ = static_cast<uint8_t>(buffer);
      buffer >>= 8;
      bits -= 8;
    }
  }
}

template <typename T>
void EncodeHybrid(const T* values, int64_t count, int bit_width, std::string* out) {
  int64_t literal_start = 0;
  int64_t i = 0;
  while (i < count) {
    int64_t j = i + 1;
    while (j < count && values[j] == values[i]) ++j;
    int64_t run = j - i;
    if (run >= 8) {
      const int64_t literal = i - literal_start;
      const int64_t pad = (8 - literal % 8) % 8;
      if (literal == 0) {
        EmitRle(values[i], run, bit_width, out);
        literal_start = j;
      } else if (run - pad >= 8) {
        EmitPacked(values + literal_start, literal + pad, bit_width, out);
        EmitRle(values[i], run - pad, bit_width, out);
        literal_start = j;
      }
    }
    i = j;
  }
  if (literal_start < count) {
    EmitPacked(values + literal_start, count - literal_start, bit_width, out);
  }
}

}  // namespace

void EncodeRleHybrid(const uint32_t* values, int64_t count, int bit_width, std::string* out) {
  EncodeHybrid(values, count, bit_width, out);
}

void EncodeLevels(const int16_t* levels, int64_t count, int bit_width, std::string* out) {
  EncodeHybrid(levels, count, bit_width, out);
}

Status RleDecoder::NextRun() {
  uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= end_) return Status::Decode("parquet: RLE data ends early");
    if (shift > 35) return Status::Decode("parquet: RLE run header too long");
    const uint8_t byte = *pos_++;
    header |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (header & 1) {
    const int64_t groups = static_cast<int64_t>(header >> 1);
    const int64_t bytes = groups * bit_width_;
    if (groups == 0 || bytes > end_ - pos_) {
      // The last bit-packed run may be cut short by writers; accept what is there.
      if (groups == 0) return Status::Decode("parquet: empty bit-packed run");
    }
    const int64_t available = std::min<int64_t>(bytes, end_ - pos_);
    packed_ = pos_;
    packed_left_ = bit_width_ == 0 ? groups * 8 : std::min(groups * 8, available * 8 / bit_width_);
    packed_index_ = 0;
    pos_ += available;
    if (packed_left_ == 0) return Status::Decode("parquet: bit-packed run past the end");
  } else {
    rle_left_ = static_cast<int64_t>(header >> 1);
    if (rle_left_ == 0) return Status::Decode("parquet: empty RLE run");
    const int bytes = (bit_width_ + 7) / 8;
    if (bytes > end_ - pos_) return Status::Decode("parquet: RLE value past the end");
    uint32_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= static_cast<uint32_t>(pos_[i]) << (8 * i);
    pos_ += bytes;
    rle_value_ = value;
  }
  return Status::OK();
}

Status RleDecoder::Decode(uint32_t* out, int64_t count, uint32_t max_value) {
  if (bit_width_ < 0 || bit_width_ > 32) return Status::Decode("parquet: bad bit width");
  int64_t done = 0;
  while (done < count) {
    if (rle_left_ == 0 && packed_left_ == 0) RETURN_NOT_OK(NextRun());
    if (rle_left_ > 0) {
      if (rle_value_ > max_value) return Status::Decode("parquet: level or index out of range");
      const int64_t take = std::min(rle_left_, count - done);
      for (int64_t i = 0; i < take; ++i) out[done + i] = rle_value_;
      rle_left_ -= take;
      done += take;
    } else {
      const int64_t take = std::min(packed_left_, count - done);
      const uint64_t mask = bit_width_ == 32 ? 0xFFFFFFFFull : ((1ull << bit_width_) - 1);
      for (int64_t i = 0; i < take; ++i) {
        const int64_t bit = (packed_index_ + i) * bit_width_;
        const uint8_t* p = packed_ + (bit >> 3);
        const int needed = static_cast<int>(((bit & 7) + bit_width_ + 7) / 8);
        uint64_t word = 0;
        for (int b = 0; b < needed && p + b < end_; ++b) {
          word |= static_cast<uint64_t>(p[b]) << (8 * b);
        }
        const auto value = static_cast<uint32_t>((word >> (bit & 7)) & mask);
        if (value > max_value) return Status::Decode("parquet: level or index out of range");
        out[done + i] = value;
      }
      packed_index_ += take;
      packed_left_ -= take;
      done += take;
    }
  }
  return Status::OK();
}

Compressor::Compressor(Codec codec, int level) : codec_(codec), level_(level) {
  if (codec_ == Codec::kZstd) zstd_context_ = ZSTD_createCCtx();
}

Compressor::~Compressor() {
  if (zstd_context_ != nullptr) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zstd_context_));
}

Status Compressor::Compress(std::string_view input, std::string* out) {
  switch (codec_) {
    case Codec::kUncompressed:
      out->assign(input);
      return Status::OK();
    case Codec::kSnappy: {
      out->resize(snappy::MaxCompressedLength(input.size()));
      size_t length = 0;
      snappy::RawCompress(input.data(), input.size(), out->data(), &length);
      out->resize(length);
      return Status::OK();
    }
    case Codec::kZstd: {
      out->resize(ZSTD_compressBound(input.size()));
      const size_t length =
          ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zstd_context_), out->data(), out->size(),
                            input.data(), input.size(), level_ == 0 ? 3 : level_);
      if (ZSTD_isError(length)) {
        return Status::Internal("zstd: {}", ZSTD_getErrorName(length));
      }
      out->resize(length);
      return Status::OK();
    }
    case Codec::kLz4Raw: {
      if (input.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
        return Status::Internal("lz4: page too large");
      }
      out->resize(static_cast<size_t>(LZ4_compressBound(static_cast<int>(input.size()))));
      const int length = LZ4_compress_default(
          input.data(), out->data(), static_cast<int>(input.size()), static_cast<int>(out->size()));
      if (length <= 0) return Status::Internal("lz4: compression failed");
      out->resize(static_cast<size_t>(length));
      return Status::OK();
    }
    case Codec::kGzip: {
      z_stream stream{};
      // windowBits 15 + 16: a gzip header and trailer, as the spec requires.
      if (deflateInit2(&stream, level_ == 0 ? 6 : level_, Z_DEFLATED, 15 + 16, 8,
                       Z_DEFAULT_STRATEGY) != Z_OK) {
        return Status::Internal("gzip: deflateInit2 failed");
      }
      out->resize(deflateBound(&stream, static_cast<uLong>(input.size())) + 32);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      stream.avail_in = static_cast<uInt>(input.size());
      stream.next_out = reinterpret_cast<Bytef*>(out->data());
      stream.avail_out = static_cast<uInt>(out->size());
      const int result = deflate(&stream, Z_FINISH);
      const size_t length = stream.total_out;
      deflateEnd(&stream);
      if (result != Z_STREAM_END) return Status::Internal("gzip: deflate failed");
      out->resize(length);
      return Status::OK();
    }
    default:
      return Status::Internal("parquet: cannot compress with {}", CodecName(codec_));
  }
}

Status Decompress(Codec codec, std::string_view input, int64_t uncompressed_size,
                  std::string* out) {
  if (uncompressed_size < 0 || uncompressed_size > (int64_t{1} << 31)) {
    return Status::Decode("parquet: page of {} bytes", uncompressed_size);
  }
  out->resize(static_cast<size_t>(uncompressed_size));
  switch (codec) {
    case Codec::kUncompressed:
      if (static_cast<int64_t>(input.size()) != uncompressed_size) {
        return Status::Decode("parquet: uncompressed page size mismatch");
      }
      out->assign(input);
      return Status::OK();
    case Codec::kSnappy: {
      size_t length = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &length) ||
          static_cast<int64_t>(length) != uncompressed_size ||
          !snappy::RawUncompress(input.data(), input.size(), out->data())) {
        return Status::Decode("parquet: corrupt snappy page");
      }
      return Status::OK();
    }
    case Codec::kZstd: {
      const size_t length = ZSTD_decompress(out->data(), out->size(), input.data(), input.size());
      if (ZSTD_isError(length) || static_cast<int64_t>(length) != uncompressed_size) {
        return Status::Decode("parquet: corrupt zstd page");
      }
      return Status::OK();
    }
    case Codec::kLz4Raw: {
      if (input.size() > static_cast<size_t>(INT32_MAX)) {
        return Status::Decode("parquet: lz4 page too large");
      }
      const int length = LZ4_decompress_safe(
          input.data(), out->data(), static_cast<int>(input.size()), static_cast<int>(out->size()));
      if (length != uncompressed_size) return Status::Decode("parquet: corrupt lz4 page");
      return Status::OK();
    }
    case Codec::kGzip: {
      z_stream stream{};
      if (inflateInit2(&stream, 15 + 32) != Z_OK) return Status::Internal("gzip: inflateInit2");
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      stream.avail_in = static_cast<uInt>(input.size());
      stream.next_out = reinterpret_cast<Bytef*>(out->data());
      stream.avail_out = static_cast<uInt>(out->size());
      const int result = inflate(&stream, Z_FINISH);
      const auto length = static_cast<int64_t>(stream.total_out);
      inflateEnd(&stream);
      if ((result != Z_STREAM_END && !(result == Z_BUF_ERROR && length == uncompressed_size)) ||
          length != uncompressed_size) {
        return Status::Decode("parquet: corrupt gzip page");
      }
      return Status::OK();
    }
    default:
      return Status::Decode("parquet: unsupported codec {}", CodecName(codec));
  }
}

Result<Codec> CodecFromName(std::string_view name) {
  const std::string lower = ToLower(name);
  if (lower == "uncompressed" || lower == "none") return Codec::kUncompressed;
  if (lower == "snappy") return Codec::kSnappy;
  if (lower == "zstd") return Codec::kZstd;
  if (lower == "gzip") return Codec::kGzip;
  if (lower == "lz4_raw" || lower == "lz4") return Codec::kLz4Raw;
  return Status::Config(
      "unknown parquet compression '{}' (uncompressed, snappy, zstd, gzip, lz4_raw)", name);
}

}  // namespace sluice::parquet
