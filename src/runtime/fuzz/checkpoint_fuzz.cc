// libFuzzer target for the checkpoint log readers: offsets/N and commits/N come from disk and may
// be truncated or corrupt; reading them must give an error, never a crash. Built by the `fuzz`
// preset (SLUICE_FUZZ=ON, clang).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto offsets = sluice::OffsetsEntryFromJson(text, "offsets/0");
  auto commit = sluice::CommitEntryFromJson(text, "commits/0");
  (void)offsets.ok();
  (void)commit.ok();
  return 0;
}
