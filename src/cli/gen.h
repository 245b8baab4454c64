// `sluice gen`: writes the datagen clickstream as NDJSON (one event per line), the input of the
// end-to-end benchmark and a handy sample for trying the files source.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace sluice {

struct GenOptions {
  int64_t rows = 2000000;
  int64_t seed = 42;
  std::string output = "-";  // "-" = stdout
};

/// Every datagen column (event_id ... tags, timestamps as ISO-8601 UTC) plus `ts_ms`, the event
/// time as epoch milliseconds. The same seed gives the same bytes.
Status GenerateNdjson(const GenOptions& options);

}  // namespace sluice
