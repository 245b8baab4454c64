#include "common/fault_point.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "common/strings.h"

namespace sluice {

namespace internal {
std::atomic<bool> g_fault_points_enabled{false};
}  // namespace internal

namespace {
std::mutex g_mutex;
// name -> remaining hits before firing
std::map<std::string, long, std::less<>> g_points;
}  // namespace

void InitFaultPointsFromEnv() {
  std::lock_guard lock(g_mutex);
  g_points.clear();
  const char* env = std::getenv("SLUICE_FAULT_POINTS");
  if (env != nullptr) {
    for (const auto& item : Split(env, ',')) {
      std::string_view entry = Trim(item);
      if (entry.empty()) continue;
      long count = 1;
      size_t at = entry.find('@');
      if (at != std::string_view::npos) {
        count = static_cast<long>(ParseInt64(entry.substr(at + 1)).value_or(1));
        entry = entry.substr(0, at);
      }
      g_points[std::string(entry)] = count;
    }
  }
  internal::g_fault_points_enabled.store(!g_points.empty());
}

namespace internal {
void HitFaultPoint(std::string_view name) {
  std::lock_guard lock(g_mutex);
  auto it = g_points.find(name);
  if (it == g_points.end()) return;
  if (--it->second > 0) return;
  std::fprintf(stderr, "sluice: fault point '%.*s' reached: exiting as if killed\n",
               static_cast<int>(name.size()), name.data());
  std::fflush(stderr);
  _exit(137);
}
}  // namespace internal

}  // namespace sluice
