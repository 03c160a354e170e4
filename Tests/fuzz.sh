#!/usr/bin/env bash
# Fuzzes the parse phase with libFuzzer for SECONDS (default 120). Crash inputs land in Tests/FuzzCrashes/;
# commit each one with a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
# --sanitize reaches the C targets too (cmark's arena poisons released memory under ASan).
swift build --scratch-path .build-fuzz --product FuzzParse --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
n=0
for file in content/*.md content/ambassadors/*.md content/timeline/*.md; do n=$((n + 1)); cp "$file" "$corpus/seed-$n.md"; done
mkdir -p Tests/FuzzCrashes
.build-fuzz/debug/FuzzParse "$corpus" -max_total_time="$seconds" -max_len=4096 -artifact_prefix=Tests/FuzzCrashes/ -print_final_stats=1
