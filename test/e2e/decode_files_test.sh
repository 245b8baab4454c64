#!/usr/bin/env bash
# Decode end to end: files source (JSON lines, with the malformed corpus test/data/decode/) ->
# decode -> files sink (JSON lines), checked by DuckDB.
#  1. Every case of the malformed corpus lands where the policy says, with its reason kind, in
#     the quarantine (badRecordsPath), and the progress record counts bad records per reason.
#  2. Each mode: PERMISSIVE keeps bad rows (corrupt column), DROPMALFORMED drops them, FAILFAST
#     stops the query (exit 1) naming the file, the line and the reason.
#  3. Restart in the middle: crashes at fault points after the quarantine was published and after
#     the sink committed, new files arriving between runs; good rows and quarantined rows each
#     appear exactly once.
#  4. .gz / .zst inputs; CSV with header, quotes, multi-line fields; text.
#
#   decode_files_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail

source "$(dirname "$0")/lib.sh" "$@"
DATA=$ROOT/test/data/decode
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }

rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

COLUMNS='id BIGINT, price DOUBLE, device STRUCT<os STRING, browser STRING>, tags ARRAY<STRING>, ts TIMESTAMP'

pipeline() {  # $1 file, $2 mode, $3 input dir, $4 output, $5 checkpoint, $6 extra options
  cat > "$1" <<SQL
SET 'checkpointLocation' = '$5';
SET 'trigger' = 'availableNow';
CREATE SOURCE clicks ($COLUMNS, _corrupt_record STRING) WITH (
  'connector' = 'files', 'path' = '$3', 'format' = 'json', 'mode' = '$2',
  'badRecordsPath' = '$4-bad' $6);
CREATE SINK lake WITH ('connector' = 'files', 'path' = '$4');
INSERT INTO lake SELECT * FROM clicks;
SQL
}

# --- 1 + 2. The corpus under each mode ---------------------------------------------------------
mkdir corpus && cp "$DATA/json/malformed.jsonl" corpus/
expected_bad=$(wc -l < "$DATA/json/malformed.expected")
# Lines that are records (non-blank) in the corpus.
records=$(grep -cv '^\s*$' "$DATA/json/malformed.jsonl" || true)

pipeline permissive.sql PERMISSIVE corpus perm perm-ckpt ""
"$SLUICE" --log-level warn run permissive.sql --progress perm.jsonl || fail "PERMISSIVE run failed"
expect_eq "$(duck "SELECT count(*) FROM read_json('perm/**/*.json')")" "$records" "PERMISSIVE keeps every record"
expect_eq "$(duck "SELECT count(*) FROM read_json('perm/**/*.json') WHERE _corrupt_record IS NOT NULL")" \
  "$expected_bad" "PERMISSIVE: corrupt-record column set on bad rows only"
# The quarantine: one line per bad record, with the expected line and reason kind.
duck "SELECT line || ' ' || reasonKind FROM read_json('perm-bad/**/*.json', format='newline_delimited') ORDER BY line" > got.txt
diff got.txt "$DATA/json/malformed.expected" || fail "quarantine lines/reasons differ from malformed.expected"
expect_eq "$(duck "SELECT count(*) FROM read_json('perm-bad/**/*.json') WHERE reason = 'field ''price'': expected DOUBLE, got string \"abc\"'")" \
  1 "precise reason text"
expect_eq "$(duck "SELECT count(*) FROM read_json('perm-bad/**/*.json') WHERE file LIKE '%malformed.jsonl' AND batchId = 0 AND NOT dropped")" \
  "$expected_bad" "coordinates and batch id in the quarantine"
grep -q '"badRecords":{"count":'"$expected_bad"',"byReason":{' perm.jsonl || fail "progress lacks badRecords"
# Partial results: the good fields of a record with one bad field are kept.
expect_eq "$(duck "SELECT id FROM read_json('perm/**/*.json') WHERE _corrupt_record LIKE '%\"abc\"%'")" 2 "good fields kept"

pipeline drop.sql DROPMALFORMED corpus drop drop-ckpt ""
"$SLUICE" --log-level warn run drop.sql || fail "DROPMALFORMED run failed"
expect_eq "$(duck "SELECT count(*) FROM read_json('drop/**/*.json')")" "$((records - expected_bad))" "DROPMALFORMED drops bad rows"
expect_eq "$(duck "SELECT count(*) FROM read_json('drop/**/*.json') WHERE _corrupt_record IS NOT NULL")" 0 "DROPMALFORMED"
expect_eq "$(duck "SELECT count(*) FROM read_json('drop-bad/**/*.json') WHERE dropped")" "$expected_bad" "dropped rows quarantined"

pipeline failfast.sql FAILFAST corpus ff ff-ckpt ""
status=0
"$SLUICE" --log-level warn run failfast.sql 2> ff.err || status=$?
expect_eq "$status" 1 "FAILFAST exit status"
grep -q "malformed record at file 'corpus/malformed.jsonl' line 1: malformed JSON" ff.err ||
  { cat ff.err; fail "FAILFAST message lacks the coordinates and reason"; }
[ -z "$(ls ff 2>/dev/null | grep -v '^_' || true)" ] || fail "FAILFAST published output"

