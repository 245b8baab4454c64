// The files sink's table log, `<output>/_sluice_log/`: one JSON entry per committed batch, named by
// the batch id (20 digits), written atomically (FileSystem::Put) after the batch's files were
// published. Every `compactInterval` entries, the entries are folded into a snapshot
// `<N, 20 digits>.snapshot` (JSON lines: a header line, then every entry up to batch N in batch
// order) and the folded entries are removed, so the log's size in objects stays bounded while
// auditors (and `sluice verify`) still see every batch. A batch is committed when its entry
// exists or a snapshot covers it.
//
// An entry covers one batch, or with `firstBatchId` the batches firstBatchId..batchId whose rows
// went into files kept open across batches (the sink's maxFileAge); its source offsets then span
// them all.
//
// Before publishing files, the sink writes `<N, 20 digits>.publishing` (N: the first batch in
// the files, which names them): the files it is about to publish (one path per line, relative to
// the output). A replay of N whose files differ (another roll point, fewer partitions after a data
// loss...) first removes the files of that intent it will not rewrite, so a crash mid-publish never
// leaves a stale file of N in the table. The intent is removed once the entry is written.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "storage/filesystem.h"

namespace sluice {

inline constexpr std::string_view kTableLogDir = "_sluice_log";

class TableLog {
 public:
  /// `root` is the sink's output folder.
  TableLog(std::shared_ptr<FileSystem> fs, std::string root);

  std::string dir() const;
  std::string EntryPath(int64_t batch_id) const;
  std::string SnapshotPath(int64_t batch_id) const;
  std::string PublishingPath(int64_t batch_id) const;

  /// The entry of `batch_id` exists, or an entry or snapshot after it (batches commit in order;
  /// an entry with `firstBatchId` covers several).
  Result<bool> IsCommitted(int64_t batch_id);
  /// The highest committed batch id, or -1.
  Result<int64_t> LastCommitted();
  /// Writes the entry of `batch_id` atomically (replaces a torn temporary, never a committed one).
  Status Append(int64_t batch_id, const nlohmann::ordered_json& entry);
  /// The files an interrupted publish of `batch_id` named (relative paths), empty if none.
  Result<std::vector<std::string>> ReadPublishing(int64_t batch_id);
  /// Writes the publish intent of `batch_id` atomically, replacing an older one.
  Status WritePublishing(int64_t batch_id, const std::vector<std::string>& paths);
  /// Removes the publish intent of `batch_id` (no-op if none).
  Status RemovePublishing(int64_t batch_id);
  /// Removes the publish intents of committed batches (a crash between the entry and the
  /// removal of the intent leaves one behind; harmless, but clutter).
  Status RemoveStalePublishing();
  /// The entry of `batch_id` (from its file or from a snapshot); NotFound if not committed.
  Result<nlohmann::json> Read(int64_t batch_id);
  /// When at least `interval` entries are outside a snapshot, writes a snapshot at the newest
  /// entry, then removes the older snapshots and the folded entries (a crash in between leaves
  /// duplicates that readers drop). interval <= 0: never.
  Status MaybeCompact(int64_t interval);

  /// Every committed entry in batch order (snapshot entries, then newer entries; duplicates by
  /// batch id dropped), and the names of what was read, for verify. Malformed entries are
  /// reported in `problems` and skipped.
  struct Contents {
    std::vector<nlohmann::json> entries;
    int64_t snapshot_batch = -1;  // the snapshot read, or -1
    int64_t loose_entries = 0;    // entry files read
    std::vector<std::string> problems;
    /// Batches with a publish intent and no entry: interrupted mid-publish, so the table may hold
    /// some of their files until the query replays them.
    std::vector<int64_t> interrupted;
  };
  Result<Contents> ReadAll();

 private:
  struct Listing {
    std::vector<int64_t> entries;     // batch ids with an entry file, sorted
    std::vector<int64_t> snapshots;   // batch ids with a snapshot, sorted
    std::vector<int64_t> publishing;  // batch ids with a publish intent, sorted
    std::vector<std::string> other;   // names of anything else (temporaries excluded)
  };
  Result<Listing> List();
  Result<std::vector<nlohmann::json>> ReadSnapshot(int64_t batch_id);

  std::shared_ptr<FileSystem> fs_;
  std::string root_;
};

}  // namespace sluice
