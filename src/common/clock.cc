#include "common/clock.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace sluice {

namespace {

class RealClock final : public Clock {
 public:
  int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  bool WaitUntil(int64_t deadline_micros, const std::function<bool()>& interrupted) override {
    while (true) {
      if (interrupted && interrupted()) return false;
      int64_t now = NowMicros();
      if (now >= deadline_micros) return true;
      int64_t step = std::min<int64_t>(deadline_micros - now, 50000);
      std::this_thread::sleep_for(std::chrono::microseconds(step));
    }
  }
};

}  // namespace

Clock& SystemClock() {
  static RealClock clock;
  return clock;
}

}  // namespace sluice