# --- 3. Restart in the middle ------------------------------------------------------------------
mkdir in
cp "$DATA/json/good-0.jsonl" in/01-good.jsonl
cp "$DATA/json/malformed.jsonl" in/02-bad.jsonl
pipeline run.sql DROPMALFORMED in out ckpt ", 'maxFilesPerTrigger' = '1'"
# Batch 0 commits; batch 1 dies after its quarantine was published, before the sink commit.
status=0
SLUICE_FAULT_POINTS=runtime.after_sink_write@2 "$SLUICE" --log-level warn run run.sql || status=$?
expect_eq "$status" 137 "crash at runtime.after_sink_write"
[ -f out-bad/lake/bad-records-000001.json ] || fail "quarantine of batch 1 not published before the crash"
# More files arrive; the replay of batch 1 and batch 2 run, then a crash after batch 2's commit.
cp "$DATA/json/good-1.jsonl" in/03-good.jsonl
printf '{"id":1000}\n' | gzip > in/04-small.jsonl.gz
status=0
SLUICE_FAULT_POINTS=runtime.after_sink_commit@2 "$SLUICE" --log-level warn run run.sql || status=$?
expect_eq "$status" 137 "crash at runtime.after_sink_commit"
cp "$DATA/json/good-2.jsonl" in/05-good.jsonl
printf '{"id":1001}\n{"id":"bad"}\n' | zstd -q > in/06-small.jsonl.zst
"$SLUICE" --log-level warn run run.sql || fail "final run failed"
good_rows=$((300 + records - expected_bad + 1 + 1))
expect_eq "$(duck "SELECT count(*) FROM read_json('out/**/*.json')")" "$good_rows" "good rows after restarts"
expect_eq "$(duck "SELECT count(*) FROM (SELECT DISTINCT id, _corrupt_record, ts FROM read_json('out/**/*.json'))")" \
  "$good_rows" "good rows exactly once"
expect_eq "$(duck "SELECT count(*) FROM read_json('out-bad/**/*.json')")" "$((expected_bad + 1))" "quarantined rows after restarts"
expect_eq "$(duck "SELECT count(*) FROM (SELECT DISTINCT file, line FROM read_json('out-bad/**/*.json'))")" \
  "$((expected_bad + 1))" "quarantined rows exactly once"
# A run with nothing new reads nothing again.
"$SLUICE" --log-level warn run run.sql --progress again.jsonl || fail "idle run failed"
[ ! -s again.jsonl ] || fail "a restart read already processed files again"

# --- 4. CSV and text ---------------------------------------------------------------------------
mkdir csvin && cp "$DATA/csv/people.csv" csvin/
cat > csv.sql <<SQL
SET 'checkpointLocation' = 'csv-ckpt';
SET 'trigger' = 'availableNow';
CREATE SOURCE people (id INT, name STRING, score DOUBLE, born DATE, _corrupt_record STRING) WITH (
  'connector' = 'files', 'path' = 'csvin', 'format' = 'csv', 'header' = 'true',
  'badRecordsPath' = 'csv-bad');
CREATE SINK out WITH ('connector' = 'files', 'path' = 'csvout');
INSERT INTO out SELECT id, name, score, born, _corrupt_record IS NOT NULL AS bad FROM people;
SQL
"$SLUICE" --log-level warn run csv.sql || fail "CSV run failed"
duck "SELECT id, name, score, born, bad FROM read_json('csvout/**/*.json') ORDER BY id NULLS LAST" > csv.txt
cat > csv.expected <<'TXT'
1|alice|1.5|2001-02-03|false
2|bob, jr.|2.0|2002-03-04|false
3|multi
line "quoted"|"NaN"|NULL|false
4|dave|NULL|2004-01-01|true
5|eve|NULL|NULL|true
NULL|NULL|NULL|NULL|true
TXT
diff csv.txt csv.expected || fail "CSV rows"
duck "SELECT line || ' ' || reasonKind FROM read_json('csv-bad/**/*.json') ORDER BY line" > csvbad.txt
printf '6 type_mismatch\n7 field_count\n8 malformed_csv\n' | diff csvbad.txt - || fail "CSV quarantine"

mkdir textin && printf 'first line\r\n\nthird\n' > textin/a.txt
cat > text.sql <<SQL
SET 'checkpointLocation' = 'text-ckpt';
SET 'trigger' = 'availableNow';
CREATE SOURCE lines WITH ('connector' = 'files', 'path' = 'textin', 'format' = 'text');
CREATE SINK out WITH ('connector' = 'files', 'path' = 'textout');
INSERT INTO out SELECT value FROM lines;
SQL
"$SLUICE" --log-level warn run text.sql || fail "text run failed"
expect_eq "$(duck "SELECT string_agg(value, ',') FROM read_json('textout/**/*.json')")" "first line,,third" "text lines"

# path must be a directory.
sed "s|'path' = 'textin'|'path' = 'textin/a.txt'|" text.sql > notdir.sql
status=0
"$SLUICE" check notdir.sql > notdir.out 2>&1 || status=$?
expect_eq "$status" 2 "check on a file path"
grep -q "is not a directory" notdir.out || { cat notdir.out; fail "path-is-a-file message"; }

echo "decode_files_test: OK"
