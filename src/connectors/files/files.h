// The `files` connector: a sink (files_sink.cc) and a source (files_source.cc) under one name,
// registered by files.cc. Each half fills in its part of the ConnectorDef.
#pragma once

#include "connectors/connector.h"

namespace sluice {

/// Sink options, validation and factory (files_sink.cc).
void DescribeFilesSink(ConnectorDef* def);
/// Source options, schema resolution and factory (files_source.cc).
void DescribeFilesSource(ConnectorDef* def);

}  // namespace sluice
