// End to end through the real parser, binder, registry and connectors: plan, run, restart.
#include <fstream>

#include "runtime/planner.h"
#include "runtime/runner.h"
#include "sql/parser.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

int64_t CountOutputRows(const std::string& dir) {
  auto files = LocalFileSystem()->ListRecursive(dir);
  EXPECT_TRUE(files.ok());
  int64_t rows = 0;
  for (const auto& file : *files) {
    std::string name = file.path.substr(file.path.rfind('/') + 1);
    if (file.path.find("/_") != std::string::npos || name.empty() || name[0] == '.') continue;
    std::ifstream in(file.path);
    for (std::string line; std::getline(in, line);) ++rows;
  }
  return rows;
}

TEST(PipelineTest, DatagenToFilesExactlyOnceAcrossRuns) {
  std::string dir = testing::TempDir();
  std::string text = fmt::format(R"(SET 'checkpointLocation' = '{0}/ck';
SET 'trigger' = 'availableNow';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '50', 'maxRowsPerTrigger' = '20');
CREATE SINK out WITH ('connector' = 'files', 'path' = '{0}/out');
INSERT INTO out SELECT event_id, user_id FROM clicks;
)",
                                 dir);
  sql::Diagnostics diagnostics("p.sql", text);
  auto script = sql::ParseScript("p.sql", text, &diagnostics);
  ASSERT_TRUE(script) << diagnostics.Format();
  auto pipeline = PlanPipeline(*script, ConnectorRegistry::Builtin(), {}, &diagnostics);
  ASSERT_TRUE(pipeline) << diagnostics.Format();

  ASSERT_OK(RunPipeline(*pipeline, RunOptions{}));
  EXPECT_EQ(CountOutputRows(dir + "/out"), 50);
  ASSERT_OK_AND_ASSIGN(bool exists, LocalFileSystem()->Exists(dir + "/ck/out/commits/2"));
  EXPECT_TRUE(exists);
  ASSERT_OK_AND_ASSIGN(exists, LocalFileSystem()->Exists(dir + "/ck/out/offsets/3"));
  EXPECT_FALSE(exists);

  // A second run finds nothing new.
  ASSERT_OK(RunPipeline(*pipeline, RunOptions{}));
  EXPECT_EQ(CountOutputRows(dir + "/out"), 50);
}

}  // namespace
}  // namespace sluice
