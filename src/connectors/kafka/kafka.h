// The `kafka` connector on librdkafka: a source (kafka_source.cc) and a sink (kafka_sink.cc)
// under one name, registered by kafka.cc. Each half fills in its part of the ConnectorDef.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "connectors/connector.h"

namespace sluice {

/// Source options, metadata columns, schema resolution and factory (kafka_source.cc).
void DescribeKafkaSource(ConnectorDef* def);
/// Sink options, validation and factory (kafka_sink.cc).
void DescribeKafkaSink(ConnectorDef* def);

namespace kafka {

/// maxOffsetsPerTrigger: splits `limit` records over the partitions' backlogs (`end - start`)
/// in proportion to each backlog, deterministically: every partition with a backlog gets at
/// least one record while the limit allows, the rest goes by largest remainder (ties to the
/// partition id that sorts first). The result never exceeds `limit` in total nor any backlog.
/// Returns the capped end offsets.
std::map<std::string, int64_t> SplitByBacklog(const std::map<std::string, int64_t>& start,
                                              const std::map<std::string, int64_t>& end,
                                              int64_t limit);

}  // namespace kafka
}  // namespace sluice
