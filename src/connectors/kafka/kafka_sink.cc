// The sink half of the `kafka` connector. Each row becomes one record: the value is the row's
// other columns encoded as json, csv or text; the columns named `key`, `headers`, `topic` and
// `partition` (as in Spark's Kafka sink) give the key, the headers, the topic and an explicit
// partition. Records with the same key go to the same partition (librdkafka's partitioner) in
// order: the producer is idempotent by default.
//
// Write(N) produces; Commit(N) waits for every delivery report and fails the batch on any error.
// Guarantees:
// - default (at-least-once): a batch replayed after a crash is produced again, so records of a
//   batch that was partly or wholly delivered before the crash appear twice. The id of the last
//   batch whose every record was delivered is kept in the sink's checkpoint folder
//   (LastCommitted), so a replay of a batch that was delivered in full is skipped.
// - transactional = true (exactly-once with read_committed consumers): one Kafka transaction per
//   batch, transactional.id derived from the query id. Open() calls init_transactions, which on a
//   real broker aborts what a crashed previous run left open; Commit(N) adds a marker to the
//   transaction (offset N + 1 committed for the consumer group named by the transactional id, on
//   partition 0 of the sink's topic) and commits; LastCommitted() reads that marker back, so a
//   batch whose transaction committed is never produced again.
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "columnar/value.h"
#include "common/logging.h"
#include "common/strings.h"
#include "connectors/kafka/kafka.h"
#include "connectors/kafka/kafka_common.h"
#include "formats/json_lines.h"
#include "storage/filesystem.h"

