#include "runtime/verify.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connectors/files/table_log.h"
#include "formats/parquet/reader.h"
#include "runtime/checkpoint.h"

namespace sluice {

namespace {

constexpr std::string_view kLogDir = "_sluice_log";
constexpr std::string_view kStagingDir = "_sluice_staging";

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A path relative to `root` is visible to lake readers unless one of its parts starts with
// '_' or '.' (Hive, Spark and Athena skip those).
bool IsHiddenPart(std::string_view relative) {
  for (const auto& part : Split(relative, '/')) {
    if (!part.empty() && (part[0] == '_' || part[0] == '.')) return true;
  }
  return false;
}

Status VerifyTable(const std::string& root, const std::shared_ptr<FileSystem>& fs_ref,
                   const RowCounter& count_rows, VerifyReport* report) {
  report->kind = "table";
  FileSystem& fs = *fs_ref;
  TableLog table_log(fs_ref, root);
  ASSIGN_OR_RETURN(TableLog::Contents contents, table_log.ReadAll());
  for (auto& problem : contents.problems) report->problems.push_back(std::move(problem));
  for (int64_t id : contents.interrupted) {
    report->problems.push_back(fmt::format(
        "batch {} was interrupted while publishing ({}): the table may hold some of its files "
        "without a log entry until the query runs again and replays the batch",
        id, table_log.PublishingPath(id)));
  }
  std::set<std::string> listed;
  int64_t files = 0, rows = 0, bytes = 0, rows_skipped = 0;
  std::vector<std::pair<int64_t, int64_t>> spans;  // [firstBatchId, batchId] per entry
  int64_t spanning = 0;                            // entries covering several batches
  // Source offsets: per source partition, each batch starts where the previous one ended.
  std::map<std::string, std::map<std::string, int64_t>> next_start;
  int64_t ranges = 0, without_offsets = 0;
  for (const auto& json : contents.entries) {
    if (!json.is_object() || !json.contains("files") || !json["files"].is_array()) {
      report->problems.push_back(fmt::format("{}/: an entry without files", kLogDir));
      continue;
    }
    int64_t batch_id = json["batchId"].is_number_integer() ? json["batchId"].get<int64_t>() : -1;
    // Files kept open across batches (maxFileAge): one entry for batches firstBatchId..batchId.
    int64_t first_id = batch_id;
    if (json.contains("firstBatchId")) {
      first_id = json["firstBatchId"].is_number_integer() ? json["firstBatchId"].get<int64_t>()
                                                          : batch_id + 1;
      if (first_id > batch_id) {
        report->problems.push_back(
            fmt::format("batch {}: firstBatchId is not a batch id at or before it", batch_id));
        first_id = batch_id;
      } else if (first_id < batch_id) {
        ++spanning;
      }
    }
    spans.emplace_back(first_id, batch_id);
    if (json.contains("source") && json["source"].is_object() &&
        json["source"].contains("offsets") && json["source"]["offsets"].is_object()) {
      const std::string source = json["source"].value("name", std::string());
      for (const auto& [partition, range] : json["source"]["offsets"].items()) {
        if (!range.is_array() || range.size() != 2 || !range[0].is_number_integer() ||
            !range[1].is_number_integer()) {
          report->problems.push_back(fmt::format(
              "batch {}: {}[{}] offsets are not a [start, end) pair", batch_id, source, partition));
          continue;
        }
        ++ranges;
        const int64_t start = range[0].get<int64_t>(), end = range[1].get<int64_t>();
        if (start > end) {
          report->problems.push_back(fmt::format("batch {}: {}[{}] range [{}, {}) is reversed",
                                                 batch_id, source, partition, start, end));
        }
        auto& last = next_start[source];
        auto it = last.find(partition);
        if (it != last.end() && it->second != start) {
          report->problems.push_back(fmt::format(
              "batch {}: {}[{}] starts at {} but the previous batch ended at {} ({})", batch_id,
              source, partition, start, it->second, start > it->second ? "gap" : "overlap"));
        }
        last[partition] = end;
      }
    } else {
      ++without_offsets;
    }
    for (const auto& file : json["files"]) {
      if (!file.is_object() || !file.contains("path") || !file["path"].is_string()) {
        report->problems.push_back(fmt::format("batch {}: a file without a path", batch_id));
        continue;
      }
      const std::string relative = file["path"].get<std::string>();
      const int64_t want_bytes = file.value("bytes", int64_t{-1});
      const int64_t want_rows = file.value("rows", int64_t{-1});
      if (!listed.insert(relative).second) {
        report->problems.push_back(
            fmt::format("'{}' is listed by two table log entries (batch {})", relative, batch_id));
      }
      ++files;
      auto content = fs.Get(JoinPath(root, relative));
      if (!content.ok()) {
        report->problems.push_back(
            fmt::format("batch {}: '{}' is listed but {}", batch_id, relative,
                        content.status().IsNotFound() ? "missing" : content.status().message()));
        continue;
      }
      const int64_t size = static_cast<int64_t>(content->size());
      bytes += size;
      if (size != want_bytes) {
        report->problems.push_back(fmt::format("batch {}: '{}' has {} bytes, the log says {}",
                                               batch_id, relative, size, want_bytes));
      }
      auto counted = count_rows(relative, *content);
      if (!counted.ok()) {
        if (counted.status().IsNotFound()) {
          ++rows_skipped;  // a format this build cannot count
        } else {
          report->problems.push_back(
              fmt::format("batch {}: {}", batch_id, counted.status().message()));
        }
        continue;
      }
      rows += *counted;
      if (*counted != want_rows) {
        report->problems.push_back(fmt::format("batch {}: '{}' has {} rows, the log says {}",
                                               batch_id, relative, *counted, want_rows));
      }
    }
  }
  std::sort(spans.begin(), spans.end());
  int64_t covered = 0;
  for (const auto& [first_id, last_id] : spans) covered += last_id - first_id + 1;
  report->checked.push_back(fmt::format(
      "table log: {} batches{}, {} files, {} rows, {} bytes{}{}", covered,
      spans.empty() ? "" : fmt::format(" ({}..{})", spans.front().first, spans.back().second),
      files, rows, bytes,
      spanning > 0 ? fmt::format(" ({} entries cover several batches: files kept open)", spanning)
                   : std::string(),
      contents.snapshot_batch >= 0 ? fmt::format(" (snapshot at batch {} + {} entries)",
                                                 contents.snapshot_batch, contents.loose_entries)
                                   : std::string()));
  for (size_t i = 1; i < spans.size(); ++i) {
    const int64_t expected = spans[i - 1].second + 1;
    if (spans[i].first > expected) {
      report->problems.push_back(
          fmt::format("table log: batches {} to {} are missing", expected, spans[i].first - 1));
    } else if (spans[i].first < expected) {
      report->problems.push_back(
          fmt::format("table log: batch {} is covered by two entries ({} and {})", spans[i].first,
                      spans[i - 1].second, spans[i].second));
    }
  }
  report->checked.push_back(fmt::format(
      "source offsets: {} partition ranges, contiguous per partition{}", ranges,
      without_offsets > 0 ? fmt::format(" ({} entries without offsets)", without_offsets)
                          : std::string()));
  if (rows_skipped > 0) {
    report->checked.push_back(fmt::format(
        "row counts not checked for {} files (format not readable here)", rows_skipped));
  }

  ASSIGN_OR_RETURN(auto all, fs.ListRecursive(root));
  int64_t visible = 0;
  for (const FileInfo& file : all) {
    std::string relative = file.path.substr(std::min(file.path.size(), root.size() + 1));
    if (StartsWith(relative, std::string(kLogDir) + "/") ||
        StartsWith(relative, std::string(kStagingDir) + "/")) {
      continue;
    }
    if (EndsWith(relative, ".inprogress")) {
      report->problems.push_back(
          fmt::format("staged file outside {}/: '{}'", kStagingDir, relative));
      continue;
    }
    if (IsHiddenPart(relative)) continue;
    ++visible;
    if (listed.count(relative) == 0) {
      report->problems.push_back(
          fmt::format("'{}' is visible to readers but no table log entry lists it", relative));
    }
  }
  report->checked.push_back(fmt::format("visible data files: {}", visible));
  return Status::OK();
}

Status VerifyCheckpoint(const std::string& root, std::shared_ptr<FileSystem> fs,
                        VerifyReport* report) {
  report->kind = "checkpoint";
  CheckpointLog log(fs, root);
  auto ids_in = [&](const char* subdir) -> Result<std::vector<int64_t>> {
    std::vector<int64_t> ids;
    auto entries = fs->List(JoinPath(root, subdir));
    if (!entries.ok()) {
      if (entries.status().IsNotFound()) return ids;
      return entries.status();
    }
    for (const FileInfo& entry : *entries) {
      std::string name = BaseName(entry.path);
      if (auto id = ParseInt64(name); id && *id >= 0 && std::to_string(*id) == name) {
        ids.push_back(*id);
      } else if (!(StartsWith(name, ".") && name.find(".tmp-") != std::string::npos)) {
        report->problems.push_back(fmt::format("unexpected entry in {}/: '{}'", subdir, name));
      }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  ASSIGN_OR_RETURN(std::vector<int64_t> offsets, ids_in("offsets"));
  ASSIGN_OR_RETURN(std::vector<int64_t> commits, ids_in("commits"));
  std::set<int64_t> offset_set(offsets.begin(), offsets.end());

  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] != offsets[i - 1] + 1) {
      report->problems.push_back(fmt::format("offsets/: batches {} to {} are missing",
                                             offsets[i - 1] + 1, offsets[i] - 1));
    }
  }
  for (int64_t id : commits) {
    if (offset_set.count(id) == 0 && (offsets.empty() || id >= offsets.front())) {
      report->problems.push_back(fmt::format("commits/{} has no offsets/{}", id, id));
    }
  }
  // Batches commit in order: the uncommitted ones are the newest (the batch in flight, and those
  // a files sink with maxFileAge holds in open files), never one before a committed batch.
  int64_t uncommitted = 0;
  std::set<int64_t> commit_set(commits.begin(), commits.end());
  const int64_t last_commit = commits.empty() ? -1 : commits.back();
  for (int64_t id : offsets) {
    if (commit_set.count(id) == 0) {
      ++uncommitted;
      if (id < last_commit) {
        report->problems.push_back(fmt::format(
            "offsets/{} has no commits/{} but a later batch is committed (batches commit in "
            "order)",
            id, id));
      }
    }
  }

