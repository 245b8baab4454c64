#!/usr/bin/env bash
# failOnDataLoss, both ways, with real data loss: a query reads the first records of a
# 1-partition topic, then more is produced than the mock broker retains (~5 MB per partition),
# so its log start moves past the query's checkpointed offset.
#  - failOnDataLoss=true (the default): the query fails (exit 1) naming the partition and the
#    lost offsets, and writes nothing;
#  - failOnDataLoss=false: it skips the lost range with a warning, counts it, and reads every
#    record still there exactly once.
#
#   kafka_dataloss_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/kafka_lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

start_kafka_dev --brokers 1 --topic small:1

"$SLUICE" gen --count 21000 --seed 31 -o all.ndjson
head -n 1000 all.ndjson > first.ndjson
tail -n 20000 all.ndjson > rest.ndjson   # ~7.6 MB: past the mock's ~5 MB
kcat_produce small first.ndjson

pipeline() {  # $1 failOnDataLoss
  cat > p.sql <<SQL
SET 'checkpointLocation' = 'ckpt';
SET 'trigger' = 'availableNow';
CREATE SOURCE small (event_id STRING, user_id BIGINT, kafka_offset BIGINT METADATA FROM 'offset')
WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS', 'subscribe' = 'small',
      'startingOffsets' = 'earliest', 'failOnDataLoss' = '$1', 'maxOffsetsPerTrigger' = '5000',
      'badRecordsPath' = 'bad', 'kafkaConsumer.pollTimeoutMs' = '15000');
CREATE SINK out WITH ('connector' = 'files', 'path' = 'out', 'format' = 'json');
INSERT INTO out SELECT * FROM small;
SQL
}
pipeline true
"$SLUICE" --log-level warn run p.sql 2> run0.log || fail "first run: $(tail -3 run0.log)"

kcat_produce small rest.ndjson
LOG_START=$(kcat -C -b "$BROKERS" -t small -o beginning -c 1 -q -f '%o\n')
LOG_END=$(consume small '%o\n' | tail -n 1)
[ "$LOG_START" -gt 1000 ] || fail "the mock kept everything (log start $LOG_START): produce more"
[ "$LOG_END" = 20999 ] || fail "log end $LOG_END"

OUT="read_json('out/**/*.json', format='newline_delimited', columns={event_id: 'VARCHAR', user_id: 'BIGINT', kafka_offset: 'BIGINT'})"
s=0; "$SLUICE" run p.sql --progress fail.jsonl 2> fail.log || s=$?
[ "$s" = 1 ] || fail "failOnDataLoss=true: exit $s, $(tail -3 fail.log)"
grep -q "small-0" fail.log && grep -q "1000" fail.log && grep -q "$LOG_START" fail.log ||
  fail "failOnDataLoss=true: the error does not name small-0 and offsets 1000..$LOG_START: $(grep -i error fail.log | tail -3)"
[ "$(duck "SELECT count(*) FROM $OUT")" = 1000 ] || fail "failOnDataLoss=true wrote output"

pipeline false
"$SLUICE" run p.sql --progress skip.jsonl 2> skip.log || fail "failOnDataLoss=false: $(tail -3 skip.log)"
# One warning per batch for its part of the lost range (batches of 5000 offsets from 1000), though
# each batch reads it chunk by chunk. (No grep -q at the end of a pipe: under pipefail, its early
# exit can fail the pipe with SIGPIPE.)
warnings=$(grep -i "warn" skip.log | grep -c "small-0 at offsets") || true
[ "$warnings" = $(( (LOG_START - 1000 + 4999) / 5000 )) ] ||
  fail "expected one warning per batch naming small-0, got $warnings: $(grep -i warn skip.log | head -3)"
first_to=$(( LOG_START < 6000 ? LOG_START : 6000 ))
grep -qi "warn.*$(( first_to - 1000 )) records of small-0 at offsets \[1000, $first_to)" skip.log ||
  fail "the first warning does not name [1000, $first_to): $(grep -i warn skip.log | head -3)"
lost=$(( LOG_START - 1000 ))
kept=$(( 21000 - LOG_START ))
got=$(duck "SELECT count(*), count(DISTINCT event_id), min(kafka_offset) FILTER (WHERE kafka_offset >= 1000), max(kafka_offset) FROM $OUT")
[ "$got" = "$(( 1000 + kept ))|$(( 1000 + kept ))|$LOG_START|20999" ] ||
  fail "failOnDataLoss=false: rows|distinct|first offset after the loss|last = $got, expected $(( 1000 + kept ))|..|$LOG_START|20999"
# Exactly the records still in the log, plus the first 1000, by content.
head -n 1000 all.ndjson > expected.ndjson
tail -n "$kept" all.ndjson >> expected.ndjson
got=$(duck "SELECT count(*) FROM read_json('expected.ndjson', format='newline_delimited', columns={event_id: 'VARCHAR'}) e FULL JOIN $OUT o USING (event_id) WHERE e.event_id IS NULL OR o.event_id IS NULL")
[ "$got" = 0 ] || fail "failOnDataLoss=false: $got records differ from the retained input"
# The loss is counted in the progress records.
py - skip.jsonl "$lost" <<'PY' || fail "the loss is not counted in the progress records: $(head -c 1500 skip.jsonl)"
import json, sys
losses = sum(json.loads(l).get("badRecords", {}).get("byReason", {}).get("data_loss", 0) for l in open(sys.argv[1]))
assert losses >= 1, "no data_loss bad record"
PY
echo "failOnDataLoss: true fails naming small-0 [1000, $LOG_START); false skips $lost lost records with a warning and a counter, reads $kept retained records exactly once"
