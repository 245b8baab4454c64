// Test helpers for the Kafka connector: an in-process librdkafka mock cluster (a real
// Kafka-protocol broker on 127.0.0.1), a plain producer and a plain consumer independent of the
// connector's code, and shortcuts to create the connector's source and sink.
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/connector.h"
#include "storage/filesystem.h"
#include "testing/gtest_util.h"

namespace sluice::kafka_testing {

/// One record to produce, or one record consumed.
struct Record {
  int32_t partition = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp_ms = 0;  // 0 = now (producer's create time)
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int64_t offset = -1;  // consumed records
};

inline rd_kafka_t* NewClient(rd_kafka_type_t type,
                             const std::map<std::string, std::string>& properties) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
      ADD_FAILURE() << key << ": " << error;
    }
  }
  rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof(error));
  if (handle == nullptr) ADD_FAILURE() << error;
  return handle;
}

/// librdkafka's mock cluster, owned by a handle of its own.
class MockCluster {
 public:
  explicit MockCluster(int brokers = 1) {
    owner_ = NewClient(RD_KAFKA_PRODUCER, {{"log_level", "0"}});
    cluster_ = rd_kafka_mock_cluster_new(owner_, brokers);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    producer_ =
        NewClient(RD_KAFKA_PRODUCER,
                  {{"bootstrap.servers", bootstraps_}, {"linger.ms", "5"}, {"log_level", "0"}});
  }
  ~MockCluster() {
    rd_kafka_destroy(producer_);
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(owner_);
  }
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }
  rd_kafka_mock_cluster_t* get() { return cluster_; }

  void CreateTopic(const std::string& topic, int partitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  /// Produces `records` in order with the test's own producer and waits for them.
  void Produce(const std::string& topic, const std::vector<Record>& records) {
    for (const Record& record : records) {
      rd_kafka_headers_t* headers = nullptr;
      if (!record.headers.empty()) {
        headers = rd_kafka_headers_new(record.headers.size());
        for (const auto& [name, value] : record.headers) {
          rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()),
                              value ? value->data() : nullptr,
                              value ? static_cast<ssize_t>(value->size()) : 0);
        }
      }
      // rd_kafka_produceva: the RD_KAFKA_V_* macros are GNU statement expressions (an error
      // under clang -Wpedantic -Werror).
      rd_kafka_vu_t fields[7];
      fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
      fields[0].u.cstr = topic.c_str();
      fields[1].vtype = RD_KAFKA_VTYPE_PARTITION;
      fields[1].u.i32 = record.partition;
      fields[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
      fields[2].u.i = RD_KAFKA_MSG_F_COPY;
      fields[3].vtype = RD_KAFKA_VTYPE_VALUE;
      fields[3].u.mem.ptr = record.value ? const_cast<char*>(record.value->data()) : nullptr;
      fields[3].u.mem.size = record.value ? record.value->size() : 0;
      fields[4].vtype = RD_KAFKA_VTYPE_KEY;
      fields[4].u.mem.ptr = record.key ? const_cast<char*>(record.key->data()) : nullptr;
      fields[4].u.mem.size = record.key ? record.key->size() : 0;
      fields[5].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
      fields[5].u.i64 = record.timestamp_ms;
      fields[6].vtype = RD_KAFKA_VTYPE_HEADERS;
      fields[6].u.headers = headers;
      rd_kafka_resp_err_t error;
      while (true) {
        rd_kafka_error_t* produced = rd_kafka_produceva(producer_, fields, 7);
        error = produced == nullptr ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_error_code(produced);
        if (produced != nullptr) rd_kafka_error_destroy(produced);
        if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        rd_kafka_poll(producer_, 10);
      }
      ASSERT_EQ(error, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(error);
    }
    ASSERT_EQ(rd_kafka_flush(producer_, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  /// JSON values {"id":<first + i>} into one partition.
  void ProduceIds(const std::string& topic, int32_t partition, int first, int count) {
    std::vector<Record> records;
    for (int i = 0; i < count; ++i) {
      Record record;
      record.partition = partition;
      record.value = "{\"id\":" + std::to_string(first + i) + "}";
      records.push_back(std::move(record));
    }
    Produce(topic, records);
  }

  /// Earliest and latest offset of a partition.
  std::pair<int64_t, int64_t> Watermarks(const std::string& topic, int32_t partition) {
    int64_t low = -1;
    int64_t high = -1;
    EXPECT_EQ(
        rd_kafka_query_watermark_offsets(producer_, topic.c_str(), partition, &low, &high, 10000),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    return {low, high};
  }

  /// Every record of a partition, read by the test's own consumer.
  std::vector<Record> ConsumeAll(const std::string& topic, int32_t partition) {
    rd_kafka_t* consumer = NewClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstraps_},
                                                         {"group.id", "kafka-test-reader"},
                                                         {"enable.partition.eof", "true"},
                                                         {"log_level", "0"}});
    std::vector<Record> out;
    auto [low, high] = Watermarks(topic, partition);
    if (high > low) {
      rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
      rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset = low;
      EXPECT_EQ(rd_kafka_assign(consumer, list), RD_KAFKA_RESP_ERR_NO_ERROR);
      rd_kafka_topic_partition_list_destroy(list);
      for (int polls = 0; polls < 200; ++polls) {
        rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 100);
        if (message == nullptr) continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          rd_kafka_message_destroy(message);
          break;
        }
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          Record record;
          record.partition = message->partition;
          record.offset = message->offset;
          if (message->key != nullptr) {
            record.key = std::string(static_cast<const char*>(message->key), message->key_len);
          }
          if (message->payload != nullptr) {
            record.value = std::string(static_cast<const char*>(message->payload), message->len);
          }
          rd_kafka_headers_t* headers = nullptr;
          if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const char* name = nullptr;
            const void* value = nullptr;
            size_t size = 0;
            for (size_t idx = 0; rd_kafka_header_get_all(headers, idx, &name, &value, &size) ==
                                 RD_KAFKA_RESP_ERR_NO_ERROR;
                 ++idx) {
              record.headers.emplace_back(name, value == nullptr
                                                    ? std::nullopt
                                                    : std::optional<std::string>(std::string(
                                                          static_cast<const char*>(value), size)));
            }
          }
          out.push_back(std::move(record));
        }
        rd_kafka_message_destroy(message);
      }
    }
    rd_kafka_destroy(consumer);
    return out;
  }

  /// The offset committed for `group` on a partition (-1001 when none).
  int64_t Committed(const std::string& group, const std::string& topic, int32_t partition) {
    rd_kafka_t* consumer =
        NewClient(RD_KAFKA_CONSUMER,
                  {{"bootstrap.servers", bootstraps_}, {"group.id", group}, {"log_level", "0"}});
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
    EXPECT_EQ(rd_kafka_committed(consumer, list, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    int64_t offset = list->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(consumer);
    return offset;
  }

 private:
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  rd_kafka_t* producer_ = nullptr;
  std::string bootstraps_;
};

}  // namespace sluice::kafka_testing
