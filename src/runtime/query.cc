#include "runtime/query.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <tuple>

#include "common/fault_point.h"
#include "common/logging.h"
#include "common/strings.h"
#include "formats/decode.h"
#include "storage/s3/s3_client.h"

namespace sluice {

namespace {

constexpr int64_t kNoStart = std::numeric_limits<int64_t>::min();
constexpr int64_t kMarkerCheckIntervalMicros = 100000;

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t ElapsedMs(int64_t since_steady_micros) {
  return (SteadyMicros() - since_steady_micros) / 1000;
}

double Rate(int64_t rows, int64_t micros) {
  return micros > 0 ? static_cast<double>(rows) * 1e6 / static_cast<double>(micros) : 0.0;
}

OffsetMap EndsOf(const PartitionRanges& ranges) {
  OffsetMap out;
  for (const auto& [partition, range] : ranges) out[partition] = range.second;
  return out;
}

OffsetMap StartsOf(const PartitionRanges& ranges) {
  OffsetMap out;
  for (const auto& [partition, range] : ranges) out[partition] = range.first;
  return out;
}

/// Reads a batch's ranges as consecutive sub-ranges ("chunks"), partition after partition, so
/// that [start, end) of each partition is covered exactly, in order. The batch's first Read
/// takes one offset; later ones as many offsets as `chunk_rows` rows need at the rows per offset
/// seen so far in the batch (a files source has one offset per file, datagen one per row). The
/// chunks depend only on the ranges and the data, so a replay reads the same ones.
/// `chunk_rows` <= 0: one Read per partition.
class ChunkedReader {
 public:
  ChunkedReader(Source* source, const PartitionRanges& ranges, int64_t chunk_rows)
      : source_(source), chunk_rows_(chunk_rows) {
    for (const auto& [partition, range] : ranges) {
      if (range.second > range.first) parts_.emplace_back(partition, range.first, range.second);
    }
    if (!parts_.empty()) position_ = std::get<1>(parts_[0]);
  }

  bool has_more() const { return index_ < parts_.size(); }
  /// Time spent in Source::Read.
  int64_t read_micros() const { return read_micros_; }

  /// Reads the next chunk into `out` (cleared first); false when everything was read.
  Result<bool> Next(std::vector<Batch>* out) {
    out->clear();
    if (!has_more()) return false;
    const auto& [partition, start, end] = parts_[index_];
    int64_t count = chunk_rows_ > 0 ? std::min(step_, end - position_) : end - position_;
    int64_t read_start = SteadyMicros();
    RETURN_NOT_OK(source_->Read(partition, position_, position_ + count, out));
    read_micros_ += SteadyMicros() - read_start;
    for (const Batch& batch : *out) rows_ += batch.num_rows();
    offsets_ += count;
    position_ += count;
    if (position_ >= end && ++index_ < parts_.size()) position_ = std::get<1>(parts_[index_]);
    if (rows_ > 0) {
      double step = static_cast<double>(chunk_rows_) * static_cast<double>(offsets_) /
                    static_cast<double>(rows_);
      step_ = step >= 1e15 ? int64_t{1000000000000000} : std::max<int64_t>(1, int64_t(step));
    } else {
      step_ = std::min<int64_t>(step_ * 2, int64_t{1} << 40);  // empty so far: grow
    }
    return true;
  }

