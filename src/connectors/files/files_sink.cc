// Files sink, exactly-once (ARCHITECTURE.md §2):
//   Write(N)  -> rows appended to `<path>/_sluice_staging/<N>/<dir>/<name>.inprogress`
//   Commit(N) -> every staged file renamed to `<path>/<dir>/<name>` (deterministic names), then
//                the table log entry `<path>/_sluice_log/<N, 20 digits>` written atomically.
// A replay of N after a crash anywhere before the log entry rewrites the same names with the same
// bytes; once the entry exists, Commit(N) is a no-op.
#include "connectors/files/files_sink.h"
#include "connectors/files/files.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "columnar/value.h"
#include "common/fault_point.h"
#include "common/strings.h"
#include "common/time_util.h"
#include "connectors/connector.h"
#include "formats/json_lines.h"
#include "formats/parquet/encodings.h"
#include "formats/parquet/file_writer.h"

namespace sluice {

namespace {

constexpr std::string_view kStagingDir = "_sluice_staging";
constexpr std::string_view kLogDir = "_sluice_log";

bool HiveEscapes(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

}  // namespace

void AppendHiveEscaped(std::string_view text, std::string& out) {
  static constexpr char kHexUpper[] = "0123456789ABCDEF";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (HiveEscapes(byte)) {
      out.push_back('%');
      out.push_back(kHexUpper[byte >> 4]);
      out.push_back(kHexUpper[byte & 0xF]);
    } else {
      out.push_back(c);
    }
  }
}

std::string FilesSinkFileName(int64_t batch_id, int64_t sequence, std::string_view query_id,
                              std::string_view extension) {
  return fmt::format("part-{:06d}-{:04d}-{}.{}", batch_id, sequence, query_id.substr(0, 8),
                     extension);
}

std::string FilesSinkLogName(int64_t batch_id) { return fmt::format("{:020d}", batch_id); }

namespace {

/// Validated settings of one files sink.
struct FilesSinkConfig {
  std::string path;
  std::vector<int> partition_columns;  // indices into the input schema
  std::vector<int> data_columns;       // the rest, written into the files
  int64_t max_records_per_file = 0;
  int64_t target_file_size = 0;  // bytes; 0 = no size-based rolling
  bool parquet = false;
  parquet::WriterOptions parquet_options;
  int64_t writer_memory_limit = 0;  // bytes shared by the open Parquet writers
};

/// Rows encoded per step when files roll by size: the size is checked between steps.
constexpr int64_t kRowsPerSizeCheck = 4096;

Result<FilesSinkConfig> MakeConfig(const Schema& input, const OptionSet& options) {
  FilesSinkConfig config;
  config.path = options.GetString("path");
  while (config.path.size() > 1 && config.path.back() == '/') config.path.pop_back();
  if (config.path.empty()) return Status::Config("option 'path' of the files sink is empty");
  config.max_records_per_file = options.GetInt("maxRecordsPerFile");
  config.target_file_size = options.GetSizeBytes("targetFileSize");
  config.parquet = ToLower(options.GetString("format")) == "parquet";
  if (config.parquet) {
    parquet::WriterOptions& parquet = config.parquet_options;
    ASSIGN_OR_RETURN(parquet.codec, parquet::CodecFromName(options.GetString("compression")));
    const int64_t level = options.GetInt("compressionLevel");
    if (level != 0) {
      if (parquet.codec == parquet::Codec::kZstd && (level < 1 || level > 22)) {
        return Status::Config("compressionLevel {} is out of range for zstd (1..22)", level);
      }
      if (parquet.codec == parquet::Codec::kGzip && (level < 1 || level > 9)) {
        return Status::Config("compressionLevel {} is out of range for gzip (1..9)", level);
      }
      if (parquet.codec != parquet::Codec::kZstd && parquet.codec != parquet::Codec::kGzip) {
        return Status::Config("compressionLevel applies to zstd and gzip only, not {}",
                              options.GetString("compression"));
      }
    }
    parquet.compression_level = static_cast<int>(level);
    parquet.row_group_size = options.GetSizeBytes("rowGroupSize");
    parquet.page_size = options.GetSizeBytes("pageSize");
    parquet.dictionary = options.GetBool("dictionary");
    parquet.data_page_version = ToLower(options.GetString("dataPageVersion")) == "v2" ? 2 : 1;
    if (parquet.row_group_size <= 0 || parquet.page_size <= 0) {
      return Status::Config("rowGroupSize and pageSize must be positive");
    }
    config.writer_memory_limit = options.GetSizeBytes("writerMemoryLimit");
  }
  std::vector<std::string> names;
  for (const auto& field : input.fields()) names.push_back(field.name);
  for (const auto& column : options.GetList("partitionBy")) {
    int index = input.FieldIndex(column);
    if (index < 0) {
      std::string message =
          fmt::format("partitionBy column '{}' is not a column of the rows written", column);
      if (auto match = ClosestMatch(column, names)) {
        message += fmt::format(" (did you mean '{}'?)", *match);
      }
      message += fmt::format("; columns: {}", Join(names, ", "));
      return Status(StatusCode::kConfig, std::move(message));
    }
    const Field& field = input.field(index);
    if (field.type->is_nested()) {
      return Status::Config("partitionBy column '{}' has type {}: nested types cannot partition",
                            field.name, field.type->ToString());
    }
    if (std::find(config.partition_columns.begin(), config.partition_columns.end(), index) !=
        config.partition_columns.end()) {
      return Status::Config("partitionBy column '{}' is listed twice", field.name);
    }
    config.partition_columns.push_back(index);
  }
  for (int index = 0; index < input.num_fields(); ++index) {
    if (std::find(config.partition_columns.begin(), config.partition_columns.end(), index) ==
        config.partition_columns.end()) {
      config.data_columns.push_back(index);
    }
  }
  if (!config.partition_columns.empty() && config.data_columns.empty()) {
    return Status::Config("partitionBy cannot use every column: no data would be left to write");
  }
  return config;
}

/// Feeds a Parquet writer's bytes into a staged file.
class StagedOutputStream final : public parquet::OutputStream {
 public:
  explicit StagedOutputStream(StagedWriter* writer) : writer_(writer) {}
  Status Append(std::string_view bytes) override { return writer_->Append(bytes); }

