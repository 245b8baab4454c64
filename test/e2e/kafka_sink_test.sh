#!/usr/bin/env bash
# Kafka sink end to end: files (JSON lines) -> kafka sink with a `key` column, consumed with kcat
# (an independent client). Every record lands in the partition librdkafka's default partitioner
# gives its key (consistent_random: CRC32(key) mod partitions), records of one key in input
# order, each input row exactly once - also when the pipeline dies after the sink delivered a
# batch but before the checkpoint's commit log (the replayed batch is not produced again).
# Then datagen -> kafka sink -> kafka source -> files: the round trip keeps every event.
#
#   kafka_sink_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/kafka_lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

start_kafka_dev --brokers 3 --topic keyed:5 --topic events:4

# Input: 6 files of 1000 rows; seq is the input order, 37 users.
mkdir in
py - <<'PY'
import json, random
rng = random.Random(7)
seq = 0
for f in range(6):
    with open(f"in/part-{f}.json", "w") as out:
        for _ in range(1000):
            user = f"user-{rng.randrange(37)}"
            out.write(json.dumps({"seq": seq, "user": user, "amount": round(rng.random() * 100, 2)}) + "\n")
            seq += 1
PY
cat > keyed.sql <<SQL
SET 'checkpointLocation' = 'ckpt';
CREATE SOURCE input (seq BIGINT NOT NULL, user STRING NOT NULL, amount DOUBLE)
WITH ('connector' = 'files', 'path' = 'in', 'format' = 'json', 'maxFilesPerTrigger' = '1');
CREATE SINK keyed WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS',
  'topic' = 'keyed', 'format' = 'json');
INSERT INTO keyed SELECT user AS key, seq, user, amount FROM input;
SQL
# Dies after the 3rd batch was delivered and committed to the sink, before the commit log: the
# restart replays batch 2 and must not produce it again.
s=0; SLUICE_FAULT_POINTS=runtime.after_sink_commit@3 "$SLUICE" --log-level warn run keyed.sql --set trigger=availableNow 2> run.log || s=$?
[ "$s" = 137 ] || fail "fault point: exit $s, $(tail -3 run.log)"
timeout 60 "$SLUICE" --log-level warn run keyed.sql --set trigger=availableNow 2>> run.log ||
  fail "restart: $(tail -3 run.log)"

consume keyed '%k\t%p\t%o\t%s\n' > keyed.tsv
py - keyed.tsv 5 6000 <<'PY' || fail "kafka sink: keys, partitions or order wrong"
import json, sys, zlib
parts, n = int(sys.argv[2]), int(sys.argv[3])
rows = [line.split("\t", 3) for line in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]]
seqs, last_seq = [], {}
for key, partition, offset, value in sorted(rows, key=lambda r: (int(r[1]), int(r[2]))):
    record = json.loads(value)
    assert set(record) == {"seq", "user", "amount"}, f"value columns {sorted(record)}"
    assert key == record["user"], f"key {key} for user {record['user']}"
    assert int(partition) == zlib.crc32(key.encode()) % parts, f"key {key} in partition {partition}"
    assert record["seq"] > last_seq.get(key, -1), f"key {key}: seq {record['seq']} after {last_seq.get(key)}"
    last_seq[key] = record["seq"]
    seqs.append(record["seq"])
assert len(seqs) == n, f"{len(seqs)} records, expected {n} (duplicates: {len(seqs) - len(set(seqs))})"
assert sorted(seqs) == list(range(n)), "records missing or duplicated"
assert len({r[1] for r in rows}) == parts, "not every partition used"
PY

# Round trip: datagen -> kafka sink (keyed by user_id) -> kafka source -> Parquet.
cat > roundtrip.sql <<SQL
SET 'checkpointLocation' = 'ckpt-rt';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'seed' = '5', 'numRows' = '8000',
  'partitions' = '2', 'maxRowsPerTrigger' = '3000');
CREATE SINK events WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS',
  'topic' = 'events');
INSERT INTO events SELECT CAST(user_id AS STRING) AS key, event_id, user_id, ts, price, device, tags
FROM clicks;
SQL
timeout 60 "$SLUICE" --log-level warn run roundtrip.sql 2> rt.log || fail "datagen -> kafka: $(tail -3 rt.log)"
cat > back.sql <<SQL
SET 'checkpointLocation' = 'ckpt-back';
CREATE SOURCE events (event_id STRING, user_id BIGINT, ts TIMESTAMP, price DOUBLE,
  device STRUCT<os STRING, browser STRING>, tags ARRAY<STRING>, k STRING METADATA FROM 'key')
WITH ('connector' = 'kafka', 'kafka.bootstrap.servers' = '$BROKERS', 'subscribe' = 'events',
  'startingOffsets' = 'earliest', 'endingOffsets' = 'latest');
CREATE SINK back WITH ('connector' = 'files', 'path' = 'back', 'format' = 'parquet');
INSERT INTO back SELECT * FROM events;
SQL
timeout 60 "$SLUICE" --log-level warn run back.sql 2> back.log || fail "kafka -> files: $(tail -3 back.log)"
# The reference: the same datagen rows straight to Parquet.
cat > ref.sql <<SQL
SET 'checkpointLocation' = 'ckpt-ref';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'seed' = '5', 'numRows' = '8000', 'partitions' = '2');
CREATE SINK ref WITH ('connector' = 'files', 'path' = 'ref', 'format' = 'parquet');
INSERT INTO ref SELECT event_id, user_id, ts, price, device, tags FROM clicks;
SQL
"$SLUICE" --log-level warn run ref.sql 2> ref.log || fail "reference: $(tail -3 ref.log)"
got=$(duck "SELECT (SELECT count(*) FROM read_parquet('back/**/*.parquet')), (SELECT count(*) FROM read_parquet('back/**/*.parquet') WHERE k <> CAST(user_id AS VARCHAR)), (SELECT count(*) FROM (SELECT event_id, user_id, ts, price, device, tags FROM read_parquet('ref/**/*.parquet') EXCEPT ALL SELECT event_id, user_id, ts, price, device, tags FROM read_parquet('back/**/*.parquet')))")
[ "$got" = "8000|0|0" ] || fail "round trip: rows|wrong keys|rows differing from datagen = $got"
echo "kafka sink: 6000 keyed records in CRC32(key) partitions, in order, exactly once across a crash after the sink commit; datagen -> kafka -> kafka source -> Parquet: 8000 rows identical"
