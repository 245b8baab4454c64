#include "runtime/query.h"

#include <algorithm>
#include <chrono>
#include <limits>

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
    int64_t last = **latest_logged;
    auto entry = log_->ReadOffsets(last);
    if (!entry.ok()) return with_context(entry.status());
    auto ranges = entry->sources.find(source_name);
    if (ranges == entry->sources.end()) {
      return with_context(Status::Commit(
          "'{}' has no offsets for source '{}': does this checkpoint belong to another query?",
          log_->OffsetsPath(last), source_name));
    }
    if (!latest_commit->has_value() || **latest_commit < last) {
      SLUICE_LOG_INFO("query '{}': batch {} was logged but not committed; replaying it", plan_.name,
                      last);
      RETURN_NOT_OK(RunBatch(*entry, /*replay=*/true, kNoStart, {}, 0));
      ran_batch = true;
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
      if (clock_->NowMicros() < next_start &&
          !clock_->WaitUntil(next_start, [this] { return StopRequested(/*force=*/false); })) {
        continue;  // interrupted: the top of the loop ends the query
      }
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
  SLUICE_LOG_INFO("query '{}' ended after {} batches in this run", plan_.name,
                  batches_completed_.load());
  return Status::OK();
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
    int64_t read_start = SteadyMicros();
    std::vector<Batch> input;
    for (const auto& [partition, range] : ranges) {
      if (range.second <= range.first) continue;
      RETURN_NOT_OK(source_->Read(partition, range.first, range.second, &input));
    }
    progress->get_batch_ms = ElapsedMs(read_start);
    std::vector<BadRecord> bad_records = source_->TakeBadRecords();
    progress->bad_records = static_cast<int64_t>(bad_records.size());
    for (const BadRecord& bad : bad_records) ++progress->bad_records_by_reason[bad.reason_kind];

    int64_t add_start = SteadyMicros();
    SinkBatchInfo info;
    info.source_name = plan_.source.name;
    for (const auto& [partition, range] : ranges) info.source_ranges[partition] = range;
    info.batch_timestamp_ms = entry.batch_timestamp_ms;
    RETURN_NOT_OK(sink_->BeginBatch(batch_id, info));
    EvalContext context{batch_id, entry.batch_timestamp_ms * 1000};
    const QueryTransform* transform = plan_.bound.transform.get();
    Status written = [&]() -> Status {
      for (const Batch& batch : input) {
        progress->num_input_rows += batch.num_rows();
        if (transform == nullptr) {
          if (batch.num_rows() == 0) continue;
          RETURN_NOT_OK(sink_->Write(batch_id, batch));
          progress->num_output_rows += batch.num_rows();
          continue;
        }
        ASSIGN_OR_RETURN(Batch output, transform->Apply(batch, context));
        if (output.num_rows() == 0) continue;
        RETURN_NOT_OK(sink_->Write(batch_id, output));
        progress->num_output_rows += output.num_rows();
      }
      // The quarantine is published before the sink commits: a replay of N (the sink not
      // committed) rewrites the same file with the same bytes; once the sink committed N, the
      // file is already there.
      RETURN_NOT_OK(WriteBadRecords(batch_id, bad_records));
      SLUICE_FAULT_POINT("runtime.after_sink_write");
      ASSIGN_OR_RETURN(stats, sink_->Commit(batch_id));
      return Status::OK();
    }();
    if (!written.ok()) {
      Status aborted = sink_->Abort(batch_id);
      if (!aborted.ok()) SLUICE_LOG_WARN("abort of batch {}: {}", batch_id, aborted.ToString());
      return written;
    }
    progress->add_batch_ms = ElapsedMs(add_start);
    SLUICE_FAULT_POINT("runtime.after_sink_commit");
  }
  progress->files_written = stats.files;
  progress->bytes_written = stats.bytes;

  int64_t commit_start = SteadyMicros();
  CommitEntry commit;
  commit.batch_id = batch_id;
  commit.num_input_rows = progress->num_input_rows;
  commit.num_output_rows = progress->num_output_rows;
  commit.files_written = stats.files;
  commit.bytes_written = stats.bytes;
  commit.committed_at_ms = clock_->NowMicros() / 1000;
  RETURN_NOT_OK(log_->WriteCommit(commit));
  SLUICE_FAULT_POINT("runtime.after_commit_log");
  source_->Advise(EndsOf(ranges));
  RETURN_NOT_OK(log_->Purge(options_.min_batches_to_retain));
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
