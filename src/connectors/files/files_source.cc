// The source half of the `files` connector: files appearing under a directory, decoded as JSON
// lines, CSV or text (formats/decode.h), like Spark's file stream source.
//
// Exactly once: every file found is appended to a durable list in the source's checkpoint folder
// (<state_dir>/files/<index of its first file, 20 digits>, one JSON entry per discovery, created
// atomically) before any batch can refer to it. The source has one partition, "0", whose offsets
// are positions in that list, so offsets/N names exactly the files batch N reads, a replay reads
// the same files, and a restart never reads a listed file again. A file is read up to the size
// it had when discovered (files should appear complete: write elsewhere, then rename).
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <fnmatch.h>
#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "common/strings.h"
#include "connectors/decode_option_specs.h"
#include "connectors/files/files.h"
#include "formats/decode.h"

namespace sluice {

namespace {

constexpr std::string_view kPartition = "0";

struct ListedFile {
  std::string path;
  int64_t size = 0;
  int64_t modified_ms = 0;
};

/// A file's decompressed bytes; `corrupt` says why they stop early (empty when complete).
struct Decompressed {
  std::string bytes;
  std::string corrupt;
};

Decompressed Gunzip(std::string_view input) {
  Decompressed out;
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    out.corrupt = "zlib could not start";
    return out;
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  char buffer[1 << 16];
  int result = Z_OK;
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    out.bytes.append(buffer, sizeof(buffer) - stream.avail_out);
    if (result == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // concatenated gzip members
      continue;
    }
    if (result != Z_OK) break;
    if (stream.avail_in == 0 && stream.avail_out != 0) {
      result = Z_DATA_ERROR;  // truncated
      break;
    }
  }
  if (result != Z_STREAM_END) {
    out.corrupt = fmt::format("not a complete gzip stream ({})",
                              stream.msg != nullptr ? stream.msg : "truncated");
  }
  inflateEnd(&stream);
  return out;
}

Decompressed Unzstd(std::string_view input) {
  Decompressed out;
  ZSTD_DStream* stream = ZSTD_createDStream();
  ZSTD_initDStream(stream);
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  std::string buffer(ZSTD_DStreamOutSize(), '\0');
  size_t last = 0;
  while (in.pos < in.size) {
    ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
    last = ZSTD_decompressStream(stream, &output, &in);
    if (ZSTD_isError(last)) {
      out.corrupt = fmt::format("not valid zstd ({})", ZSTD_getErrorName(last));
      ZSTD_freeDStream(stream);
      return out;
    }
    out.bytes.append(buffer.data(), output.pos);
  }
  // Flush what the decoder still holds.
  while (last != 0) {
    ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
    last = ZSTD_decompressStream(stream, &output, &in);
    if (ZSTD_isError(last) || output.pos == 0) break;
    out.bytes.append(buffer.data(), output.pos);
  }
  ZSTD_freeDStream(stream);
  if (last != 0) out.corrupt = "a truncated zstd stream";
  return out;
}

bool IsHidden(std::string_view relative) {
  for (const std::string& part : Split(relative, '/')) {
    if (!part.empty() && (part[0] == '.' || part[0] == '_')) return true;
  }
  return false;
}

Status CheckDirectory(const std::string& path) {
  ASSIGN_OR_RETURN(auto fs, FileSystemForPath(path));
  (void)fs;
  std::error_code ec;
  std::filesystem::path local(LocalPath(path));
  if (!std::filesystem::exists(local, ec)) {
    return Status::Config(
        "files source: 'path' = '{}' does not exist (create the directory the "
        "files will appear in)",
        path);
  }
  if (!std::filesystem::is_directory(local, ec)) {
    return Status::Config(
        "files source: 'path' = '{}' is not a directory: the files source "
        "reads the files that appear under a directory",
        path);
  }
  return Status::OK();
}

class FilesSource final : public Source {
 public:
  FilesSource(SourceContext context, DecodeFormat format, DecodeMode mode,
              std::unique_ptr<RecordDecoder> decoder)
      : context_(std::move(context)), format_(format), mode_(mode), decoder_(std::move(decoder)) {
    path_ = LocalPath(context_.options.GetString("path"));
    while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
    if (context_.options.Has("maxFilesPerTrigger")) {
      max_files_ = context_.options.GetInt("maxFilesPerTrigger");
    }
    latest_first_ = context_.options.GetBool("latestFirst");
    glob_ = context_.options.GetString("pathGlobFilter");
    log_dir_ = JoinPath(context_.state_dir, "files");
  }

