// The source half of the `kafka` connector: Spark's Kafka source options on librdkafka.
//
// Offsets: one partition id per Kafka partition ("topic-N"); a batch reads [start, end) of each,
// where offsets are Kafka offsets. Planning asks the brokers for the partitions (metadata) and
// their latest offsets (one ListOffsets round trip for all partitions, kept for LatestOffsets in
// the same plan) on a client of its own: on the reading consumer's connection, such a request
// waits behind the Fetch the consumer keeps open on a caught-up broker (fetch.wait.max.ms).
// Reading uses one consumer with the partitions assigned (never a group rebalance), each
// partition on its own queue: the consumer keeps fetching ahead in the background (a bounded
// amount per partition), a Read takes the records below its end and keeps the ones past it for
// the next batch, and a Read that starts elsewhere (a replay) re-assigns the partition at its
// start. A Read returns exactly the records with offsets in [start, end): offsets may have gaps
// (transaction markers, aborted records under read_committed), so the end is reached by a record
// at or past it, or by the end-of-partition event at or past it.
//
// Where a query starts (startingOffsets / startingTimestamp ...) and where a bounded one ends
// (endingOffsets) are resolved to concrete offsets once, at the query's first start, and kept in
// the source's checkpoint folder, so restarts and replays never move them (as Spark does).
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <re2/re2.h>
#include <nlohmann/json.hpp>

#include "columnar/builder.h"
#include "common/logging.h"
#include "common/strings.h"
#include "connectors/decode_option_specs.h"
#include "connectors/kafka/kafka.h"
#include "connectors/kafka/kafka_common.h"
#include "formats/decode.h"
#include "storage/filesystem.h"

