#include "cli/gen.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>

#include "columnar/builder.h"
#include "common/strings.h"
#include "connectors/connector.h"
#include "formats/json_lines.h"

namespace sluice {

namespace {

constexpr int64_t kChunkRows = 65536;
using SteadyClock = std::chrono::steady_clock;

// Adds `ts_ms` (BIGINT, epoch millis) computed from the TIMESTAMP column `ts`.
Result<Batch> WithEpochMillis(const Batch& batch) {
  int ts_index = batch.schema()->FieldIndex("ts");
  if (ts_index < 0) return Status::Internal("datagen batch without a ts column");
  const Column& ts = *batch.column(ts_index);
  Int64Builder millis(Int64Type());
  millis.Reserve(batch.num_rows());
  const int64_t* micros = ts.Values<int64_t>();
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    if (ts.IsNull(row)) {
      millis.AppendNull();
    } else {
      millis.Append(micros[row] / 1000);
    }
  }
  std::vector<Field> fields = batch.schema()->fields();
  fields.push_back({"ts_ms", Int64Type(), ts.null_count() > 0});
  std::vector<ColumnRef> columns = batch.columns();
  columns.push_back(millis.Finish());
  return Batch::Make(std::make_shared<Schema>(std::move(fields)), std::move(columns),
                     batch.num_rows());
}

/// Where events go: one call per event, its NDJSON line (without '\n') and its user id.
class EventWriter {
 public:
  virtual ~EventWriter() = default;
  virtual Status Write(std::string_view line, int64_t user_id) = 0;
  /// Called before the pacer sleeps: make what was written so far visible.
  virtual void Flush() {}
  /// After the last event: flush and report what could not be written.
  virtual Status Finish(int64_t written) = 0;
};

class FileEventWriter : public EventWriter {
 public:
  static Result<std::unique_ptr<FileEventWriter>> Open(const std::string& path) {
    FILE* out = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
    if (out == nullptr) return Status::IOError("cannot write '{}': {}", path, std::strerror(errno));
    return std::unique_ptr<FileEventWriter>(new FileEventWriter(path, out));
  }
  ~FileEventWriter() override {
    if (out_ != nullptr && out_ != stdout) std::fclose(out_);
  }

  Status Write(std::string_view line, int64_t /*user_id*/) override {
    if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() ||
        std::fputc('\n', out_) == EOF) {
      return Status::IOError("writing '{}': {}", path_, std::strerror(errno));
    }
    return Status::OK();
  }
  void Flush() override { std::fflush(out_); }
  Status Finish(int64_t /*written*/) override {
    FILE* out = out_;
    out_ = nullptr;
    if (out == stdout) {
      return std::fflush(out) == 0
                 ? Status::OK()
                 : Status::IOError("writing '{}': {}", path_, std::strerror(errno));
    }
    if (std::fclose(out) != 0) {
      return Status::IOError("closing '{}': {}", path_, std::strerror(errno));
    }
    return Status::OK();
  }

 private:
  FileEventWriter(std::string path, FILE* out) : path_(std::move(path)), out_(out) {}
  std::string path_;
  FILE* out_;
};

struct KafkaTarget {
  std::string brokers;
  std::string topic;
};

