// Compact-protocol encoders and decoders of the parquet.thrift structures in metadata.h.
// Field ids follow parquet-format's parquet.thrift.
#include <string_view>

#include "formats/parquet/metadata.h"
#include "formats/parquet/thrift_compact.h"

namespace sluice::parquet {

namespace {

// ---------------------------------------------------------------- encoding

void WriteStatistics(CompactWriter& w, const Statistics& stats) {
  if (stats.null_count) w.FieldI64(3, *stats.null_count);
  if (stats.max_value) w.FieldBinary(5, *stats.max_value);
  if (stats.min_value) w.FieldBinary(6, *stats.min_value);
  if (stats.is_max_value_exact) w.FieldBool(7, *stats.is_max_value_exact);
  if (stats.is_min_value_exact) w.FieldBool(8, *stats.is_min_value_exact);
}

void WriteLogicalType(CompactWriter& w, const LogicalType& type) {
  w.FieldStructBegin(10);  // SchemaElement.logicalType (a union)
  w.FieldStructBegin(type.kind);
  if (type.kind == LogicalType::kTimestamp) {
    w.FieldBool(1, type.is_adjusted_to_utc);
    w.FieldStructBegin(2);  // TimeUnit union
    w.FieldStructBegin(type.time_unit);
    w.EndStruct();
    w.EndStruct();
  } else if (type.kind == LogicalType::kInteger) {
    w.FieldI8(1, type.bit_width);
    w.FieldBool(2, type.is_signed);
  }
  w.EndStruct();
  w.EndStruct();
}

void WriteSchemaElement(CompactWriter& w, const SchemaElement& element) {
  w.ElementStructBegin();
  if (element.type) w.FieldI32(1, static_cast<int32_t>(*element.type));
  if (element.repetition) w.FieldI32(3, static_cast<int32_t>(*element.repetition));
  w.FieldBinary(4, element.name);
  if (element.num_children > 0) w.FieldI32(5, element.num_children);
  if (element.converted_type) w.FieldI32(6, static_cast<int32_t>(*element.converted_type));
  if (element.logical_type.kind != LogicalType::kNone) WriteLogicalType(w, element.logical_type);
  w.EndStruct();
}

void WriteColumnMetaData(CompactWriter& w, const ColumnMetaData& meta) {
  w.FieldI32(1, static_cast<int32_t>(meta.type));
  w.FieldListBegin(2, ThriftType::kI32, static_cast<int64_t>(meta.encodings.size()));
  for (Encoding encoding : meta.encodings) w.ElementI32(static_cast<int32_t>(encoding));
  w.FieldListBegin(3, ThriftType::kBinary, static_cast<int64_t>(meta.path_in_schema.size()));
  for (const auto& part : meta.path_in_schema) w.ElementBinary(part);
  w.FieldI32(4, static_cast<int32_t>(meta.codec));
  w.FieldI64(5, meta.num_values);
  w.FieldI64(6, meta.total_uncompressed_size);
  w.FieldI64(7, meta.total_compressed_size);
  w.FieldI64(9, meta.data_page_offset);
  if (meta.dictionary_page_offset) w.FieldI64(11, *meta.dictionary_page_offset);
  if (!meta.statistics.empty()) {
    w.FieldStructBegin(12);
    WriteStatistics(w, meta.statistics);
    w.EndStruct();
  }
  if (!meta.encoding_stats.empty()) {
    w.FieldListBegin(13, ThriftType::kStruct, static_cast<int64_t>(meta.encoding_stats.size()));
    for (const auto& stat : meta.encoding_stats) {
      w.ElementStructBegin();
      w.FieldI32(1, static_cast<int32_t>(stat.page_type));
      w.FieldI32(2, static_cast<int32_t>(stat.encoding));
      w.FieldI32(3, stat.count);
      w.EndStruct();
    }
  }
}

}  // namespace

void SerializeFileMetaData(const FileMetaData& metadata, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, metadata.version);
  w.FieldListBegin(2, ThriftType::kStruct, static_cast<int64_t>(metadata.schema.size()));
  for (const auto& element : metadata.schema) WriteSchemaElement(w, element);
  w.FieldI64(3, metadata.num_rows);
  w.FieldListBegin(4, ThriftType::kStruct, static_cast<int64_t>(metadata.row_groups.size()));
  for (const auto& group : metadata.row_groups) {
    w.ElementStructBegin();
    w.FieldListBegin(1, ThriftType::kStruct, static_cast<int64_t>(group.columns.size()));
    for (const auto& chunk : group.columns) {
      w.ElementStructBegin();
      w.FieldI64(2, chunk.file_offset);
      w.FieldStructBegin(3);
      WriteColumnMetaData(w, chunk.meta_data);
      w.EndStruct();
      w.EndStruct();
    }
    w.FieldI64(2, group.total_byte_size);
    w.FieldI64(3, group.num_rows);
    if (group.file_offset) w.FieldI64(5, *group.file_offset);
    if (group.total_compressed_size) w.FieldI64(6, *group.total_compressed_size);
    if (group.ordinal) w.FieldI16(7, *group.ordinal);
    w.EndStruct();
  }
  if (!metadata.key_value_metadata.empty()) {
    w.FieldListBegin(5, ThriftType::kStruct,
                     static_cast<int64_t>(metadata.key_value_metadata.size()));
    for (const auto& kv : metadata.key_value_metadata) {
      w.ElementStructBegin();
      w.FieldBinary(1, kv.key);
      if (kv.value) w.FieldBinary(2, *kv.value);
      w.EndStruct();
    }
  }
  if (metadata.created_by) w.FieldBinary(6, *metadata.created_by);
  if (metadata.num_column_orders > 0) {
    w.FieldListBegin(7, ThriftType::kStruct, metadata.num_column_orders);
    for (int32_t i = 0; i < metadata.num_column_orders; ++i) {
      w.ElementStructBegin();
      w.FieldStructBegin(1);  // TYPE_ORDER: TypeDefinedOrder {}
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
}

void SerializePageHeader(const PageHeader& header, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, static_cast<int32_t>(header.type));
  w.FieldI32(2, header.uncompressed_page_size);
  w.FieldI32(3, header.compressed_page_size);
  if (header.data_page) {
    const auto& page = *header.data_page;
    w.FieldStructBegin(5);
    w.FieldI32(1, page.num_values);
    w.FieldI32(2, static_cast<int32_t>(page.encoding));
    w.FieldI32(3, static_cast<int32_t>(page.definition_level_encoding));
    w.FieldI32(4, static_cast<int32_t>(page.repetition_level_encoding));
    w.EndStruct();
  }
  if (header.dictionary_page) {
    w.FieldStructBegin(7);
    w.FieldI32(1, header.dictionary_page->num_values);
    w.FieldI32(2, static_cast<int32_t>(header.dictionary_page->encoding));
    w.EndStruct();
  }
  if (header.data_page_v2) {
    const auto& page = *header.data_page_v2;
    w.FieldStructBegin(8);
    w.FieldI32(1, page.num_values);
    w.FieldI32(2, page.num_nulls);
    w.FieldI32(3, page.num_rows);
    w.FieldI32(4, static_cast<int32_t>(page.encoding));
    w.FieldI32(5, page.definition_levels_byte_length);
    w.FieldI32(6, page.repetition_levels_byte_length);
    w.FieldBool(7, page.is_compressed);
    w.EndStruct();
  }
  w.EndStruct();
}

// ---------------------------------------------------------------- decoding

namespace {

/// Calls `on_field(id, type)` for every field of a struct; `on_field` must consume the value
/// (or call r.Skip). Missing fields are the caller's to check.
template <typename OnField>
Status ReadStruct(CompactReader& r, OnField&& on_field) {
  RETURN_NOT_OK(r.BeginStruct());
  while (true) {
    int16_t id = 0;
    ThriftType type = ThriftType::kStop;
    RETURN_NOT_OK(r.ReadFieldHeader(&id, &type));
    if (type == ThriftType::kStop) break;
    RETURN_NOT_OK(on_field(id, type));
  }
  r.EndStruct();
  return Status::OK();
}

/// Reads a list of structs, calling `on_element()` for each (which reads one struct).
template <typename OnElement>
Status ReadStructList(CompactReader& r, ThriftType type, OnElement&& on_element) {
  ThriftType element = ThriftType::kStop;
  int64_t size = 0;
  RETURN_NOT_OK(r.ReadListHeader(type, &element, &size));
  if (element != ThriftType::kStruct) {
    for (int64_t i = 0; i < size; ++i) RETURN_NOT_OK(r.Skip(element));
    return Status::OK();
  }
  for (int64_t i = 0; i < size; ++i) RETURN_NOT_OK(on_element());
  return Status::OK();
}

template <typename E>
Status ReadEnum(CompactReader& r, ThriftType type, E* value) {
  int32_t raw = 0;
  RETURN_NOT_OK(r.ReadI32(type, &raw));
  *value = static_cast<E>(raw);
  return Status::OK();
}

Status ReadStatistics(CompactReader& r, Statistics* stats) {
  std::optional<std::string> legacy_min;
  std::optional<std::string> legacy_max;
  RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, ThriftType type) -> Status {
    std::string text;
    switch (id) {
      case 1:
        RETURN_NOT_OK(r.ReadBinary(type, &text));
        legacy_max = std::move(text);
        return Status::OK();
      case 2:
        RETURN_NOT_OK(r.ReadBinary(type, &text));
        legacy_min = std::move(text);
        return Status::OK();
      case 3: {
        int64_t count = 0;
        RETURN_NOT_OK(r.ReadI64(type, &count));
        stats->null_count = count;
        return Status::OK();
      }
      case 5:
        RETURN_NOT_OK(r.ReadBinary(type, &text));
        stats->max_value = std::move(text);
        return Status::OK();
      case 6:
        RETURN_NOT_OK(r.ReadBinary(type, &text));
        stats->min_value = std::move(text);
        return Status::OK();
      case 7:
      case 8: {
        bool exact = false;
        RETURN_NOT_OK(r.ReadBool(type, &exact));
        (id == 7 ? stats->is_max_value_exact : stats->is_min_value_exact) = exact;
        return Status::OK();
      }
      default:
        return r.Skip(type);
    }
  }));
  if (!stats->min_value && !stats->max_value) {
    stats->min_value = std::move(legacy_min);
    stats->max_value = std::move(legacy_max);
  }
  return Status::OK();
}

