#include "connectors/files/files.h"

namespace sluice {

// The files source (issue: decoding JSON/CSV from any source) is not written yet: the connector
// is a sink only until then.
void DescribeFilesSource(ConnectorDef* def) { (void)def; }

}  // namespace sluice
