#include "formats/parquet/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace sluice::parquet {

namespace {

/// Helper threads shared by every writer of the process. A job is "help with this ParallelFor":
/// it claims tasks until none is left, so a job that starts late (its helper was busy) returns at
/// once.
class HelperPool {
 public:
  static HelperPool& Get() {
    // Never destroyed: its threads block on the queue until the process exits.
    static HelperPool* const pool = new HelperPool();
    return *pool;
  }

  /// Queues `copies` calls of `job`, with at least `copies` threads to run them.
  void Submit(const std::function<void()>& job, int copies) {
    {
      std::lock_guard lock(mutex_);
      try {
        while (static_cast<int>(threads_.size()) < copies) {
          threads_.emplace_back([this] { Loop(); });
        }
      } catch (const std::system_error&) {
        // No more threads (resource limits): the callers do the work with those there are, or
        // alone; a job left in the queue finds nothing to do when it finally runs.
      }
      for (int i = 0; i < copies; ++i) jobs_.push_back(job);
    }
    if (copies == 1) {
      ready_.notify_one();
    } else {
      ready_.notify_all();
    }
  }

 private:
  HelperPool() = default;

  void Loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !jobs_.empty(); });
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
};

/// One ParallelFor call, shared with its helper jobs (which may outlive the call: a late job
/// only reads `next`).
struct Work {
  const std::function<void(int64_t)>* task = nullptr;  // valid while done < count
  int64_t count = 0;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
  std::mutex mutex;
  std::condition_variable finished;

  void Run() {
    for (int64_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      (*task)(i);
      if (done.fetch_add(1) + 1 == count) {
        // Under the lock: the caller is either before its check or waiting, never in between.
        std::lock_guard lock(mutex);
        finished.notify_all();
      }
    }
  }
};

}  // namespace

void ParallelFor(int64_t count, int threads, const std::function<void(int64_t)>& task) {
  const int64_t helpers = std::min<int64_t>(std::min(threads, kMaxEncodeThreads) - 1, count - 1);
  if (helpers <= 0) {
    for (int64_t i = 0; i < count; ++i) task(i);
    return;
  }
  auto work = std::make_shared<Work>();
  work->task = &task;
  work->count = count;
  HelperPool::Get().Submit([work] { work->Run(); }, static_cast<int>(helpers));
  work->Run();
  std::unique_lock lock(work->mutex);
  work->finished.wait(lock, [&] { return work->done.load() == count; });
}

}  // namespace sluice::parquet
