// Files sink, exactly-once (ARCHITECTURE.md §2):
//   Write(N)  -> rows appended to `<path>/_sluice_staging/<N>/<dir>/<name>.inprogress`
//   Commit(N) -> every staged file renamed to `<path>/<dir>/<name>` (deterministic names), then
//                the table log entry `<path>/_sluice_log/<N, 20 digits>` written atomically.
// A replay of N after a crash anywhere before the log entry rewrites the same names with the same
// bytes; once the entry exists, Commit(N) is a no-op. Commit(N) records the names it is about to
// publish in `_sluice_log/<N>.publishing` first, so that a replay rolling files at other points
// (or reading fewer rows) removes what the interrupted publish left and it would not replace.
#include "connectors/files/files_sink.h"
#include "connectors/files/files.h"
#include "connectors/files/table_log.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <absl/time/time.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "columnar/value.h"
#include "common/fault_point.h"
#include "common/logging.h"
#include "common/strings.h"
#include "common/time_util.h"
#include "connectors/connector.h"
#include "exec/date_pattern.h"
#include "formats/json_lines.h"
#include "formats/parquet/encodings.h"
#include "formats/parquet/file_writer.h"
#include "formats/parquet/parallel.h"

namespace sluice {

namespace {

constexpr std::string_view kStagingDir = "_sluice_staging";

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

/// One piece of a `pathTemplate`: literal text, a column's value (`%{col}`) or the time column
/// formatted with a pattern (`%{+yyyy-MM-dd}`).
struct TemplatePart {
  enum class Kind { kLiteral, kColumn, kTime } kind = Kind::kLiteral;
  std::string literal;
  int column = -1;
  std::shared_ptr<DatePattern> pattern;
};

/// Validated settings of one files sink.
struct FilesSinkConfig {
  std::vector<TemplatePart> path_template;  // empty = partitionBy (or no) folders
  int time_column = -1;                     // pathTemplate's time column (TIMESTAMP)
  absl::TimeZone time_zone = absl::UTCTimeZone();
  std::string path;
  std::vector<int> partition_columns;  // indices into the input schema
  std::vector<int> data_columns;       // the rest, written into the files
  int64_t max_records_per_file = 0;
  int64_t target_file_size = 0;     // bytes; 0 = no size-based rolling
  int64_t max_file_age_micros = 0;  // files stay open across batches up to this; 0 = one batch
  bool parquet = false;
  parquet::WriterOptions parquet_options;
  int64_t writer_memory_limit = 0;   // bytes shared by the open Parquet writers
  int64_t log_compact_interval = 0;  // table log entries per snapshot; 0 = never
};

/// Rows encoded per step when files roll by size: the size is checked between steps.
constexpr int64_t kRowsPerSizeCheck = 4096;

Status UnknownColumn(std::string_view what, const std::string& column,
                     const std::vector<std::string>& names) {
  std::string message = fmt::format("{} '{}' is not a column of the rows written", what, column);
  if (auto match = ClosestMatch(column, names)) {
    message += fmt::format(" (did you mean '{}'?)", *match);
  }
  message += fmt::format("; columns: {}", Join(names, ", "));
  return Status(StatusCode::kConfig, std::move(message));
}

/// `pathTemplate`, e.g. `dt=%{+yyyy-MM-dd}/hour=%{+HH}/api=%{api_version}` (logstash's `%{}`
/// syntax with Spark's datetime pattern letters), with `pathTemplateTimeColumn` and
/// `pathTemplateTimeZone`.
Status ParsePathTemplate(const Schema& input, const OptionSet& options,
                         const std::vector<std::string>& names, FilesSinkConfig* config) {
  const std::string text = options.GetString("pathTemplate");
  const bool has_column = options.Has("pathTemplateTimeColumn");
  if (text.empty()) {
    if (has_column) return Status::Config("pathTemplateTimeColumn needs a pathTemplate");
    return Status::OK();
  }
  if (!options.GetList("partitionBy").empty()) {
    return Status::Config("pathTemplate and partitionBy cannot be used together");
  }
  if (text.front() == '/' || text.back() == '/') {
    return Status::Config("pathTemplate '{}' must not start or end with '/'", text);
  }
  for (const auto& segment : Split(text, '/')) {
    if (segment.empty() || segment == "." || segment == ".." || segment[0] == '_' ||
        segment[0] == '.') {
      return Status::Config(
          "pathTemplate '{}': folder '{}' is empty, relative, or hidden from lake readers (starts "
          "with '_' or '.')",
          text, segment);
    }
  }
  bool uses_time = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("%{", pos);
    if (open == std::string::npos) open = text.size();
    if (open > pos) {
      config->path_template.push_back(
          {.kind = TemplatePart::Kind::kLiteral, .literal = text.substr(pos, open - pos)});
    }
    if (open == text.size()) break;
    size_t close = text.find('}', open + 2);
    if (close == std::string::npos) {
      return Status::Config("pathTemplate '{}': '%{{' at {} has no closing '}}'", text, open);
    }
    std::string inner = text.substr(open + 2, close - open - 2);
    if (inner.empty() || inner == "+") {
      return Status::Config("pathTemplate '{}': empty %{{}} at {}", text, open);
    }
    if (inner[0] == '+') {
      auto pattern = DatePattern::Compile(inner.substr(1));
      if (!pattern.ok()) {
        return Status::Config("pathTemplate '{}': %{{{}}}: {}", text, inner,
                              pattern.status().message());
      }
      config->path_template.push_back(
          {.kind = TemplatePart::Kind::kTime,
           .pattern = std::make_shared<DatePattern>(std::move(pattern).ValueOrDie())});
      uses_time = true;
    } else {
      int index = input.FieldIndex(inner);
      if (index < 0) return UnknownColumn("pathTemplate column", inner, names);
      if (input.field(index).type->is_nested()) {
        return Status::Config(
            "pathTemplate column '{}' has type {}: nested types cannot name folders", inner,
            input.field(index).type->ToString());
      }
      config->path_template.push_back({.kind = TemplatePart::Kind::kColumn, .column = index});
    }
    pos = close + 1;
  }
  if (uses_time) {
    if (!has_column) {
      return Status::Config(
          "pathTemplate '{}' formats the event time: set pathTemplateTimeColumn to a TIMESTAMP "
          "column",
          text);
    }
    const std::string column = options.GetString("pathTemplateTimeColumn");
    config->time_column = input.FieldIndex(column);
    if (config->time_column < 0) return UnknownColumn("pathTemplateTimeColumn", column, names);
    if (input.field(config->time_column).type->id() != TypeId::kTimestamp) {
      return Status::Config("pathTemplateTimeColumn '{}' has type {}, not TIMESTAMP", column,
                            input.field(config->time_column).type->ToString());
    }
  }
  const std::string zone = options.GetString("pathTemplateTimeZone");
  if (!zone.empty() && !absl::LoadTimeZone(zone, &config->time_zone)) {
    return Status::Config(
        "pathTemplateTimeZone '{}' is not a known time zone (IANA names such as "
        "'Europe/Paris', or 'UTC')",
        zone);
  }
  return Status::OK();
}

/// Undoes AppendHiveEscaped (for the partition values recorded in the table log).
std::string HiveUnescaped(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Result<FilesSinkConfig> MakeConfig(const Schema& input, const OptionSet& options) {
  FilesSinkConfig config;
  config.path = options.GetString("path");
  while (config.path.size() > 1 && config.path.back() == '/') config.path.pop_back();
  if (config.path.empty()) return Status::Config("option 'path' of the files sink is empty");
  config.max_records_per_file = options.GetInt("maxRecordsPerFile");
  config.target_file_size = options.GetSizeBytes("targetFileSize");
  config.max_file_age_micros = options.GetDurationMicros("maxFileAge");
  config.log_compact_interval = options.GetInt("logCompactInterval");
  config.parquet = ToLower(options.GetString("format")) == "parquet";
  if (config.parquet) {
    parquet::WriterOptions& parquet = config.parquet_options;
    ASSIGN_OR_RETURN(parquet.codec, parquet::CodecFromName(options.GetString("compression")));
    const int64_t level = options.GetInt("compressionLevel");
    if (level != 0) {
      if (parquet.codec == parquet::Codec::kZstd && (level < 1 || level > 22)) {
        return Status::Config("compressionLevel {} is out of range for zstd (1..22)", level);
      }
      if (parquet.codec == parquet::Codec::kGzip && (level < 1 || level > parquet::kMaxGzipLevel)) {
        return Status::Config("compressionLevel {} is out of range for gzip (1..{})", level,
                              parquet::kMaxGzipLevel);
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
  RETURN_NOT_OK(ParsePathTemplate(input, options, names, &config));
  for (const auto& column : options.GetList("partitionBy")) {
    int index = input.FieldIndex(column);
    if (index < 0) return UnknownColumn("partitionBy column", column, names);
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

/// `config` with its Parquet files encoded on up to `threads` threads (the query's
/// threadsPerQuery; the bytes are the same for any count).
FilesSinkConfig WithEncodeThreads(FilesSinkConfig config, int threads) {
  config.parquet_options.encode_threads = std::clamp(threads, 1, parquet::kMaxEncodeThreads);
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
  std::string relative_dir;  // "k1=v1/k2=v2", or ""
  /// Partition values for the table log: per partitionBy column, or per `k=v` folder of a
  /// pathTemplate; nullopt = NULL.
  std::vector<std::pair<std::string, std::optional<std::string>>> values;
  int64_t next_sequence = 0;
  std::optional<size_t> open_file;  // index into BatchState::files
};

/// The open files: everything staged since the last publish. Without maxFileAge, one batch;
/// with it, the batches first_batch..current whose files stay open until they are old enough.
struct BatchState {
  bool already_committed = false;     // the table log has first_batch: Write stages nothing
  int64_t first_batch = 0;            // names the files and the staging folder
  int64_t current = 0;                // the batch being written
  int64_t last_held = -1;             // the last batch committed into the open files, or -1
  int64_t first_timestamp_ms = 0;     // first_batch's logical time: the files' age
  std::optional<SinkBatchInfo> info;  // from BeginBatch of `current`
  std::string source_name;
  /// Source offsets of the batches committed into the files: [first start, last end).
  std::map<std::string, std::pair<int64_t, int64_t>> source_ranges;
  int64_t batch_timestamp_ms = -1;  // of the last batch committed into the files
  std::unordered_map<std::string, size_t> folder_index;
  /// The same folders by their partition values' raw bytes (RawPartitionKey): several raw keys
  /// may name one folder (e.g. -0.0 and 0.0), never the reverse.
  std::unordered_map<std::string, size_t> raw_folder_index;
  std::vector<Folder> folders;
  std::vector<StagedFile> files;
};

class FilesSink final : public Sink {
 public:
  FilesSink(SinkContext context, FilesSinkConfig config, std::shared_ptr<FileSystem> fs)
      : context_(std::move(context)),
        config_(WithEncodeThreads(std::move(config), context_.threads)),
        fs_(std::move(fs)),
        encoder_(*context_.schema, config_.data_columns),
        query_prefix_(context_.query_id.substr(0, 8)),
        budget_(config_.writer_memory_limit, &parquet::MemoryBudget::Process()),
        log_(fs_, config_.path) {
    std::vector<Field> fields;
    for (int index : config_.data_columns) fields.push_back(context_.schema->field(index));
    data_schema_ = std::make_shared<Schema>(std::move(fields));
  }

  Status Open() override {
    RETURN_NOT_OK(RemoveTemporaries(*fs_, log_.dir()));
    // Removing the staging area also aborts the multipart uploads its markers name; uploads a
    // crash left without a marker are found by listing (where the store can list them).
    RETURN_NOT_OK(fs_->Remove(JoinPath(config_.path, kStagingDir)));
    RETURN_NOT_OK(log_.RemoveStalePublishing());
    return fs_->AbortOpenUploads(config_.path);
  }

  Status BeginBatch(int64_t batch_id, const SinkBatchInfo& info) override {
    ASSIGN_OR_RETURN(BatchState * state, StateFor(batch_id));
    state->info = info;
    if (batch_id == state->first_batch) state->first_timestamp_ms = info.batch_timestamp_ms;
    return Status::OK();
  }

  Status Write(int64_t batch_id, const Batch& batch) override {
    ASSIGN_OR_RETURN(BatchState * state_ptr, StateFor(batch_id));
    BatchState& state = *state_ptr;
    if (state.already_committed || batch.num_rows() == 0) {
      SLUICE_FAULT_POINT("files.after_stage");
      return Status::OK();
    }
    // Route rows to folders (one reused key buffer: no allocation per row once warm).
    for (auto& rows : rows_by_folder_) rows.clear();
    if (!config_.path_template.empty()) {
      for (int64_t row = 0; row < batch.num_rows(); ++row) {
        TemplateKey(batch, row);
        size_t folder = FolderFor(state, batch, row, key_);
        RowsOf(folder).push_back(static_cast<int32_t>(row));
      }
    } else if (config_.partition_columns.empty()) {
      size_t folder = FolderFor(state, batch, 0, std::string());
      RowsOf(folder).resize(static_cast<size_t>(batch.num_rows()));
      auto& rows = RowsOf(folder);
      for (int64_t row = 0; row < batch.num_rows(); ++row) {
        rows[static_cast<size_t>(row)] = static_cast<int32_t>(row);
      }
    } else {
      // Per row, the partition values' raw bytes find the folder; the folder's text (formatted,
      // Hive-escaped) is built only for a combination not seen before.
      for (int64_t row = 0; row < batch.num_rows(); ++row) {
        RawPartitionKey(batch, row);
        size_t folder;
        auto found = state.raw_folder_index.find(raw_key_);
        if (found != state.raw_folder_index.end()) {
          folder = found->second;
        } else {
          key_.clear();
          for (size_t k = 0; k < config_.partition_columns.size(); ++k) {
            const int index = config_.partition_columns[k];
            if (k > 0) key_.push_back('/');
            AppendHiveEscaped(context_.schema->field(index).name, key_);
            key_.push_back('=');
            AppendFolderValue(*batch.column(index), row);
          }
          folder = FolderFor(state, batch, row, key_);
          state.raw_folder_index.emplace(raw_key_, folder);
        }
        RowsOf(folder).push_back(static_cast<int32_t>(row));
      }
    }
    // Encode each folder's rows, rolling files at maxRecordsPerFile and targetFileSize.
    for (size_t folder = 0; folder < state.folders.size() && folder < rows_by_folder_.size();
         ++folder) {
      const std::vector<int32_t>& rows = rows_by_folder_[folder];
      size_t done = 0;
      while (done < rows.size()) {
        ASSIGN_OR_RETURN(StagedFile * file, OpenFileFor(state, state.first_batch, folder));
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
        SLUICE_FAULT_POINT("files.mid_file");  // a staged file holds part of its rows
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
    ASSIGN_OR_RETURN(bool committed, log_.IsCommitted(batch_id));
    if (committed) {
      if (open_ && open_->last_held >= 0) {
        // Batches are committed in order: an older batch cannot still be held.
        return Status::Internal(
            "files sink: batch {} is in the table log while batches {}..{} are "
            "held",
            batch_id, open_->first_batch, open_->last_held);
      }
      RETURN_NOT_OK(Abort(batch_id));
      return StatsFromLog(batch_id);
    }
    ASSIGN_OR_RETURN(BatchState * state_ptr, StateFor(batch_id));
    BatchState& state = *state_ptr;
    // The batch joins the open files.
    state.last_held = batch_id;
    if (state.info) {
      if (state.source_name.empty()) state.source_name = state.info->source_name;
      for (const auto& [partition, range] : state.info->source_ranges) {
        auto [it, inserted] = state.source_ranges.try_emplace(partition, range);
        if (!inserted) it->second.second = range.second;
      }
      state.batch_timestamp_ms = state.info->batch_timestamp_ms;
    }
    if (Holds(state)) {
      SinkBatchStats held;
      held.held = true;
      return held;
    }
    return Publish(state);
  }

  Result<SinkBatchStats> PublishHeld() override {
    if (!open_ || open_->last_held < 0) return SinkBatchStats{};
    return Publish(*open_);
  }

  std::optional<int64_t> FlushDeadlineMicros() const override {
    if (!open_ || open_->last_held < 0 || config_.max_file_age_micros <= 0) return std::nullopt;
    return open_->first_timestamp_ms * 1000 + config_.max_file_age_micros;
  }

  /// Whether `state`'s files stay open after its last batch (maxFileAge not reached; the age is
  /// the batches' logical time, so a replay decides the same). Files with no rows are not held.
  bool Holds(const BatchState& state) const {
    if (config_.max_file_age_micros <= 0 || state.files.empty() || state.already_committed) {
      return false;
    }
    const int64_t age_micros = (state.batch_timestamp_ms - state.first_timestamp_ms) * 1000;
    return age_micros < config_.max_file_age_micros;
  }

  /// Closes and publishes the open files, then writes the table log entry of their batches
  /// (named by the last one; `firstBatchId` when they span several).
  Result<SinkBatchStats> Publish(BatchState& state) {
    const int64_t batch_id = state.last_held;
    const int64_t first_batch = state.first_batch;  // names the files and the publish intent
    std::vector<StagedFile*> files;
    for (auto& file : state.files) files.push_back(&file);
    std::sort(files.begin(), files.end(), [](const StagedFile* a, const StagedFile* b) {
      return a->relative_path < b->relative_path;
    });

    SinkBatchStats stats;
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    bool first = true;
    for (StagedFile* file : files) RETURN_NOT_OK(CloseFile(*file));
    ASSIGN_OR_RETURN(const bool intent, PublishIntent(first_batch, files));
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
      if (file != files.back()) SLUICE_FAULT_POINT("files.between_publishes");
      nlohmann::ordered_json entry;
      entry["path"] = file->relative_path;
      entry["rows"] = file->rows;
      entry["bytes"] = bytes;
      nlohmann::ordered_json partition = nlohmann::ordered_json::object();
      const Folder& folder = state.folders[file->folder];
      for (const auto& [name, value] : folder.values) {
        if (value) {
          partition[name] = *value;
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
    if (first_batch != batch_id) log["firstBatchId"] = first_batch;
    log["queryId"] = context_.query_id;
    log["rows"] = stats.rows;
    log["bytes"] = stats.bytes;
    log["files"] = std::move(entries);
    if (state.batch_timestamp_ms >= 0) {
      nlohmann::ordered_json offsets = nlohmann::ordered_json::object();
      for (const auto& [partition, range] : state.source_ranges) {
        offsets[partition] = {range.first, range.second};
      }
      log["source"] = {{"name", state.source_name}, {"offsets", std::move(offsets)}};
      log["batchTimestamp"] = FormatTimestampIso(state.batch_timestamp_ms * 1000);
    }
    log["schema"] = SchemaJson();
    log["committedAt"] = FormatTimestampIso(clock->NowMicros());
    Status logged = log_.Append(batch_id, log);
    if (!logged.ok()) {
      return Status::Commit("files sink: writing the table log entry {} failed: {}",
                            log_.EntryPath(batch_id), logged.message());
    }
    if (intent) {
      Status removed = log_.RemovePublishing(first_batch);  // clutter if it stays, nothing worse
      if (!removed.ok()) SLUICE_LOG_WARN("files sink: {}", removed.ToString());
    }
    open_.reset();
    RETURN_NOT_OK(RemoveStaging());
    // Folding old entries into a snapshot is housekeeping: the batch is committed already.
    Status compacted = log_.MaybeCompact(config_.log_compact_interval);
    if (!compacted.ok()) SLUICE_LOG_WARN("files sink: {}", compacted.ToString());
    return stats;
  }

  Status Abort(int64_t batch_id) override {
    (void)batch_id;  // the open files hold every batch since the last publish: all go
    if (open_) {
      for (auto& file : open_->files) {
        file.parquet.reset();
        if (file.writer) (void)file.writer->Abort();
      }
      open_.reset();
    }
    return RemoveStaging();
  }

  Result<int64_t> LastCommitted() override { return log_.LastCommitted(); }

  Status Close() override {
    // Batches still held were not committed by the runtime: a restart replays them.
    if (open_) return Abort(open_->current);
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
  /// The open files `batch_id` writes to: those of the batches held so far when it is the next
  /// one, else new ones (the staging emptied).
  Result<BatchState*> StateFor(int64_t batch_id) {
    if (open_) {
      if (batch_id == open_->current) return &*open_;
      if (open_->last_held == open_->current && batch_id == open_->current + 1) {
        open_->current = batch_id;
        open_->info.reset();
        return &*open_;
      }
      RETURN_NOT_OK(Abort(open_->current));  // not a continuation: start over
    }
    open_.emplace();
    BatchState& state = *open_;
    state.first_batch = batch_id;
    state.current = batch_id;
    ASSIGN_OR_RETURN(state.already_committed, log_.IsCommitted(batch_id));
    // Staged files are appended to: start from nothing even if Open() was not called.
    RETURN_NOT_OK(fs_->Remove(StagingDir(batch_id)));
    return &state;
  }

  /// The partitionBy values of `row` as raw bytes into raw_key_ (a tag per value, then its fixed
  /// width bytes or length-prefixed string): cheap to build and hash, no formatting.
  void RawPartitionKey(const Batch& batch, int64_t row) {
    raw_key_.clear();
    for (int index : config_.partition_columns) {
      const Column& column = *batch.column(index);
      if (!column.IsValid(row)) {
        raw_key_.push_back('\0');
        continue;
      }
      raw_key_.push_back('\1');
      auto append = [&](const auto& value) {
        raw_key_.append(reinterpret_cast<const char*>(&value), sizeof(value));
      };
      switch (column.type()->id()) {
        case TypeId::kBoolean:
          raw_key_.push_back(column.BoolValue(row) ? '\1' : '\0');
          break;
        case TypeId::kInt32:
        case TypeId::kDate:
          append(column.Values<int32_t>()[row]);
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          append(column.Values<int64_t>()[row]);
          break;
        case TypeId::kDouble:
          append(column.Values<double>()[row]);
          break;
        case TypeId::kString: {
          const std::string_view text = column.StringValue(row);
          append(static_cast<uint32_t>(text.size()));
          raw_key_.append(text);
          break;
        }
        default: {  // anything else by its text
          cell_.clear();
          AppendCellText(column, row, cell_);
          append(static_cast<uint32_t>(cell_.size()));
          raw_key_.append(cell_);
          break;
        }
      }
    }
  }

  /// Appends a cell's display text to key_, Hive-escaped; NULL or empty as
  /// __HIVE_DEFAULT_PARTITION__.
  void AppendFolderValue(const Column& column, int64_t row) {
    cell_.clear();
    if (column.IsValid(row)) AppendCellText(column, row, cell_);
    if (cell_.empty()) {
      key_.append(kHiveDefaultPartition);
    } else {
      AppendHiveEscaped(cell_, key_);
    }
  }

  /// Renders the pathTemplate for one row into key_.
  void TemplateKey(const Batch& batch, int64_t row) {
    key_.clear();
    for (const TemplatePart& part : config_.path_template) {
      switch (part.kind) {
        case TemplatePart::Kind::kLiteral:
          key_.append(part.literal);
          break;
        case TemplatePart::Kind::kColumn: {
          AppendFolderValue(*batch.column(part.column), row);
          break;
        }
        case TemplatePart::Kind::kTime: {
          const Column& column = *batch.column(config_.time_column);
          if (!column.IsValid(row)) {
            key_.append(kHiveDefaultPartition);
            break;
          }
          const int64_t micros = column.Values<int64_t>()[row];
          cell_.resize(static_cast<size_t>(part.pattern->max_length()));
          const int64_t length =
              part.pattern->Format(micros + ZoneOffsetMicros(micros), cell_.data());
          cell_.resize(static_cast<size_t>(length));
          AppendHiveEscaped(cell_, key_);
          break;
        }
      }
    }
  }

  /// The pathTemplateTimeZone's UTC offset at `micros`, cached per quarter hour (every zone
  /// changes its offset on a quarter-hour boundary).
  int64_t ZoneOffsetMicros(int64_t micros) {
    constexpr int64_t kQuarterHour = 15LL * 60 * 1000 * 1000;
    const int64_t bucket = micros >= 0 ? micros / kQuarterHour : (micros + 1) / kQuarterHour - 1;
    if (bucket != zone_bucket_) {
      zone_bucket_ = bucket;
      const absl::Time time = absl::FromUnixMicros(bucket * kQuarterHour);
      zone_offset_micros_ = int64_t{config_.time_zone.At(time).offset} * 1000 * 1000;
    }
    return zone_offset_micros_;
  }

  /// The schema of the rows written (partition columns included), for the table log.
  nlohmann::ordered_json SchemaJson() const {
    nlohmann::ordered_json fields = nlohmann::ordered_json::array();
    for (const Field& field : context_.schema->fields()) {
      fields.push_back(
          {{"name", field.name}, {"type", field.type->ToString()}, {"nullable", field.nullable}});
    }
    return fields;
  }
  std::string StagingDir(int64_t batch_id) const {
    return JoinPath(JoinPath(config_.path, kStagingDir), std::to_string(batch_id));
  }

  /// Before `files` (sorted), named after `batch_id` (the first batch in them), are published:
  /// removes the files an interrupted
  /// earlier publish of the batch left that this one will not replace (a replay can roll files at
  /// other points, or see fewer rows after a data loss), then records `files` as the publish
  /// intent. Returns whether an intent is left to remove once the batch is committed.
  Result<bool> PublishIntent(int64_t batch_id, const std::vector<StagedFile*>& files) {
    ASSIGN_OR_RETURN(std::vector<std::string> previous, log_.ReadPublishing(batch_id));
    std::vector<std::string> paths;
    paths.reserve(files.size());
    for (const StagedFile* file : files) paths.push_back(file->relative_path);
    const std::string own_prefix = fmt::format("part-{:06d}-", batch_id);
    for (const std::string& path : previous) {
      if (std::binary_search(paths.begin(), paths.end(), path)) continue;
      // Only ever a data file of this batch inside the output (the intent is ours, but a damaged
      // one must not remove anything else).
      const std::string_view name = std::string_view(path).substr(path.find_last_of('/') + 1);
      if (!StartsWith(name, own_prefix) || path.find("..") != std::string::npos ||
          StartsWith(path, "/") || StartsWith(path, "_sluice")) {
        return Status::Commit(
            "files sink: the publish intent {} names '{}', not a file of batch {}",
            log_.PublishingPath(batch_id), path, batch_id);
      }
      SLUICE_LOG_INFO(
          "files sink: batch {} is replayed with other files than its interrupted "
          "publish; removing '{}' if that got published",
          batch_id, path);
      RETURN_NOT_OK(fs_->Remove(JoinPath(config_.path, path)));
    }
    if (paths.empty()) return !previous.empty();
    RETURN_NOT_OK(log_.WritePublishing(batch_id, paths));
    return true;
  }

  /// Drops the staging area (nothing is open any more).
  Status RemoveStaging() { return fs_->Remove(JoinPath(config_.path, kStagingDir)); }

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
      folder.values.emplace_back(
          context_.schema->field(index).name,
          column.IsValid(row) ? std::optional<std::string>(std::move(text)) : std::nullopt);
    }
    if (!config_.path_template.empty()) {
      for (const auto& segment : Split(key, '/')) {
        size_t eq = segment.find('=');
        if (eq == std::string::npos) continue;
        std::string value(segment.substr(eq + 1));
        folder.values.emplace_back(HiveUnescaped(segment.substr(0, eq)),
                                   value == kHiveDefaultPartition
                                       ? std::nullopt
                                       : std::optional<std::string>(HiveUnescaped(value)));
      }
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

  Result<SinkBatchStats> StatsFromLog(int64_t batch_id) {
    SinkBatchStats stats;
    auto read = log_.Read(batch_id);
    if (!read.ok() && read.status().IsNotFound()) return stats;  // inside a later entry's batches
    ASSIGN_OR_RETURN(nlohmann::json log, std::move(read));
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
  SchemaRef data_schema_;  // the columns written into the files
  // This sink's open Parquet writers; its parent is the process-wide budget of every sink.
  parquet::MemoryBudget budget_;
  TableLog log_;
  std::optional<BatchState> open_;  // the open files, if any
  // Scratch reused across Write calls.
  std::string key_;
  std::string raw_key_;
  std::string cell_;
  std::string buffer_;
  std::vector<std::vector<int32_t>> rows_by_folder_;
  int64_t zone_bucket_ = INT64_MIN;
  int64_t zone_offset_micros_ = 0;
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
      {.name = "pathTemplate",
       .type = OptionType::kString,
       .description = "Folders from the rows instead of partitionBy, e.g. "
                      "'dt=%{+yyyy-MM-dd}/hour=%{+HH}' or 'region=%{country}/%{+yyyy/MM}': "
                      "%{+PATTERN} formats pathTemplateTimeColumn with Spark's datetime pattern "
                      "letters in pathTemplateTimeZone, %{column} is a column's value "
                      "(Hive-escaped; NULL or empty = __HIVE_DEFAULT_PARTITION__). Columns stay "
                      "in the files."},
      {.name = "pathTemplateTimeColumn",
       .type = OptionType::kString,
       .description = "The TIMESTAMP column pathTemplate's %{+PATTERN} parts format (the event "
                      "time)."},
      {.name = "pathTemplateTimeZone",
       .type = OptionType::kString,
       .default_value = "UTC",
       .description = "Time zone of pathTemplate's %{+PATTERN} parts: an IANA name "
                      "('Europe/Paris') or 'UTC'."},
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
      {.name = "maxFileAge",
       .type = OptionType::kDuration,
       .default_value = "0",
       .description = "Keep files open across batches until the oldest batch in them is this old "
                      "(by the batches' logical time), then publish them together: fewer, bigger "
                      "files. Their batches commit when published (a crash replays them); 0 = "
                      "publish every batch.",
       .min_value = 0},
      {.name = "compression",
       .type = OptionType::kEnum,
       .default_value = "snappy",
       .description = "Parquet codec: uncompressed, snappy, zstd, gzip or lz4_raw.",
       .allowed = {"uncompressed", "snappy", "zstd", "gzip", "lz4_raw"}},
      {.name = "compressionLevel",
       .type = OptionType::kInt,
       .default_value = "0",
       .description = "Parquet zstd (1-22) or gzip (1-12, libdeflate) level; 0 = the codec's "
                      "default (3, 6).",
       .min_value = 0},
      {.name = "rowGroupSize",
       .type = OptionType::kSize,
       .default_value = "16MB",
       .description = "Parquet: bytes buffered per file before its row group is written "
                      "(encoded; 16MB keeps memory low and flat as files grow, Spark: 128MB).",
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
      {.name = "logCompactInterval",
       .type = OptionType::kInt,
       .default_value = "100",
       .description = "Every this many table log entries, fold them into one snapshot "
                      "(_sluice_log/<batch>.snapshot); 0 = never.",
       .min_value = 0},
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