 private:
  StagedWriter* writer_;
};

/// One output file of a batch, staged until Commit. Members are destroyed bottom-up: the
/// Parquet writer before the stream and the staged file it writes to.
struct StagedFile {
  std::string relative_path;  // "k=v/part-....json"
  size_t folder = 0;
  int64_t rows = 0;
  std::unique_ptr<StagedWriter> writer;
  std::unique_ptr<StagedOutputStream> stream;
  std::unique_ptr<parquet::ParquetFileWriter> parquet;  // open until the file rolls or commits
};

/// One partition folder of a batch.
struct Folder {
  std::string relative_dir;                        // "k1=v1/k2=v2", or ""
  std::vector<std::optional<std::string>> values;  // display text per partition column
  int64_t next_sequence = 0;
  std::optional<size_t> open_file;  // index into BatchState::files
};

/// Everything staged for one batch id.
struct BatchState {
  bool already_committed = false;  // the table log has the entry: Write stages nothing
  std::unordered_map<std::string, size_t> folder_index;
  std::vector<Folder> folders;
  std::vector<StagedFile> files;
};

class FilesSink final : public Sink {
 public:
  FilesSink(SinkContext context, FilesSinkConfig config, std::shared_ptr<FileSystem> fs)
      : context_(std::move(context)),
        config_(std::move(config)),
        fs_(std::move(fs)),
        encoder_(*context_.schema, config_.data_columns),
        query_prefix_(context_.query_id.substr(0, 8)),
        budget_(config_.writer_memory_limit) {
    std::vector<Field> fields;
    for (int index : config_.data_columns) fields.push_back(context_.schema->field(index));
    data_schema_ = std::make_shared<Schema>(std::move(fields));
  }

  Status Open() override {
    RETURN_NOT_OK(RemoveTemporaries(*fs_, JoinPath(config_.path, kLogDir)));
    return fs_->Remove(JoinPath(config_.path, kStagingDir));
  }

