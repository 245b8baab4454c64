#!/usr/bin/env bash
# sluice gen: NDJSON that DuckDB reads with the expected types, the same bytes for the same seed.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
"$SLUICE" gen --rows 5000 --seed 3 -o a.ndjson
"$SLUICE" gen --rows 5000 --seed 3 > b.ndjson
"$SLUICE" gen --rows 5000 --seed 4 -o c.ndjson
cmp -s a.ndjson b.ndjson || fail "the same seed gave different bytes"
! cmp -s a.ndjson c.ndjson || fail "another seed gave the same bytes"
got=$(node "$ROOT/test/tools/duckdb_query.mjs" "SELECT count(*), count(DISTINCT event_id), count(referrer) < count(*), min(ts_ms) = epoch_ms(min(ts)), typeof(any_value(device)), typeof(any_value(tags)) FROM read_json('a.ndjson', format='newline_delimited', columns={event_id: 'VARCHAR', ts: 'TIMESTAMP', ts_ms: 'BIGINT', referrer: 'VARCHAR', device: 'STRUCT(os VARCHAR, browser VARCHAR)', tags: 'VARCHAR[]'})")
[ "$got" = "5000|5000|true|true|STRUCT(os VARCHAR, browser VARCHAR)|VARCHAR[]" ] || fail "DuckDB read: $got"
bytes_per_event=$(( $(stat -c %s a.ndjson) / 5000 ))
[ "$bytes_per_event" -ge 330 ] && [ "$bytes_per_event" -le 430 ] || fail "$bytes_per_event bytes per event"
echo "gen: 5000 events of $bytes_per_event bytes, deterministic, read back by DuckDB"
