#!/usr/bin/env bash
# aimsbook benchmark: builds generated corpora with aimsbook and, when installed, Zola, Hugo
# and mdBook; reports median wall time, CPU time and peak memory, aimsbook's ratio to each,
# and aimsbook's serve timings (no-change rebuild, one-document edit → reload event).
# aimsbook's main row rebuilds into the previous output (unchanged files are linked, not
# rewritten); the "cold" row builds into an empty folder each run.
#
#   benches/run.sh [N ...]        default: 2000 20000
#   RUNS=5 benches/run.sh 2000    runs per measurement (default 5; mdBook at most 1 above 5,000)
#   SERVE_ONLY=1 benches/run.sh 2000   only the serve timings
#   MDBOOK=none benches/run.sh 20000   skip mdBook (it takes many minutes at 20,000)
#   GIT=1 SERVE_ONLY=1 benches/run.sh 20000   serve (and one build) in a git repository of the
#                                  corpus: all committed, then every tenth document in a second
#                                  approved version (history, change logs and redlines)
#
# Needs GNU time (/usr/bin/time), python3 and curl. Results go to stdout as Markdown rows;
# copy them into BENCHMARKS.md. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(2000 20000)
WORK=${WORK:-/tmp/aimsbook-bench}
TODAY=2026-11-26
cargo build --release --quiet
AB=$PWD/target/release/aimsbook
MDBOOK=${MDBOOK:-$(command -v mdbook || echo "$HOME/.cargo/bin/mdbook")}  # MDBOOK=none skips it

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# measure NAME RUNS CMD... → prints "wall cpu peak_mib"
measure() {
  local runs=$1; shift
  local walls=() cpus=() mems=()
  for _ in $(seq "$runs"); do
    local tf
    tf=$(mktemp)
    /usr/bin/time -o "$tf" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || true
    read -r wall user sys mem <"$tf"
    rm -f "$tf"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc)"); mems+=("$mem")
  done
  printf "%s %s %s\n" "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
    "$(printf '%s\n' "${mems[@]}" | median | awk '{printf "%.0f", $1/1024}')"
}

if [ -z "${SERVE_ONLY:-}" ]; then
echo "| N | tool | median wall (s) | median CPU (s) | peak memory (MiB) | aimsbook ratio (wall) |"
echo "|---|---|---|---|---|---|"
for N in "${SIZES[@]}"; do
  C=$WORK/corpus-$N
  if [ ! -f "$C/aimsbook/book.toml" ]; then
    rm -rf "$C"; python3 benches/gen_corpus.py "$N" "$C"
  fi
  read -r aw ac am < <(measure "$RUNS" "$AB" build --root "$C/aimsbook" --out "$WORK/out-ab-$N" --today "$TODAY")
  echo "| $N | aimsbook | $aw | $ac | $am | 1.00 |"
  # Cold: into a folder that does not exist yet, so no unchanged file can be reused.
  read -r w c m < <(measure "$RUNS" bash -c "o=\$(mktemp -d -p '$WORK' cold.XXXXXX); exec '$AB' build --root '$C/aimsbook' --out \"\$o/site\" --today $TODAY")
  rm -rf "$WORK"/cold.*
  echo "| $N | aimsbook, cold (empty output folder) | $w | $c | $m | |"
  if command -v zola >/dev/null; then
    read -r w c m < <(cd "$C/zola" && measure "$RUNS" zola build -o "$WORK/out-zola-$N" --force)
    echo "| $N | Zola | $w | $c | $m | $(echo "scale=2; $aw / $w" | bc) |"
  else
    echo "| $N | Zola | not installed | | | |"
  fi
  if command -v hugo >/dev/null; then
    read -r w c m < <(cd "$C/hugo" && measure "$RUNS" hugo --quiet -d "$WORK/out-hugo-$N")
    echo "| $N | Hugo | $w | $c | $m | $(echo "scale=2; $aw / $w" | bc) |"
  else
    echo "| $N | Hugo | not installed | | | |"
  fi
  if [ -x "$MDBOOK" ]; then
    r=$RUNS; [ "$N" -gt 5000 ] && r=1
    read -r w c m < <(cd "$C/mdbook" && measure "$r" "$MDBOOK" build -d "$WORK/out-mdbook-$N")
    echo "| $N | mdBook | $w | $c | $m | $(echo "scale=2; $aw / $w" | bc) |"
  elif [ "$MDBOOK" = none ]; then
    echo "| $N | mdBook | skipped (MDBOOK=none) | | | |"
  else
    echo "| $N | mdBook | not installed | | | |"
  fi
  # Output size: linear growth check.
  echo "| $N | aimsbook output | $(du -sm "$WORK/out-ab-$N" | cut -f1) MiB, $(find "$WORK/out-ab-$N" -type f | wc -l) files | | | |"
  # The largest page a browser must load (HTML only: downloads are not opened in a browser).
  echo "| $N | aimsbook largest page | $(find "$WORK/out-ab-$N" -name '*.html' -printf '%s %P\n' | sort -n | tail -1 | awk '{printf "%s, %.2f MB", $2, $1/1e6}') | | | |"
  for other in zola hugo mdbook; do
    [ -d "$WORK/out-$other-$N" ] && echo "| $N | $other output | $(du -sm "$WORK/out-$other-$N" | cut -f1) MiB, $(find "$WORK/out-$other-$N" -type f | wc -l) files | | | |"
  done