namespace sluice {

namespace {

using kafka::Handle;
using kafka::PartitionList;

enum class ValueFormat { kJson, kCsv, kText };

constexpr int64_t kTransactionTimeoutMs = 60000;  // librdkafka calls on transactions
constexpr int64_t kAbortFlushMs = 10000;          // waiting for requests in flight on abort
constexpr const char* kCommittedFile = "kafka-sink-committed";

TypeRef HeadersType() {
  return ListType(StructType({{"key", StringType(), true}, {"value", StringType(), true}}));
}

/// What each column of the rows written is for.
struct SinkConfig {
  std::string topic;  // the `topic` option (wins over a topic column, as Spark)
  ValueFormat format = ValueFormat::kJson;
  bool transactional = false;
  int key_column = -1;
  int headers_column = -1;
  int topic_column = -1;
  int partition_column = -1;
  std::vector<int> value_columns;
};

Result<SinkConfig> MakeSinkConfig(const Schema& input, const OptionSet& options) {
  SinkConfig config;
  config.topic = options.GetString("topic");
  const std::string format = ToLower(options.GetString("format"));
  config.format = format == "csv"    ? ValueFormat::kCsv
                  : format == "text" ? ValueFormat::kText
                                     : ValueFormat::kJson;
  config.transactional = options.GetBool("transactional");
  for (int index = 0; index < input.num_fields(); ++index) {
    const Field& field = input.field(index);
    if (EqualsIgnoreCase(field.name, "key")) {
      if (field.type->is_nested()) {
        return Status::Config(
            "the kafka sink's 'key' column has type {}; the key must be a "
            "scalar (it is written as text)",
            field.type->ToString());
      }
      config.key_column = index;
    } else if (EqualsIgnoreCase(field.name, "headers")) {
      if (!field.type->Equals(*HeadersType())) {
        return Status::Config("the kafka sink's 'headers' column must be {}, not {}",
                              HeadersType()->ToString(), field.type->ToString());
      }
      config.headers_column = index;
    } else if (EqualsIgnoreCase(field.name, "topic")) {
      if (field.type->id() != TypeId::kString) {
        return Status::Config("the kafka sink's 'topic' column must be STRING, not {}",
                              field.type->ToString());
      }
      config.topic_column = index;
    } else if (EqualsIgnoreCase(field.name, "partition")) {
      if (field.type->id() != TypeId::kInt32) {
        return Status::Config("the kafka sink's 'partition' column must be INT, not {}",
                              field.type->ToString());
      }
      config.partition_column = index;
    } else {
      config.value_columns.push_back(index);
    }
  }
  if (config.topic.empty() && config.topic_column < 0) {
    return Status::Config(
        "the kafka sink needs a 'topic' option or a 'topic' column in the rows written");
  }
  if (config.transactional && config.topic.empty()) {
    return Status::Config(
        "the kafka sink with 'transactional' = 'true' needs the 'topic' option "
        "(its partition 0 holds the marker of each committed batch)");
  }
  if (config.format == ValueFormat::kText) {
    if (config.value_columns.size() != 1) {
      return Status::Config(
          "the kafka sink with format 'text' writes one column as the value; the rows have {} "
          "value columns (columns other than key, headers, topic, partition)",
          config.value_columns.size());
    }
  }
  if (config.format != ValueFormat::kJson) {
    for (int index : config.value_columns) {
      if (input.field(index).type->is_nested()) {
        return Status::Config(
            "the kafka sink with format '{}' cannot write column '{}' of type "
            "{}: use format 'json' for nested values",
            format, input.field(index).name, input.field(index).type->ToString());
      }
    }
  }
  return config;
}

/// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
void AppendCsvField(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

class KafkaSink final : public Sink {
 public:
  KafkaSink(SinkContext context, SinkConfig config)
      : context_(std::move(context)),
        config_(std::move(config)),
        encoder_(*context_.schema, config_.value_columns),
        transactional_id_(fmt::format("sluice-sink-{}", context_.query_id)) {}

  ~KafkaSink() override {
    // librdkafka 2.0.2 asserts when a producer is destroyed while a transactional request is in
    // flight: end an open transaction first (an abort; the batch was not committed).
    if (producer_ && in_transaction_) (void)Close();
  }

  Status Open() override {
    std::map<std::string, std::string> defaults = {
        {"client.id", "sluice"}, {"enable.idempotence", "true"}, {"log.connection.close", "false"}};
    std::map<std::string, std::string> fixed;
    if (config_.transactional) fixed["transactional.id"] = transactional_id_;
    ASSIGN_OR_RETURN(producer_, kafka::NewClient(context_.options, kafka::ClientRole::kProducer,
                                                 defaults, fixed, &KafkaSink::OnDelivery, this));
    if (config_.transactional) {
      // Fences a previous producer with this id; a real broker aborts its open transaction.
      RETURN_NOT_OK(TransactionCall(
          rd_kafka_init_transactions(producer_.get(), static_cast<int>(kTransactionTimeoutMs)),
          "initialising transactions"));
    }
    return Status::OK();
  }

  Status Write(int64_t batch_id, const Batch& batch) override {
    if (batch_id != batch_id_) RETURN_NOT_OK(StartBatch(batch_id));
    if (config_.transactional && !in_transaction_) {
      RETURN_NOT_OK(TransactionCall(rd_kafka_begin_transaction(producer_.get()),
                                    "beginning the transaction"));
      in_transaction_ = true;
    }
    const Column* key = config_.key_column >= 0 ? batch.column(config_.key_column).get() : nullptr;
    const Column* topic =
        config_.topic_column >= 0 ? batch.column(config_.topic_column).get() : nullptr;
    const Column* partition =
        config_.partition_column >= 0 ? batch.column(config_.partition_column).get() : nullptr;
    const Column* headers =
        config_.headers_column >= 0 ? batch.column(config_.headers_column).get() : nullptr;
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      bool null_value = false;
      EncodeValue(batch, row, &null_value);
      key_.clear();
      const bool has_key = key != nullptr && key->IsValid(row);
      if (has_key) AppendCellText(*key, row, key_);
      std::string_view topic_name = config_.topic;
      if (topic_name.empty()) {
        if (!topic->IsValid(row)) {
          return Status::Config(
              "kafka sink: row {} of batch {} has a NULL topic and the sink has no 'topic' "
              "option",
              rows_ + 1, batch_id);
        }
        topic_name = topic->StringValue(row);
      }
      topic_name_.assign(topic_name);
      const int32_t partition_number = partition != nullptr && partition->IsValid(row)
                                           ? partition->Values<int32_t>()[row]
                                           : RD_KAFKA_PARTITION_UA;
      rd_kafka_headers_t* record_headers = nullptr;
      if (headers != nullptr && headers->IsValid(row)) {
        ASSIGN_OR_RETURN(record_headers, MakeHeaders(*headers, row, batch_id));
      }
      RETURN_NOT_OK(Produce(has_key, null_value, partition_number, record_headers, batch_id));
      ++rows_;
      bytes_ += static_cast<int64_t>(value_.size() + key_.size());
    }
    rd_kafka_poll(producer_.get(), 0);  // delivery reports so far
    return Status::OK();
  }

  Result<SinkBatchStats> Commit(int64_t batch_id) override {
    if (batch_id <= committed_) return SinkBatchStats{};             // already committed: a no-op
    if (batch_id != batch_id_) RETURN_NOT_OK(StartBatch(batch_id));  // an empty batch
    RETURN_NOT_OK(WaitForDeliveries());
    if (failed_ > 0) {
      std::string error = fmt::format(
          "kafka sink: {} of the {} records of batch {} were not delivered; first error: {}",
          failed_, rows_, batch_id, first_error_);
      if (in_transaction_) {
        (void)rd_kafka_abort_transaction(producer_.get(), static_cast<int>(kTransactionTimeoutMs));
        in_transaction_ = false;
      }
      return Status::IOError("{}", error);
    }
    if (config_.transactional) {
      if (!in_transaction_) {
        RETURN_NOT_OK(TransactionCall(rd_kafka_begin_transaction(producer_.get()),
                                      "beginning the transaction"));
        in_transaction_ = true;
      }
      RETURN_NOT_OK(SendMarker(batch_id));
      RETURN_NOT_OK(CommitTransaction(batch_id));
    }
    RETURN_NOT_OK(StoreCommitted(batch_id));
    committed_ = batch_id;
    SinkBatchStats stats;
    stats.rows = rows_;
    stats.bytes = bytes_;
    batch_id_ = -1;
    return stats;
  }

  Status Abort(int64_t batch_id) override {
    if (!producer_) return Status::OK();
    if (in_transaction_) {
      in_transaction_ = false;
      // Let the requests in flight finish first (librdkafka 2.0.2 asserts when an abort overtakes
      // an AddPartitionsToTxn response).
      (void)rd_kafka_flush(producer_.get(), static_cast<int>(kAbortFlushMs));
      kafka::Error error(
          rd_kafka_abort_transaction(producer_.get(), static_cast<int>(kTransactionTimeoutMs)));
      if (error) {
        return Status::IOError("kafka sink: aborting the transaction of batch {}: {}", batch_id,
                               rd_kafka_error_string(error.get()));
      }
    } else {
      // Records not sent yet are dropped; sent ones cannot be taken back (at-least-once).
      rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE);
      (void)rd_kafka_flush(producer_.get(), static_cast<int>(kAbortFlushMs));
    }
    batch_id_ = -1;
    return Status::OK();
  }