namespace sluice {

namespace kafka {

std::map<std::string, int64_t> SplitByBacklog(const std::map<std::string, int64_t>& start,
                                              const std::map<std::string, int64_t>& end,
                                              int64_t limit) {
  std::map<std::string, int64_t> out = end;
  struct Share {
    std::string id;
    int64_t backlog = 0;
    int64_t take = 0;
    double remainder = 0;
  };
  std::vector<Share> shares;
  int64_t total = 0;
  for (const auto& [id, to] : end) {
    auto it = start.find(id);
    const int64_t from = it == start.end() ? to : it->second;
    if (to > from) {
      shares.push_back(Share{id, to - from, 0, 0});
      total += to - from;
    }
  }
  if (total <= limit) return out;
  int64_t left = limit;
  // At least one record each (in id order) while the limit allows: no partition starves.
  for (Share& share : shares) {
    if (left == 0) break;
    share.take = 1;
    --left;
  }
  // The rest in proportion to the backlog beyond that first record, by largest remainder.
  int64_t rest_total = 0;
  for (const Share& share : shares) rest_total += share.backlog - share.take;
  if (left > 0 && rest_total > 0) {
    int64_t given = 0;
    for (Share& share : shares) {
      const double exact = static_cast<double>(left) *
                           static_cast<double>(share.backlog - share.take) /
                           static_cast<double>(rest_total);
      auto whole = static_cast<int64_t>(exact);
      whole = std::min(whole, share.backlog - share.take);
      share.take += whole;
      share.remainder = exact - static_cast<double>(whole);
      given += whole;
    }
    left -= given;
    std::vector<Share*> order;
    for (Share& share : shares) order.push_back(&share);
    std::stable_sort(order.begin(), order.end(),
                     [](const Share* a, const Share* b) { return a->remainder > b->remainder; });
    for (size_t pass = 0; left > 0 && pass < 2; ++pass) {
      for (Share* share : order) {
        if (left == 0) break;
        if (share->take < share->backlog) {
          ++share->take;
          --left;
        }
      }
    }
  }
  for (const Share& share : shares) out[share.id] = start.at(share.id) + share.take;
  return out;
}

}  // namespace kafka

namespace {

using kafka::Handle;
using kafka::Message;
using kafka::PartitionList;
using kafka::PartitionOffsets;
using kafka::Queue;
using kafka::TopicPartition;

constexpr int64_t kRowsPerBatch = 65536;        // decoded rows per output Batch
constexpr int kMessagesPerFetch = 4096;         // messages taken from a partition queue at once
constexpr int kWaitSliceMs = 100;               // longest single wait for a message
constexpr int64_t kCommitDrainMs = 5000;        // how long closing waits for the last group commit
constexpr int64_t kQueryAttemptMs = 10000;      // longest single metadata/offsets request
constexpr int kPrefetchKiBPerPartition = 1024;  // default queued.max.messages.kbytes
constexpr int kNudgeAfterMs = 5;          // an empty partition queue waits this long before a Nudge
constexpr int64_t kNudgeIntervalMs = 50;  // at most one Nudge per partition this often
constexpr int kNudgeTimeoutMs = 500;      // the Nudge's request
constexpr const char* kInitialFile = "kafka-initial-offsets.json";
constexpr const char* kEndingFile = "kafka-ending-offsets.json";

enum class StartKind { kEarliest, kLatest, kOffsets, kTimestamp, kTimestamps };
enum class EndKind { kNone, kLatest, kOffsets };

/// The metadata a column can take (SourceContext::metadata_columns keys).
enum class MetaKind { kKey, kTopic, kPartition, kOffset, kTimestamp, kTimestampType, kHeaders };

TypeRef HeadersType() {
  return ListType(StructType({{"key", StringType(), true}, {"value", StringType(), true}}));
}

std::vector<MetadataSpec> KafkaMetadata() {
  return {
      {"key", StringType(), true,
       "The record's key as text (NULL when absent; bytes that are not UTF-8 become U+FFFD)."},
      {"topic", StringType(), false, "The topic the record was read from."},
      {"partition", Int32Type(), false, "The partition number."},
      {"offset", Int64Type(), false, "The record's offset in its partition."},
      {"timestamp", TimestampType(), true,
       "The record's timestamp (NULL for records written without one)."},
      {"timestampType", Int32Type(), false,
       "0 = CreateTime, 1 = LogAppendTime, -1 = none (Spark's values)."},
      {"headers", HeadersType(), false,
       "The record's headers in order (a header without a value has a NULL value)."},
  };
}

std::optional<MetaKind> MetaKindOf(std::string_view key) {
  static const std::pair<std::string_view, MetaKind> kKinds[] = {
      {"key", MetaKind::kKey},
      {"topic", MetaKind::kTopic},
      {"partition", MetaKind::kPartition},
      {"offset", MetaKind::kOffset},
      {"timestamp", MetaKind::kTimestamp},
      {"timestampType", MetaKind::kTimestampType},
      {"headers", MetaKind::kHeaders}};
  for (const auto& [name, kind] : kKinds) {
    if (EqualsIgnoreCase(name, key)) return kind;
  }
  return std::nullopt;
}

/// The validated source options.
struct SourceConfig {
  std::vector<std::string> subscribe;
  std::string pattern;
  std::vector<TopicPartition> assign;
  StartKind start = StartKind::kLatest;
  PartitionOffsets starting_offsets;  // kOffsets (-2 earliest, -1 latest) or kTimestamps
  int64_t starting_timestamp = 0;
  bool timestamp_fallback_latest = false;  // startingOffsetsByTimestampStrategy = latest
  EndKind end = EndKind::kNone;
  std::string ending_text;
  PartitionOffsets ending_offsets;  // kOffsets (-1 latest)
  int64_t max_offsets_per_trigger = 0;
  int64_t min_offsets_per_trigger = 0;
  int64_t max_trigger_delay_micros = 0;
  bool fail_on_data_loss = true;
  int64_t poll_timeout_ms = 120000;
  DecodeFormat format = DecodeFormat::kJson;
  std::string group_id_prefix;
};

Result<SourceConfig> ParseSourceConfig(const OptionSet& options) {
  SourceConfig config;
  int subscriptions = 0;
  if (options.Has("subscribe")) {
    config.subscribe = options.GetList("subscribe");
    if (config.subscribe.empty()) return Status::Config("option 'subscribe' names no topic");
    ++subscriptions;
  }
  if (options.Has("subscribePattern")) {
    config.pattern = options.GetString("subscribePattern");
    RE2 regex(config.pattern, RE2::Quiet);
    if (!regex.ok()) {
      return Status::Config(
          "option 'subscribePattern' = '{}' is not a valid regular expression: {}", config.pattern,
          regex.error());
    }
    ++subscriptions;
  }
  if (options.Has("assign")) {
    ASSIGN_OR_RETURN(config.assign, kafka::ParseAssignJson(options.GetString("assign")));
    ++subscriptions;
  }
  if (subscriptions != 1) {
    return Status::Config(
        "the kafka source needs exactly one of 'subscribe' (topics), 'subscribePattern' (a "
        "regular expression) or 'assign' (JSON of topic partitions); {} given",
        subscriptions);
  }

  if (options.Has("startingTimestamp")) {
    config.start = StartKind::kTimestamp;
    config.starting_timestamp = options.GetInt("startingTimestamp");
  } else if (options.Has("startingOffsetsByTimestamp")) {
    config.start = StartKind::kTimestamps;
    ASSIGN_OR_RETURN(config.starting_offsets, kafka::ParsePartitionOffsetsJson(
                                                  options.GetString("startingOffsetsByTimestamp"),
                                                  "startingOffsetsByTimestamp"));
    for (const auto& [partition, timestamp] : config.starting_offsets) {
      if (timestamp < 0) {
        return Status::Config(
            "option 'startingOffsetsByTimestamp': the timestamp of {} is negative ({})",
            kafka::PartitionId(partition.topic, partition.partition), timestamp);
      }
    }
  } else {
    std::string text(Trim(options.GetString("startingOffsets")));
    if (EqualsIgnoreCase(text, "earliest")) {
      config.start = StartKind::kEarliest;
    } else if (EqualsIgnoreCase(text, "latest")) {
      config.start = StartKind::kLatest;
    } else if (!text.empty() && text.front() == '{') {
      config.start = StartKind::kOffsets;
      ASSIGN_OR_RETURN(config.starting_offsets,
                       kafka::ParsePartitionOffsetsJson(text, "startingOffsets"));
      for (const auto& [partition, offset] : config.starting_offsets) {
        if (offset < -2) {
          return Status::Config(
              "option 'startingOffsets': offset {} of {} is not valid (-2 = earliest, -1 = "
              "latest, or an offset)",
              offset, kafka::PartitionId(partition.topic, partition.partition));
        }
      }
    } else {
      return Status::Config(
          "option 'startingOffsets' = '{}' is not valid: expected earliest, latest or JSON such "
          "as {{\"topicA\":{{\"0\":23,\"1\":-2}}}} (-2 = earliest, -1 = latest)",
          text);
    }
  }
  config.timestamp_fallback_latest =
      EqualsIgnoreCase(options.GetString("startingOffsetsByTimestampStrategy"), "latest");

  if (options.Has("endingOffsets")) {
    config.ending_text = std::string(Trim(options.GetString("endingOffsets")));
    if (EqualsIgnoreCase(config.ending_text, "latest")) {
      config.end = EndKind::kLatest;
    } else if (!config.ending_text.empty() && config.ending_text.front() == '{') {
      config.end = EndKind::kOffsets;
      ASSIGN_OR_RETURN(config.ending_offsets,
                       kafka::ParsePartitionOffsetsJson(config.ending_text, "endingOffsets"));
      for (const auto& [partition, offset] : config.ending_offsets) {
        if (offset < -1) {
          return Status::Config(
              "option 'endingOffsets': offset {} of {} is not valid (-1 = latest, or an offset; "
              "earliest is not allowed)",
              offset, kafka::PartitionId(partition.topic, partition.partition));
        }
      }
    } else {
      return Status::Config(
          "option 'endingOffsets' = '{}' is not valid: expected latest or JSON such as "
          "{{\"topicA\":{{\"0\":500,\"1\":-1}}}} (-1 = latest)",
          config.ending_text);
    }
  }
  if (options.Has("maxOffsetsPerTrigger")) {
    config.max_offsets_per_trigger = options.GetInt("maxOffsetsPerTrigger");
  }
  if (options.Has("minOffsetsPerTrigger")) {
    config.min_offsets_per_trigger = options.GetInt("minOffsetsPerTrigger");
    if (config.max_offsets_per_trigger > 0 &&
        config.min_offsets_per_trigger > config.max_offsets_per_trigger) {
      return Status::Config("minOffsetsPerTrigger ({}) is larger than maxOffsetsPerTrigger ({})",
                            config.min_offsets_per_trigger, config.max_offsets_per_trigger);
    }
  }
  config.max_trigger_delay_micros = options.GetDurationMicros("maxTriggerDelay");
  config.fail_on_data_loss = options.GetBool("failOnDataLoss");
  config.poll_timeout_ms = options.GetInt("kafkaConsumer.pollTimeoutMs");
  ASSIGN_OR_RETURN(config.format, ParseDecodeFormat(options.GetString("format")));
  config.group_id_prefix = options.GetString("groupIdPrefix");
  return config;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// One assigned partition: its queue and what was fetched past the previous Read's end.
struct PartitionReader {
  TopicPartition partition;
  std::string id;
  Queue queue;
  bool assigned = false;
  /// The offset the next Read is expected to start at (the previous Read's end): pending
  /// messages and the queue continue from there.
  int64_t next_offset = -1;
  std::vector<Message> pending;  // fetched at or past next_offset, in order
  /// The log start a fetch found past the position (retention deleted what was below): later
  /// Reads of the lost offsets skip them without fetching again. -1 = none seen.
  int64_t log_start_seen = -1;
  /// The fetcher stopped on an error: re-assign before the next fetch.
  bool needs_reposition = false;
  int64_t last_nudge_ms = -1000000;  // see KafkaSource::Nudge
};

class KafkaSource final : public Source {
 public:
  KafkaSource(SourceContext context, SourceConfig config) : context_(std::move(context)) {
    config_ = std::move(config);
  }

  ~KafkaSource() override {
    // Give the last advisory group commit a chance to land (lag tools read it once we end).
    const int64_t deadline = SteadyMs() + kCommitDrainMs;
    while ((pending_commits_ > 0 || !next_commit_.empty()) && SteadyMs() < deadline) {
      SendNextCommit();
      PollCommits(100);
    }
    readers_.clear();  // queues before the handle
  }

  Status Open() {
    // Column layout: metadata columns come from the records' metadata, the rest from decoding.
    std::vector<Field> payload_fields;
    for (const Field& field : context_.schema->fields()) {
      auto meta = context_.metadata_columns.find(field.name);
      OutputColumn column;
      if (meta != context_.metadata_columns.end()) {
        auto kind = MetaKindOf(meta->second);
        if (!kind) {
          return Status::Internal("kafka source: unknown metadata key '{}'", meta->second);
        }
        column.metadata = true;
        column.kind = *kind;
        column.type = field.type;
      } else {
        column.payload_index = static_cast<int>(payload_fields.size());
        payload_fields.push_back(field);
      }
      columns_.push_back(column);
    }
    if (!payload_fields.empty()) {
      payload_schema_ = std::make_shared<Schema>(std::move(payload_fields));
      ASSIGN_OR_RETURN(DecodeOptions decode, DecodeOptions::FromMap(context_.options.values()));
      if (!context_.used_columns.empty()) {  // projection pushdown, per payload column
        for (int i = 0; i < context_.schema->num_fields(); ++i) {
          if (context_.metadata_columns.count(context_.schema->field(i).name) == 0) {
            decode.used_columns.push_back(context_.used_columns[static_cast<size_t>(i)]);
          }
        }
      }
      ASSIGN_OR_RETURN(decoder_, MakeDecoder(config_.format, payload_schema_, decode));
      decode_mode_ = decode.mode;
      for (const Field& field : payload_schema_->fields()) {
        if (!field.nullable && not_null_column_.empty()) not_null_column_ = field.name;
      }
    }
    ResetBuilders();

    if (!config_.pattern.empty()) {
      pattern_ = std::make_unique<RE2>(config_.pattern, RE2::Quiet);
      if (!pattern_->ok()) return Status::Config("subscribePattern: {}", pattern_->error());
    }
    group_id_ = context_.options.Has("kafka.group.id")
                    ? context_.options.GetString("kafka.group.id")
                    : fmt::format("{}-{}", config_.group_id_prefix, context_.query_id);
    // fetch.wait.max.ms: a partition assigned while a fetch long-polls an idle broker joins the
    // next fetch; librdkafka's 500 ms would delay each replayed partition by that much.
    // queued.max.messages.kbytes: how far the consumer fetches ahead, per partition (it has a
    // queue per partition): about a fetch response more than a batch takes. librdkafka's 64 MiB
    // per partition would hold a whole backlog in memory, and fetching all of it competes with
    // the batch being decoded (see Nudge).
    std::map<std::string, std::string> defaults = {
        {"client.id", "sluice"},
        {"group.id", group_id_},
        {"log.connection.close", "false"},
        {"fetch.wait.max.ms", "100"},
        {"queued.max.messages.kbytes", std::to_string(kPrefetchKiBPerPartition)},
        // A fetch response is read whole before any of its records is available: 4 MiB (not
        // librdkafka's 50 MiB, nor the 1 MiB it would derive from queued.max.messages.kbytes)
        // brings the first records of a batch early and still ~50 MB/s at an 80 ms round trip.
        {"fetch.max.bytes", "4194304"}};
    std::map<std::string, std::string> fixed = {{"enable.auto.commit", "false"},
                                                {"enable.auto.offset.store", "false"},
                                                {"enable.partition.eof", "true"},
                                                {"auto.offset.reset", "error"}};
    ASSIGN_OR_RETURN(consumer_, kafka::NewClient(context_.options, kafka::ClientRole::kConsumer,
                                                 defaults, fixed));
    commit_queue_.reset(rd_kafka_queue_new(consumer_.get()));
    // The planning client: metadata and offsets requests only (it never fetches and joins no
    // group), so they never wait behind the consumer's long-polling Fetch.
    std::map<std::string, std::string> planner_fixed = fixed;
    planner_fixed["group.id"] = "";
    ASSIGN_OR_RETURN(planner_,
                     kafka::NewClient(context_.options, kafka::ClientRole::kConsumer,
                                      {{"client.id", "sluice"}, {"log.connection.close", "false"}},
                                      planner_fixed));
    if (config_.end != EndKind::kNone) RETURN_NOT_OK(ResolveEnding());
    return Status::OK();
  }

  Result<OffsetMap> InitialOffsets() override {
    if (initial_) return *initial_;
    // Resolved at the first start, then read back from the checkpoint.
    ASSIGN_OR_RETURN(auto stored, LoadState(kInitialFile, nullptr));
    if (stored) {
      initial_ = std::move(*stored);
      return *initial_;
    }
    ASSIGN_OR_RETURN(OffsetMap offsets, ResolveStart());
    ASSIGN_OR_RETURN(initial_, StoreState(kInitialFile, offsets, /*option_text=*/"",
                                          /*replace=*/false));
    std::vector<std::string> parts;
    for (const auto& [id, offset] : *initial_) parts.push_back(fmt::format("{}:{}", id, offset));
    SLUICE_LOG_INFO("kafka source '{}': starting offsets {}", context_.source_name,
                    parts.empty() ? std::string("(no partitions yet)") : Join(parts, ", "));
    return *initial_;
  }

  Result<OffsetMap> LatestOffsets() override {
    if (latest_fresh_) {  // computed by the PlanBatchEnd just before
      latest_fresh_ = false;
      return latest_;
    }
    ASSIGN_OR_RETURN(auto partitions, CurrentPartitions());
    ASSIGN_OR_RETURN(latest_, QueryOffsets(partitions, RD_KAFKA_OFFSET_END, "latest offsets"));
    return latest_;
  }

  Result<OffsetMap> PlanBatchEnd(const OffsetMap& start) override {
    PollCommits(0);
    ASSIGN_OR_RETURN(auto partitions, CurrentPartitions());
    ASSIGN_OR_RETURN(latest_, QueryOffsets(partitions, RD_KAFKA_OFFSET_END, "latest offsets"));
    latest_fresh_ = true;
    ASSIGN_OR_RETURN(OffsetMap initial, InitialOffsets());
    OffsetMap from;
    OffsetMap end;
    for (const auto& [id, latest] : latest_) {
      const int64_t first = StartOf(start, initial, id);
      from[id] = first;
      int64_t to = latest;
      if (latest < first) {
        RETURN_NOT_OK(ReportLogEndMovedBack(id, first, latest));
        to = first;
      } else if (ending_) {
        auto cap = ending_->find(id);
        to = cap == ending_->end() ? first : std::max(first, std::min(latest, cap->second));
      }
      end[id] = to;
    }
    int64_t backlog = 0;
    for (const auto& [id, to] : end) backlog += to - from[id];
    if (config_.max_offsets_per_trigger > 0 && backlog > config_.max_offsets_per_trigger) {
      end = kafka::SplitByBacklog(from, end, config_.max_offsets_per_trigger);
      backlog = config_.max_offsets_per_trigger;
    }
    if (config_.min_offsets_per_trigger > 0 && backlog > 0 && !ending_) {
      // Spark's minOffsetsPerTrigger + maxTriggerDelay: wait for enough records, but never
      // longer than the delay since the previous batch.
      Clock* clock = context_.clock != nullptr ? context_.clock : &SystemClock();
      const int64_t now = clock->NowMicros();
      if (now - last_trigger_micros_ >= config_.max_trigger_delay_micros ||
          backlog >= config_.min_offsets_per_trigger) {
        last_trigger_micros_ = now;
      } else {
        RETURN_NOT_OK(PositionReaders(from));
        return from;  // not yet
      }
    }
    RETURN_NOT_OK(PositionReaders(from));
    return end;
  }

  Status Read(const std::string& partition, int64_t start, int64_t end,
              std::vector<Batch>* out) override {
    if (end <= start) return Status::OK();
    ASSIGN_OR_RETURN(PartitionReader * reader, ReaderFor(partition));
    if (reader->log_start_seen > start) {
      // Known lost (a previous Read of this batch met the log start): no fetch needed.
      const int64_t lost_to = std::min(reader->log_start_seen, end);
      RETURN_NOT_OK(LostRange(*reader, start, lost_to, DeletedWhy(reader->log_start_seen)));
      reader->needs_reposition = true;
      start = lost_to;
      if (start >= end) {
        reader->next_offset = end;
        return FlushBatch(out);
      }
    }
    if (!reader->assigned || reader->next_offset != start || reader->needs_reposition) {
      RETURN_NOT_OK(Reposition(*reader, start));
    }
    Status read = ReadRange(*reader, start, end, out);
    if (!read.ok()) {
      // Whatever the queue holds no longer follows a known position: start over next time.
      reader->next_offset = -1;
      reader->pending.clear();
      ResetBuilders();
      if (decoder_) (void)decoder_->Finish();
      return read;
    }
    return FlushBatch(out);
  }

  bool IsExhausted(const OffsetMap& offsets) override {
    if (!ending_) return false;
    for (const auto& [id, last] : *ending_) {
      auto it = offsets.find(id);
      int64_t at = 0;
      if (it != offsets.end()) {
        at = it->second;
      } else if (initial_) {
        auto initial = initial_->find(id);
        at = initial == initial_->end() ? 0 : initial->second;
      }
      if (at < last) return false;
    }
    return true;
  }

  std::vector<BadRecord> TakeBadRecords() override {
    ReportLost();
    return std::exchange(bad_records_, {});
  }

  void Advise(const OffsetMap& committed) override {
    // One commit in flight at a time, so the group's offsets never move backwards; the newest
    // offsets wait for the previous commit (and replace anything older still waiting).
    for (const auto& [id, offset] : committed) next_commit_[id] = offset;
    PollCommits(0);
    SendNextCommit();
  }

  std::string Describe() const override {
    std::string what;
    if (!config_.subscribe.empty()) {
      what = "subscribe=" + Join(config_.subscribe, ",");
    } else if (!config_.pattern.empty()) {
      what = "subscribePattern=" + config_.pattern;
    } else {
      std::vector<std::string> ids;
      for (const auto& partition : config_.assign) {
        ids.push_back(kafka::PartitionId(partition.topic, partition.partition));
      }
      what = "assign=" + Join(ids, ",");
    }
    std::string text = fmt::format("kafka[{}, format={}", what,
                                   config_.format == DecodeFormat::kJson  ? "json"
                                   : config_.format == DecodeFormat::kCsv ? "csv"
                                                                          : "text");
    if (config_.max_offsets_per_trigger > 0) {
      text += fmt::format(", maxOffsetsPerTrigger={}", config_.max_offsets_per_trigger);
    }
    if (config_.end != EndKind::kNone) text += ", endingOffsets=" + config_.ending_text;
    return text + "]";
  }

 private:
  struct OutputColumn {
    bool metadata = false;
    MetaKind kind = MetaKind::kKey;
    TypeRef type;
    int payload_index = -1;
  };

  /// The start of `id` in a batch starting at `start`: as the runtime computes it (a partition it
  /// has not seen starts at its initial offset, or 0 when it appeared later: from its beginning).
  static int64_t StartOf(const OffsetMap& start, const OffsetMap& initial, const std::string& id) {
    auto it = start.find(id);
    if (it != start.end()) return it->second;
    auto first = initial.find(id);
    return first == initial.end() ? 0 : first->second;
  }

  // ---- brokers: partitions and offsets ----

  bool Subscribed(std::string_view topic) const {
    if (!config_.subscribe.empty()) {
      return std::find(config_.subscribe.begin(), config_.subscribe.end(), topic) !=
             config_.subscribe.end();
    }
    if (pattern_) {
      // Internal topics (__consumer_offsets, ...) are never matched, as Kafka's consumer.
      return !StartsWith(topic, "__") && RE2::FullMatch(topic, *pattern_);
    }
    for (const auto& partition : config_.assign) {
      if (partition.topic == topic) return true;
    }
    return false;
  }

  /// The partitions to read now: a bounded query's fixed set, else the subscription resolved
  /// against the brokers' metadata (topics and partitions appearing later are picked up here).
  Result<std::vector<TopicPartition>> CurrentPartitions() {
    std::vector<TopicPartition> out;
    if (ending_) {
      for (const auto& [id, offset] : *ending_) {
        TopicPartition partition;
        if (kafka::ParsePartitionId(id, &partition)) out.push_back(std::move(partition));
      }
      return out;
    }
    return DiscoverPartitions();
  }

  Result<std::vector<TopicPartition>> DiscoverPartitions() {
    const int64_t deadline = SteadyMs() + config_.poll_timeout_ms;
    std::string last_error;
    while (true) {
      const struct rd_kafka_metadata* metadata = nullptr;
      const int64_t attempt_ms =
          std::min(kQueryAttemptMs, std::max<int64_t>(deadline - SteadyMs(), 1));
      rd_kafka_resp_err_t error = rd_kafka_metadata(planner_.get(), /*all_topics=*/1, nullptr,
                                                    &metadata, static_cast<int>(attempt_ms));
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::vector<TopicPartition> out;
        std::set<std::string> seen;
        for (int topic_idx = 0; topic_idx < metadata->topic_cnt; ++topic_idx) {
          const rd_kafka_metadata_topic_t& topic = metadata->topics[topic_idx];
          if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || !Subscribed(topic.topic)) continue;
          seen.insert(topic.topic);
          for (int partition_idx = 0; partition_idx < topic.partition_cnt; ++partition_idx) {
            TopicPartition partition{topic.topic, topic.partitions[partition_idx].id};
            if (!config_.assign.empty() && std::find(config_.assign.begin(), config_.assign.end(),
                                                     partition) == config_.assign.end()) {
              continue;
            }
            out.push_back(std::move(partition));
          }
        }
        rd_kafka_metadata_destroy(metadata);
        WarnMissingTopics(seen);
        std::sort(out.begin(), out.end());
        return out;
      }
      last_error = kafka::ErrorText(error);
      if (SteadyMs() >= deadline) break;
      SLUICE_LOG_WARN("kafka source '{}': listing topics failed ({}); retrying",
                      context_.source_name, last_error);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return Status::RetryableIO(
        "kafka source '{}': could not list the topics of {} within {} ms "
        "(kafkaConsumer.pollTimeoutMs): {}",
        context_.source_name, context_.options.GetString("kafka.bootstrap.servers"),
        config_.poll_timeout_ms, last_error);
  }

  void WarnMissingTopics(const std::set<std::string>& seen) {
    std::vector<std::string> wanted = config_.subscribe;
    for (const auto& partition : config_.assign) wanted.push_back(partition.topic);
    for (const std::string& topic : wanted) {
      if (seen.count(topic) > 0 || !warned_missing_.insert(topic).second) continue;
      SLUICE_LOG_WARN(
          "kafka source '{}': topic '{}' does not exist (yet); it is read once it "
          "appears",
          context_.source_name, topic);
    }
  }

  /// Offsets of `partitions` for `query` (RD_KAFKA_OFFSET_END = latest, _BEGINNING = earliest,
  /// or a timestamp in ms: the first offset at or after it, -1 if none), one request for all,
  /// retried until kafkaConsumer.pollTimeoutMs.
  Result<OffsetMap> QueryOffsets(const std::vector<TopicPartition>& partitions, int64_t query,
                                 std::string_view what) {
    OffsetMap out;
    if (partitions.empty()) return out;
    const int64_t deadline = SteadyMs() + config_.poll_timeout_ms;
    std::string last_error;
    while (true) {
      PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
      for (const auto& partition : partitions) {
        rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition)
            ->offset = query;
      }
      const int64_t attempt_ms =
          std::min(kQueryAttemptMs, std::max<int64_t>(deadline - SteadyMs(), 1));
      rd_kafka_resp_err_t error =
          rd_kafka_offsets_for_times(planner_.get(), list.get(), static_cast<int>(attempt_ms));
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
        for (int idx = 0; idx < list->cnt; ++idx) {
          const auto& element = list->elems[idx];
          if (element.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            error = element.err;
            last_error = fmt::format("{}: {}", kafka::PartitionId(element.topic, element.partition),
                                     kafka::ErrorText(element.err));
            break;
          }
          out[kafka::PartitionId(element.topic, element.partition)] = element.offset;
        }
        if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return out;
        out.clear();
      } else {
        last_error = kafka::ErrorText(error);
      }
      if (SteadyMs() >= deadline) break;
      SLUICE_LOG_WARN("kafka source '{}': querying {} failed ({}); retrying", context_.source_name,
                      what, last_error);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return Status::RetryableIO(
        "kafka source '{}': could not get the {} of {} partitions from {} within {} ms "
        "(kafkaConsumer.pollTimeoutMs): {}",
        context_.source_name, what, partitions.size(),
        context_.options.GetString("kafka.bootstrap.servers"), config_.poll_timeout_ms, last_error);
  }

