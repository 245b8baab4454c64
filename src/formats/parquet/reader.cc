#include "formats/parquet/reader.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "columnar/buffer.h"
#include "formats/parquet/encodings.h"

namespace sluice::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr int64_t kMaxPageLevels = int64_t{1} << 25;
constexpr int64_t kMaxPageBytes = int64_t{1} << 28;

/// The decoded levels and values of one column chunk.
struct LeafData {
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
  int64_t num_levels = 0;
  // Values: fixed width (raw little-endian bytes) or byte arrays (offsets + data) or bools.
  int width = 0;
  std::string fixed;
  std::vector<int64_t> offsets{0};
  std::string data;
  int64_t num_values = 0;
};

/// A dictionary page, decoded.
struct Dictionary {
  int64_t count = 0;
  std::string fixed;
  std::vector<int64_t> offsets{0};
  std::string data;
};

int WidthOf(PhysicalType type) {
  switch (type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kBoolean:
      return 1;  // one byte per value once decoded
    default:
      return 0;
  }
}

/// PLAIN values: `count` values from [data, data + size) appended to `fixed` or offsets/data.
Status DecodePlain(PhysicalType type, const uint8_t* data, int64_t size, int64_t count,
                   std::string* fixed, std::vector<int64_t>* offsets, std::string* bytes) {
  switch (type) {
    case PhysicalType::kBoolean: {
      if ((count + 7) / 8 > size) return Status::Decode("parquet: boolean values past the page");
      for (int64_t i = 0; i < count; ++i) {
        fixed->push_back(static_cast<char>((data[i >> 3] >> (i & 7)) & 1));
      }
      return Status::OK();
    }
    case PhysicalType::kByteArray: {
      int64_t pos = 0;
      for (int64_t i = 0; i < count; ++i) {
        if (size - pos < 4) return Status::Decode("parquet: byte array length past the page");
        uint32_t length = 0;
        std::memcpy(&length, data + pos, 4);
        pos += 4;
        if (length > static_cast<uint64_t>(size - pos)) {
          return Status::Decode("parquet: byte array of {} bytes past the page", length);
        }
        bytes->append(reinterpret_cast<const char*>(data + pos), length);
        pos += length;
        offsets->push_back(static_cast<int64_t>(bytes->size()));
      }
      return Status::OK();
    }
    default: {
      const int width = WidthOf(type);
      if (width == 0) return Status::Decode("parquet: unsupported physical type");
      if (count > size / width) return Status::Decode("parquet: values past the page");
      fixed->append(reinterpret_cast<const char*>(data), static_cast<size_t>(count * width));
      return Status::OK();
    }
  }
}

Status DecodeLevels(const uint8_t* data, int64_t size, int16_t max_level, int64_t count,
                    std::vector<int16_t>* out, std::vector<uint32_t>* scratch) {
  scratch->resize(static_cast<size_t>(count));
  RleDecoder decoder(data, size, BitWidth(static_cast<uint64_t>(max_level)));
  RETURN_NOT_OK(decoder.Decode(scratch->data(), count, static_cast<uint32_t>(max_level)));
  for (int64_t i = 0; i < count; ++i) out->push_back(static_cast<int16_t>((*scratch)[i]));
  return Status::OK();
}

class ChunkDecoder {
 public:
  ChunkDecoder(const LeafColumn& leaf, const ColumnMetaData& meta, const std::string& file)
      : leaf_(leaf), meta_(meta), file_(file) {}