 private:
  Source* source_;
  int64_t chunk_rows_;
  std::vector<std::tuple<std::string, int64_t, int64_t>> parts_;  // non-empty ranges
  size_t index_ = 0;
  int64_t position_ = 0;
  int64_t step_ = 1;
  int64_t rows_ = 0;
  int64_t offsets_ = 0;
  int64_t read_micros_ = 0;
};

/// A chunk of a batch, read and transformed, ready for the sink.
struct Chunk {
  std::vector<Batch> batches;  // the transform's non-empty outputs
  int64_t input_rows = 0;
};

/// A one-slot hand-off of chunks from the reading thread to the query's thread.
class ChunkQueue {
 public:
  /// Blocks while the slot is full; false if the consumer gave up (Cancel).
  bool Push(Chunk&& chunk) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !slot_.has_value() || cancelled_; });
    if (cancelled_) return false;
    slot_ = std::move(chunk);
    changed_.notify_all();
    return true;
  }
  /// Blocks until the slot is empty (the last chunk was taken); false if the consumer gave up.
  /// The producer waits here before reading the next chunk, so that it reads one chunk ahead:
  /// one chunk is written while the next is read, and no third one is in memory.
  bool WaitEmpty() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !slot_.has_value() || cancelled_; });
    return !cancelled_;
  }
  /// The producer is done: `status` is its error, if any.
  void Finish(Status status) {
    std::lock_guard lock(mutex_);
    done_ = true;
    status_ = std::move(status);
    changed_.notify_all();
  }
  /// Blocks until a chunk or the end; false at the end (then see status()).
  bool Pop(Chunk* out) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return slot_.has_value() || done_; });
    if (!slot_.has_value()) return false;
    *out = std::move(*slot_);
    slot_.reset();
    changed_.notify_all();
    return true;
  }
  void Cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    slot_.reset();
    changed_.notify_all();
  }
  Status status() {
    std::lock_guard lock(mutex_);
    return status_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Chunk> slot_;
  bool done_ = false;
  bool cancelled_ = false;
  Status status_;
};

}  // namespace

StreamingQuery::StreamingQuery(QueryPlan plan, QueryOptions options)
    : plan_(std::move(plan)), options_(std::move(options)) {
  clock_ = options_.clock != nullptr ? options_.clock : &SystemClock();
  checkpoint_dir_ =
      options_.checkpoint_dir.empty() ? plan_.checkpoint_dir : options_.checkpoint_dir;
}

Status StreamingQuery::Run() {
  Status st = Start();
  if (!st.ok()) st = st.WithContext(fmt::format("query '{}'", plan_.name));
  if (st.ok()) st = Loop();
  if (sink_ != nullptr) {
    Status closed = sink_->Close();
    if (st.ok() && !closed.ok()) st = closed.WithContext(fmt::format("query '{}'", plan_.name));
  }
  return st;
}

Status StreamingQuery::Start() {
  if (checkpoint_dir_.empty()) return Status::Internal("no checkpoint folder");
  if (options_.fs != nullptr) {
    fs_ = options_.fs;
  } else {
    ASSIGN_OR_RETURN(fs_, FileSystemForPath(checkpoint_dir_));
  }
  if (!options_.stop_marker_path.empty()) {
    ASSIGN_OR_RETURN(marker_fs_, FileSystemForPath(options_.stop_marker_path));
  }
  log_ = std::make_unique<CheckpointLog>(fs_, checkpoint_dir_);
  RETURN_NOT_OK(log_->RemoveTemporaries());
  ASSIGN_OR_RETURN(metadata_, log_->LoadOrCreateMetadata(plan_.name, clock_->NowMicros()));
  run_id_ = NewUuid();

  if (!plan_.source.def.create_source) {
    return Status::Internal("connector '{}' cannot create a source", plan_.source.def.name);
  }
  if (!plan_.sink.def.create_sink) {
    return Status::Internal("connector '{}' cannot create a sink", plan_.sink.def.name);
  }
  SourceContext source_context;
  source_context.query_id = metadata_.id;
  source_context.source_name = plan_.source.name;
  source_context.schema = plan_.source.schema;
  source_context.options = plan_.source.options;
  source_context.clock = clock_;
  source_context.state_dir = JoinPath(JoinPath(checkpoint_dir_, "sources"), plan_.source.name);
  source_context.state_fs = fs_;
  ASSIGN_OR_RETURN(source_, plan_.source.def.create_source(std::move(source_context)));

  SinkContext sink_context;
  sink_context.query_id = metadata_.id;
  sink_context.query_name = plan_.name;
  sink_context.sink_name = plan_.sink.name;
  sink_context.schema =
      plan_.bound.output_schema != nullptr ? plan_.bound.output_schema : plan_.source.schema;
  sink_context.options = plan_.sink.options;
  sink_context.clock = clock_;
  sink_context.state_dir = JoinPath(checkpoint_dir_, "sink");
  sink_context.state_fs = fs_;
  sink_context.threads = std::max(1, options_.threads);
  ASSIGN_OR_RETURN(sink_, plan_.sink.def.create_sink(std::move(sink_context)));
  RETURN_NOT_OK(sink_->Open());
  SLUICE_LOG_INFO("query '{}' (id {}, run {}) started; checkpoint '{}', trigger {}", plan_.name,
                  metadata_.id, run_id_, checkpoint_dir_, plan_.trigger.ToString());
  return Status::OK();
}

