#!/usr/bin/env bash
# Installs everything Sluice needs to build and test on Debian 12: the Debian packages (idempotent;
# as root, or through sudo) and the npm test tools (DuckDB, the independent reader of our output)
# into test/tools/node_modules (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  clang clang-format clang-tidy libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libfmt-dev libspdlog-dev nlohmann-json3-dev libcli11-dev libsimdjson-dev
  libzstd-dev libsnappy-dev liblz4-dev zlib1g-dev libdeflate-dev libre2-dev libabsl-dev tzdata
  libcurl4-openssl-dev libssl-dev libcpp-httplib-dev
  librdkafka-dev kcat python3-kafka
)
# Node.js for the npm test tools: Debian's, unless the machine already has a node and npm.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages already installed"
fi

# npm test tools, pinned by test/tools/package-lock.json.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install-deps: node/npm missing after apt-get" >&2
  exit 1
fi
if [ ! -d test/tools/node_modules/@duckdb/node-api ] ||
   ! cmp -s test/tools/package-lock.json test/tools/node_modules/.sluice-installed-lock 2>/dev/null; then
  # `npm ci` rejects this lock: npm records only the platform binding it installed
  # (@duckdb/node-bindings-linux-x64), not the other platforms' optional ones. `npm install`
  # installs exactly the locked versions all the same.
  echo "install-deps: npm install (test/tools, versions from package-lock.json)"
  (cd test/tools && npm install --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.sluice-installed-lock)
else
  echo "install-deps: npm test tools already installed"
fi