  Result<int64_t> LastCommitted() override {
    if (committed_ >= 0) return committed_;
    int64_t last = -1;
    if (context_.state_fs != nullptr) {
      const std::string path = JoinPath(context_.state_dir, kCommittedFile);
      ASSIGN_OR_RETURN(bool exists, context_.state_fs->Exists(path));
      if (exists) {
        ASSIGN_OR_RETURN(std::string text, context_.state_fs->Get(path));
        auto id = ParseInt64(Trim(text));
        if (!id) return Status::Commit("kafka sink state '{}' is corrupt", path);
        last = *id;
      }
    }
    if (config_.transactional) {
      ASSIGN_OR_RETURN(int64_t marker, ReadMarker());
      last = std::max(last, marker);
    }
    return last;
  }

  Status Close() override {
    if (!producer_) return Status::OK();
    if (in_transaction_) return Abort(batch_id_);
    return Status::OK();
  }

  std::string Describe() const override {
    std::string text = "kafka[";
    text += config_.topic.empty() ? "topic=<column>" : "topic=" + config_.topic;
    text += config_.format == ValueFormat::kJson  ? ", format=json"
            : config_.format == ValueFormat::kCsv ? ", format=csv"
                                                  : ", format=text";
    if (config_.transactional) text += ", transactional=true";
    return text + "]";
  }