  Status Open() {
    RETURN_NOT_OK(RemoveTemporaries(*context_.state_fs, log_dir_));
    ASSIGN_OR_RETURN(auto exists, context_.state_fs->Exists(log_dir_));
    if (!exists) return Status::OK();
    ASSIGN_OR_RETURN(auto entries, context_.state_fs->List(log_dir_));
    for (const FileInfo& entry : entries) {
      std::string name = entry.path.substr(entry.path.find_last_of('/') + 1);
      auto first = ParseInt64(name);
      if (!first) continue;  // not an entry
      if (*first != static_cast<int64_t>(files_.size())) {
        return Status::Commit(
            "files source log '{}': entry {} does not follow the {} files "
            "listed before it",
            entry.path, *first, files_.size());
      }
      ASSIGN_OR_RETURN(std::string text, context_.state_fs->Get(entry.path));
      auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (json.is_discarded() || !json.is_object() || !json.contains("files") ||
          !json["files"].is_array()) {
        return Status::Commit("files source log '{}' is corrupt", entry.path);
      }
      for (const auto& file : json["files"]) {
        if (!file.is_object() || !file.contains("path") || !file["path"].is_string() ||
            !file.contains("size") || !file["size"].is_number_integer()) {
          return Status::Commit("files source log '{}' is corrupt", entry.path);
        }
        ListedFile listed{file["path"].get<std::string>(), file["size"].get<int64_t>(), 0};
        known_.insert(listed.path);
        files_.push_back(std::move(listed));
      }
    }
    return Status::OK();
  }

  Result<OffsetMap> InitialOffsets() override { return OffsetMap{{std::string(kPartition), 0}}; }

  Result<OffsetMap> LatestOffsets() override {
    RETURN_NOT_OK(Discover());
    return OffsetMap{{std::string(kPartition), static_cast<int64_t>(files_.size())}};
  }

  Result<OffsetMap> PlanBatchEnd(const OffsetMap& start) override {
    RETURN_NOT_OK(Discover());
    auto it = start.find(std::string(kPartition));
    int64_t from = it == start.end() ? 0 : it->second;
    int64_t end = static_cast<int64_t>(files_.size());
    if (max_files_ > 0) end = std::min(end, from + max_files_);
    return OffsetMap{{std::string(kPartition), std::max(end, from)}};
  }

  Status Read(const std::string& partition, int64_t start, int64_t end,
              std::vector<Batch>* out) override {
    if (partition != kPartition)
      return Status::Internal("files source has no partition '{}'", partition);
    if (end > static_cast<int64_t>(files_.size())) {
      return Status::Commit("the offsets log names file {} but the files source log lists only {}",
                            end - 1, files_.size());
    }
    for (int64_t index = start; index < end; ++index) {
      const ListedFile& file = files_[static_cast<size_t>(index)];
      ASSIGN_OR_RETURN(Decompressed content, ReadFile(file));
      // A corrupt .gz/.zst: the complete lines before the damage are decoded as usual (like
      // Spark's ignoreCorruptFiles), the cut line and the rest are one bad record of the file.
      std::string_view text = content.bytes;
      std::string_view cut;
      if (!content.corrupt.empty()) {
        const size_t newline = text.rfind('\n');
        const size_t keep = newline == std::string_view::npos ? 0 : newline + 1;
        cut = text.substr(keep);
        text = text.substr(0, keep);
      }
      Status decoded = decoder_->DecodeText(text);
      std::vector<DecodeIssue> issues = decoder_->TakeIssues();
      for (DecodeIssue& issue : issues) {
        BadRecord bad;
        bad.coordinates = R"("file":)";
        AppendJsonString(bad.coordinates, file.path);
        bad.coordinates += fmt::format(R"(,"line":{})", issue.line);
        bad.reason_kind = std::string(issue.kind);
        bad.reason = issue.reason;
        bad.raw = std::move(issue.raw);
        bad.dropped = issue.dropped;
        bad_records_.push_back(std::move(bad));
      }
      if (!decoded.ok()) {
        (void)decoder_->Finish();
        if (decoded.code() == StatusCode::kDecode && !bad_records_.empty()) {
          DecodeIssue last;
          last.reason = bad_records_.back().reason;
          return FailFastError(last, fmt::format("file '{}' line {}", file.path,
                                                 issues.empty() ? 0 : issues.back().line));
        }
        return decoded;
      }
      ASSIGN_OR_RETURN(Batch batch, decoder_->Finish());
      if (batch.num_rows() > 0) out->push_back(std::move(batch));
      if (!content.corrupt.empty()) RETURN_NOT_OK(CorruptFile(file, content, text, cut));
    }
    return Status::OK();
  }

