#include "runtime/planner.h"

#include <algorithm>
#include <map>

#include "common/logging.h"
#include "common/strings.h"
#include "common/time_util.h"
#include "storage/filesystem.h"

namespace sluice {

namespace {

using sql::Location;

constexpr Location kNoLocation{0, 0};

/// An option as written, with where it was written (or none, for --set overrides).
struct PlacedOption {
  std::string key;
  std::string value;
  Location key_location;
  Location value_location;
  bool from_override = false;
};

std::string FormatWarning(const std::string& file, Location location, const std::string& message) {
  return fmt::format("{}:{}:{}: warning: {}", file, location.line, location.column, message);
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  auto match = ClosestMatch(name, candidates);
  return match ? fmt::format(" (did you mean '{}'?)", *match) : std::string();
}

/// Validates `options` against `specs`, reporting every failing option (not just the first):
/// after each error the offending option is dropped and validation runs again. With
/// `keep_valid`, the options that did validate are returned even after errors (pipeline settings:
/// a bad key must not hide checkpointLocation and cause errors that only follow from it).
std::optional<OptionSet> ValidateReporting(const std::vector<OptionSpec>& specs,
                                           std::vector<PlacedOption> options, std::string_view what,
                                           Location fallback, sql::Diagnostics* diagnostics,
                                           bool keep_valid = false) {
  bool had_error = false;
  while (true) {
    std::vector<RawOption> raw;
    raw.reserve(options.size());
    for (const auto& option : options) raw.push_back({option.key, option.value});
    OptionError error;
    auto validated = ValidateOptions(specs, raw, what, &error);
    if (validated.ok()) {
      if (had_error && !keep_valid) return std::nullopt;
      return std::move(validated).MoveValueUnsafe();
    }
    had_error = true;
    const std::string& message = validated.status().message();
    if (error.option_index < 0 || static_cast<size_t>(error.option_index) >= options.size()) {
      diagnostics->Error(fallback, message);
      return std::nullopt;
    }
    const PlacedOption& bad = options[static_cast<size_t>(error.option_index)];
    // Unknown or duplicated keys point at the key; bad values at the value.
    bool about_key = StartsWith(message, "unknown option") || StartsWith(message, "duplicate");
    std::string text = bad.from_override ? "--set " + message : message;
    diagnostics->Error(about_key ? bad.key_location : bad.value_location, std::move(text));
    options.erase(options.begin() + error.option_index);
  }
}

std::vector<PlacedOption> Placed(const std::vector<sql::OptionClause>& clauses) {
  std::vector<PlacedOption> out;
  for (const auto& clause : clauses) {
    out.push_back({clause.key, clause.value, clause.key_location, clause.value_location, false});
  }
  return out;
}

/// Looks up the 'connector' option of a CREATE SOURCE/SINK, reporting what is wrong with it.
const ConnectorDef* ResolveConnector(const std::vector<sql::OptionClause>& options,
                                     std::string_view kind, const std::string& name,
                                     Location name_location, const ConnectorRegistry& registry,
                                     sql::Diagnostics* diagnostics) {
  const sql::OptionClause* connector = nullptr;
  for (const auto& option : options) {
    if (EqualsIgnoreCase(Trim(option.key), "connector")) connector = &option;
  }
  std::vector<std::string> known = registry.names();
  if (connector == nullptr) {
    diagnostics->Error(name_location,
                       fmt::format("{} '{}' has no 'connector' option; add WITH ('connector' = "
                                   "'...'); known connectors: {}",
                                   kind, name, Join(known, ", ")));
    return nullptr;
  }
  const ConnectorDef* def = registry.Find(Trim(connector->value));
  if (def == nullptr) {
    diagnostics->Error(connector->value_location,
                       fmt::format("unknown connector '{}'{}; known: {}", connector->value,
                                   DidYouMean(connector->value, known), Join(known, ", ")));
    return nullptr;
  }
  bool is_source = kind == "source";
  if (is_source ? !def->is_source() : !def->is_sink()) {
    std::vector<std::string> usable;
    for (const auto& [key, candidate] : registry.connectors()) {
      if (is_source ? candidate.is_source() : candidate.is_sink()) usable.push_back(candidate.name);
    }
    diagnostics->Error(connector->value_location,
                       fmt::format("connector '{}' cannot be used as a {}; {} connectors: {}",
                                   def->name, kind, kind, Join(usable, ", ")));
    return nullptr;
  }
  return def;
}

std::vector<PlacedOption> WithoutConnector(const std::vector<sql::OptionClause>& clauses) {
  std::vector<PlacedOption> out;
  for (auto& option : Placed(clauses)) {
    if (!EqualsIgnoreCase(Trim(option.key), "connector")) out.push_back(std::move(option));
  }
  return out;
}

/// Points a resolve_schema error at the declared column it names, if any.
Location ColumnLocationFor(const std::string& message, const sql::CreateSourceStmt& source) {
  for (const auto& column : source.columns) {
    if (message.find("'" + column.name + "'") != std::string::npos) return column.location;
  }
  return source.name_location;
}

/// Checks the METADATA columns of a CREATE SOURCE against what the connector provides (key, type,
/// nullability), reporting each problem at the column; fills `columns` (name -> canonical key).
bool CheckMetadataColumns(const sql::CreateSourceStmt& source, const ConnectorDef& def,
                          std::map<std::string, std::string>* columns,
                          sql::Diagnostics* diagnostics) {
  std::vector<std::string> keys;
  for (const MetadataSpec& spec : def.metadata) keys.push_back(spec.key);
  bool ok = true;
  for (const auto& column : source.columns) {
    if (!column.metadata) continue;
    if (def.metadata.empty()) {
      diagnostics->Error(column.metadata_location,
                         fmt::format("column '{}' is declared METADATA but connector '{}' "
                                     "provides no metadata columns",
                                     column.name, def.name));
      ok = false;
      continue;
    }
    const MetadataSpec* spec = nullptr;
    for (const MetadataSpec& candidate : def.metadata) {
      if (EqualsIgnoreCase(candidate.key, column.metadata_key)) spec = &candidate;
    }
    if (spec == nullptr) {
      diagnostics->Error(column.metadata_location,
                         fmt::format("unknown metadata key '{}' for connector '{}'{}; keys: {}",
                                     column.metadata_key, def.name,
                                     DidYouMean(column.metadata_key, keys), Join(keys, ", ")));
      ok = false;
      continue;
    }
    if (!column.type->Equals(*spec->type)) {
      diagnostics->Error(
          column.location,
          fmt::format("metadata column '{}' (key '{}') must be {}, not {}", column.name, spec->key,
                      spec->type->ToString(), column.type->ToString()));
      ok = false;
      continue;
    }
    if (column.not_null && spec->nullable) {
      diagnostics->Error(column.location,
                         fmt::format("metadata column '{}' cannot be NOT NULL: metadata key '{}' "
                                     "may be NULL",
                                     column.name, spec->key));
      ok = false;
      continue;
    }
    (*columns)[column.name] = spec->key;
  }
  return ok;
}

/// The resolved schema with the METADATA columns put back at their declared positions; fields
/// the connector added beyond the declared ones (e.g. a text source's `value`) come last.
SchemaRef WithMetadataColumns(const Schema& resolved, const sql::CreateSourceStmt& source) {
  std::vector<Field> fields;
  int next = 0;
  for (const auto& column : source.columns) {
    if (column.metadata) {
      fields.push_back(Field{column.name, column.type, !column.not_null});
    } else if (next < resolved.num_fields()) {
      fields.push_back(resolved.field(next++));
    }
  }
  while (next < resolved.num_fields()) fields.push_back(resolved.field(next++));
  return std::make_shared<Schema>(std::move(fields));
}

struct SourceEntry {
  SourcePlan plan;
  bool valid = false;
  bool used = false;
};

struct SinkEntry {
  SinkPlan plan;
  Location location;
  bool valid = false;
  bool used = false;
};

/// Marks in `used` the source columns `expr` may read, resolving names as the binder does
/// (sql/binder.cc: [source.]column[.field...], `*`, `source.*`, `struct_column.*`).
void MarkColumnsRead(const sql::ParsedExpr& expr, const sql::InsertStmt& insert,
                     const Schema& schema, std::vector<bool>* used) {
  auto matches_source = [&insert](std::string_view name) {
    return EqualsIgnoreCase(name, insert.source) ||
           (!insert.source_alias.empty() && EqualsIgnoreCase(name, insert.source_alias));
  };
  auto mark_path = [&](const std::vector<std::string>& path) {
    if (path.empty()) return;
    int index = schema.FieldIndex(path[0]);
    if (index < 0 && path.size() > 1 && matches_source(path[0])) {
      index = schema.FieldIndex(path[1]);
    }
    if (index >= 0) (*used)[static_cast<size_t>(index)] = true;
  };
  if (expr.kind == sql::ExprKind::kColumnRef) mark_path(expr.path);
  if (expr.kind == sql::ExprKind::kStar) {
    if (expr.path.empty() || (expr.path.size() == 1 && matches_source(expr.path[0]) &&
                              schema.FieldIndex(expr.path[0]) < 0)) {
      used->assign(used->size(), true);
    } else {
      mark_path(expr.path);
    }
  }
  for (const auto& child : expr.children) {
    if (child) MarkColumnsRead(*child, insert, schema, used);
  }
}

/// The source columns a query may read (an over-approximation: a column named anywhere in the
/// SELECT list or WHERE, and the watermark column); empty when that is every column.
std::vector<bool> SourceColumnsRead(const sql::InsertStmt& insert, const SourcePlan& source) {
  const Schema& schema = *source.schema;
  std::vector<bool> used(static_cast<size_t>(schema.num_fields()), false);
  for (const sql::SelectItem& item : insert.select_list) {
    if (item.expr) MarkColumnsRead(*item.expr, insert, schema, &used);
  }
  if (insert.where) MarkColumnsRead(*insert.where, insert, schema, &used);
  if (source.watermark) {
    int index = schema.FieldIndex(source.watermark->column);
    if (index >= 0) used[static_cast<size_t>(index)] = true;
  }
  if (std::find(used.begin(), used.end(), false) == used.end()) used.clear();
  return used;
}

std::string FormatOptions(const OptionSet& options) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : options.values()) parts.push_back(key + "=" + value);
  return parts.empty() ? std::string("(none)") : Join(parts, ", ");
}

