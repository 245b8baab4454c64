// The seams between the runtime and every connector: Source, Sink, and the typed registry through
// which connectors make themselves known (the runtime never names a connector).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "columnar/types.h"
#include "common/clock.h"
#include "common/status.h"
#include "connectors/options.h"
#include "storage/filesystem.h"

namespace sluice {

/// Next offset to read, per source partition ("0", "clicks-3", ...). Offsets are positions of
/// records in a partition; a batch reads [start, end) of each partition.
using OffsetMap = std::map<std::string, int64_t>;

/// Everything a source instance is created with.
struct SourceContext {
  std::string query_id;     // stable across restarts (from the checkpoint)
  std::string source_name;  // as declared in CREATE SOURCE
  SchemaRef schema;         // the resolved output schema (see ConnectorDef::resolve_schema)
  OptionSet options;        // validated, defaults filled in
  Clock* clock = nullptr;
  /// A folder in the query's checkpoint this source may keep its own logs in, and its file system.
  std::string state_dir;
  std::shared_ptr<FileSystem> state_fs;
  /// The columns of `schema` declared `METADATA [FROM 'key']`: column name -> the key (one of
  /// ConnectorDef::metadata, in its spelling). The source fills them from each record's
  /// metadata; the other columns are decoded from the record.
  std::map<std::string, std::string> metadata_columns;
  /// Projection pushdown: one flag per column of `schema`, false = the query never reads that
  /// column (the planner's over-approximation); empty = every column is read. A decoding source
  /// may skip such columns (their values all NULL, never decoded, their fields not checked).
  std::vector<bool> used_columns;
};

/// A record a source's decoder rejected or flagged (the quarantine), with where it came from.
/// The runtime counts them per reason in the progress record and, when the source has a
/// `badRecordsPath` option, writes them as JSON lines inside the batch commit.
struct BadRecord {
  /// JSON object members (no braces) naming where the record is, in a deterministic order:
  /// `"file":"/in/a.json","line":3` or `"topic":"t","partition":0,"offset":42`.
  std::string coordinates;
  std::string reason_kind;  // "type_mismatch", "malformed_json", ... (formats/decode.h)
  std::string reason;       // "field 'price': expected DOUBLE, got string \"abc\""
  std::string raw;          // the record's bytes (may be invalid UTF-8)
  bool dropped = false;     // not in the output (DROPMALFORMED); else kept with NULLs
};

/// A replayable stream of records in partitions. Reads are deterministic: the same [start, end)
/// gives the same rows, on every run and every replay.
class Source {
 public:
  virtual ~Source() = default;

