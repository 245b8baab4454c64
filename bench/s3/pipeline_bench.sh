#!/usr/bin/env bash
# The whole pipeline's records/s writing to S3 (s3rver on 127.0.0.1) vs local disk, same run:
# datagen -> files (JSON lines, partitioned), output and checkpoint on the same target.
#
#   bench/s3/pipeline_bench.sh build/sluice [ROWS]
set -euo pipefail
SLUICE=$(realpath "$1")
ROWS=${2:-400000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sluice-s3-bench.XXXXXX)
cd "$WORK"
NODE_OPTIONS=--openssl-legacy-provider "$ROOT/test/tools/node_modules/.bin/s3rver" \
  -d "$WORK/s3rver" -a 127.0.0.1 -p 0 --configure-bucket bench > s3rver.log 2>&1 &
S3RVER_PID=$!
trap 'kill $S3RVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do
  PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' s3rver.log | cut -d: -f2 || true)
  [ -n "$PORT" ] && break; sleep 0.1
done
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
export AWS_EC2_METADATA_DISABLED=true

run() {  # $1 label, $2 output, $3 checkpoint
  cat > p.sql <<SQL
SET 'checkpointLocation' = '$3';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '$ROWS', 'partitions' = '4',
  'maxRowsPerTrigger' = '100000');
CREATE SINK out WITH ('connector' = 'files', 'path' = '$2', 'format' = 'json',
  'partitionBy' = 'event_type');
INSERT INTO out SELECT * FROM clicks;
SQL
  local start end
  start=$(date +%s.%N)
  "$SLUICE" --log-level warn run p.sql
  end=$(date +%s.%N)
  awk -v l="$1" -v r="$ROWS" -v s="$start" -v e="$end" \
    'BEGIN { printf "%-6s %8d rows in %6.2f s = %9.0f records/s\n", l, r, e - s, r / (e - s) }'
}
run local "$WORK/local-out" "$WORK/local-ckpt"
run s3 "s3://bench/out" "s3://bench/ckpt"