  std::vector<BadRecord> TakeBadRecords() override { return std::exchange(bad_records_, {}); }

  std::string Describe() const override {
    std::string text = fmt::format("files[path={}, format={}", path_,
                                   format_ == DecodeFormat::kJson  ? "json"
                                   : format_ == DecodeFormat::kCsv ? "csv"
                                                                   : "text");
    if (max_files_ > 0) text += fmt::format(", maxFilesPerTrigger={}", max_files_);
    if (latest_first_) text += ", latestFirst=true";
    return text + "]";
  }

 private:
  /// Appends the files not seen before to the durable list (one atomic entry).
  Status Discover() {
    ASSIGN_OR_RETURN(auto fs, FileSystemForPath(path_));
    ASSIGN_OR_RETURN(auto listing, fs->ListRecursive(path_));
    std::vector<ListedFile> found;
    for (const FileInfo& info : listing) {
      if (info.is_directory || known_.count(info.path) > 0) continue;
      std::string_view relative = info.path;
      if (StartsWith(relative, path_ + "/")) relative.remove_prefix(path_.size() + 1);
      if (IsHidden(relative)) continue;
      std::string name = info.path.substr(info.path.find_last_of('/') + 1);
      if (!glob_.empty() && fnmatch(glob_.c_str(), name.c_str(), 0) != 0) continue;
      ListedFile file{info.path, info.size, 0};
      std::error_code ec;
      auto modified = std::filesystem::last_write_time(info.path, ec);
      if (!ec) {
        file.modified_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(modified.time_since_epoch())
                .count();
      }
      found.push_back(std::move(file));
    }
    if (found.empty()) return Status::OK();
    std::sort(found.begin(), found.end(), [&](const ListedFile& a, const ListedFile& b) {
      if (a.modified_ms != b.modified_ms) {
        return latest_first_ ? a.modified_ms > b.modified_ms : a.modified_ms < b.modified_ms;
      }
      return a.path < b.path;
    });
    nlohmann::ordered_json entry;
    entry["version"] = 1;
    entry["firstIndex"] = files_.size();
    entry["files"] = nlohmann::ordered_json::array();
    for (const ListedFile& file : found) {
      entry["files"].push_back({{"path", file.path}, {"size", file.size}});
    }
    std::string name = JoinPath(log_dir_, fmt::format("{:020}", files_.size()));
    RETURN_NOT_OK(context_.state_fs->CreateDirectories(log_dir_));
    RETURN_NOT_OK(context_.state_fs->AtomicCreate(name, entry.dump()));
    for (ListedFile& file : found) {
      known_.insert(file.path);
      files_.push_back(std::move(file));
    }
    return Status::OK();
  }

  /// Quarantines the lost end of a corrupt compressed file (never a row), or stops (FAILFAST).
  Status CorruptFile(const ListedFile& file, const Decompressed& content, std::string_view kept,
                     std::string_view cut) {
    const int64_t line = static_cast<int64_t>(std::count(kept.begin(), kept.end(), '\n')) + 1;
    BadRecord bad;
    bad.coordinates = R"("file":)";
    AppendJsonString(bad.coordinates, file.path);
    bad.coordinates += fmt::format(R"(,"line":{})", line);
    bad.reason_kind = std::string(bad_reason::kCorruptFile);
    bad.reason = fmt::format(
        "corrupt compressed file: {} after {} decompressed bytes; lines from {} on are lost",
        content.corrupt, content.bytes.size(), line);
    bad.raw = std::string(cut);
    bad.dropped = true;
    if (mode_ == DecodeMode::kFailFast) {
      DecodeIssue issue;
      issue.reason = bad.reason;
      return FailFastError(issue, fmt::format("file '{}' line {}", file.path, line));
    }
    bad_records_.push_back(std::move(bad));
    return Status::OK();
  }