  /// Earliest and latest offset of one partition.
  Result<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& partition) {
    const int64_t deadline = SteadyMs() + config_.poll_timeout_ms;
    while (true) {
      int64_t low = 0;
      int64_t high = 0;
      const int64_t attempt_ms =
          std::min(kQueryAttemptMs, std::max<int64_t>(deadline - SteadyMs(), 1));
      rd_kafka_resp_err_t error = rd_kafka_query_watermark_offsets(
          planner_.get(), partition.topic.c_str(), partition.partition, &low, &high,
          static_cast<int>(attempt_ms));
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return std::make_pair(low, high);
      if (SteadyMs() >= deadline) {
        return Status::RetryableIO(
            "kafka source '{}': could not get the offsets of {}: {}", context_.source_name,
            kafka::PartitionId(partition.topic, partition.partition), kafka::ErrorText(error));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // ---- starting and ending offsets ----

  Result<OffsetMap> ResolveStart() {
    ASSIGN_OR_RETURN(auto partitions, DiscoverPartitions());
    switch (config_.start) {
      case StartKind::kEarliest:
        return QueryOffsets(partitions, RD_KAFKA_OFFSET_BEGINNING, "earliest offsets");
      case StartKind::kLatest:
        return QueryOffsets(partitions, RD_KAFKA_OFFSET_END, "latest offsets");
      case StartKind::kOffsets:
        return ResolveSpecific(partitions, config_.starting_offsets, "startingOffsets");
      case StartKind::kTimestamp:
      case StartKind::kTimestamps:
        return ResolveTimestamps(partitions);
    }
    return Status::Internal("kafka source: unknown start");
  }

  /// A per-partition JSON option against the partitions that exist: every partition named must
  /// exist, every existing one must be named (as Spark), -2/-1 become earliest/latest.
  Result<OffsetMap> ResolveSpecific(const std::vector<TopicPartition>& partitions,
                                    const PartitionOffsets& given, std::string_view option) {
    std::vector<std::string> unknown;
    for (const auto& [partition, offset] : given) {
      if (std::find(partitions.begin(), partitions.end(), partition) == partitions.end()) {
        unknown.push_back(kafka::PartitionId(partition.topic, partition.partition));
      }
    }
    if (!unknown.empty()) {
      return Status::Config(
          "kafka source '{}': option '{}' names partitions that do not exist "
          "or are not subscribed: {}",
          context_.source_name, option, Join(unknown, ", "));
    }
    std::vector<std::string> missing;
    std::vector<TopicPartition> earliest;
    std::vector<TopicPartition> latest;
    for (const auto& partition : partitions) {
      auto it = given.find(partition);
      if (it == given.end()) {
        missing.push_back(kafka::PartitionId(partition.topic, partition.partition));
      } else if (it->second == RD_KAFKA_OFFSET_BEGINNING) {
        earliest.push_back(partition);
      } else if (it->second == RD_KAFKA_OFFSET_END) {
        latest.push_back(partition);
      }
    }
    if (!missing.empty()) {
      return Status::Config(
          "kafka source '{}': option '{}' does not give an offset for {} (every partition needs "
          "one: -2 = earliest, -1 = latest)",
          context_.source_name, option, Join(missing, ", "));
    }
    ASSIGN_OR_RETURN(OffsetMap low,
                     QueryOffsets(earliest, RD_KAFKA_OFFSET_BEGINNING, "earliest offsets"));
    ASSIGN_OR_RETURN(OffsetMap high, QueryOffsets(latest, RD_KAFKA_OFFSET_END, "latest offsets"));
    OffsetMap out;
    for (const auto& [partition, offset] : given) {
      const std::string id = kafka::PartitionId(partition.topic, partition.partition);
      if (offset == RD_KAFKA_OFFSET_BEGINNING) {
        out[id] = low.at(id);
      } else if (offset == RD_KAFKA_OFFSET_END) {
        out[id] = high.at(id);
      } else {
        out[id] = offset;
      }
    }
    return out;
  }

  /// startingTimestamp / startingOffsetsByTimestamp through the brokers' offsetsForTimes: each
  /// partition starts at its first record at or after the timestamp; when there is none,
  /// startingOffsetsByTimestampStrategy decides (error, or latest).
  Result<OffsetMap> ResolveTimestamps(const std::vector<TopicPartition>& partitions) {
    std::map<int64_t, std::vector<TopicPartition>> by_timestamp;
    if (config_.start == StartKind::kTimestamp) {
      by_timestamp[config_.starting_timestamp] = partitions;
    } else {
      ASSIGN_OR_RETURN(OffsetMap named, ResolveSpecific(partitions, config_.starting_offsets,
                                                        "startingOffsetsByTimestamp"));
      (void)named;  // checks the partitions only: the values are timestamps
      for (const auto& [partition, timestamp] : config_.starting_offsets) {
        by_timestamp[timestamp].push_back(partition);
      }
    }
    ASSIGN_OR_RETURN(OffsetMap latest,
                     QueryOffsets(partitions, RD_KAFKA_OFFSET_END, "latest offsets"));
    OffsetMap out;
    std::vector<std::string> none;
    for (const auto& [timestamp, group] : by_timestamp) {
      ASSIGN_OR_RETURN(OffsetMap found,
                       QueryOffsets(group, timestamp, "offsets for the starting timestamp"));
      for (const auto& [id, offset] : found) {
        if (offset >= 0) {
          out[id] = offset;
        } else if (config_.timestamp_fallback_latest) {
          out[id] = latest.at(id);
        } else {
          none.push_back(fmt::format("{} (timestamp {})", id, timestamp));
        }
      }
    }
    if (!none.empty()) {
      return Status::Config(
          "kafka source '{}': no record at or after the starting timestamp in {}; set "
          "startingOffsetsByTimestampStrategy = 'latest' to start those partitions at their "
          "latest offset",
          context_.source_name, Join(none, ", "));
    }
    return out;
  }

  /// endingOffsets, resolved at the query's first start (or when the option changed).
  Status ResolveEnding() {
    ASSIGN_OR_RETURN(auto stored, LoadState(kEndingFile, &config_.ending_text));
    if (stored) {
      ending_ = std::move(*stored);
      return Status::OK();
    }
    ASSIGN_OR_RETURN(auto partitions, DiscoverPartitions());
    OffsetMap offsets;
    if (config_.end == EndKind::kLatest) {
      ASSIGN_OR_RETURN(offsets, QueryOffsets(partitions, RD_KAFKA_OFFSET_END, "latest offsets"));
    } else {
      ASSIGN_OR_RETURN(offsets,
                       ResolveSpecific(partitions, config_.ending_offsets, "endingOffsets"));
    }
    ASSIGN_OR_RETURN(ending_,
                     StoreState(kEndingFile, offsets, config_.ending_text, /*replace=*/true));
    return Status::OK();
  }

  /// Reads `<state_dir>/<name>`: the offsets, if the file exists (and, with `option_text`, was
  /// written for that option value).
  Result<std::optional<OffsetMap>> LoadState(const char* name, const std::string* option_text) {
    if (context_.state_fs == nullptr) return std::optional<OffsetMap>();
    const std::string path = JoinPath(context_.state_dir, name);
    ASSIGN_OR_RETURN(bool exists, context_.state_fs->Exists(path));
    if (!exists) return std::optional<OffsetMap>();
    ASSIGN_OR_RETURN(std::string text, context_.state_fs->Get(path));
    auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object() || !json.contains("offsets") ||
        !json["offsets"].is_object()) {
      return Status::Commit("kafka source state '{}' is corrupt", path);
    }
    if (option_text != nullptr && (!json.contains("option") || !json["option"].is_string() ||
                                   json["option"].get<std::string>() != *option_text)) {
      return std::optional<OffsetMap>();
    }
    OffsetMap offsets;
    for (const auto& [id, offset] : json["offsets"].items()) {
      if (!offset.is_number_integer()) {
        return Status::Commit("kafka source state '{}' is corrupt", path);
      }
      offsets[id] = offset.get<int64_t>();
    }
    return std::optional<OffsetMap>(std::move(offsets));
  }

  /// Keeps `offsets` in `<state_dir>/<name>`; without `replace`, a file written meanwhile wins.
  Result<OffsetMap> StoreState(const char* name, const OffsetMap& offsets,
                               const std::string& option_text, bool replace) {
    if (context_.state_fs == nullptr) return offsets;
    nlohmann::ordered_json json;
    json["version"] = 1;
    if (replace) json["option"] = option_text;
    json["offsets"] = nlohmann::ordered_json::object();
    for (const auto& [id, offset] : offsets) json["offsets"][id] = offset;
    const std::string path = JoinPath(context_.state_dir, name);
    RETURN_NOT_OK(context_.state_fs->CreateDirectories(context_.state_dir));
    if (replace) {
      RETURN_NOT_OK(context_.state_fs->Put(path, json.dump()));
      return offsets;
    }
    Status created = context_.state_fs->AtomicCreate(path, json.dump());
    if (created.code() == StatusCode::kAlreadyExists) {
      ASSIGN_OR_RETURN(auto stored, LoadState(name, nullptr));
      if (stored) return std::move(*stored);
    }
    RETURN_NOT_OK(created);
    return offsets;
  }

  // ---- data loss ----

  Status DataLoss(const std::string& message) {
    if (config_.fail_on_data_loss) {
      return Status::IOError(
          "kafka source '{}': {}; set 'failOnDataLoss' = 'false' to skip lost records with a "
          "warning",
          context_.source_name, message);
    }
    SLUICE_LOG_WARN("kafka source '{}': {}; skipped (failOnDataLoss = false)", context_.source_name,
                    message);
    return Status::OK();
  }

  static std::string DeletedWhy(int64_t log_start) {
    return fmt::format("were deleted (retention) before they were read; the log now starts at {}",
                       log_start);
  }

  /// Records [from, to) of a partition are gone: an error, or (failOnDataLoss = false) one bad
  /// record of kind "data_loss" naming the range, so the progress record and the quarantine
  /// show it.
  /// Records lost in [from, to) of `reader`'s partition. With failOnDataLoss, the error; else the
  /// range joins the batch's lost ranges: a range that continues the previous one of the same
  /// partition for the same reason extends it, so a loss met chunk by chunk is reported (warning
  /// and bad record) once per batch, in TakeBadRecords.
  Status LostRange(const PartitionReader& reader, int64_t from, int64_t to,
                   const std::string& why) {
    if (config_.fail_on_data_loss) {
      return DataLoss(fmt::format("{} records of {} at offsets [{}, {}) {}", to - from, reader.id,
                                  from, to, why));
    }
    if (!lost_.empty() && lost_.back().id == reader.id && lost_.back().to == from &&
        lost_.back().why == why) {
      lost_.back().to = to;
      return Status::OK();
    }
    lost_.push_back(Lost{reader.id, reader.partition, from, to, why});
    return Status::OK();
  }

  /// Warns about and quarantines the batch's lost ranges.
  void ReportLost() {
    for (const Lost& lost : lost_) {
      (void)DataLoss(fmt::format("{} records of {} at offsets [{}, {}) {}", lost.to - lost.from,
                                 lost.id, lost.from, lost.to, lost.why));
      BadRecord bad;
      bad.coordinates = R"("topic":)";
      AppendJsonString(bad.coordinates, lost.partition.topic);
      bad.coordinates += fmt::format(R"(,"partition":{},"offset":{},"endOffset":{})",
                                     lost.partition.partition, lost.from, lost.to);
      bad.reason_kind = "data_loss";
      bad.reason = fmt::format("{} records at offsets [{}, {}) {}", lost.to - lost.from, lost.from,
                               lost.to, lost.why);
      bad.dropped = true;
      bad_records_.push_back(std::move(bad));
    }
    lost_.clear();
  }

  Status ReportLogEndMovedBack(const std::string& id, int64_t start, int64_t latest) {
    if (!config_.fail_on_data_loss &&
        !warned_moved_back_.insert(id + "@" + std::to_string(start)).second) {
      return Status::OK();  // warned already
    }
    return DataLoss(fmt::format(
        "partition {} now ends at offset {} but the query already read up to {} (was the topic "
        "deleted and re-created?); records may have been lost",
        id, latest, start));
  }

  // ---- reading ----

  Result<PartitionReader*> ReaderFor(const std::string& id) {
    auto it = readers_.find(id);
    if (it != readers_.end()) return &it->second;
    TopicPartition partition;
    if (!kafka::ParsePartitionId(id, &partition)) {
      return Status::Commit("kafka source '{}': '{}' is not a Kafka partition id (topic-N)",
                            context_.source_name, id);
    }
    PartitionReader& reader = readers_[id];
    reader.partition = partition;
    reader.id = id;
    reader.queue.reset(rd_kafka_queue_get_partition(consumer_.get(), partition.topic.c_str(),
                                                    partition.partition));
    if (!reader.queue) {
      return Status::Internal("kafka source: no queue for partition {}", id);
    }
    // Messages of this partition stay on its own queue instead of the consumer's. Set before the
    // first assignment: librdkafka keeps a forwarding the application chose, while one set after
    // the assignment races with the fetcher (its first messages would go to the consumer queue).
    rd_kafka_queue_forward(reader.queue.get(), nullptr);
    return &reader;
  }

  /// Assigns every partition of a planned batch at its start (unless already there), all in one
  /// assignment, so librdkafka fetches them together, ahead of the Reads, instead of one after
  /// the other.
  Status PositionReaders(const OffsetMap& starts) {
    std::vector<std::pair<PartitionReader*, int64_t>> moves;
    for (const auto& [id, offset] : starts) {
      ASSIGN_OR_RETURN(PartitionReader * reader, ReaderFor(id));
      if (!reader->assigned || reader->next_offset != offset || reader->needs_reposition) {
        moves.emplace_back(reader, offset);
      }
    }
    return Reposition(moves);
  }

  /// (Re)assigns the partition at `offset`, dropping whatever was fetched from elsewhere.
  Status Reposition(PartitionReader& reader, int64_t offset) {
    return Reposition({{&reader, offset}});
  }

  /// (Re)assigns each reader's partition at its offset, in one unassignment and one assignment.
  Status Reposition(const std::vector<std::pair<PartitionReader*, int64_t>>& moves) {
    if (moves.empty()) return Status::OK();
    PartitionList assigned(rd_kafka_topic_partition_list_new(static_cast<int>(moves.size())));
    PartitionList wanted(rd_kafka_topic_partition_list_new(static_cast<int>(moves.size())));
    for (const auto& [reader, offset] : moves) {
      if (reader->assigned) {
        rd_kafka_topic_partition_list_add(assigned.get(), reader->partition.topic.c_str(),
                                          reader->partition.partition);
      }
      rd_kafka_topic_partition_list_add(wanted.get(), reader->partition.topic.c_str(),
                                        reader->partition.partition)
          ->offset = offset;
    }
    if (assigned->cnt > 0) {
      kafka::Error error(rd_kafka_incremental_unassign(consumer_.get(), assigned.get()));
      if (error) {
        return Status::IOError("kafka source '{}': unassigning {}: {}", context_.source_name,
                               PartitionNames(assigned.get()), rd_kafka_error_string(error.get()));
      }
    }
    for (const auto& [reader, offset] : moves) {
      reader->assigned = false;
      reader->pending.clear();
      DrainQueue(*reader);
    }
    kafka::Error error(rd_kafka_incremental_assign(consumer_.get(), wanted.get()));
    if (error) {
      return Status::IOError("kafka source '{}': assigning {} at offsets {}: {}",
                             context_.source_name, PartitionNames(wanted.get()),
                             PartitionOffsetsText(wanted.get()),
                             rd_kafka_error_string(error.get()));
    }
    for (const auto& [reader, offset] : moves) {
      reader->assigned = true;
      reader->needs_reposition = false;
      reader->next_offset = offset;
    }
    return Status::OK();
  }

  static std::string PartitionNames(const rd_kafka_topic_partition_list_t* list) {
    std::vector<std::string> ids;
    for (int idx = 0; idx < list->cnt; ++idx) {
      ids.push_back(kafka::PartitionId(list->elems[idx].topic, list->elems[idx].partition));
    }
    return Join(ids, ", ");
  }

  static std::string PartitionOffsetsText(const rd_kafka_topic_partition_list_t* list) {
    std::vector<std::string> offsets;
    for (int idx = 0; idx < list->cnt; ++idx) {
      offsets.push_back(std::to_string(list->elems[idx].offset));
    }
    return Join(offsets, ", ");
  }

  void DrainQueue(PartitionReader& reader) {
    rd_kafka_message_t* messages[256];
    while (true) {
      ssize_t count = rd_kafka_consume_batch_queue(reader.queue.get(), 0, messages, 256);
      if (count <= 0) return;
      for (ssize_t idx = 0; idx < count; ++idx) rd_kafka_message_destroy(messages[idx]);
    }
  }

  /// Up to `want` messages of the partition, fetched before or now; waits up to `wait_ms` for
  /// the first one.
  void Fetch(PartitionReader& reader, int want, int wait_ms, std::vector<Message>* out) {
    out->clear();
    if (!reader.pending.empty()) {
      // All of them: what this Read does not take goes back to `pending` after them, in order.
      std::swap(*out, reader.pending);
      return;
    }
    fetch_buffer_.resize(static_cast<size_t>(want));
    // consume_batch_queue waits until it has `want` messages: take what is there, and wait for
    // one message only when there is none.
    ssize_t count = rd_kafka_consume_batch_queue(reader.queue.get(), 0, fetch_buffer_.data(), want);
    if (count <= 0) {
      rd_kafka_message_t* message =
          rd_kafka_consume_queue(reader.queue.get(), std::min(wait_ms, kNudgeAfterMs));
      if (message == nullptr) {
        Nudge(reader);
        message = rd_kafka_consume_queue(reader.queue.get(), wait_ms);
      }
      if (message != nullptr) out->emplace_back(message);
      return;
    }
    for (ssize_t idx = 0; idx < count; ++idx) out->emplace_back(fetch_buffer_[idx]);
  }

  /// Wakes the consumer's fetcher for the reader's partition. librdkafka (2.0) stops fetching a
  /// partition whose queue holds queued.max.messages.kbytes, and only looks again when its
  /// broker thread wakes up: for a response, a request, or once a second. A Read that emptied
  /// the queue and waits would wait for that second; a request to the partition's leader (its
  /// latest offset: one small ListOffsets; the answer is not needed) wakes the thread, which
  /// then fetches every partition below the limit. At most one per kNudgeIntervalMs and
  /// partition.
  void Nudge(PartitionReader& reader) {
    const int64_t now = SteadyMs();
    if (now - reader.last_nudge_ms < kNudgeIntervalMs) return;
    reader.last_nudge_ms = now;
    PartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), reader.partition.topic.c_str(),
                                      reader.partition.partition)
        ->offset = RD_KAFKA_OFFSET_END;
    (void)rd_kafka_offsets_for_times(consumer_.get(), list.get(), kNudgeTimeoutMs);
  }

