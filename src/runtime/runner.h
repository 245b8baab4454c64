// Runs a planned pipeline: every query in its own thread until all end, one fails, or a stop is
// requested.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "runtime/planner.h"
#include "runtime/stop_token.h"

namespace sluice {

struct RunOptions {
  /// Progress records as JSON lines appended here; empty = log only.
  std::string progress_path;
  Clock* clock = nullptr;     // nullptr = SystemClock()
  StopToken* stop = nullptr;  // graceful stop from outside (signals); may be nullptr
};

/// Runs every query of `pipeline` in its own thread. When one fails, the others are stopped
/// gracefully (their batch in flight commits) and the first error is returned. Queries without
/// a checkpoint folder get a temporary one, removed at the end.
Status RunPipeline(const Pipeline& pipeline, const RunOptions& options);

}  // namespace sluice
