#include "connectors/files/table_log.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "common/strings.h"

namespace sluice {

namespace {

constexpr std::string_view kSnapshotSuffix = ".snapshot";
constexpr std::string_view kPublishingSuffix = ".publishing";

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// The batch id of `<20 digits><suffix>`, if `name` is one.
std::optional<int64_t> NumberedName(std::string_view name, std::string_view suffix) {
  if (name.size() != 20 + suffix.size() || !EndsWith(name, suffix)) return std::nullopt;
  if (!AllDigits(name.substr(0, 20))) return std::nullopt;
  return ParseInt64(name.substr(0, 20));
}

}  // namespace

TableLog::TableLog(std::shared_ptr<FileSystem> fs, std::string root)
    : fs_(std::move(fs)), root_(std::move(root)) {}

std::string TableLog::dir() const { return JoinPath(root_, kTableLogDir); }

std::string TableLog::EntryPath(int64_t batch_id) const {
  return JoinPath(dir(), fmt::format("{:020d}", batch_id));
}

std::string TableLog::SnapshotPath(int64_t batch_id) const {
  return JoinPath(dir(), fmt::format("{:020d}{}", batch_id, kSnapshotSuffix));
}

std::string TableLog::PublishingPath(int64_t batch_id) const {
  return JoinPath(dir(), fmt::format("{:020d}{}", batch_id, kPublishingSuffix));
}

Result<std::vector<std::string>> TableLog::ReadPublishing(int64_t batch_id) {
  auto text = fs_->Get(PublishingPath(batch_id));
  if (!text.ok()) {
    if (text.status().IsNotFound()) return std::vector<std::string>();
    return text.status();
  }
  std::vector<std::string> paths;
  for (auto line : Split(*text, '\n')) {
    if (!line.empty()) paths.emplace_back(line);
  }
  return paths;
}

Status TableLog::WritePublishing(int64_t batch_id, const std::vector<std::string>& paths) {
  std::string text;
  for (const auto& path : paths) {
    text += path;
    text.push_back('\n');
  }
  return fs_->Put(PublishingPath(batch_id), text);
}

Status TableLog::RemovePublishing(int64_t batch_id) {
  return fs_->Remove(PublishingPath(batch_id));
}

Status TableLog::RemoveStalePublishing() {
  ASSIGN_OR_RETURN(Listing listing, List());
  if (listing.publishing.empty()) return Status::OK();
  int64_t last = -1;
  if (!listing.entries.empty()) last = std::max(last, listing.entries.back());
  if (!listing.snapshots.empty()) last = std::max(last, listing.snapshots.back());
  for (int64_t id : listing.publishing) {
    if (id > last) continue;
    // Below the last commit: committed unless the log has a gap (verify reports that).
    ASSIGN_OR_RETURN(bool committed, IsCommitted(id));
    if (committed) RETURN_NOT_OK(RemovePublishing(id));
  }
  return Status::OK();
}

Result<TableLog::Listing> TableLog::List() {
  Listing listing;
  auto files = fs_->List(dir());
  if (!files.ok()) {
    if (files.status().IsNotFound()) return listing;
    return files.status();
  }
  for (const FileInfo& info : *files) {
    std::string_view name = BaseName(info.path);
    if (!info.is_directory && name.size() == 20 && AllDigits(name)) {
      listing.entries.push_back(*ParseInt64(name));
    } else if (auto snapshot = NumberedName(name, kSnapshotSuffix);
               snapshot && !info.is_directory) {
      listing.snapshots.push_back(*snapshot);
    } else if (auto publishing = NumberedName(name, kPublishingSuffix);
               publishing && !info.is_directory) {
      listing.publishing.push_back(*publishing);
    } else if (!(StartsWith(name, ".") && name.find(".tmp-") != std::string_view::npos)) {
      listing.other.emplace_back(name);
    }
  }
  std::sort(listing.entries.begin(), listing.entries.end());
  std::sort(listing.snapshots.begin(), listing.snapshots.end());
  std::sort(listing.publishing.begin(), listing.publishing.end());
  return listing;
}

Result<bool> TableLog::IsCommitted(int64_t batch_id) {
  ASSIGN_OR_RETURN(bool exists, fs_->Exists(EntryPath(batch_id)));
  if (exists) return true;
  // Batches commit in order, and one entry may cover several (`firstBatchId`): a batch at or
  // below the newest entry or snapshot is committed.
  ASSIGN_OR_RETURN(int64_t last, LastCommitted());
  return batch_id <= last;
}

Result<int64_t> TableLog::LastCommitted() {
  ASSIGN_OR_RETURN(Listing listing, List());
  int64_t last = -1;
  if (!listing.entries.empty()) last = std::max(last, listing.entries.back());
  if (!listing.snapshots.empty()) last = std::max(last, listing.snapshots.back());
  return last;
}

Status TableLog::Append(int64_t batch_id, const nlohmann::ordered_json& entry) {
  return fs_->Put(EntryPath(batch_id), entry.dump());
}

Result<std::vector<nlohmann::json>> TableLog::ReadSnapshot(int64_t batch_id) {
  const std::string path = SnapshotPath(batch_id);
  ASSIGN_OR_RETURN(std::string text, fs_->Get(path));
  std::vector<nlohmann::json> entries;
  size_t start = 0;
  bool header = true;
  int64_t expected = -1;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
      return Status::IOError("{}: line is not a JSON object", path);
    }
    if (header) {
      header = false;
      if (json.value("snapshotOf", int64_t{-2}) != batch_id || !json.contains("entries")) {
        return Status::IOError("{}: bad header (want snapshotOf = {})", path, batch_id);
      }
      expected = json.value("entries", int64_t{-1});
      continue;
    }
    entries.push_back(std::move(json));
  }
  if (header || static_cast<int64_t>(entries.size()) != expected) {
    return Status::IOError("{}: {} entries, the header says {}", path, entries.size(), expected);
  }
  return entries;
}