  Status ReadRange(PartitionReader& reader, int64_t start, int64_t end, std::vector<Batch>* out) {
    last_fetch_error_.clear();
    int64_t position = start;  // the next offset this Read needs
    int64_t log_end = -1;      // the end of the log, as the last end-of-partition event said
    int64_t last_progress = SteadyMs();
    std::vector<Message> fetched;
    std::vector<Message> taken;
    fetched.reserve(kMessagesPerFetch);
    taken.reserve(kMessagesPerFetch);
    while (position < end) {
      const int want = static_cast<int>(std::min<int64_t>(kMessagesPerFetch, end - position + 1));
      Fetch(reader, want, kWaitSliceMs, &fetched);
      rd_kafka_poll(consumer_.get(), 0);  // serve error callbacks
      taken.clear();
      bool reposition = false;
      const int64_t before = position;
      for (size_t idx = 0; idx < fetched.size(); ++idx) {
        Message& message = fetched[idx];
        if (position >= end) {  // past this Read: the next batch starts here
          reader.pending.push_back(std::move(message));
          continue;
        }
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          log_end = message->offset;
          if (message->offset >= end) {
            position = end;  // everything below the end was delivered (gaps are markers)
            reader.pending.push_back(std::move(message));
          }
          continue;
        }
        if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          ASSIGN_OR_RETURN(reposition, HandleFetchError(reader, *message, &position, end));
          if (reposition) break;
          continue;
        }
        if (message->offset < position) continue;  // fetched before a reposition
        if (message->offset >= end) {
          position = end;
          reader.pending.push_back(std::move(message));
          continue;
        }
        position = message->offset + 1;
        taken.push_back(std::move(message));
      }
      if (reposition) {
        // HandleFetchError moved `position`; what was fetched after the error is stale.
        fetched.clear();
        taken.clear();
        if (position < end) {
          RETURN_NOT_OK(Reposition(reader, position));
        } else {
          reader.needs_reposition = true;  // the fetcher stopped on the error
        }
        if (position > before) {
          last_progress = SteadyMs();
        } else if (SteadyMs() - last_progress > config_.poll_timeout_ms) {
          return Status::RetryableIO(
              "kafka source '{}': reading {} at offset {} keeps failing with offsets out of "
              "range for {} ms (kafkaConsumer.pollTimeoutMs)",
              context_.source_name, reader.id, position, config_.poll_timeout_ms);
        }
        continue;
      }
      if (!taken.empty()) {
        RETURN_NOT_OK(DecodeMessages(reader, taken, out));
        taken.clear();
        last_progress = SteadyMs();
      } else if (SteadyMs() - last_progress > config_.poll_timeout_ms) {
        if (log_end >= 0 && log_end < end) {
          // The log ends before the range that was planned from it: truncated or re-created.
          RETURN_NOT_OK(
              LostRange(reader, position, end,
                        fmt::format("are no longer in the log (it ends at {})", log_end)));
          position = end;
          break;
        }
        return Status::RetryableIO(
            "kafka source '{}': timed out after {} ms (kafkaConsumer.pollTimeoutMs) reading {} "
            "[{}, {}): the brokers delivered up to offset {}; are {} reachable?{}",
            context_.source_name, config_.poll_timeout_ms, reader.id, start, end, position,
            context_.options.GetString("kafka.bootstrap.servers"),
            last_fetch_error_.empty() ? std::string() : " Last error: " + last_fetch_error_);
      }
    }
    reader.next_offset = end;
    return Status::OK();
  }

  /// A fetch error of the partition (offsets out of range, partition gone...). Returns true when
  /// the partition must be re-assigned at the new `*position`.
  Result<bool> HandleFetchError(PartitionReader& reader, const rd_kafka_message_t& message,
                                int64_t* position, int64_t end) {
    const rd_kafka_resp_err_t error = message.err;
    if (error == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
        error == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
      ASSIGN_OR_RETURN(auto watermarks, Watermarks(reader.partition));
      const auto [low, high] = watermarks;
      if (*position < low) {
        const int64_t lost_to = std::min(low, end);
        reader.log_start_seen = low;
        RETURN_NOT_OK(LostRange(reader, *position, lost_to, DeletedWhy(low)));
        *position = lost_to;
        return true;
      }
      if (*position >= high) {
        RETURN_NOT_OK(LostRange(reader, *position, end,
                                fmt::format("are no longer in the log (it ends at {})", high)));
        *position = end;
        return true;
      }
      // In range again (retention raced the fetch): fetch from the same place.
      return true;
    }
    if (error == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
        error == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
        error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      RETURN_NOT_OK(LostRange(reader, *position, end,
                              fmt::format("cannot be read: {}", kafka::ErrorText(error))));
      *position = end;
      return true;
    }
    // Anything else (timeouts, leader changes, authorization...) is what librdkafka reports
    // while it keeps retrying: a warning now, and part of the timeout error if it persists.
    std::string text = rd_kafka_message_errstr(&message);
    if (text != last_fetch_error_) {
      SLUICE_LOG_WARN("kafka source '{}': fetching {} at offset {}: {} (retrying)",
                      context_.source_name, reader.id, *position, text);
      last_fetch_error_ = std::move(text);
    }
    return false;
  }

  // ---- decoding ----

  void ResetBuilders() {
    builders_.clear();
    for (const OutputColumn& column : columns_) {
      builders_.push_back(column.metadata ? ColumnBuilder::Make(column.type) : nullptr);
    }
    pending_rows_ = 0;
    tombstone_rows_.clear();
  }

  /// Decodes the values of `messages` and appends their rows. A record without a value (a
  /// tombstone) is not decoded: its row has every value column NULL (the metadata columns
  /// filled), unless a value column is NOT NULL: then it is a `null_in_not_null` bad record,
  /// handled by `mode` as the decoders handle one.
  Status DecodeMessages(const PartitionReader& reader, const std::vector<Message>& messages,
                        std::vector<Batch>* out) {
    const size_t count = messages.size();
    dropped_.assign(count, 0);
    tombstone_.assign(count, 0);
    if (decoder_) {
      payloads_.clear();
      payload_message_.clear();
      for (size_t idx = 0; idx < count; ++idx) {
        const rd_kafka_message_t& message = *messages[idx];
        if (message.payload == nullptr) {
          tombstone_[idx] = 1;
          continue;
        }
        payloads_.emplace_back(static_cast<const char*>(message.payload), message.len);
        payload_message_.push_back(idx);
      }
      Status decoded = payloads_.empty() ? Status::OK() : decoder_->DecodeRecords(payloads_, 0);
      std::vector<DecodeIssue> issues = decoder_->TakeIssues();
      for (DecodeIssue& issue : issues) {
        const auto payload_index = static_cast<size_t>(issue.record_index);
        const size_t index =
            payload_index < payload_message_.size() ? payload_message_[payload_index] : count;
        if (issue.dropped && index < count) dropped_[index] = 1;
        RETURN_NOT_OK(
            ReportIssue(reader, index < count ? messages[index]->offset : -1, issue, decoded.ok()));
      }
      RETURN_NOT_OK(decoded);
      if (!not_null_column_.empty()) {
        for (size_t idx = 0; idx < count; ++idx) {
          if (tombstone_[idx] == 0) continue;
          DecodeIssue issue;
          issue.record_index = static_cast<int64_t>(idx);
          issue.kind = bad_reason::kNullInNotNull;
          issue.reason =
              fmt::format("the record has no value (a tombstone) but column '{}' is NOT NULL",
                          not_null_column_);
          issue.dropped = decode_mode_ == DecodeMode::kDropMalformed;
          if (issue.dropped) dropped_[idx] = 1;
          RETURN_NOT_OK(ReportIssue(reader, messages[idx]->offset, issue,
                                    /*keep_going=*/decode_mode_ != DecodeMode::kFailFast));
        }
      }
    }
    for (size_t idx = 0; idx < count; ++idx) {
      if (dropped_[idx] != 0) continue;
      if (tombstone_[idx] != 0) tombstone_rows_.push_back(pending_rows_);
      AppendMetadata(reader, *messages[idx]);
      ++pending_rows_;
    }
    if (pending_rows_ >= kRowsPerBatch) return FlushBatch(out);
    return Status::OK();
  }

  /// A bad record of `reader`'s partition at `offset`: kept for the progress record and the
  /// quarantine, or (`keep_going` false: FAILFAST) the error that fails the read.
  Status ReportIssue(const PartitionReader& reader, int64_t offset, DecodeIssue& issue,
                     bool keep_going) {
    if (!keep_going) {
      return FailFastError(issue,
                           fmt::format("topic '{}' partition {} offset {}", reader.partition.topic,
                                       reader.partition.partition, offset));
    }
    BadRecord bad;
    bad.coordinates = R"("topic":)";
    AppendJsonString(bad.coordinates, reader.partition.topic);
    bad.coordinates +=
        fmt::format(R"(,"partition":{},"offset":{})", reader.partition.partition, offset);
    bad.reason_kind = std::string(issue.kind);
    bad.reason = std::move(issue.reason);
    bad.raw = std::move(issue.raw);
    bad.dropped = issue.dropped;
    bad_records_.push_back(std::move(bad));
    return Status::OK();
  }

  /// The value columns of the pending rows: the decoded rows, with a row of NULLs at each
  /// tombstone's place.
  Result<std::vector<ColumnRef>> PayloadColumns(const Batch& decoded) {
    std::vector<ColumnRef> out;
    for (int col = 0; col < decoded.num_columns(); ++col) {
      const ColumnRef& source = decoded.column(col);
      if (tombstone_rows_.empty()) {
        out.push_back(source);
        continue;
      }
      std::unique_ptr<ColumnBuilder> builder =
          ColumnBuilder::Make(payload_schema_->field(col).type);
      builder->Reserve(pending_rows_);
      int64_t from = 0;
      size_t next_tombstone = 0;
      for (int64_t row = 0; row < pending_rows_; ++row) {
        if (next_tombstone < tombstone_rows_.size() && tombstone_rows_[next_tombstone] == row) {
          builder->AppendNull();
          ++next_tombstone;
        } else {
          builder->AppendFrom(*source, from++);
        }
      }
      out.push_back(builder->Finish());
    }
    return out;
  }

  static void AppendText(ColumnBuilder* builder, const void* data, size_t size) {
    auto* strings = static_cast<StringBuilder*>(builder);
    std::string_view text(static_cast<const char*>(data), data == nullptr ? 0 : size);
    if (simdjson::validate_utf8(text.data(), text.size())) {
      strings->Append(text);
    } else {
      strings->Append(ValidUtf8OrReplaced(text));
    }
  }

  void AppendMetadata(const PartitionReader& reader, const rd_kafka_message_t& message) {
    for (size_t idx = 0; idx < columns_.size(); ++idx) {
      const OutputColumn& column = columns_[idx];
      if (!column.metadata) continue;
      ColumnBuilder* builder = builders_[idx].get();
      switch (column.kind) {
        case MetaKind::kKey:
          if (message.key == nullptr) {
            builder->AppendNull();
          } else {
            AppendText(builder, message.key, message.key_len);
          }
          break;
        case MetaKind::kTopic:
          static_cast<StringBuilder*>(builder)->Append(reader.partition.topic);
          break;
        case MetaKind::kPartition:
          static_cast<Int32Builder*>(builder)->Append(reader.partition.partition);
          break;
        case MetaKind::kOffset:
          static_cast<Int64Builder*>(builder)->Append(message.offset);
          break;
        case MetaKind::kTimestamp: {
          rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
          const int64_t millis = rd_kafka_message_timestamp(&message, &type);
          if (type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
            builder->AppendNull();
          } else {
            static_cast<Int64Builder*>(builder)->Append(millis * 1000);
          }
          break;
        }
        case MetaKind::kTimestampType: {
          rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
          (void)rd_kafka_message_timestamp(&message, &type);
          static_cast<Int32Builder*>(builder)->Append(type == RD_KAFKA_TIMESTAMP_CREATE_TIME ? 0
                                                      : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
                                                          ? 1
                                                          : -1);
          break;
        }
        case MetaKind::kHeaders: {
          auto* list = static_cast<ListBuilder*>(builder);
          auto* entry = static_cast<StructBuilder*>(list->values());
          rd_kafka_headers_t* headers = nullptr;
          // The message is ours (not shared): librdkafka parses its headers on first access.
          if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const char* name = nullptr;
            const void* value = nullptr;
            size_t size = 0;
            for (size_t header_idx = 0;
                 rd_kafka_header_get_all(headers, header_idx, &name, &value, &size) ==
                 RD_KAFKA_RESP_ERR_NO_ERROR;
                 ++header_idx) {
              AppendText(entry->child(0), name, std::strlen(name));
              if (value == nullptr) {
                entry->child(1)->AppendNull();
              } else {
                AppendText(entry->child(1), value, size);
              }
              entry->Append();
            }
          }
          list->Append();
          break;
        }
      }
    }
  }

  /// The rows decoded so far as one batch of the source schema.
  Status FlushBatch(std::vector<Batch>* out) {
    if (pending_rows_ == 0 && (!decoder_ || decoder_->num_rows() == 0)) return Status::OK();
    std::vector<ColumnRef> payload;
    if (decoder_) {
      ASSIGN_OR_RETURN(Batch decoded, decoder_->Finish());
      const auto tombstones = static_cast<int64_t>(tombstone_rows_.size());
      if (decoded.num_rows() + tombstones != pending_rows_) {
        return Status::Internal("kafka source: {} decoded rows and {} tombstones but {} records",
                                decoded.num_rows(), tombstones, pending_rows_);
      }
      ASSIGN_OR_RETURN(payload, PayloadColumns(decoded));
    }
    std::vector<ColumnRef> columns;
    columns.reserve(columns_.size());
    for (size_t idx = 0; idx < columns_.size(); ++idx) {
      columns.push_back(columns_[idx].metadata
                            ? builders_[idx]->Finish()
                            : payload[static_cast<size_t>(columns_[idx].payload_index)]);
    }
    const int64_t rows = pending_rows_;
    ResetBuilders();
    ASSIGN_OR_RETURN(Batch batch, Batch::Make(context_.schema, std::move(columns), rows));
    out->push_back(std::move(batch));
    return Status::OK();
  }

  // ---- group offsets ----

  void SendNextCommit() {
    if (pending_commits_ > 0 || next_commit_.empty()) return;
    PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(next_commit_.size())));
    for (const auto& [id, offset] : next_commit_) {
      TopicPartition partition;
      if (!kafka::ParsePartitionId(id, &partition)) continue;
      rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition)
          ->offset = offset;
    }
    next_commit_.clear();
    if (list->cnt == 0) return;
    rd_kafka_resp_err_t error =
        rd_kafka_commit_queue(consumer_.get(), list.get(), commit_queue_.get(), nullptr, nullptr);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      SLUICE_LOG_WARN(
          "kafka source '{}': committing offsets to group '{}' failed: {} (advisory only: "
          "recovery uses the checkpoint)",
          context_.source_name, group_id_, kafka::ErrorText(error));
      return;
    }
    ++pending_commits_;
  }

  /// Logs the results of finished advisory commits; waits up to `wait_ms` for one.
  void PollCommits(int wait_ms) {
    while (pending_commits_ > 0) {
      rd_kafka_event_t* event = rd_kafka_queue_poll(commit_queue_.get(), wait_ms);
      if (event == nullptr) return;
      if (rd_kafka_event_type(event) == RD_KAFKA_EVENT_OFFSET_COMMIT) {
        --pending_commits_;
        std::string failures;
        if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          failures = rd_kafka_event_error_string(event);
        } else if (const auto* list = rd_kafka_event_topic_partition_list(event)) {
          for (int idx = 0; idx < list->cnt; ++idx) {
            if (list->elems[idx].err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
            if (!failures.empty()) failures += "; ";
            failures += fmt::format(
                "{}: {}", kafka::PartitionId(list->elems[idx].topic, list->elems[idx].partition),
                kafka::ErrorText(list->elems[idx].err));
          }
        }
        if (!failures.empty()) {
          SLUICE_LOG_WARN(
              "kafka source '{}': committing offsets to group '{}' failed: {} (advisory only: "
              "lag tools show older offsets; recovery uses the checkpoint)",
              context_.source_name, group_id_, failures);
        }
      }
      rd_kafka_event_destroy(event);
      wait_ms = 0;
    }
    SendNextCommit();
  }

  SourceContext context_;
  SourceConfig config_;
  std::vector<OutputColumn> columns_;
  SchemaRef payload_schema_;
  std::unique_ptr<RecordDecoder> decoder_;
  std::unique_ptr<RE2> pattern_;
  std::string group_id_;
  Handle consumer_;
  Handle planner_;  // metadata and offsets requests (see Open)
  Queue commit_queue_;
  int pending_commits_ = 0;
  OffsetMap next_commit_;  // offsets to commit once the commit in flight is done
  std::map<std::string, PartitionReader> readers_;
  std::optional<OffsetMap> initial_;
  std::optional<OffsetMap> ending_;
  OffsetMap latest_;
  bool latest_fresh_ = false;
  int64_t last_trigger_micros_ = 0;
  std::set<std::string> warned_missing_;
  std::set<std::string> warned_moved_back_;
  std::vector<BadRecord> bad_records_;
  /// Lost ranges of the batch being read, reported by TakeBadRecords (see LostRange).
  struct Lost {
    std::string id;
    TopicPartition partition;
    int64_t from;
    int64_t to;
    std::string why;
  };
  std::vector<Lost> lost_;
  std::string last_fetch_error_;  // of the current Read
  // Decoding scratch, reused across reads.
  std::vector<std::unique_ptr<ColumnBuilder>> builders_;
  int64_t pending_rows_ = 0;
  std::vector<std::string_view> payloads_;
  std::vector<size_t> payload_message_;  // payloads_[i] is the value of message payload_message_[i]
  std::vector<char> dropped_;
  std::vector<char> tombstone_;          // per message of the chunk being decoded
  std::vector<int64_t> tombstone_rows_;  // pending rows that are tombstones, ascending
  DecodeMode decode_mode_ = DecodeMode::kPermissive;
  std::string not_null_column_;  // a NOT NULL value column (tombstones cannot fill it), or empty
  std::vector<rd_kafka_message_t*> fetch_buffer_;
};

