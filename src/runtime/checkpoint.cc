#include "runtime/checkpoint.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

#include "common/strings.h"
#include "common/time_util.h"

namespace sluice {

namespace {

using Json = nlohmann::ordered_json;

constexpr int kLogVersion = 1;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// Parses without throwing; a Commit error naming the file on bad JSON or a non-object.
Result<Json> ParseObject(std::string_view text, const std::string& file) {
  Json json = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return Status::Commit("corrupt checkpoint file '{}': not valid JSON (truncated?)", file);
  }
  if (!json.is_object()) {
    return Status::Commit("corrupt checkpoint file '{}': expected a JSON object", file);
  }
  return json;
}

Result<int64_t> GetInt(const Json& object, const char* key, const std::string& file) {
  auto it = object.find(key);
  if (it == object.end()) {
    return Status::Commit("corrupt checkpoint file '{}': missing field '{}'", file, key);
  }
  if (!it->is_number_integer()) {
    return Status::Commit("corrupt checkpoint file '{}': field '{}' is not an integer", file, key);
  }
  return it->get<int64_t>();
}

Result<std::string> GetString(const Json& object, const char* key, const std::string& file) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return Status::Commit("corrupt checkpoint file '{}': missing string field '{}'", file, key);
  }
  return it->get<std::string>();
}

Status CheckVersion(const Json& object, const std::string& file) {
  ASSIGN_OR_RETURN(int64_t version, GetInt(object, "version", file));
  if (version != kLogVersion) {
    return Status::Commit("checkpoint file '{}' has version {}, this build reads version {}", file,
                          version, kLogVersion);
  }
  return Status::OK();
}

std::string BatchFileName(int64_t batch_id) { return std::to_string(batch_id); }

}  // namespace

std::string OffsetsEntryToJson(const OffsetsEntry& entry) {
  Json json;
  json["version"] = kLogVersion;
  json["batchId"] = entry.batch_id;
  json["batchTimestampMs"] = entry.batch_timestamp_ms;
  Json sources = Json::object();
  for (const auto& [source, ranges] : entry.sources) {
    Json partitions = Json::object();
    for (const auto& [partition, range] : ranges) {
      partitions[partition] = Json::array({range.first, range.second});
    }
    sources[source] = std::move(partitions);
  }
  json["sources"] = std::move(sources);
  return Dump(json);
}

Result<OffsetsEntry> OffsetsEntryFromJson(std::string_view text, const std::string& file) {
  ASSIGN_OR_RETURN(Json json, ParseObject(text, file));
  RETURN_NOT_OK(CheckVersion(json, file));
  OffsetsEntry entry;
  ASSIGN_OR_RETURN(entry.batch_id, GetInt(json, "batchId", file));
  ASSIGN_OR_RETURN(entry.batch_timestamp_ms, GetInt(json, "batchTimestampMs", file));
  auto sources = json.find("sources");
  if (sources == json.end() || !sources->is_object()) {
    return Status::Commit("corrupt checkpoint file '{}': missing object field 'sources'", file);
  }
  for (const auto& [source, partitions] : sources->items()) {
    if (!partitions.is_object()) {
      return Status::Commit("corrupt checkpoint file '{}': source '{}' is not an object", file,
                            source);
    }
    PartitionRanges& ranges = entry.sources[source];
    for (const auto& [partition, range] : partitions.items()) {
      if (!range.is_array() || range.size() != 2 || !range[0].is_number_integer() ||
          !range[1].is_number_integer()) {
        return Status::Commit(
            "corrupt checkpoint file '{}': range of '{}' partition '{}' is not [start, end]", file,
            source, partition);
      }
      int64_t start = range[0].get<int64_t>();
      int64_t end = range[1].get<int64_t>();
      if (end < start) {
        return Status::Commit(
            "corrupt checkpoint file '{}': '{}' partition '{}' ends before it "
            "starts ([{}, {}])",
            file, source, partition, start, end);
      }
      ranges[partition] = {start, end};
    }
  }
  return entry;
}

std::string CommitEntryToJson(const CommitEntry& entry) {
  Json json;
  json["version"] = kLogVersion;
  json["batchId"] = entry.batch_id;
  json["numInputRows"] = entry.num_input_rows;
  json["numOutputRows"] = entry.num_output_rows;
  json["filesWritten"] = entry.files_written;
  json["bytesWritten"] = entry.bytes_written;
  json["committedAtMs"] = entry.committed_at_ms;
  return Dump(json);
}

Result<CommitEntry> CommitEntryFromJson(std::string_view text, const std::string& file) {
  ASSIGN_OR_RETURN(Json json, ParseObject(text, file));
  RETURN_NOT_OK(CheckVersion(json, file));
  CommitEntry entry;
  ASSIGN_OR_RETURN(entry.batch_id, GetInt(json, "batchId", file));
  ASSIGN_OR_RETURN(entry.num_input_rows, GetInt(json, "numInputRows", file));
  ASSIGN_OR_RETURN(entry.num_output_rows, GetInt(json, "numOutputRows", file));
  ASSIGN_OR_RETURN(entry.files_written, GetInt(json, "filesWritten", file));
  ASSIGN_OR_RETURN(entry.bytes_written, GetInt(json, "bytesWritten", file));
  ASSIGN_OR_RETURN(entry.committed_at_ms, GetInt(json, "committedAtMs", file));
  return entry;
}

