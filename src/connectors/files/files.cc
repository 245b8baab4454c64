#include "connectors/files/files.h"

namespace sluice {

void RegisterFilesConnector(ConnectorRegistry& registry) {
  ConnectorDef def;
  def.name = "files";
  def.description =
      "Exactly-once files in Hive-style partition folders, with a table log (_sluice_log/).";
  DescribeFilesSink(&def);
  DescribeFilesSource(&def);
  Status status = registry.Register(std::move(def));
  SLUICE_DCHECK(status.ok(), status.ToString());
}

}  // namespace sluice
