// Parquet encode throughput per codec on a clickstream-shaped batch (bytes/s of input, rows/s).
//   parquet_bench [--benchmark_*]            Google Benchmark
//   parquet_bench --dump FILE ROWS [CODEC]   writes the batch (uncompressed unless CODEC) for
//                                            DuckDB's side
//   parquet_bench --compare FILE ROWS        exit 0 if FILE (e.g. DuckDB's copy of a dump) holds
//                                            exactly the batch's rows, read by our reader
//   parquet_bench --repeat N CODEC [THREADS] encodes the batch N times (for perf record/stat:
//                                            the difference of N and 0 is the encode alone),
//                                            on THREADS encode threads (default 1)
//   parquet_bench --benchmark_filter=threads 1 vs 2 encode threads: process CPU, wall, and the
//                                            writing thread's CPU (writer_thread_ms)
// bench/parquet/compare.mjs runs the benchmark and DuckDB in the same run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>

#include "bench/parquet/clickstream.h"
#include "columnar/value.h"
#include "formats/parquet/encodings.h"
#include "formats/parquet/file_writer.h"
#include "formats/parquet/reader.h"

namespace {

constexpr int64_t kRows = 1 << 20;

const sluice::Batch& Input() {
  static const sluice::Batch batch = sluice::bench::ClickstreamBatch(kRows);
  return batch;
}

double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

void BM_ParquetEncode(benchmark::State& state, sluice::parquet::Codec codec, int level = 0,
                      int encode_threads = 1) {
  const sluice::Batch& batch = Input();
  sluice::parquet::WriterOptions options;
  options.codec = codec;
  options.compression_level = level;
  options.encode_threads = encode_threads;
  int64_t size = 0;
  const double thread_cpu_before = ThreadCpuSeconds();
  for (auto _ : state) {
    auto bytes = sluice::parquet::WriteParquet(batch, options);
    if (!bytes.ok()) state.SkipWithError(bytes.status().ToString().c_str());
    size = static_cast<int64_t>(bytes->size());
    benchmark::DoNotOptimize(bytes->data());
  }
  state.SetBytesProcessed(state.iterations() * batch.ByteSize());
  state.SetItemsProcessed(state.iterations() * batch.num_rows());
  state.counters["file_bytes"] = static_cast<double>(size);
  // CPU time of the writing thread alone: with encode threads, the share left on it (its wall
  // time on an idle machine), whatever the load.
  state.counters["writer_thread_ms"] =
      (ThreadCpuSeconds() - thread_cpu_before) * 1e3 /
      static_cast<double>(std::max<int64_t>(1, state.iterations()));
}

BENCHMARK_CAPTURE(BM_ParquetEncode, uncompressed, sluice::parquet::Codec::kUncompressed)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, snappy, sluice::parquet::Codec::kSnappy)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, zstd, sluice::parquet::Codec::kZstd)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, zstd_level1, sluice::parquet::Codec::kZstd, 1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, gzip, sluice::parquet::Codec::kGzip)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, lz4_raw, sluice::parquet::Codec::kLz4Raw)
    ->Unit(benchmark::kMillisecond);

// WriterOptions::encode_threads: the same encodes on 1 and 2 threads, CPU time of the whole
// process (the helper threads' included) and wall time: --benchmark_filter=threads.
void BM_ParquetEncodeThreads(benchmark::State& state, sluice::parquet::Codec codec) {
  BM_ParquetEncode(state, codec, 0, static_cast<int>(state.range(0)));
}
BENCHMARK_CAPTURE(BM_ParquetEncodeThreads, snappy_threads, sluice::parquet::Codec::kSnappy)
    ->Arg(1)
    ->Arg(2)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncodeThreads, zstd_threads, sluice::parquet::Codec::kZstd)
    ->Arg(1)
    ->Arg(2)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if ((argc == 4 || argc == 5) && std::strcmp(argv[1], "--dump") == 0) {
    sluice::parquet::WriterOptions options;
    options.codec = sluice::parquet::Codec::kUncompressed;
    if (argc == 5) {
      auto codec = sluice::parquet::CodecFromName(argv[4]);
      if (!codec.ok()) return 2;
      options.codec = *codec;
    }
    auto bytes = sluice::parquet::WriteParquet(sluice::bench::ClickstreamBatch(std::stoll(argv[3])),
                                               options);
    if (!bytes.ok()) return 1;
    std::ofstream(argv[2], std::ios::binary) << *bytes;
    return 0;
  }
  if ((argc == 4 || argc == 5) && std::strcmp(argv[1], "--repeat") == 0) {
    sluice::parquet::WriterOptions options;
    auto codec = sluice::parquet::CodecFromName(argv[3]);
    if (!codec.ok()) return 2;
    options.codec = *codec;
    if (argc == 5) options.encode_threads = std::stoi(argv[4]);
    const sluice::Batch& batch = Input();
    for (int64_t i = std::stoll(argv[2]); i > 0; --i) {
      auto bytes = sluice::parquet::WriteParquet(batch, options);
      if (!bytes.ok()) return 1;
    }
    return 0;
  }
  if (argc == 4 && std::strcmp(argv[1], "--compare") == 0) {
    auto reader = sluice::parquet::ParquetFileReader::OpenPath(argv[2]);
    if (!reader.ok()) return 1;
    auto batch = (*reader)->ReadAll();
    if (!batch.ok()) return 1;
    const bool equal =
        sluice::BatchToRowsText(*batch) ==
        sluice::BatchToRowsText(sluice::bench::ClickstreamBatch(std::stoll(argv[3])));
    std::cout << (equal ? "equal" : "DIFFERENT") << "\n";
    return equal ? 0 : 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::cout << "input_bytes " << Input().ByteSize() << " rows " << Input().num_rows() << "\n";
  return 0;
}
