# Kafka helpers of the kafka_*_test.sh scripts (sourced after lib.sh, not run itself).
#
# start_kafka_dev [kafka-dev options...]: starts `sluice kafka-dev` in the background with
# --bootstrap-file and --control under $WORK, waits for the bootstrap file, sets BROKERS and
# KAFKA_DEV_PID, and stops it on exit. Its log is $WORK/kafka-dev.log.
# kafka_control COMMAND...: appends a fault command to kafka-dev's control file and waits until
# kafka-dev ran it.
# kcat_produce TOPIC FILE [kcat options...]: one record per line of FILE, with kcat (an
# independent client), failing the test on any delivery error.
# kcat_produce_spread TOPIC FILE PARTITIONS: the same, line i into partition i mod PARTITIONS
# (kcat's unkeyed records would go wherever librdkafka's sticky partitioner puts them).
# consume TOPIC FORMAT: every record of TOPIC (kcat -C -e -f FORMAT).
# py: Debian's python3 (with python3-kafka), whatever python3 is first on PATH.

py() { /usr/bin/python3 "$@"; }

start_kafka_dev() {
  rm -f "$WORK/bootstrap" "$WORK/kafka-control"
  : > "$WORK/kafka-control"
  "$SLUICE" kafka-dev --bootstrap-file "$WORK/bootstrap" --control "$WORK/kafka-control" "$@" \
    > "$WORK/kafka-dev.out" 2> "$WORK/kafka-dev.log" &
  KAFKA_DEV_PID=$!
  trap stop_kafka_dev EXIT
  for _ in $(seq 1 200); do
    [ -s "$WORK/bootstrap" ] && break
    kill -0 "$KAFKA_DEV_PID" 2>/dev/null || fail "kafka-dev did not start: $(cat "$WORK/kafka-dev.log")"
    sleep 0.05
  done
  [ -s "$WORK/bootstrap" ] || fail "kafka-dev wrote no bootstrap file"
  BROKERS=$(cat "$WORK/bootstrap")
}

stop_kafka_dev() {
  [ -n "${KAFKA_DEV_PID:-}" ] || return 0
  kill "$KAFKA_DEV_PID" 2>/dev/null || true
  wait "$KAFKA_DEV_PID" 2>/dev/null || true
  KAFKA_DEV_PID=""
}

kafka_control() {
  local before
  before=$(grep -cF "control: '$*' " "$WORK/kafka-dev.log" || true)
  echo "$*" >> "$WORK/kafka-control"
  for _ in $(seq 1 200); do
    if [ "$(grep -cF "control: '$*' " "$WORK/kafka-dev.log" || true)" -gt "$before" ]; then
      grep -qF "control: '$*' failed" "$WORK/kafka-dev.log" && fail "kafka-dev: '$*' failed"
      return 0
    fi
    sleep 0.05
  done
  fail "kafka-dev did not run '$*'"
}

kcat_produce() {
  local topic=$1 file=$2
  shift 2
  kcat -P -b "$BROKERS" -t "$topic" -X enable.idempotence=true "$@" -l "$file" 2> "$WORK/kcat.err" ||
    fail "kcat -P $topic: $(cat "$WORK/kcat.err")"
  ! grep -qi 'fail\|error' "$WORK/kcat.err" || fail "kcat -P $topic: $(cat "$WORK/kcat.err")"
}

kcat_produce_spread() {
  local topic=$1 file=$2 partitions=$3 partition
  awk -v n="$partitions" -v base="$WORK/spread" '{ print > (base "." (NR - 1) % n) }' "$file"
  for partition in $(seq 0 $((partitions - 1))); do
    [ -s "$WORK/spread.$partition" ] && kcat_produce "$topic" "$WORK/spread.$partition" -p "$partition"
    rm -f "$WORK/spread.$partition"
  done
}

consume() { kcat -C -b "$BROKERS" -t "$1" -e -q -f "$2"; }
