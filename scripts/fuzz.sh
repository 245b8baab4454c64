#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`, clang) and runs each for a bounded time on its seed
# corpus (test/fuzz/corpus/<target>/, read-only: new inputs go to a scratch folder).
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 20; a long local run: 3600)
# The test command runs it with a fixed seed (FUZZ_SEED, default 1) so a CI run explores the same
# inputs each time; for a real search use FUZZ_SEED=0 (libFuzzer picks one) and a long time.
# A crash leaves its input in build/fuzz/: add it to the target's corpus once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
seed=${FUZZ_SEED:-1}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"
for target in build/fuzz/fuzz/*_fuzz; do
  name=$(basename "$target")
  scratch=build/fuzz/corpus/$name
  mkdir -p "$scratch"
  echo "fuzz: $name for ${seconds}s"
  "$target" -seed="$seed" -max_total_time="$seconds" -timeout=10 -artifact_prefix=build/fuzz/ -rss_limit_mb=2048 -print_final_stats=1 \
    "$scratch" "test/fuzz/corpus/$name" 2>&1 | tail -n 12
done