std::string NewUuid() {
  static thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  uint64_t high = rng();
  uint64_t low = rng();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

CheckpointLog::CheckpointLog(std::shared_ptr<FileSystem> fs, std::string dir)
    : fs_(std::move(fs)), dir_(std::move(dir)) {}

std::string CheckpointLog::OffsetsPath(int64_t batch_id) const {
  return JoinPath(JoinPath(dir_, "offsets"), BatchFileName(batch_id));
}
std::string CheckpointLog::CommitPath(int64_t batch_id) const {
  return JoinPath(JoinPath(dir_, "commits"), BatchFileName(batch_id));
}
std::string CheckpointLog::MetadataPath() const { return JoinPath(dir_, "metadata"); }

Status CheckpointLog::RemoveTemporaries() {
  RETURN_NOT_OK(sluice::RemoveTemporaries(*fs_, dir_));
  RETURN_NOT_OK(sluice::RemoveTemporaries(*fs_, JoinPath(dir_, "offsets")));
  return sluice::RemoveTemporaries(*fs_, JoinPath(dir_, "commits"));
}

Result<CheckpointMetadata> CheckpointLog::LoadOrCreateMetadata(const std::string& name,
                                                               int64_t now_micros) {
  const std::string path = MetadataPath();
  ASSIGN_OR_RETURN(bool exists, fs_->Exists(path));
  if (!exists) {
    Json json;
    json["version"] = kLogVersion;
    json["id"] = NewUuid();
    json["name"] = name;
    json["createdAt"] = FormatTimestampIso(now_micros);
    Status st = fs_->AtomicCreate(path, Dump(json));
    // Lost a race with another creator: read theirs.
    if (!st.ok() && !st.IsAlreadyExists()) return st;
  }
  ASSIGN_OR_RETURN(std::string text, fs_->Get(path));
  ASSIGN_OR_RETURN(Json json, ParseObject(text, path));
  CheckpointMetadata metadata;
  ASSIGN_OR_RETURN(metadata.id, GetString(json, "id", path));
  if (metadata.id.empty()) {
    return Status::Commit("corrupt checkpoint file '{}': empty query id", path);
  }
  ASSIGN_OR_RETURN(metadata.name, GetString(json, "name", path));
  ASSIGN_OR_RETURN(std::string created, GetString(json, "createdAt", path));
  auto created_micros = ParseTimestampMicros(created);
  if (!created_micros) {
    return Status::Commit("corrupt checkpoint file '{}': bad createdAt '{}'", path, created);
  }
  metadata.created_at_micros = *created_micros;
  return metadata;
}

Status CheckpointLog::WriteOffsets(const OffsetsEntry& entry) {
  const std::string path = OffsetsPath(entry.batch_id);
  Status st = fs_->AtomicCreate(path, OffsetsEntryToJson(entry));
  if (st.IsAlreadyExists()) {
    return Status::Commit(
        "'{}' already exists: is another run of this query using the same checkpoint?", path);
  }
  return st;
}

Result<OffsetsEntry> CheckpointLog::ReadOffsets(int64_t batch_id) {
  const std::string path = OffsetsPath(batch_id);
  ASSIGN_OR_RETURN(std::string text, fs_->Get(path));
  ASSIGN_OR_RETURN(OffsetsEntry entry, OffsetsEntryFromJson(text, path));
  if (entry.batch_id != batch_id) {
    return Status::Commit("corrupt checkpoint file '{}': holds batchId {}", path, entry.batch_id);
  }
  return entry;
}

Status CheckpointLog::WriteCommit(const CommitEntry& entry) {
  const std::string path = CommitPath(entry.batch_id);
  Status st = fs_->AtomicCreate(path, CommitEntryToJson(entry));
  if (st.IsAlreadyExists()) {
    return Status::Commit(
        "'{}' already exists: is another run of this query using the same checkpoint?", path);
  }
  return st;
}

Result<CommitEntry> CheckpointLog::ReadCommit(int64_t batch_id) {
  const std::string path = CommitPath(batch_id);
  ASSIGN_OR_RETURN(std::string text, fs_->Get(path));
  ASSIGN_OR_RETURN(CommitEntry entry, CommitEntryFromJson(text, path));
  if (entry.batch_id != batch_id) {
    return Status::Commit("corrupt checkpoint file '{}': holds batchId {}", path, entry.batch_id);
  }
  return entry;
}

Result<std::vector<int64_t>> CheckpointLog::ListBatchIds(const std::string& subdir) {
  std::vector<int64_t> ids;
  auto listed = fs_->List(JoinPath(dir_, subdir));
  if (!listed.ok()) {
    if (listed.status().IsNotFound()) return ids;
    return listed.status();
  }
  for (const auto& info : *listed) {
    if (info.is_directory) continue;
    std::string_view name = info.path;
    size_t slash = name.rfind('/');
    if (slash != std::string_view::npos) name = name.substr(slash + 1);
    if (name.empty() ||
        !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;  // temp files, editor backups
    }
    if (auto id = ParseInt64(name)) ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<std::optional<int64_t>> CheckpointLog::LatestOffsets() {
  ASSIGN_OR_RETURN(auto ids, ListBatchIds("offsets"));
  if (ids.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(ids.back());
}

Result<std::optional<int64_t>> CheckpointLog::LatestCommit() {
  ASSIGN_OR_RETURN(auto ids, ListBatchIds("commits"));
  if (ids.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(ids.back());
}

Status CheckpointLog::Purge(int64_t retain) {
  for (const char* subdir : {"offsets", "commits"}) {
    ASSIGN_OR_RETURN(auto ids, ListBatchIds(subdir));
    if (static_cast<int64_t>(ids.size()) <= retain) continue;
    int64_t threshold = ids.back() - retain + 1;  // keep [threshold, latest]
    for (int64_t id : ids) {
      if (id >= threshold) break;
      RETURN_NOT_OK(fs_->Remove(JoinPath(JoinPath(dir_, subdir), BatchFileName(id))));
    }
  }
  return Status::OK();
}

}  // namespace sluice
