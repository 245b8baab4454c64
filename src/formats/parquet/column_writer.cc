#include "formats/parquet/column_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace sluice::parquet {

namespace {

constexpr int64_t kLevelsPerStep = 4096;  // page-size checks happen at this granularity
// The early high-cardinality check: once the chunk has dictionary-encoded this many values (or
// its dictionary has reached half its limit), a column whose values are still more than 90%
// distinct falls back to PLAIN (a unique id or a timestamp would only fill the dictionary).
constexpr int64_t kCardinalityCheckValues = 32768;
constexpr int64_t kCardinalityPercent = 90;
constexpr size_t kInitialTableSize = 256;
constexpr size_t kFirstBlock = 4096;
constexpr size_t kLargestBlock = 1 << 20;

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/// The four overlapping 4-byte words that together cover a string of 4..16 bytes: one path (no
/// branch to mispredict) for the short keys that dictionaries mostly hold, whatever their mix of
/// lengths.
struct ShortWords {
  uint64_t low;
  uint64_t high;
  ShortWords(const char* p, size_t n) {
    const size_t third = (n - 4) / 3;  // gaps of at most 4 bytes between the words
    low = (Load32(p) << 32) | Load32(p + third);
    high = (Load32(p + n - 4 - third) << 32) | Load32(p + n - 4);
  }
};

/// A fast hash of dictionary keys: overlapping word loads, multiply-rotate rounds per 16 bytes
/// of long keys, the murmur3 finalizer. Only needs to spread keys over the table.
inline uint64_t HashBytes(const char* p, size_t n) {
  constexpr uint64_t k0 = 0x9e3779b97f4a7c15ULL;
  constexpr uint64_t k1 = 0xc2b2ae3d27d4eb4fULL;
  constexpr uint64_t k2 = 0x165667b19e3779f9ULL;
  uint64_t a;
  uint64_t b;
  if (n - 4 <= 12) {  // 4..16 bytes
    const ShortWords words(p, n);
    a = words.low;
    b = words.high;
  } else if (n > 16) {
    uint64_t h0 = k0 ^ n;
    uint64_t h1 = k2;
    for (size_t i = 0; i + 16 < n; i += 16) {
      h0 = Rotl(h0 ^ (Load64(p + i) * k1), 31) * k0;
      h1 = Rotl(h1 ^ (Load64(p + i + 8) * k2), 29) * k1;
    }
    a = h0 ^ Load64(p + n - 16);
    b = h1 ^ Load64(p + n - 8);
  } else if (n > 0) {  // 1..3 bytes
    a = static_cast<uint8_t>(p[0]) | (static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << 16);
    b = 0;
  } else {
    a = b = 0;
  }
  return Mix((a * k1) ^ Rotl(b * k2 + n, 32) ^ k0);
}

/// Equality of two byte strings of length n, inline for short ones (dictionary hits).
inline bool EqualBytes(const char* a, const char* b, size_t n) {
  if (n - 4 <= 12) {
    const ShortWords x(a, n);
    const ShortWords y(b, n);
    return ((x.low ^ y.low) | (x.high ^ y.high)) == 0;
  }
  if (n > 16) return std::memcmp(a, b, n) == 0;
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

/// The first 8 bytes of `value`, zero-padded, as a big-endian number: a smaller prefix means a
/// smaller string in unsigned byte order; equal prefixes need the full comparison.
inline uint64_t Prefix(std::string_view value) {
  uint64_t bits = 0;
  if (value.size() >= 8) {
    bits = Load64(value.data());
  } else if (!value.empty()) {
    std::memcpy(&bits, value.data(), value.size());
  }
  return __builtin_bswap64(bits);
}

template <typename T>
void AppendRaw(std::string* out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

template <typename T>
uint64_t BitsOf(T value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(T));
  return bits;
}

/// Minimum and maximum of `values` (NaN skipped; min > max when there is no other value).
template <typename T>
void MinMax(const T* values, int64_t count, T* min, T* max) {
  T lo = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                              : std::numeric_limits<T>::max();
  T hi = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                              : std::numeric_limits<T>::lowest();
  for (int64_t k = 0; k < count; ++k) {
    // For doubles, comparisons with NaN are false: NaN never becomes a bound.
    lo = values[k] < lo ? values[k] : lo;
    hi = values[k] > hi ? values[k] : hi;
  }
  *min = lo;
  *max = hi;
}

/// Scratch of a thread's page assembly: levels, the page body, the compressed page, the header.
struct PageScratch {
  ByteBuffer levels;
  ByteBuffer body;
  ByteBuffer compressed;
  std::string header;
};

PageScratch& Scratch() {
  thread_local PageScratch scratch;
  return scratch;
}

}  // namespace

void ChunkBuffer::Append(std::string_view bytes) {
  size_ += static_cast<int64_t>(bytes.size());
  while (!bytes.empty()) {
    if (blocks_.empty() || blocks_.back().size() == blocks_.back().capacity()) {
      // Blocks double up to 1 MB: a small partition file keeps small blocks.
      const size_t previous = blocks_.empty() ? kFirstBlock / 2 : blocks_.back().capacity();
      blocks_.emplace_back();
      blocks_.back().Reserve(std::min(std::max(previous * 2, kFirstBlock), kLargestBlock));
    }
    ByteBuffer& block = blocks_.back();
    const size_t take = std::min(bytes.size(), block.capacity() - block.size());
    block.Append(bytes.data(), take);
    bytes.remove_prefix(take);
  }
}

Status ChunkBuffer::WriteTo(const ChunkSink& sink) const {
  for (const ByteBuffer& block : blocks_) RETURN_NOT_OK(sink(block.view()));
  return Status::OK();
}

void ChunkBuffer::Release() {
  blocks_.clear();
  blocks_.shrink_to_fit();
  size_ = 0;
}

ColumnWriter::ColumnWriter(const LeafColumn& leaf, const WriterOptions& options)
    : leaf_(leaf), options_(options), compressor_(options.codec, options.compression_level) {
  switch (leaf_.physical) {
    case PhysicalType::kInt32:
      value_width_ = 4;
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      value_width_ = 8;
      break;
    default:
      value_width_ = 0;
  }
  ResetDictionary();
}

void ColumnWriter::ResetDictionary() {
  dictionary_mode_ = options_.dictionary && leaf_.physical != PhysicalType::kBoolean;
  dictionary_used_ = false;
  cardinality_checked_ = false;
  dictionary_plain_.Release();
  strings_ = {};
  table_ = {};
  if (dictionary_mode_) table_.assign(kInitialTableSize, Slot{0, -1, 0});
  dictionary_count_ = 0;
  dictionary_values_ = 0;
}

void ColumnWriter::GrowTable() {
  std::vector<Slot> table(table_.size() * 2, Slot{0, -1, 0});
  const size_t mask = table.size() - 1;
  const bool strings = leaf_.physical == PhysicalType::kByteArray;
  for (const Slot& old : table_) {
    if (old.entry < 0) continue;
    size_t slot = (strings ? old.key : Mix(old.key)) & mask;
    while (table[slot].entry >= 0) slot = (slot + 1) & mask;
    table[slot] = old;
  }
  table_ = std::move(table);
}

template <typename T>
void ColumnWriter::UpdateFixedStats(T min, T max) {
  if (!(min <= max)) return;  // nothing but NaN
  if constexpr (std::is_floating_point_v<T>) {
    if (!has_min_max_ || min < min_double_) min_double_ = min;
    if (!has_min_max_ || max > max_double_) max_double_ = max;
  } else {
    if (!has_min_max_ || min < min_int_) min_int_ = min;
    if (!has_min_max_ || max > max_int_) max_int_ = max;
  }
  has_min_max_ = true;
}

template <typename T>
[[gnu::always_inline]] inline uint32_t ColumnWriter::FixedEntry(T value) {
  const uint64_t key = BitsOf(value);
  const size_t mask = table_.size() - 1;
  size_t slot = Mix(key) & mask;
  while (true) {
    const Slot& candidate = table_[slot];
    if (candidate.key == key && candidate.entry >= 0) return static_cast<uint32_t>(candidate.entry);
    if (candidate.entry < 0) return AddFixedEntry(value, key, slot);
    slot = (slot + 1) & mask;
  }
}

template <typename T>
[[gnu::noinline]] uint32_t ColumnWriter::AddFixedEntry(T value, uint64_t key, size_t slot) {
  const auto entry = static_cast<int32_t>(dictionary_count_++);
  table_[slot] = Slot{key, entry, 0};
  dictionary_plain_.Append(&value, sizeof(T));
  UpdateFixedStats(value, value);
  if (static_cast<size_t>(dictionary_count_) * 2 > table_.size()) GrowTable();
  return static_cast<uint32_t>(entry);
}

[[gnu::always_inline]] inline uint32_t ColumnWriter::StringEntryOf(std::string_view value) {
  const uint64_t hash = HashBytes(value.data(), value.size());
  const size_t mask = table_.size() - 1;
  size_t slot = hash & mask;
  while (true) {
    const Slot& candidate = table_[slot];
    if (candidate.key == hash && candidate.entry >= 0) {
      const char* bytes = dictionary_plain_.data() + candidate.offset;
      if (Load32(bytes - 4) == value.size() && EqualBytes(bytes, value.data(), value.size())) {
        return static_cast<uint32_t>(candidate.entry);
      }
    } else if (candidate.entry < 0) {
      return AddStringEntry(value, hash, slot);
    }
    slot = (slot + 1) & mask;
  }
}

[[gnu::noinline]] uint32_t ColumnWriter::AddStringEntry(std::string_view value, uint64_t hash,
                                                        size_t slot) {
  const auto entry = static_cast<int32_t>(dictionary_count_++);
  const auto length = static_cast<uint32_t>(value.size());
  dictionary_plain_.Append(&length, 4);
  const auto offset = static_cast<uint32_t>(dictionary_plain_.size());
  table_[slot] = Slot{hash, entry, offset};
  strings_.push_back({offset, length});
  dictionary_plain_.Append(value);
  UpdateStringStats(value);
  if (static_cast<size_t>(dictionary_count_) * 2 > table_.size()) GrowTable();
  return static_cast<uint32_t>(entry);
}

template <typename T>
void ColumnWriter::AppendFixed(const LeafLevels& levels, int64_t value_begin, int64_t value_end) {
  const T* data = levels.leaf->Values<T>();
  const int64_t* positions = levels.identity ? nullptr : levels.positions.data();
  const int64_t count = value_end - value_begin;
  if (dictionary_mode_) {
    const size_t start = page_indices_.size();
    page_indices_.resize(start + static_cast<size_t>(count));
    uint32_t* out = page_indices_.data() + start;
    if (positions == nullptr) {
      for (int64_t k = value_begin; k < value_end; ++k) *out++ = FixedEntry(data[k]);
    } else {
      for (int64_t k = value_begin; k < value_end; ++k) *out++ = FixedEntry(data[positions[k]]);
    }
    page_plain_equivalent_ += count * static_cast<int64_t>(sizeof(T));
    dictionary_values_ += count;
    return;
  }
  const size_t bytes = static_cast<size_t>(count) * sizeof(T);
  char* out = page_plain_.Reserve(bytes);
  T min;
  T max;
  if (positions == nullptr) {
    std::memcpy(out, data + value_begin, bytes);
    MinMax(data + value_begin, count, &min, &max);
  } else {
    min = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                               : std::numeric_limits<T>::max();
    max = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                               : std::numeric_limits<T>::lowest();
    for (int64_t k = value_begin; k < value_end; ++k) {
      const T value = data[positions[k]];
      std::memcpy(out, &value, sizeof(T));
      out += sizeof(T);
      min = value < min ? value : min;
      max = value > max ? value : max;
    }
  }
  page_plain_.Advance(bytes);
  if (count > 0) UpdateFixedStats(min, max);
}

void ColumnWriter::UpdateStringStats(std::string_view value) {
  const uint64_t prefix = Prefix(value);
  if (!has_min_max_) {
    min_string_.assign(value);
    max_string_.assign(value);
    min_prefix_ = max_prefix_ = prefix;
    has_min_max_ = true;
    return;
  }
  // std::string_view compares with char_traits<char>, i.e. memcmp: unsigned bytes, the order
  // the spec defines for UTF-8 byte arrays. The big-endian prefixes decide most comparisons.
  if (prefix < min_prefix_ || (prefix == min_prefix_ && value < std::string_view(min_string_))) {
    min_string_.assign(value);
    min_prefix_ = prefix;
  }
  if (prefix > max_prefix_ || (prefix == max_prefix_ && value > std::string_view(max_string_))) {
    max_string_.assign(value);
    max_prefix_ = prefix;
  }
}

void ColumnWriter::AppendStrings(const LeafLevels& levels, int64_t value_begin, int64_t value_end) {
  const Column& column = *levels.leaf;
  const int64_t* positions = levels.identity ? nullptr : levels.positions.data();
  const int32_t* offsets = column.Offsets();
  const char* bytes = reinterpret_cast<const char*>(column.buffers()[2]->data());
  const int64_t count = value_end - value_begin;
  if (count == 0) return;
  if (dictionary_mode_) {
    const size_t start = page_indices_.size();
    page_indices_.resize(start + static_cast<size_t>(count));
    uint32_t* out = page_indices_.data() + start;
    int64_t plain = 0;
    for (int64_t k = value_begin; k < value_end; ++k) {
      const int64_t row = positions ? positions[k] : k;
      const int32_t begin = offsets[row];
      const auto length = static_cast<size_t>(offsets[row + 1] - begin);
      *out++ = StringEntryOf(std::string_view(bytes + begin, length));
      plain += static_cast<int64_t>(length);
    }
    page_plain_equivalent_ += plain + 4 * count;
    dictionary_values_ += count;
    return;
  }
  // PLAIN: one reservation for the run (the rows lie within [first, last] in order), then one
  // pass of length prefixes and copies.
  const int64_t first = positions ? positions[value_begin] : value_begin;
  const int64_t last = positions ? positions[value_end - 1] : value_end - 1;
  const auto span = static_cast<size_t>(offsets[last + 1] - offsets[first]);
  char* const start = page_plain_.Reserve(span + 4 * static_cast<size_t>(count));
  char* out = start;
  for (int64_t k = value_begin; k < value_end; ++k) {
    const int64_t row = positions ? positions[k] : k;
    const int32_t begin = offsets[row];
    const auto length = static_cast<uint32_t>(offsets[row + 1] - begin);
    std::memcpy(out, &length, 4);
    std::memcpy(out + 4, bytes + begin, length);
    out += 4 + length;
    UpdateStringStats(std::string_view(bytes + begin, length));
  }
  page_plain_.Advance(static_cast<size_t>(out - start));
}

void ColumnWriter::AppendBools(const LeafLevels& levels, int64_t value_begin, int64_t value_end) {
  const Column& column = *levels.leaf;
  const int64_t* positions = levels.identity ? nullptr : levels.positions.data();
  for (int64_t k = value_begin; k < value_end; ++k) {
    const bool value = column.BoolValue(positions ? positions[k] : k);
    page_bools_.push_back(value ? 1 : 0);
    if (!has_min_max_ || static_cast<int64_t>(value) < min_int_) min_int_ = value;
    if (!has_min_max_ || static_cast<int64_t>(value) > max_int_) max_int_ = value;
    has_min_max_ = true;
  }
}

void ColumnWriter::AppendDefLevels(const int16_t* def, int64_t count, bool all_max) {
  if (all_max && page_def_all_max_) return;  // still one run of max_def: nothing to store
  if (page_def_all_max_) {
    page_def_.assign(static_cast<size_t>(page_levels_), leaf_.max_def);
    page_def_all_max_ = false;
  }
  if (all_max) {
    page_def_.insert(page_def_.end(), static_cast<size_t>(count), leaf_.max_def);
  } else {
    page_def_.insert(page_def_.end(), def, def + count);
  }
}

Status ColumnWriter::Write(const LeafLevels& levels) {
  int64_t level = 0;
  int64_t value = 0;
  const bool has_def = !levels.def.empty();
  const bool has_rep = !levels.rep.empty();
  while (level < levels.num_levels) {
    int64_t end = std::min(levels.num_levels, level + kLevelsPerStep);
    if (has_rep) {  // pages end on record boundaries
      while (end < levels.num_levels && levels.rep[static_cast<size_t>(end)] != 0) ++end;
    }
    const int64_t step = end - level;
    int64_t values = step;
    int64_t rows = step;
    if (has_def) {
      const int16_t* def = levels.def.data();
      const int16_t max_def = leaf_.max_def;
      values = 0;
      for (int64_t i = level; i < end; ++i) values += def[i] == max_def;
      AppendDefLevels(def + level, step, values == step);
    } else if (leaf_.max_def > 0) {
      AppendDefLevels(nullptr, step, true);  // LeafLevels::all_defined
    }
    if (has_rep) {
      const int16_t* rep = levels.rep.data();
      rows = 0;
      for (int64_t i = level; i < end; ++i) rows += rep[i] == 0;
      page_rep_.insert(page_rep_.end(), rep + level, rep + end);
    }
    switch (leaf_.physical) {
      case PhysicalType::kBoolean:
        AppendBools(levels, value, value + values);
        break;
      case PhysicalType::kInt32:
        AppendFixed<int32_t>(levels, value, value + values);
        break;
      case PhysicalType::kInt64:
        AppendFixed<int64_t>(levels, value, value + values);
        break;
      case PhysicalType::kDouble:
        AppendFixed<double>(levels, value, value + values);
        break;
      case PhysicalType::kByteArray:
        AppendStrings(levels, value, value + values);
        break;
      default:
        return Status::Internal("parquet: cannot write {}", PhysicalTypeName(leaf_.physical));
    }
    null_count_ += step - values;
    page_levels_ += step;
    page_values_ += values;
    page_rows_ += rows;
    level = end;
    value += values;
    if (dictionary_mode_) {
      const auto dictionary_bytes = static_cast<int64_t>(dictionary_plain_.size());
      bool fall_back = dictionary_bytes > options_.dictionary_page_size;
      if (!cardinality_checked_ && (dictionary_values_ >= kCardinalityCheckValues ||
                                    2 * dictionary_bytes >= options_.dictionary_page_size)) {
        cardinality_checked_ = true;
        fall_back |= dictionary_count_ * 100 > dictionary_values_ * kCardinalityPercent;
      }
      if (fall_back) RETURN_NOT_OK(FallBackToPlain());
    }
    if (PageEstimate() >= options_.page_size) RETURN_NOT_OK(FlushPage());
  }
  return Status::OK();
}

Status ColumnWriter::FallBackToPlain() {
  if (data_pages_dictionary_ > 0 || page_plain_equivalent_ > options_.page_size) {
    // Dictionary-encoded pages are out (or the open page would be too large as PLAIN): keep the
    // dictionary for them; the rest of the chunk is PLAIN.
    RETURN_NOT_OK(FlushPage());
    dictionary_mode_ = false;
    return Status::OK();
  }
  dictionary_mode_ = false;
  // Nothing dictionary-encoded is written yet: re-encode the open page as PLAIN and drop the
  // dictionary, so the chunk carries no dictionary page at all. The statistics already cover
  // every entry, and every entry occurs in this page.
  page_plain_.clear();
  char* out = page_plain_.Reserve(static_cast<size_t>(page_plain_equivalent_));
  const char* dictionary = dictionary_plain_.data();
  if (leaf_.physical == PhysicalType::kByteArray) {
    for (const uint32_t index : page_indices_) {
      const StringEntry& entry = strings_[index];
      std::memcpy(out, dictionary + entry.offset - 4, entry.length + 4);
      out += entry.length + 4;
    }
  } else {
    const auto width = static_cast<size_t>(value_width_);
    for (const uint32_t index : page_indices_) {
      std::memcpy(out, dictionary + index * width, width);
      out += width;
    }
  }
  page_plain_.Advance(static_cast<size_t>(page_plain_equivalent_));
  page_indices_.Release();
  page_plain_equivalent_ = 0;
  dictionary_plain_.Release();
  strings_ = {};
  table_ = {};
  dictionary_count_ = 0;
  return Status::OK();
}

int64_t ColumnWriter::PageEstimate() const {
  int64_t bytes =
      static_cast<int64_t>(page_plain_.size()) + static_cast<int64_t>(page_bools_.size()) / 8;
  if (!page_indices_.empty()) {
    bytes += static_cast<int64_t>(page_indices_.size()) * BitWidth(dictionary_count_) / 8;
  }
  if (leaf_.max_def > 0 || leaf_.max_rep > 0) bytes += page_levels_ / 4;
  return bytes;
}

int64_t ColumnWriter::buffered_bytes() const {
  return chunk_.size() + static_cast<int64_t>(dictionary_plain_.size()) + PageEstimate();
}

int64_t ColumnWriter::memory_bytes() const {
  size_t bytes = page_plain_.size() + page_indices_.size() * sizeof(uint32_t) +
                 (page_def_.size() + page_rep_.size()) * sizeof(int16_t) + page_bools_.size() +
                 dictionary_plain_.size() + strings_.size() * sizeof(StringEntry);
  if (dictionary_count_ > 0) bytes += table_.size() * sizeof(Slot);
  return chunk_.size() + static_cast<int64_t>(bytes);
}

Status ColumnWriter::AppendPage(const PageHeader& header, std::string_view first,
                                std::string_view second) {
  std::string& bytes = Scratch().header;
  bytes.clear();
  SerializePageHeader(header, &bytes);
  chunk_.Append(bytes);
  chunk_.Append(first);
  chunk_.Append(second);
  chunk_uncompressed_ += static_cast<int64_t>(bytes.size()) + header.uncompressed_page_size;
  return Status::OK();
}

Status ColumnWriter::FlushPage() {
  if (page_levels_ == 0) return Status::OK();
  PageScratch& scratch = Scratch();
  const bool dictionary = dictionary_mode_;
  const bool v2 = options_.data_page_version == 2;
  // Levels: v1 prefixes each with its 4-byte length, v2 gives the lengths in the header.
  ByteBuffer& levels = scratch.levels;
  levels.clear();
  auto encode_levels = [&](auto&& encode) {
    const size_t at = levels.size();
    if (!v2) levels.Append("\0\0\0\0", 4);
    encode();
    if (!v2) {
      const auto length = static_cast<uint32_t>(levels.size() - at - 4);
      std::memcpy(levels.data() + at, &length, 4);
    }
  };
  if (leaf_.max_rep > 0) {
    encode_levels([&] {
      EncodeLevels(page_rep_.data(), static_cast<int64_t>(page_rep_.size()),
                   BitWidth(static_cast<uint64_t>(leaf_.max_rep)), &levels);
    });
  }
  const size_t rep_bytes = levels.size();
  if (leaf_.max_def > 0) {
    const int width = BitWidth(static_cast<uint64_t>(leaf_.max_def));
    encode_levels([&] {
      if (page_def_all_max_) {
        EncodeRleRun(static_cast<uint32_t>(leaf_.max_def), page_levels_, width, &levels);
      } else {
        EncodeLevels(page_def_.data(), static_cast<int64_t>(page_def_.size()), width, &levels);
      }
    });
  }
  const size_t def_bytes = levels.size() - rep_bytes;
  // Values.
  std::string_view values;
  if (dictionary) {
    ByteBuffer& body = scratch.body;
    body.clear();
    const int width =
        BitWidth(static_cast<uint64_t>(dictionary_count_ > 0 ? dictionary_count_ - 1 : 0));
    body.Push(static_cast<char>(width));
    EncodeRleHybrid(page_indices_.data(), static_cast<int64_t>(page_indices_.size()), width, &body);
    values = body.view();
  } else if (leaf_.physical == PhysicalType::kBoolean) {
    ByteBuffer& body = scratch.body;
    body.clear();
    const size_t bytes = (page_bools_.size() + 7) / 8;
    char* out = body.Reserve(bytes);
    std::memset(out, 0, bytes);
    for (size_t i = 0; i < page_bools_.size(); ++i) {
      if (page_bools_[i]) out[i >> 3] = static_cast<char>(out[i >> 3] | (1 << (i & 7)));
    }
    body.Advance(bytes);
    values = body.view();
  } else {
    values = page_plain_.view();
  }
  PageHeader header;
  const Encoding encoding = dictionary ? Encoding::kRleDictionary : Encoding::kPlain;
  const bool compress = options_.codec != Codec::kUncompressed;
  ByteBuffer& compressed = scratch.compressed;
  if (!v2) {
    header.type = PageType::kDataPage;
    header.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
    DataPageHeader page;
    page.num_values = static_cast<int32_t>(page_levels_);
    page.encoding = encoding;
    header.data_page = page;
    if (compress) {
      std::string_view input = values;
      if (!levels.empty()) {  // one contiguous input: levels then values
        levels.Append(values);
        input = levels.view();
      }
      RETURN_NOT_OK(compressor_.Compress(input, &compressed));
      header.compressed_page_size = static_cast<int32_t>(compressed.size());
      RETURN_NOT_OK(AppendPage(header, compressed.view(), {}));
    } else {
      header.compressed_page_size = header.uncompressed_page_size;
      RETURN_NOT_OK(AppendPage(header, levels.view(), values));
    }
  } else {
    std::string_view body = values;
    if (compress) {
      RETURN_NOT_OK(compressor_.Compress(values, &compressed));
      body = compressed.view();
    }
    header.type = PageType::kDataPageV2;
    header.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
    header.compressed_page_size = static_cast<int32_t>(levels.size() + body.size());
    DataPageHeaderV2 page;
    page.num_values = static_cast<int32_t>(page_levels_);
    page.num_nulls = static_cast<int32_t>(page_levels_ - page_values_);
    page.num_rows = static_cast<int32_t>(page_rows_);
    page.encoding = encoding;
    page.definition_levels_byte_length = static_cast<int32_t>(def_bytes);
    page.repetition_levels_byte_length = static_cast<int32_t>(rep_bytes);
    page.is_compressed = compress;
    header.data_page_v2 = page;
    RETURN_NOT_OK(AppendPage(header, levels.view(), body));
  }
  (dictionary ? data_pages_dictionary_ : data_pages_plain_) += 1;
  if (dictionary) dictionary_used_ = true;
  chunk_levels_ += page_levels_;
  page_def_.clear();
  page_def_all_max_ = true;
  page_rep_.clear();
  page_plain_.clear();
  page_indices_.clear();
  page_bools_.clear();
  page_levels_ = page_values_ = page_rows_ = 0;
  page_plain_equivalent_ = 0;
  return Status::OK();
}

Statistics ColumnWriter::MakeStatistics() const {
  Statistics stats;
  stats.null_count = null_count_;
  if (!has_min_max_) return stats;
  std::string min;
  std::string max;
  switch (leaf_.physical) {
    case PhysicalType::kBoolean:
      min.push_back(static_cast<char>(min_int_));
      max.push_back(static_cast<char>(max_int_));
      break;
    case PhysicalType::kInt32:
      AppendRaw(&min, static_cast<int32_t>(min_int_));
      AppendRaw(&max, static_cast<int32_t>(max_int_));
      break;
    case PhysicalType::kInt64:
      AppendRaw(&min, min_int_);
      AppendRaw(&max, max_int_);
      break;
    case PhysicalType::kDouble:
      // The spec: a zero min is written -0.0, a zero max +0.0.
      AppendRaw(&min, min_double_ == 0 ? -0.0 : min_double_);
      AppendRaw(&max, max_double_ == 0 ? 0.0 : max_double_);
      break;
    case PhysicalType::kByteArray: {
      const auto limit = static_cast<size_t>(options_.max_statistics_size);
      min = min_string_;
      max = max_string_;
      if (min.size() > limit) {
        min.resize(limit);  // a prefix is still a lower bound
        stats.is_min_value_exact = false;
      }
      if (max.size() > limit) {
        // The shortest upper bound: a prefix with its last byte below 0xFF incremented.
        max.resize(limit);
        while (!max.empty() && static_cast<unsigned char>(max.back()) == 0xFF) max.pop_back();
        if (max.empty()) return stats;  // no short upper bound: write no min/max
        max.back() = static_cast<char>(static_cast<unsigned char>(max.back()) + 1);
        stats.is_max_value_exact = false;
      }
      break;
    }
    default:
      return stats;
  }
  stats.min_value = std::move(min);
  stats.max_value = std::move(max);
  return stats;
}

Status ColumnWriter::PrepareChunk() {
  if (prepared_) return Status::OK();
  RETURN_NOT_OK(FlushPage());
  if (dictionary_used_) {
    RETURN_NOT_OK(compressor_.Compress(dictionary_plain_.view(), &dictionary_compressed_));
  }
  prepared_ = true;
  return Status::OK();
}

Status ColumnWriter::FinishChunk(int64_t file_offset, const ChunkSink& sink, ColumnChunk* meta) {
  RETURN_NOT_OK(PrepareChunk());
  ColumnMetaData& m = meta->meta_data;
  m = ColumnMetaData();
  m.type = leaf_.physical;
  m.path_in_schema = leaf_.path_in_schema;
  m.codec = options_.codec;
  m.num_values = chunk_levels_;
  std::string dictionary_page;
  const ByteBuffer& compressed = dictionary_compressed_;
  int64_t uncompressed = chunk_uncompressed_;
  if (dictionary_used_) {
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.uncompressed_page_size = static_cast<int32_t>(dictionary_plain_.size());
    header.compressed_page_size = static_cast<int32_t>(compressed.size());
    DictionaryPageHeader dictionary;
    dictionary.num_values = static_cast<int32_t>(dictionary_count_);
    dictionary.encoding = Encoding::kPlain;
    header.dictionary_page = dictionary;
    SerializePageHeader(header, &dictionary_page);
    uncompressed += static_cast<int64_t>(dictionary_page.size() + dictionary_plain_.size());
    m.dictionary_page_offset = file_offset;
    m.encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  }
  if (data_pages_dictionary_ > 0) {
    m.encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kRleDictionary, data_pages_dictionary_});
  }
  if (data_pages_plain_ > 0) {
    m.encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, data_pages_plain_});
  }
  if (options_.data_page_version == 2) {
    for (auto& stat : m.encoding_stats) {
      if (stat.page_type == PageType::kDataPage) stat.page_type = PageType::kDataPageV2;
    }
  }
  // Encodings used in the chunk: PLAIN (dictionary page or plain data), RLE (levels),
  // RLE_DICTIONARY (indices).
  if (dictionary_used_ || data_pages_plain_ > 0) m.encodings.push_back(Encoding::kPlain);
  m.encodings.push_back(Encoding::kRle);
  if (dictionary_used_) m.encodings.push_back(Encoding::kRleDictionary);
  const int64_t dictionary_bytes =
      dictionary_used_ ? static_cast<int64_t>(dictionary_page.size() + compressed.size()) : 0;
  m.data_page_offset = file_offset + dictionary_bytes;
  m.total_compressed_size = dictionary_bytes + chunk_.size();
  m.total_uncompressed_size = uncompressed;
  m.statistics = MakeStatistics();
  meta->file_offset = file_offset;
  if (dictionary_used_) {
    RETURN_NOT_OK(sink(dictionary_page));
    RETURN_NOT_OK(sink(compressed.view()));
  }
  RETURN_NOT_OK(chunk_.WriteTo(sink));
  // Reset for the next row group, freeing the chunk's memory (a writer that flushed holds
  // next to nothing: the memory budget relies on it).
  chunk_.Release();
  dictionary_compressed_.Release();
  prepared_ = false;
  chunk_levels_ = 0;
  chunk_uncompressed_ = 0;
  data_pages_plain_ = data_pages_dictionary_ = 0;
  has_min_max_ = false;
  min_int_ = max_int_ = 0;
  min_double_ = max_double_ = 0;
  min_string_.clear();
  max_string_.clear();
  min_prefix_ = max_prefix_ = 0;
  null_count_ = 0;
  page_def_ = {};
  page_rep_ = {};
  page_plain_.Release();
  page_indices_.Release();
  page_bools_ = {};
  ResetDictionary();
  return Status::OK();
}

}  // namespace sluice::parquet