bool StreamingQuery::StopRequested(bool force) {
  for (const StopToken* token : options_.stop_tokens) {
    if (token != nullptr && token->stop_requested()) return true;
  }
  if (marker_seen_) return true;
  if (marker_fs_ == nullptr) return false;
  int64_t now = SteadyMicros();
  if (!force && last_marker_check_steady_micros_ >= 0 &&
      now - last_marker_check_steady_micros_ < kMarkerCheckIntervalMicros) {
    return false;
  }
  last_marker_check_steady_micros_ = now;
  auto exists = marker_fs_->Exists(options_.stop_marker_path);
  if (exists.ok() && *exists) {
    marker_seen_ = true;
    SLUICE_LOG_INFO("stop marker '{}' seen: query '{}' stops after the batch in flight",
                    options_.stop_marker_path, plan_.name);
    return true;
  }
  return false;
}

Result<int64_t> StreamingQuery::StartOf(const OffsetMap& position, const std::string& partition) {
  auto it = position.find(partition);
  if (it != position.end()) return it->second;
  if (!have_initial_offsets_) {
    ASSIGN_OR_RETURN(initial_offsets_, source_->InitialOffsets());
    have_initial_offsets_ = true;
  }
  auto initial = initial_offsets_.find(partition);
  return initial != initial_offsets_.end() ? initial->second : 0;
}

