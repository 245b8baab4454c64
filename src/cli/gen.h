// `sluice gen`: writes the datagen clickstream as NDJSON (one event per line), the input of the
// end-to-end benchmark and a handy sample for trying the files source; or produces the same
// events as JSON records to a Kafka topic (`--to kafka://HOST:PORT/TOPIC`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/stop_token.h"

namespace sluice {

struct GenOptions {
  int64_t rows = 2000000;
  int64_t seed = 42;
  std::string output = "-";  // "-" = stdout
  /// kafka://HOST:PORT[,HOST:PORT...]/TOPIC: produce to Kafka instead of writing `output`.
  std::string to;
  /// Records per second (0: as fast as possible).
  double rate = 0;
  /// The Kafka record key: "user_id" (its decimal digits) or "none" (unkeyed).
  std::string key = "user_id";
  /// librdkafka producer properties, key=value (e.g. compression.type=lz4).
  std::vector<std::string> kafka_properties;
};

/// Every datagen column (event_id ... tags, timestamps as ISO-8601 UTC) plus `ts_ms`, the event
/// time as epoch milliseconds. The same seed gives the same bytes; a Kafka record's value is
/// exactly one NDJSON line without its '\n'. Stops early (after flushing what was written or
/// produced) when `stop` is requested; Kafka delivery failures are errors.
Status RunGen(const GenOptions& options, const StopToken* stop = nullptr);

}  // namespace sluice