std::string Indent(const std::string& text, std::string_view prefix) {
  std::string out;
  for (const auto& line : Split(text, '\n')) {
    if (line.empty()) continue;
    out += std::string(prefix) + line + "\n";
  }
  return out;
}

}  // namespace

std::optional<Pipeline> PlanPipeline(const sql::Script& script, const ConnectorRegistry& registry,
                                     const std::vector<RawOption>& overrides,
                                     sql::Diagnostics* diagnostics) {
  Pipeline pipeline;
  const size_t errors_before = diagnostics->items().size();

  // 1. Settings: SET statements (a repeated key: the last one wins, with a warning), then the
  //    --set overrides over them.
  std::vector<PlacedOption> settings;
  auto find_setting = [&](std::string_view key) {
    return std::find_if(settings.begin(), settings.end(), [&](const PlacedOption& option) {
      return EqualsIgnoreCase(Trim(option.key), Trim(key));
    });
  };
  for (const auto& statement : script.statements) {
    const auto* set = std::get_if<sql::SetStmt>(&statement);
    if (set == nullptr) continue;
    const sql::OptionClause& option = set->option;
    auto previous = find_setting(option.key);
    if (previous != settings.end()) {
      pipeline.warnings.push_back(
          FormatWarning(script.file_name, option.key_location,
                        fmt::format("'{}' is set again (first set at line {}); the last value wins",
                                    option.key, previous->key_location.line)));
      settings.erase(previous);
    }
    settings.push_back(
        {option.key, option.value, option.key_location, option.value_location, false});
  }
  for (const auto& override_option : overrides) {
    auto previous = find_setting(override_option.key);
    if (previous != settings.end()) settings.erase(previous);
    settings.push_back(
        {override_option.key, override_option.value, kNoLocation, kNoLocation, true});
  }
  // A bad trigger is reported here and dropped, so the other settings (checkpointLocation...)
  // still apply and later checks do not report errors that follow from it.
  for (auto it = settings.begin(); it != settings.end();) {
    auto trigger = EqualsIgnoreCase(Trim(it->key), kTriggerSetting) ? ParseTrigger(it->value)
                                                                    : Result<Trigger>(Trigger{});
    if (trigger.ok()) {
      ++it;
      continue;
    }
    diagnostics->Error(it->value_location,
                       (it->from_override ? "--set " : "") + trigger.status().message());
    it = settings.erase(it);
  }
  auto setting_options = ValidateReporting(PipelineSettingSpecs(), settings, "the pipeline (SET)",
                                           kNoLocation, diagnostics, /*keep_valid=*/true);
  if (setting_options) {
    auto parsed = SettingsFromOptions(*setting_options);
    if (parsed.ok()) pipeline.settings = std::move(parsed).MoveValueUnsafe();
  }
  pipeline.name =
      pipeline.settings.pipeline_name.empty() ? script.file_name : pipeline.settings.pipeline_name;

  // 2. Sources and sinks.
  std::map<std::string, SourceEntry> sources;  // lower-case name
  std::map<std::string, SinkEntry> sinks;
  std::vector<std::string> source_order;
  std::vector<std::string> sink_order;
  for (const auto& statement : script.statements) {
    if (const auto* create = std::get_if<sql::CreateSourceStmt>(&statement)) {
      std::string key = ToLower(create->name);
      if (sources.count(key) > 0) {
        diagnostics->Error(create->name_location,
                           fmt::format("source '{}' is already defined", create->name));
        continue;
      }
      SourceEntry& entry = sources[key];
      source_order.push_back(key);
      entry.plan.name = create->name;
      entry.plan.watermark = create->watermark;
      const ConnectorDef* def = ResolveConnector(create->options, "source", create->name,
                                                 create->name_location, registry, diagnostics);
      if (def == nullptr) continue;
      entry.plan.def = *def;
      auto options = ValidateReporting(def->source_options, WithoutConnector(create->options),
                                       fmt::format("connector '{}' (source)", def->name),
                                       create->name_location, diagnostics);
      if (!options) continue;
      entry.plan.options = std::move(*options);

      std::map<std::string, std::string> metadata_columns;
      if (!CheckMetadataColumns(*create, *def, &metadata_columns, diagnostics)) continue;
      std::vector<Field> declared;
      for (const auto& column : create->columns) {
        if (column.metadata) continue;  // filled by the connector, not resolved
        declared.push_back(Field{column.name, column.type, !column.not_null});
      }
      if (!def->resolve_schema) {
        entry.plan.schema = std::make_shared<Schema>(std::move(declared));
      } else {
        auto schema = def->resolve_schema(Schema(std::move(declared)), entry.plan.options);
        if (!schema.ok()) {
          diagnostics->Error(
              ColumnLocationFor(schema.status().message(), *create),
              fmt::format("source '{}': {}", create->name, schema.status().message()));
          continue;
        }
        entry.plan.schema = std::move(schema).MoveValueUnsafe();
      }
      if (!metadata_columns.empty()) {
        entry.plan.schema = WithMetadataColumns(*entry.plan.schema, *create);
        // The runtime creates the source from the plan's copy of the definition: hand the
        // metadata columns over through the context it builds.
        entry.plan.def.create_source = [create_source = def->create_source,
                                        metadata_columns](SourceContext context) {
          context.metadata_columns = metadata_columns;
          return create_source(std::move(context));
        };
      }
      if (create->watermark) {
        const sql::WatermarkDef& watermark = *create->watermark;
        int index = entry.plan.schema->FieldIndex(watermark.column);
        if (index < 0) {
          std::vector<std::string> names;
          for (const auto& field : entry.plan.schema->fields()) names.push_back(field.name);
          diagnostics->Error(
              watermark.location,
              fmt::format("WATERMARK column '{}' is not a column of source '{}'{}",
                          watermark.column, create->name, DidYouMean(watermark.column, names)));
          continue;
        }
        const Field& field = entry.plan.schema->field(index);
        if (field.type->id() != TypeId::kTimestamp) {
          diagnostics->Error(watermark.location,
                             fmt::format("WATERMARK column '{}' must be a TIMESTAMP, not {}",
                                         field.name, field.type->ToString()));
          continue;
        }
      }
      entry.valid = true;
    } else if (const auto* create = std::get_if<sql::CreateSinkStmt>(&statement)) {
      std::string key = ToLower(create->name);
      if (sinks.count(key) > 0) {
        diagnostics->Error(create->name_location,
                           fmt::format("sink '{}' is already defined", create->name));
        continue;
      }
      SinkEntry& entry = sinks[key];
      sink_order.push_back(key);
      entry.plan.name = create->name;
      entry.location = create->name_location;
      const ConnectorDef* def = ResolveConnector(create->options, "sink", create->name,
                                                 create->name_location, registry, diagnostics);
      if (def == nullptr) continue;
      entry.plan.def = *def;
      std::vector<OptionSpec> specs = def->sink_options;
      for (const auto& common : CommonSinkOptions()) specs.push_back(common);
      auto options = ValidateReporting(specs, WithoutConnector(create->options),
                                       fmt::format("connector '{}' (sink)", def->name),
                                       create->name_location, diagnostics);
      if (!options) continue;
      entry.plan.options = std::move(*options);
      if (entry.plan.options.Has("trigger")) {
        auto trigger = ParseTrigger(entry.plan.options.GetString("trigger"));
        if (!trigger.ok()) {
          Location location = create->name_location;
          for (const auto& option : create->options) {
            if (EqualsIgnoreCase(Trim(option.key), "trigger")) location = option.value_location;
          }
          diagnostics->Error(location, trigger.status().message());
          continue;
        }
      }
      entry.valid = true;
    }
  }

  std::vector<std::string> source_names;
  for (const auto& key : source_order) source_names.push_back(sources[key].plan.name);
  std::vector<std::string> sink_names;
  for (const auto& key : sink_order) sink_names.push_back(sinks[key].plan.name);

  // 3. Queries.
  std::map<std::string, Location> query_names;  // lower-case
  bool any_insert = false;
  for (const auto& statement : script.statements) {
    const auto* insert = std::get_if<sql::InsertStmt>(&statement);
    if (insert == nullptr) continue;
    any_insert = true;
    auto sink_it = sinks.find(ToLower(insert->sink));
    auto source_it = sources.find(ToLower(insert->source));
    bool ok = true;
    if (sink_it == sinks.end()) {
      diagnostics->Error(insert->sink_location, fmt::format("unknown sink '{}'{}", insert->sink,
                                                            DidYouMean(insert->sink, sink_names)));
      ok = false;
    } else if (sink_it->second.used) {
      diagnostics->Error(insert->sink_location,
                         fmt::format("sink '{}' is already written by another INSERT; each sink "
                                     "takes one query",
                                     insert->sink));
      ok = false;
    }
    if (source_it == sources.end()) {
      diagnostics->Error(insert->source_location,
                         fmt::format("unknown source '{}'{}", insert->source,
                                     DidYouMean(insert->source, source_names)));
      ok = false;
    }
    if (sink_it != sinks.end()) sink_it->second.used = true;
    if (source_it != sources.end()) source_it->second.used = true;
    // Errors in the definitions were reported already; do not pile more on them.
    if (!ok || !sink_it->second.valid || !source_it->second.valid) continue;

    SourceEntry& source = source_it->second;
    SinkEntry& sink = sink_it->second;
    auto bound = sql::BindInsert(*insert, *source.plan.schema, diagnostics);
    if (!bound) continue;
    if (sink.plan.def.validate_sink) {
      Status valid = sink.plan.def.validate_sink(*bound->output_schema, sink.plan.options);
      if (!valid.ok()) {
        diagnostics->Error(insert->sink_location,
                           fmt::format("sink '{}': {}", sink.plan.name, valid.message()));
        continue;
      }
    }

    QueryPlan query;
    query.name = sink.plan.options.Has("queryName") ? sink.plan.options.GetString("queryName")
                                                    : sink.plan.name;
    auto [previous, inserted] = query_names.emplace(ToLower(query.name), insert->location);
    if (!inserted) {
      diagnostics->Error(insert->sink_location,
                         fmt::format("two queries are named '{}' (the other INSERT is at line "
                                     "{}); set a distinct 'queryName' on one sink",
                                     query.name, previous->second.line));
      continue;
    }
    query.trigger = pipeline.settings.trigger;
    if (sink.plan.options.Has("trigger")) {
      auto trigger = ParseTrigger(sink.plan.options.GetString("trigger"));
      if (trigger.ok()) query.trigger = *trigger;
    }
    if (sink.plan.options.Has("checkpointLocation")) {
      query.checkpoint_dir = sink.plan.options.GetString("checkpointLocation");
    } else if (!pipeline.settings.checkpoint_location.empty()) {
      query.checkpoint_dir = JoinPath(pipeline.settings.checkpoint_location, query.name);
    }
    if (query.checkpoint_dir.empty() && sink.plan.def.sink_requires_checkpoint) {
      diagnostics->Error(
          insert->sink_location,
          fmt::format("sink '{}' (connector '{}') needs a checkpoint for exactly-once output: "
                      "add SET 'checkpointLocation' = '/path/to/checkpoints'; to the pipeline, "
                      "or 'checkpointLocation' = '...' to the sink's WITH options, or pass "
                      "--set checkpointLocation=/path/to/checkpoints",
                      sink.plan.name, sink.plan.def.name));
      continue;
    }
    query.source = source.plan;
    query.sink = sink.plan;
    query.bound = std::move(*bound);
    if (query.bound.transform != nullptr) {
      query.source_columns_read = SourceColumnsRead(*insert, source.plan);
    }
    if (!query.source_columns_read.empty()) {
      // Projection pushdown: the runtime creates the source from this query's copy of the
      // definition; the columns read reach the source through the context it builds.
      query.source.def.create_source = [create_source = query.source.def.create_source,
                                        used = query.source_columns_read](SourceContext context) {
        context.used_columns = used;
        return create_source(std::move(context));
      };
    }
    pipeline.queries.push_back(std::move(query));
  }
  if (!any_insert) {
    diagnostics->Error(Location{1, 1},
                       "the pipeline has no INSERT INTO <sink> SELECT ... FROM <source>; "
                       "nothing would run");
  }
  for (const auto& key : sink_order) {
    const SinkEntry& sink = sinks[key];
    if (!sink.used) {
      pipeline.warnings.push_back(
          FormatWarning(script.file_name, sink.location,
                        fmt::format("sink '{}' is never written by an INSERT", sink.plan.name)));
    }
  }
  for (const auto& key : source_order) pipeline.sources.push_back(sources[key].plan);
  for (const auto& key : sink_order) pipeline.sinks.push_back(sinks[key].plan);
  for (const auto& warning : pipeline.warnings) SLUICE_LOG_WARN("{}", warning);

  if (diagnostics->items().size() > errors_before) return std::nullopt;
  return pipeline;
}