Status StreamingQuery::Loop() {
  const std::string& source_name = plan_.source.name;
  const Trigger& trigger = plan_.trigger;
  auto with_context = [&](const Status& st) {
    return st.WithContext(fmt::format("query '{}'", plan_.name));
  };

  auto latest_logged = log_->LatestOffsets();
  if (!latest_logged.ok()) return with_context(latest_logged.status());
  auto latest_commit = log_->LatestCommit();
  if (!latest_commit.ok()) return with_context(latest_commit.status());

  OffsetMap position;
  int64_t next_batch = 0;
  bool ran_batch = false;
  if (latest_logged->has_value()) {
    const int64_t last = **latest_logged;
    // Every batch logged after the last commit is replayed, in order, with its logged ranges:
    // the newest one (the batch in flight at the crash) and, when the sink held batches in open
    // files (maxFileAge), the ones before it.
    const int64_t first_uncommitted =
        latest_commit->has_value() ? std::min(**latest_commit + 1, last + 1) : 0;
    for (int64_t id = std::max<int64_t>(first_uncommitted, 0); id <= last; ++id) {
      auto entry = log_->ReadOffsets(id);
      if (!entry.ok()) {
        if (entry.status().IsNotFound() && id < last) continue;  // purged long ago: committed
        return with_context(entry.status());
      }
      if (entry->sources.find(source_name) == entry->sources.end()) {
        return with_context(Status::Commit(
            "'{}' has no offsets for source '{}': does this checkpoint belong to another query?",
            log_->OffsetsPath(id), source_name));
      }
      SLUICE_LOG_INFO("query '{}': batch {} was logged but not committed; replaying it", plan_.name,
                      id);
      RETURN_NOT_OK(RunBatch(*entry, /*replay=*/true, kNoStart, {}, 0));
      ran_batch = true;
    }
    // What the replay held is published now: the interrupted run published (or was about to
    // publish) exactly these batches together, so the files come out the same.
    if (!held_.empty()) RETURN_NOT_OK(with_context(FlushHeld("recovery")));
    auto entry = log_->ReadOffsets(last);
    if (!entry.ok()) return with_context(entry.status());
    auto ranges = entry->sources.find(source_name);
    if (ranges == entry->sources.end()) {
      return with_context(Status::Commit(
          "'{}' has no offsets for source '{}': does this checkpoint belong to another query?",
          log_->OffsetsPath(last), source_name));
    }
    position = EndsOf(ranges->second);
    next_batch = last + 1;
  } else {
    auto initial = source_->InitialOffsets();
    if (!initial.ok()) return with_context(initial.status());
    position = *initial;
    initial_offsets_ = *initial;
    have_initial_offsets_ = true;
  }

  // availableNow: everything available at start, and nothing more.
  std::optional<OffsetMap> snapshot;
  if (trigger.kind == TriggerKind::kAvailableNow) {
    auto latest = source_->LatestOffsets();
    if (!latest.ok()) return with_context(latest.status());
    snapshot = std::move(*latest);
  }
  auto snapshot_reached = [&]() -> Result<bool> {
    if (!snapshot) return false;
    for (const auto& [partition, offset] : *snapshot) {
      ASSIGN_OR_RETURN(int64_t start, StartOf(position, partition));
      if (start < offset) return false;
    }
    return true;
  };
  auto finished = [&]() -> Result<bool> {
    if (source_->IsExhausted(position)) return true;
    return snapshot_reached();
  };

  int64_t last_start = kNoStart;
  bool idle = false;
  while (true) {
    if (StopRequested(/*force=*/true)) {
      SLUICE_LOG_INFO("query '{}' stopped on request", plan_.name);
      break;
    }
    if (trigger.kind == TriggerKind::kOnce && ran_batch) break;

    // Wait for the trigger: processingTime=T starts every T after the previous start (no
    // catch-up burst when a batch ran long); otherwise at once, or after a poll when idle.
    if (last_start != kNoStart) {
      int64_t next_start = last_start;
      if (trigger.kind == TriggerKind::kProcessingTime && trigger.interval_micros > 0) {
        next_start = last_start + trigger.interval_micros;
      } else if (idle) {
        next_start = last_start + options_.idle_poll_micros;
      }
      // Batches held in open files are published by their deadline even when no batch comes.
      std::optional<int64_t> deadline;
      if (!held_.empty()) deadline = sink_->FlushDeadlineMicros();
      const int64_t wake = deadline ? std::min(next_start, *deadline) : next_start;
      if (clock_->NowMicros() < wake &&
          !clock_->WaitUntil(wake, [this] { return StopRequested(/*force=*/false); })) {
        continue;  // interrupted: the top of the loop ends the query
      }
      if (deadline && clock_->NowMicros() >= *deadline) {
        RETURN_NOT_OK(with_context(FlushHeld("maxFileAge reached")));
      }
      if (clock_->NowMicros() < next_start) continue;  // woke up for the publish only
    }
    int64_t batch_start = clock_->NowMicros();
    int64_t previous_start = last_start;
    last_start = batch_start;

    int64_t plan_start = SteadyMicros();
    auto planned = source_->PlanBatchEnd(position);
    if (!planned.ok()) return with_context(planned.status());
    OffsetMap end = std::move(*planned);
    auto latest = source_->LatestOffsets();
    if (!latest.ok()) return with_context(latest.status());
    int64_t latest_offset_ms = ElapsedMs(plan_start);

    PartitionRanges ranges;
    bool has_new = false;
    for (auto& [partition, end_offset] : end) {
      auto start = StartOf(position, partition);
      if (!start.ok()) return with_context(start.status());
      if (snapshot) {
        auto cap = snapshot->find(partition);
        end_offset = cap == snapshot->end() ? *start : std::min(end_offset, cap->second);
      }
      end_offset = std::max(end_offset, *start);
      ranges[partition] = {*start, end_offset};
      if (end_offset > *start) has_new = true;
    }

    if (!has_new) {
      idle = true;
      auto done = finished();
      if (!done.ok()) return with_context(done.status());
      if (*done || trigger.kind == TriggerKind::kOnce) break;
      continue;
    }
    idle = false;

    OffsetsEntry entry;
    entry.batch_id = next_batch;
    entry.batch_timestamp_ms = batch_start / 1000;
    entry.sources[source_name] = ranges;
    RETURN_NOT_OK(RunBatch(entry, /*replay=*/false, previous_start, *latest, latest_offset_ms));
    for (const auto& [partition, range] : ranges) position[partition] = range.second;
    ++next_batch;
    ran_batch = true;

    auto done = finished();
    if (!done.ok()) return with_context(done.status());
    if (*done) break;
  }
  // Stopping (end of input, trigger once, stop request): what the sink holds is published first.
  if (!held_.empty()) RETURN_NOT_OK(with_context(FlushHeld("the query stops")));
  SLUICE_LOG_INFO("query '{}' ended after {} batches in this run", plan_.name,
                  batches_completed_.load());
  return Status::OK();
}

