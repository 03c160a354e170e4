#!/usr/bin/env bash
# Benchmark: sitegen (release) against Hugo where editors live: the project's own templates (for Hugo,
# bench/hugo-layouts, which render the same structure), on the file system of the project's folder, in the
# scenarios of an editing day.
#
#   bash bench/run.sh                     # 1,000 and 10,000 pages, 3 runs each, alternating; 100,000 for sitegen
#   RUNS=5 SIZES="10000" BIG= bash bench/run.sh
#
# Scenarios: first build into an empty folder; rebuild with nothing changed; rebuild after one page was
# edited; rebuild after a template was edited. Each is timed for wall and CPU (user + system) time and peak
# memory with /usr/bin/time; the table gives medians and sitegen's ratio to Hugo, all from this one run.
# Extra rows: the floor (the first build's folders and files written by bench/fs-floor.c, which does
# nothing else: what the disk alone costs), the same on tmpfs (TMPFS=1, the default, at 10,000 pages), and
# sitegen with two one-line templates (what the site's templates cost, into tmpfs); at 100,000 pages, sitegen
# alone and the floor (how the disk alone grows). Needs hugo and /usr/bin/time (Debian packages hugo, time).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZES=${SIZES:-"1000 10000"}
BIG=${BIG-100000}
TMPFS=${TMPFS:-1}
# On the project's own disk: what an editor's rebuild meets.
WORK=${WORK:-$PWD/bench/out/run}
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

for tool in hugo /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install hugo time"; exit 1; }
done
swift build -c release --static-swift-stdlib --product sitegen >/dev/null
SITEGEN=$PWD/.build/release/sitegen
FLOOR=$WORK/fs-floor
cc -O2 -pthread bench/fs-floor.c -o "$FLOOR" 2>/dev/null || FLOOR=  # the floor row needs a C compiler

