#!/usr/bin/env bash
# cmark's per-thread arena under AddressSanitizer: valid use runs clean, and a read after a rewind is
# reported as a read after free() would be (the arena poisons what it releases).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
clang -fsanitize=address -g -O1 $(pkg-config --cflags libcmark-gfm) -I Sources/CmarkConcurrency/include \
  Tests/ArenaCheck/arena-check.c Sources/CmarkConcurrency/CmarkArena.c -o "$out/arena-check" 2>"$out/build.log" \
  || { cat "$out/build.log"; exit 1; }
"$out/arena-check" valid
if "$out/arena-check" after-rewind >"$out/run.log" 2>&1; then
  echo "arena: a read after a rewind went unnoticed"; exit 1
fi
grep -q "use-after-poison" "$out/run.log" || { cat "$out/run.log"; exit 1; }
echo "arena: a read after a rewind is reported"
