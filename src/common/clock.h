// An injectable clock, so time-based behaviour (triggers, rate limits) is tested without sleeping.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace sluice {

/// Wall-clock time and interruptible waits. The runtime never calls sleep directly.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Microseconds since the Unix epoch.
  virtual int64_t NowMicros() = 0;
  /// Waits until `deadline_micros` or until `interrupted()` returns true (checked at least every
  /// 50 ms of real time). Returns true if the deadline was reached.
  virtual bool WaitUntil(int64_t deadline_micros, const std::function<bool()>& interrupted) = 0;
};

/// The real clock.
Clock& SystemClock();

/// A clock that only moves when told to; WaitUntil advances it to the deadline at once.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros) : now_(start_micros) {}
  int64_t NowMicros() override { return now_.load(); }
  bool WaitUntil(int64_t deadline_micros, const std::function<bool()>& interrupted) override {
    if (interrupted && interrupted()) return false;
    if (deadline_micros > now_.load()) now_.store(deadline_micros);
    return true;
  }
  void Advance(int64_t micros) { now_.fetch_add(micros); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace sluice
