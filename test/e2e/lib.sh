# Shared by the end-to-end tests (sourced, not run): `source lib.sh "$@"` sets SLUICE (the binary,
# absolute), WORK (the test's scratch folder) and ROOT (the repository), and defines the helpers.
SLUICE=$(realpath "$1")
WORK=$2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Runs SQL in DuckDB, prints rows as a|b|c.
duck() { node "$ROOT/test/tools/duckdb_query.mjs" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# Starts s3rver on a free loopback port with bucket $1, storing under $WORK/s3rver, stopped on
# exit; exports the AWS_* variables that point Sluice at it and sets ENDPOINT. Its continuation
# tokens use DES: it needs OpenSSL's legacy provider.
start_s3rver() {
  local bucket=$1
  mkdir -p "$WORK/s3rver"
  NODE_OPTIONS=--openssl-legacy-provider "$ROOT/test/tools/node_modules/.bin/s3rver" \
    -d "$WORK/s3rver" -a 127.0.0.1 -p 0 --configure-bucket "$bucket" > "$WORK/s3rver.log" 2>&1 &
  S3RVER_PID=$!
  trap 'kill $S3RVER_PID 2>/dev/null || true' EXIT
  local port=""
  for _ in $(seq 1 300); do
    port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$WORK/s3rver.log" | cut -d: -f2 || true)
    [ -n "$port" ] && break
    kill -0 $S3RVER_PID 2>/dev/null || fail "s3rver did not start: $(cat "$WORK/s3rver.log")"
    sleep 0.1
  done
  [ -n "$port" ] || fail "s3rver did not report its port"
  ENDPOINT="http://127.0.0.1:$port"
  export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
  export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  unset AWS_PROFILE AWS_SESSION_TOKEN
}

# Downloads every object under s3://$BUCKET/$1/ (on the s3rver of start_s3rver) into folder $2,
# with plain HTTP GETs and a paginated LIST (no AWS SDK).
download() {
  node - "$ENDPOINT" "$BUCKET" "$1" "$2" <<'JS'
const [endpoint, bucket, prefix, dest] = process.argv.slice(2);
const fs = require("fs"), path = require("path");
(async () => {
  let token = "", keys = [];
  for (let page = 0; page < 1000; page++) {
    const q = new URLSearchParams({"list-type": "2", prefix: prefix + "/", "max-keys": "500"});
    if (token) q.set("continuation-token", token);
    const xml = await (await fetch(`${endpoint}/${bucket}?${q}`)).text();
    for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(m[1].replace(/&amp;/g, "&"));
    const next = xml.match(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/);
    if (!/<IsTruncated>true<\/IsTruncated>/.test(xml)) break;
    token = next[1];
  }
  for (const key of keys) {
    const res = await fetch(`${endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`);
    if (!res.ok) throw new Error(`GET ${key}: ${res.status}`);
    const file = path.join(dest, key.slice(prefix.length + 1));
    fs.mkdirSync(path.dirname(file), {recursive: true});
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  }
  console.log(keys.length);
})().catch(e => { console.error(e); process.exit(1); });
JS
}
