#!/usr/bin/env bash
# Kafka source end to end, against `sluice kafka-dev` with records produced by kcat (an
# independent client) into 4 partitions:
#  1. a bounded query (endingOffsets=latest) with maxOffsetsPerTrigger -> JSON decode -> files
#     sink in JSON and in Parquet (two queries over one source): every record exactly once
#     (DuckDB counts, anti-joins against the input both ways, (partition, offset) unique and
#     contiguous), each batch within the cap, and the query ends by itself;
#  2. trigger availableNow restarted from its checkpoint across new input, killed by a fault
#     point mid-batch (after the sink wrote, before the commit) and by SIGKILL while running:
#     exactly once, `sluice verify` clean;
#  3. startingTimestamp in the future: the query refuses to start (strategy error) or starts at
#     the latest offsets (strategy latest) and reads only what is produced after.
#
#   kafka_source_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/kafka_lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

start_kafka_dev --brokers 3 --topic clicks:4 --topic more:4 --topic late:4

N=12000     # ~4.6 MB in all: ~1.1 MB per partition, far below the mock's ~5 MB
CAP=2500
"$SLUICE" gen --count $N --seed 21 -o events.ndjson
kcat_produce_spread clicks events.ndjson 4

COLUMNS="event_id STRING NOT NULL, user_id BIGINT, event_type STRING, ts TIMESTAMP, price DOUBLE,
  device STRUCT<os STRING, browser STRING>, tags ARRAY<STRING>,
  kafka_partition INT METADATA FROM 'partition', kafka_offset BIGINT METADATA FROM 'offset'"
EVENTS_JSON="read_json('events.ndjson', format='newline_delimited', columns={event_id: 'VARCHAR', user_id: 'BIGINT', price: 'DOUBLE'})"

# --- 1. bounded: endingOffsets + maxOffsetsPerTrigger, JSON and Parquet sinks -------------------
cat > bounded.sql <<SQL
SET 'checkpointLocation' = 'ckpt1';
CREATE SOURCE clicks ($COLUMNS) WITH (
  'connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS', 'subscribe' = 'clicks',
  'startingOffsets' = 'earliest', 'endingOffsets' = 'latest', 'maxOffsetsPerTrigger' = '$CAP');
CREATE SINK lake_json WITH ('connector' = 'files', 'path' = 'out_json', 'format' = 'json');
CREATE SINK lake_parquet WITH ('connector' = 'files', 'path' = 'out_parquet', 'format' = 'parquet');
INSERT INTO lake_json SELECT * FROM clicks;
INSERT INTO lake_parquet SELECT * FROM clicks;
SQL
timeout 120 "$SLUICE" run bounded.sql --progress progress1.jsonl 2> run1.log ||
  fail "bounded run (exit $?): $(tail -5 run1.log)"

