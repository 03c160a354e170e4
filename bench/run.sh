#!/usr/bin/env bash
# Benchmark: sitegen (release) against Hugo and the cmark-gfm command on the same synthetic Markdown.
#
#   bash bench/run.sh            # 1,000 and 10,000 pages, 5 runs each, alternating
#   RUNS=3 SIZES="10000" bash bench/run.sh
#   CORPUS=~/pages bash bench/run.sh   # your own Markdown pages instead (see bench/generate.py --from)
#
# Needs: hugo, cmark-gfm, /usr/bin/time (Debian packages hugo, cmark-gfm, time). Prints one table of
# medians (wall time, peak memory) and the ratios sitegen/Hugo and sitegen/cmark-gfm; and the floor
# (bench-floor: only cmark-gfm, swift-mustache and the files) against Hugo.
set -euo pipefail
CORPUS=${CORPUS:-}
if [ -n "$CORPUS" ]; then
  # Named from where the script was started, before it moves to the project.
  CORPUS=$(cd "$CORPUS" 2>/dev/null && pwd) || { echo "CORPUS is not a folder"; exit 1; }
fi
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=${SIZES:-"1000 10000"}
[ -n "$CORPUS" ] && SIZES=corpus
# On tmpfs by default: on this machine's ext4 disk, creating files right after deleting thousands
# is slower each run, which measures the disk rather than the generators.
WORK=${WORK:-$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo /tmp )/sitegen-bench.XXXXXX")}
trap 'rm -rf "$WORK"' EXIT

for tool in hugo cmark-gfm /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install hugo cmark-gfm time"; exit 1; }
done
swift build -c release --static-swift-stdlib --product sitegen >/dev/null
swift build -c release --static-swift-stdlib --product bench-floor >/dev/null
SITEGEN=$PWD/.build/release/sitegen
# The least a generator has to do for these pages (Sources/BenchFloor): cmark-gfm, swift-mustache, files.
FLOOR=$PWD/.build/release/bench-floor
EXTENSIONS=(-e table -e strikethrough -e autolink -e tagfilter -e tasklist -e footnotes)

# measure NAME COMMAND...: appends "seconds kilobytes" to $WORK/NAME.times
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/last.time" "$@" >/dev/null 2>"$WORK/last.err" || { cat "$WORK/last.err"; exit 1; }
  cat "$WORK/last.time" >> "$WORK/$name.times"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf "machine: %s, %s cores, %s\n" "$(uname -m)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf "sitegen %s; %s; cmark-gfm %s; %s runs each, alternating, medians\n\n" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" "$(hugo version | cut -d' ' -f1-2)" "$(cmark-gfm --version | head -1 | cut -d' ' -f2)" "$RUNS"
printf "| pages | tool | wall s | peak MB | sitegen/tool wall | sitegen/tool memory |\n|---:|---|---:|---:|---:|---:|\n"

floor_notes=""
for size in $SIZES; do
  site=$WORK/site-$size
  if [ "$size" = corpus ]; then
    python3 bench/generate.py --from "$CORPUS" "$site" >/dev/null
  else
    python3 bench/generate.py "$size" "$site" >/dev/null
  fi
  files=("$site"/markdown/*.md)
  pages=${#files[@]}
  rm -f "$WORK"/*.times
  for run in $(seq "$RUNS"); do
    rm -rf "$site/out-sitegen" "$site/out-sitegen-1" "$site/out-hugo" "$site/out-floor"
    (cd "$site/sitegen" && measure sitegen "$SITEGEN" build --output "$site/out-sitegen")
    (cd "$site/hugo" && measure hugo hugo --quiet --destination "$site/out-hugo")
    measure floor "$FLOOR" "$site/sitegen/content" "$site/sitegen/templates" "$site/out-floor"
    rm -rf "$site/out-floor"
    measure floor-bare "$FLOOR" --no-templates "$site/sitegen/content" "$site/sitegen/templates" "$site/out-floor"
    measure cmark cmark-gfm "${EXTENSIONS[@]}" "${files[@]}"
    (cd "$site/sitegen" && measure sitegen-jobs1 "$SITEGEN" build --jobs 1 --output "$site/out-sitegen-1")
  done
  declare -A wall memory
  for name in sitegen sitegen-jobs1 hugo cmark floor floor-bare; do
    wall[$name]=$(cut -d' ' -f1 "$WORK/$name.times" | median)
    memory[$name]=$(cut -d' ' -f2 "$WORK/$name.times" | median)
  done
  for name in sitegen sitegen-jobs1 hugo cmark floor floor-bare; do
    label=$name; [ "$name" = cmark ] && label="cmark-gfm command (one process)"; [ "$name" = sitegen-jobs1 ] && label="sitegen --jobs 1"
    [ "$name" = floor ] && label="floor: cmark-gfm, swift-mustache and the files only (bench-floor)"
    [ "$name" = floor-bare ] && label="floor without templates: cmark-gfm and the files"
    awk -v p="$pages" -v l="$label" -v w="${wall[$name]}" -v m="${memory[$name]}" -v sw="${wall[sitegen]}" -v sm="${memory[sitegen]}" \
      'BEGIN { printf "| %d | %s | %.2f | %.0f | %.2f | %.2f |\n", p, l, w, m / 1024, sw / w, sm / m }'
  done
  floor_notes+=$(awk -v f="${wall[floor]}" -v b="${wall[floor-bare]}" -v h="${wall[hugo]}" -v p="$pages" \
    'BEGIN { printf "%d pages: the floor takes %.2f of Hugo'"'"'s time, %.2f without templates\n", p, f / h, b / h }')$'\n'
  cp "$WORK/sitegen.times" "$WORK/keep-sitegen-$size"
done
if [[ " $SIZES " == *" 1000 "* && " $SIZES " == *" 10000 "* ]]; then
  awk -v a="$(cut -d' ' -f1 "$WORK/keep-sitegen-1000" | median)" -v b="$(cut -d' ' -f1 "$WORK/keep-sitegen-10000" | median)" \
    'BEGIN { printf "\nsitegen 10,000 pages / 1,000 pages: %.1f times the time\n", b / a }'
fi
printf "\n%s" "$floor_notes"