Result<KafkaTarget> ParseKafkaTarget(std::string_view url) {
  constexpr std::string_view kScheme = "kafka://";
  if (!StartsWith(url, kScheme)) {
    return Status::Config("--to '{}': expected kafka://HOST:PORT[,HOST:PORT...]/TOPIC", url);
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  KafkaTarget target;
  if (slash != std::string_view::npos) {
    target.brokers = std::string(rest.substr(0, slash));
    target.topic = std::string(rest.substr(slash + 1));
  }
  if (target.brokers.empty() || target.topic.empty() ||
      target.topic.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789._-") != std::string::npos) {
    return Status::Config(
        "--to '{}': expected kafka://HOST:PORT[,HOST:PORT...]/TOPIC (topic of [a-zA-Z0-9._-])",
        url);
  }
  return target;
}

/// A librdkafka producer. Records are keyed by user id (librdkafka's default partitioner,
/// consistent_random, then sends one user's events to one partition, in order) or unkeyed
/// (librdkafka's sticky partitioner fills one partition at a time). Idempotent, so retries
/// neither duplicate nor reorder.
class KafkaEventWriter : public EventWriter {
 public:
  static Result<std::unique_ptr<KafkaEventWriter>> Open(const KafkaTarget& target, bool keyed,
                                                        const std::vector<std::string>& props) {
    auto writer = std::unique_ptr<KafkaEventWriter>(new KafkaEventWriter(target, keyed));
    RETURN_NOT_OK(writer->Connect(props));
    return writer;
  }

  ~KafkaEventWriter() override {
    if (producer_ != nullptr) {
      rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_flush(producer_, 1000);
      rd_kafka_destroy(producer_);
    }
  }

  Status Write(std::string_view line, int64_t user_id) override {
    if (failed_ > 0) return DeliveryError();
    char key[24];
    int key_size =
        keyed_ ? std::snprintf(key, sizeof(key), "%lld", static_cast<long long>(user_id)) : 0;
    // rd_kafka_produceva rather than the RD_KAFKA_V_* macros (GNU statement expressions).
    rd_kafka_vu_t fields[4];
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = target_.topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[1].u.mem.ptr = const_cast<char*>(line.data());
    fields[1].u.mem.size = line.size();
    fields[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[2].u.i = RD_KAFKA_MSG_F_COPY;
    fields[3].vtype = RD_KAFKA_VTYPE_KEY;
    fields[3].u.mem.ptr = key;
    fields[3].u.mem.size = static_cast<size_t>(key_size);
    const size_t field_count = keyed_ ? 4 : 3;
    while (true) {
      rd_kafka_error_t* error = rd_kafka_produceva(producer_, fields, field_count);
      if (error == nullptr) break;
      const rd_kafka_resp_err_t err = rd_kafka_error_code(error);
      std::string message = rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        return Status::IOError("producing to Kafka topic '{}' at {}: {}", target_.topic,
                               target_.brokers, message);
      }
      rd_kafka_poll(producer_, 50);  // the local queue is full: wait for deliveries
      if (failed_ > 0) return DeliveryError();
    }
    if (++produced_ % 1024 == 0) rd_kafka_poll(producer_, 0);
    bytes_ += static_cast<int64_t>(line.size());
    return Status::OK();
  }

  void Flush() override { rd_kafka_poll(producer_, 0); }

  Status Finish(int64_t written) override {
    // Wait for every delivery report: message.timeout.ms bounds each record's attempts.
    while (rd_kafka_outq_len(producer_) > 0) {
      rd_kafka_flush(producer_, 1000);
      if (failed_ > 0) break;
    }
    rd_kafka_poll(producer_, 0);
    if (failed_ > 0) return DeliveryError();
    if (delivered_ != written) {
      return Status::IOError("Kafka topic '{}' at {}: {} records produced, {} delivered",
                             target_.topic, target_.brokers, written, delivered_);
    }
    return Status::OK();
  }

  int64_t bytes() const { return bytes_; }

 private:
  KafkaEventWriter(KafkaTarget target, bool keyed) : target_(std::move(target)), keyed_(keyed) {}

  static void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
    auto* self = static_cast<KafkaEventWriter*>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++self->delivered_;
      return;
    }
    if (self->failed_++ == 0) self->first_error_ = rd_kafka_err2str(message->err);
  }

  static void OnError(rd_kafka_t* /*rk*/, int err, const char* reason, void* /*opaque*/) {
    std::fprintf(stderr, "sluice gen: Kafka: %s: %s\n",
                 rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
  }

  Status DeliveryError() const {
    return Status::IOError(
        "{} record(s) could not be delivered to Kafka topic '{}' at {} ({} delivered); first "
        "error: {}",
        failed_, target_.topic, target_.brokers, delivered_, first_error_);
  }

  Status Connect(const std::vector<std::string>& props) {
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& key, const std::string& value) -> Status {
      if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
          RD_KAFKA_CONF_OK) {
        return Status::Config("Kafka producer property {}={}: {}", key, value, errstr);
      }
      return Status::OK();
    };
    Status status = set("bootstrap.servers", target_.brokers);
    if (status.ok()) status = set("client.id", "sluice-gen");
    if (status.ok()) status = set("enable.idempotence", "true");
    // Fail in 30 s rather than librdkafka's default 5 minutes when nothing can be delivered.
    if (status.ok()) status = set("message.timeout.ms", "30000");
    for (const std::string& prop : props) {
      if (!status.ok()) break;
      size_t eq = prop.find('=');
      if (eq == std::string::npos || eq == 0) {
        status = Status::Config("-X expects key=value, got '{}'", prop);
        break;
      }
      status = set(std::string(Trim(prop.substr(0, eq))), prop.substr(eq + 1));
    }
    if (!status.ok()) {
      rd_kafka_conf_destroy(conf);
      return status;
    }
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
    rd_kafka_conf_set_error_cb(conf, OnError);
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (producer_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      return Status::Config("cannot create a Kafka producer: {}", errstr);
    }
    return CheckTopic();
  }

  // Fails fast (10 s) when no broker answers or the topic does not exist.
  Status CheckTopic() {
    rd_kafka_topic_t* topic = rd_kafka_topic_new(producer_, target_.topic.c_str(), nullptr);
    if (topic == nullptr) {
      return Status::Config("Kafka topic '{}': {}", target_.topic,
                            rd_kafka_err2str(rd_kafka_last_error()));
    }
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    int partitions = 0;
    auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    do {
      const rd_kafka_metadata_t* metadata = nullptr;
      err = rd_kafka_metadata(producer_, 0, topic, &metadata, 5000);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        err = metadata->topic_cnt == 1 ? metadata->topics[0].err
                                       : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        partitions = metadata->topic_cnt == 1 ? metadata->topics[0].partition_cnt : 0;
        rd_kafka_metadata_destroy(metadata);
      }
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR && partitions > 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } while (SteadyClock::now() < deadline);
    rd_kafka_topic_destroy(topic);
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      return Status::Config(
          "Kafka topic '{}' does not exist at {} (create it first, e.g. `sluice kafka-dev "
          "--topic {}:4`)",
          target_.topic, target_.brokers, target_.topic);
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || partitions == 0) {
      return Status::IOError("cannot get metadata of Kafka topic '{}' from {}: {}", target_.topic,
                             target_.brokers, rd_kafka_err2str(err));
    }
    return Status::OK();
  }

  KafkaTarget target_;
  bool keyed_;
  rd_kafka_t* producer_ = nullptr;
  int64_t produced_ = 0;
  int64_t bytes_ = 0;
  // Written by the delivery callback, which runs inside rd_kafka_poll/flush on this thread.
  int64_t delivered_ = 0;
  int64_t failed_ = 0;
  std::string first_error_;
};

