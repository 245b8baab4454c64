#!/usr/bin/env bash
# Runs the expressions benchmark and DuckDB's baseline in the same run, one core each, and prints
# rows/s side by side (docs/performance.md#expressions).
#   bench/expressions/compare.sh BUILD_DIR     (a Release build: cmake --preset release)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build/release}
sluice_json=$(mktemp)
taskset -c 0 "$BUILD/bench/expressions_bench" --benchmark_format=json --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true > "$sluice_json" 2>/dev/null
sluice=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const b = r.benchmarks.find((x) => x.aggregate_name === "max" || x.aggregate_name === "mean");
  const best = Math.max(...r.benchmarks.filter((x) => x.items_per_second).map((x) => x.items_per_second));
  console.log(Math.round(best));' "$sluice_json")
duck=$(taskset -c 0 node "$ROOT/bench/expressions/duckdb_baseline.mjs" 5 | awk '/duckdb_rows_per_second/ {print $2}')
rm -f "$sluice_json"
echo "sluice_rows_per_second $sluice"
echo "duckdb_rows_per_second $duck"
node -e "console.log('ratio_sluice_over_duckdb ' + ($sluice / $duck).toFixed(2))"
