#!/usr/bin/env bash
# Builds the site under valgrind and fails on any memory error or definite leak: cmark-gfm's
# memory comes from per-thread arenas rewound after each render (about 60 runs, and one more per
# heading in the raw-HTML fixture), and nothing may be read after a rewind or lost.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product sitegen >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# valgrind cannot read the debug info Swift writes, so it runs a stripped copy.
strip -o "$out/sitegen" .build/release/sitegen
valgrind --quiet --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=3 \
  "$out/sitegen" build --jobs 1 --output "$out/site" 2>&1 | tee "$out/valgrind.log" | tail -n 5
grep -q "definitely lost" "$out/valgrind.log" && { echo "leak check: definite leaks found"; exit 1; }

# The second way of giving headings ids (raw HTML that holds heading tags, unsafe mode) frees and replaces
# nodes itself: check it too, on a copy of the fixture site.
cp -r Tests/Fixtures/minimal/content Tests/Fixtures/minimal/templates "$out/"
printf 'title: Leak check\nlanguage: en\nunsafe_html: true\n' > "$out/content/site.yaml"
printf -- '---\ntitle: Raw\n---\n\n<h2>Raw heading</h2>\n\n## Real heading\n\n### Another\n' > "$out/content/raw.md"
(cd "$out" && valgrind --quiet --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=3 \
  "$out/sitegen" build --jobs 1 --output "$out/raw-site" 2>&1 | tee "$out/valgrind-raw.log" | tail -n 5)
grep -q 'id="real-heading"' "$out/raw-site/raw/index.html" || { echo "leak check: the raw-HTML page lost its heading ids"; exit 1; }
grep -q "definitely lost" "$out/valgrind-raw.log" && { echo "leak check: definite leaks found"; exit 1; }
echo "leak check: no definite leak"
