#!/usr/bin/env bash
# Parquet, checked by an independent reader (DuckDB):
#  1. seeded random batches of every type (NULLs at every level, NaN/±inf, extremes, non-ASCII,
#     empty and NULL lists), for every codec and both data page versions: DuckDB reads our file
#     and re-encodes it as its own Parquet; our reader then finds exactly the rows we generated.
#  2. parquet_schema()/parquet_metadata() show the logical types, encodings, codec and statistics.
#  3. row-group skipping: in a copy of a sorted file every row group but one is overwritten with
#     garbage; a DuckDB point query still succeeds, so it skipped them by their statistics.
#  4. the files sink writes format = 'parquet' that DuckDB reads (rows, partitions, codec).
#
#   parquet_duckdb_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail

source "$(dirname "$0")/lib.sh" "$@"
TOOL=$(dirname "$SLUICE")/parquet_tool
expect() {  # expect NAME ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: got [$2], expected [$3]"
}
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

# 1. Every codec x page version: values equal after DuckDB's read.
seed=1
for codec in uncompressed snappy zstd gzip lz4_raw; do
  for version in 1 2; do
    rows=$((2000 + seed * 137))
    "$TOOL" gen "$seed" "$rows" "$codec" "$version" "r_${codec}_v$version.parquet"
    duck "COPY (SELECT * FROM 'r_${codec}_v$version.parquet') TO 'd_${codec}_v$version.parquet' (FORMAT parquet)" >/dev/null
    "$TOOL" compare "$seed" "$rows" "d_${codec}_v$version.parquet" >/dev/null ||
      fail "DuckDB read other values from the $codec v$version file"
    expect "$codec row count" "$(duck "SELECT count(*) FROM 'r_${codec}_v$version.parquet'")" "$rows"
    expect "$codec codec" "$(duck "SELECT DISTINCT compression FROM parquet_metadata('r_${codec}_v$version.parquet')")" \
      "$(echo "$codec" | tr a-z A-Z)"
    seed=$((seed + 1))
  done
done
echo "ok: values equal through DuckDB for every codec and page version"

# 2. Schema, logical types, encodings, statistics.
f=r_snappy_v1.parquet
expect "logical types" "$(duck "SELECT DISTINCT name || ':' || coalesce(converted_type, '') || ':' || coalesce(logical_type, '') FROM parquet_schema('$f') WHERE name IN ('s', 'ts', 'dt', 'req') ORDER BY name")" \
"dt:DATE:DateType()
req:INT_64:IntType(bitWidth=@, isSigned=1)
s:UTF8:StringType()
ts:TIMESTAMP_MICROS:TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))"
expect "column types" "$(duck "DESCRIBE SELECT ts, dt, st, nested FROM '$f'" | cut -d'|' -f1,2)" \
"ts|TIMESTAMP WITH TIME ZONE
dt|DATE
st|STRUCT(a INTEGER, s VARCHAR, \"inner\" STRUCT(x DOUBLE, tags VARCHAR[]))
nested|VARCHAR[][]"
expect "encodings" "$(duck "SELECT DISTINCT encodings FROM parquet_metadata('$f') WHERE path_in_schema = 'cat'")" \
  "PLAIN, RLE, RLE_DICTIONARY"
expect "req stats" "$(duck "SELECT stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('$f') WHERE path_in_schema = 'req'")" \
  "0|2410|0"
expect "string stats" "$(duck "SELECT stats_min_value, stats_max_value FROM parquet_metadata('$f') WHERE path_in_schema = 'cat'")" \
  "click|çà"
expect "created_by" "$(duck "SELECT created_by LIKE 'sluice version %' FROM parquet_file_metadata('$f')")" "true"
expect "schema key" "$(duck "SELECT decode(value) LIKE 'b BOOLEAN, i INT%' FROM parquet_kv_metadata('$f') WHERE decode(key) = 'sluice.schema'")" "true"
echo "ok: schema, logical types, encodings and statistics"

# 3. Row-group skipping by statistics.
"$TOOL" sorted 200000 65536 sorted.parquet
groups=$(duck "SELECT count(*) FROM parquet_metadata('sorted.parquet') WHERE path_in_schema = 'id'")
[ "$groups" -gt 4 ] || fail "expected several row groups, got $groups"
target_group=$(duck "SELECT row_group_id FROM parquet_metadata('sorted.parquet') WHERE path_in_schema = 'id' AND 123456 BETWEEN stats_min_value::BIGINT AND stats_max_value::BIGINT")
cp sorted.parquet skip.parquet
duck "SELECT coalesce(dictionary_page_offset, data_page_offset), total_compressed_size FROM parquet_metadata('sorted.parquet') WHERE row_group_id <> $target_group" |
while IFS='|' read -r offset size; do
  python3 - "$offset" "$size" <<'PY'
import sys
offset, size = int(sys.argv[1]), int(sys.argv[2])
with open('skip.parquet', 'r+b') as f:
    f.seek(offset)
    f.write(b'\xff' * size)
PY
done
expect "point query on the sorted column" "$(duck "SELECT payload FROM 'skip.parquet' WHERE id = 123456")" \
  "$(duck "SELECT payload FROM 'sorted.parquet' WHERE id = 123456")"
if duck "SELECT sum(id), sum(length(payload)) FROM 'skip.parquet'" >/dev/null 2>&1; then
  fail "a full scan of the damaged copy should fail (the damage is real)"
fi
echo "ok: DuckDB skips $((groups - 1)) of $groups row groups by their statistics"

# 4. The files sink writing Parquet.
cat > pipe.sql <<SQL
SET 'checkpointLocation' = 'ckpt';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'seed' = '5', 'numRows' = '20000',
  'partitions' = '2', 'maxRowsPerTrigger' = '5000');
CREATE SINK lake WITH ('connector' = 'files', 'path' = 'lake', 'format' = 'parquet',
  'compression' = 'zstd', 'partitionBy' = 'event_type', 'maxRecordsPerFile' = '3000');
INSERT INTO lake SELECT event_id, user_id, ts, price, qty, device, tags, event_type FROM clicks;
SQL
"$SLUICE" --log-level warn run pipe.sql || fail "the parquet pipeline failed"
expect "sink rows" "$(duck "SELECT count(*), count(DISTINCT event_id) FROM read_parquet('lake/**/*.parquet', hive_partitioning = true)")" "20000|20000"
expect "sink codec" "$(duck "SELECT DISTINCT compression FROM parquet_metadata('lake/**/*.parquet')")" "ZSTD"
expect "files per 3000 rows" "$(duck "SELECT max(num_rows) <= 3000 FROM parquet_file_metadata('lake/**/*.parquet')")" "true"
[ -z "$(find lake -name '*.inprogress')" ] || fail "staging files left behind"
echo "ok: files sink format = 'parquet' read by DuckDB"
echo PASS
