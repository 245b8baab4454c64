#!/usr/bin/env bash
# End to end, JSON lines -> Parquet: Sluice against DuckDB (issue #9), one command:
#
#   bash bench/e2e/run.sh BUILD_DIR_OR_SLUICE_BINARY [N]        (N records, default 2000000)
#
# Generates N seeded clickstream records with `sluice gen`, split into files of FILE_ROWS lines,
# then, in one run, RUNS rounds of every (variant, threads) pair on both engines, alternating
# which engine goes first (medians per pair): Sluice (`files` source,
# JSON with the explicit schema -> `files` sink, Parquet, trigger availableNow) and DuckDB
# (`COPY (SELECT ... FROM read_json(..., columns = {...})) TO ... (FORMAT parquet)`, in a child
# node process), at 1 and 2 threads, for the variants: all columns (zstd); filter + projection
# (zstd); partitionBy (api_version, dt) (zstd); all columns (snappy). Then the RSS flatness check:
# Sluice on SCALE x N records. Checks that both engines wrote the same rows (count, sum, distinct
# ids, rows per partition) and exits 1 if not or if either fails. Prints a Markdown table of
# medians on stdout, progress on stderr. Knobs (environment):
#   RUNS=5  THREADS="1 2"  VARIANTS="all filter partitioned snappy"  FILE_ROWS=100000
#   SCALE=4 (0 = no flatness check)  SCALE_RUNS=3  SEED=42  ZSTD_LEVEL=3
#   TASKSET=1 (pin 1-thread runs of both engines to CPU 0)  WORK=<folder> (kept, and its
#   generated input reused; default: a temporary folder, removed at the end)  QUIET=1 (no
#   progress)  SLUICE_SINK_OPTIONS="'rowGroupSize' = '128MB'" (extra sink options, experiments)
#   THREADS_SETTING=0 (no SET 'threadsPerQuery', for binaries older than that setting)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -lt 1 ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
fi
SLUICE=$1
[ -d "$SLUICE" ] && SLUICE=$SLUICE/sluice
[ -x "$SLUICE" ] || { echo "no sluice binary at '$SLUICE'" >&2; exit 2; }
SLUICE=$(realpath "$SLUICE")
N=${2:-2000000}
[ -d "$ROOT/test/tools/node_modules/@duckdb/node-api" ] ||
  { echo "DuckDB's node API is missing: (cd test/tools && npm ci)" >&2; exit 2; }
if [ -n "${WORK:-}" ]; then
  mkdir -p "$WORK"
  WORK=$(realpath "$WORK")
else
  WORK=$(mktemp -d /tmp/sluice-e2e-bench.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
fi
node "$ROOT/bench/e2e/driver.mjs" "$SLUICE" "$N" "$WORK"