  Status Decode(LeafData* out) {
    out->width = WidthOf(leaf_.physical);
    const int64_t start = meta_.dictionary_page_offset.value_or(meta_.data_page_offset);
    const int64_t end = start + meta_.total_compressed_size;
    const auto* base = reinterpret_cast<const uint8_t*>(file_.data());
    int64_t pos = start;
    while (pos < end && out->num_levels < meta_.num_values) {
      int64_t header_size = 0;
      ASSIGN_OR_RETURN(PageHeader header, ParsePageHeader(base + pos, end - pos, &header_size));
      pos += header_size;
      if (header.compressed_page_size > end - pos) {
        return Status::Decode("parquet: page of {} bytes past the column chunk",
                              header.compressed_page_size);
      }
      if (header.uncompressed_page_size > kMaxPageBytes) {
        return Status::Decode("parquet: page of {} bytes", header.uncompressed_page_size);
      }
      std::string_view body(reinterpret_cast<const char*>(base + pos),
                            static_cast<size_t>(header.compressed_page_size));
      pos += header.compressed_page_size;
      switch (header.type) {
        case PageType::kDictionaryPage:
          RETURN_NOT_OK(ReadDictionary(header, body));
          break;
        case PageType::kDataPage:
          RETURN_NOT_OK(ReadDataPageV1(header, body, out));
          break;
        case PageType::kDataPageV2:
          RETURN_NOT_OK(ReadDataPageV2(header, body, out));
          break;
        default:
          break;  // index pages: skipped
      }
    }
    if (out->num_levels != meta_.num_values) {
      return Status::Decode("parquet: column '{}' has {} values, its metadata says {}",
                            leaf_.path_in_schema.back(), out->num_levels, meta_.num_values);
    }
    return Status::OK();
  }

 private:
  Status ReadDictionary(const PageHeader& header, std::string_view body) {
    if (!header.dictionary_page) return Status::Decode("parquet: dictionary page without header");
    const int64_t count = header.dictionary_page->num_values;
    if (count < 0) return Status::Decode("parquet: negative dictionary size");
    RETURN_NOT_OK(Decompress(meta_.codec, body, header.uncompressed_page_size, &page_));
    dictionary_ = Dictionary();
    dictionary_.count = count;
    has_dictionary_ = true;
    return DecodePlain(leaf_.physical, reinterpret_cast<const uint8_t*>(page_.data()),
                       static_cast<int64_t>(page_.size()), count, &dictionary_.fixed,
                       &dictionary_.offsets, &dictionary_.data);
  }

  Status CheckLevels(int64_t num_values) const {
    if (num_values < 0 || num_values > kMaxPageLevels) {
      return Status::Decode("parquet: page with {} values", num_values);
    }
    return Status::OK();
  }

  Status ReadDataPageV1(const PageHeader& header, std::string_view body, LeafData* out) {
    if (!header.data_page) return Status::Decode("parquet: data page without header");
    const int64_t count = header.data_page->num_values;
    RETURN_NOT_OK(CheckLevels(count));
    RETURN_NOT_OK(Decompress(meta_.codec, body, header.uncompressed_page_size, &page_));
    const auto* data = reinterpret_cast<const uint8_t*>(page_.data());
    int64_t size = static_cast<int64_t>(page_.size());
    int64_t pos = 0;
    auto read_levels = [&](int16_t max_level, std::vector<int16_t>* levels) -> Status {
      if (size - pos < 4) return Status::Decode("parquet: levels past the page");
      uint32_t length = 0;
      std::memcpy(&length, data + pos, 4);
      pos += 4;
      if (length > static_cast<uint64_t>(size - pos)) {
        return Status::Decode("parquet: levels past the page");
      }
      RETURN_NOT_OK(DecodeLevels(data + pos, length, max_level, count, levels, &scratch_));
      pos += length;
      return Status::OK();
    };
    if (leaf_.max_rep > 0) RETURN_NOT_OK(read_levels(leaf_.max_rep, &out->rep));
    if (leaf_.max_def > 0) RETURN_NOT_OK(read_levels(leaf_.max_def, &out->def));
    return ReadValues(header.data_page->encoding, count, data + pos, size - pos, out);
  }

