#include "formats/parquet/encodings.h"

#include <libdeflate.h>
#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "common/strings.h"

namespace sluice::parquet {

void ByteBuffer::Grow(size_t min_capacity) {
  const size_t capacity = std::max<size_t>({min_capacity, capacity_ * 2, 256});
  auto data = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

int BitWidth(uint64_t max_value) { return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value); }

namespace {

inline char* PutVarint(uint64_t v, char* out) {
  while (v >= 0x80) {
    *out++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

void EmitRle(uint32_t value, int64_t run, int bit_width, ByteBuffer* out) {
  char* dst = out->Reserve(10 + 4);
  char* end = PutVarint(static_cast<uint64_t>(run) << 1, dst);
  const int bytes = (bit_width + 7) / 8;
  for (int i = 0; i < bytes; ++i) *end++ = static_cast<char>((value >> (8 * i)) & 0xFF);
  out->Advance(static_cast<size_t>(end - dst));
}

/// Bit-packs `count` values (padded with zeros to a multiple of 8), LSB first.
template <typename T>
void EmitPacked(const T* values, int64_t count, int bit_width, ByteBuffer* out) {
  const int64_t groups = (count + 7) / 8;
  const auto packed_bytes = static_cast<size_t>(groups * bit_width);
  char* dst = out->Reserve(10 + packed_bytes + 8);
  char* pos = PutVarint((static_cast<uint64_t>(groups) << 1) | 1, dst);
  const int64_t full = count / 8;
  if (bit_width <= 8) {
    // A group of 8 values fits one 64-bit word: build it, store its bit_width bytes.
    for (int64_t group = 0; group < full; ++group) {
      const T* v = values + group * 8;
      uint64_t word = 0;
      for (int k = 0; k < 8; ++k)
        word |= static_cast<uint64_t>(static_cast<uint32_t>(v[k])) << (k * bit_width);
      std::memcpy(pos, &word, 8);  // the buffer has 8 bytes of slack
      pos += bit_width;
    }
  } else {
    uint64_t buffer = 0;
    int bits = 0;
    for (int64_t i = 0; i < full * 8; ++i) {
      buffer |= static_cast<uint64_t>(static_cast<uint32_t>(values[i])) << bits;
      bits += bit_width;
      if (bits >= 32) {
        const auto word = static_cast<uint32_t>(buffer);
        std::memcpy(pos, &word, 4);
        pos += 4;
        buffer >>= 32;
        bits -= 32;
      }
    }
    // full * 8 * bit_width bits: a whole number of bytes remains.
    for (; bits > 0; bits -= 8) {
      *pos++ = static_cast<char>(buffer & 0xFF);
      buffer >>= 8;
    }
  }
  if (full < groups) {  // the last group, padded with zeros
    uint64_t buffer = 0;
    int bits = 0;
    for (int64_t i = full * 8; i < groups * 8; ++i) {
      const uint64_t v = i < count ? static_cast<uint32_t>(values[i]) : 0;
      buffer |= v << bits;
      bits += bit_width;
      while (bits >= 8) {
        *pos++ = static_cast<char>(buffer & 0xFF);
        buffer >>= 8;
        bits -= 8;
      }
    }
  }
  out->Advance(static_cast<size_t>(pos - dst));
}

/// Whether v[0..8) are all equal: word-wide compares against v[0] repeated.
inline uint64_t LoadWord(const void* p) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}
inline bool EightEqual(const uint32_t* v) {
  const uint64_t pattern = uint64_t{v[0]} * 0x100000001ULL;
  return ((LoadWord(v) ^ pattern) | (LoadWord(v + 2) ^ pattern) | (LoadWord(v + 4) ^ pattern) |
          (LoadWord(v + 6) ^ pattern)) == 0;
}
inline bool EightEqual(const int16_t* v) {
  const uint64_t pattern = uint64_t{static_cast<uint16_t>(v[0])} * 0x0001000100010001ULL;
  return ((LoadWord(v) ^ pattern) | (LoadWord(v + 4) ^ pattern)) == 0;
}

/// Scans in groups of 8 from the start of the pending literal: a group of 8 equal values starts
/// an RLE run (extended as far as it goes); other groups join the literal, which therefore
/// always holds whole groups. Runs that do not cover an aligned group stay literal.
template <typename T>
void EncodeHybrid(const T* values, int64_t count, int bit_width, ByteBuffer* out) {
  int64_t literal_start = 0;
  int64_t i = 0;
  while (i + 8 <= count) {
    if (!EightEqual(values + i)) {
      i += 8;
      continue;
    }
    const T value = values[i];
    int64_t j = i + 8;
    while (j < count && values[j] == value) ++j;
    if (i > literal_start) EmitPacked(values + literal_start, i - literal_start, bit_width, out);
    EmitRle(static_cast<uint32_t>(value), j - i, bit_width, out);
    literal_start = i = j;
  }
  if (literal_start < count) {
    EmitPacked(values + literal_start, count - literal_start, bit_width, out);
  }
}

}  // namespace

void EncodeRleHybrid(const uint32_t* values, int64_t count, int bit_width, ByteBuffer* out) {
  EncodeHybrid(values, count, bit_width, out);
}

void EncodeRleHybrid(const uint32_t* values, int64_t count, int bit_width, std::string* out) {
  ByteBuffer buffer;
  EncodeHybrid(values, count, bit_width, &buffer);
  out->append(buffer.view());
}

void EncodeLevels(const int16_t* levels, int64_t count, int bit_width, ByteBuffer* out) {
  EncodeHybrid(levels, count, bit_width, out);
}

void EncodeRleRun(uint32_t value, int64_t count, int bit_width, ByteBuffer* out) {
  EmitRle(value, count, bit_width, out);
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

namespace {

/// Codec contexts of one thread, created on first use and reused by every writer on the thread.
class ThreadCodecs {
 public:
  ThreadCodecs() = default;
  ThreadCodecs(const ThreadCodecs&) = delete;
  ThreadCodecs& operator=(const ThreadCodecs&) = delete;
  ~ThreadCodecs() {
    if (zstd_ != nullptr) ZSTD_freeCCtx(zstd_);
    libdeflate_free_compressor(deflate_);
    libdeflate_free_decompressor(inflate_);
  }

  ZSTD_CCtx* zstd() {
    if (zstd_ == nullptr) zstd_ = ZSTD_createCCtx();
    return zstd_;
  }

  /// libdeflate's compressor at `level` (1..12; its tables depend on the level, so a thread that
  /// alternates levels reallocates); nullptr on failure.
  libdeflate_compressor* deflate(int level) {
    if (deflate_ != nullptr && deflate_level_ == level) return deflate_;
    libdeflate_free_compressor(deflate_);
    deflate_ = libdeflate_alloc_compressor(level);
    deflate_level_ = level;
    return deflate_;
  }

  libdeflate_decompressor* inflate() {
    if (inflate_ == nullptr) inflate_ = libdeflate_alloc_decompressor();
    return inflate_;
  }

 private:
  ZSTD_CCtx* zstd_ = nullptr;
  libdeflate_compressor* deflate_ = nullptr;
  int deflate_level_ = 0;
  libdeflate_decompressor* inflate_ = nullptr;
};

ThreadCodecs& Codecs() {
  thread_local ThreadCodecs codecs;
  return codecs;
}

}  // namespace

Status Compressor::Compress(std::string_view input, ByteBuffer* out) const {
  out->clear();
  switch (codec_) {
    case Codec::kUncompressed:
      out->Append(input);
      return Status::OK();
    case Codec::kSnappy: {
      char* dst = out->Reserve(snappy::MaxCompressedLength(input.size()));
      size_t length = 0;
      snappy::RawCompress(input.data(), input.size(), dst, &length);
      out->Advance(length);
      return Status::OK();
    }
    case Codec::kZstd: {
      ZSTD_CCtx* context = Codecs().zstd();
      if (context == nullptr) return Status::Internal("zstd: cannot create a context");
      const size_t bound = ZSTD_compressBound(input.size());
      const size_t length = ZSTD_compressCCtx(context, out->Reserve(bound), bound, input.data(),
                                              input.size(), level_ == 0 ? 3 : level_);
      if (ZSTD_isError(length)) {
        return Status::Internal("zstd: {}", ZSTD_getErrorName(length));
      }
      out->Advance(length);
      return Status::OK();
    }
    case Codec::kLz4Raw: {
      if (input.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
        return Status::Internal("lz4: page too large");
      }
      const int bound = LZ4_compressBound(static_cast<int>(input.size()));
      const int length =
          LZ4_compress_default(input.data(), out->Reserve(static_cast<size_t>(bound)),
                               static_cast<int>(input.size()), bound);
      if (length <= 0) return Status::Internal("lz4: compression failed");
      out->Advance(static_cast<size_t>(length));
      return Status::OK();
    }
    case Codec::kGzip: {
      // One gzip member per page (RFC 1952, as the spec's GZIP codec requires), by libdeflate:
      // whole-buffer compression, several times faster than zlib's deflate at the same level.
      const int level = level_ == 0 ? kDefaultGzipLevel : level_;
      if (level < 1 || level > kMaxGzipLevel) {
        return Status::Config("gzip: compression level {} is out of range (1..{})", level,
                              kMaxGzipLevel);
      }
      libdeflate_compressor* compressor = Codecs().deflate(level);
      if (compressor == nullptr) return Status::Internal("gzip: cannot create a compressor");
      const size_t bound = libdeflate_gzip_compress_bound(compressor, input.size());
      const size_t length = libdeflate_gzip_compress(compressor, input.data(), input.size(),
                                                     out->Reserve(bound), bound);
      if (length == 0) return Status::Internal("gzip: compression failed");
      out->Advance(length);
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
      // One or more gzip members (other writers may concatenate several), which together must
      // hold exactly `uncompressed_size` bytes.
      libdeflate_decompressor* inflater = Codecs().inflate();
      if (inflater == nullptr) return Status::Internal("gzip: cannot create a decompressor");
      size_t in = 0;
      size_t done = 0;
      do {
        size_t used = 0;
        size_t produced = 0;
        const libdeflate_result result =
            libdeflate_gzip_decompress_ex(inflater, input.data() + in, input.size() - in,
                                          out->data() + done, out->size() - done, &used, &produced);
        if (result != LIBDEFLATE_SUCCESS || used == 0) {
          return Status::Decode("parquet: corrupt gzip page");
        }
        in += used;
        done += produced;
      } while (in < input.size());
      if (static_cast<int64_t>(done) != uncompressed_size) {
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
