#!/usr/bin/env bash
# S3 end to end: a datagen -> files (JSON lines) pipeline whose output `path` and
# `checkpointLocation` are both s3:// URIs on an s3rver started here (127.0.0.1, free port). Every
# object is then listed and downloaded with plain HTTP (no AWS SDK) and checked: the rows of an
# identical local run exactly once, every data file in the table log, no staging left, the
# checkpoint complete; a second run resumes from the S3 checkpoint and writes nothing twice.
#
#   s3_pipeline_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail

source "$(dirname "$0")/lib.sh" "$@"

ROWS=20000
BUCKET=lake
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

start_s3rver "$BUCKET"

write_pipeline() {  # $1 file, $2 output path, $3 checkpoint, $4 numRows
  cat > "$1" <<SQL
SET 'checkpointLocation' = '$3';
SET 'trigger' = 'availableNow';
CREATE SOURCE clicks WITH (
  'connector' = 'datagen', 'seed' = '5', 'numRows' = '$4', 'partitions' = '2',
  'maxRowsPerTrigger' = '4000');
CREATE SINK lake WITH (
  'connector' = 'files', 'path' = '$2', 'format' = 'json', 'partitionBy' = 'event_type',
  'maxRecordsPerFile' = '1500');
INSERT INTO lake SELECT event_id, user_id, ts, price, country, event_type FROM clicks;
SQL
}

write_pipeline ref.sql ref ref-ckpt $ROWS
"$SLUICE" --log-level warn run ref.sql || fail "local reference run failed"

write_pipeline s3.sql "s3://$BUCKET/out" "s3://$BUCKET/ckpt" $ROWS
"$SLUICE" --log-level warn run s3.sql --progress progress.jsonl 2> run1.log || fail "S3 run failed: $(tail -5 run1.log)"
grep -q "S3RVER" run1.log && fail "a credential appears in the log"
batches1=$(wc -l < progress.jsonl)
[ "$batches1" -ge 5 ] || fail "expected at least 5 batches, got $batches1"

# A second run with the same checkpoint and more rows: resumes after the committed batches.
write_pipeline s3-more.sql "s3://$BUCKET/out" "s3://$BUCKET/ckpt" $((ROWS + 6000))
write_pipeline ref-more.sql ref ref-ckpt $((ROWS + 6000))
"$SLUICE" --log-level warn run ref-more.sql || fail "local reference second run failed"
"$SLUICE" --log-level warn run s3-more.sql --progress progress2.jsonl 2> run2.log || fail "S3 second run failed: $(tail -5 run2.log)"
first_batch=$(head -1 progress2.jsonl | grep -o '"batchId":[0-9]*' | cut -d: -f2)
[ "$first_batch" = "$batches1" ] || fail "the second run started at batch $first_batch, expected $batches1"

n_out=$(download out got) || fail "download failed"
n_ckpt=$(download ckpt got-ckpt) || fail "checkpoint download failed"
[ -z "$(find got -name '*.inprogress*' -o -name '*.s3upload')" ] || fail "staging objects left in the bucket"
[ ! -d got/_sluice_staging ] || fail "_sluice_staging left in the bucket"

columns="columns={event_id: 'VARCHAR', user_id: 'BIGINT', ts: 'TIMESTAMP', price: 'DOUBLE', country: 'VARCHAR'}"
glob="read_json('got/**/*.json', format='newline_delimited', hive_partitioning=true, $columns)"
ref_glob="read_json('ref/**/*.json', format='newline_delimited', hive_partitioning=true, $columns)"
total=$((ROWS + 6000))
counts=$(duck "SELECT count(*), count(DISTINCT event_id) FROM $glob")
[ "$counts" = "$total|$total" ] || fail "expected $total rows once each from S3; DuckDB (rows|distinct): $counts"
diff=$(duck "SELECT (SELECT count(*) FROM (FROM $glob EXCEPT ALL FROM $ref_glob)), (SELECT count(*) FROM (FROM $ref_glob EXCEPT ALL FROM $glob))")
[ "$diff" = "0|0" ] || fail "S3 output differs from the local run (only S3|only local): $diff"
# Same object names (but for the query id in them) and bytes as the local run.
sums() { (cd "$1" && find . -name '*.json' -not -path './_sluice_*' | sort | xargs md5sum | sed -E 's/-[0-9a-f]{8}\.json$/.json/'); }
sums got > s3-sums.txt
sums ref > ref-sums.txt
cmp -s s3-sums.txt ref-sums.txt || fail "S3 files differ from local files: $(diff s3-sums.txt ref-sums.txt | head -3)"

