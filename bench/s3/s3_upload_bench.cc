// Upload throughput of one 256 MB object against s3rver (local, 127.0.0.1): parallel multipart
// (S3FileSystem's staged writer: 8 MiB parts, 4 in flight) vs one single PUT, same run.
//
//   build/bench/s3/s3_upload_bench --benchmark_min_time=1x
#include <benchmark/benchmark.h>

#include "storage/tests/s3_test_util.h"

namespace sluice {
namespace {

constexpr size_t kObjectBytes = 256u << 20;

const std::string& Payload() {
  static const std::string data = [] {
    std::string bytes(kObjectBytes, '\0');
    uint64_t state = 42;
    for (size_t offset = 0; offset + 8 <= bytes.size(); offset += 8) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      std::memcpy(bytes.data() + offset, &state, 8);
    }
    return bytes;
  }();
  return data;
}

std::shared_ptr<s3::S3FileSystem> FileSystem(int parallel_parts) {
  auto& server = testing::S3rverProcess::Shared();
  if (!server.error().empty()) return nullptr;
  s3::S3Options options;
  options.part_size = 8 << 20;
  options.max_parallel_parts = parallel_parts;
  options.upload_threads = std::max(parallel_parts, 1);
  return std::make_shared<s3::S3FileSystem>(server.MakeClient(options));
}

void BM_SinglePut(benchmark::State& state) {
  auto fs = FileSystem(1);
  if (!fs) return state.SkipWithError(testing::S3rverProcess::Shared().error().c_str());
  const std::string& data = Payload();
  int round = 0;
  for (auto _ : state) {
    Status st =
        fs->Put(fmt::format("s3://{}/bench/single-{}", testing::kS3rverBucket, round++), data);
    if (!st.ok()) return state.SkipWithError(st.ToString().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

void BM_MultipartParallel(benchmark::State& state) {
  auto fs = FileSystem(static_cast<int>(state.range(0)));
  if (!fs) return state.SkipWithError(testing::S3rverProcess::Shared().error().c_str());
  const std::string& data = Payload();
  int round = 0;
  for (auto _ : state) {
    auto writer = fs->OpenStaged(
        fmt::format("s3://{}/bench/_staging/multi-{}", testing::kS3rverBucket, round),
        fmt::format("s3://{}/bench/multi-{}", testing::kS3rverBucket, round));
    ++round;
    if (!writer.ok()) return state.SkipWithError(writer.status().ToString().c_str());
    // Appended in 1 MiB writes, as an encoder would.
    for (size_t offset = 0; offset < data.size(); offset += 1 << 20) {
      Status st = (*writer)->Append(std::string_view(data).substr(offset, 1 << 20));
      if (!st.ok()) return state.SkipWithError(st.ToString().c_str());
    }
    Status st = (*writer)->Publish();
    if (!st.ok()) return state.SkipWithError(st.ToString().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

BENCHMARK(BM_SinglePut)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_MultipartParallel)
    ->Arg(1)
    ->Arg(4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

}  // namespace
}  // namespace sluice

BENCHMARK_MAIN();
