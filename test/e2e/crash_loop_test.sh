#!/usr/bin/env bash
# Crash loop: a datagen -> partitioned files pipeline is SIGKILLed at every named fault point and at
# many random moments, restarted each time, while a plain lake reader (lake_reader.mjs) polls the
# output prefix. At the end DuckDB must see every generated row exactly once, `sluice verify` must
# pass, and the reader must never have seen a duplicate, a row count going down, or a published
# file changing or vanishing.
#
#   crash_loop_test.sh SLUICE_BINARY WORK_DIR [RANDOM_KILLS]     (default 50; a long run: 500)
set -euo pipefail

source "$(dirname "$0")/lib.sh" "$@"
KILLS=${3:-${SLUICE_CRASH_KILLS:-50}}

ROWS=40000
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
cat > run.sql <<SQL
SET 'checkpointLocation' = 'ckpt';
SET 'minBatchesToRetain' = '10';  -- purging must not break recovery or verify
CREATE SOURCE clicks WITH (
  'connector' = 'datagen', 'seed' = '5', 'numRows' = '$ROWS', 'partitions' = '4',
  'rowsPerSecond' = '4000', 'maxRowsPerTrigger' = '800');
CREATE SINK lake WITH (
  'connector' = 'files', 'path' = 'out', 'partitionBy' = 'api_version,country');
INSERT INTO lake SELECT event_id, user_id, ts, event_type, api_version, country FROM clicks;
SQL

node "$ROOT/test/e2e/lake_reader.mjs" out READER_STOP reader.json & READER=$!
trap 'touch READER_STOP; kill $READER 2>/dev/null || true' EXIT

wait_status() { s=0; wait "$1" || s=$?; }  # sets $s
done_runs=0
# Every named point, each on a later hit, then random kills.
for point in runtime.after_offsets_log files.mid_file files.after_stage runtime.after_sink_write files.mid_publish \
             files.after_publish runtime.after_sink_commit runtime.after_commit_log; do
  SLUICE_FAULT_POINTS="$point@3" "$SLUICE" --log-level error run run.sql & pid=$!
  wait_status $pid; [ "$s" = 137 ] || [ "$s" = 0 ] || fail "fault point $point: exit $s"
  done_runs=$((done_runs + 1))
done
for i in $(seq 1 "$KILLS"); do
  "$SLUICE" --log-level error run run.sql & pid=$!
  sleep "0.$(( (RANDOM % 40) + 5 ))"
  kill -KILL "$pid" 2>/dev/null || true
  wait_status $pid; [ "$s" = 137 ] || [ "$s" = 0 ] || fail "random kill $i: exit $s"
done
"$SLUICE" --log-level warn run run.sql || fail "final run failed"
touch READER_STOP; wait "$READER" || fail "the reader failed"; trap - EXIT

node -e '
  const r = JSON.parse(require("fs").readFileSync("reader.json", "utf8"));
  if (r.violations.length) { console.error(r.violations.join("\n")); process.exit(1); }
  console.log(`reader: ${r.polls} polls, ${r.files} files, ${r.rows} rows, no violation`);
' || fail "the lake reader saw a violation"

counts=$(duck "SELECT count(*), count(DISTINCT event_id) FROM read_json('out/**/*.json', format='newline_delimited', columns={event_id: 'VARCHAR', user_id: 'BIGINT', ts: 'TIMESTAMP', event_type: 'VARCHAR'})")
[ "$counts" = "$ROWS|$ROWS" ] || fail "DuckDB counts (rows|distinct ids): $counts, expected $ROWS|$ROWS"
[ -z "$(find out -name '*.inprogress' -not -path 'out/_sluice_staging/*')" ] || fail "staged files visible"
"$SLUICE" verify out ckpt/lake > verify.txt || fail "sluice verify: $(cat verify.txt)"
grep -q "offsets: 10 batches" verify.txt || fail "minBatchesToRetain=10 not honoured: $(cat verify.txt)"
echo "crash loop: 8 fault points + $KILLS random SIGKILLs; $ROWS rows exactly once; verify OK"
