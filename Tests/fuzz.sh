#!/usr/bin/env bash
# Fuzzes with libFuzzer and AddressSanitizer for SECONDS (default 120):
#   bash Tests/fuzz.sh [SECONDS] [parse|front-matter|site-paths]
# parse (the default) runs the parse phase on whole pages, starting from the site's own pages;
# front-matter compares FlatYAML with Yams, starting from the pages' front matter, site.yaml and
# Tests/FuzzSeeds/front-matter/; site-paths runs SitePath's byte-level functions on long, deep and odd
# paths, starting from Tests/FuzzSeeds/site-paths/. Failing inputs land in Tests/FuzzCrashes/; commit each
# one with a regression test (and as a seed).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
target=${2:-parse}
case "$target" in parse|front-matter|site-paths) ;; *) echo "unknown fuzz target $target" >&2; exit 2 ;; esac
# --sanitize reaches the C targets too (cmark's arena poisons released memory under ASan).
swift build --scratch-path .build-fuzz --product Fuzz --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
n=0
for file in content/*.md content/ambassadors/*.md content/timeline/*.md; do
  n=$((n + 1))
  case "$target" in
    parse) cp "$file" "$corpus/seed-$n.md" ;;
    # The lines between the opening `---` and the next one.
    front-matter) awk 'NR == 1 { next } /^---$/ { exit } { print }' "$file" > "$corpus/seed-$n.yaml" ;;
  esac
done
case "$target" in
  front-matter) cp content/site.yaml Tests/FuzzSeeds/front-matter/* "$corpus/" ;;
  site-paths) cp Tests/FuzzSeeds/site-paths/* "$corpus/" ;;
esac
mkdir -p Tests/FuzzCrashes
SITEGEN_FUZZ_TARGET=$target .build-fuzz/debug/Fuzz "$corpus" -max_total_time="$seconds" -max_len=4096 \
  -artifact_prefix=Tests/FuzzCrashes/ -print_final_stats=1
