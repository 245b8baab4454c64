// Pipeline settings: the keys a pipeline may `SET` (or pass with `--set key=value`), and the
// parsed trigger.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/options.h"

namespace sluice {

enum class TriggerKind {
  kProcessingTime,  // a batch every interval (0 = as fast as possible)
  kOnce,            // one batch, then the query ends
  kAvailableNow,    // everything available at start, in as many batches as limits allow
};

/// When a streaming query starts its micro-batches.
struct Trigger {
  TriggerKind kind = TriggerKind::kProcessingTime;
  int64_t interval_micros = 0;  // kProcessingTime only

  /// "processingTime=10 seconds", "once", "availableNow".
  std::string ToString() const;
  bool operator==(const Trigger& other) const = default;
};

/// Parses `processingTime=<duration>` (the duration may be quoted: processingTime='10 seconds'),
/// `once`, `availableNow`; case-insensitive. A Config error lists the accepted forms.
Result<Trigger> ParseTrigger(std::string_view text);

/// Setting names.
inline constexpr std::string_view kTriggerSetting = "trigger";
inline constexpr std::string_view kCheckpointLocationSetting = "checkpointLocation";
inline constexpr std::string_view kStopMarkerPathSetting = "stopMarkerPath";
inline constexpr std::string_view kPipelineNameSetting = "pipeline.name";
inline constexpr std::string_view kMinBatchesToRetainSetting = "minBatchesToRetain";
inline constexpr std::string_view kThreadsPerQuerySetting = "threadsPerQuery";

/// The spec of every pipeline setting allowed in SET (validated with ValidateOptions).
const std::vector<OptionSpec>& PipelineSettingSpecs();

/// Validated pipeline settings.
struct PipelineSettings {
  Trigger trigger;
  /// Root folder of the checkpoints: each query gets `<root>/<queryName>`. Empty = none.
  std::string checkpoint_location;
  /// A file whose appearance stops the pipeline gracefully. Empty = none.
  std::string stop_marker_path;
  std::string pipeline_name;
  /// Checkpoint log entries kept per query (Spark's spark.sql.streaming.minBatchesToRetain).
  int64_t min_batches_to_retain = 100;
  /// Threads each query's batches use: 1 = read, transform and write in turn; 2 = a second
  /// thread reads (decodes) the next chunk while the query's thread transforms and writes the
  /// current one. Larger values behave as 2 today.
  int64_t threads_per_query = 2;
};

/// Reads settings from a validated OptionSet (PipelineSettingSpecs()).
Result<PipelineSettings> SettingsFromOptions(const OptionSet& options);

}  // namespace sluice
