#include "connectors/kafka/kafka_common.h"

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "common/strings.h"

namespace sluice::kafka {

namespace {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using Conf = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

/// librdkafka's log lines, at Sluice's levels: its errors and warnings (a broker that cannot be
/// reached, ...) are warnings here (the client retries), notices are info, debug stays debug.
void LogCallback(const rd_kafka_t* handle, int level, const char* facility, const char* text) {
  if (level <= 4) {
    SLUICE_LOG_WARN("kafka {}: {}: {}", rd_kafka_name(handle), facility, text);
  } else if (level <= 6) {
    SLUICE_LOG_INFO("kafka {}: {}: {}", rd_kafka_name(handle), facility, text);
  } else {
    SLUICE_LOG_DEBUG("kafka {}: {}: {}", rd_kafka_name(handle), facility, text);
  }
}

/// Errors the client reports outside any request of ours (all brokers down, authentication...).
void ErrorCallback(rd_kafka_t* handle, int error, const char* reason, void* opaque) {
  (void)opaque;
  const auto code = static_cast<rd_kafka_resp_err_t>(error);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    rd_kafka_resp_err_t original = rd_kafka_fatal_error(handle, fatal, sizeof(fatal));
    SLUICE_LOG_ERROR("kafka {}: fatal error {}: {}", rd_kafka_name(handle),
                     rd_kafka_err2name(original), fatal);
    return;
  }
  SLUICE_LOG_WARN("kafka {}: {}: {}", rd_kafka_name(handle), rd_kafka_err2name(code), reason);
}

Status SetProperty(rd_kafka_conf_t* conf, const std::string& key, const std::string& value,
                   bool from_options) {
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) !=
      RD_KAFKA_CONF_OK) {
    if (from_options) {
      return Status::Config("option 'kafka.{}' = '{}' is not accepted by librdkafka: {}", key,
                            value, error);
    }
    return Status::Internal("librdkafka rejected '{}' = '{}': {}", key, value, error);
  }
  return Status::OK();
}

/// The `kafka.*` options with the prefix removed and keys lower-cased (librdkafka's property
/// names are lower case), checked against what Sluice owns.
Result<std::map<std::string, std::string>> PassThrough(const OptionSet& options, ClientRole role) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : options.GetPrefixed("kafka.")) {
    std::string property = ToLower(key);
    std::string reason = RejectedPropertyReason(property, role);
    if (!reason.empty()) {
      return Status::Config("option 'kafka.{}' cannot be set: {}", property, reason);
    }
    out[property] = value;
  }
  return out;
}

Result<Conf> MakeConf(const OptionSet& options, ClientRole role,
                      const std::map<std::string, std::string>& defaults,
                      const std::map<std::string, std::string>& fixed) {
  Conf conf(rd_kafka_conf_new());
  for (const auto& [key, value] : defaults) {
    RETURN_NOT_OK(SetProperty(conf.get(), key, value, /*from_options=*/false));
  }
  ASSIGN_OR_RETURN(auto given, PassThrough(options, role));
  for (const auto& [key, value] : given) {
    RETURN_NOT_OK(SetProperty(conf.get(), key, value, /*from_options=*/true));
  }
  for (const auto& [key, value] : fixed) {
    RETURN_NOT_OK(SetProperty(conf.get(), key, value, /*from_options=*/false));
  }
  return conf;
}

}  // namespace

