#!/usr/bin/env bash
# Builds the site under valgrind and fails on any definite leak: every cmark-gfm parser, document,
# iterator and rendered string must be freed. Each page and event is one render (about 60 runs),
# and each heading one more.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sitegen >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# valgrind cannot read the debug info Swift writes, so it runs a stripped copy.
strip -o "$out/sitegen" .build/release/sitegen
valgrind --quiet --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=3 \
  "$out/sitegen" build --jobs 1 --output "$out/site" 2>&1 | tee "$out/valgrind.log" | tail -n 5
grep -q "definitely lost" "$out/valgrind.log" && { echo "leak check: definite leaks found"; exit 1; }
echo "leak check: no definite leak"
