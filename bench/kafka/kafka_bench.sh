#!/usr/bin/env bash
# Kafka source throughput (docs/performance.md#kafka): records/s on one core from the mock broker
# (`sluice kafka-dev`) through JSON decode to the files sink (Parquet), next to the same pipeline
# reading the same records from the files source, in the same run. The two pipelines alternate,
# RUNS times each; the medians are compared. The pipeline (`sluice run`, with librdkafka's
# threads) is pinned to one core (CPU, default 1) and the broker to another (BROKER_CPU,
# default 0), so the figure is records/s per core of the pipeline.
#
#   bench/kafka/kafka_bench.sh build/release/sluice [RECORDS] [RUNS]
#
# RECORDS (default 160000, ~60 MB of JSON) go to a topic of PARTITIONS (default 16) partitions:
# the mock broker keeps only ~5 MB per partition, so keep RECORDS * 380 B / PARTITIONS under
# that (the script checks that every record is still there). The files baseline reads the same
# bytes as PARTITIONS NDJSON files. Batches of BATCH records (default RECORDS / 4) on both sides:
# maxOffsetsPerTrigger for Kafka, maxFilesPerTrigger for files. KAFKA_OPTIONS adds source options
# (e.g. ", 'kafka.fetch.wait.max.ms' = '10'"). Besides records/s of wall time (whole run, and the
# batches after the first), each run reports records per CPU second (user + system time of
# `sluice run`), and the script prints the load average: on a shared machine, read the ratios.
set -euo pipefail
SLUICE=$(realpath "$1")
RECORDS=${2:-160000}
RUNS=${3:-3}
PARTITIONS=${PARTITIONS:-16}
BATCH=${BATCH:-$(( RECORDS / 4 ))}
CPU=${CPU:-1}
BROKER_CPU=${BROKER_CPU:-0}
WORK=$(mktemp -d /tmp/sluice-kafka-bench.XXXXXX)
cd "$WORK"

taskset -c "$BROKER_CPU" "$SLUICE" --log-level warn kafka-dev --brokers 1 \
  --topic "bench:$PARTITIONS" --bootstrap-file bootstrap > /dev/null 2> kafka-dev.log &
DEV=$!
trap 'kill $DEV 2>/dev/null; wait $DEV 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
for _ in $(seq 1 200); do [ -s bootstrap ] && break; sleep 0.05; done
BROKERS=$(cat bootstrap)

