// The checkpoint log of one streaming query, in its folder, through a FileSystem:
//
//   <dir>/metadata      {"id": "<uuid>", "name": "...", "createdAt": "2024-05-01T12:00:00Z"}
//   <dir>/offsets/<N>   the write-ahead log: batch N's exact ranges, written before it reads
//   <dir>/commits/<N>   written after the sink committed batch N
//
// offsets/N is created with AtomicCreate, so a second writer of the same batch fails. Every
// reader validates what it reads: a corrupt or truncated file is a Commit error naming the
// file, never a crash.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/status.h"
#include "storage/filesystem.h"

namespace sluice {

/// Written once when the query's checkpoint is created; the id is stable across restarts.
struct CheckpointMetadata {
  std::string id;  // random UUID
  std::string name;
  int64_t created_at_micros = 0;
};

/// [start, end) per partition of one source.
using PartitionRanges = std::map<std::string, std::pair<int64_t, int64_t>>;

/// offsets/N: what batch N reads, and its logical time (reused on replay).
struct OffsetsEntry {
  int64_t batch_id = 0;
  int64_t batch_timestamp_ms = 0;
  std::map<std::string, PartitionRanges> sources;  // source name -> ranges

  bool operator==(const OffsetsEntry& other) const = default;
};

/// commits/N: batch N is done.
struct CommitEntry {
  int64_t batch_id = 0;
  int64_t num_input_rows = 0;
  int64_t num_output_rows = 0;
  int64_t files_written = 0;
  int64_t bytes_written = 0;
  int64_t committed_at_ms = 0;

  bool operator==(const CommitEntry& other) const = default;
};

std::string OffsetsEntryToJson(const OffsetsEntry& entry);
/// `file` names the file in error messages.
Result<OffsetsEntry> OffsetsEntryFromJson(std::string_view text, const std::string& file);
std::string CommitEntryToJson(const CommitEntry& entry);
Result<CommitEntry> CommitEntryFromJson(std::string_view text, const std::string& file);

/// A random (version 4) UUID.
std::string NewUuid();

/// The log of one query's checkpoint folder.
class CheckpointLog {
 public:
  /// Entries older than the newest kMinBatchesToRetain are purged.
  static constexpr int64_t kMinBatchesToRetain = 100;

  CheckpointLog(std::shared_ptr<FileSystem> fs, std::string dir);

  /// Removes temporary files a crashed writer left in the folder, offsets/ and commits/. Called
  /// once when the query starts (it is the folder's only writer).
  Status RemoveTemporaries();

  /// Reads `metadata`, or creates it (with a new id) if absent.
  Result<CheckpointMetadata> LoadOrCreateMetadata(const std::string& name, int64_t now_micros);

  /// Creates offsets/N; a Commit error if it already exists (another writer).
  Status WriteOffsets(const OffsetsEntry& entry);
  Result<OffsetsEntry> ReadOffsets(int64_t batch_id);
  /// The highest N in offsets/, or std::nullopt if there is none.
  Result<std::optional<int64_t>> LatestOffsets();

  /// Creates commits/N; a Commit error if it already exists.
  Status WriteCommit(const CommitEntry& entry);
  Result<CommitEntry> ReadCommit(int64_t batch_id);
  Result<std::optional<int64_t>> LatestCommit();

  /// Removes offsets/ and commits/ entries older than the newest `retain` batches.
  Status Purge(int64_t retain = kMinBatchesToRetain);

  const std::string& dir() const { return dir_; }
  std::string OffsetsPath(int64_t batch_id) const;
  std::string CommitPath(int64_t batch_id) const;
  std::string MetadataPath() const;

 private:
  /// Batch ids of the files in `subdir` (names that are not decimal numbers are ignored).
  Result<std::vector<int64_t>> ListBatchIds(const std::string& subdir);

  std::shared_ptr<FileSystem> fs_;
  std::string dir_;
};

}  // namespace sluice