Result<nlohmann::json> TableLog::Read(int64_t batch_id) {
  auto text = fs_->Get(EntryPath(batch_id));
  if (text.ok()) {
    auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      return Status::IOError("{}: not a JSON table log entry", EntryPath(batch_id));
    }
    return json;
  }
  if (!text.status().IsNotFound()) return text.status();
  ASSIGN_OR_RETURN(Listing listing, List());
  for (auto it = listing.snapshots.rbegin(); it != listing.snapshots.rend(); ++it) {
    if (*it < batch_id) break;
    ASSIGN_OR_RETURN(auto entries, ReadSnapshot(*it));
    for (auto& entry : entries) {
      if (entry.value("batchId", int64_t{-1}) == batch_id) return std::move(entry);
    }
  }
  return Status::NotFound("batch {} is not in the table log {}", batch_id, dir());
}

Result<TableLog::Contents> TableLog::ReadAll() {
  ASSIGN_OR_RETURN(Listing listing, List());
  Contents contents;
  for (const auto& name : listing.other) {
    contents.problems.push_back(fmt::format("unexpected entry in {}/: '{}'", kTableLogDir, name));
  }
  std::map<int64_t, nlohmann::json> by_batch;
  if (!listing.snapshots.empty()) {
    contents.snapshot_batch = listing.snapshots.back();
    auto entries = ReadSnapshot(contents.snapshot_batch);
    if (!entries.ok()) {
      contents.problems.push_back(entries.status().message());
    } else {
      for (auto& entry : *entries) {
        int64_t id = entry.value("batchId", int64_t{-1});
        by_batch[id] = std::move(entry);
      }
    }
  }
  for (int64_t id : listing.entries) {
    ++contents.loose_entries;
    ASSIGN_OR_RETURN(std::string text, fs_->Get(EntryPath(id)));
    auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object() || !json.contains("files") ||
        !json["files"].is_array() || !json.contains("batchId")) {
      contents.problems.push_back(
          fmt::format("{}/{:020d}: not a table log entry", kTableLogDir, id));
      continue;
    }
    const int64_t inside =
        json["batchId"].is_number_integer() ? json["batchId"].get<int64_t>() : -1;
    if (inside != id) {
      contents.problems.push_back(
          fmt::format("{}/{:020d}: names batch {} inside", kTableLogDir, id, inside));
      continue;
    }
    auto existing = by_batch.find(id);
    if (existing != by_batch.end() && existing->second != json) {
      contents.problems.push_back(
          fmt::format("{}/{:020d} differs from the same batch in the snapshot {:020d}",
                      kTableLogDir, id, contents.snapshot_batch));
    }
    by_batch[id] = std::move(json);
  }
  // An intent is named by the first batch of its files: interrupted unless a later entry (or the
  // snapshot) committed that batch.
  int64_t last = contents.snapshot_batch;
  if (!by_batch.empty()) last = std::max(last, by_batch.rbegin()->first);
  for (int64_t id : listing.publishing) {
    if (id > last) contents.interrupted.push_back(id);
  }
  for (auto& [id, entry] : by_batch) contents.entries.push_back(std::move(entry));
  return contents;
}

Status TableLog::MaybeCompact(int64_t interval) {
  if (interval <= 0) return Status::OK();
  ASSIGN_OR_RETURN(Listing listing, List());
  const int64_t snapshot = listing.snapshots.empty() ? -1 : listing.snapshots.back();
  int64_t loose = 0;
  for (int64_t id : listing.entries) loose += id > snapshot ? 1 : 0;
  if (loose < interval) return Status::OK();

  ASSIGN_OR_RETURN(Contents contents, ReadAll());
  if (!contents.problems.empty()) {
    // Never fold a log we cannot read whole: leave it for `sluice verify` to report.
    return Status::Commit("table log {} cannot be compacted: {}", dir(), contents.problems.front());
  }
  const int64_t newest = listing.entries.back();
  std::string text =
      nlohmann::json{{"snapshotOf", newest}, {"entries", contents.entries.size()}}.dump();
  text.push_back('\n');
  for (const auto& entry : contents.entries) {
    text += entry.dump();
    text.push_back('\n');
  }
  RETURN_NOT_OK(fs_->Put(SnapshotPath(newest), text));
  // The snapshot holds everything: the older snapshots and the folded entries can go. The
  // newest entry stays, so the last commit is visible by its own name too.
  for (int64_t id : listing.snapshots) {
    if (id < newest) RETURN_NOT_OK(fs_->Remove(SnapshotPath(id)));
  }
  for (int64_t id : listing.entries) {
    if (id < newest) RETURN_NOT_OK(fs_->Remove(EntryPath(id)));
  }
  return Status::OK();
}

}  // namespace sluice
