// libFuzzer target for the pipeline parser (not built by CMake yet):
//   clang++ -std=c++20 -fsanitize=fuzzer,address -I src src/sql/fuzz/parser_fuzz.cc \
//     src/sql/{lexer,parser,diagnostics}.cc src/columnar/*.cc src/common/*.cc -lfmt -lspdlog
#include <cstddef>
#include <cstdint>
#include <string>

#include "sql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  sluice::sql::Diagnostics diagnostics("fuzz.sql", text);
  std::optional<sluice::sql::Script> script =
      sluice::sql::ParseScript("fuzz.sql", text, &diagnostics);
  if (!script && !diagnostics.has_errors()) __builtin_trap();  // failures must be explained
  (void)diagnostics.Format();
  return 0;
}