void HandleDeleter::operator()(rd_kafka_t* handle) const {
  rd_kafka_destroy_flags(handle, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

std::string PartitionId(std::string_view topic, int32_t partition) {
  return fmt::format("{}-{}", topic, partition);
}

bool ParsePartitionId(std::string_view id, TopicPartition* out) {
  size_t dash = id.find_last_of('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= id.size()) return false;
  auto number = ParseInt64(id.substr(dash + 1));
  if (!number || *number < 0 || *number > INT32_MAX) return false;
  out->topic = std::string(id.substr(0, dash));
  out->partition = static_cast<int32_t>(*number);
  return true;
}

Result<PartitionOffsets> ParsePartitionOffsetsJson(std::string_view text, std::string_view option) {
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    return Status::Config(
        "option '{}' = '{}' is not valid: {}; expected JSON such as "
        "{{\"topicA\":{{\"0\":23,\"1\":-2}},\"topicB\":{{\"0\":-1}}}}",
        option, text, why);
  };
  if (json.is_discarded()) return bad("not JSON");
  if (!json.is_object() || json.empty()) return bad("not an object of topics");
  PartitionOffsets out;
  for (const auto& [topic, partitions] : json.items()) {
    if (topic.empty()) return bad("empty topic name");
    if (!partitions.is_object() || partitions.empty()) {
      return bad(fmt::format("topic '{}' does not map partition numbers to offsets", topic));
    }
    for (const auto& [partition, offset] : partitions.items()) {
      auto number = ParseInt64(partition);
      if (!number || *number < 0 || *number > INT32_MAX) {
        return bad(fmt::format("'{}' is not a partition number", partition));
      }
      if (!offset.is_number_integer()) {
        return bad(fmt::format("the value of {}-{} is not an integer", topic, partition));
      }
      out[TopicPartition{topic, static_cast<int32_t>(*number)}] = offset.get<int64_t>();
    }
  }
  return out;
}

Result<std::vector<TopicPartition>> ParseAssignJson(std::string_view text) {
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    return Status::Config(
        "option 'assign' = '{}' is not valid: {}; expected JSON such as "
        "{{\"topicA\":[0,1],\"topicB\":[2,4]}}",
        text, why);
  };
  if (json.is_discarded()) return bad("not JSON");
  if (!json.is_object() || json.empty()) return bad("not an object of topics");
  std::vector<TopicPartition> out;
  for (const auto& [topic, partitions] : json.items()) {
    if (topic.empty()) return bad("empty topic name");
    if (!partitions.is_array() || partitions.empty()) {
      return bad(fmt::format("topic '{}' has no array of partitions", topic));
    }
    for (const auto& partition : partitions) {
      if (!partition.is_number_integer() || partition.get<int64_t>() < 0 ||
          partition.get<int64_t>() > INT32_MAX) {
        return bad(
            fmt::format("topic '{}': '{}' is not a partition number", topic, partition.dump()));
      }
      out.push_back(TopicPartition{topic, partition.get<int32_t>()});
    }
  }
  return out;
}

std::string RejectedPropertyReason(std::string_view property, ClientRole role) {
  if (role == ClientRole::kConsumer) {
    if (property == "enable.auto.commit" || property == "enable.auto.offset.store") {
      return "the Kafka source commits the offsets of each batch itself, after the batch "
             "committed (advisory: recovery uses the checkpoint)";
    }
    if (property == "auto.offset.reset") {
      return "set the source option 'startingOffsets' instead (and 'failOnDataLoss' for "
             "offsets removed by retention)";
    }
    if (property == "enable.partition.eof" || property == "group.protocol" ||
        property == "partition.assignment.strategy" || property == "group.instance.id") {
      return "the Kafka source assigns partitions itself and never joins a consumer group";
    }
  } else {
    if (property == "transactional.id") {
      return "set the sink option 'transactional' = 'true'; the transactional id is derived "
             "from the query id";
    }
  }
  return {};
}

Result<Handle> NewClient(const OptionSet& options, ClientRole role,
                         const std::map<std::string, std::string>& defaults,
                         const std::map<std::string, std::string>& fixed,
                         void (*delivery_callback)(rd_kafka_t*, const rd_kafka_message_t*, void*),
                         void* opaque) {
  ASSIGN_OR_RETURN(Conf conf, MakeConf(options, role, defaults, fixed));
  rd_kafka_conf_set_log_cb(conf.get(), LogCallback);
  rd_kafka_conf_set_error_cb(conf.get(), ErrorCallback);
  if (delivery_callback != nullptr) rd_kafka_conf_set_dr_msg_cb(conf.get(), delivery_callback);
  if (opaque != nullptr) rd_kafka_conf_set_opaque(conf.get(), opaque);
  char error[512];
  rd_kafka_t* handle =
      rd_kafka_new(role == ClientRole::kConsumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER,
                   conf.get(), error, sizeof(error));
  if (handle == nullptr) {
    return Status::Config("cannot create the Kafka {}: {}",
                          role == ClientRole::kConsumer ? "consumer" : "producer", error);
  }
  (void)conf.release();  // rd_kafka_new took it
  return Handle(handle);
}

Status CheckClientOptions(const OptionSet& options, ClientRole role) {
  return MakeConf(options, role, {}, {}).status();
}

std::string ErrorText(rd_kafka_resp_err_t error) { return rd_kafka_err2str(error); }

OptionSpec BootstrapServersSpec() {
  return {.name = "kafka.bootstrap.servers",
          .type = OptionType::kString,
          .description = "Comma-separated host:port list of the Kafka brokers.",
          .required = true};
}

OptionSpec PassThroughSpec() {
  return {.name = "kafka.",
          .type = OptionType::kString,
          .description =
              "Any librdkafka client property, passed through with the prefix "
              "removed (kafka.security.protocol, kafka.sasl.mechanism, "
              "kafka.ssl.ca.location, ...); checked when the pipeline is planned. "
              "Properties Sluice owns are rejected with what to set instead.",
          .is_prefix = true};
}

}  // namespace sluice::kafka
