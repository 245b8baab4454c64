// Runs data-driven pipeline test files (test/sql/**/*.test; format in test/README.md):
//   sluice_sql_tests FILE.test [FILE.test ...]
// Each `query` block is planned and run end to end (real parser, binder, planner, runtime) with
// the test-only `memory` source and sink; each `error` block must fail with exactly the expected
// text. Prints one line per failing block and a closing "N passed, N failed" line.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "columnar/value.h"
#include "common/logging.h"
#include "common/strings.h"
#include "runtime/planner.h"
#include "runtime/runner.h"
#include "sql/parser.h"
#include "sql_runner/memory_connectors.h"
#include "sql_runner/test_file.h"

namespace sluice::testing {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    lines.push_back(line);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::vector<std::string> TrimLines(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) {
    std::string trimmed = line;
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
    out.push_back(trimmed);
  }
  return out;
}

struct Outcome {
  bool ok = true;
  std::string detail;
};

Outcome Fail(std::string detail) { return {false, std::move(detail)}; }

std::string Show(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "    " + line + "\n";
  return out.empty() ? "    (empty)\n" : out;
}

Outcome RunCase(const TestCase& test) {
  auto store = std::make_shared<MemoryStore>();
  for (const auto& input : test.inputs) store->inputs[input.name] = input.rows;
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  Status registered = RegisterMemoryConnectors(&registry, store);
  if (!registered.ok()) return Fail(registered.ToString());

  sql::Diagnostics diagnostics("pipeline.sql", test.pipeline);
  auto script = sql::ParseScript("pipeline.sql", test.pipeline, &diagnostics);
  std::optional<Pipeline> pipeline;
  if (script) pipeline = PlanPipeline(*script, registry, {}, &diagnostics);

  std::vector<std::string> actual_error;
  if (diagnostics.has_errors() || !pipeline) {
    actual_error = Lines(diagnostics.Format());
  } else {
    RunOptions options;
    Status status = RunPipeline(*pipeline, options);
    if (!status.ok()) actual_error = Lines(status.message());
  }

  std::vector<std::string> expected = TrimLines(test.expected);
  if (test.kind == TestCase::Kind::kError) {
    if (actual_error.empty()) return Fail("expected an error, but the pipeline ran\n");
    if (actual_error != expected) {
      return Fail("expected error:\n" + Show(expected) + "  actual error:\n" + Show(actual_error));
    }
    return {};
  }
  if (!actual_error.empty()) return Fail("unexpected error:\n" + Show(actual_error));

  std::string sink = test.sink;
  if (sink.empty()) {
    if (pipeline->queries.size() != 1) {
      return Fail("the pipeline has several queries: name the sink to check with sink=NAME\n");
    }
    sink = pipeline->queries[0].sink.name;
  }
  std::vector<std::string> rows;
  {
    std::lock_guard lock(store->mutex);
    for (const auto& batch : store->outputs[sink]) {
      for (auto& line : Lines(BatchToRowsText(batch))) rows.push_back(std::move(line));
    }
  }
  rows = TrimLines(rows);
  if (test.rowsort) {
    std::sort(rows.begin(), rows.end());
    std::sort(expected.begin(), expected.end());
  }
  if (rows != expected) {
    return Fail("expected rows:\n" + Show(expected) + "  actual rows:\n" + Show(rows));
  }
  return {};
}

}  // namespace
}  // namespace sluice::testing

int main(int argc, char** argv) {
  using namespace sluice;
  using namespace sluice::testing;
  InitLogging();
  SetLogLevel("warn");
  int passed = 0;
  int failed = 0;
  for (int arg = 1; arg < argc; ++arg) {
    std::string path = argv[arg];
    std::ifstream in(path);
    if (!in) {
      std::cerr << path << ": cannot read\n";
      ++failed;
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto cases = ParseTestFile(text.str());
    if (!cases.ok()) {
      std::cerr << path << ": " << cases.status().message() << "\n";
      ++failed;
      continue;
    }
    for (const auto& test : *cases) {
      Outcome outcome = RunCase(test);
      if (outcome.ok) {
        ++passed;
      } else {
        ++failed;
        std::cout << "FAIL " << path << ":" << test.line << "\n" << outcome.detail;
      }
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