  Status ReadDataPageV2(const PageHeader& header, std::string_view body, LeafData* out) {
    if (!header.data_page_v2) return Status::Decode("parquet: data page v2 without header");
    const auto& page = *header.data_page_v2;
    const int64_t count = page.num_values;
    RETURN_NOT_OK(CheckLevels(count));
    const int64_t rep_bytes = page.repetition_levels_byte_length;
    const int64_t def_bytes = page.definition_levels_byte_length;
    if (rep_bytes < 0 || def_bytes < 0 ||
        rep_bytes + def_bytes > static_cast<int64_t>(body.size()) ||
        rep_bytes + def_bytes > header.uncompressed_page_size) {
      return Status::Decode("parquet: level lengths past the page");
    }
    const auto* data = reinterpret_cast<const uint8_t*>(body.data());
    if (leaf_.max_rep > 0) {
      RETURN_NOT_OK(DecodeLevels(data, rep_bytes, leaf_.max_rep, count, &out->rep, &scratch_));
    }
    if (leaf_.max_def > 0) {
      RETURN_NOT_OK(
          DecodeLevels(data + rep_bytes, def_bytes, leaf_.max_def, count, &out->def, &scratch_));
    }
    std::string_view values = body.substr(static_cast<size_t>(rep_bytes + def_bytes));
    const int64_t values_size = header.uncompressed_page_size - rep_bytes - def_bytes;
    if (page.is_compressed && meta_.codec != Codec::kUncompressed) {
      RETURN_NOT_OK(Decompress(meta_.codec, values, values_size, &page_));
    } else {
      page_.assign(values);
    }
    return ReadValues(page.encoding, count, reinterpret_cast<const uint8_t*>(page_.data()),
                      static_cast<int64_t>(page_.size()), out);
  }

  Status ReadValues(Encoding encoding, int64_t levels, const uint8_t* data, int64_t size,
                    LeafData* out) {
    int64_t present = levels;
    if (leaf_.max_def > 0) {
      present = 0;
      const int16_t* def = out->def.data() + out->num_levels;
      for (int64_t i = 0; i < levels; ++i) present += def[i] == leaf_.max_def;
    }
    out->num_levels += levels;
    out->num_values += present;
    if (encoding == Encoding::kPlain) {
      return DecodePlain(leaf_.physical, data, size, present, &out->fixed, &out->offsets,
                         &out->data);
    }
    if (encoding != Encoding::kRleDictionary && encoding != Encoding::kPlainDictionary) {
      return Status::Decode("parquet: unsupported encoding {}", EncodingName(encoding));
    }
    if (!has_dictionary_)
      return Status::Decode("parquet: dictionary-encoded page without dictionary");
    if (present == 0) return Status::OK();
    if (size < 1) return Status::Decode("parquet: dictionary indices past the page");
    const int width = data[0];
    if (width > 32) return Status::Decode("parquet: bad dictionary index width {}", width);
    if (dictionary_.count == 0) return Status::Decode("parquet: index into an empty dictionary");
    scratch_.resize(static_cast<size_t>(present));
    RleDecoder decoder(data + 1, size - 1, width);
    RETURN_NOT_OK(
        decoder.Decode(scratch_.data(), present, static_cast<uint32_t>(dictionary_.count - 1)));
    if (leaf_.physical == PhysicalType::kByteArray) {
      for (int64_t i = 0; i < present; ++i) {
        const uint32_t index = scratch_[static_cast<size_t>(i)];
        const int64_t begin = dictionary_.offsets[index];
        const int64_t end = dictionary_.offsets[index + 1];
        out->data.append(dictionary_.data, static_cast<size_t>(begin),
                         static_cast<size_t>(end - begin));
        out->offsets.push_back(static_cast<int64_t>(out->data.size()));
      }
    } else {
      const int width_bytes = out->width;
      for (int64_t i = 0; i < present; ++i) {
        out->fixed.append(dictionary_.fixed,
                          static_cast<size_t>(scratch_[static_cast<size_t>(i)]) * width_bytes,
                          static_cast<size_t>(width_bytes));
      }
    }
    return Status::OK();
  }

  const LeafColumn& leaf_;
  const ColumnMetaData& meta_;
  const std::string& file_;
  std::string page_;
  std::vector<uint32_t> scratch_;
  Dictionary dictionary_;
  bool has_dictionary_ = false;
};

/// Level-index spans of one schema node's values, in one leaf's level arrays.
struct Spans {
  std::vector<int64_t> start;
  std::vector<int64_t> end;
};

class Assembler {
 public:
  Assembler(const ParquetSchema& schema, const std::vector<LeafData>& leaves, int64_t num_rows)
      : schema_(schema), leaves_(leaves), num_rows_(num_rows) {}