  Status Write(int64_t batch_id, const Batch& batch) override {
    auto [it, inserted] = batches_.try_emplace(batch_id);
    BatchState& state = it->second;
    if (inserted) {
      ASSIGN_OR_RETURN(state.already_committed, fs_->Exists(LogPath(batch_id)));
      // Staged files are appended to: start from nothing even if Open() was not called.
      RETURN_NOT_OK(fs_->Remove(StagingDir(batch_id)));
    }
    if (state.already_committed || batch.num_rows() == 0) {
      SLUICE_FAULT_POINT("files.after_stage");
      return Status::OK();
    }
    // Route rows to folders (one reused key buffer: no allocation per row once warm).
    for (auto& rows : rows_by_folder_) rows.clear();
    if (config_.partition_columns.empty()) {
      size_t folder = FolderFor(state, batch, 0, std::string());
      RowsOf(folder).resize(static_cast<size_t>(batch.num_rows()));
      auto& rows = RowsOf(folder);
      for (int64_t row = 0; row < batch.num_rows(); ++row) {
        rows[static_cast<size_t>(row)] = static_cast<int32_t>(row);
      }
    } else {
      for (int64_t row = 0; row < batch.num_rows(); ++row) {
        key_.clear();
        for (size_t k = 0; k < config_.partition_columns.size(); ++k) {
          const int index = config_.partition_columns[k];
          const Column& column = *batch.column(index);
          if (k > 0) key_.push_back('/');
          AppendHiveEscaped(context_.schema->field(index).name, key_);
          key_.push_back('=');
          cell_.clear();
          if (column.IsValid(row)) AppendCellText(column, row, cell_);
          if (cell_.empty()) {
            key_.append(kHiveDefaultPartition);
          } else {
            AppendHiveEscaped(cell_, key_);
          }
        }
        size_t folder = FolderFor(state, batch, row, key_);
        RowsOf(folder).push_back(static_cast<int32_t>(row));
      }
    }
    // Encode each folder's rows, rolling files at maxRecordsPerFile and targetFileSize.
    for (size_t folder = 0; folder < state.folders.size() && folder < rows_by_folder_.size();
         ++folder) {
      const std::vector<int32_t>& rows = rows_by_folder_[folder];
      size_t done = 0;
      while (done < rows.size()) {
        ASSIGN_OR_RETURN(StagedFile * file, OpenFileFor(state, batch_id, folder));
        size_t take = rows.size() - done;
        if (config_.max_records_per_file > 0) {
          take = std::min(take, static_cast<size_t>(config_.max_records_per_file - file->rows));
        }
        if (config_.target_file_size > 0) {
          take = std::min(take, static_cast<size_t>(kRowsPerSizeCheck));
        }
        int64_t file_size = 0;
        if (config_.parquet) {
          Batch rows_batch = DataRows(batch, rows.data() + done, static_cast<int64_t>(take));
          RETURN_NOT_OK(file->parquet->Write(rows_batch));
          file_size = file->parquet->estimated_size();
        } else {
          buffer_.clear();
          encoder_.EncodeRows(batch, rows.data() + done, static_cast<int64_t>(take), buffer_);
          RETURN_NOT_OK(file->writer->Append(buffer_));
          file_size = file->writer->bytes_written();
        }
        file->rows += static_cast<int64_t>(take);
        done += take;
        const bool full =
            (config_.max_records_per_file > 0 && file->rows >= config_.max_records_per_file) ||
            (config_.target_file_size > 0 && file_size >= config_.target_file_size);
        if (full) {  // roll: the next rows start a new file
          RETURN_NOT_OK(CloseFile(*file));
          state.folders[folder].open_file.reset();
        }
      }
    }
    SLUICE_FAULT_POINT("files.after_stage");
    return Status::OK();
  }

