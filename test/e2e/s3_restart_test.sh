#!/usr/bin/env bash
# S3 restart test: the exactly-once crash loop of restart_test.sh, with the output `path` and the
# `checkpointLocation` on s3:// (s3rver, started here on a free 127.0.0.1 port). The pipeline is
# stopped by SIGTERM, killed by SIGKILL at random moments, crashed at every named fault point
# (runtime.* and files.*), restarted each time, and finally run to the end. Every object is then
# listed and downloaded with plain HTTP: DuckDB must see each generated row exactly once,
# identical to an uninterrupted local run, every data object must be in the table log, and no
# staging object (in-progress marker) may be left.
#
#   s3_restart_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail

source "$(dirname "$0")/lib.sh" "$@"

ROWS=24000
BUCKET=lake
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

start_s3rver "$BUCKET"
# Parts far under S3's 5 MiB minimum (s3rver takes them): every file above 16 KB becomes a
# multipart upload held open until its batch commits, so the kills land mid-upload.
export SLUICE_S3_PART_SIZE=16KB SLUICE_S3_PARALLEL_PARTS=2

write_pipeline() {  # $1 file, $2 output, $3 checkpoint, $4 rowsPerSecond
  cat > "$1" <<SQL
SET 'checkpointLocation' = '$3';
SET 'stopMarkerPath' = 'STOP';
CREATE SOURCE clicks WITH (
  'connector' = 'datagen', 'seed' = '11', 'numRows' = '$ROWS', 'partitions' = '3',
  'rowsPerSecond' = '$4', 'maxRowsPerTrigger' = '1500');
CREATE SINK lake WITH (
  'connector' = 'files', 'path' = '$2', 'format' = 'json',
  'partitionBy' = 'api_version,event_type', 'maxRecordsPerFile' = '400');
INSERT INTO lake
SELECT event_id, user_id, ts, price, qty, device, tags, referrer, api_version, event_type
FROM clicks;
SQL
}

write_pipeline ref.sql ref ref-ckpt 0
"$SLUICE" --log-level warn run ref.sql || fail "reference run failed"

write_pipeline run.sql "s3://$BUCKET/out" "s3://$BUCKET/ckpt" 4000
batches() { [ -f progress.jsonl ] && wc -l < progress.jsonl || echo 0; }
wait_batches() {
  for _ in $(seq 1 1200); do
    [ "$(batches)" -ge "$1" ] && return 0
    kill -0 "$PID" 2>/dev/null || return 0
    sleep 0.05
  done
  fail "timed out waiting for $1 batches"
}
start() { "$SLUICE" --log-level warn run run.sql --progress progress.jsonl 2>> runs.log & PID=$!; }
finish() {
  local status=0
  wait "$PID" || status=$?
  [ "$status" = "$1" ] || fail "$2: exit status $status, expected $1 (log: $(tail -3 runs.log))"
}

# 1. SIGTERM after some batches: the batch in flight commits, exit 0.
start; wait_batches 2; kill -TERM "$PID"; finish 0 "SIGTERM"
# 2. SIGKILL at arbitrary moments (mid-upload, most likely), three times.
for delay in 0.02 0.15 0.4; do
  start; wait_batches $(( $(batches) + 1 )); sleep $delay; kill -KILL "$PID" 2>/dev/null || true
  wait "$PID" || true
done
# 3. Crashes at every named point between staging and the commit log, each on a later batch.
for point in files.after_stage files.mid_file files.mid_publish files.after_publish \
             runtime.after_offsets_log runtime.after_sink_write runtime.after_sink_commit \
             runtime.after_commit_log; do
  SLUICE_FAULT_POINTS="$point@2" start; finish 137 "fault point $point"
done
# 4. The stop marker.
start; wait_batches $(( $(batches) + 1 )); touch STOP; finish 0 "stop marker"; rm -f STOP
# 5. Run to the end.
start; finish 0 "final run"
grep -q "S3RVER" runs.log && fail "a credential appears in the log"
# Allowed: the notes below, and retries (s3rver's multi-object delete races with its own folder
# pruning and answers 500 now and then: the client retries, which is the point). An "unreadable
# upload marker" is a marker PUT cut by SIGKILL that s3rver stored truncated (S3 would reject
# it): the marker is removed, its upload left to the lifecycle rule, the output stays right.
retries=$(grep -c "; retry [0-9]*/" runs.log || true)
grep -v -E "under S3.s 5 MiB|cannot abort multipart uploads|aborting the open upload|ignores If-None-Match|unreadable upload marker|; retry [0-9]+/" runs.log | grep -i -E "warn|error" | head -3 > unexpected.log || true
[ ! -s unexpected.log ] || fail "unexpected warnings: $(cat unexpected.log)"
aborted=$(grep -c "aborting the open upload" runs.log || true)

n_out=$(download out got) || fail "download failed"
[ -z "$(find got -name '*.inprogress*' -o -name '*.s3upload')" ] || fail "staging objects left: $(find got -name '*.inprogress*' -o -name '*.s3upload' | head -3)"

columns="columns={event_id: 'VARCHAR', user_id: 'BIGINT', ts: 'TIMESTAMP', price: 'DOUBLE', qty: 'INTEGER', device: 'STRUCT(os VARCHAR, browser VARCHAR)', tags: 'VARCHAR[]', referrer: 'VARCHAR'}"
glob="read_json('got/**/*.json', format='newline_delimited', hive_partitioning=true, $columns)"
ref_glob="read_json('ref/**/*.json', format='newline_delimited', hive_partitioning=true, $columns)"
counts=$(duck "SELECT count(*), count(DISTINCT event_id) FROM $glob")
[ "$counts" = "$ROWS|$ROWS" ] || fail "expected $ROWS rows, each once; DuckDB counts (rows|distinct ids): $counts"
diff=$(duck "SELECT (SELECT count(*) FROM (FROM $glob EXCEPT ALL FROM $ref_glob)), (SELECT count(*) FROM (FROM $ref_glob EXCEPT ALL FROM $glob))")
[ "$diff" = "0|0" ] || fail "output differs from the uninterrupted run (only S3|only reference): $diff"

find got -name '*.json' -not -path '*/_sluice_*' | sed 's|^got/||' | sort > files-in-bucket.txt
node "$ROOT/test/e2e/table_log_files.mjs" got > files-in-log.txt
diff -q files-in-log.txt files-in-bucket.txt > /dev/null || fail "objects and _sluice_log differ: $(diff files-in-log.txt files-in-bucket.txt | head -5)"

echo "s3 restart test: $ROWS rows exactly once on s3rver after SIGTERM, 3 SIGKILLs, 8 fault points and a stop marker; $(wc -l < files-in-bucket.txt) objects; $aborted open uploads found by their markers at recovery, $retries retried requests"