Result<SchemaRef> ResolveKafkaSchema(const Schema& declared, const OptionSet& options) {
  ASSIGN_OR_RETURN(SourceConfig config, ParseSourceConfig(options));
  RETURN_NOT_OK(kafka::CheckClientOptions(options, kafka::ClientRole::kConsumer));
  SchemaRef schema;
  if (declared.num_fields() == 0) {
    if (config.format != DecodeFormat::kText) {
      return Status::Config(
          "the kafka source with format '{}' needs declared value columns (an explicit schema; "
          "METADATA columns do not count), e.g. CREATE SOURCE s (id BIGINT, name STRING) WITH "
          "(...), or format 'text' for the value as one STRING column",
          options.GetString("format"));
    }
    schema = std::make_shared<Schema>(std::vector<Field>{{"value", StringType(), true}});
  } else {
    schema = std::make_shared<Schema>(declared);
  }
  ASSIGN_OR_RETURN(DecodeOptions decode, DecodeOptions::FromMap(options.values()));
  RETURN_NOT_OK(MakeDecoder(config.format, schema, decode).status());
  return schema;
}

Result<std::unique_ptr<Source>> CreateKafkaSource(SourceContext context) {
  ASSIGN_OR_RETURN(SourceConfig config, ParseSourceConfig(context.options));
  auto source = std::make_unique<KafkaSource>(std::move(context), std::move(config));
  RETURN_NOT_OK(source->Open());
  return std::unique_ptr<Source>(std::move(source));
}

}  // namespace