Status ReadLogicalType(CompactReader& r, LogicalType* logical) {
  return ReadStruct(r, [&](int16_t id, ThriftType type) -> Status {
    logical->kind = id;
    if (type != ThriftType::kStruct) return r.Skip(type);
    if (id == LogicalType::kTimestamp) {
      return ReadStruct(r, [&](int16_t field, ThriftType field_type) -> Status {
        if (field == 1) return r.ReadBool(field_type, &logical->is_adjusted_to_utc);
        if (field == 2 && field_type == ThriftType::kStruct) {
          return ReadStruct(r, [&](int16_t unit, ThriftType unit_type) -> Status {
            logical->time_unit = unit;
            return r.Skip(unit_type);
          });
        }
        return r.Skip(field_type);
      });
    }
    if (id == LogicalType::kInteger) {
      return ReadStruct(r, [&](int16_t field, ThriftType field_type) -> Status {
        if (field == 1) {
          int32_t width = 0;
          RETURN_NOT_OK(r.ReadI32(field_type, &width));
          logical->bit_width = static_cast<int8_t>(width);
          return Status::OK();
        }
        if (field == 2) return r.ReadBool(field_type, &logical->is_signed);
        return r.Skip(field_type);
      });
    }
    return r.Skip(type);
  });
}

Status ReadSchemaElement(CompactReader& r, SchemaElement* element) {
  bool has_name = false;
  RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, ThriftType type) -> Status {
    switch (id) {
      case 1: {
        PhysicalType physical{};
        RETURN_NOT_OK(ReadEnum(r, type, &physical));
        element->type = physical;
        return Status::OK();
      }
      case 3: {
        Repetition repetition{};
        RETURN_NOT_OK(ReadEnum(r, type, &repetition));
        element->repetition = repetition;
        return Status::OK();
      }
      case 4:
        has_name = true;
        return r.ReadBinary(type, &element->name);
      case 5:
        RETURN_NOT_OK(r.ReadI32(type, &element->num_children));
        if (element->num_children < 0) return Status::Decode("parquet: negative num_children");
        return Status::OK();
      case 6: {
        ConvertedType converted{};
        RETURN_NOT_OK(ReadEnum(r, type, &converted));
        element->converted_type = converted;
        return Status::OK();
      }
      case 10:
        if (type != ThriftType::kStruct) return r.Skip(type);
        return ReadLogicalType(r, &element->logical_type);
      default:
        return r.Skip(type);
    }
  }));
  if (!has_name) return Status::Decode("parquet: schema element without a name");
  return Status::OK();
}

