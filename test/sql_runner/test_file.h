// The data-driven pipeline test format (test/README.md documents it for test writers).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::testing {

/// One `input NAME` block: rows of cells (display text, split at '|').
struct InputBlock {
  std::string name;
  std::vector<std::vector<std::string>> rows;
};

/// One `query` or `error` block.
struct TestCase {
  enum class Kind { kQuery, kError };
  Kind kind = Kind::kQuery;
  int line = 0;                       // where the block starts in the .test file
  bool rowsort = false;               // compare rows sorted
  std::string sink;                   // which memory sink's rows to compare (empty: the only one)
  std::string pipeline;               // the pipeline text
  std::vector<std::string> expected;  // expected rows, or expected error lines
  /// The inputs declared before this block (later blocks with the same name replace earlier ones).
  std::vector<InputBlock> inputs;
};

/// Parses a .test file's text into its cases.
Result<std::vector<TestCase>> ParseTestFile(const std::string& text);

/// Splits a row "a|b|c" into cells.
std::vector<std::string> SplitRow(const std::string& line);

}  // namespace sluice::testing