/// Spaces events `1/rate` seconds apart from the first one.
class Pacer {
 public:
  explicit Pacer(double rate) : rate_(rate), start_(SteadyClock::now()) {}
  void Wait(int64_t index, EventWriter& writer) const {
    if (rate_ <= 0) return;
    auto due = start_ + std::chrono::duration_cast<SteadyClock::duration>(
                            std::chrono::duration<double>(static_cast<double>(index) / rate_));
    if (SteadyClock::now() < due) {
      writer.Flush();
      std::this_thread::sleep_until(due);
    }
  }

 private:
  double rate_;
  SteadyClock::time_point start_;
};

}  // namespace

Status RunGen(const GenOptions& options, const StopToken* stop) {
  if (options.rows < 0) return Status::Config("--rows must be >= 0, got {}", options.rows);
  if (!(options.rate >= 0)) return Status::Config("--rate must be >= 0, got {}", options.rate);
  if (options.key != "user_id" && options.key != "none") {
    return Status::Config("--key must be user_id or none, got '{}'", options.key);
  }
  if (!options.to.empty() && options.output != "-") {
    return Status::Config("give either -o/--output or --to, not both");
  }
  if (options.to.empty() && !options.kafka_properties.empty()) {
    return Status::Config("-X (Kafka producer properties) needs --to kafka://...");
  }
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  const ConnectorDef* datagen = registry.Find("datagen");
  if (datagen == nullptr) return Status::Internal("the datagen connector is not registered");
  OptionError error;
  ASSIGN_OR_RETURN(OptionSet source_options,
                   ValidateOptions(datagen->source_options,
                                   {{"numRows", std::to_string(options.rows)},
                                    {"seed", std::to_string(options.seed)},
                                    {"partitions", "1"}},
                                   "sluice gen", &error));
  ASSIGN_OR_RETURN(SchemaRef schema, datagen->resolve_schema(Schema(), source_options));
  int user_id_index = schema->FieldIndex("user_id");
  if (user_id_index < 0 || schema->field(user_id_index).type->id() != TypeId::kInt64) {
    return Status::Internal("datagen schema without a BIGINT user_id");
  }
  SourceContext context;
  context.query_id = "gen";
  context.source_name = "gen";
  context.schema = schema;
  context.options = source_options;
  context.clock = &SystemClock();
  ASSIGN_OR_RETURN(std::unique_ptr<Source> source, datagen->create_source(std::move(context)));

  std::unique_ptr<EventWriter> writer;
  KafkaEventWriter* kafka = nullptr;
  KafkaTarget target;
  if (options.to.empty()) {
    ASSIGN_OR_RETURN(writer, FileEventWriter::Open(options.output));
  } else {
    ASSIGN_OR_RETURN(target, ParseKafkaTarget(options.to));
    ASSIGN_OR_RETURN(auto kafka_writer, KafkaEventWriter::Open(target, options.key == "user_id",
                                                               options.kafka_properties));
    kafka = kafka_writer.get();
    writer = std::move(kafka_writer);
  }

  const auto started = SteadyClock::now();
  Pacer pacer(options.rate);
  std::unique_ptr<JsonLinesEncoder> encoder;
  std::string line;
  int64_t written = 0;
  bool stopped = false;
  Status status;
  for (int64_t start = 0; start < options.rows && status.ok() && !stopped; start += kChunkRows) {
    std::vector<Batch> batches;
    status = source->Read("0", start, std::min(options.rows, start + kChunkRows), &batches);
    for (const Batch& batch : batches) {
      if (!status.ok() || stopped) break;
      auto with_millis = WithEpochMillis(batch);
      if (!with_millis.ok()) {
        status = with_millis.status();
        break;
      }
      if (encoder == nullptr) encoder = std::make_unique<JsonLinesEncoder>(*with_millis->schema());
      const int64_t* user_ids = with_millis->column(user_id_index)->Values<int64_t>();
      for (int64_t row = 0; row < with_millis->num_rows(); ++row) {
        if (stop != nullptr && stop->stop_requested()) {
          stopped = true;
          break;
        }
        pacer.Wait(written, *writer);
        line.clear();
        encoder->EncodeRow(*with_millis, row, line);
        line.pop_back();  // the '\n'
        status = writer->Write(line, user_ids[row]);
        if (!status.ok()) break;
        ++written;
      }
    }
  }
  Status finished = writer->Finish(written);
  if (status.ok()) status = finished;
  if (status.ok() && kafka != nullptr) {
    double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    std::fprintf(stderr,
                 "sluice gen: %lld events (%lld bytes of JSON) delivered to Kafka topic '%s' at "
                 "%s in %.2f s (%.0f events/s)%s\n",
                 static_cast<long long>(written), static_cast<long long>(kafka->bytes()),
                 target.topic.c_str(), target.brokers.c_str(), seconds,
                 seconds > 0 ? static_cast<double>(written) / seconds : 0.0,
                 stopped ? ", stopped early" : "");
  }
  return status;
}

}  // namespace sluice