  Result<ColumnRef> Build(const SchemaNode& node) {
    ASSIGN_OR_RETURN(Spans spans, SpansFor(node));
    const LeafData& data = leaves_[static_cast<size_t>(node.first_leaf)];
    const auto n = static_cast<int64_t>(spans.start.size());
    auto def_at = [&](int64_t level) -> int16_t {
      return data.def.empty() ? 0 : data.def[static_cast<size_t>(level)];
    };
    BufferRef validity;
    int64_t nulls = 0;
    if (node.optional) {
      for (int64_t i = 0; i < n; ++i)
        nulls += def_at(spans.start[static_cast<size_t>(i)]) < node.def_level;
      if (nulls > 0) {
        BufferBuilder bits;
        bits.Resize(bit_util::BytesForBits(n));
        for (int64_t i = 0; i < n; ++i) {
          if (def_at(spans.start[static_cast<size_t>(i)]) >= node.def_level) {
            bit_util::SetBit(bits.mutable_data(), i);
          }
        }
        validity = bits.Finish();
      }
    }
    switch (node.kind) {
      case SchemaNode::Kind::kStruct: {
        std::vector<ColumnRef> children;
        for (const auto& child : node.children) {
          ASSIGN_OR_RETURN(ColumnRef column, Build(*child));
          if (column->length() != n) return Status::Decode("parquet: struct fields disagree");
          children.push_back(std::move(column));
        }
        return Column::Make(node.type, n, {validity}, std::move(children), nulls);
      }
      case SchemaNode::Kind::kList: {
        BufferBuilder offsets;
        offsets.Reserve((n + 1) * 4);
        int64_t total = 0;
        offsets.AppendValue(int32_t{0});
        for (int64_t i = 0; i < n; ++i) {
          const int64_t s = spans.start[static_cast<size_t>(i)];
          const int64_t e = spans.end[static_cast<size_t>(i)];
          if (def_at(s) >= node.element_def_level) {
            ++total;
            for (int64_t j = s + 1; j < e; ++j) {
              total += data.rep[static_cast<size_t>(j)] == node.element_rep_level;
            }
          }
          if (total > INT32_MAX) return Status::Decode("parquet: list too long");
          offsets.AppendValue(static_cast<int32_t>(total));
        }
        ASSIGN_OR_RETURN(ColumnRef values, Build(*node.children[0]));
        if (values->length() != total) return Status::Decode("parquet: list levels disagree");
        return Column::Make(node.type, n, {validity, offsets.Finish()}, {values}, nulls);
      }
      case SchemaNode::Kind::kPrimitive:
        return BuildLeaf(node, spans, validity, nulls);
    }
    return Status::Internal("parquet: unknown node");
  }

 private:
  Result<Spans> SpansFor(const SchemaNode& node) {
    const LeafColumn& leaf = schema_.leaves()[static_cast<size_t>(node.first_leaf)];
    const LeafData& data = leaves_[static_cast<size_t>(node.first_leaf)];
    Spans spans;
    const int64_t levels = data.num_levels;
    if (data.rep.empty()) {
      spans.start.resize(static_cast<size_t>(levels));
      spans.end.resize(static_cast<size_t>(levels));
      for (int64_t j = 0; j < levels; ++j) {
        spans.start[static_cast<size_t>(j)] = j;
        spans.end[static_cast<size_t>(j)] = j + 1;
      }
    } else {
      for (int64_t j = 0; j < levels; ++j) {
        if (data.rep[static_cast<size_t>(j)] == 0) {
          if (!spans.start.empty()) spans.end.push_back(j);
          spans.start.push_back(j);
        } else if (j == 0) {
          return Status::Decode("parquet: first repetition level is not 0");
        }
      }
      if (!spans.start.empty()) spans.end.push_back(levels);
    }
    if (static_cast<int64_t>(spans.start.size()) != num_rows_) {
      return Status::Decode("parquet: column '{}' has {} rows, the row group {}",
                            leaf.path_in_schema.front(), spans.start.size(), num_rows_);
    }
    for (const SchemaNode* ancestor : leaf.path) {
      if (ancestor == &node) break;
      if (ancestor->kind != SchemaNode::Kind::kList) continue;
      Spans inner;
      for (size_t i = 0; i < spans.start.size(); ++i) {
        const int64_t s = spans.start[i];
        const int64_t e = spans.end[i];
        const int16_t def = data.def.empty() ? 0 : data.def[static_cast<size_t>(s)];
        if (def < ancestor->element_def_level) continue;
        inner.start.push_back(s);
        for (int64_t j = s + 1; j < e; ++j) {
          if (data.rep[static_cast<size_t>(j)] == ancestor->element_rep_level) {
            inner.end.push_back(j);
            inner.start.push_back(j);
          }
        }
        inner.end.push_back(e);
      }
      spans = std::move(inner);
    }
    return spans;
  }