Status StreamingQuery::FlushHeld(std::string_view why) {
  if (held_.empty()) return Status::OK();
  const int64_t first = held_.front().commit.batch_id;
  const int64_t last = held_.back().commit.batch_id;
  ASSIGN_OR_RETURN(SinkBatchStats stats, sink_->PublishHeld());
  if (stats.held) return Status::Internal("the sink still holds batches after PublishHeld");
  SLUICE_LOG_INFO("query '{}': published batches {} to {} ({}): {} files, {} bytes", plan_.name,
                  first, last, why, stats.files, stats.bytes);
  return LogHeldCommits(stats);
}

Status StreamingQuery::LogHeldCommits(const SinkBatchStats& stats) {
  if (held_.empty()) return Status::OK();
  held_.back().commit.files_written = stats.files;
  held_.back().commit.bytes_written = stats.bytes;
  const int64_t now_ms = clock_->NowMicros() / 1000;
  for (HeldBatch& held : held_) {
    held.commit.committed_at_ms = now_ms;
    RETURN_NOT_OK(log_->WriteCommit(held.commit));
    SLUICE_FAULT_POINT("runtime.after_commit_log");
  }
  source_->Advise(held_.back().ends);
  held_.clear();
  return log_->Purge(options_.min_batches_to_retain);
}

Status StreamingQuery::RunBatch(const OffsetsEntry& entry, bool replay,
                                int64_t previous_start_micros, const OffsetMap& latest,
                                int64_t latest_offset_ms) {
  QueryProgress progress;
  progress.id = metadata_.id;
  progress.run_id = run_id_;
  progress.name = plan_.name;
  progress.timestamp_micros = clock_->NowMicros();
  progress.batch_id = entry.batch_id;
  progress.replayed = replay;
  progress.latest_offset_ms = latest_offset_ms;
  Status st = ExecuteBatch(entry, replay, &progress);
  if (!st.ok()) {
    return st.WithContext(fmt::format("query '{}' batch {}", plan_.name, entry.batch_id));
  }
  batches_completed_.fetch_add(1);

  if (previous_start_micros != kNoStart) {
    progress.input_rows_per_second =
        Rate(progress.num_input_rows, progress.timestamp_micros - previous_start_micros);
  }
  SourceProgress source;
  source.description = source_->Describe();
  const PartitionRanges& ranges = entry.sources.at(plan_.source.name);
  source.start_offset = StartsOf(ranges);
  source.end_offset = EndsOf(ranges);
  source.latest_offset = latest;
  source.num_input_rows = progress.num_input_rows;
  source.input_rows_per_second = progress.input_rows_per_second;
  source.processed_rows_per_second = progress.processed_rows_per_second;
  progress.sources.push_back(std::move(source));
  progress.sink_description = sink_->Describe();
  const s3::S3Stats& s3_stats = s3::GlobalS3Stats();
  if (s3_stats.requests.load(std::memory_order_relaxed) > 0) {
    auto get = [](const std::atomic<int64_t>& value) {
      return value.load(std::memory_order_relaxed);
    };
    progress.s3 = {{"requests", get(s3_stats.requests)},
                   {"retries", get(s3_stats.retries)},
                   {"retriesThrottled", get(s3_stats.retries_throttled)},
                   {"retriesServerError", get(s3_stats.retries_server)},
                   {"retriesTimeout", get(s3_stats.retries_timeout)},
                   {"retriesConnection", get(s3_stats.retries_reset)},
                   {"bytesSent", get(s3_stats.bytes_sent)},
                   {"bytesReceived", get(s3_stats.bytes_received)}};
  }

  if (options_.progress != nullptr) {
    Status reported = options_.progress->Report(progress);
    if (!reported.ok()) SLUICE_LOG_WARN("{}", reported.ToString());
  } else {
    SLUICE_LOG_INFO("{}", progress.Summary());
  }
  return Status::OK();
}

