#!/usr/bin/env bash
# docs/connectors.md embeds the output of `sluice connectors --markdown` between two markers; this
# test fails when the registry (the code) and the doc disagree. To refresh the doc:
#   test/docs/connectors_doc_test.sh build/release/sluice --update
set -euo pipefail
SLUICE=$1
DOC="$(cd "$(dirname "$0")/../.." && pwd)/docs/connectors.md"
BEGIN='<!-- BEGIN GENERATED: sluice connectors --markdown -->'
END='<!-- END GENERATED -->'
generated=$("$SLUICE" connectors --markdown)
if [ "${2:-}" = "--update" ]; then
  awk -v begin="$BEGIN" -v end="$END" -v body="$generated" '
    $0 == begin { print; print body; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }' "$DOC" > "$DOC.tmp" && mv "$DOC.tmp" "$DOC"
  exit 0
fi
documented=$(awk -v begin="$BEGIN" -v end="$END" '
  $0 == end { inside = 0 } inside { print } $0 == begin { inside = 1 }' "$DOC")
if [ "$generated" != "$documented" ]; then
  echo "docs/connectors.md is out of date with the connector registry:" >&2
  diff <(echo "$documented") <(echo "$generated") >&2 || true
  echo "refresh it with: $0 $SLUICE --update" >&2
  exit 1
fi
echo "docs/connectors.md matches the registry"
