// StreamingQuery: the micro-batch loop of one INSERT, with exactly-once checkpoints.
//
// Per batch N: plan the end offsets -> write offsets/N (the WAL) -> read [start, end) of every
// partition -> transform -> sink Write(N) -> sink Commit(N) -> write commits/N -> advise the
// source -> progress record. On start, a batch logged in offsets/ without a commits/ entry is
// replayed first with exactly the logged ranges and timestamp.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "runtime/checkpoint.h"
#include "runtime/planner.h"
#include "runtime/progress.h"
#include "runtime/stop_token.h"
#include "storage/filesystem.h"

namespace sluice {

/// How a query runs (the plan says what it runs).
struct QueryOptions {
  Clock* clock = nullptr;  // nullptr = SystemClock()
  /// A stop is requested when any of these is set.
  std::vector<const StopToken*> stop_tokens;
  /// A file whose appearance stops the query gracefully (checked between batches and about
  /// every 100 ms while waiting). Empty = none.
  std::string stop_marker_path;
  /// Checkpoint log entries kept (older ones purged after each commit).
  int64_t min_batches_to_retain = CheckpointLog::kMinBatchesToRetain;
  /// nullptr = log only.
  ProgressReporter* progress = nullptr;
  /// Overrides the plan's checkpoint folder (the runner passes a temporary one).
  std::string checkpoint_dir;
  /// nullptr = FileSystemForPath(checkpoint folder).
  std::shared_ptr<FileSystem> fs;
  /// When waiting with nothing new under processingTime=0, poll the source this often.
  int64_t idle_poll_micros = 100000;
  /// Threads a batch uses (setting threadsPerQuery): 1 = read, transform and write each chunk in
  /// turn on the query's thread; 2 or more = a second thread reads and transforms the next chunk
  /// while the query's thread writes the current one (one chunk ahead, never more).
  int threads = 1;
  /// Rows per Source::Read: a batch's range of each partition is read as consecutive
  /// sub-ranges of about this many rows (never less than one offset), so that only a few chunks
  /// are in memory at once. 0 = one Read per partition.
  int64_t read_chunk_rows = 0;
};

/// The read_chunk_rows that `sluice run` uses.
inline constexpr int64_t kDefaultReadChunkRows = 65536;

class StreamingQuery {
 public:
  StreamingQuery(QueryPlan plan, QueryOptions options);

  /// Runs until the trigger says the query is done, a stop is requested (the batch in flight
  /// finishes and commits first), or a batch fails (the error, with context
  /// "query '<name>' batch N").
  Status Run();

  const std::string& name() const { return plan_.name; }
  /// Batches that ran to their commit in this run (replays included).
  int64_t batches_completed() const { return batches_completed_.load(); }

 private:
  Status Start();
  Status Loop();
  /// `force` checks the stop marker now rather than at most every 100 ms.
  bool StopRequested(bool force);
  /// Runs batch `entry` (its offsets already logged when `replay`).
  Status RunBatch(const OffsetsEntry& entry, bool replay, int64_t previous_start_micros,
                  const OffsetMap& latest, int64_t latest_offset_ms);
  Status ExecuteBatch(const OffsetsEntry& entry, bool replay, QueryProgress* progress);
  /// Writes batch N's bad records as JSON lines to <badRecordsPath>/<query>/bad-records-<N>.json
  /// (staged, then published), when the source has a badRecordsPath option.
  Status WriteBadRecords(int64_t batch_id, const std::vector<BadRecord>& records);
  /// Logs the commits of the batches the sink held and has now published (`stats`: what the
  /// publish wrote, counted on the last of them), advises the source, purges the checkpoint.
  Status LogHeldCommits(const SinkBatchStats& stats);
  /// Publishes the batches the sink holds (Sink::PublishHeld) and logs their commits; `why` for the log.
  Status FlushHeld(std::string_view why);
  /// Where a partition starts when `position` does not have it yet (its initial offset).
  Result<int64_t> StartOf(const OffsetMap& position, const std::string& partition);

  QueryPlan plan_;
  QueryOptions options_;
  Clock* clock_;
  std::shared_ptr<FileSystem> fs_;
  std::string checkpoint_dir_;
  std::unique_ptr<CheckpointLog> log_;
  CheckpointMetadata metadata_;
  std::string run_id_;
  std::unique_ptr<Source> source_;
  std::unique_ptr<Sink> sink_;
  std::shared_ptr<FileSystem> marker_fs_;
  int64_t last_marker_check_steady_micros_ = -1;
  bool marker_seen_ = false;
  OffsetMap initial_offsets_;
  bool have_initial_offsets_ = false;
  std::atomic<int64_t> batches_completed_{0};
  /// Batches the sink committed with `held` (rows in files still open): their commits wait for
  /// the publish, in batch order, with the source ends to advise afterwards.
  struct HeldBatch {
    CommitEntry commit;
    OffsetMap ends;
  };
  std::vector<HeldBatch> held_;
};

}  // namespace sluice