std::string Pipeline::Explain() const {
  std::string out = fmt::format("pipeline '{}'\n", name);
  out += fmt::format("  trigger: {}\n", settings.trigger.ToString());
  out +=
      fmt::format("  checkpointLocation: {}\n",
                  settings.checkpoint_location.empty() ? "(none)" : settings.checkpoint_location);
  if (!settings.stop_marker_path.empty()) {
    out += fmt::format("  stopMarkerPath: {}\n", settings.stop_marker_path);
  }
  for (const auto& source : sources) {
    out += fmt::format("source {} (connector '{}')\n", source.name, source.def.name);
    out += fmt::format("  schema: {}\n", source.schema ? source.schema->ToString() : "?");
    if (source.watermark) {
      out += fmt::format("  watermark: {} - {} seconds\n", source.watermark->column,
                         static_cast<double>(source.watermark->delay_micros) / 1e6);
    }
    out += fmt::format("  options: {}\n", FormatOptions(source.options));
  }
  for (const auto& sink : sinks) {
    out += fmt::format("sink {} (connector '{}')\n", sink.name, sink.def.name);
    out += fmt::format("  options: {}\n", FormatOptions(sink.options));
  }
  for (const auto& query : queries) {
    out += fmt::format("query '{}': {} -> {}\n", query.name, query.source.name, query.sink.name);
    out += fmt::format("  trigger: {}\n", query.trigger.ToString());
    out += fmt::format("  checkpoint: {}\n", query.checkpoint_dir.empty()
                                                 ? "(temporary: no recovery across runs)"
                                                 : query.checkpoint_dir);
    if (query.bound.output_schema) {
      out += fmt::format("  output: {}\n", query.bound.output_schema->ToString());
    }
    if (!query.source_columns_read.empty() && query.source.schema) {
      std::vector<std::string> read;
      for (size_t i = 0; i < query.source_columns_read.size(); ++i) {
        if (query.source_columns_read[i]) {
          read.push_back(query.source.schema->field(static_cast<int>(i)).name);
        }
      }
      out += fmt::format("  source columns read: {} of {} ({})\n", read.size(),
                         query.source_columns_read.size(),
                         read.empty() ? std::string("none") : Join(read, ", "));
    }
    if (query.bound.transform) out += Indent(query.bound.transform->Explain(), "    ");
  }
  return out;
}

}  // namespace sluice
