#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: the release build's full suite (unit,
# data-driven pipeline tests, end-to-end tests against DuckDB), then the unit tests again under
# AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

jobs=$(nproc)

echo "=== [${SECONDS}s] release build"
cmake --preset release >/dev/null
cmake --build --preset release -j"$jobs"
echo "=== [${SECONDS}s] release tests"
ctest --preset release -j"$jobs"

echo "=== [${SECONDS}s] asan+ubsan build (unit tests)"
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
echo "=== [${SECONDS}s] asan+ubsan unit tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j"$jobs"

echo "=== [${SECONDS}s] fuzz targets (libFuzzer, bounded time)"
bash scripts/fuzz.sh 20
echo "=== [${SECONDS}s] all tests passed"
