// `sluice kafka-dev`: librdkafka's mock cluster (rdkafka_mock.h) as a local Kafka-protocol broker
// for trying Sluice (and testing it) without Kafka. It is a real broker on 127.0.0.1 TCP ports,
// reachable by any Kafka client, but keeps its log in memory, and only about 5 MB or 100 000
// message sets per partition: past that it silently moves the log start forward.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/stop_token.h"

namespace sluice {

struct KafkaDevOptions {
  int brokers = 3;
  /// NAME or NAME:PARTITIONS (default 4 partitions), created before the address is printed.
  std::vector<std::string> topics;
  /// Written atomically (temporary file + rename) with the bootstrap address once the cluster
  /// is up; removed again on a clean stop.
  std::string bootstrap_file;
  /// When > 0: also accept bootstrap connections on 127.0.0.1:PORT, forwarded to the brokers
  /// (the mock picks ephemeral ports for its brokers; clients then connect to those).
  int port = 0;
  /// Test aid: a file of commands (one per line, appended while running) that inject faults
  /// into the cluster; see KafkaDevControlHelp().
  std::string control_file;
};

/// Runs the cluster until `stop` is requested. Prints the bootstrap address on stdout (one line,
/// flushed) once the cluster accepts connections.
Status RunKafkaDev(const KafkaDevOptions& options, const StopToken& stop);

/// The control file's commands, for --help and the docs.
const char* KafkaDevControlHelp();

}  // namespace sluice
