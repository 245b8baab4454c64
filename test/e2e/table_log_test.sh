#!/usr/bin/env bash
# The files sink's table log and time-partitioned paths, end to end:
#  1. datagen -> Parquet with 'pathTemplate' = 'dt=%{+yyyy-MM-dd}/hour=%{+HH}' in America/New_York:
#     DuckDB finds every row once, and each row's folder is its event time in New York (UTC-5 in
#     January; the generator's out-of-order events fall in the previous hour);
#  2. the table log holds each batch's source offsets (contiguous per partition, covering every
#     row) and schema, and is folded into a snapshot every 'logCompactInterval' entries;
#  3. `sluice verify` checks it all, Parquet row counts included, and catches a tampered file.
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
