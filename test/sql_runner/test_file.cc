#include "sql_runner/test_file.h"

#include <map>
#include <sstream>

#include "common/strings.h"

namespace sluice::testing {

std::vector<std::string> SplitRow(const std::string& line) {
  std::vector<std::string> cells;
  for (const auto& cell : Split(line, '|')) cells.emplace_back(Trim(cell));
  return cells;
}

Result<std::vector<TestCase>> ParseTestFile(const std::string& text) {
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
    }
  }
  std::map<std::string, InputBlock> inputs;
  std::vector<TestCase> cases;
  size_t i = 0;
  auto is_blank = [](const std::string& l) { return Trim(l).empty(); };
  while (i < lines.size()) {
    std::string line(Trim(lines[i]));
    if (line.empty() || line[0] == '#') {
      ++i;
      continue;
    }
    int block_line = static_cast<int>(i) + 1;
    auto words = Split(line, ' ');
    if (words[0] == "input") {
      if (words.size() != 2) return Status::Config("line {}: expected 'input NAME'", block_line);
      InputBlock block{words[1], {}};
      ++i;
      while (i < lines.size() && !is_blank(lines[i])) {
        if (Trim(lines[i]) != "(empty)") block.rows.push_back(SplitRow(lines[i]));
        ++i;
      }
      inputs[block.name] = std::move(block);
      continue;
    }
    if (words[0] != "query" && words[0] != "error") {
      return Status::Config("line {}: expected 'input', 'query' or 'error', found '{}'", block_line,
                            words[0]);
    }
    TestCase test;
    test.kind = words[0] == "query" ? TestCase::Kind::kQuery : TestCase::Kind::kError;
    test.line = block_line;
    for (size_t w = 1; w < words.size(); ++w) {
      if (words[w] == "rowsort") {
        test.rowsort = true;
      } else if (StartsWith(words[w], "sink=")) {
        test.sink = words[w].substr(5);
      } else if (!words[w].empty()) {
        return Status::Config("line {}: unknown flag '{}'", block_line, words[w]);
      }
    }
    ++i;
    while (i < lines.size() && Trim(lines[i]) != "----") {
      test.pipeline += lines[i] + "\n";
      ++i;
    }
    if (i == lines.size()) return Status::Config("line {}: block has no '----'", block_line);
    ++i;
    while (i < lines.size() && !is_blank(lines[i])) {
      if (Trim(lines[i]) != "(empty)") test.expected.push_back(lines[i]);
      ++i;
    }
    for (const auto& [name, block] : inputs) test.inputs.push_back(block);
    cases.push_back(std::move(test));
  }
  return cases;
}

}  // namespace sluice::testing
