// Named fault points: places in production code where a test can make the process die
// (as kill -9 would) to prove recovery. Free when disabled: one relaxed atomic load.
//
// Enabled only by the environment variable SLUICE_FAULT_POINTS, a comma list of
// `name` or `name@N` (fire on the N-th time the point is reached, 1-based; default 1).
// When a point fires the process calls _exit(137) at once, without flushing or unwinding.
#pragma once

#include <atomic>
#include <string_view>

namespace sluice {

namespace internal {
extern std::atomic<bool> g_fault_points_enabled;
void HitFaultPoint(std::string_view name);
}  // namespace internal

/// Reads SLUICE_FAULT_POINTS; called once at start-up (and by tests after setenv).
void InitFaultPointsFromEnv();

}  // namespace sluice

#define SLUICE_FAULT_POINT(name)                                                     \
  do {                                                                               \
    if (::sluice::internal::g_fault_points_enabled.load(std::memory_order_relaxed)) { \
      ::sluice::internal::HitFaultPoint(name);                                      \
    }                                                                                \
  } while (false)
