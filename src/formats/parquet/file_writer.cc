#include "formats/parquet/file_writer.h"

#include <algorithm>

namespace sluice::parquet {

namespace {
constexpr std::string_view kMagic = "PAR1";
// Rows per shredding step: row-group and budget checks happen at this granularity.
constexpr int64_t kRowsPerSlice = 16384;
}  // namespace

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.1.0"
#endif

std::string CreatedBy() { return std::string("sluice version ") + SLUICE_VERSION; }

ParquetFileWriter::ParquetFileWriter(std::shared_ptr<const ParquetSchema> schema,
                                     WriterOptions options, OutputStream* out, MemoryBudget* budget)
    : schema_(std::move(schema)), options_(options), out_(out), budget_(budget) {
  for (const auto& leaf : schema_->leaves()) {
    columns_.push_back(std::make_unique<ColumnWriter>(leaf, options_));
  }
  metadata_.version = 2;
  metadata_.schema = schema_->ToElements();
  metadata_.created_by = CreatedBy();
  metadata_.key_value_metadata.push_back(
      {std::string(kSluiceSchemaKey), schema_->schema()->ToString()});
  metadata_.num_column_orders = static_cast<int32_t>(schema_->leaves().size());
  if (budget_ != nullptr) budget_->Register(this);
}

ParquetFileWriter::~ParquetFileWriter() {
  if (budget_ != nullptr) budget_->Unregister(this);
}

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Open(SchemaRef schema,
                                                                   WriterOptions options,
                                                                   OutputStream* out,
                                                                   MemoryBudget* budget) {
  if (options.data_page_version != 1 && options.data_page_version != 2) {
    return Status::Config("parquet: data page version must be 1 or 2");
  }
  if (options.page_size <= 0 || options.row_group_size <= 0) {
    return Status::Config("parquet: page and row group sizes must be positive");
  }
  ASSIGN_OR_RETURN(auto parquet_schema, ParquetSchema::FromSchema(schema));
  std::unique_ptr<ParquetFileWriter> writer(
      new ParquetFileWriter(std::move(parquet_schema), options, out, budget));
  RETURN_NOT_OK(writer->Emit(kMagic));
  return writer;
}

Status ParquetFileWriter::Emit(std::string_view bytes) {
  RETURN_NOT_OK(out_->Append(bytes));
  offset_ += static_cast<int64_t>(bytes.size());
  return Status::OK();
}

int64_t ParquetFileWriter::buffered_bytes() const {
  int64_t total = 0;
  for (const auto& column : columns_) total += column->buffered_bytes();
  return total;
}

Status ParquetFileWriter::Write(const Batch& batch) {
  if (closed_) return Status::Internal("parquet: write after close");
  if (batch.num_columns() != schema_->schema()->num_fields()) {
    return Status::Internal("parquet: batch has {} columns, the file {}", batch.num_columns(),
                            schema_->schema()->num_fields());
  }
  // Slices sized so that one slice adds about 1/8 of a row group: row groups overshoot their
  // byte bound by little, whatever the row width.
  int64_t start = 0;
  while (start < batch.num_rows()) {
    const int64_t length = std::min(slice_rows_, batch.num_rows() - start);
    const int64_t before = buffered_bytes();
    if (start == 0 && length == batch.num_rows()) {
      RETURN_NOT_OK(WriteSlice(batch));
    } else {
      RETURN_NOT_OK(WriteSlice(batch.Slice(start, length)));
    }
    start += length;
    const int64_t after = buffered_bytes();
    const int64_t per_row = std::max<int64_t>(1, (after - before) / std::max<int64_t>(1, length));
    slice_rows_ = std::clamp<int64_t>(options_.row_group_size / 8 / per_row, 64, kRowsPerSlice);
    if (after >= options_.row_group_size) RETURN_NOT_OK(FlushRowGroup());
    if (budget_ != nullptr) RETURN_NOT_OK(budget_->Enforce());
  }
  return Status::OK();
}

Status ParquetFileWriter::WriteSlice(const Batch& batch) {
  size_t leaf = 0;
  for (int field = 0; field < batch.num_columns(); ++field) {
    levels_.clear();
    RETURN_NOT_OK(
        ShredColumn(*schema_->fields()[static_cast<size_t>(field)], batch.column(field), &levels_));
    for (const auto& levels : levels_) RETURN_NOT_OK(columns_[leaf++]->Write(levels));
  }
  group_rows_ += batch.num_rows();
  total_rows_ += batch.num_rows();
  return Status::OK();
}

Status ParquetFileWriter::FlushRowGroup() {
  if (group_rows_ == 0) return Status::OK();
  RowGroup group;
  group.num_rows = group_rows_;
  group.file_offset = offset_;
  group.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  int64_t compressed = 0;
  ChunkBytes bytes;
  for (auto& column : columns_) {
    ColumnChunk chunk;
    RETURN_NOT_OK(column->FinishChunk(offset_, &bytes, &chunk));
    RETURN_NOT_OK(Emit(bytes.dictionary_page));
    RETURN_NOT_OK(Emit(bytes.data_pages));
    group.total_byte_size += chunk.meta_data.total_uncompressed_size;
    compressed += chunk.meta_data.total_compressed_size;
    group.columns.push_back(std::move(chunk));
  }
  group.total_compressed_size = compressed;
  metadata_.row_groups.push_back(std::move(group));
  metadata_.num_rows += group_rows_;
  group_rows_ = 0;
  return Status::OK();
}

Status ParquetFileWriter::Close() {
  if (closed_) return Status::OK();
  RETURN_NOT_OK(FlushRowGroup());
  closed_ = true;
  if (budget_ != nullptr) {
    budget_->Unregister(this);
    budget_ = nullptr;
  }
  std::string footer;
  SerializeFileMetaData(metadata_, &footer);
  const auto length = static_cast<uint32_t>(footer.size());
  char length_bytes[4];
  for (int i = 0; i < 4; ++i) length_bytes[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
  footer.append(length_bytes, 4);
  footer.append(kMagic);
  return Emit(footer);
}

void MemoryBudget::Register(ParquetFileWriter* writer) { writers_.push_back(writer); }

void MemoryBudget::Unregister(ParquetFileWriter* writer) {
  writers_.erase(std::remove(writers_.begin(), writers_.end(), writer), writers_.end());
}

int64_t MemoryBudget::buffered_bytes() const {
  int64_t total = 0;
  for (const auto* writer : writers_) total += writer->buffered_bytes();
  return total;
}

Status MemoryBudget::Enforce() {
  if (limit_ <= 0) return Status::OK();
  while (true) {
    int64_t total = 0;
    ParquetFileWriter* largest = nullptr;
    int64_t largest_bytes = 0;
    for (auto* writer : writers_) {
      const int64_t bytes = writer->buffered_bytes();
      total += bytes;
      if (bytes > largest_bytes) {  // ties: the first registered, deterministically
        largest = writer;
        largest_bytes = bytes;
      }
    }
    if (total <= limit_ || largest == nullptr) return Status::OK();
    const int64_t before = largest->buffered_bytes();
    RETURN_NOT_OK(largest->FlushRowGroup());
    ++forced_flushes_;
    if (largest->buffered_bytes() >= before) return Status::OK();  // nothing more to free
  }
}

Result<std::string> WriteParquet(const Batch& batch, const WriterOptions& options) {
  std::string bytes;
  StringOutputStream out(&bytes);
  ASSIGN_OR_RETURN(auto writer, ParquetFileWriter::Open(batch.schema(), options, &out));
  RETURN_NOT_OK(writer->Write(batch));
  RETURN_NOT_OK(writer->Close());
  return bytes;
}

}  // namespace sluice::parquet
