// Planning: a parsed pipeline file becomes a Pipeline — every source and sink resolved through
// the connector registry with validated options, every INSERT bound, triggers and checkpoint
// folders decided — or a list of errors with positions (so `sluice check` reports them all).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/options.h"
#include "runtime/settings.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/diagnostics.h"

namespace sluice {

/// A CREATE SOURCE, resolved.
struct SourcePlan {
  std::string name;
  ConnectorDef def;
  OptionSet options;
  SchemaRef schema;
  std::optional<sql::WatermarkDef> watermark;
};

/// A CREATE SINK, resolved.
struct SinkPlan {
  std::string name;
  ConnectorDef def;
  OptionSet options;  // the connector's options plus CommonSinkOptions()
};

/// One INSERT INTO sink SELECT ... FROM source: a streaming query.
struct QueryPlan {
  std::string name;  // the sink's queryName option, else the sink name
  SourcePlan source;
  SinkPlan sink;
  /// The bound SELECT. A null transform passes batches through unchanged (tests).
  sql::BoundQuery bound;
  Trigger trigger;
  /// This query's checkpoint folder; empty = a temporary one (no recovery across runs).
  std::string checkpoint_dir;
  /// Projection pushdown: per column of source.schema, whether the query may read it (SELECT
  /// list, WHERE, the watermark column); empty = all. Handed to the source as
  /// SourceContext::used_columns, so decoders skip the other fields.
  std::vector<bool> source_columns_read;
};

/// A planned pipeline: what `sluice run` runs and `sluice check` prints.
struct Pipeline {
  std::string name;  // pipeline.name, else the file name
  PipelineSettings settings;
  std::vector<SourcePlan> sources;
  std::vector<SinkPlan> sinks;
  std::vector<QueryPlan> queries;
  /// "file:line:col: warning: ..." lines (e.g. a sink no query writes to).
  std::vector<std::string> warnings;

  /// The resolved plan: sources with schemas, sinks with options, each query's transform and
  /// trigger.
  std::string Explain() const;
};

/// Plans `script`. `overrides` (from `--set key=value`) are applied over the script's SET
/// statements. Reports every problem found to `diagnostics` and returns std::nullopt if there
/// was any. Duplicate SET keys: the last one wins, with a warning.
std::optional<Pipeline> PlanPipeline(const sql::Script& script, const ConnectorRegistry& registry,
                                     const std::vector<RawOption>& overrides,
                                     sql::Diagnostics* diagnostics);

}  // namespace sluice
