// Parallel encoding of a file's columns: ParquetFileWriter hands the columns of a slice (and the
// closing of a row group's chunks) to ParallelFor when `WriterOptions::encode_threads` > 1.
#pragma once

#include <cstdint>
#include <functional>

namespace sluice::parquet {

/// Upper bound of `WriterOptions::encode_threads` (helper threads are process-wide).
inline constexpr int kMaxEncodeThreads = 16;

/// Runs task(0) .. task(count - 1), each exactly once, on the calling thread and up to
/// `threads - 1` helper threads of a process-wide pool (created on first use, grown to the largest
/// number ever asked for, never torn down), and returns once every task has finished. Whichever
/// thread is free claims the next task, so the calling thread alone finishes the work when the
/// helpers are busy with other writers' tasks (no deadlock, whatever locks the caller holds, as
/// long as tasks take none). Tasks must be independent; their effects are visible to the caller
/// when this returns. `threads` <= 1 or `count` <= 1: everything runs on the calling thread.
void ParallelFor(int64_t count, int threads, const std::function<void(int64_t)>& task);

}  // namespace sluice::parquet
