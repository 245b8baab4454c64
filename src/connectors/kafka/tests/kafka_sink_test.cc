// The Kafka sink against librdkafka's mock cluster: value formats, key/headers/topic/partition
// columns, keyed records in the partition their key hashes to and in order, delivery errors
// failing the batch, the committed-batch marker, and transactions as far as the mock supports
// them.
#include <gtest/gtest.h>
#include <zlib.h>

#include <set>

#include <nlohmann/json.hpp>

#include "columnar/value.h"
#include "connectors/kafka/kafka.h"
#include "connectors/kafka/tests/kafka_test_util.h"
#include "connectors/tests/test_batches.h"

namespace sluice {
namespace {

using kafka_testing::MockCluster;
using kafka_testing::Record;

constexpr int16_t kProduceApi = 0;

Result<OptionSet> SinkOptions(const std::vector<std::pair<std::string, std::string>>& options) {
  static const ConnectorRegistry registry = ConnectorRegistry::Builtin();
  const ConnectorDef* def = registry.Find("kafka");
  std::vector<OptionSpec> specs = def->sink_options;
  for (const auto& common : CommonSinkOptions()) specs.push_back(common);
  std::vector<RawOption> raw;
  for (const auto& [key, value] : options) raw.push_back({key, value});
  OptionError error;
  return ValidateOptions(specs, raw, "kafka sink", &error);
}

Result<std::unique_ptr<Sink>> MakeSink(
    const std::string& state_dir, const SchemaRef& schema,
    const std::vector<std::pair<std::string, std::string>>& options) {
  static const ConnectorRegistry registry = ConnectorRegistry::Builtin();
  const ConnectorDef* def = registry.Find("kafka");
  ASSIGN_OR_RETURN(OptionSet validated, SinkOptions(options));
  RETURN_NOT_OK(def->validate_sink(*schema, validated));
  SinkContext context;
  context.query_id = "fedcba9876543210";
  context.query_name = "to_kafka";
  context.sink_name = "out";
  context.schema = schema;
  context.options = validated;
  context.state_dir = state_dir;
  context.state_fs = LocalFileSystem();
  ASSIGN_OR_RETURN(auto sink, def->create_sink(std::move(context)));
  RETURN_NOT_OK(sink->Open());
  return sink;
}

SchemaRef MakeSchema(std::vector<Field> fields) {
  return std::make_shared<Schema>(std::move(fields));
}

TypeRef HeadersType() {
  return ListType(StructType({{"key", StringType(), true}, {"value", StringType(), true}}));
}

TEST(KafkaSinkTest, KeyedRecordsLandInTheKeysPartitionInOrder) {
  MockCluster cluster;
  constexpr int kPartitions = 4;
  cluster.CreateTopic("out", kPartitions);
  SchemaRef schema = MakeSchema({{"key", StringType(), true}, {"seq", Int64Type(), true}});
  ASSERT_OK_AND_ASSIGN(
      auto sink, MakeSink(testing::TempDir(), schema,
                          {{"kafka.bootstrap.servers", cluster.bootstraps()}, {"topic", "out"}}));
  std::vector<std::vector<Value>> rows;
  for (int seq = 0; seq < 400; ++seq) {
    rows.push_back({Value::String("user-" + std::to_string(seq % 13)), Value::Int64(seq)});
  }
  // Two Writes and two batches: order holds across them.
  ASSERT_OK(sink->Write(0, testing::MakeBatch(schema, {rows.begin(), rows.begin() + 150})));
  ASSERT_OK(sink->Write(0, testing::MakeBatch(schema, {rows.begin() + 150, rows.begin() + 200})));
  ASSERT_OK_AND_ASSIGN(SinkBatchStats stats, sink->Commit(0));
  EXPECT_EQ(stats.rows, 200);
  ASSERT_OK(sink->Write(1, testing::MakeBatch(schema, {rows.begin() + 200, rows.end()})));
  ASSERT_OK(sink->Commit(1).status());

  std::map<std::string, int32_t> partition_of;
  std::map<std::string, int64_t> last_seq;
  int total = 0;
  for (int32_t partition = 0; partition < kPartitions; ++partition) {
    for (const Record& record : cluster.ConsumeAll("out", partition)) {
      ASSERT_TRUE(record.key.has_value());
      const std::string& key = *record.key;
      // librdkafka's default partitioner (consistent_random): CRC32 of the key.
      const uLong crc =
          crc32(0L, reinterpret_cast<const Bytef*>(key.data()), static_cast<uInt>(key.size()));
      EXPECT_EQ(partition, static_cast<int32_t>(crc % kPartitions)) << key;
      auto [it, inserted] = partition_of.emplace(key, partition);
      EXPECT_EQ(it->second, partition) << key << " in two partitions";
      auto value = nlohmann::json::parse(*record.value);
      const int64_t seq = value["seq"].get<int64_t>();
      if (last_seq.count(key) > 0) {
        EXPECT_GT(seq, last_seq[key]) << key << " out of order";
      }
      last_seq[key] = seq;
      EXPECT_EQ(*record.value, fmt::format(R"({{"seq":{}}})", seq));
      ++total;
    }
  }
  EXPECT_EQ(total, 400);
  EXPECT_EQ(partition_of.size(), 13u);
}

TEST(KafkaSinkTest, ValueFormatsHeadersTopicAndPartitionColumns) {
  MockCluster cluster;
  cluster.CreateTopic("a", 2);
  cluster.CreateTopic("b", 1);
  SchemaRef schema = MakeSchema({{"topic", StringType(), true},
                                 {"partition", Int32Type(), true},
                                 {"name", StringType(), true},
                                 {"n", Int64Type(), true},
                                 {"headers", HeadersType(), true}});
  TypeRef entry = HeadersType()->value_type();
  Value headers = Value::Nested(HeadersType(),
                                {Value::Nested(entry, {Value::String("h"), Value::String("v")}),
                                 Value::Nested(entry, {Value::String("x"), Value(StringType())})});
  Batch batch = testing::MakeBatch(
      schema,
      {{Value::String("a"), Value::Int32(1), Value::String("x,\"y\""), Value::Int64(1), headers},
       {Value::String("b"), Value(Int32Type()), Value(StringType()), Value::Int64(2),
        Value(HeadersType())}});
  ASSERT_OK_AND_ASSIGN(
      auto sink, MakeSink(testing::TempDir(), schema,
                          {{"kafka.bootstrap.servers", cluster.bootstraps()}, {"format", "csv"}}));
  ASSERT_OK(sink->Write(0, batch));
  ASSERT_OK(sink->Commit(0).status());
  auto a = cluster.ConsumeAll("a", 1);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(*a[0].value, "\"x,\"\"y\"\"\",1");
  EXPECT_FALSE(a[0].key.has_value());
  ASSERT_EQ(a[0].headers.size(), 2u);
  EXPECT_EQ(a[0].headers[0].first, "h");
  EXPECT_EQ(*a[0].headers[0].second, "v");
  EXPECT_FALSE(a[0].headers[1].second.has_value());
  auto b = cluster.ConsumeAll("b", 0);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(*b[0].value, ",2");
  EXPECT_TRUE(b[0].headers.empty());

  // text: the one value column as is; NULL is a record without a value.
  SchemaRef text_schema = MakeSchema({{"key", Int64Type(), true}, {"value", StringType(), true}});
  ASSERT_OK_AND_ASSIGN(auto text_sink, MakeSink(testing::TempDir("2"), text_schema,
                                                {{"kafka.bootstrap.servers", cluster.bootstraps()},
                                                 {"topic", "b"},
                                                 {"format", "text"}}));
  ASSERT_OK(text_sink->Write(
      0, testing::MakeBatch(text_schema, {{Value::Int64(7), Value::String(R"({"raw":true})")},
                                          {Value::Int64(8), Value(StringType())}})));
  ASSERT_OK(text_sink->Commit(0).status());
  b = cluster.ConsumeAll("b", 0);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(*b[1].key, "7");
  EXPECT_EQ(*b[1].value, R"({"raw":true})");
  EXPECT_EQ(*b[2].key, "8");
  EXPECT_FALSE(b[2].value.has_value());
}

TEST(KafkaSinkTest, DeliveryErrorsFailTheBatch) {
  MockCluster cluster;
  cluster.CreateTopic("out", 1);
  SchemaRef schema = MakeSchema({{"n", Int64Type(), true}});
  ASSERT_OK_AND_ASSIGN(auto sink, MakeSink(testing::TempDir(), schema,
                                           {{"kafka.bootstrap.servers", cluster.bootstraps()},
                                            {"topic", "out"},
                                            {"kafka.linger.ms", "0"}}));
  ASSERT_OK(sink->Write(0, testing::MakeBatch(schema, {{Value::Int64(1)}})));
  ASSERT_OK(sink->Commit(0).status());
  rd_kafka_mock_push_request_errors(cluster.get(), kProduceApi, 1,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  // The broker's error fails the batch: at Commit (delivery report), or at Write when
  // librdkafka already knows the topic failed.
  Status failed =
      sink->Write(1, testing::MakeBatch(schema, {{Value::Int64(2)}, {Value::Int64(3)}}));
  if (failed.ok()) failed = sink->Commit(1).status();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), StatusCode::kIO);
  EXPECT_NE(failed.message().find("batch 1"), std::string::npos) << failed.ToString();
  EXPECT_NE(failed.message().find("Topic authorization failed"), std::string::npos)
      << failed.ToString();
  ASSERT_OK(sink->Abort(1));
  ASSERT_OK_AND_ASSIGN(int64_t last, sink->LastCommitted());
  EXPECT_EQ(last, 0);
  // The query fails; after the restart, the replay of batch 1 succeeds.
  sink.reset();
  ASSERT_OK_AND_ASSIGN(
      sink, MakeSink(testing::TempDir(), schema,
                     {{"kafka.bootstrap.servers", cluster.bootstraps()}, {"topic", "out"}}));
  ASSERT_OK(sink->Write(1, testing::MakeBatch(schema, {{Value::Int64(2)}, {Value::Int64(3)}})));
  ASSERT_OK(sink->Commit(1).status());
  // A record larger than the producer allows fails at once, naming the row.
  std::string big(2'000'000, 'x');
  SchemaRef text = MakeSchema({{"v", StringType(), true}});
  ASSERT_OK_AND_ASSIGN(auto text_sink, MakeSink(testing::TempDir("2"), text,
                                                {{"kafka.bootstrap.servers", cluster.bootstraps()},
                                                 {"topic", "out"},
                                                 {"format", "text"}}));
  Status written = text_sink->Write(0, testing::MakeBatch(text, {{Value::String(big)}}));
  EXPECT_NE(written.message().find("row 1 of batch 0 cannot be produced to topic 'out'"),
            std::string::npos)
      << written.ToString();
}

TEST(KafkaSinkTest, RetriableProduceErrorsNeitherLoseNorDuplicate) {
  MockCluster cluster;
  cluster.CreateTopic("out", 1);
  SchemaRef schema = MakeSchema({{"n", Int64Type(), true}});
  ASSERT_OK_AND_ASSIGN(auto sink, MakeSink(testing::TempDir(), schema,
                                           {{"kafka.bootstrap.servers", cluster.bootstraps()},
                                            {"topic", "out"},
                                            {"kafka.linger.ms", "0"},
                                            {"kafka.batch.num.messages", "10"}}));
  rd_kafka_mock_push_request_errors(
      cluster.get(), kProduceApi, 5, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT,
      RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  std::vector<std::vector<Value>> rows;
  for (int n = 0; n < 100; ++n) rows.push_back({Value::Int64(n)});
  ASSERT_OK(sink->Write(0, testing::MakeBatch(schema, rows)));
  ASSERT_OK(sink->Commit(0).status());
  std::vector<std::string> values;
  for (const Record& record : cluster.ConsumeAll("out", 0)) values.push_back(*record.value);
  ASSERT_EQ(values.size(), 100u);  // the idempotent producer's retries write each record once
  for (int n = 0; n < 100; ++n)
    EXPECT_EQ(values[static_cast<size_t>(n)], fmt::format(R"({{"n":{}}})", n));
}

TEST(KafkaSinkTest, LastCommittedSurvivesARestart) {
  MockCluster cluster;
  cluster.CreateTopic("out", 1);
  SchemaRef schema = MakeSchema({{"n", Int64Type(), true}});
  const std::string state = testing::TempDir();
  const std::vector<std::pair<std::string, std::string>> options = {
      {"kafka.bootstrap.servers", cluster.bootstraps()}, {"topic", "out"}};
  {
    ASSERT_OK_AND_ASSIGN(auto sink, MakeSink(state, schema, options));
    ASSERT_OK_AND_ASSIGN(int64_t last, sink->LastCommitted());
    EXPECT_EQ(last, -1);
    ASSERT_OK(sink->Write(0, testing::MakeBatch(schema, {{Value::Int64(1)}})));
    ASSERT_OK(sink->Commit(0).status());
    ASSERT_OK(sink->Commit(0).status());  // a second commit is a no-op
    ASSERT_OK(sink->Write(1, testing::MakeBatch(schema, {{Value::Int64(2)}})));
    // "crash" before batch 1 commits
  }
  ASSERT_OK_AND_ASSIGN(auto sink, MakeSink(state, schema, options));
  ASSERT_OK_AND_ASSIGN(int64_t last, sink->LastCommitted());
  EXPECT_EQ(last, 0);
  // Batch 1's record may have left the producer before the "crash": at-least-once.
  auto records = cluster.ConsumeAll("out", 0);
  ASSERT_GE(records.size(), 1u);
  EXPECT_LE(records.size(), 2u);
  EXPECT_EQ(*records[0].value, R"({"n":1})");
}

TEST(KafkaSinkTest, TransactionalBatchesOnTheMockCluster) {
  // What librdkafka 2.0.2's mock does with transactions: it accepts InitProducerId,
  // AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn, but writes no commit/abort
  // markers, keeps no transactional offsets and returns aborted records to read_committed
  // consumers. So this checks the protocol path and the records, not isolation.
  MockCluster cluster(3);
  cluster.CreateTopic("out", 2);
  SchemaRef schema = MakeSchema({{"key", StringType(), true}, {"n", Int64Type(), true}});
  const std::string state = testing::TempDir();
  const std::vector<std::pair<std::string, std::string>> options = {
      {"kafka.bootstrap.servers", cluster.bootstraps()},
      {"topic", "out"},
      {"transactional", "true"}};
  {
    ASSERT_OK_AND_ASSIGN(auto sink, MakeSink(state, schema, options));
    EXPECT_NE(sink->Describe().find("transactional=true"), std::string::npos);
    ASSERT_OK(sink->Write(0, testing::MakeBatch(schema, {{Value::String("a"), Value::Int64(1)},
                                                         {Value::String("b"), Value::Int64(2)}})));
    ASSERT_OK(sink->Commit(0).status());
    ASSERT_OK(sink->Write(1, testing::MakeBatch(schema, {{Value::String("a"), Value::Int64(3)}})));
    ASSERT_OK(sink->Abort(1));
    ASSERT_OK(sink->Write(1, testing::MakeBatch(schema, {{Value::String("a"), Value::Int64(3)}})));
    ASSERT_OK(sink->Commit(1).status());
    ASSERT_OK(sink->Write(2, testing::MakeBatch(schema, {{Value::String("c"), Value::Int64(4)}})));
    // The run ends with batch 2's transaction open: closing aborts it (after a crash, the next
    // run's initialisation makes a real broker abort it).
  }
  // A new instance fences the old one and knows batch 1 committed.
  ASSERT_OK_AND_ASSIGN(auto sink, MakeSink(state, schema, options));
  ASSERT_OK_AND_ASSIGN(int64_t last, sink->LastCommitted());
  EXPECT_EQ(last, 1);
  ASSERT_OK(sink->Write(2, testing::MakeBatch(schema, {{Value::String("c"), Value::Int64(4)}})));
  ASSERT_OK(sink->Commit(2).status());
  std::multiset<std::string> values;
  for (int32_t partition = 0; partition < 2; ++partition) {
    for (const Record& record : cluster.ConsumeAll("out", partition)) values.insert(*record.value);
  }
  // Batches 0, 1 and 2 committed; the mock also shows the aborted attempts of batches 1 and 2.
  for (const char* committed : {R"({"n":1})", R"({"n":2})", R"({"n":3})", R"({"n":4})"}) {
    EXPECT_GE(values.count(committed), 1u) << committed;
  }
  EXPECT_EQ(values.count(R"({"n":3})"), 2u);
  EXPECT_EQ(values.count(R"({"n":4})"), 2u);
  EXPECT_EQ(values.size(), 6u);
}

TEST(KafkaSinkTest, PlanTimeValidation) {
  auto check = [](const SchemaRef& schema,
                  std::vector<std::pair<std::string, std::string>> options) -> Status {
    static const ConnectorRegistry registry = ConnectorRegistry::Builtin();
    options.insert(options.begin(), {"kafka.bootstrap.servers", "127.0.0.1:1"});
    ASSIGN_OR_RETURN(OptionSet validated, SinkOptions(options));
    return registry.Find("kafka")->validate_sink(*schema, validated);
  };
  SchemaRef plain = MakeSchema({{"n", Int64Type(), true}, {"s", StringType(), true}});
  EXPECT_NE(check(plain, {}).message().find("needs a 'topic' option or a 'topic' column"),
            std::string::npos);
  EXPECT_NE(check(plain, {{"topic", "t"}, {"format", "text"}})
                .message()
                .find("format 'text' writes one column"),
            std::string::npos);
  EXPECT_NE(check(MakeSchema({{"headers", StringType(), true}}), {{"topic", "t"}})
                .message()
                .find("'headers' column must be ARRAY<STRUCT<key: STRING, value: STRING>>"),
            std::string::npos)
      << check(MakeSchema({{"headers", StringType(), true}}), {{"topic", "t"}}).ToString();
  EXPECT_NE(check(MakeSchema({{"topic", StringType(), true}, {"n", Int64Type(), true}}),
                  {{"transactional", "true"}})
                .message()
                .find("needs the 'topic' option"),
            std::string::npos);
  EXPECT_NE(check(plain, {{"topic", "t"}, {"kafka.transactional.id", "x"}})
                .message()
                .find("'transactional' = 'true'"),
            std::string::npos);
  EXPECT_NE(check(plain, {{"topic", "t"}, {"kafka.acks", "some"}})
                .message()
                .find("option 'kafka.acks' = 'some' is not accepted by librdkafka"),
            std::string::npos);
  EXPECT_OK(
      check(plain, {{"topic", "t"}, {"kafka.acks", "all"}, {"kafka.compression.type", "zstd"}}));
  EXPECT_NE(check(MakeSchema({{"d", StructType({{"a", Int32Type(), true}}), true}}),
                  {{"topic", "t"}, {"format", "csv"}})
                .message()
                .find("use format 'json' for nested values"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice
