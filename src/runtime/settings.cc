#include "runtime/settings.h"

#include "common/strings.h"
#include "common/time_util.h"

namespace sluice {

namespace {

constexpr std::string_view kTriggerForms =
    "expected processingTime=<duration> (e.g. processingTime='10 seconds'), once or availableNow";

std::string_view Unquote(std::string_view text) {
  text = Trim(text);
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
      text.back() == text.front()) {
    text = Trim(text.substr(1, text.size() - 2));
  }
  return text;
}

}  // namespace

std::string Trigger::ToString() const {
  switch (kind) {
    case TriggerKind::kOnce:
      return "once";
    case TriggerKind::kAvailableNow:
      return "availableNow";
    case TriggerKind::kProcessingTime:
      break;
  }
  if (interval_micros % 1000000 == 0) {
    return fmt::format("processingTime={} seconds", interval_micros / 1000000);
  }
  if (interval_micros % 1000 == 0)
    return fmt::format("processingTime={} ms", interval_micros / 1000);
  return fmt::format("processingTime={} us", interval_micros);
}

Result<Trigger> ParseTrigger(std::string_view text) {
  std::string_view value = Unquote(text);
  if (EqualsIgnoreCase(value, "once")) return Trigger{TriggerKind::kOnce, 0};
  if (EqualsIgnoreCase(value, "availableNow")) return Trigger{TriggerKind::kAvailableNow, 0};
  size_t eq = value.find('=');
  if (eq != std::string_view::npos &&
      EqualsIgnoreCase(Trim(value.substr(0, eq)), "processingTime")) {
    std::string_view duration = Unquote(value.substr(eq + 1));
    auto micros = ParseDurationMicros(duration);
    if (!micros.ok()) {
      return Status::Config("invalid trigger '{}': bad duration '{}' ({}); {}", text, duration,
                            micros.status().message(), kTriggerForms);
    }
    if (*micros < 0) {
      return Status::Config("invalid trigger '{}': the interval must not be negative", text);
    }
    return Trigger{TriggerKind::kProcessingTime, *micros};
  }
  return Status::Config("invalid trigger '{}': {}", text, kTriggerForms);
}

const std::vector<OptionSpec>& PipelineSettingSpecs() {
  static const std::vector<OptionSpec> specs = [] {
    std::vector<OptionSpec> out;
    OptionSpec trigger;
    trigger.name = std::string(kTriggerSetting);
    trigger.default_value = "processingTime=0";
    trigger.description =
        "When batches start: processingTime=<duration> (0 = as fast as possible), once, "
        "availableNow. A sink's own 'trigger' option overrides it for its query.";
    out.push_back(trigger);

    OptionSpec checkpoint;
    checkpoint.name = std::string(kCheckpointLocationSetting);
    checkpoint.description =
        "Root folder of the checkpoints (offsets and commit logs); each query uses "
        "<checkpointLocation>/<queryName>. Needed for exactly-once file sinks.";
    out.push_back(checkpoint);

    OptionSpec marker;
    marker.name = std::string(kStopMarkerPathSetting);
    marker.description =
        "A file whose appearance stops the pipeline gracefully after the batch in flight.";
    out.push_back(marker);

    OptionSpec retain;
    retain.name = std::string(kMinBatchesToRetainSetting);
    retain.type = OptionType::kInt;
    retain.default_value = "100";
    retain.min_value = 1;
    retain.description =
        "Checkpoint log entries (offsets/N, commits/N) kept per query; older ones are purged "
        "after each commit (Spark's minBatchesToRetain).";
    out.push_back(retain);

    OptionSpec threads;
    threads.name = std::string(kThreadsPerQuerySetting);
    threads.type = OptionType::kInt;
    threads.default_value = "2";
    threads.min_value = 1;
    threads.description =
        "Threads each query uses: 1 = read, transform and write in turn; 2 = decode the next "
        "chunk of input on a second thread while the current one is transformed and written, "
        "and a Parquet files sink encodes its columns on up to this many threads (same bytes).";
    out.push_back(threads);

    OptionSpec name;
    name.name = std::string(kPipelineNameSetting);
    name.description = "A name for the pipeline, used in logs.";
    out.push_back(name);
    return out;
  }();
  return specs;
}

Result<PipelineSettings> SettingsFromOptions(const OptionSet& options) {
  PipelineSettings settings;
  std::string trigger = options.Has(kTriggerSetting) ? options.GetString(kTriggerSetting)
                                                     : std::string("processingTime=0");
  ASSIGN_OR_RETURN(settings.trigger, ParseTrigger(trigger));
  settings.checkpoint_location = options.GetString(kCheckpointLocationSetting);
  settings.stop_marker_path = options.GetString(kStopMarkerPathSetting);
  settings.pipeline_name = options.GetString(kPipelineNameSetting);
  if (options.Has(kMinBatchesToRetainSetting)) {
    settings.min_batches_to_retain = options.GetInt(kMinBatchesToRetainSetting);
  }
  if (options.Has(kThreadsPerQuerySetting)) {
    settings.threads_per_query = options.GetInt(kThreadsPerQuerySetting);
  }
  return settings;
}

}  // namespace sluice
