// Parquet encode throughput per codec on a clickstream-shaped batch (bytes/s of input, rows/s).
//   parquet_bench [--benchmark_*]           Google Benchmark
//   parquet_bench --dump FILE ROWS          writes the batch (uncompressed) for DuckDB's side
// bench/parquet/compare.mjs runs all three and DuckDB in the same run.
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iostream>

#include "bench/parquet/clickstream.h"
#include "formats/parquet/encodings.h"
#include "formats/parquet/file_writer.h"

namespace {

constexpr int64_t kRows = 1 << 20;

const sluice::Batch& Input() {
  static const sluice::Batch batch = sluice::bench::ClickstreamBatch(kRows);
  return batch;
}

void BM_ParquetEncode(benchmark::State& state, sluice::parquet::Codec codec) {
  const sluice::Batch& batch = Input();
  sluice::parquet::WriterOptions options;
  options.codec = codec;
  int64_t size = 0;
  for (auto _ : state) {
    auto bytes = sluice::parquet::WriteParquet(batch, options);
    if (!bytes.ok()) state.SkipWithError(bytes.status().ToString().c_str());
    size = static_cast<int64_t>(bytes->size());
    benchmark::DoNotOptimize(bytes->data());
  }
  state.SetBytesProcessed(state.iterations() * batch.ByteSize());
  state.SetItemsProcessed(state.iterations() * batch.num_rows());
  state.counters["file_bytes"] = static_cast<double>(size);
}

BENCHMARK_CAPTURE(BM_ParquetEncode, uncompressed, sluice::parquet::Codec::kUncompressed)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, snappy, sluice::parquet::Codec::kSnappy)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, zstd, sluice::parquet::Codec::kZstd)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, gzip, sluice::parquet::Codec::kGzip)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ParquetEncode, lz4_raw, sluice::parquet::Codec::kLz4Raw)
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--dump") == 0) {
    sluice::parquet::WriterOptions options;
    options.codec = sluice::parquet::Codec::kUncompressed;
    auto bytes = sluice::parquet::WriteParquet(sluice::bench::ClickstreamBatch(std::stoll(argv[3])),
                                               options);
    if (!bytes.ok()) return 1;
    std::ofstream(argv[2], std::ios::binary) << *bytes;
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::cout << "input_bytes " << Input().ByteSize() << " rows " << Input().num_rows() << "\n";
  return 0;
}
