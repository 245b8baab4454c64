// A graceful-stop request shared between a signal handler, the runner and the queries.
#pragma once

#include <atomic>

namespace sluice {

/// Set once to ask running queries to stop after the batch in flight. Lock-free, so a signal
/// handler may set it.
class StopToken {
 public:
  void RequestStop() { requested_.store(true, std::memory_order_release); }
  bool stop_requested() const { return requested_.load(std::memory_order_acquire); }

 private:
  static_assert(std::atomic<bool>::is_always_lock_free);
  std::atomic<bool> requested_{false};
};

}  // namespace sluice