Status StreamingQuery::ExecuteBatch(const OffsetsEntry& entry, bool replay,
                                    QueryProgress* progress) {
  const int64_t batch_id = entry.batch_id;
  const int64_t trigger_start = SteadyMicros();
  auto ranges_it = entry.sources.find(plan_.source.name);
  if (ranges_it == entry.sources.end()) {
    return Status::Commit("the offsets log has no ranges for source '{}'", plan_.source.name);
  }
  const PartitionRanges& ranges = ranges_it->second;

  if (!replay) {
    int64_t wal_start = SteadyMicros();
    RETURN_NOT_OK(log_->WriteOffsets(entry));
    progress->wal_commit_ms = ElapsedMs(wal_start);
    SLUICE_FAULT_POINT("runtime.after_offsets_log");
  }

  bool sink_has_it = false;
  if (replay) {
    ASSIGN_OR_RETURN(int64_t last_committed, sink_->LastCommitted());
    if (last_committed >= batch_id) {
      sink_has_it = true;
      SLUICE_LOG_INFO("query '{}': the sink already committed batch {}; not writing it again",
                      plan_.name, batch_id);
    }
  }

  SinkBatchStats stats;
  if (!sink_has_it) {
    SinkBatchInfo info;
    info.source_name = plan_.source.name;
    for (const auto& [partition, range] : ranges) info.source_ranges[partition] = range;
    info.batch_timestamp_ms = entry.batch_timestamp_ms;
    RETURN_NOT_OK(sink_->BeginBatch(batch_id, info));
    EvalContext context{batch_id, entry.batch_timestamp_ms * 1000};
    const QueryTransform* transform = plan_.bound.transform.get();
    // The batch flows in chunks through two stages: read + transform, then write. With
    // threads = 1 they alternate on the query's thread (one chunk in memory); with threads >= 2
    // a second thread runs the first stage on the next chunk while this one writes the current
    // chunk (two chunks in memory). Never the whole batch.
    ChunkedReader reader(source_.get(), ranges, options_.read_chunk_rows);
    int64_t transform_micros = 0;  // first stage only
    int64_t write_micros = 0;      // second stage only
    auto read_chunk = [&](Chunk* chunk) -> Result<bool> {
      std::vector<Batch> input;
      chunk->batches.clear();
      chunk->input_rows = 0;
      ASSIGN_OR_RETURN(bool got, reader.Next(&input));
      if (!got) return false;
      int64_t transform_start = SteadyMicros();
      for (Batch& batch : input) {
        chunk->input_rows += batch.num_rows();
        if (transform == nullptr) {
          if (batch.num_rows() > 0) chunk->batches.push_back(std::move(batch));
          continue;
        }
        ASSIGN_OR_RETURN(Batch output, transform->Apply(batch, context));
        if (output.num_rows() > 0) chunk->batches.push_back(std::move(output));
      }
      transform_micros += SteadyMicros() - transform_start;
      return true;
    };
    auto write_chunk = [&](const Chunk& chunk) -> Status {
      int64_t write_start = SteadyMicros();
      progress->num_input_rows += chunk.input_rows;
      for (const Batch& batch : chunk.batches) {
        RETURN_NOT_OK(sink_->Write(batch_id, batch));
        progress->num_output_rows += batch.num_rows();
      }
      write_micros += SteadyMicros() - write_start;
      return Status::OK();
    };
    auto read_and_write = [&]() -> Status {
      Chunk chunk;
      ASSIGN_OR_RETURN(bool got, read_chunk(&chunk));
      ChunkQueue queue;
      std::thread reading;
      struct Joiner {  // the reading thread never outlives the queue and reader it uses
        ChunkQueue& queue;
        std::thread& thread;
        ~Joiner() {
          if (!thread.joinable()) return;
          queue.Cancel();
          thread.join();
        }
      } joiner{queue, reading};
      if (got && reader.has_more() && options_.threads >= 2) {
        try {
          reading = std::thread([&read_chunk, &queue] {
            Status status;
            while (queue.WaitEmpty()) {
              Chunk next;
              Result<bool> more = read_chunk(&next);
              if (!more.ok()) status = more.status();
              if (!more.ok() || !*more || !queue.Push(std::move(next))) break;
            }
            queue.Finish(std::move(status));
          });
        } catch (const std::system_error& error) {
          SLUICE_LOG_WARN("no reading thread ({}): batch {} reads and writes in turn", error.what(),
                          batch_id);
        }
      }
      Status status;
      while (got) {
        status = write_chunk(chunk);
        if (!status.ok()) break;
        if (reading.joinable()) {
          got = queue.Pop(&chunk);
        } else {
          Result<bool> next = read_chunk(&chunk);
          if (!next.ok()) {
            status = next.status();
            break;
          }
          got = *next;
        }
      }
      if (reading.joinable()) {
        if (!status.ok()) queue.Cancel();
        reading.join();
        if (status.ok()) status = queue.status();
      }
      return status;
    };
    Status written = [&]() -> Status {
      RETURN_NOT_OK(read_and_write());
      progress->get_batch_ms = reader.read_micros() / 1000;
      std::vector<BadRecord> bad_records = source_->TakeBadRecords();
      progress->bad_records = static_cast<int64_t>(bad_records.size());
      for (const BadRecord& bad : bad_records) ++progress->bad_records_by_reason[bad.reason_kind];
      int64_t commit_start = SteadyMicros();
      // The quarantine is published before the sink commits: a replay of N (the sink not
      // committed) rewrites the same file with the same bytes; once the sink committed N, the
      // file is already there.
      RETURN_NOT_OK(WriteBadRecords(batch_id, bad_records));
      SLUICE_FAULT_POINT("runtime.after_sink_write");
      ASSIGN_OR_RETURN(stats, sink_->Commit(batch_id));
      write_micros += SteadyMicros() - commit_start;
      return Status::OK();
    }();
    if (!written.ok()) {
      Status aborted = sink_->Abort(batch_id);
      if (!aborted.ok()) SLUICE_LOG_WARN("abort of batch {}: {}", batch_id, aborted.ToString());
      return written;
    }
    progress->add_batch_ms = (transform_micros + write_micros) / 1000;
    SLUICE_FAULT_POINT("runtime.after_sink_commit");
  }
  progress->files_written = stats.files;
  progress->bytes_written = stats.bytes;
  progress->held_by_sink = stats.held;

  int64_t commit_start = SteadyMicros();
  HeldBatch batch;
  batch.commit.batch_id = batch_id;
  batch.commit.num_input_rows = progress->num_input_rows;
  batch.commit.num_output_rows = progress->num_output_rows;
  batch.ends = EndsOf(ranges);
  held_.push_back(std::move(batch));
  // A held batch is committed later, with the publish of its files (in batch order).
  if (!stats.held) RETURN_NOT_OK(LogHeldCommits(stats));
  progress->commit_offsets_ms = ElapsedMs(commit_start);
  progress->trigger_execution_ms = ElapsedMs(trigger_start) + progress->latest_offset_ms;
  progress->processed_rows_per_second = Rate(
      progress->num_input_rows, SteadyMicros() - trigger_start + progress->latest_offset_ms * 1000);
  return Status::OK();
}

