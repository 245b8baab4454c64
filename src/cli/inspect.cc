#include "cli/inspect.h"

#include <cstring>

#include <fmt/format.h>

#include "columnar/value.h"
#include "common/time_util.h"
#include "formats/parquet/reader.h"

namespace sluice {

namespace {

using parquet::PhysicalType;

/// A statistics value in the column's own spelling (type-defined order values).
std::string StatText(const parquet::LeafColumn& leaf, const std::string& bytes) {
  auto fixed = [&](auto zero) {
    decltype(zero) value{};
    if (bytes.size() != sizeof(value)) return std::string("?");
    std::memcpy(&value, bytes.data(), sizeof(value));
    return fmt::format("{}", value);
  };
  const TypeId id = leaf.node->type->id();
  switch (leaf.physical) {
    case PhysicalType::kBoolean:
      return bytes.size() == 1 ? (bytes[0] != 0 ? "true" : "false") : "?";
    case PhysicalType::kInt32:
      if (id == TypeId::kDate && bytes.size() == 4) {
        int32_t days = 0;
        std::memcpy(&days, bytes.data(), 4);
        return Value::Date(days).ToString();
      }
      return fixed(int32_t{});
    case PhysicalType::kInt64:
      if (id == TypeId::kTimestamp && bytes.size() == 8) {
        int64_t micros = 0;
        std::memcpy(&micros, bytes.data(), 8);
        return Value::Timestamp(micros).ToString();
      }
      return fixed(int64_t{});
    case PhysicalType::kDouble:
      if (bytes.size() != 8) return "?";
      {
        double value = 0;
        std::memcpy(&value, bytes.data(), 8);
        return Value::Double(value).ToString();
      }
    default: {
      std::string text = "\"";
      for (char c : bytes) {
        if (static_cast<unsigned char>(c) < 0x20) {
          text += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          text.push_back(c);
        }
      }
      return text + "\"";
    }
  }
}

std::string Size(int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
}

}  // namespace

Status InspectParquet(const std::string& path, int64_t rows, std::ostream& out) {
  ASSIGN_OR_RETURN(auto reader, parquet::ParquetFileReader::OpenPath(path));
  const parquet::FileMetaData& meta = reader->metadata();
  out << fmt::format("file:        {}\n", path);
  out << fmt::format("size:        {} ({} bytes)\n", Size(reader->file_size()),
                     reader->file_size());
  out << fmt::format("created_by:  {}\n", meta.created_by.value_or("(unknown)"));
  out << fmt::format("rows:        {}\n", meta.num_rows);
  out << fmt::format("row groups:  {}\n", meta.row_groups.size());
  out << "schema:\n";
  for (const auto& field : reader->schema()->fields()) {
    out << fmt::format("  {} {}{}\n", field.name, field.type->ToString(),
                       field.nullable ? "" : " NOT NULL");
  }
  const auto& leaves = reader->parquet_schema().leaves();
  for (size_t group_idx = 0; group_idx < meta.row_groups.size(); ++group_idx) {
    const parquet::RowGroup& group = meta.row_groups[group_idx];
    out << fmt::format("row group {}: {} rows, {} uncompressed, {} compressed\n", group_idx,
                       group.num_rows, Size(group.total_byte_size),
                       Size(group.total_compressed_size.value_or(0)));
    for (size_t column_idx = 0; column_idx < group.columns.size(); ++column_idx) {
      const parquet::ColumnMetaData& column = group.columns[column_idx].meta_data;
      const parquet::LeafColumn& leaf = leaves[column_idx];
      std::string path_text;
      for (const auto& part : column.path_in_schema) {
        if (!path_text.empty()) path_text += ".";
        path_text += part;
      }
      std::string encodings;
      for (auto encoding : column.encodings) {
        if (!encodings.empty()) encodings += ",";
        encodings += parquet::EncodingName(encoding);
      }
      std::string pages;
      for (const auto& stat : column.encoding_stats) {
        if (!pages.empty()) pages += " ";
        pages += fmt::format("{}x{}{}", stat.count, parquet::EncodingName(stat.encoding),
                             stat.page_type == parquet::PageType::kDictionaryPage ? "(dict)" : "");
      }
      out << fmt::format("  {:<28} {:<10} {:<12} {} values, {} -> {}, encodings {}{}\n", path_text,
                         parquet::PhysicalTypeName(column.type), parquet::CodecName(column.codec),
                         column.num_values, Size(column.total_uncompressed_size),
                         Size(column.total_compressed_size), encodings,
                         pages.empty() ? "" : " [pages " + pages + "]");
      const auto& stats = column.statistics;
      out << fmt::format("  {:<28} min {} max {} nulls {}\n", "",
                         stats.min_value ? StatText(leaf, *stats.min_value) : "-",
                         stats.max_value ? StatText(leaf, *stats.max_value) : "-",
                         stats.null_count ? std::to_string(*stats.null_count) : "-");
    }
  }
  if (rows > 0) {
    out << fmt::format("first {} rows:\n", rows);
    int64_t shown = 0;
    for (int group = 0; group < reader->num_row_groups() && shown < rows; ++group) {
      ASSIGN_OR_RETURN(Batch batch, reader->ReadRowGroup(group));
      const int64_t take = std::min(rows - shown, batch.num_rows());
      out << BatchToRowsText(batch.Slice(0, take));
      shown += take;
    }
  }
  return Status::OK();
}

}  // namespace sluice
