#include "connectors/kafka/kafka.h"

namespace sluice {

void RegisterKafkaConnector(ConnectorRegistry& registry) {
  ConnectorDef def;
  def.name = "kafka";
  def.description =
      "Apache Kafka topics on librdkafka: a replayable source with Spark's options and metadata "
      "columns, and a sink (idempotent, or transactional per batch).";
  DescribeKafkaSource(&def);
  DescribeKafkaSink(&def);
  Status status = registry.Register(std::move(def));
  SLUICE_DCHECK(status.ok(), status.ToString());
}

}  // namespace sluice