# Checkpoint on S3: one metadata, and offsets/N with commits/N for every batch.
[ -f got-ckpt/lake/metadata ] || fail "no checkpoint metadata on S3"
offsets=$(ls got-ckpt/lake/offsets | sort -n | tr '\n' ' ')
commits=$(ls got-ckpt/lake/commits | sort -n | tr '\n' ' ')
[ "$offsets" = "$commits" ] || fail "offsets ($offsets) and commits ($commits) differ"
[ -z "$(ls -A got-ckpt/lake | grep -v -E '^(metadata|offsets|commits|sources|sink)$' || true)" ] || fail "unexpected objects in the checkpoint: $(ls -A got-ckpt/lake)"

# Every data file is in the table log, and the log names no missing file.
find got -name '*.json' -not -path '*/_sluice_*' | sed 's|^got/||' | sort > files-in-bucket.txt
node "$ROOT/test/e2e/table_log_files.mjs" got > files-in-log.txt
diff -q files-in-log.txt files-in-bucket.txt > /dev/null || fail "objects and _sluice_log differ: $(diff files-in-log.txt files-in-bucket.txt | head -5)"

# The S3 request counters are in the progress records (process totals).
grep -q '"s3":{"bytesReceived":' progress2.jsonl || fail "no s3 counters in the progress records"

# Parquet (zstd) on S3, checkpoint on S3, checked by `sluice verify` straight on the bucket (every
# object's size and Parquet row count against the table log) and by DuckDB against the local run.
cat > s3-parquet.sql <<SQL
SET 'checkpointLocation' = 's3://$BUCKET/pq-ckpt';
SET 'trigger' = 'availableNow';
CREATE SOURCE clicks WITH (
  'connector' = 'datagen', 'seed' = '5', 'numRows' = '$ROWS', 'partitions' = '2',
  'maxRowsPerTrigger' = '4000');
CREATE SINK lake WITH (
  'connector' = 'files', 'path' = 's3://$BUCKET/pq', 'format' = 'parquet', 'compression' = 'zstd',
  'partitionBy' = 'event_type');
INSERT INTO lake SELECT event_id, user_id, ts, price, country, event_type FROM clicks;
SQL
"$SLUICE" --log-level warn run s3-parquet.sql 2> run-pq.log || fail "S3 Parquet run failed: $(tail -5 run-pq.log)"
"$SLUICE" verify "s3://$BUCKET/pq" > verify-pq.txt || fail "verify on S3: $(cat verify-pq.txt)"
grep -q "not checked" verify-pq.txt && fail "verify skipped Parquet row counts: $(cat verify-pq.txt)"
download pq got-pq > /dev/null || fail "Parquet download failed"
pq_glob="read_parquet('got-pq/**/*.parquet', hive_partitioning=true)"
counts=$(duck "SELECT count(*), count(DISTINCT event_id) FROM $pq_glob")
[ "$counts" = "$ROWS|$ROWS" ] || fail "Parquet on S3: expected $ROWS rows once each; DuckDB: $counts"
diff=$(duck "SELECT count(*) FROM (SELECT event_id, user_id, price, country, event_type FROM $pq_glob
             EXCEPT ALL SELECT event_id, user_id, price, country, event_type FROM $ref_glob)")
[ "$diff" = "0" ] || fail "Parquet on S3 has $diff rows the local run does not"
echo "ok: Parquet on S3 verified and read back by DuckDB"

echo "s3 pipeline test: $total rows exactly once in $(wc -l < files-in-bucket.txt) objects on s3rver ($n_out output + $n_ckpt checkpoint objects), resumed at batch $batches1, byte-identical to the local run"
