// libFuzzer target for the pipeline parser: any bytes give a Script or explained errors, never a
// crash. Built by the `fuzz` preset (SLUICE_FUZZ=ON, clang); scripts/test.sh runs it briefly.
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
