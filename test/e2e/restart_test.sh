#!/usr/bin/env bash
# Restart test: a datagen -> partitioned files pipeline is stopped and killed in every way we know
# (SIGTERM after a batch, SIGKILL mid-batch, a crash at each named fault point between the file
# writes and the commit log, a stop-marker file), restarted each time from its checkpoint, and
# finally run to the end. DuckDB, reading the output folder as any lake reader would (a glob over
# the prefix), must then see every generated row exactly once, identical to an uninterrupted run.
#
#   restart_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail

source "$(dirname "$0")/lib.sh" "$@"

ROWS=30000
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

write_pipeline() {  # $1 file, $2 output folder, $3 checkpoint, $4 rowsPerSecond
  cat > "$1" <<SQL
SET 'checkpointLocation' = '$3';
SET 'stopMarkerPath' = 'STOP';
CREATE SOURCE clicks WITH (
  'connector' = 'datagen', 'seed' = '11', 'numRows' = '$ROWS', 'partitions' = '3',
  'rowsPerSecond' = '$4', 'maxRowsPerTrigger' = '1500');
CREATE SINK lake WITH (
  'connector' = 'files', 'path' = '$2', 'partitionBy' = 'api_version,event_type',
  'maxRecordsPerFile' = '300');
INSERT INTO lake
SELECT event_id, user_id, ts, price, qty, device, tags, referrer, api_version, event_type
FROM clicks;
SQL
}

# The reference: one uninterrupted run, as fast as it goes.
write_pipeline ref.sql ref ref-ckpt 0
"$SLUICE" --log-level warn run ref.sql || fail "reference run failed"

write_pipeline run.sql out ckpt 5000
batches() { [ -f progress.jsonl ] && wc -l < progress.jsonl || echo 0; }
wait_batches() {  # wait until progress.jsonl has at least $1 records (or the process ended)
  for _ in $(seq 1 600); do
    [ "$(batches)" -ge "$1" ] && return 0
    kill -0 "$PID" 2>/dev/null || return 0
    sleep 0.05
  done
  fail "timed out waiting for $1 batches"
}
start() { "$SLUICE" --log-level warn run run.sql --progress progress.jsonl & PID=$!; }
finish() {  # wait for the process, check its exit status is $1
  local status=0
  wait "$PID" || status=$?
  [ "$status" = "$1" ] || fail "$2: exit status $status, expected $1"
}

# 1. SIGTERM after some batches: the batch in flight commits, exit 0, nothing left uncommitted.
start; wait_batches 3; kill -TERM "$PID"; finish 0 "SIGTERM"
last_offsets=$(ls ckpt/lake/offsets | sort -n | tail -1)
[ -f "ckpt/lake/commits/$last_offsets" ] || fail "SIGTERM left batch $last_offsets uncommitted"

# 2. SIGKILL at an arbitrary moment (mid-batch, most likely).
start; wait_batches $(( $(batches) + 2 )); sleep 0.03; kill -KILL "$PID"; finish 137 "SIGKILL"

# 3. Crashes at every named point between staging and the commit log, each on a later batch.
for point in files.after_stage files.mid_file files.mid_publish files.after_publish \
             runtime.after_offsets_log runtime.after_sink_write runtime.after_sink_commit; do
  SLUICE_FAULT_POINTS="$point@2" start; finish 137 "fault point $point"
done

# 4. The stop marker: a graceful stop, like SIGTERM.
start; wait_batches $(( $(batches) + 2 )); touch STOP; finish 0 "stop marker"; rm -f STOP

# 5. Run to the end.
start; finish 0 "final run"
[ -z "$(find out -name '*.inprogress')" ] || fail "staged files left behind"

# What a lake reader sees.
# Explicit column types: DuckDB must read our JSON as these types (and not guess per file).
columns="columns={event_id: 'VARCHAR', user_id: 'BIGINT', ts: 'TIMESTAMP', price: 'DOUBLE', qty: 'INTEGER', device: 'STRUCT(os VARCHAR, browser VARCHAR)', tags: 'VARCHAR[]', referrer: 'VARCHAR'}"
glob="read_json('out/**/*.json', format='newline_delimited', hive_partitioning=true, $columns)"
ref_glob="read_json('ref/**/*.json', format='newline_delimited', hive_partitioning=true, $columns)"
counts=$(duck "SELECT count(*), count(DISTINCT event_id) FROM $glob")
[ "$counts" = "$ROWS|$ROWS" ] || fail "expected $ROWS rows, each once; DuckDB counts (rows|distinct ids): $counts"
ref_counts=$(duck "SELECT count(*), count(DISTINCT event_id) FROM $ref_glob")
[ "$ref_counts" = "$ROWS|$ROWS" ] || fail "reference run: DuckDB counts $ref_counts"
diff=$(duck "SELECT (SELECT count(*) FROM (FROM $glob EXCEPT ALL FROM $ref_glob)), (SELECT count(*) FROM (FROM $ref_glob EXCEPT ALL FROM $glob))")
[ "$diff" = "0|0" ] || fail "output differs from the uninterrupted run (rows only in output|only in reference): $diff"

# Every data file is in the table log, and the log names no missing file.
find out -name '*.json' -not -path '*/_sluice_*' | sed 's|^out/||' | sort > files-on-disk.txt
node "$ROOT/test/e2e/table_log_files.mjs" out > files-in-log.txt
diff -u files-in-log.txt files-on-disk.txt > /dev/null || fail "files on disk and in _sluice_log differ: $(diff files-in-log.txt files-on-disk.txt | head -5)"

# sluice verify agrees: table log and files, and contiguous offsets in the checkpoint.
"$SLUICE" verify out ckpt/lake > verify.txt || fail "sluice verify reported problems: $(cat verify.txt)"
grep -q "table log: .* $ROWS rows" verify.txt || fail "verify did not count $ROWS rows: $(cat verify.txt)"

echo "restart test: $ROWS rows exactly once after SIGTERM, SIGKILL, 7 fault points and a stop marker; $(wc -l < files-on-disk.txt) files"