# measure NAME DIR COMMAND...: runs COMMAND in DIR, appends "wall cpu kilobytes" to $WORK/NAME.times
measure() {
  local name=$1 dir=$2; shift 2
  (cd "$dir" && /usr/bin/time -f "%e %U %S %M" -o "$WORK/last.time" "$@" >/dev/null 2>"$WORK/last.err") || { cat "$WORK/last.err"; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/last.time" >> "$WORK/$name.times"
}
# Nothing on the disk is deleted until the script ends. This disk's ext4 has no journal, and such a file
# system does not give a new file an inode freed in the last minute (six minutes while the inode's table
# block is unwritten): it looks each one up and skips it, so making files soon after deleting many costs more
# the more were deleted (see BENCHMARKS.md). For the same reason, run the script at least six minutes after
# deleting a large folder on this disk (the last run's, among others).
settle() { sync; sleep 3; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_median() { cut -d' ' -f"$2" "$WORK/$1.times" | median; }

sitegen_build() { measure "$1" "$2/sitegen" "$SITEGEN" build --output "$3"; }
hugo_build() { measure "$1" "$2/hugo" hugo --quiet --destination "$3"; }

# One page and the footer template, changed anew in each run (both generators the same way).
edit_page() { local kind; for kind in sitegen hugo; do echo "Edited in run $2." >> "$1/$kind/content/part-7/page-00007.md"; done; }
edit_template() {
  sed -i "s/Built with sitegen from Markdown sources[^<]*/Built with sitegen from Markdown sources, run $2./" "$1/sitegen/templates/footer.mustache"
  sed -i "s/Built with Hugo from Markdown sources[^<]*/Built with Hugo from Markdown sources, run $2./" "$1/hugo/layouts/_default/baseof.html"
}

# scenarios SITE LABEL OUT-FOLDER: every scenario, RUNS times, sitegen and Hugo alternating
scenarios() {
  local site=$1 label=$2 out=$3
  for run in $(seq "$RUNS"); do
    # A new folder each run, none removed before the script ends (see `settle`).
    local into=$out/run-$run
    sitegen_build "$label-first-sitegen" "$site" "$into/sitegen"
    hugo_build "$label-first-hugo" "$site" "$into/hugo"
    # The floor: sitegen's output written again by a program that does nothing else (bench/fs-floor.c).
    [[ -n "$FLOOR" && $label == disk-* ]] && "$FLOOR" "$into/sitegen" "$into/floor" "$(nproc)" | awk '{ print $1, 0, 0 }' >> "$WORK/$label-floor.times"
    sitegen_build "$label-same-sitegen" "$site" "$into/sitegen"
    hugo_build "$label-same-hugo" "$site" "$into/hugo"
    edit_page "$site" "$run"
    sitegen_build "$label-page-sitegen" "$site" "$into/sitegen"
    hugo_build "$label-page-hugo" "$site" "$into/hugo"
    edit_template "$site" "$run"
    sitegen_build "$label-template-sitegen" "$site" "$into/sitegen"
    hugo_build "$label-template-hugo" "$site" "$into/hugo"
  done
}

row() {  # row PAGES SCENARIO LABEL
  local pages=$1 scenario=$2 label=$3
  local sw sc sm hw hc hm
  sw=$(column_median "$label-$scenario-sitegen" 1); sc=$(column_median "$label-$scenario-sitegen" 2); sm=$(column_median "$label-$scenario-sitegen" 3)
  hw=$(column_median "$label-$scenario-hugo" 1); hc=$(column_median "$label-$scenario-hugo" 2); hm=$(column_median "$label-$scenario-hugo" 3)
  awk -v p="$pages" -v s="$4" -v sw="$sw" -v sc="$sc" -v sm="$sm" -v hw="$hw" -v hc="$hc" -v hm="$hm" \
    'BEGIN { printf "| %d | %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | **%.3f** | %.3f | %.2f |\n", p, s, sw, sc, sm / 1024, hw, hc, hm / 1024, sw / hw, sc / hc, sm / hm }'
}

printf "machine: %s, %s cores, %s; disk: %s\n" "$(uname -m)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
  "$(df -T "$WORK" | awk 'NR == 2 { print $2 }') ($WORK)"
printf "sitegen %s; %s; %s runs each, alternating, medians; CPU is user + system\n\n" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" "$(hugo version | cut -d' ' -f1-2)" "$RUNS"
printf "| pages | scenario | sitegen wall s | sitegen CPU s | sitegen MB | Hugo wall s | Hugo CPU s | Hugo MB | wall ratio | CPU ratio | memory ratio |\n"
printf "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
for size in $SIZES; do
  site=$WORK/site-$size
  python3 bench/generate.py --site-templates "$size" "$site" "$PWD" >/dev/null
  # The generated pages on the disk before any build is timed, not written back while one runs, and older
  # than the seconds before a build in which sitegen does not trust a file's times (see InputRecord).
  settle
  scenarios "$site" "disk-$size" "$WORK/out-$size"
  row "$size" first "disk-$size" "first build into an empty folder"
  row "$size" same "disk-$size" "rebuild, nothing changed"
  row "$size" page "disk-$size" "rebuild after one page was edited"
  row "$size" template "disk-$size" "rebuild after a template was edited"
  if [ -n "$FLOOR" ]; then
    awk -v p="$size" -v fw="$(column_median "disk-$size-floor" 1)" -v hw="$(column_median "disk-$size-first-hugo" 1)" \
      'BEGIN { printf "| %d | (floor) the first build'"'"'s folders and files written by a program that does nothing else | %.2f | | | %.2f | | | **%.3f** | | |\n", p, fw, hw, fw / hw }'
  fi
  if [ "$size" = 10000 ] && [ "$TMPFS" = 1 ] && [ -d /dev/shm ]; then
    shm=$(mktemp -d /dev/shm/sitegen-bench.XXXXXX)
    cp -r "$site" "$shm/site"
    scenarios "$shm/site" "tmpfs-$size" "$shm/out"
    row "$size" first "tmpfs-$size" "(tmpfs) first build into an empty folder"
    row "$size" same "tmpfs-$size" "(tmpfs) rebuild, nothing changed"
    rm -rf "$shm"
  fi
done

# The same 10,000 pages with two one-line templates instead of the site's, sitegen alone, alternating, first
# builds: what the site's templates cost. Into tmpfs, so that the disk does not blur the CPU.
if [[ " $SIZES " == *" 10000 "* ]]; then
  site=$WORK/templates-10000
  python3 bench/generate.py --site-templates 10000 "$site" "$PWD" >/dev/null
  sync
  cp -r "$site/sitegen" "$site/plain"
  rm -rf "$site/plain/templates"
  mkdir -p "$site/plain/templates"
  printf '<!DOCTYPE html>\n<html lang="{{language}}"><head><meta charset="utf-8"><title>{{title}}</title></head>\n<body>\n{{{main}}}\n</body></html>\n' > "$site/plain/templates/base.mustache"
  printf '<h1>{{page.title}}</h1>\n{{{page.body}}}\n' > "$site/plain/templates/page.mustache"
  out=$( [ -d /dev/shm ] && mktemp -d /dev/shm/sitegen-bench.XXXXXX || mktemp -d "$WORK/out.XXXXXX")
  for run in $(seq "$RUNS"); do
    measure templates-site "$site/sitegen" "$SITEGEN" build --output "$out/site-$run"
    measure templates-plain "$site/plain" "$SITEGEN" build --output "$out/plain-$run"
  done
  awk -v sw="$(column_median templates-site 1)" -v sc="$(column_median templates-site 2)" -v pw="$(column_median templates-plain 1)" -v pc="$(column_median templates-plain 2)" \
    'BEGIN { printf "\nsitegen, 10,000 pages, first build into tmpfs: the site'"'"'s templates %.2f s (CPU %.2f s), two one-line templates %.2f s (CPU %.2f s): **%.2f× the wall time, %.2f× the CPU**\n", sw, sc, pw, pc, sw / pw, sc / pc }'
  if [[ $out == /dev/shm/* ]]; then rm -rf "$out"; fi
fi

# sitegen alone at 100,000 pages: how time and memory grow.
if [ -n "$BIG" ]; then
  site=$WORK/site-$BIG
  python3 bench/generate.py --site-templates "$BIG" "$site" "$PWD" >/dev/null
  settle
  measure big-first "$site/sitegen" "$SITEGEN" build --output "$WORK/out-big"
  measure big-same "$site/sitegen" "$SITEGEN" build --output "$WORK/out-big"
  echo "Edited." >> "$site/sitegen/content/part-7/page-00007.md"
  measure big-page "$site/sitegen" "$SITEGEN" build --output "$WORK/out-big"
  # The floor at this size: how the disk alone grows from 10,000 pages' folders and files to these.
  [ -n "$FLOOR" ] && "$FLOOR" "$WORK/out-big" "$WORK/out-big-floor" "$(nproc)" | awk '{ print $1, 0, 0 }' >> "$WORK/big-floor.times"
  awk -v n="$BIG" -v fw="$(column_median big-first 1)" -v fc="$(column_median big-first 2)" -v fm="$(column_median big-first 3)" \
    -v sw="$(column_median big-same 1)" -v sm="$(column_median big-same 3)" -v pw="$(column_median big-page 1)" -v pm="$(column_median big-page 3)" \
    'BEGIN { printf "\nsitegen, %d pages: first build %.2f s (CPU %.2f s, %.0f MB); rebuild, nothing changed %.2f s (%.0f MB); after one page was edited %.2f s (%.0f MB)\n", n, fw, fc, fm / 1024, sw, sm / 1024, pw, pm / 1024 }'
  if [[ " $SIZES " == *" 10000 "* ]]; then
    awk -v b="$(column_median big-first 1)" -v a="$(column_median disk-10000-first-sitegen 1)" -v n="$BIG" \
      'BEGIN { printf "first build, %d pages / 10,000 pages: %.1f times the time\n", n, b / a }'
    if [ -n "$FLOOR" ]; then
      awk -v b="$(column_median big-floor 1)" -v a="$(column_median disk-10000-floor 1)" -v n="$BIG" \
        'BEGIN { printf "(floor) the folders and files alone, %d pages / 10,000 pages: %.1f times the time (%.2f s / %.2f s)\n", n, b / a, b, a }'
    fi
  fi
fi
