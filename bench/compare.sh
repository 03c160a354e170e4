#!/usr/bin/env bash
# Two sitegen builds side by side: the first build of the same 10,000 pages into an empty folder, old and new
# alternating, each with the templates (and settings) of its own commit; medians of CPU, wall and peak memory.
#
#   bash bench/compare.sh OLD_COMMIT [RUNS] [OUTPUT_ROOT]
#
# OLD_COMMIT is built in a worktree (bench/out/old-tree, .build-old); the new side is the working tree's
# release build (.build/release/sitegen). OUTPUT_ROOT defaults to bench/out/compare, on the project's disk;
# pass a tmpfs folder (/dev/shm/compare) for the extra column.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1; RUNS=${2:-5}; OUT=${3:-$PWD/bench/out/compare}
mkdir -p bench/out "$OUT"
[ -d bench/out/old-tree ] || git worktree add -q --detach bench/out/old-tree "$OLD"
git -C bench/out/old-tree checkout -q --detach "$OLD"
ROOT=$PWD
(cd bench/out/old-tree && swift build -c release --product sitegen --scratch-path "$ROOT/.build-old" >/dev/null)
swift build -c release --product sitegen >/dev/null
OLD_BIN=$PWD/.build-old/release/sitegen NEW_BIN=$PWD/.build/release/sitegen
[ -d bench/out/corpus-old ] || (cd bench/out/old-tree && python3 bench/generate.py --site-templates 10000 "$ROOT/bench/out/corpus-old" "$PWD" >/dev/null)
[ -d bench/out/corpus-new ] || python3 bench/generate.py --site-templates 10000 bench/out/corpus-new "$PWD" >/dev/null
rm -f "$OUT/times"
for run in $(seq "$RUNS"); do
  for which in old new; do
    bin=$OLD_BIN; [ $which = new ] && bin=$NEW_BIN
    rm -rf "$OUT/p-$which" "$OUT/.p-$which.sitegen-inputs" "$OUT/.p-$which.sitegen-parsed" "$OUT/.p-$which.sitegen-search"; sync; sleep 2
    (cd bench/out/corpus-$which/sitegen && /usr/bin/time -f "$which %e %U %S %M" -a -o "$OUT/times" "$bin" build --output "$OUT/p-$which" >/dev/null 2>&1)
  done
done
python3 - "$OUT/times" <<'PY'
import statistics, collections, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    which, wall, user, system, memory = line.split()
    rows[which].append((float(wall), float(user) + float(system), int(memory) / 1024))
median = lambda runs, i: statistics.median(run[i] for run in runs)
for which in ("old", "new"):
    runs = rows[which]
    print(f"{which}: wall {median(runs, 0):.2f} s, CPU {median(runs, 1):.2f} s, peak {median(runs, 2):.0f} MB  (walls: {', '.join(f'{r[0]:.2f}' for r in runs)})")
old, new = rows["old"], rows["new"]
print(f"new / old: wall {median(new, 0) / median(old, 0):.3f}, CPU {median(new, 1) / median(old, 1):.3f}, peak {median(new, 2) / median(old, 2):.3f}")
PY