 private:
  static void OnDelivery(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque) {
    (void)handle;
    auto* sink = static_cast<KafkaSink*>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (sink->failed_++ == 0) {
      sink->first_error_ =
          fmt::format("topic '{}' partition {}: {}", rd_kafka_topic_name(message->rkt),
                      message->partition, rd_kafka_err2str(message->err));
    }
  }

  Status StartBatch(int64_t batch_id) {
    if (batch_id_ >= 0 && batch_id_ != batch_id) {
      return Status::Internal("kafka sink: batch {} started while batch {} is open", batch_id,
                              batch_id_);
    }
    batch_id_ = batch_id;
    rows_ = 0;
    bytes_ = 0;
    failed_ = 0;
    first_error_.clear();
    return Status::OK();
  }

  void EncodeValue(const Batch& batch, int64_t row, bool* null_value) {
    value_.clear();
    *null_value = false;
    if (config_.value_columns.empty()) {
      *null_value = true;  // only key/headers: a tombstone
      return;
    }
    switch (config_.format) {
      case ValueFormat::kJson:
        encoder_.EncodeRow(batch, row, value_);
        if (!value_.empty() && value_.back() == '\n') value_.pop_back();
        break;
      case ValueFormat::kCsv:
        for (size_t idx = 0; idx < config_.value_columns.size(); ++idx) {
          if (idx > 0) value_.push_back(',');
          const Column& column = *batch.column(config_.value_columns[idx]);
          if (!column.IsValid(row)) continue;  // NULL: an empty field
          cell_.clear();
          AppendCellText(column, row, cell_);
          AppendCsvField(cell_, value_);
        }
        break;
      case ValueFormat::kText: {
        const Column& column = *batch.column(config_.value_columns[0]);
        if (!column.IsValid(row)) {
          *null_value = true;
        } else {
          AppendCellText(column, row, value_);
        }
        break;
      }
    }
  }

  Result<rd_kafka_headers_t*> MakeHeaders(const Column& headers, int64_t row, int64_t batch_id) {
    const int32_t* offsets = headers.Offsets();
    const Column& entries = *headers.ListValues();
    ColumnRef keys = entries.StructField(0);
    ColumnRef values = entries.StructField(1);
    rd_kafka_headers_t* out =
        rd_kafka_headers_new(static_cast<size_t>(offsets[row + 1] - offsets[row]));
    for (int32_t element = offsets[row]; element < offsets[row + 1]; ++element) {
      if (!entries.IsValid(element) || !keys->IsValid(element)) {
        rd_kafka_headers_destroy(out);
        return Status::Config("kafka sink: row {} of batch {} has a NULL header or header key",
                              rows_ + 1, batch_id);
      }
      std::string_view name = keys->StringValue(element);
      if (values->IsValid(element)) {
        std::string_view value = values->StringValue(element);
        rd_kafka_header_add(out, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                            static_cast<ssize_t>(value.size()));
      } else {
        rd_kafka_header_add(out, name.data(), static_cast<ssize_t>(name.size()), nullptr, 0);
      }
    }
    return out;
  }