Status ReadColumnMetaData(CompactReader& r, ColumnMetaData* meta) {
  uint32_t seen = 0;
  RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, ThriftType type) -> Status {
    if (id > 0 && id < 32) seen |= 1u << id;
    switch (id) {
      case 1:
        return ReadEnum(r, type, &meta->type);
      case 2: {
        ThriftType element = ThriftType::kStop;
        int64_t size = 0;
        RETURN_NOT_OK(r.ReadListHeader(type, &element, &size));
        for (int64_t i = 0; i < size; ++i) {
          int32_t value = 0;
          if (element != ThriftType::kI32) return Status::Decode("parquet: bad encodings list");
          RETURN_NOT_OK(r.ReadElementI32(&value));
          meta->encodings.push_back(static_cast<Encoding>(value));
        }
        return Status::OK();
      }
      case 3: {
        ThriftType element = ThriftType::kStop;
        int64_t size = 0;
        RETURN_NOT_OK(r.ReadListHeader(type, &element, &size));
        if (element != ThriftType::kBinary) return Status::Decode("parquet: bad path_in_schema");
        for (int64_t i = 0; i < size; ++i) {
          std::string part;
          RETURN_NOT_OK(r.ReadElementBinary(&part));
          meta->path_in_schema.push_back(std::move(part));
        }
        return Status::OK();
      }
      case 4:
        return ReadEnum(r, type, &meta->codec);
      case 5:
        return r.ReadI64(type, &meta->num_values);
      case 6:
        return r.ReadI64(type, &meta->total_uncompressed_size);
      case 7:
        return r.ReadI64(type, &meta->total_compressed_size);
      case 9:
        return r.ReadI64(type, &meta->data_page_offset);
      case 11: {
        int64_t offset = 0;
        RETURN_NOT_OK(r.ReadI64(type, &offset));
        meta->dictionary_page_offset = offset;
        return Status::OK();
      }
      case 12:
        if (type != ThriftType::kStruct) return r.Skip(type);
        return ReadStatistics(r, &meta->statistics);
      case 13:
        return ReadStructList(r, type, [&]() -> Status {
          PageEncodingStats stat;
          RETURN_NOT_OK(ReadStruct(r, [&](int16_t field, ThriftType field_type) -> Status {
            if (field == 1) return ReadEnum(r, field_type, &stat.page_type);
            if (field == 2) return ReadEnum(r, field_type, &stat.encoding);
            if (field == 3) return r.ReadI32(field_type, &stat.count);
            return r.Skip(field_type);
          }));
          meta->encoding_stats.push_back(stat);
          return Status::OK();
        });
      default:
        return r.Skip(type);
    }
  }));
  constexpr uint32_t kRequired =
      (1u << 1) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 9);
  if ((seen & kRequired) != kRequired) {
    return Status::Decode("parquet: column metadata misses a required field");
  }
  return Status::OK();
}

