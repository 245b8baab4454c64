#!/usr/bin/env bash
# Kafka source under broker faults, injected through `sluice kafka-dev --control` (librdkafka's
# rd_kafka_mock_broker_set_down/up and rd_kafka_mock_push_request_errors) while a bounded query
# runs in small batches: a broker down for 2 s and back, then errors on Fetch, ListOffsets and
# OffsetCommit requests. The query must finish by itself with every record exactly once, log
# the failed (advisory) group commit clearly, and commit its final offsets to the consumer
# group. Also: a topic created mid-run matching subscribePattern is picked up (the mock cannot
# add partitions to a topic; a new topic is how new partitions appear to the source here).
#
#   kafka_faults_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/kafka_lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

start_kafka_dev --brokers 3 --topic clicks:4 --topic feed-a:2

N=12000
"$SLUICE" gen --count $N --seed 41 -o events.ndjson
kcat_produce_spread clicks events.ndjson 4
kafka_control leader clicks 0 1   # so that taking broker 1 down hits a partition being read

cat > faults.sql <<SQL
SET 'checkpointLocation' = 'ckpt';
SET 'trigger' = 'processingTime=100 milliseconds';
CREATE SOURCE clicks (event_id STRING NOT NULL, user_id BIGINT, price DOUBLE,
  kafka_partition INT METADATA FROM 'partition', kafka_offset BIGINT METADATA FROM 'offset')
WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS', 'subscribe' = 'clicks',
  'startingOffsets' = 'earliest', 'endingOffsets' = 'latest', 'maxOffsetsPerTrigger' = '300',
  'kafka.group.id' = 'faults-test');
CREATE SINK out WITH ('connector' = 'files', 'path' = 'out', 'format' = 'json');
INSERT INTO out SELECT * FROM clicks;
SQL
batches() { [ -f progress.jsonl ] && wc -l < progress.jsonl || echo 0; }
wait_batches() {  # at least $1 batches, or the run ended
  for _ in $(seq 1 1200); do
    [ "$(batches)" -ge "$1" ] && return 0
    kill -0 $pid 2>/dev/null || return 0
    sleep 0.025
  done
}
"$SLUICE" run faults.sql --progress progress.jsonl 2> run.log & pid=$!
wait_batches 3
kafka_control down 1
sleep 2
b=$(batches)
kafka_control up 1
wait_batches $(( b + 3 ))
kafka_control errors Fetch 6 NOT_LEADER_FOR_PARTITION
kafka_control errors ListOffsets 2 REQUEST_TIMED_OUT
kafka_control errors OffsetCommit 4 COORDINATOR_LOAD_IN_PROGRESS
wait_batches $(( b + 8 ))
kafka_control errors OffsetCommit 2 GROUP_AUTHORIZATION_FAILED
s=0; timeout 120 tail --pid=$pid -f /dev/null || s=$?
[ "$s" = 0 ] || { kill -KILL $pid; fail "the query did not finish within 120 s"; }
s=0; wait $pid || s=$?
[ "$s" = 0 ] || fail "the query failed (exit $s): $(grep -iE 'error|warn' run.log | tail -5)"
[ "$(batches)" -ge $(( N / 300 )) ] || fail "only $(batches) batches"

got=$(duck "SELECT count(*), count(DISTINCT event_id), count(DISTINCT (kafka_partition, kafka_offset)) FROM read_json('out/**/*.json', format='newline_delimited', columns={event_id: 'VARCHAR', kafka_partition: 'INTEGER', kafka_offset: 'BIGINT'})")
[ "$got" = "$N|$N|$N" ] || fail "rows|distinct ids|distinct (partition, offset) = $got, expected $N each"
got=$(duck "SELECT count(*) FROM read_json('events.ndjson', format='newline_delimited', columns={event_id: 'VARCHAR'}) e ANTI JOIN read_json('out/**/*.json', format='newline_delimited', columns={event_id: 'VARCHAR'}) o USING (event_id)")
[ "$got" = 0 ] || fail "$got input records missing"
"$SLUICE" verify out ckpt/out > verify.txt || fail "verify: $(cat verify.txt)"

# The authorization failure of the advisory group commit is logged as such.
grep -q "committing offsets to group 'faults-test' failed.*advisory" run.log ||
  fail "no clear log line for the failed group commit: $(grep -i commit run.log | tail -3)"
# After the run, the group's committed offsets are the end offsets (kafka-python, independent).
py - "$BROKERS" <<'PY' || fail "the consumer group does not hold the final offsets"
import sys
from kafka import KafkaConsumer, TopicPartition
consumer = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id="faults-test", enable_auto_commit=False, api_version=(2, 5, 0))
parts = [TopicPartition("clicks", p) for p in range(4)]
ends = consumer.end_offsets(parts)
committed = {tp: consumer.committed(tp) for tp in parts}
assert committed == ends, f"committed {committed} != end offsets {ends}"
PY

# subscribePattern: feed-b, created while the query runs, is read from its beginning.
"$SLUICE" gen --count 500 --seed 42 -o a.ndjson
"$SLUICE" gen --count 700 --seed 43 -o b.ndjson
kcat_produce_spread feed-a a.ndjson 2
cat > pattern.sql <<SQL
SET 'checkpointLocation' = 'ckpt-pattern';
SET 'trigger' = 'processingTime=100 milliseconds';
SET 'stopMarkerPath' = 'STOP';
CREATE SOURCE feeds (event_id STRING NOT NULL, topic STRING METADATA)
WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS',
  'subscribePattern' = 'feed-.*', 'startingOffsets' = 'earliest');
CREATE SINK out_p WITH ('connector' = 'files', 'path' = 'out_p', 'format' = 'json');
INSERT INTO out_p SELECT * FROM feeds;
SQL
"$SLUICE" run pattern.sql --progress pattern.jsonl 2> pattern.log & pid=$!
rows_read() {  # input rows of the pattern query so far, from its progress records
  [ -f pattern.jsonl ] || { echo 0; return; }
  py -c 'import json, sys; print(sum(json.loads(l)["numInputRows"] for l in open(sys.argv[1])))' pattern.jsonl
}
wait_rows() {  # up to 30 s for $1 rows
  for _ in $(seq 1 150); do [ "$(rows_read)" -ge "$1" ] && return 0; sleep 0.2; done
}
wait_rows 500
kafka_control topic feed-b:3
kcat_produce_spread feed-b b.ndjson 3
wait_rows 1200
touch STOP
s=0; wait $pid || s=$?
[ "$s" = 0 ] || fail "pattern query: exit $s $(tail -3 pattern.log)"
got=$(duck "SELECT topic, count(*), count(DISTINCT event_id) FROM read_json('out_p/**/*.json', format='newline_delimited', columns={event_id: 'VARCHAR', topic: 'VARCHAR'}) GROUP BY 1 ORDER BY 1" | tr '\n' ' ')
[ "$got" = "feed-a|500|500 feed-b|700|700 " ] || fail "subscribePattern: $got"
echo "kafka faults: broker down 2 s, Fetch/ListOffsets/OffsetCommit errors: $N records exactly once, group offsets committed; subscribePattern picked up a topic created mid-run"