  Result<SinkBatchStats> Commit(int64_t batch_id) override {
    const std::string log_path = LogPath(batch_id);
    ASSIGN_OR_RETURN(bool committed, fs_->Exists(log_path));
    if (committed) {
      RETURN_NOT_OK(Abort(batch_id));
      return StatsFromLog(log_path);
    }
    BatchState empty;
    auto it = batches_.find(batch_id);
    BatchState& state = it == batches_.end() ? empty : it->second;
    std::vector<StagedFile*> files;
    for (auto& file : state.files) files.push_back(&file);
    std::sort(files.begin(), files.end(), [](const StagedFile* a, const StagedFile* b) {
      return a->relative_path < b->relative_path;
    });

    SinkBatchStats stats;
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    bool first = true;
    for (StagedFile* file : files) RETURN_NOT_OK(CloseFile(*file));
    for (StagedFile* file : files) {
      const int64_t bytes = file->writer->bytes_written();
      Status published = file->writer->Publish();
      if (!published.ok()) {
        return Status::Commit("files sink: publishing {} of batch {} failed: {}",
                              file->relative_path, batch_id, published.message());
      }
      if (first) {
        first = false;
        SLUICE_FAULT_POINT("files.mid_publish");
      }
      nlohmann::ordered_json entry;
      entry["path"] = file->relative_path;
      entry["rows"] = file->rows;
      entry["bytes"] = bytes;
      nlohmann::ordered_json partition = nlohmann::ordered_json::object();
      const Folder& folder = state.folders[file->folder];
      for (size_t k = 0; k < config_.partition_columns.size(); ++k) {
        const std::string& name = context_.schema->field(config_.partition_columns[k]).name;
        if (folder.values[k]) {
          partition[name] = *folder.values[k];
        } else {
          partition[name] = nullptr;
        }
      }
      entry["partition"] = std::move(partition);
      entries.push_back(std::move(entry));
      stats.rows += file->rows;
      stats.bytes += bytes;
      stats.files += 1;
    }
    SLUICE_FAULT_POINT("files.after_publish");

    Clock* clock = context_.clock != nullptr ? context_.clock : &SystemClock();
    nlohmann::ordered_json log;
    log["batchId"] = batch_id;
    log["queryId"] = context_.query_id;
    log["rows"] = stats.rows;
    log["bytes"] = stats.bytes;
    log["files"] = std::move(entries);
    log["committedAt"] = FormatTimestampIso(clock->NowMicros());
    Status logged = fs_->Put(log_path, log.dump());
    if (!logged.ok()) {
      return Status::Commit("files sink: writing the table log entry {} failed: {}", log_path,
                            logged.message());
    }
    if (it != batches_.end()) batches_.erase(it);
    RETURN_NOT_OK(RemoveStaging(batch_id));
    return stats;
  }

  Status Abort(int64_t batch_id) override {
    auto it = batches_.find(batch_id);
    if (it != batches_.end()) {
      for (auto& file : it->second.files) {
        file.parquet.reset();
        if (file.writer) (void)file.writer->Abort();
      }
      batches_.erase(it);
    }
    return RemoveStaging(batch_id);
  }

  Result<int64_t> LastCommitted() override {
    auto listing = fs_->List(JoinPath(config_.path, kLogDir));
    if (!listing.ok()) {
      if (listing.status().IsNotFound()) return int64_t{-1};
      return listing.status();
    }
    int64_t last = -1;
    for (const auto& info : *listing) {
      if (info.is_directory) continue;
      std::string_view name = info.path;
      size_t slash = name.find_last_of('/');
      if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
      if (name.size() != 20) continue;  // temporary files of Put and anything else
      auto id = ParseInt64(name);
      if (id && *id > last) last = *id;
    }
    return last;
  }

  Status Close() override {
    std::vector<int64_t> pending;
    for (const auto& [batch_id, state] : batches_) pending.push_back(batch_id);
    for (int64_t batch_id : pending) RETURN_NOT_OK(Abort(batch_id));
    return Status::OK();
  }

  std::string Describe() const override {
    std::string text =
        fmt::format("files[path={}, format={}", config_.path, config_.parquet ? "parquet" : "json");
    if (config_.parquet) {
      text += fmt::format(", compression={}",
                          ToLower(parquet::CodecName(config_.parquet_options.codec)));
    }
    if (!config_.partition_columns.empty()) {
      std::vector<std::string> names;
      for (int index : config_.partition_columns) {
        names.push_back(context_.schema->field(index).name);
      }
      text += fmt::format(", partitionBy={}", Join(names, ","));
    }
    return text + "]";
  }

 private:
  std::string LogPath(int64_t batch_id) const {
    return JoinPath(JoinPath(config_.path, kLogDir), FilesSinkLogName(batch_id));
  }
  std::string StagingDir(int64_t batch_id) const {
    return JoinPath(JoinPath(config_.path, kStagingDir), std::to_string(batch_id));
  }