  // Contiguity per source partition.
  std::map<std::string, std::map<std::string, int64_t>> next_start;  // source -> partition -> end
  int64_t ranges = 0;
  for (int64_t id : offsets) {
    auto entry = log.ReadOffsets(id);
    if (!entry.ok()) {
      report->problems.push_back(entry.status().message());
      continue;
    }
    if (entry->batch_id != id) {
      report->problems.push_back(fmt::format("offsets/{} names batch {}", id, entry->batch_id));
    }
    for (const auto& [source, partitions] : entry->sources) {
      for (const auto& [partition, range] : partitions) {
        ++ranges;
        if (range.first > range.second) {
          report->problems.push_back(fmt::format("batch {}: {}[{}] range [{}, {}) is reversed", id,
                                                 source, partition, range.first, range.second));
        }
        auto& last = next_start[source];
        auto it = last.find(partition);
        if (it != last.end() && it->second != range.first) {
          report->problems.push_back(fmt::format(
              "batch {}: {}[{}] starts at {} but the previous batch ended at {} ({})", id, source,
              partition, range.first, it->second, range.first > it->second ? "gap" : "overlap"));
        }
        last[partition] = range.second;
      }
    }
  }
  report->checked.push_back(fmt::format(
      "offsets: {} batches{}, {} partition ranges; commits: {}; uncommitted: {}", offsets.size(),
      offsets.empty() ? "" : fmt::format(" ({}..{})", offsets.front(), offsets.back()), ranges,
      commits.size(), uncommitted));
  return Status::OK();
}

}  // namespace

