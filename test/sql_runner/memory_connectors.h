// Test-only connectors for data-driven pipeline tests:
//  - `memory` source: the rows of an `input <name>` block of the test file, typed by the declared
//    columns; option `rowsPerBatch` (0 = all in one batch) splits them into several batches;
//    option `input` names the block (default: the source's name).
//  - `memory` sink: collects committed rows (idempotent per batch id) for comparison.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "connectors/connector.h"

namespace sluice::testing {

/// Shared between the test runner and the connectors it registers.
struct MemoryStore {
  std::mutex mutex;
  /// Input blocks: name -> rows, each row the cells' display texts.
  std::map<std::string, std::vector<std::vector<std::string>>> inputs;
  /// Committed output per sink name, in commit order.
  std::map<std::string, std::vector<Batch>> outputs;
  /// Committed batch ids per sink name.
  std::map<std::string, std::vector<int64_t>> committed;
};

/// Registers the `memory` source and sink, reading and writing `store`.
Status RegisterMemoryConnectors(ConnectorRegistry* registry, std::shared_ptr<MemoryStore> store);

}  // namespace sluice::testing