  /// Drops the staging folder of a batch, and the whole staging area once nothing is pending.
  Status RemoveStaging(int64_t batch_id) {
    if (batches_.empty()) return fs_->Remove(JoinPath(config_.path, kStagingDir));
    return fs_->Remove(StagingDir(batch_id));
  }

  std::vector<int32_t>& RowsOf(size_t folder) {
    if (rows_by_folder_.size() <= folder) rows_by_folder_.resize(folder + 1);
    return rows_by_folder_[folder];
  }

  /// The folder for `key` (created on first use, remembering the row's partition values).
  size_t FolderFor(BatchState& state, const Batch& batch, int64_t row, const std::string& key) {
    auto found = state.folder_index.find(key);
    if (found != state.folder_index.end()) return found->second;
    Folder folder;
    folder.relative_dir = key;
    for (int index : config_.partition_columns) {
      const Column& column = *batch.column(index);
      std::string text;
      if (column.IsValid(row)) AppendCellText(column, row, text);
      folder.values.push_back(column.IsValid(row) ? std::optional<std::string>(std::move(text))
                                                  : std::nullopt);
    }
    size_t index = state.folders.size();
    state.folders.push_back(std::move(folder));
    state.folder_index.emplace(key, index);
    RowsOf(index);
    return index;
  }

  /// The data columns of the selected rows, as a batch of the file schema.
  Batch DataRows(const Batch& batch, const int32_t* rows, int64_t count) const {
    std::vector<ColumnRef> columns;
    columns.reserve(config_.data_columns.size());
    // Contiguous rows (no partitioning, or one partition run): a zero-copy slice.
    const bool contiguous = count > 0 && rows[count - 1] - rows[0] == count - 1;
    for (int index : config_.data_columns) {
      columns.push_back(contiguous ? batch.column(index)->Slice(rows[0], count)
                                   : Take(*batch.column(index), rows, count));
    }
    auto result = Batch::Make(data_schema_, std::move(columns), count);
    SLUICE_DCHECK(result.ok(), result.status().ToString());
    return std::move(result).ValueOrDie();
  }

  /// Writes the Parquet footer of a file (no-op for JSON or a closed file).
  static Status CloseFile(StagedFile& file) {
    if (!file.parquet) return Status::OK();
    RETURN_NOT_OK(file.parquet->Close());
    file.parquet.reset();
    return Status::OK();
  }

  /// The open file of a folder, or a new one with the next sequence number.
  Result<StagedFile*> OpenFileFor(BatchState& state, int64_t batch_id, size_t folder_idx) {
    Folder& folder = state.folders[folder_idx];
    if (folder.open_file) return &state.files[*folder.open_file];
    std::string name = FilesSinkFileName(batch_id, folder.next_sequence++, query_prefix_,
                                         config_.parquet ? "parquet" : "json");
    std::string relative = folder.relative_dir.empty() ? name : folder.relative_dir + "/" + name;
    StagedFile file;
    file.relative_path = relative;
    file.folder = folder_idx;
    ASSIGN_OR_RETURN(file.writer,
                     fs_->OpenStaged(JoinPath(StagingDir(batch_id), relative + ".inprogress"),
                                     JoinPath(config_.path, relative)));
    if (config_.parquet) {
      file.stream = std::make_unique<StagedOutputStream>(file.writer.get());
      ASSIGN_OR_RETURN(file.parquet,
                       parquet::ParquetFileWriter::Open(data_schema_, config_.parquet_options,
                                                        file.stream.get(), &budget_));
    }
    folder.open_file = state.files.size();
    state.files.push_back(std::move(file));
    return &state.files.back();
  }

  Result<SinkBatchStats> StatsFromLog(const std::string& log_path) {
    SinkBatchStats stats;
    ASSIGN_OR_RETURN(std::string text, fs_->Get(log_path));
    auto log = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (log.is_object()) {
      stats.rows = log.value("rows", int64_t{0});
      stats.bytes = log.value("bytes", int64_t{0});
      if (log.contains("files") && log["files"].is_array()) {
        stats.files = static_cast<int64_t>(log["files"].size());
      }
    }
    return stats;
  }