  Result<ColumnRef> BuildLeaf(const SchemaNode& node, const Spans& spans, BufferRef validity,
                              int64_t nulls) {
    const LeafColumn& leaf = schema_.leaves()[static_cast<size_t>(node.leaf_index)];
    const LeafData& data = leaves_[static_cast<size_t>(node.leaf_index)];
    const auto n = static_cast<int64_t>(spans.start.size());
    auto present = [&](int64_t level) {
      return data.def.empty() || data.def[static_cast<size_t>(level)] == leaf.max_def;
    };
    int64_t value = 0;
    auto next_value = [&]() -> Result<int64_t> {
      if (value >= data.num_values) return Status::Decode("parquet: fewer values than levels");
      return value++;
    };
    const TypeId id = node.type->id();
    if (id == TypeId::kString) {
      BufferBuilder offsets;
      BufferBuilder bytes;
      offsets.Reserve((n + 1) * 4);
      offsets.AppendValue(int32_t{0});
      for (int64_t i = 0; i < n; ++i) {
        if (present(spans.start[static_cast<size_t>(i)])) {
          ASSIGN_OR_RETURN(int64_t k, next_value());
          const int64_t begin = data.offsets[static_cast<size_t>(k)];
          const int64_t end = data.offsets[static_cast<size_t>(k) + 1];
          bytes.Append(data.data.data() + begin, end - begin);
          if (bytes.size() > INT32_MAX) return Status::Decode("parquet: strings too long");
        }
        offsets.AppendValue(static_cast<int32_t>(bytes.size()));
      }
      return Column::Make(node.type, n, {validity, offsets.Finish(), bytes.Finish()}, {}, nulls);
    }
    if (id == TypeId::kBoolean) {
      BufferBuilder bits;
      bits.Resize(bit_util::BytesForBits(n));
      for (int64_t i = 0; i < n; ++i) {
        if (present(spans.start[static_cast<size_t>(i)])) {
          ASSIGN_OR_RETURN(int64_t k, next_value());
          if (data.fixed[static_cast<size_t>(k)] != 0) bit_util::SetBit(bits.mutable_data(), i);
        }
      }
      return Column::Make(node.type, n, {validity, bits.Finish()}, {}, nulls);
    }
    const int width = node.type->byte_width();
    if (width != data.width) return Status::Decode("parquet: physical type mismatch");
    BufferBuilder values;
    values.Resize(n * width);
    for (int64_t i = 0; i < n; ++i) {
      if (present(spans.start[static_cast<size_t>(i)])) {
        ASSIGN_OR_RETURN(int64_t k, next_value());
        std::memcpy(values.mutable_data() + i * width, data.fixed.data() + k * width,
                    static_cast<size_t>(width));
      }
    }
    return Column::Make(node.type, n, {validity, values.Finish()}, {}, nulls);
  }

  const ParquetSchema& schema_;
  const std::vector<LeafData>& leaves_;
  int64_t num_rows_;
};

}  // namespace

Result<std::unique_ptr<ParquetFileReader>> ParquetFileReader::Open(std::string file) {
  std::unique_ptr<ParquetFileReader> reader(new ParquetFileReader());
  reader->file_ = std::move(file);
  RETURN_NOT_OK(reader->Validate());
  return reader;
}

