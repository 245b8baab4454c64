// The parquet.thrift structures Sluice writes and reads (the subset it needs, field ids as in
// parquet-format), with their compact-protocol encoders and decoders (footer.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};
enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kRleDictionary = 8,
};
enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};
enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3
};
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kList = 3,
  kDate = 6,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
};

/// LogicalType union: which member is set (thrift field id), plus its parameters.
struct LogicalType {
  enum Kind : int16_t {
    kNone = 0,
    kString = 1,
    kList = 3,
    kDate = 6,
    kTimestamp = 8,
    kInteger = 10,
  };
  int16_t kind = kNone;             // field id of the union member (others are kept as their id)
  bool is_adjusted_to_utc = false;  // TIMESTAMP
  int16_t time_unit = 0;            // TIMESTAMP: 1 MILLIS, 2 MICROS, 3 NANOS
  int8_t bit_width = 0;             // INTEGER
  bool is_signed = true;            // INTEGER
};

struct SchemaElement {
  std::optional<PhysicalType> type;
  std::optional<Repetition> repetition;
  std::string name;
  int32_t num_children = 0;  // 0 = a leaf
  std::optional<ConvertedType> converted_type;
  LogicalType logical_type;
};

struct Statistics {
  std::optional<std::string> min_value;  // thrift 6 (min_value: ordering by logical type)
  std::optional<std::string> max_value;  // thrift 5
  std::optional<int64_t> null_count;
  std::optional<bool> is_min_value_exact;
  std::optional<bool> is_max_value_exact;
  bool empty() const { return !min_value && !max_value && !null_count; }
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  Statistics statistics;
  std::vector<PageEncodingStats> encoding_stats;
};

struct ColumnChunk {
  int64_t file_offset = 0;
  ColumnMetaData meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct FileMetaData {
  int32_t version = 2;
  std::vector<SchemaElement> schema;  // depth-first, root first
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  int32_t num_column_orders = 0;  // TypeDefinedOrder for each leaf
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

/// Appends the compact-protocol encoding.
void SerializeFileMetaData(const FileMetaData& metadata, std::string* out);
void SerializePageHeader(const PageHeader& header, std::string* out);

/// Decodes from [data, data + size); unknown fields are skipped, required ones checked.
Result<FileMetaData> ParseFileMetaData(const uint8_t* data, int64_t size);
/// Decodes a page header; `*header_size` receives the bytes it took.
Result<PageHeader> ParsePageHeader(const uint8_t* data, int64_t size, int64_t* header_size);

std::string_view PhysicalTypeName(PhysicalType type);
std::string_view EncodingName(Encoding encoding);
std::string_view CodecName(Codec codec);

}  // namespace sluice::parquet