check_exactly_once() {  # $1 label, $2 DuckDB relation of the output, $3 expected rows
  local got
  got=$(duck "WITH i AS (SELECT * FROM $EVENTS_JSON), o AS (SELECT * FROM $2)
    SELECT (SELECT count(*) FROM o), (SELECT count(DISTINCT event_id) FROM o),
      (SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM o),
      (SELECT sum(user_id) FROM o) = (SELECT sum(user_id) FROM i),
      (SELECT count(*) FROM i ANTI JOIN o USING (event_id)),
      (SELECT count(*) FROM o ANTI JOIN i ON i.event_id = o.event_id AND i.price IS NOT DISTINCT FROM o.price)")
  [ "$got" = "$3|$3|$3|true|0|0" ] ||
    fail "$1: rows|distinct ids|distinct (partition, offset)|same sum(user_id)|missing|unexpected = $got, expected $3|$3|$3|true|0|0"
}
OUT_JSON="read_json('out_json/**/*.json', format='newline_delimited', columns={event_id: 'VARCHAR', user_id: 'BIGINT', price: 'DOUBLE', kafka_partition: 'INTEGER', kafka_offset: 'BIGINT'})"
check_exactly_once "json sink" "$OUT_JSON" $N
check_exactly_once "parquet sink" "read_parquet('out_parquet/**/*.parquet')" $N
# Offsets per partition are 0..count-1 in all 4 partitions; the Parquet file has the declared
# types (the nested ones too).
got=$(duck "SELECT (SELECT count(*) || '|' || bool_and(lo = 0 AND hi = n - 1) FROM (SELECT kafka_partition, min(kafka_offset) lo, max(kafka_offset) hi, count(*) n FROM read_parquet('out_parquet/**/*.parquet') GROUP BY 1)), (SELECT typeof(device) || '|' || typeof(tags) || '|' || typeof(ts) || '|' || typeof(kafka_partition) FROM read_parquet('out_parquet/**/*.parquet') LIMIT 1)")
[ "$got" = "4|true|STRUCT(os VARCHAR, browser VARCHAR)|VARCHAR[]|TIMESTAMP WITH TIME ZONE|INTEGER" ] ||
  fail "partitions|offsets contiguous|Parquet types: $got"
# maxOffsetsPerTrigger per batch: each batch read <= CAP, its offset ranges add up to its rows,
# and the batches of each query add up to N.
py - progress1.jsonl $CAP $N <<'PY' || fail "maxOffsetsPerTrigger: $(head -c 2000 progress1.jsonl)"
import json, sys
cap, n = int(sys.argv[2]), int(sys.argv[3])
per_query = {}
for line in open(sys.argv[1]):
    p = json.loads(line)
    src = p["sources"][0]
    span = sum(src["endOffset"][k] - src["startOffset"].get(k, 0) for k in src["endOffset"])
    assert p["numInputRows"] <= cap, f"batch {p['batchId']} of {p['name']}: {p['numInputRows']} rows"
    assert span == p["numInputRows"], f"batch {p['batchId']}: offsets span {span} != rows {p['numInputRows']}"
    per_query.setdefault(p["name"], []).append(p["numInputRows"])
assert sorted(per_query) == ["lake_json", "lake_parquet"], per_query.keys()
for name, rows in per_query.items():
    assert sum(rows) == n, f"{name}: {sum(rows)} rows"
    assert len(rows) >= -(-n // cap), f"{name}: {len(rows)} batches"
PY
"$SLUICE" verify out_json out_parquet ckpt1/lake_json ckpt1/lake_parquet > verify1.txt ||
  fail "verify: $(cat verify1.txt)"

# --- 2. availableNow, restarts, a fault point mid-batch, SIGKILL ------------------------------
"$SLUICE" gen --count 16000 --seed 22 -o more.ndjson
head -n 8000 more.ndjson > more_a.ndjson
tail -n 8000 more.ndjson > more_b.ndjson
kcat_produce_spread more more_a.ndjson 4
cat > more.sql <<SQL
SET 'checkpointLocation' = 'ckpt2';
SET 'trigger' = 'availableNow';
CREATE SOURCE more ($COLUMNS) WITH (
  'connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS', 'subscribe' = 'more',
  'startingOffsets' = 'earliest', 'maxOffsetsPerTrigger' = '250');
CREATE SINK out2 WITH ('connector' = 'files', 'path' = 'out2', 'format' = 'parquet');
INSERT INTO out2 SELECT * FROM more;
SQL
s=0; SLUICE_FAULT_POINTS=runtime.after_sink_write@3 "$SLUICE" --log-level warn run more.sql 2> run2.log || s=$?
[ "$s" = 137 ] || fail "fault point run: exit $s, $(tail -3 run2.log)"
timeout 60 "$SLUICE" --log-level warn run more.sql 2>> run2.log || fail "restart after the fault point: $(tail -3 run2.log)"
kcat_produce_spread more more_b.ndjson 4
# SIGKILL once a few batches of the new input committed (32 batches of 250: a batch takes a few
# ms, so the run must be long enough to be killed in the middle).
"$SLUICE" --log-level warn run more.sql --progress progress2.jsonl 2>> run2.log & pid=$!
for _ in $(seq 1 400); do [ "$(cat progress2.jsonl 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.025; done
kill -KILL $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[ "$(wc -l < progress2.jsonl)" -lt 32 ] || fail "the run ended before the SIGKILL: make the input bigger"
timeout 60 "$SLUICE" --log-level warn run more.sql 2>> run2.log || fail "restart after SIGKILL: $(tail -3 run2.log)"
EVENTS_JSON="read_json('more.ndjson', format='newline_delimited', columns={event_id: 'VARCHAR', user_id: 'BIGINT', price: 'DOUBLE'})"
check_exactly_once "availableNow with restarts" "read_parquet('out2/**/*.parquet')" 16000
"$SLUICE" verify out2 ckpt2/out2 > verify2.txt || fail "verify: $(cat verify2.txt)"

# --- 3. startingTimestamp (in the future: no record at or after it) ---------------------------
FUTURE=$(( ($(date +%s) + 86400) * 1000 ))
"$SLUICE" gen --count 300 --seed 23 -o late_before.ndjson
kcat_produce_spread late late_before.ndjson 4
timestamp_pipeline() {  # $1 strategy
  cat > late.sql <<SQL
SET 'checkpointLocation' = 'ckpt3-$1';
CREATE SOURCE late ($COLUMNS) WITH (
  'connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS', 'subscribe' = 'late',
  'startingTimestamp' = '$FUTURE', 'startingOffsetsByTimestampStrategy' = '$1');
CREATE SINK out3 WITH ('connector' = 'files', 'path' = 'out3-$1', 'format' = 'json');
INSERT INTO out3 SELECT * FROM late;
SQL
}
timestamp_pipeline error
s=0; timeout 60 "$SLUICE" run late.sql 2> run3.log || s=$?
[ "$s" != 0 ] && [ "$s" != 124 ] || fail "startingTimestamp with no record after it started (exit $s)"
grep -q "no record at or after the starting timestamp in late-[0-3]" run3.log ||
  fail "startingTimestamp error message: $(tail -3 run3.log)"
timestamp_pipeline latest
"$SLUICE" run late.sql --set trigger=availableNow 2> run3.log || fail "strategy latest: $(tail -3 run3.log)"
"$SLUICE" gen --count 200 --seed 24 -o late_after.ndjson
kcat_produce_spread late late_after.ndjson 4
"$SLUICE" run late.sql --set trigger=availableNow 2>> run3.log || fail "strategy latest, 2nd run: $(tail -3 run3.log)"
EVENTS_JSON="read_json('late_after.ndjson', format='newline_delimited', columns={event_id: 'VARCHAR', user_id: 'BIGINT', price: 'DOUBLE'})"
check_exactly_once "startingTimestamp strategy latest" "read_json('out3-latest/**/*.json', format='newline_delimited', columns={event_id: 'VARCHAR', user_id: 'BIGINT', price: 'DOUBLE', kafka_partition: 'INTEGER', kafka_offset: 'BIGINT'})" 200

echo "kafka source: $N records through JSON and Parquet sinks exactly once in batches of <= $CAP (endingOffsets ended the query); availableNow across a fault point, a SIGKILL and new input: 16000 exactly once; startingTimestamp error/latest"