  /// Hands one record to librdkafka (copied), waiting while its queue is full.
  Status Produce(bool has_key, bool null_value, int32_t partition, rd_kafka_headers_t* headers,
                 int64_t batch_id) {
    // rd_kafka_produceva rather than the RD_KAFKA_V_* macros: those are GNU statement
    // expressions, an error under clang -Wpedantic -Werror (the fuzz build).
    rd_kafka_vu_t fields[6];
    size_t count = 0;
    fields[count].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[count++].u.cstr = topic_name_.c_str();
    fields[count].vtype = RD_KAFKA_VTYPE_PARTITION;
    fields[count++].u.i32 = partition;
    fields[count].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[count++].u.i = RD_KAFKA_MSG_F_COPY;
    fields[count].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[count].u.mem.ptr = null_value ? nullptr : const_cast<char*>(value_.data());
    fields[count++].u.mem.size = null_value ? 0 : value_.size();
    fields[count].vtype = RD_KAFKA_VTYPE_KEY;
    fields[count].u.mem.ptr = has_key ? key_.data() : nullptr;
    fields[count++].u.mem.size = has_key ? key_.size() : 0;
    fields[count].vtype = RD_KAFKA_VTYPE_HEADERS;
    fields[count++].u.headers = headers;
    while (true) {
      rd_kafka_error_t* produced = rd_kafka_produceva(producer_.get(), fields, count);
      const rd_kafka_resp_err_t error =
          produced == nullptr ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_error_code(produced);
      if (produced != nullptr) rd_kafka_error_destroy(produced);
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();  // headers now owned
      if (error == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer_.get(), 50);  // deliveries free room
        continue;
      }
      if (headers != nullptr) rd_kafka_headers_destroy(headers);
      return Status::IOError("kafka sink: row {} of batch {} cannot be produced to topic '{}': {}",
                             rows_ + 1, batch_id, topic_name_, kafka::ErrorText(error));
    }
  }

  /// Waits for the delivery report of every record produced (librdkafka fails a record after
  /// message.timeout.ms, so this ends).
  Status WaitForDeliveries() {
    while (rd_kafka_outq_len(producer_.get()) > 0) {
      rd_kafka_resp_err_t error = rd_kafka_flush(producer_.get(), 1000);
      if (error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR__TIMED_OUT) {
        return Status::IOError("kafka sink: flushing: {}", kafka::ErrorText(error));
      }
      char reason[512];
      if (rd_kafka_fatal_error(producer_.get(), reason, sizeof(reason)) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Status::IOError("kafka sink: the producer failed: {}", reason);
      }
    }
    return Status::OK();
  }

  Status TransactionCall(rd_kafka_error_t* raw, std::string_view what) {
    kafka::Error error(raw);
    if (!error) return Status::OK();
    return Status::IOError("kafka sink: {} (transactional.id '{}'): {}", what, transactional_id_,
                           rd_kafka_error_string(error.get()));
  }