Status ReadRowGroup(CompactReader& r, RowGroup* group) {
  bool has_rows = false;
  RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, ThriftType type) -> Status {
    switch (id) {
      case 1:
        return ReadStructList(r, type, [&]() -> Status {
          ColumnChunk chunk;
          bool has_meta = false;
          RETURN_NOT_OK(ReadStruct(r, [&](int16_t field, ThriftType field_type) -> Status {
            if (field == 2) return r.ReadI64(field_type, &chunk.file_offset);
            if (field == 3 && field_type == ThriftType::kStruct) {
              has_meta = true;
              return ReadColumnMetaData(r, &chunk.meta_data);
            }
            return r.Skip(field_type);
          }));
          if (!has_meta) return Status::Decode("parquet: column chunk without metadata");
          group->columns.push_back(std::move(chunk));
          return Status::OK();
        });
      case 2:
        return r.ReadI64(type, &group->total_byte_size);
      case 3:
        has_rows = true;
        return r.ReadI64(type, &group->num_rows);
      case 5: {
        int64_t offset = 0;
        RETURN_NOT_OK(r.ReadI64(type, &offset));
        group->file_offset = offset;
        return Status::OK();
      }
      case 6: {
        int64_t size = 0;
        RETURN_NOT_OK(r.ReadI64(type, &size));
        group->total_compressed_size = size;
        return Status::OK();
      }
      case 7: {
        int32_t ordinal = 0;
        RETURN_NOT_OK(r.ReadI32(type, &ordinal));
        group->ordinal = static_cast<int16_t>(ordinal);
        return Status::OK();
      }
      default:
        return r.Skip(type);
    }
  }));
  if (!has_rows || group->num_rows < 0) return Status::Decode("parquet: row group without rows");
  return Status::OK();
}

}  // namespace