Result<std::unique_ptr<ParquetFileReader>> ParquetFileReader::OpenPath(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read '{}': {}", path, std::strerror(errno));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto reader = Open(bytes.str());
  if (!reader.ok()) return reader.status().WithContext(path);
  return reader;
}

Status ParquetFileReader::Validate() {
  const auto size = static_cast<int64_t>(file_.size());
  if (size < 12) return Status::Decode("not a Parquet file: {} bytes", size);
  if (std::string_view(file_).substr(0, 4) != kMagic ||
      std::string_view(file_).substr(static_cast<size_t>(size - 4)) != kMagic) {
    return Status::Decode("not a Parquet file: no PAR1 magic at both ends");
  }
  uint32_t footer_length = 0;
  std::memcpy(&footer_length, file_.data() + size - 8, 4);
  if (footer_length > static_cast<uint64_t>(size - 12)) {
    return Status::Decode("parquet: footer of {} bytes in a file of {}", footer_length, size);
  }
  const int64_t footer_start = size - 8 - footer_length;
  ASSIGN_OR_RETURN(metadata_,
                   ParseFileMetaData(reinterpret_cast<const uint8_t*>(file_.data()) + footer_start,
                                     footer_length));
  ASSIGN_OR_RETURN(schema_, ParquetSchema::FromElements(metadata_.schema));
  int64_t rows = 0;
  for (const auto& group : metadata_.row_groups) {
    if (group.columns.size() != schema_->leaves().size()) {
      return Status::Decode("parquet: row group has {} columns, the schema {}",
                            group.columns.size(), schema_->leaves().size());
    }
    rows += group.num_rows;
    for (size_t column = 0; column < group.columns.size(); ++column) {
      const ColumnMetaData& meta = group.columns[column].meta_data;
      const LeafColumn& leaf = schema_->leaves()[column];
      const bool same_type =
          meta.type == leaf.physical || (meta.type == PhysicalType::kFloat && false);
      if (!same_type) {
        return Status::Decode("parquet: column {} is {} in its chunk, {} in the schema", column,
                              PhysicalTypeName(meta.type), PhysicalTypeName(leaf.physical));
      }
      const int64_t start = meta.dictionary_page_offset.value_or(meta.data_page_offset);
      if (start < 4 || meta.total_compressed_size < 0 || meta.num_values < 0 ||
          start > footer_start || meta.total_compressed_size > footer_start - start) {
        return Status::Decode("parquet: column chunk {} lies outside the data of the file", column);
      }
    }
  }
  if (rows != metadata_.num_rows) {
    return Status::Decode("parquet: row groups hold {} rows, the footer says {}", rows,
                          metadata_.num_rows);
  }
  return Status::OK();
}

Result<Batch> ParquetFileReader::ReadRowGroup(int index) const {
  if (index < 0 || index >= num_row_groups()) {
    return Status::OutOfRange("parquet: no row group {}", index);
  }
  const RowGroup& group = metadata_.row_groups[static_cast<size_t>(index)];
  std::vector<LeafData> leaves(schema_->leaves().size());
  for (size_t column = 0; column < leaves.size(); ++column) {
    ChunkDecoder decoder(schema_->leaves()[column], group.columns[column].meta_data, file_);
    RETURN_NOT_OK(decoder.Decode(&leaves[column]));
  }
  Assembler assembler(*schema_, leaves, group.num_rows);
  std::vector<ColumnRef> columns;
  for (const auto& field : schema_->fields()) {
    ASSIGN_OR_RETURN(ColumnRef column, assembler.Build(*field));
    columns.push_back(std::move(column));
  }
  return Batch::Make(schema_->schema(), std::move(columns), group.num_rows);
}

Result<Batch> ParquetFileReader::ReadAll() const {
  std::vector<Batch> batches;
  for (int group = 0; group < num_row_groups(); ++group) {
    ASSIGN_OR_RETURN(Batch batch, ReadRowGroup(group));
    batches.push_back(std::move(batch));
  }
  if (batches.empty()) return Batch::Empty(schema_->schema());
  if (batches.size() == 1) return batches[0];
  return Batch::Concatenate(batches);
}

}  // namespace sluice::parquet
