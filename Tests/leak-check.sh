#!/usr/bin/env bash
# Builds the site under valgrind and fails on any memory error or definite leak: cmark-gfm's
# memory comes from per-thread arenas rewound after each render (about 60 runs, and one more per
# heading in the raw-HTML fixture), or for a large page from cmark's own allocator, freed part by part;
# nothing may be read after a rewind or a free, or lost.
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
# The fixture's own settings (its collections declare the folders its pages are in), with raw HTML on.
printf '\nunsafe_html: true\n' >> "$out/content/site.yaml"
printf -- '---\ntitle: Raw\n---\n\n<h2>Raw heading</h2>\n\n## Real heading\n\n### Another\n' > "$out/content/raw.md"
# A page above the arena's limit (4 MiB): parsed with cmark's own allocator, each part freed as it goes.
{ printf -- '---\ntitle: Large\n---\n\n<h2>Raw</h2>\n\n'; for i in $(seq 45000); do printf '## Part %d\n\nText [link](raw.md) and *more* text, with a note.[^n]\n\n| a | b |\n|---|---|\n| %d | x |\n\n' "$i" "$i"; done; printf '[^n]: A note.\n'; } > "$out/content/large.md"
(cd "$out" && valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=3 \
  "$out/sitegen" build --jobs 1 --output "$out/raw-site" > "$out/valgrind-raw.log" 2>&1; grep -E "sitegen:|definitely lost|possibly lost" "$out/valgrind-raw.log")
grep -q 'id="real-heading"' "$out/raw-site/raw/index.html" || { echo "leak check: the raw-HTML page lost its heading ids"; exit 1; }
grep -q 'id="part-45000"' "$out/raw-site/large/index.html" || { echo "leak check: the large page lost its heading ids"; exit 1; }
grep -q "definitely lost: [1-9]" "$out/valgrind-raw.log" && { echo "leak check: definite leaks found"; exit 1; }
# cmark's HTML of a large page left unfreed shows as "possibly lost" (a pointer into it stays on a stack),
# beside a few KB of thread-local blocks that every run has: more than 100 KB is a leak.
possibly=$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' "$out/valgrind-raw.log" | tr -d ,)
[ "${possibly:-0}" -le 100000 ] || { echo "leak check: $possibly bytes possibly lost"; exit 1; }
echo "leak check: no definite leak"