Result<FileMetaData> ParseFileMetaData(const uint8_t* data, int64_t size) {
  CompactReader r(data, size);
  FileMetaData metadata;
  metadata.created_by.reset();
  bool has_schema = false;
  bool has_rows = false;
  RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, ThriftType type) -> Status {
    switch (id) {
      case 1:
        return r.ReadI32(type, &metadata.version);
      case 2:
        has_schema = true;
        return ReadStructList(r, type, [&]() -> Status {
          SchemaElement element;
          RETURN_NOT_OK(ReadSchemaElement(r, &element));
          metadata.schema.push_back(std::move(element));
          return Status::OK();
        });
      case 3:
        has_rows = true;
        return r.ReadI64(type, &metadata.num_rows);
      case 4:
        return ReadStructList(r, type, [&]() -> Status {
          RowGroup group;
          RETURN_NOT_OK(ReadRowGroup(r, &group));
          metadata.row_groups.push_back(std::move(group));
          return Status::OK();
        });
      case 5:
        return ReadStructList(r, type, [&]() -> Status {
          KeyValue kv;
          RETURN_NOT_OK(ReadStruct(r, [&](int16_t field, ThriftType field_type) -> Status {
            if (field == 1) return r.ReadBinary(field_type, &kv.key);
            if (field == 2) {
              std::string value;
              RETURN_NOT_OK(r.ReadBinary(field_type, &value));
              kv.value = std::move(value);
              return Status::OK();
            }
            return r.Skip(field_type);
          }));
          metadata.key_value_metadata.push_back(std::move(kv));
          return Status::OK();
        });
      case 6: {
        std::string created_by;
        RETURN_NOT_OK(r.ReadBinary(type, &created_by));
        metadata.created_by = std::move(created_by);
        return Status::OK();
      }
      case 7: {
        ThriftType element = ThriftType::kStop;
        int64_t count = 0;
        RETURN_NOT_OK(r.ReadListHeader(type, &element, &count));
        for (int64_t i = 0; i < count; ++i) RETURN_NOT_OK(r.Skip(element));
        metadata.num_column_orders = static_cast<int32_t>(count);
        return Status::OK();
      }
      default:
        return r.Skip(type);
    }
  }));
  if (!has_schema || metadata.schema.empty())
    return Status::Decode("parquet: footer has no schema");
  if (!has_rows || metadata.num_rows < 0) return Status::Decode("parquet: footer has no num_rows");
  return metadata;
}

