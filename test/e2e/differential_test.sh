#!/usr/bin/env bash
# Differential test of the expression library against DuckDB: every expression of
# test/differential/expressions.tsv is evaluated by Sluice and by DuckDB on the same generated
# rows and compared value by value (see test/differential/run.mjs). Deliberate differences
# (Spark semantics) are listed in docs/pipeline-language.md and tested in test/sql/functions/.
#
#   differential_test.sh SLUICE_BINARY WORK_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
node "$ROOT/test/differential/run.mjs" "$(realpath "$1")" "$2" "${DIFF_ROWS:-20000}" "${DIFF_SEED:-5}"