  SinkContext context_;
  FilesSinkConfig config_;
  std::shared_ptr<FileSystem> fs_;
  JsonLinesEncoder encoder_;
  std::string query_prefix_;
  SchemaRef data_schema_;         // the columns written into the files
  parquet::MemoryBudget budget_;  // shared by this sink's open Parquet writers
  std::map<int64_t, BatchState> batches_;
  // Scratch reused across Write calls.
  std::string key_;
  std::string cell_;
  std::string buffer_;
  std::vector<std::vector<int32_t>> rows_by_folder_;
};

std::vector<OptionSpec> FilesSinkOptions() {
  return {
      {.name = "path",
       .type = OptionType::kString,
       .description = "Output folder (local path or file:// URI).",
       .required = true},
      {.name = "format",
       .type = OptionType::kEnum,
       .default_value = "json",
       .description = "File format: json (JSON lines) or parquet.",
       .allowed = {"json", "parquet"}},
      {.name = "partitionBy",
       .type = OptionType::kList,
       .description = "Columns to partition the output by, as Hive-style folders k=v/."},
      {.name = "maxRecordsPerFile",
       .type = OptionType::kInt,
       .default_value = "0",
       .description = "Rows per file before rolling to the next one; 0 = unlimited.",
       .min_value = 0},
      {.name = "targetFileSize",
       .type = OptionType::kSize,
       .default_value = "0",
       .description = "Roll to the next file once a file passes this size (also within a "
                      "batch); 0 = unlimited.",
       .min_value = 0},
      {.name = "compression",
       .type = OptionType::kEnum,
       .default_value = "snappy",
       .description = "Parquet codec: uncompressed, snappy, zstd, gzip or lz4_raw.",
       .allowed = {"uncompressed", "snappy", "zstd", "gzip", "lz4_raw"}},
      {.name = "compressionLevel",
       .type = OptionType::kInt,
       .default_value = "0",
       .description = "Parquet zstd (1-22) or gzip (1-9) level; 0 = the codec's default (3, 6).",
       .min_value = 0},
      {.name = "rowGroupSize",
       .type = OptionType::kSize,
       .default_value = "128MB",
       .description = "Parquet: bytes buffered per file before its row group is written.",
       .min_value = 1},
      {.name = "pageSize",
       .type = OptionType::kSize,
       .default_value = "1MB",
       .description = "Parquet: uncompressed bytes per data page.",
       .min_value = 1},
      {
          .name = "dictionary",
          .type = OptionType::kBool,
          .default_value = "true",
          .description = "Parquet: dictionary-encode columns (falls back to PLAIN past 1MB).",
      },
      {.name = "dataPageVersion",
       .type = OptionType::kEnum,
       .default_value = "v1",
       .description = "Parquet data page version: v1 (every reader) or v2.",
       .allowed = {"v1", "v2"}},
      {.name = "writerMemoryLimit",
       .type = OptionType::kSize,
       .default_value = "512MB",
       .description = "Parquet: bytes all open files of the sink may buffer; past it the "
                      "largest flushes its row group.",
       .min_value = 1},
  };
}

}  // namespace

void DescribeFilesSink(ConnectorDef* def) {
  def->sink_options = FilesSinkOptions();
  def->sink_requires_checkpoint = true;
  def->validate_sink = [](const Schema& input, const OptionSet& options) -> Status {
    RETURN_NOT_OK(MakeConfig(input, options));
    return FileSystemForPath(options.GetString("path")).status();
  };
  def->create_sink = [](SinkContext context) -> Result<std::unique_ptr<Sink>> {
    if (context.schema == nullptr) return Status::Internal("files sink created without a schema");
    if (context.query_id.empty()) return Status::Internal("files sink created without a query id");
    ASSIGN_OR_RETURN(FilesSinkConfig config, MakeConfig(*context.schema, context.options));
    ASSIGN_OR_RETURN(std::shared_ptr<FileSystem> fs, FileSystemForPath(config.path));
    return std::unique_ptr<Sink>(
        std::make_unique<FilesSink>(std::move(context), std::move(config), std::move(fs)));
  };
}

}  // namespace sluice
