#!/usr/bin/env bash
# The files sink's table log and time-partitioned paths, end to end:
#  1. datagen -> Parquet with 'pathTemplate' = 'dt=%{+yyyy-MM-dd}/hour=%{+HH}' in America/New_York:
#     DuckDB finds every row once, and each row's folder is its event time in New York (UTC-5 in
#     January; the generator's out-of-order events fall in the previous hour);
#  2. the table log holds each batch's source offsets (contiguous per partition, covering every
#     row) and schema, and is folded into a snapshot every 'logCompactInterval' entries;
#  3. `sluice verify` checks it all, Parquet row counts included, and catches a tampered file;
#  4. a replay that rolls files at other points than the interrupted attempt leaves no stale file.
#
#   table_log_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail

source "$(dirname "$0")/lib.sh" "$@"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

cat > pipeline.sql <<'SQL'
SET 'trigger' = 'availableNow';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'seed' = '11', 'numRows' = '3000',
                           'partitions' = '2', 'maxRowsPerTrigger' = '500');
CREATE SINK lake WITH (
  'connector' = 'files', 'path' = 'out', 'format' = 'parquet', 'compression' = 'zstd',
  'pathTemplate' = 'dt=%{+yyyy-MM-dd}/hour=%{+HH}', 'pathTemplateTimeColumn' = 'ts',
  'pathTemplateTimeZone' = 'America/New_York', 'logCompactInterval' = '3',
  'checkpointLocation' = 'ck');
INSERT INTO lake SELECT event_id, user_id, ts, country FROM clicks;
SQL
"$SLUICE" run pipeline.sql > run.log 2>&1 || fail "run failed: $(tail -5 run.log)"

# 1. Every row once, in its New York hour.
[ "$(duck "SELECT count(*), count(DISTINCT event_id) FROM read_parquet('out/**/*.parquet')")" = "3000|3000" ] ||
  fail "rows: $(duck "SELECT count(*), count(DISTINCT event_id) FROM read_parquet('out/**/*.parquet')")"
