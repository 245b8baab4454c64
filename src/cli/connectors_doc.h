// The connector reference, printed from the registry: `sluice connectors [--markdown]`.
// docs/connectors.md embeds the Markdown form and a test keeps the two equal.
#pragma once

#include <string>

#include "connectors/connector.h"

namespace sluice {

std::string ConnectorsText(const ConnectorRegistry& registry);
std::string ConnectorsMarkdown(const ConnectorRegistry& registry);

}  // namespace sluice