# The same events as files (one per partition) and as Kafka records (produced by kcat).
"$SLUICE" gen --count "$RECORDS" --seed 1 -o all.ndjson
BYTES=$(stat -c %s all.ndjson)
mkdir in
split -n "l/$PARTITIONS" -d -a 3 --additional-suffix=.json all.ndjson in/part-
for file in in/part-*.json; do
  partition=$((10#$(basename "$file" .json | cut -d- -f2)))
  kcat -P -b "$BROKERS" -t bench -p "$partition" -l "$file"
done
/usr/bin/python3 - "$BROKERS" "$PARTITIONS" "$RECORDS" <<'PY'
import sys
from kafka import KafkaConsumer, TopicPartition
consumer = KafkaConsumer(bootstrap_servers=sys.argv[1], api_version=(2, 5, 0))
parts = [TopicPartition("bench", p) for p in range(int(sys.argv[2]))]
low, high = consumer.beginning_offsets(parts), consumer.end_offsets(parts)
kept = sum(high[p] - low[p] for p in parts)
if kept != int(sys.argv[3]) or any(low[p] for p in parts):
    sys.exit(f"the mock broker kept {kept} of {sys.argv[3]} records: fewer RECORDS or more PARTITIONS")
PY
FILES_PER_BATCH=$(( (PARTITIONS * BATCH + RECORDS - 1) / RECORDS ))

COLUMNS="event_id STRING, user_id BIGINT, session_id STRING, event_type STRING, url STRING,
  referrer STRING, api_version STRING, ts TIMESTAMP, price DOUBLE, qty INT, country STRING,
  device STRUCT<os STRING, browser STRING>, tags ARRAY<STRING>, ts_ms BIGINT"
write_pipeline() {  # $1 kafka|files, $2 run number
  local with
  if [ "$1" = kafka ]; then
    with="'connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS', 'subscribe' = 'bench',
      'startingOffsets' = 'earliest', 'endingOffsets' = 'latest', 'maxOffsetsPerTrigger' = '$BATCH'
      ${KAFKA_OPTIONS:-}"
  else
    with="'connector' = 'files', 'path' = '$WORK/in', 'format' = 'json',
      'maxFilesPerTrigger' = '$FILES_PER_BATCH'"
  fi
  cat > "$1-$2.sql" <<SQL
SET 'checkpointLocation' = '$WORK/ckpt-$1-$2';
SET 'trigger' = 'availableNow';
CREATE SOURCE events ($COLUMNS) WITH ($with);
CREATE SINK lake WITH ('connector' = 'files', 'path' = '$WORK/out-$1-$2', 'format' = 'parquet');
INSERT INTO lake SELECT * FROM events;
SQL
}

run() {  # $1 kafka|files, $2 run number; prints "whole-run steady-state per-cpu-second" records/s
  write_pipeline "$1" "$2"
  sync
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$1-$2.cpu" \
    taskset -c "$CPU" "$SLUICE" --log-level warn run "$1-$2.sql" --progress "$1-$2.jsonl"
  end=$(date +%s%N)
  rm -rf "$WORK/out-$1-$2" "$WORK/ckpt-$1-$2"
  # Whole run: records / wall time of `sluice run` (start-up, connecting, every batch). Steady
  # state: the batches after the first, records / their triggerExecution time.
  # CPU: records per second of user + system time of `sluice run` (all its threads, librdkafka's
  # included; not the broker's), the figure the machine's load disturbs least.
  /usr/bin/python3 - "$1-$2.jsonl" "$RECORDS" "$(( end - start ))" "$1-$2.cpu" <<'PY'
import json, sys
batches = [json.loads(line) for line in open(sys.argv[1])]
rows = sum(b["numInputRows"] for b in batches)
if rows != int(sys.argv[2]):
    sys.exit(f"{sys.argv[1]}: read {rows} of {sys.argv[2]} records")
later = batches[1:]
steady = sum(b["numInputRows"] for b in later) / (sum(b["durationMs"]["triggerExecution"] for b in later) / 1e3)
cpu = sum(float(x) for x in open(sys.argv[4]).read().split())
print(f"{rows / (int(sys.argv[3]) / 1e9):.0f} {steady:.0f} {rows / cpu:.0f}")
PY
}

printf "%d records (%.1f MB of JSON, %d partitions/files), batches of %d, pipeline on CPU %s, broker on CPU %s\n" \
  "$RECORDS" "$(echo "$BYTES / 1000000" | bc -l)" "$PARTITIONS" "$BATCH" "$CPU" "$BROKER_CPU"
printf "%-6s %14s %14s %16s %16s %14s %14s\n" run "kafka rec/s" "files rec/s" "kafka steady" \
  "files steady" "kafka /cpu-s" "files /cpu-s"
: > kafka.txt
: > files.txt
for i in $(seq 1 "$RUNS"); do
  # Alternate which goes first, so neither always runs on a warmer machine.
  if [ $((i % 2)) = 1 ]; then
    k=$(run kafka "$i"); f=$(run files "$i")
  else
    f=$(run files "$i"); k=$(run kafka "$i")
  fi
  echo "$k" >> kafka.txt
  echo "$f" >> files.txt
  read -r k1 k2 k3 <<< "$k"
  read -r f1 f2 f3 <<< "$f"
  printf "%-6s %14s %14s %16s %16s %14s %14s\n" "$i" "$k1" "$f1" "$k2" "$f2" "$k3" "$f3"
done
median() {  # of column $1
  cut -d' ' -f"$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
K=$(median 1 < kafka.txt); F=$(median 1 < files.txt)
KS=$(median 2 < kafka.txt); FS=$(median 2 < files.txt)
KC=$(median 3 < kafka.txt); FC=$(median 3 < files.txt)
printf "%-6s %14.0f %14.0f %16.0f %16.0f %14.0f %14.0f\n" median "$K" "$F" "$KS" "$FS" "$KC" "$FC"
printf "kafka/files: whole run %.0f%%, steady state %.0f%% (target >= 80%%); per CPU second %.0f%%\n" \
  "$(echo "100 * $K / $F" | bc -l)" "$(echo "100 * $KS / $FS" | bc -l)" "$(echo "100 * $KC / $FC" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