Status StreamingQuery::WriteBadRecords(int64_t batch_id, const std::vector<BadRecord>& records) {
  if (records.empty()) return Status::OK();
  const OptionSet& options = plan_.source.options;
  if (!options.Has("badRecordsPath") || options.GetString("badRecordsPath").empty()) {
    return Status::OK();
  }
  const std::string root = options.GetString("badRecordsPath");
  const std::string name = fmt::format("bad-records-{:06}.json", batch_id);
  const std::string final_path = JoinPath(JoinPath(root, plan_.name), name);
  const std::string staging_path =
      JoinPath(JoinPath(JoinPath(root, "_sluice_staging"), plan_.name), name + ".inprogress");
  ASSIGN_OR_RETURN(auto fs, FileSystemForPath(root));
  std::string lines;
  for (const BadRecord& record : records) {
    lines += fmt::format(R"({{"batchId":{},"query":)", batch_id);
    AppendJsonString(lines, plan_.name);
    lines += R"(,"source":)";
    AppendJsonString(lines, plan_.source.name);
    if (!record.coordinates.empty()) {
      lines.push_back(',');
      lines += record.coordinates;
    }
    lines += R"(,"reasonKind":)";
    AppendJsonString(lines, record.reason_kind);
    lines += R"(,"reason":)";
    AppendJsonString(lines, record.reason);
    lines += record.dropped ? R"(,"dropped":true)" : R"(,"dropped":false)";
    size_t key_at = lines.size();
    lines += R"(,"record":)";
    if (!AppendRawRecordJson(lines, record.raw)) {
      lines.replace(key_at, 10, R"(,"recordBase64":)");
    }
    lines += "}\n";
  }
  ASSIGN_OR_RETURN(auto writer, fs->OpenStaged(staging_path, final_path));
  Status st = writer->Append(lines);
  if (st.ok()) st = writer->Publish();
  if (!st.ok()) {
    (void)writer->Abort();
    return st.WithContext(fmt::format("writing bad records to '{}'", final_path));
  }
  return Status::OK();
}

}  // namespace sluice