wrong=$(duck "SELECT count(*) FROM read_parquet('out/**/*.parquet', hive_partitioning = true, hive_types_autocast = false)
              WHERE dt <> strftime(ts::TIMESTAMP - INTERVAL 5 HOUR, '%Y-%m-%d')
                 OR hour <> strftime(ts::TIMESTAMP - INTERVAL 5 HOUR, '%H')")
[ "$wrong" = "0" ] || fail "$wrong rows are in the wrong time folder"
folders=$(cd out && ls -d dt=*/hour=* | sort | tr '\n' ' ')
[ "$folders" = "dt=2023-12-31/hour=18 dt=2023-12-31/hour=19 " ] || fail "folders: $folders"
echo "ok: pathTemplate folders in America/New_York, every row once"

# 2. The log: 6 batches of 500 rows, folded at batches 2 and 5; the newest entry stays.
log=$(ls out/_sluice_log | tr '\n' ' ')
[ "$log" = "00000000000000000005 00000000000000000005.snapshot " ] || fail "table log: $log"
node - out/_sluice_log/00000000000000000005.snapshot <<'JS' || fail "snapshot content"
const lines = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map(JSON.parse);
const [header, ...entries] = lines;
if (header.snapshotOf !== 5 || header.entries !== 6 || entries.length !== 6) throw new Error("header");
const next = {};
let rows = 0;
entries.forEach((e, i) => {
  if (e.batchId !== i) throw new Error("order");
  if (e.source.name !== "clicks") throw new Error("source name");
  for (const [p, [start, end]] of Object.entries(e.source.offsets)) {
    if ((next[p] ?? 0) !== start) throw new Error(`partition ${p} not contiguous at batch ${i}`);
    next[p] = end;
    rows += end - start;
  }
  if (e.schema.map((f) => f.name).join(",") !== "event_id,user_id,ts,country") throw new Error("schema");
  if (e.rows !== e.files.reduce((n, f) => n + f.rows, 0)) throw new Error("rows");
});
if (rows !== 3000) throw new Error(`offsets cover ${rows} rows`);
JS
echo "ok: table log with source offsets and schema, folded into a snapshot"

# 3. verify: consistent, Parquet rows counted; then a tampered file is caught.
"$SLUICE" verify out > verify.txt || fail "verify: $(cat verify.txt)"
grep -q "table log: 6 batches (0..5)" verify.txt || fail "verify report: $(cat verify.txt)"
grep -q "snapshot at batch 5" verify.txt || fail "verify report: $(cat verify.txt)"
grep -q "not checked" verify.txt && fail "row counts skipped: $(cat verify.txt)"
victim=$(cd out && ls dt=*/hour=19/*.parquet | head -1)
head -c 100 "out/$victim" > truncated && cat truncated > "out/$victim"
if "$SLUICE" verify out > verify2.txt; then fail "verify missed a truncated Parquet file"; fi
grep -q "is not a readable Parquet file" verify2.txt || fail "verify report: $(cat verify2.txt)"
echo "ok: sluice verify"

# 4. A replay that rolls files at other points. Batch 1 (500 rows, files of 100 rows) dies after
#    publishing 3 of its 5 files; the query restarts with 'maxRecordsPerFile' = 1000, so its replay
#    of batch 1 writes one file. The publish intent makes the replay remove the 2 stale files it
#    does not rewrite: every row once, every file in the log.
roll_pipeline() {  # $1 maxRecordsPerFile
  cat > roll.sql <<SQL
SET 'trigger' = 'availableNow';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'seed' = '5', 'numRows' = '1500',
                           'partitions' = '1', 'maxRowsPerTrigger' = '500');
CREATE SINK lake WITH ('connector' = 'files', 'path' = 'roll', 'format' = 'json',
                       'maxRecordsPerFile' = '$1', 'checkpointLocation' = 'roll-ck');
INSERT INTO lake SELECT event_id, user_id FROM clicks;
SQL
}
roll_pipeline 100
s=0; SLUICE_FAULT_POINTS="files.between_publishes@7" "$SLUICE" --log-level warn run roll.sql 2> roll1.log || s=$?
[ "$s" = 137 ] || fail "the crash between publishes did not happen (exit $s): $(tail -3 roll1.log)"
[ "$(ls roll/part-000001-* | wc -l)" = 3 ] || fail "expected 3 published files of batch 1: $(ls roll)"
[ -f roll/_sluice_log/00000000000000000001.publishing ] || fail "no publish intent: $(ls roll/_sluice_log)"
if "$SLUICE" verify roll > verify3.txt; then fail "verify missed the interrupted batch"; fi
grep -q "batch 1 was interrupted while publishing" verify3.txt || fail "verify report: $(cat verify3.txt)"
roll_pipeline 1000
"$SLUICE" --log-level info run roll.sql > roll2.log 2>&1 || fail "replay run: $(tail -3 roll2.log)"
grep -q "removing 'part-000001-0001-" roll2.log || fail "the replay did not remove a stale file: $(grep -i batch roll2.log | head)"
got=$(duck "SELECT count(*), count(DISTINCT event_id) FROM read_json('roll/*.json', format='newline_delimited', columns={event_id: 'VARCHAR'})")
[ "$got" = "1500|1500" ] || fail "after a replay with other roll points: rows|distinct = $got: $(ls roll)"
[ "$(ls roll/part-000001-* | wc -l)" = 1 ] || fail "batch 1 files: $(ls roll)"
ls roll/_sluice_log | grep -q publishing && fail "a publish intent stayed: $(ls roll/_sluice_log)"
"$SLUICE" verify roll > verify4.txt || fail "verify after the replay: $(cat verify4.txt)"
echo "ok: a replay rolling files at other points removes the stale files of the interrupted publish"