  Result<Decompressed> ReadFile(const ListedFile& file) {
    ASSIGN_OR_RETURN(auto fs, FileSystemForPath(file.path));
    auto content = fs->Get(file.path);
    if (!content.ok()) {
      return content.status().WithContext(
          fmt::format("files source: reading '{}' (listed in the checkpoint)", file.path));
    }
    std::string bytes = std::move(*content);
    if (static_cast<int64_t>(bytes.size()) < file.size) {
      return Status::IOError(
          "files source: '{}' shrank from {} to {} bytes after it was listed; "
          "files must not change once they appear",
          file.path, file.size, bytes.size());
    }
    bytes.resize(static_cast<size_t>(file.size));  // bytes appended later are not ours
    if (EndsWith(file.path, ".gz")) return Gunzip(bytes);
    if (EndsWith(file.path, ".zst")) return Unzstd(bytes);
    return Decompressed{std::move(bytes), {}};
  }

  SourceContext context_;
  DecodeFormat format_;
  DecodeMode mode_;
  std::unique_ptr<RecordDecoder> decoder_;
  std::string path_;
  int64_t max_files_ = 0;
  bool latest_first_ = false;
  std::string glob_;
  std::string log_dir_;
  std::vector<ListedFile> files_;  // the durable list, in order
  std::set<std::string> known_;
  std::vector<BadRecord> bad_records_;
};

Result<SchemaRef> ResolveFilesSchema(const Schema& declared, const OptionSet& options) {
  RETURN_NOT_OK(CheckDirectory(options.GetString("path")));
  ASSIGN_OR_RETURN(DecodeFormat format, ParseDecodeFormat(options.GetString("format")));
  SchemaRef schema;
  if (declared.num_fields() == 0) {
    if (format != DecodeFormat::kText) {
      return Status::Config(
          "the files source with format '{}' needs declared columns (an explicit schema), e.g. "
          "CREATE SOURCE s (id BIGINT, name STRING) WITH (...)",
          options.GetString("format"));
    }
    schema = std::make_shared<Schema>(std::vector<Field>{{"value", StringType(), true}});
  } else {
    schema = std::make_shared<Schema>(declared);
  }
  ASSIGN_OR_RETURN(DecodeOptions decode, DecodeOptions::FromMap(options.values()));
  RETURN_NOT_OK(MakeDecoder(format, schema, decode).status());  // checks options vs schema
  return schema;
}

Result<std::unique_ptr<Source>> CreateFilesSource(SourceContext context) {
  RETURN_NOT_OK(CheckDirectory(context.options.GetString("path")));
  ASSIGN_OR_RETURN(DecodeFormat format, ParseDecodeFormat(context.options.GetString("format")));
  ASSIGN_OR_RETURN(DecodeOptions decode, DecodeOptions::FromMap(context.options.values()));
  ASSIGN_OR_RETURN(auto decoder, MakeDecoder(format, context.schema, decode));
  if (context.state_fs == nullptr) return Status::Internal("files source without a state folder");
  auto source =
      std::make_unique<FilesSource>(std::move(context), format, decode.mode, std::move(decoder));
  RETURN_NOT_OK(source->Open());
  return std::unique_ptr<Source>(std::move(source));
}

}  // namespace

void DescribeFilesSource(ConnectorDef* def) {
  std::vector<OptionSpec> specs = {
      {.name = "path",
       .type = OptionType::kString,
       .description = "Directory the input files appear in (read recursively; names starting "
                      "with '.' or '_' are ignored). .gz and .zst files are decompressed.",
       .required = true},
      {.name = "format",
       .type = OptionType::kEnum,
       .default_value = "json",
       .description = "json (one object per line), csv, or text (one STRING column per line).",
       .allowed = {"json", "csv", "text"}},
      {.name = "maxFilesPerTrigger",
       .type = OptionType::kInt,
       .description = "Cap on the new files one micro-batch reads (default: all).",
       .min_value = 1},
      {.name = "latestFirst",
       .type = OptionType::kBool,
       .default_value = "false",
       .description = "Process the newest files first (by modification time) when a listing "
                      "finds several."},
      {.name = "pathGlobFilter",
       .type = OptionType::kString,
       .description = "Only file names matching this glob (e.g. *.json)."},
  };
  for (OptionSpec& spec : DecodeOptionSpecs(/*json=*/true, /*csv=*/true)) {
    specs.push_back(std::move(spec));
  }
  def->source_options = std::move(specs);
  def->resolve_schema = ResolveFilesSchema;
  def->create_source = CreateFilesSource;
}

}  // namespace sluice
