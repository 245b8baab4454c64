#!/usr/bin/env bash
# Installs what is needed, builds Sluice, and runs the quickstart pipeline (examples/quickstart.sql):
# generated clickstream events -> a console table and partitioned JSON files in quickstart-output/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"

rm -rf quickstart-output  # a fresh run each time (the checkpoint would otherwise resume)
./build/release/sluice run examples/quickstart.sql --progress quickstart-output/progress.jsonl
echo
echo "Output files:"
find quickstart-output/events -name '*.json' | sort | head -n 10
echo
echo "Look at them with DuckDB (installed under test/tools by this script):"
echo "  node test/tools/duckdb_query.mjs \"SELECT api_version, count(*) FROM read_json('quickstart-output/events/**/*.json', hive_partitioning=true) GROUP BY ALL ORDER BY ALL\""
