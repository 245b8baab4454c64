#include "formats/parquet/file_writer.h"

#include <algorithm>
#include <chrono>

#include "formats/parquet/parallel.h"

namespace sluice::parquet {

namespace {
constexpr std::string_view kMagic = "PAR1";
// Rows per shredding step: row-group and budget checks happen at this granularity.
constexpr int64_t kRowsPerSlice = 16384;
// Slices shorter than this encode on the writing thread alone: waking a helper costs more than
// it saves.
constexpr int64_t kMinParallelRows = 2048;
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

ParquetFileWriter::~ParquetFileWriter() { DetachBudget(); }

void ParquetFileWriter::DetachBudget() {
  if (budget_ == nullptr) return;
  // Out of every budget's list first: once Unregister returns, no budget flushes this writer.
  budget_->Unregister(this);
  budget_->Add(-published_.exchange(0));
  budget_ = nullptr;
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
  if (options.codec == Codec::kGzip &&
      (options.compression_level < 0 || options.compression_level > kMaxGzipLevel)) {
    return Status::Config("parquet: gzip compression level {} is out of range (1..{})",
                          options.compression_level, kMaxGzipLevel);
  }
  if (options.encode_threads < 1 || options.encode_threads > kMaxEncodeThreads) {
    return Status::Config("parquet: encode threads must be 1..{}, not {}", kMaxEncodeThreads,
                          options.encode_threads);
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

int64_t ParquetFileWriter::BufferedBytesLocked() const {
  int64_t total = 0;
  for (const auto& column : columns_) total += column->buffered_bytes();
  return total;
}

int64_t ParquetFileWriter::MemoryBytesLocked() const {
  int64_t total = 0;
  for (const auto& column : columns_) total += column->memory_bytes();
  return total;
}

void ParquetFileWriter::PublishLocked() {
  const int64_t now = MemoryBytesLocked();
  const int64_t delta = now - published_.exchange(now);
  if (budget_ != nullptr && delta != 0) budget_->Add(delta);
}

int64_t ParquetFileWriter::bytes_written() const {
  std::lock_guard lock(mutex_);
  return offset_;
}

int64_t ParquetFileWriter::buffered_bytes() const {
  std::lock_guard lock(mutex_);
  return BufferedBytesLocked();
}

int64_t ParquetFileWriter::estimated_size() const {
  std::lock_guard lock(mutex_);
  return offset_ + BufferedBytesLocked();
}

int64_t ParquetFileWriter::rows_written() const {
  std::lock_guard lock(mutex_);
  return total_rows_;
}

int ParquetFileWriter::num_row_groups() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(metadata_.row_groups.size());
}

int64_t ParquetFileWriter::memory_bytes() const {
  std::lock_guard lock(mutex_);
  return MemoryBytesLocked();
}

int64_t ParquetFileWriter::forced_flushes() const {
  std::lock_guard lock(mutex_);
  return forced_flushes_;
}

Status ParquetFileWriter::Write(const Batch& batch) {
  if (batch.num_columns() != schema_->schema()->num_fields()) {
    return Status::Internal("parquet: batch has {} columns, the file {}", batch.num_columns(),
                            schema_->schema()->num_fields());
  }
  // Slices sized so that one slice adds about 1/8 of a row group: row groups overshoot their
  // byte bound by little, whatever the row width.
  int64_t start = 0;
  while (start < batch.num_rows()) {
    {
      std::lock_guard lock(mutex_);
      RETURN_NOT_OK(error_);
      if (closed_) return Status::Internal("parquet: write after close");
      const int64_t length = std::min(slice_rows_, batch.num_rows() - start);
      const int64_t before = BufferedBytesLocked();
      if (start == 0 && length == batch.num_rows()) {
        RETURN_NOT_OK(WriteSlice(batch));
      } else {
        RETURN_NOT_OK(WriteSlice(batch.Slice(start, length)));
      }
      start += length;
      const int64_t after = BufferedBytesLocked();
      const int64_t per_row = std::max<int64_t>(1, (after - before) / std::max<int64_t>(1, length));
      slice_rows_ = std::clamp<int64_t>(options_.row_group_size / 8 / per_row, 64, kRowsPerSlice);
      if (after >= options_.row_group_size) RETURN_NOT_OK(FlushRowGroupLocked());
      PublishLocked();
    }
    // Without the writer's lock: the budget may flush this writer or any other.
    if (budget_ != nullptr) RETURN_NOT_OK(budget_->Enforce());
  }
  std::lock_guard lock(mutex_);
  return error_;
}

Status ParquetFileWriter::WriteField(const Batch& batch, int field) {
  // Shredding scratch per thread, not per writer: 200 open partition files would otherwise each
  // keep a slice's levels and positions (up to ~200 KB per leaf column).
  thread_local ShreddedLeaves leaves;
  const SchemaNode& node = *schema_->fields()[static_cast<size_t>(field)];
  leaves.Clear();
  Status status = ShredColumn(node, batch.column(field), &leaves);
  for (size_t i = 0; status.ok() && i < leaves.size(); ++i) {
    status = columns_[static_cast<size_t>(node.first_leaf) + i]->Write(leaves[i]);
  }
  leaves.Clear();  // drops the references to the batch's columns
  return status;
}

Status ParquetFileWriter::WriteSlice(const Batch& batch) {
  const int fields = batch.num_columns();
  if (options_.encode_threads > 1 && fields > 1 && batch.num_rows() >= kMinParallelRows) {
    // Each field's leaves belong to one task: a column writer's input, and so its bytes, are
    // the same whichever thread encodes it. The writer's lock, held by this thread until every
    // task is done, covers the helpers' work.
    // Costliest fields first (by their time in the previous parallel slice), so that a big
    // column claimed last does not leave one thread working alone at the end of the slice.
    if (field_nanos_.size() != static_cast<size_t>(fields)) {
      field_nanos_.assign(static_cast<size_t>(fields), 0);
      field_order_.resize(static_cast<size_t>(fields));
    }
    for (int field = 0; field < fields; ++field) field_order_[static_cast<size_t>(field)] = field;
    std::stable_sort(field_order_.begin(), field_order_.end(), [&](int a, int b) {
      return field_nanos_[static_cast<size_t>(a)] > field_nanos_[static_cast<size_t>(b)];
    });
    std::vector<Status> statuses(static_cast<size_t>(fields));
    ParallelFor(fields, options_.encode_threads, [&](int64_t task) {
      const auto field = static_cast<size_t>(field_order_[static_cast<size_t>(task)]);
      const auto start = std::chrono::steady_clock::now();
      statuses[field] = WriteField(batch, static_cast<int>(field));
      field_nanos_[field] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
    });
    for (Status& status : statuses) RETURN_NOT_OK(status);
  } else {
    for (int field = 0; field < fields; ++field) RETURN_NOT_OK(WriteField(batch, field));
  }
  group_rows_ += batch.num_rows();
  total_rows_ += batch.num_rows();
  return Status::OK();
}

Status ParquetFileWriter::FlushRowGroup() {
  std::lock_guard lock(mutex_);
  RETURN_NOT_OK(error_);
  RETURN_NOT_OK(FlushRowGroupLocked());
  PublishLocked();
  return Status::OK();
}

bool ParquetFileWriter::FlushForBudget() {
  std::lock_guard lock(mutex_);
  if (closed_ || !error_.ok() || group_rows_ == 0) return false;
  const int64_t before = published_.load();
  Status status = FlushRowGroupLocked();
  if (!status.ok()) {
    error_ = std::move(status);
    failed_.store(true);
  }
  ++forced_flushes_;
  PublishLocked();
  return published_.load() < before;
}

Status ParquetFileWriter::FlushRowGroupLocked() {
  if (group_rows_ == 0) return Status::OK();
  RowGroup group;
  group.num_rows = group_rows_;
  group.file_offset = offset_;
  group.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  int64_t compressed = 0;
  if (options_.encode_threads > 1 && columns_.size() > 1) {
    // The last pages and the dictionary pages compressed in parallel; then the chunks go out in
    // column order (their offsets depend on the chunks before them).
    std::vector<Status> statuses(columns_.size());
    ParallelFor(static_cast<int64_t>(columns_.size()), options_.encode_threads, [&](int64_t i) {
      statuses[static_cast<size_t>(i)] = columns_[static_cast<size_t>(i)]->PrepareChunk();
    });
    for (Status& status : statuses) RETURN_NOT_OK(status);
  }
  out_->Reserve(BufferedBytesLocked());
  const ChunkSink sink = [this](std::string_view bytes) { return Emit(bytes); };
  for (auto& column : columns_) {
    ColumnChunk chunk;
    RETURN_NOT_OK(column->FinishChunk(offset_, sink, &chunk));
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
  {
    std::lock_guard lock(mutex_);
    if (closed_) return Status::OK();
    RETURN_NOT_OK(error_);
    RETURN_NOT_OK(FlushRowGroupLocked());
    closed_ = true;
    PublishLocked();
    std::string footer;
    SerializeFileMetaData(metadata_, &footer);
    const auto length = static_cast<uint32_t>(footer.size());
    char length_bytes[4];
    for (int i = 0; i < 4; ++i) length_bytes[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
    footer.append(length_bytes, 4);
    footer.append(kMagic);
    RETURN_NOT_OK(Emit(footer));
  }
  DetachBudget();
  return Status::OK();
}

MemoryBudget& MemoryBudget::Process() {
  // Never destroyed: writers may outlive static destruction order at exit.
  static MemoryBudget* const budget = new MemoryBudget(kDefaultProcessLimit);
  return *budget;
}

MemoryBudget::~MemoryBudget() {
  SLUICE_DCHECK(writers_.empty(), "a memory budget destroyed before its writers");
}

void MemoryBudget::Register(ParquetFileWriter* writer) {
  for (MemoryBudget* budget = this; budget != nullptr; budget = budget->parent_) {
    std::lock_guard lock(budget->mutex_);
    budget->writers_.push_back(writer);
  }
}

void MemoryBudget::Unregister(ParquetFileWriter* writer) {
  for (MemoryBudget* budget = this; budget != nullptr; budget = budget->parent_) {
    std::lock_guard lock(budget->mutex_);
    auto& writers = budget->writers_;
    writers.erase(std::remove(writers.begin(), writers.end(), writer), writers.end());
  }
}

void MemoryBudget::Add(int64_t delta) {
  for (MemoryBudget* budget = this; budget != nullptr; budget = budget->parent_) {
    const int64_t total = budget->total_.fetch_add(delta) + delta;
    int64_t peak = budget->peak_.load();
    while (total > peak && !budget->peak_.compare_exchange_weak(peak, total)) {
    }
  }
}

Status MemoryBudget::Enforce() {
  for (MemoryBudget* budget = this; budget != nullptr; budget = budget->parent_) {
    RETURN_NOT_OK(budget->EnforceOwn());
  }
  return Status::OK();
}

Status MemoryBudget::EnforceOwn() {
  const int64_t limit = this->limit();
  if (limit <= 0) return Status::OK();
  while (total_.load() > limit) {
    // The lock keeps every listed writer alive (Unregister waits for it) and makes one flush
    // at a time: a second thread over the limit waits, then sees the freed bytes.
    std::lock_guard lock(mutex_);
    if (total_.load() <= limit) break;
    ParquetFileWriter* largest = nullptr;
    int64_t largest_bytes = 0;
    for (ParquetFileWriter* writer : writers_) {
      const int64_t bytes = writer->published_.load();
      if (bytes > largest_bytes && !writer->failed_.load()) {  // ties: the first registered
        largest = writer;
        largest_bytes = bytes;
      }
    }
    if (largest == nullptr) break;
    if (observer_) observer_(*largest);
    forced_flushes_.fetch_add(1);
    if (!largest->FlushForBudget()) break;  // nothing more to free
  }
  return Status::OK();
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
