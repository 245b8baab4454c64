#include "sql/diagnostics.h"

#include "testing/gtest_util.h"

namespace sluice::sql {
namespace {

TEST(DiagnosticsTest, ErrorsWithoutAPositionHaveNoCaret) {
  Diagnostics diagnostics("p.sql", "SELECT 1;\n");
  diagnostics.Error({1, 8}, "first");
  diagnostics.Error({0, 0}, "--set invalid trigger 'never'");
  EXPECT_EQ(diagnostics.Format(),
            "p.sql:1:8: error: first\nSELECT 1;\n       ^\n"
            "p.sql: error: --set invalid trigger 'never'\n");
}

}  // namespace
}  // namespace sluice::sql