  /// Where a query with no checkpoint starts (e.g. startingOffsets), for every partition.
  virtual Result<OffsetMap> InitialOffsets() = 0;
  /// Everything available now, ignoring rate limits (for lag and for trigger availableNow).
  virtual Result<OffsetMap> LatestOffsets() = 0;
  /// End offsets of the next batch starting at `start`, within the source's own limits
  /// (rowsPerSecond, maxOffsetsPerTrigger). Returns `start` when nothing new is available.
  /// Partitions absent from `start` but present now start from their initial offset.
  virtual Result<OffsetMap> PlanBatchEnd(const OffsetMap& start) = 0;
  /// Reads exactly [start, end) of one partition as batches of the source schema, appended to
  /// `out`.
  virtual Status Read(const std::string& partition, int64_t start, int64_t end,
                      std::vector<Batch>* out) = 0;
  /// True when the source is bounded and `offsets` has reached its end.
  virtual bool IsExhausted(const OffsetMap& offsets) {
    (void)offsets;
    return false;
  }
  /// The bad records found by the Read calls since the previous call (deterministic: a replayed
  /// range gives the same list). Sources that do not decode bytes have none.
  virtual std::vector<BadRecord> TakeBadRecords() { return {}; }
  /// Called after a batch committed, with its end offsets (advisory, e.g. Kafka group offsets).
  virtual void Advise(const OffsetMap& committed) { (void)committed; }
  /// One line for progress records: "datagen[seed=42, partitions=2]".
  virtual std::string Describe() const = 0;
};

/// Everything a sink instance is created with.
struct SinkContext {
  std::string query_id;
  std::string query_name;
  std::string sink_name;
  SchemaRef schema;  // the schema of the rows the query writes
  OptionSet options;
  Clock* clock = nullptr;
  std::string state_dir;  // the sink's folder in the query's checkpoint
  std::shared_ptr<FileSystem> state_fs;
  /// The query's threadsPerQuery: a sink may spread its encoding over that many threads.
  int threads = 1;
};

/// What a sink did for one batch, for the progress record.
struct SinkBatchStats {
  int64_t rows = 0;
  int64_t files = 0;
  int64_t bytes = 0;
  /// Commit kept the batch's rows in files that stay open for the next batches (the files sink's
  /// maxFileAge): the batch is not durable yet, and the runtime must not log its commit until a
  /// later Commit or PublishHeld returns with `held` false (which publishes every held batch).
  bool held = false;
};

/// Where a batch's rows came from, told to the sink before its first Write (for audit logs such
/// as the files sink's table log). The same on every replay of the batch.
struct SinkBatchInfo {
  std::string source_name;
  /// [start, end) per source partition, as in the checkpoint's offsets log.
  std::map<std::string, std::pair<int64_t, int64_t>> source_ranges;
  /// The batch's logical time (offsets log), e.g. for age-based file rolling.
  int64_t batch_timestamp_ms = 0;
};

/// Writes batches; makes a batch visible only at Commit(batch_id), atomically and idempotently.
class Sink {
 public:
  virtual ~Sink() = default;
  /// Opens and recovers: discards what uncommitted batches left in staging.
  virtual Status Open() = 0;
  /// Called once per batch (also on replay) before its Writes.
  virtual Status BeginBatch(int64_t batch_id, const SinkBatchInfo& info) {
    (void)batch_id;
    (void)info;
    return Status::OK();
  }
  /// Writes (part of) batch `batch_id` into staging. Called any number of times per batch.
  virtual Status Write(int64_t batch_id, const Batch& batch) = 0;
  /// Publishes everything written for `batch_id`. A second call for a committed batch is a no-op.
  virtual Result<SinkBatchStats> Commit(int64_t batch_id) = 0;
  /// Publishes the batches that Commit held (files kept open across batches): their stats, with
  /// `held` false. A no-op for sinks that never hold (and when nothing is held).
  virtual Result<SinkBatchStats> PublishHeld() { return SinkBatchStats{}; }
  /// When held batches must be published by (wall-clock micros), even if no batch comes; nullopt
  /// when nothing is held. The runtime wakes up for it and calls PublishHeld.
  virtual std::optional<int64_t> FlushDeadlineMicros() const { return std::nullopt; }
  /// Drops what was staged for `batch_id` (for a sink holding batches: everything it holds).
  virtual Status Abort(int64_t batch_id) = 0;
  /// The highest committed batch id, or -1. Sinks that cannot tell (console) return -1.
  virtual Result<int64_t> LastCommitted() = 0;
  virtual Status Close() { return Status::OK(); }
  virtual std::string Describe() const = 0;
};

/// A metadata column a source can fill (`name TYPE METADATA FROM 'key'`), e.g. a Kafka record's
/// offset. The planner checks declared metadata columns against these (key, type, nullability).
struct MetadataSpec {
  std::string key;  // matched case-insensitively; the source gets this spelling
  TypeRef type;
  bool nullable = false;  // false: a NOT NULL column may take it
  std::string description;
};

/// One connector: its options and factories. A connector may be a source, a sink, or both.
struct ConnectorDef {
  std::string name;
  std::string description;

  std::vector<OptionSpec> source_options;
  /// The schema the source produces, from the declared columns (may be empty when the connector
  /// knows its own schema, e.g. datagen) and the options. Errors name the offending column.
  /// METADATA columns are not part of `declared`: the planner checks them against `metadata` and
  /// puts them back at their declared positions in the resolved schema (columns the resolver
  /// adds go after the declared ones), then tells the source through
  /// SourceContext::metadata_columns.
  std::function<Result<SchemaRef>(const Schema& declared, const OptionSet& options)> resolve_schema;
  /// The metadata columns the source can fill; empty = the connector rejects METADATA columns.
  std::vector<MetadataSpec> metadata;
  std::function<Result<std::unique_ptr<Source>>(SourceContext context)> create_source;

  std::vector<OptionSpec> sink_options;
  /// Checks the options against the schema of the rows the query writes (e.g. partitionBy names
  /// existing columns); called at plan time.
  std::function<Status(const Schema& input, const OptionSet& options)> validate_sink;
  std::function<Result<std::unique_ptr<Sink>>(SinkContext context)> create_sink;
  /// True if the sink cannot give exactly-once without a checkpointLocation (files).
  bool sink_requires_checkpoint = false;

  bool is_source() const { return static_cast<bool>(create_source); }
  bool is_sink() const { return static_cast<bool>(create_sink); }
};

/// The typed registry of connectors, filled from the explicit list generated by CMake
/// (RegisterBuiltinConnectors). Tests may register more.
class ConnectorRegistry {
 public:
  /// A registry holding every built-in connector.
  static ConnectorRegistry Builtin();

  Status Register(ConnectorDef def);
  /// nullptr if unknown (lookup is case-insensitive).
  const ConnectorDef* Find(std::string_view name) const;
  /// Sorted names.
  std::vector<std::string> names() const;
  const std::map<std::string, ConnectorDef>& connectors() const { return connectors_; }

 private:
  std::map<std::string, ConnectorDef> connectors_;  // lower-case name -> def
};

/// Options every sink accepts besides its own (checkpointLocation, queryName, trigger).
const std::vector<OptionSpec>& CommonSinkOptions();

}  // namespace sluice