void DescribeKafkaSource(ConnectorDef* def) {
  std::vector<OptionSpec> specs = {
      kafka::BootstrapServersSpec(),
      {.name = "subscribe",
       .type = OptionType::kList,
       .description = "Topics to read (comma-separated). One of subscribe, subscribePattern, "
                      "assign."},
      {.name = "subscribePattern",
       .type = OptionType::kString,
       .description = "Read every topic whose whole name matches this regular expression (RE2); "
                      "topics created later are picked up at the next micro-batch."},
      {.name = "assign",
       .type = OptionType::kString,
       .description = "Exactly these partitions, as JSON: {\"topicA\":[0,1],\"topicB\":[2]}."},
      {.name = "startingOffsets",
       .type = OptionType::kString,
       .default_value = "latest",
       .description = "Where a query without a checkpoint starts: earliest, latest, or JSON per "
                      "partition {\"topicA\":{\"0\":23,\"1\":-2}} (-2 = earliest, -1 = latest; "
                      "every partition named). Partitions that appear later start at their "
                      "beginning."},
      {.name = "startingTimestamp",
       .type = OptionType::kInt,
       .description = "Start every partition at its first record with a timestamp at or after "
                      "this one (epoch milliseconds; the brokers' offsetsForTimes). Wins over "
                      "startingOffsetsByTimestamp and startingOffsets.",
       .min_value = 0},
      {.name = "startingOffsetsByTimestamp",
       .type = OptionType::kString,
       .description = "startingTimestamp per partition, as JSON {\"topicA\":{\"0\":1700000000000}}"
                      "; wins over startingOffsets."},
      {.name = "startingOffsetsByTimestampStrategy",
       .type = OptionType::kEnum,
       .default_value = "error",
       .description = "When a partition has no record at or after the starting timestamp: "
                      "error (the query does not start), or latest.",
       .allowed = {"error", "latest"}},
      {.name = "endingOffsets",
       .type = OptionType::kString,
       .description = "Makes the query bounded: latest (the latest offsets when the query first "
                      "started) or JSON per partition (-1 = latest); the query ends once every "
                      "partition reached its end. The partitions are then fixed."},
      {.name = "maxOffsetsPerTrigger",
       .type = OptionType::kInt,
       .description = "Cap on the records one micro-batch reads, split over the partitions in "
                      "proportion to their backlog (at least one record each).",
       .min_value = 1},
      {.name = "minOffsetsPerTrigger",
       .type = OptionType::kInt,
       .description = "Wait until this many new records are available (or maxTriggerDelay "
                      "passed since the previous batch) before running a batch.",
       .min_value = 1},
      {.name = "maxTriggerDelay",
       .type = OptionType::kDuration,
       .default_value = "15m",
       .description = "Longest wait for minOffsetsPerTrigger.",
       .min_value = 0},
      {.name = "failOnDataLoss",
       .type = OptionType::kBool,
       .default_value = "true",
       .description = "Records that can no longer be read (deleted by retention before they "
                      "were read, topic re-created): true = the query fails naming the "
                      "partition and offsets; false = they are skipped with a warning and a "
                      "data_loss bad record."},
      {.name = "kafkaConsumer.pollTimeoutMs",
       .type = OptionType::kInt,
       .default_value = "120000",
       .description = "How long a read, or a metadata or offsets request, may wait for the "
                      "brokers before the query fails.",
       .min_value = 1},
      {.name = "groupIdPrefix",
       .type = OptionType::kString,
       .default_value = "sluice",
       .description = "The consumer group the source commits each batch's end offsets to "
                      "(advisory, for lag tools) is <groupIdPrefix>-<query id>, unless "
                      "kafka.group.id is set."},
      {.name = "format",
       .type = OptionType::kEnum,
       .default_value = "json",
       .description = "How record values decode: json (one object per record), csv (one line "
                      "per record) or text (the value as one STRING column).",
       .allowed = {"json", "csv", "text"}},
  };
  for (OptionSpec& spec : DecodeOptionSpecs(/*json=*/true, /*csv=*/true)) {
    if (spec.name == "header") continue;  // one record per value: there is no header line
    specs.push_back(std::move(spec));
  }
  specs.push_back(kafka::PassThroughSpec());
  def->source_options = std::move(specs);
  def->metadata = KafkaMetadata();
  def->resolve_schema = ResolveKafkaSchema;
  def->create_source = CreateKafkaSource;
}

}  // namespace sluice