done
fi

# serve: time from saving a file to the reload event reaching a waiting client.
N=${SIZES[0]}
C=$WORK/corpus-$N
[ -f "$C/aimsbook/book.toml" ] || { rm -rf "$C"; python3 benches/gen_corpus.py "$N" "$C"; }
S=$WORK/serve-$N
rm -rf "$S"; cp -r "$C/aimsbook" "$S"
if [ -n "${GIT:-}" ]; then
  g() { git -C "$S" -c user.name=Bench -c user.email=bench@example.org "$@"; }
  g init -q -b main && g add -A && g commit -q -m "Import of the AIMS"
  python3 - "$S" <<'PY'
import glob, sys
for f in sorted(glob.glob(sys.argv[1] + "/content/docs/doc-*.md"))[::10]:
    s = open(f).read()
    s = s.replace('version: "1.1"\n', 'version: "1.2"\n', 1).replace("approved: 2026-03-01", "approved: 2026-09-01", 1)
    s = s.replace('    summary: "Annual review."\n---', '    summary: "Annual review."\n  - version: "1.2"\n    date: 2026-09-01\n    author: "A. Author"\n    summary: "Second review."\n---', 1)
    open(f, "w").write(s + "\nA paragraph added in version 1.2.\n")
PY
  g commit -q -a -m "Version 1.2 of every tenth document"
  read -r w c m < <(measure "$RUNS" "$AB" build --root "$S" --out "$WORK/out-git-$N" --today "$TODAY")
  echo "build at N=$N in a git repository (2 commits, $(find "$WORK/out-git-$N" -name 'redline-*.html' | wc -l) redline pages): median $w s wall, $c s CPU, $m MiB"
fi
LOG=$WORK/serve.log
"$AB" serve --root "$S" --port 0 --today "$TODAY" >"$LOG" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q "serving" "$LOG" && break; sleep 0.1; done
PORT=$(grep -o '127.0.0.1:[0-9]*' "$LOG" | head -1)
edit_ms() {
  local file=$1 change=$2
  local gen
  gen=$(curl -s "http://$PORT/__aimsbook/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
  local start end
  ( curl -s "http://$PORT/__aimsbook/wait?since=$gen" >/dev/null ) & local cpid=$!
  sleep 0.3
  start=$(date +%s%N)
  $change "$file"
  wait $cpid
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
touch_only() { touch "$1"; }
edit_body() { echo "Edited at $(date +%s%N)." >>"$1"; }
noc=(); one=()
for i in $(seq "$RUNS"); do noc+=("$(edit_ms "$S/content/docs/doc-00001.md" touch_only)"); done
for i in $(seq "$RUNS"); do one+=("$(edit_ms "$S/content/docs/doc-00002.md" edit_body)"); done
echo
echo "serve at N=$N${GIT:+ (git repository)}: no-change rebuild (save without change → event): median $(printf '%s\n' "${noc[@]}" | median) ms; one-document edit → reload event: median $(printf '%s\n' "${one[@]}" | median) ms"
grep "rebuilt in" "$LOG" | tail -3
# Exactness at this scale: after the edits above, every file the server holds equals a fresh
# build of the edited folder, byte for byte (the tests check this at small scale).
"$AB" build --root "$S" --out "$WORK/exact-$N" --today "$TODAY" >/dev/null 2>&1
python3 benches/serve_exact.py "$PORT" "$WORK/exact-$N"