  /// The batch marker: offset N + 1 for the group named by the transactional id on partition 0
  /// of the sink's topic, committed with the transaction.
  Status SendMarker(int64_t batch_id) {
    PartitionList offsets(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_t* marker =
        rd_kafka_topic_partition_list_add(offsets.get(), config_.topic.c_str(), 0);
    marker->offset = batch_id + 1;
    std::unique_ptr<rd_kafka_consumer_group_metadata_t,
                    decltype(&rd_kafka_consumer_group_metadata_destroy)>
        group(rd_kafka_consumer_group_metadata_new(transactional_id_.c_str()),
              &rd_kafka_consumer_group_metadata_destroy);
    return TransactionCall(
        rd_kafka_send_offsets_to_transaction(producer_.get(), offsets.get(), group.get(),
                                             static_cast<int>(kTransactionTimeoutMs)),
        fmt::format("adding the marker of batch {} to the transaction", batch_id));
  }

  Status CommitTransaction(int64_t batch_id) {
    while (true) {
      kafka::Error error(
          rd_kafka_commit_transaction(producer_.get(), static_cast<int>(kTransactionTimeoutMs)));
      if (!error) {
        in_transaction_ = false;
        return Status::OK();
      }
      if (rd_kafka_error_is_retriable(error.get())) {
        SLUICE_LOG_WARN("kafka sink: committing the transaction of batch {}: {}; retrying",
                        batch_id, rd_kafka_error_string(error.get()));
        continue;
      }
      std::string message = rd_kafka_error_string(error.get());
      if (rd_kafka_error_txn_requires_abort(error.get())) {
        (void)rd_kafka_abort_transaction(producer_.get(), static_cast<int>(kTransactionTimeoutMs));
        in_transaction_ = false;
      }
      return Status::IOError("kafka sink: committing the transaction of batch {} failed: {}",
                             batch_id, message);
    }
  }

  /// The batch marker committed with the last transaction, or -1 (none, or a broker that keeps
  /// no transactional offsets, as librdkafka's mock cluster).
  Result<int64_t> ReadMarker() {
    std::map<std::string, std::string> defaults = {{"client.id", "sluice"},
                                                   {"log.connection.close", "false"}};
    std::map<std::string, std::string> fixed = {{"group.id", transactional_id_},
                                                {"enable.auto.commit", "false"}};
    OptionSet consumer_options;
    for (const auto& [key, value] : context_.options.values()) {
      // Only connection settings matter to read offsets; producer-only ones would be rejected.
      if (StartsWith(ToLower(key), "kafka.") &&
          (EqualsIgnoreCase(key, "kafka.bootstrap.servers") ||
           StartsWith(ToLower(key), "kafka.security.") || StartsWith(ToLower(key), "kafka.sasl.") ||
           StartsWith(ToLower(key), "kafka.ssl."))) {
        consumer_options.Set(key, value);
      }
    }
    ASSIGN_OR_RETURN(
        Handle consumer,
        kafka::NewClient(consumer_options, kafka::ClientRole::kConsumer, defaults, fixed));
    PartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), config_.topic.c_str(), 0);
    rd_kafka_resp_err_t error =
        rd_kafka_committed(consumer.get(), list.get(), static_cast<int>(kTransactionTimeoutMs));
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::RetryableIO("kafka sink: reading the last committed batch (group '{}'): {}",
                                 transactional_id_, kafka::ErrorText(error));
    }
    const int64_t offset = list->elems[0].offset;
    return offset > 0 ? offset - 1 : int64_t{-1};
  }

  Status StoreCommitted(int64_t batch_id) {
    if (context_.state_fs == nullptr) return Status::OK();
    RETURN_NOT_OK(context_.state_fs->CreateDirectories(context_.state_dir));
    return context_.state_fs->Put(JoinPath(context_.state_dir, kCommittedFile),
                                  std::to_string(batch_id));
  }

  SinkContext context_;
  SinkConfig config_;
  JsonLinesEncoder encoder_;
  std::string transactional_id_;
  Handle producer_;
  bool in_transaction_ = false;
  int64_t committed_ = -1;  // the highest batch committed by this instance
  // The batch being written.
  int64_t batch_id_ = -1;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  int64_t failed_ = 0;
  std::string first_error_;
  // Scratch reused for every record.
  std::string value_;
  std::string key_;
  std::string cell_;
  std::string topic_name_;
};

Status ValidateKafkaSink(const Schema& input, const OptionSet& options) {
  RETURN_NOT_OK(MakeSinkConfig(input, options).status());
  return kafka::CheckClientOptions(options, kafka::ClientRole::kProducer);
}

Result<std::unique_ptr<Sink>> CreateKafkaSink(SinkContext context) {
  ASSIGN_OR_RETURN(SinkConfig config, MakeSinkConfig(*context.schema, context.options));
  return std::unique_ptr<Sink>(new KafkaSink(std::move(context), std::move(config)));
}

}  // namespace

void DescribeKafkaSink(ConnectorDef* def) {
  std::vector<OptionSpec> specs = {
      kafka::BootstrapServersSpec(),
      {.name = "topic",
       .type = OptionType::kString,
       .description = "The topic to write to; without it, each row's 'topic' column names its "
                      "topic."},
      {.name = "format",
       .type = OptionType::kEnum,
       .default_value = "json",
       .description = "How a row's value columns (all but key, headers, topic, partition) "
                      "become the record's value: json (an object), csv (one line), text (the "
                      "one value column as is).",
       .allowed = {"json", "csv", "text"}},
      {.name = "transactional",
       .type = OptionType::kBool,
       .default_value = "false",
       .description = "One Kafka transaction per micro-batch (transactional.id "
                      "sluice-sink-<query id>): exactly-once for read_committed consumers. "
                      "Needs the 'topic' option."},
      kafka::PassThroughSpec(),
  };
  def->sink_options = std::move(specs);
  def->validate_sink = ValidateKafkaSink;
  def->create_sink = CreateKafkaSink;
}

}  // namespace sluice
