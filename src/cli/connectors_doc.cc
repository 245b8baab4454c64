#include "cli/connectors_doc.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace sluice {

namespace {

std::string TypeText(const OptionSpec& spec) {
  if (spec.type == OptionType::kEnum) return Join(spec.allowed, "|");
  return ToUpper(OptionTypeName(spec.type));
}

std::string DefaultText(const OptionSpec& spec) {
  if (spec.required) return "(required)";
  if (!spec.default_value) return "";
  return spec.default_value->empty() ? "''" : *spec.default_value;
}

std::string OptionName(const OptionSpec& spec) {
  return spec.is_prefix ? spec.name + "*" : spec.name;
}

void AppendTextOptions(std::string& out, const char* title, const std::vector<OptionSpec>& specs) {
  if (specs.empty()) return;
  out += fmt::format("  {}:\n", title);
  for (const auto& spec : specs) {
    out += fmt::format("    {:<22} {:<10} {:<14} {}\n", OptionName(spec), TypeText(spec),
                       DefaultText(spec), spec.description);
  }
}

void AppendMarkdownOptions(std::string& out, const char* title,
                           const std::vector<OptionSpec>& specs) {
  if (specs.empty()) return;
  out += fmt::format("{}\n\n| option | type | default | description |\n|---|---|---|---|\n", title);
  for (const auto& spec : specs) {
    std::string def = DefaultText(spec);
    out += fmt::format("| `{}` | {} | {} | {} |\n", OptionName(spec), TypeText(spec),
                       def.empty() ? "" : "`" + def + "`", spec.description);
  }
  out += "\n";
}

std::string MetadataType(const MetadataSpec& spec) {
  return spec.type->ToString() + (spec.nullable ? "" : " NOT NULL");
}

void AppendTextMetadata(std::string& out, const std::vector<MetadataSpec>& specs) {
  if (specs.empty()) return;
  out += "  metadata columns (name TYPE METADATA FROM 'key'):\n";
  for (const auto& spec : specs) {
    out += fmt::format("    {:<22} {:<25} {}\n", spec.key, MetadataType(spec), spec.description);
  }
}

void AppendMarkdownMetadata(std::string& out, const std::vector<MetadataSpec>& specs) {
  if (specs.empty()) return;
  out +=
      "Source metadata columns (`name TYPE METADATA FROM 'key'`):\n\n| key | type | value "
      "|\n|---|---|---|\n";
  for (const auto& spec : specs) {
    out += fmt::format("| `{}` | `{}` | {} |\n", spec.key, MetadataType(spec), spec.description);
  }
  out += "\n";
}

const char* Roles(const ConnectorDef& def) {
  if (def.is_source() && def.is_sink()) return "source, sink";
  return def.is_source() ? "source" : "sink";
}

}  // namespace

std::string ConnectorsText(const ConnectorRegistry& registry) {
  std::string out;
  for (const auto& [key, def] : registry.connectors()) {
    out += fmt::format("{} ({})\n  {}\n", def.name, Roles(def), def.description);
    AppendTextOptions(out, "source options", def.source_options);
    AppendTextMetadata(out, def.metadata);
    AppendTextOptions(out, "sink options", def.sink_options);
    out += "\n";
  }
  out += "Every sink also accepts:\n";
  for (const auto& spec : CommonSinkOptions()) {
    out += fmt::format("    {:<22} {:<10} {:<14} {}\n", OptionName(spec), TypeText(spec),
                       DefaultText(spec), spec.description);
  }
  return out;
}

std::string ConnectorsMarkdown(const ConnectorRegistry& registry) {
  std::string out;
  for (const auto& [key, def] : registry.connectors()) {
    out += fmt::format("### `{}` ({})\n\n{}\n\n", def.name, Roles(def), def.description);
    AppendMarkdownOptions(out, "Source options:", def.source_options);
    AppendMarkdownMetadata(out, def.metadata);
    AppendMarkdownOptions(out, "Sink options:", def.sink_options);
  }
  AppendMarkdownOptions(out, "### Options every sink accepts", CommonSinkOptions());
  return out;
}

}  // namespace sluice
