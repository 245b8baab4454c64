#!/usr/bin/env bash
# `sluice kafka-dev` and `sluice gen --to kafka://`: the mock cluster answers independent clients
# (kcat) on the printed address and on --port; gen produces exactly the NDJSON lines of
# `gen -o` as record values, keyed by user id into the partition librdkafka's default
# partitioner picks (CRC32 of the key), in order; --key none, --rate, delivery errors, bad
# arguments, the control file and a clean stop.
#
#   kafka_dev_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/kafka_lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

PORT=$(py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_kafka_dev --brokers 3 --topic clicks:4 --topic single:1 --port "$PORT"
[ "$BROKERS" = "127.0.0.1:$PORT" ] || fail "bootstrap file: '$BROKERS', expected 127.0.0.1:$PORT"
[ "$(cat kafka-dev.out)" = "$BROKERS" ] || fail "stdout: '$(cat kafka-dev.out)'"
grep -q '5 MB' kafka-dev.log || fail "kafka-dev does not state the mock's retention"
kcat -L -b "$BROKERS" -t clicks > meta.txt || fail "kcat -L through --port"
grep -q ' 3 brokers' meta.txt && grep -q 'topic "clicks" with 4 partitions' meta.txt ||
  fail "metadata: $(cat meta.txt)"

# gen --to kafka: the same bytes as gen -o, one record per line, keyed by user_id.
N=6000
"$SLUICE" gen --count $N --seed 3 -o events.ndjson
"$SLUICE" gen --to "kafka://$BROKERS/clicks" --count $N --seed 3 2> gen.err || fail "gen: $(cat gen.err)"
grep -q "$N events .* delivered to Kafka topic 'clicks'" gen.err || fail "gen summary: $(cat gen.err)"
consume clicks '%k\t%p\t%o\t%s\n' > consumed.tsv
py - events.ndjson consumed.tsv 4 <<'PY' || fail "gen --to kafka: records differ from gen -o"
import json, sys, zlib
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
position = {line: i for i, line in enumerate(lines)}
parts = int(sys.argv[3])
seen, last = set(), {}
for row in open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]:
    key, partition, offset, value = row.split("\t", 3)
    assert value in position, f"unknown value {value[:80]}"
    assert value not in seen, "duplicate record"
    seen.add(value)
    assert key == str(json.loads(value)["user_id"]), f"key {key} for {value[:80]}"
    assert int(partition) == zlib.crc32(key.encode()) % parts, f"key {key} in partition {partition}"
    assert position[value] > last.get(partition, -1), f"out of order in partition {partition}"
    last[partition] = position[value]
assert len(seen) == len(lines), f"{len(seen)} of {len(lines)} records"
assert len(last) == parts, f"only partitions {sorted(last)} used"
PY

# The README's Kafka quickstart: examples/kafka_to_parquet.sql over the events just produced.
sed -e "s|127.0.0.1:9092|$BROKERS|" -e "s|kafka-output/|$WORK/kafka-output/|" \
  "$ROOT/examples/kafka_to_parquet.sql" > quickstart.sql
timeout 60 "$SLUICE" --log-level warn run quickstart.sql --set trigger=availableNow 2> quickstart.log ||
  fail "examples/kafka_to_parquet.sql: $(tail -3 quickstart.log)"
got=$(duck "SELECT count(*), count(DISTINCT event_id), count(DISTINCT event_type), count(*) FILTER (WHERE kafka_timestamp > TIMESTAMP '2020-01-01') FROM read_parquet('kafka-output/events/**/*.parquet', hive_partitioning = true)")
[ "$got" = "$N|$N|5|$N" ] || fail "examples/kafka_to_parquet.sql output: $got"

# --key none: unkeyed; a topic not created by --topic is created with 4 partitions.
"$SLUICE" gen --to "kafka://$BROKERS/unkeyed" --key none --count 1000 --seed 9 2> gen.err ||
  fail "gen --key none: $(cat gen.err)"
got=$(consume unkeyed '%K\n' | sort | uniq -c | tr -s ' ')
[ "$got" = " 1000 -1" ] || fail "unkeyed records (count, key length): $got"
kcat -L -b "$BROKERS" -t unkeyed | grep -q 'topic "unkeyed" with 4 partitions' || fail "auto-created topic"

# --rate: 400 records at 2000/s take at least 0.2 s.
start=$(date +%s%N)
"$SLUICE" gen --to "kafka://$BROKERS/single" --count 400 --rate 2000 2> gen.err || fail "gen --rate: $(cat gen.err)"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed_ms" -ge 195 ] || fail "--rate 2000 produced 400 records in $elapsed_ms ms"
[ "$(consume single '%o\n' | wc -l)" = 400 ] || fail "single: not 400 records"

# Delivery failures fail loudly (exit 1, the broker's error), and nothing is half-reported.
kafka_control errors Produce 200 TOPIC_AUTHORIZATION_FAILED
s=0; "$SLUICE" gen --to "kafka://$BROKERS/single" --count 50 2> gen.err || s=$?
[ "$s" = 1 ] || fail "gen with failing deliveries: exit $s"
grep -q 'could not be delivered.*authorization' gen.err || fail "delivery error message: $(cat gen.err)"
kafka_control clear-errors Produce

# Broker down and up, through the control file; an unknown command is reported, not fatal.
kafka_control down 2
kafka_control up 2
echo "explode 1" >> kafka-control
for _ in $(seq 1 100); do grep -q "control: 'explode 1' failed: unknown command" kafka-dev.log && break; sleep 0.05; done
grep -q "control: 'explode 1' failed: unknown command" kafka-dev.log || fail "unknown command not reported"
"$SLUICE" gen --to "kafka://$BROKERS/single" --count 10 2> gen.err || fail "gen after up: $(cat gen.err)"

# Bad arguments: exit 2 with a message.
for args in "kafka-dev --topic bad/name:4" "kafka-dev --topic t:0" "kafka-dev --brokers 0" \
            "gen --to kafka://$BROKERS" "gen --to http://x/y" "gen --key device" \
            "gen --to kafka://$BROKERS/t -o x.json" "gen -X linger.ms=5"; do
  s=0; "$SLUICE" $args > /dev/null 2> bad.err || s=$?
  [ "$s" = 2 ] && [ -s bad.err ] || fail "'$args': exit $s, stderr '$(cat bad.err)'"
done
s=0; "$SLUICE" gen --to "kafka://$BROKERS/t" -X no.such.property=1 2> bad.err || s=$?
[ "$s" = 2 ] && grep -q 'no.such.property' bad.err || fail "-X unknown property: exit $s $(cat bad.err)"

# SIGTERM: a clean stop (exit 0) that removes the bootstrap file.
kill -TERM "$KAFKA_DEV_PID"
s=0; wait "$KAFKA_DEV_PID" || s=$?
KAFKA_DEV_PID=""
[ "$s" = 0 ] || fail "kafka-dev exit $s after SIGTERM"
[ ! -e bootstrap ] || fail "bootstrap file left behind"
echo "kafka-dev + gen: $N keyed records byte-identical to gen -o, partitioned by CRC32(key), in order; unkeyed, rate, delivery errors, control file, bad arguments, clean stop"
