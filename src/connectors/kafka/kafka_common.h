// What the Kafka source and sink share: owning wrappers of librdkafka handles, client
// configuration from the `kafka.*` options (with the keys Sluice owns rejected), partition ids
// ("topic-N") and Spark's per-partition JSON (`{"topic":{"0":23,"1":-2}}`).
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/options.h"

namespace sluice::kafka {

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const;
};
/// A producer or consumer. Consumers are destroyed without a group close (Sluice never joins a
/// group: it assigns partitions itself and commits explicit offsets).
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
using Queue = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* error) const { rd_kafka_error_destroy(error); }
};
using Error = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

/// A topic and a partition number.
struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  auto operator<=>(const TopicPartition&) const = default;
};

/// The source's partition id in offset maps and progress records: "clicks-3".
std::string PartitionId(std::string_view topic, int32_t partition);
/// The inverse of PartitionId (the topic may itself contain '-'); false if `id` is not one.
bool ParsePartitionId(std::string_view id, TopicPartition* out);

/// Offsets (or timestamps) per topic and partition, as in Spark's JSON options.
using PartitionOffsets = std::map<TopicPartition, int64_t>;

/// Parses Spark's `{"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}`. `option` names the option in
/// errors.
Result<PartitionOffsets> ParsePartitionOffsetsJson(std::string_view text, std::string_view option);
/// Parses Spark's `assign` option: `{"topicA":[0,1],"topicB":[2,4]}`.
Result<std::vector<TopicPartition>> ParseAssignJson(std::string_view text);

enum class ClientRole { kConsumer, kProducer };

/// librdkafka properties the Kafka options may not set (Sluice owns them), with what to do
/// instead; empty if `property` (without the `kafka.` prefix) may be passed through.
std::string RejectedPropertyReason(std::string_view property, ClientRole role);

/// A librdkafka client: `defaults` first, then every `kafka.*` option (lower-cased, the prefix
/// removed), then `fixed`. Errors name the offending `kafka.` option. Logs go to Sluice's log
/// (librdkafka's warnings as warnings), errors reported by the client too.
Result<Handle> NewClient(const OptionSet& options, ClientRole role,
                         const std::map<std::string, std::string>& defaults,
                         const std::map<std::string, std::string>& fixed,
                         void (*delivery_callback)(rd_kafka_t*, const rd_kafka_message_t*,
                                                   void*) = nullptr,
                         void* opaque = nullptr);

/// Plan-time check of the `kafka.*` options: rejected keys, and keys or values librdkafka does
/// not accept (no connection is made).
Status CheckClientOptions(const OptionSet& options, ClientRole role);

/// "Broker: Offset out of range" -> the text librdkafka gives for `error`.
std::string ErrorText(rd_kafka_resp_err_t error);

/// The `kafka.bootstrap.servers` spec both halves of the connector share, and the pass-through.
OptionSpec BootstrapServersSpec();
OptionSpec PassThroughSpec();

}  // namespace sluice::kafka