std::string VerifyReport::ToString() const {
  std::string out = fmt::format("{}:\n", kind);
  for (const auto& line : checked) out += "  " + line + "\n";
  for (const auto& problem : problems) out += "  PROBLEM: " + problem + "\n";
  out += ok() ? "OK\n"
              : fmt::format("{} problem{}\n", problems.size(), problems.size() == 1 ? "" : "s");
  return out;
}

Result<int64_t> CountRowsByFormat(const std::string& path, const std::string& bytes) {
  if (EndsWith(path, ".json")) {
    return static_cast<int64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
  }
  if (EndsWith(path, ".parquet")) {
    // The footer's row count, after the reader's checks of the footer and row groups.
    auto reader = parquet::ParquetFileReader::Open(bytes);
    if (!reader.ok()) {
      return Status::IOError("'{}' is not a readable Parquet file: {}", path,
                             reader.status().message());
    }
    return (*reader)->metadata().num_rows;
  }
  return Status::NotFound("no row counter for '{}'", path);
}

Result<VerifyReport> Verify(const std::string& path, const RowCounter& count_rows) {
  ASSIGN_OR_RETURN(std::shared_ptr<FileSystem> fs, FileSystemForPath(path));
  std::string root = LocalPath(path);
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  VerifyReport report;
  ASSIGN_OR_RETURN(bool is_table, fs->Exists(JoinPath(root, kLogDir)));
  if (is_table) {
    RETURN_NOT_OK(VerifyTable(root, fs, count_rows, &report));
    return report;
  }
  ASSIGN_OR_RETURN(bool is_checkpoint, fs->Exists(JoinPath(root, "offsets")));
  ASSIGN_OR_RETURN(bool has_metadata, fs->Exists(JoinPath(root, "metadata")));
  if (is_checkpoint || has_metadata) {
    RETURN_NOT_OK(VerifyCheckpoint(root, fs, &report));
    return report;
  }
  return Status::Config(
      "'{}' is neither a files sink output folder (no {}/) nor a query checkpoint (no offsets/)",
      path, kLogDir);
}

}  // namespace sluice
