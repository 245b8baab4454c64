#!/usr/bin/env bash
# The end-to-end benchmark (bench/e2e/run.sh) at a small N, so that it never rots: every variant
# at 1 and 2 threads, one run each, plus the RSS flatness pass. The script exits 1 when either
# engine fails or their outputs differ (rows, sum of user_id, distinct event ids, rows per
# partition); a sabotaged Sluice filter proves that check fires. No timing assertions.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"
rm -rf "$WORK" && mkdir -p "$WORK"
export RUNS=1 SCALE=2 SCALE_RUNS=1 FILE_ROWS=2000 QUIET=1 WORK="$WORK/bench"
table=$(bash "$ROOT/bench/e2e/run.sh" "$SLUICE" 6000) || fail "the benchmark failed"
echo "$table"
for variant in "all columns, zstd" "filter + projection, zstd" "partitionBy (api_version, dt), zstd" \
  "all columns, snappy"; do
  for threads in 1 2; do
    line=$(grep -F "| $variant | $threads |" <<<"$table") || fail "no row for $variant, $threads threads"
    rows=$(cut -d'|' -f4 <<<"$line" | tr -d ' ,')
    case $variant in
      filter*) [ "$rows" -gt 0 ] && [ "$rows" -lt 6000 ] || fail "$variant: $rows rows out" ;;
      *) [ "$rows" = 6000 ] || fail "$variant: $rows rows out, expected 6000" ;;
    esac
  done
done
grep -q "^| Sluice | 2 |" <<<"$table" || fail "no RSS flatness row"
grep -q "^| all columns, zstd, 1 thread: Sluice / DuckDB |" <<<"$table" || fail "no targets table"

if SABOTAGE=1 VARIANTS=filter THREADS=1 SCALE=0 bash "$ROOT/bench/e2e/run.sh" "$SLUICE" 6000 \
  > /dev/null 2> "$WORK/sabotage.err"; then
  fail "a Sluice filter that drops more rows than DuckDB's went unnoticed"
fi
grep -q "Sluice wrote .*, DuckDB wrote" "$WORK/sabotage.err" || fail "unexpected error: $(cat "$WORK/sabotage.err")"
echo "bench smoke: every variant ran on both engines with the same rows out"
