#!/usr/bin/env bash
# Files kept open across batches ('maxFileAge'), through crashes: a datagen -> partitioned Parquet
# pipeline (batches every 100 ms, files published once their first batch is 1 s old) is crashed
# at each fault point (mid-file, mid-publish, between publishes, after publishing, after the
# commit log) and killed with SIGKILL at random moments, restarted each time, then run to the end.
#  - DuckDB reading the prefix finds every generated row exactly once;
#  - far fewer files than batches (a file spans many batches), every one in the table log, whose
#    entries cover every batch once (`firstBatchId`), and `sluice verify` passes on the output and
#    on the checkpoint; no staging or publish intent is left;
#  - while held, batches are not committed in the checkpoint (progress says "heldBySink").
#
#   max_file_age_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail

source "$(dirname "$0")/lib.sh" "$@"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

ROWS=16000
pipeline() {
  cat > p.sql <<SQL
SET 'checkpointLocation' = 'ck';
SET 'trigger' = 'processingTime=100 milliseconds';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'seed' = '7', 'numRows' = '$ROWS',
                           'partitions' = '2', 'rowsPerSecond' = '2000', 'maxRowsPerTrigger' = '400');
CREATE SINK lake WITH ('connector' = 'files', 'path' = 'out', 'format' = 'parquet',
                       'partitionBy' = 'api_version', 'maxFileAge' = '1 second');
INSERT INTO lake SELECT event_id, user_id, ts, api_version FROM clicks;
SQL
}
pipeline

# 1. Held batches are not committed: after ~0.6 s, batches ran but none is committed yet.
"$SLUICE" --log-level warn run p.sql --progress progress.jsonl & PID=$!
for _ in $(seq 1 100); do
  [ -f progress.jsonl ] && [ "$(wc -l < progress.jsonl)" -ge 3 ] && break
  sleep 0.05
done
kill -KILL "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
grep -q '"heldBySink":true' progress.jsonl || fail "no held batch in the progress: $(head -c 600 progress.jsonl)"
[ -z "$(ls ck/lake/commits 2>/dev/null)" ] || [ "$(ls ck/lake/offsets | wc -l)" -gt "$(ls ck/lake/commits | wc -l)" ] ||
  fail "every logged batch is committed although the sink held some"
[ -z "$(find out -name '*.parquet' 2>/dev/null)" ] || fail "held files are visible: $(find out -name '*.parquet')"

# 2. A crash at each fault point, then SIGKILL at random moments; restart every time.
for point in files.mid_file@3 files.mid_publish@1 files.between_publishes@1 files.after_publish@1 \
             runtime.after_commit_log@2; do
  s=0; SLUICE_FAULT_POINTS="$point" "$SLUICE" --log-level warn run p.sql 2>> runs.log || s=$?
  [ "$s" = 137 ] || fail "fault point $point: exit $s: $(tail -3 runs.log)"
done
for i in 1 2 3 4 5; do
  "$SLUICE" --log-level warn run p.sql 2>> runs.log & PID=$!
  sleep "0.$(( RANDOM % 10 ))$(( RANDOM % 10 ))"
  kill -KILL "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
done

# 3. To the end (the source ends at numRows; what the sink holds then is published).
"$SLUICE" --log-level warn run p.sql 2>> runs.log || fail "final run: $(tail -3 runs.log)"

got=$(duck "SELECT count(*), count(DISTINCT event_id) FROM read_parquet('out/**/*.parquet')")
[ "$got" = "$ROWS|$ROWS" ] || fail "rows|distinct = $got, expected $ROWS|$ROWS"
"$SLUICE" verify out > verify-out.txt || fail "verify out: $(cat verify-out.txt)"
"$SLUICE" verify ck/lake > verify-ck.txt || fail "verify checkpoint: $(cat verify-ck.txt)"
grep -q "entries cover several batches" verify-out.txt || fail "no entry spans batches: $(cat verify-out.txt)"
batches=$(grep -o 'table log: [0-9]* batches' verify-out.txt | grep -o '[0-9]*')
files=$(find out -name '*.parquet' | wc -l)
[ "$files" -lt "$batches" ] || fail "$files files for $batches batches: files did not span batches"
[ ! -e out/_sluice_staging ] || fail "staging left: $(find out/_sluice_staging | head)"
ls out/_sluice_log | grep -q publishing && fail "a publish intent stayed: $(ls out/_sluice_log)"
echo "maxFileAge: $ROWS rows exactly once through SIGKILLs and 5 fault points; $files files for $batches batches"
