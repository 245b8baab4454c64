#include "formats/parquet/column_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

namespace sluice::parquet {

namespace {

constexpr int64_t kLevelsPerStep = 4096;  // page-size checks happen at this granularity

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
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

void PutLength(std::string* out, size_t at, size_t length) {
  const auto value = static_cast<uint32_t>(length);
  std::memcpy(out->data() + at, &value, 4);
}

}  // namespace

ColumnWriter::ColumnWriter(const LeafColumn& leaf, const WriterOptions& options)
    : leaf_(leaf), options_(options), compressor_(options.codec, options.compression_level) {
  ResetDictionary();
}

void ColumnWriter::ResetDictionary() {
  dictionary_mode_ = options_.dictionary && leaf_.physical != PhysicalType::kBoolean;
  dictionary_used_ = false;
  dictionary_plain_.clear();
  dictionary_keys_.clear();
  dictionary_offsets_.clear();
  table_.assign(1024, -1);
  dictionary_count_ = 0;
}

void ColumnWriter::GrowTable() {
  std::vector<int32_t> table(table_.size() * 2, -1);
  const size_t mask = table.size() - 1;
  for (int64_t entry = 0; entry < dictionary_count_; ++entry) {
    uint64_t hash = 0;
    if (leaf_.physical == PhysicalType::kByteArray) {
      const uint32_t offset = dictionary_offsets_[static_cast<size_t>(entry)];
      uint32_t length = 0;
      std::memcpy(&length, dictionary_plain_.data() + offset, 4);
      hash = std::hash<std::string_view>{}(
          std::string_view(dictionary_plain_.data() + offset + 4, length));
    } else {
      hash = Mix(dictionary_keys_[static_cast<size_t>(entry)]);
    }
    size_t slot = hash & mask;
    while (table[slot] >= 0) slot = (slot + 1) & mask;
    table[slot] = static_cast<int32_t>(entry);
  }
  table_ = std::move(table);
}

template <typename T>
void ColumnWriter::AppendFixed(const LeafLevels& levels, int64_t value_begin, int64_t value_end) {
  const T* data = levels.leaf->Values<T>();
  const int64_t* positions = levels.identity ? nullptr : levels.positions.data();
  auto value_at = [&](int64_t k) { return data[positions ? positions[k] : k]; };
  if (dictionary_mode_) {
    page_indices_.reserve(page_indices_.size() + static_cast<size_t>(value_end - value_begin));
    for (int64_t k = value_begin; k < value_end; ++k) {
      const T value = value_at(k);
      const uint64_t key = BitsOf(value);
      size_t mask = table_.size() - 1;
      size_t slot = Mix(key) & mask;
      int32_t entry;
      while ((entry = table_[slot]) >= 0 && dictionary_keys_[static_cast<size_t>(entry)] != key) {
        slot = (slot + 1) & mask;
      }
      if (entry < 0) {
        entry = static_cast<int32_t>(dictionary_count_++);
        table_[slot] = entry;
        dictionary_keys_.push_back(key);
        AppendRaw(&dictionary_plain_, value);
        if constexpr (std::is_same_v<T, double>) {
          if (!std::isnan(value)) {
            if (!has_min_max_ || value < min_double_ ||
                (value == 0 && min_double_ == 0 && std::signbit(value))) {
              min_double_ = value;
            }
            if (!has_min_max_ || value > max_double_ ||
                (value == 0 && max_double_ == 0 && !std::signbit(value))) {
              max_double_ = value;
            }
            has_min_max_ = true;
          }
        } else {
          if (!has_min_max_ || value < min_int_) min_int_ = value;
          if (!has_min_max_ || value > max_int_) max_int_ = value;
          has_min_max_ = true;
        }
        if (static_cast<size_t>(dictionary_count_) * 2 > table_.size()) GrowTable();
      }
      page_indices_.push_back(static_cast<uint32_t>(entry));
    }
    return;
  }
  const size_t start = page_plain_.size();
  page_plain_.resize(start + static_cast<size_t>(value_end - value_begin) * sizeof(T));
  char* out = page_plain_.data() + start;
  if (positions == nullptr) {
    std::memcpy(out, data + value_begin, static_cast<size_t>(value_end - value_begin) * sizeof(T));
  } else {
    for (int64_t k = value_begin; k < value_end; ++k) {
      std::memcpy(out, &data[positions[k]], sizeof(T));
      out += sizeof(T);
    }
  }
  for (int64_t k = value_begin; k < value_end; ++k) {
    const T value = value_at(k);
    if constexpr (std::is_same_v<T, double>) {
      if (std::isnan(value)) continue;
      if (!has_min_max_ || value < min_double_ ||
          (value == 0 && min_double_ == 0 && std::signbit(value))) {
        min_double_ = value;
      }
      if (!has_min_max_ || value > max_double_ ||
          (value == 0 && max_double_ == 0 && !std::signbit(value))) {
        max_double_ = value;
      }
      has_min_max_ = true;
    } else {
      if (!has_min_max_ || value < min_int_) min_int_ = value;
      if (!has_min_max_ || value > max_int_) max_int_ = value;
      has_min_max_ = true;
    }
  }
}

void ColumnWriter::UpdateStringStats(std::string_view value) {
  if (!has_min_max_) {
    min_string_.assign(value);
    max_string_.assign(value);
    has_min_max_ = true;
    return;
  }
  // std::string_view compares with char_traits<char>, i.e. memcmp: unsigned bytes, the order
  // the spec defines for UTF-8 byte arrays.
  if (value < std::string_view(min_string_)) min_string_.assign(value);
  if (value > std::string_view(max_string_)) max_string_.assign(value);
}

void ColumnWriter::AppendStrings(const LeafLevels& levels, int64_t value_begin, int64_t value_end) {
  const Column& column = *levels.leaf;
  const int64_t* positions = levels.identity ? nullptr : levels.positions.data();
  if (dictionary_mode_) {
    page_indices_.reserve(page_indices_.size() + static_cast<size_t>(value_end - value_begin));
    for (int64_t k = value_begin; k < value_end; ++k) {
      const std::string_view value = column.StringValue(positions ? positions[k] : k);
      const uint64_t hash = std::hash<std::string_view>{}(value);
      const size_t mask = table_.size() - 1;
      size_t slot = hash & mask;
      int32_t entry;
      while ((entry = table_[slot]) >= 0) {
        const uint32_t offset = dictionary_offsets_[static_cast<size_t>(entry)];
        uint32_t length = 0;
        std::memcpy(&length, dictionary_plain_.data() + offset, 4);
        if (length == value.size() &&
            std::memcmp(dictionary_plain_.data() + offset + 4, value.data(), length) == 0) {
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (entry < 0) {
        entry = static_cast<int32_t>(dictionary_count_++);
        table_[slot] = entry;
        dictionary_offsets_.push_back(static_cast<uint32_t>(dictionary_plain_.size()));
        AppendRaw(&dictionary_plain_, static_cast<uint32_t>(value.size()));
        dictionary_plain_.append(value);
        UpdateStringStats(value);
        if (static_cast<size_t>(dictionary_count_) * 2 > table_.size()) GrowTable();
      }
      page_indices_.push_back(static_cast<uint32_t>(entry));
    }
    return;
  }
  for (int64_t k = value_begin; k < value_end; ++k) {
    const std::string_view value = column.StringValue(positions ? positions[k] : k);
    AppendRaw(&page_plain_, static_cast<uint32_t>(value.size()));
    page_plain_.append(value);
    UpdateStringStats(value);
  }
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
    int64_t values = end - level;
    int64_t rows = end - level;
    if (has_def) {
      const int16_t* def = levels.def.data();
      values = 0;
      for (int64_t i = level; i < end; ++i) values += def[i] == leaf_.max_def;
      page_def_.insert(page_def_.end(), def + level, def + end);
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
    null_count_ += (end - level) - values;
    page_levels_ += end - level;
    page_values_ += values;
    page_rows_ += rows;
    level = end;
    value += values;
    if (dictionary_mode_ &&
        static_cast<int64_t>(dictionary_plain_.size()) > options_.dictionary_page_size) {
      RETURN_NOT_OK(FlushPage());
      dictionary_mode_ = false;  // fallback: the rest of the chunk is PLAIN
    } else if (PageEstimate() >= options_.page_size) {
      RETURN_NOT_OK(FlushPage());
    }
  }
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
  return static_cast<int64_t>(chunk_.size() + dictionary_plain_.size()) + PageEstimate();
}

Status ColumnWriter::WritePage(const PageHeader& header, std::string_view body) {
  header_.clear();
  SerializePageHeader(header, &header_);
  chunk_.append(header_);
  chunk_.append(body);
  chunk_uncompressed_ += static_cast<int64_t>(header_.size()) + header.uncompressed_page_size;
  return Status::OK();
}

Status ColumnWriter::FlushPage() {
  if (page_levels_ == 0) return Status::OK();
  const bool dictionary = dictionary_mode_;
  // Levels.
  std::string levels;
  auto encode_levels = [&](const std::vector<int16_t>& values, int16_t max_level, bool prefix) {
    const size_t at = levels.size();
    if (prefix) levels.append(4, '\0');
    EncodeLevels(values.data(), static_cast<int64_t>(values.size()), BitWidth(max_level), &levels);
    if (prefix) PutLength(&levels, at, levels.size() - at - 4);
  };
  const bool v2 = options_.data_page_version == 2;
  size_t rep_bytes = 0;
  if (leaf_.max_rep > 0) encode_levels(page_rep_, leaf_.max_rep, !v2);
  rep_bytes = levels.size();
  if (leaf_.max_def > 0) encode_levels(page_def_, leaf_.max_def, !v2);
  const size_t def_bytes = levels.size() - rep_bytes;
  // Values.
  std::string& values = body_;
  values.clear();
  if (dictionary) {
    const int width = BitWidth(dictionary_count_ > 0 ? dictionary_count_ - 1 : 0);
    values.push_back(static_cast<char>(width));
    EncodeRleHybrid(page_indices_.data(), static_cast<int64_t>(page_indices_.size()), width,
                    &values);
  } else if (leaf_.physical == PhysicalType::kBoolean) {
    values.resize((page_bools_.size() + 7) / 8);
    for (size_t i = 0; i < page_bools_.size(); ++i) {
      if (page_bools_[i]) values[i >> 3] = static_cast<char>(values[i >> 3] | (1 << (i & 7)));
    }
  } else {
    values.swap(page_plain_);
  }
  PageHeader header;
  const Encoding encoding = dictionary ? Encoding::kRleDictionary : Encoding::kPlain;
  if (!v2) {
    levels.append(values);
    RETURN_NOT_OK(compressor_.Compress(levels, &compressed_));
    header.type = PageType::kDataPage;
    header.uncompressed_page_size = static_cast<int32_t>(levels.size());
    header.compressed_page_size = static_cast<int32_t>(compressed_.size());
    DataPageHeader page;
    page.num_values = static_cast<int32_t>(page_levels_);
    page.encoding = encoding;
    header.data_page = page;
    RETURN_NOT_OK(WritePage(header, compressed_));
  } else {
    const bool compress = options_.codec != Codec::kUncompressed;
    if (compress) {
      RETURN_NOT_OK(compressor_.Compress(values, &compressed_));
    } else {
      compressed_ = values;
    }
    header.type = PageType::kDataPageV2;
    header.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
    header.compressed_page_size = static_cast<int32_t>(levels.size() + compressed_.size());
    DataPageHeaderV2 page;
    page.num_values = static_cast<int32_t>(page_levels_);
    page.num_nulls = static_cast<int32_t>(page_levels_ - page_values_);
    page.num_rows = static_cast<int32_t>(page_rows_);
    page.encoding = encoding;
    page.definition_levels_byte_length = static_cast<int32_t>(def_bytes);
    page.repetition_levels_byte_length = static_cast<int32_t>(rep_bytes);
    page.is_compressed = compress;
    header.data_page_v2 = page;
    levels.append(compressed_);
    RETURN_NOT_OK(WritePage(header, levels));
  }
  (dictionary ? data_pages_dictionary_ : data_pages_plain_) += 1;
  if (dictionary) dictionary_used_ = true;
  chunk_levels_ += page_levels_;
  page_def_.clear();
  page_rep_.clear();
  page_plain_.clear();
  page_indices_.clear();
  page_bools_.clear();
  page_levels_ = page_values_ = page_rows_ = 0;
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

Status ColumnWriter::FinishChunk(int64_t file_offset, ChunkBytes* bytes, ColumnChunk* meta) {
  RETURN_NOT_OK(FlushPage());
  ColumnMetaData& m = meta->meta_data;
  m = ColumnMetaData();
  m.type = leaf_.physical;
  m.path_in_schema = leaf_.path_in_schema;
  m.codec = options_.codec;
  m.num_values = chunk_levels_;
  bytes->dictionary_page.clear();
  int64_t uncompressed = chunk_uncompressed_;
  if (dictionary_used_) {
    RETURN_NOT_OK(compressor_.Compress(dictionary_plain_, &compressed_));
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.uncompressed_page_size = static_cast<int32_t>(dictionary_plain_.size());
    header.compressed_page_size = static_cast<int32_t>(compressed_.size());
    DictionaryPageHeader dictionary;
    dictionary.num_values = static_cast<int32_t>(dictionary_count_);
    dictionary.encoding = Encoding::kPlain;
    header.dictionary_page = dictionary;
    SerializePageHeader(header, &bytes->dictionary_page);
    uncompressed += static_cast<int64_t>(bytes->dictionary_page.size() + dictionary_plain_.size());
    bytes->dictionary_page.append(compressed_);
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
  bytes->data_pages.swap(chunk_);
  m.data_page_offset = file_offset + static_cast<int64_t>(bytes->dictionary_page.size());
  m.total_compressed_size =
      static_cast<int64_t>(bytes->dictionary_page.size() + bytes->data_pages.size());
  m.total_uncompressed_size = uncompressed;
  m.statistics = MakeStatistics();
  meta->file_offset = file_offset;
  // Reset for the next row group.
  chunk_.clear();
  chunk_levels_ = 0;
  chunk_uncompressed_ = 0;
  data_pages_plain_ = data_pages_dictionary_ = 0;
  has_min_max_ = false;
  min_int_ = max_int_ = 0;
  min_double_ = max_double_ = 0;
  min_string_.clear();
  max_string_.clear();
  null_count_ = 0;
  ResetDictionary();
  return Status::OK();
}

}  // namespace sluice::parquet