Result<PageHeader> ParsePageHeader(const uint8_t* data, int64_t size, int64_t* header_size) {
  CompactReader r(data, size);
  PageHeader header;
  uint32_t seen = 0;
  RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, ThriftType type) -> Status {
    if (id > 0 && id < 32) seen |= 1u << id;
    switch (id) {
      case 1:
        return ReadEnum(r, type, &header.type);
      case 2:
        return r.ReadI32(type, &header.uncompressed_page_size);
      case 3:
        return r.ReadI32(type, &header.compressed_page_size);
      case 5: {
        if (type != ThriftType::kStruct) return r.Skip(type);
        DataPageHeader page;
        RETURN_NOT_OK(ReadStruct(r, [&](int16_t field, ThriftType field_type) -> Status {
          switch (field) {
            case 1:
              return r.ReadI32(field_type, &page.num_values);
            case 2:
              return ReadEnum(r, field_type, &page.encoding);
            case 3:
              return ReadEnum(r, field_type, &page.definition_level_encoding);
            case 4:
              return ReadEnum(r, field_type, &page.repetition_level_encoding);
            default:
              return r.Skip(field_type);
          }
        }));
        header.data_page = page;
        return Status::OK();
      }
      case 7: {
        if (type != ThriftType::kStruct) return r.Skip(type);
        DictionaryPageHeader page;
        RETURN_NOT_OK(ReadStruct(r, [&](int16_t field, ThriftType field_type) -> Status {
          if (field == 1) return r.ReadI32(field_type, &page.num_values);
          if (field == 2) return ReadEnum(r, field_type, &page.encoding);
          return r.Skip(field_type);
        }));
        header.dictionary_page = page;
        return Status::OK();
      }
      case 8: {
        if (type != ThriftType::kStruct) return r.Skip(type);
        DataPageHeaderV2 page;
        RETURN_NOT_OK(ReadStruct(r, [&](int16_t field, ThriftType field_type) -> Status {
          switch (field) {
            case 1:
              return r.ReadI32(field_type, &page.num_values);
            case 2:
              return r.ReadI32(field_type, &page.num_nulls);
            case 3:
              return r.ReadI32(field_type, &page.num_rows);
            case 4:
              return ReadEnum(r, field_type, &page.encoding);
            case 5:
              return r.ReadI32(field_type, &page.definition_levels_byte_length);
            case 6:
              return r.ReadI32(field_type, &page.repetition_levels_byte_length);
            case 7:
              return r.ReadBool(field_type, &page.is_compressed);
            default:
              return r.Skip(field_type);
          }
        }));
        header.data_page_v2 = page;
        return Status::OK();
      }
      default:
        return r.Skip(type);
    }
  }));
  if ((seen & 0xE) != 0xE) return Status::Decode("parquet: page header misses a required field");
  if (header.uncompressed_page_size < 0 || header.compressed_page_size < 0) {
    return Status::Decode("parquet: negative page size");
  }
  *header_size = size - r.remaining();
  return header;
}

std::string_view PhysicalTypeName(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kInt96:
      return "INT96";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kPlain:
      return "PLAIN";
    case Encoding::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case Encoding::kRle:
      return "RLE";
    case Encoding::kBitPacked:
      return "BIT_PACKED";
    case Encoding::kRleDictionary:
      return "RLE_DICTIONARY";
  }
  return "UNKNOWN";
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return "UNCOMPRESSED";
    case Codec::kSnappy:
      return "SNAPPY";
    case Codec::kGzip:
      return "GZIP";
    case Codec::kLzo:
      return "LZO";
    case Codec::kBrotli:
      return "BROTLI";
    case Codec::kLz4:
      return "LZ4";
    case Codec::kZstd:
      return "ZSTD";
    case Codec::kLz4Raw:
      return "LZ4_RAW";
  }
  return "UNKNOWN";
}

}  // namespace sluice::parquet
