#!/usr/bin/env bash
# Times `leakhound git` on a large synthetic history (scripts/gen_history.py): wall, CPU and
# peak RSS for a full scan with all threads and with one, the phase split, an incremental
# rescan after one new commit (--cache), and the peers if ../shared/bench/setup.sh installed
# them. Offline and deterministic; prints a markdown table.
#
#   scripts/bench_history.sh [LEAKHOUND_BINARY]     (default: target/release/leakhound)
#
# Environment: LEAKHOUND_BENCH_HOME (default ~/.cache/leakhound-bench) holds the corpus
# (history-large-<commits>/, built once, about 4 minutes for 50,000 commits);
# LEAKHOUND_BENCH_LARGE_COMMITS (default 50000), LEAKHOUND_BENCH_LARGE_FILES (default 5000);
# LEAKHOUND_BENCH_PEERS=0 skips the peers; LEAKHOUND_BENCH_ROUNDS=N (default 1) times every
# tool N times, in interleaved rounds, and prints the median of each (the --cache rescan runs
# once) with the ratio to the fastest peer per round: on a shared VM whose speed drifts by
# 20-40% within minutes, one round's ratio is noise, the median of several is not.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LH=$(realpath "${1:-target/release/leakhound}")
HOME_DIR=${LEAKHOUND_BENCH_HOME:-$HOME/.cache/leakhound-bench}
COMMITS=${LEAKHOUND_BENCH_LARGE_COMMITS:-50000}
FILES=${LEAKHOUND_BENCH_LARGE_FILES:-5000}
REPO="$HOME_DIR/history-large-$COMMITS"
TIME=${GNU_TIME:-/usr/bin/time}
[ -x "$TIME" ] || { echo "bench_history: needs GNU time at $TIME (apt-get install time)" >&2; exit 2; }
[ -x "$LH" ] || { echo "bench_history: no leakhound binary at $LH (cargo build --release)" >&2; exit 2; }

mkdir -p "$HOME_DIR"
if [ ! -d "$REPO/.git" ]; then
  rm -rf "$REPO" "$REPO.truth.tsv"
  python3 "$HERE/gen_history.py" "$REPO" --commits "$COMMITS" --files "$FILES"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "corpus: $REPO ($(git -C "$REPO" rev-list --all | wc -l) commits, $(git -C "$REPO" ls-files | wc -l) files at HEAD, $(du -sh "$REPO/.git" | cut -f1) .git); load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo
echo "| run | wall | CPU | peak RSS | found | notes |"
echo "|---|---:|---:|---:|---:|---|"

# Reads the corpus's .git once, so that every row starts with it in the page cache. Some VMs
# (this one: DAMON with a `pageout` scheme) evict file pages idle for a second or two, so
# without this whichever tool runs first after a pause reads the pack from disk.
warm() {
  find "$REPO/.git" -type f -exec cat {} + >/dev/null 2>&1 || true
}

# row NAME OUTFILE FOUND_CMD -- CMD...: runs CMD under GNU time and records a row (round,
# name, wall, CPU, peak RSS, found, note) in $ROWS; `report` prints the table.
ROWS="$WORK/rows.tsv"
ROUND=1
row() {
  local name=$1 out=$2 found_cmd=$3
  shift 4
  local t="$WORK/time.txt"
  warm
  "$TIME" -f "%e %U %S %M" -o "$t" "$@" >/dev/null 2>"$WORK/stderr.txt" || true
  read -r wall user sys rss < <(tail -n 1 "$t")
  local found
  found=$(eval "$found_cmd" 2>/dev/null || echo "?")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$name" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$rss" "$found" "${NOTE:-}" >>"$ROWS"
}

# The table: per tool, the median wall and CPU time over the rounds and the largest peak RSS;
# then, with peers, the ratio of the fastest peer's wall time to leakhound's, per round.
report() {
  python3 - "$ROWS" <<'EOF'
import statistics, sys
rows, order = {}, []
for line in open(sys.argv[1]):
    rnd, name, wall, cpu, rss, found, note = line.rstrip("\n").split("\t")
    if name not in rows:
        order.append(name)
    rows.setdefault(name, []).append((int(rnd), float(wall), float(cpu), int(rss), found, note))
for name in order:
    r = rows[name]
    med = lambda i: statistics.median(x[i] for x in r)
    spread = " (%.1f–%.1f)" % (min(x[1] for x in r), max(x[1] for x in r)) if len(r) > 1 else ""
    print("| %s | %.1f s%s | %.1f s | %d MB | %s | %s |" % (name, med(1), spread, med(2), max(x[3] for x in r) // 1024, r[-1][4], r[-1][5]))
peers = [n for n in order if not n.startswith("leakhound")]
if peers and "leakhound git" in rows:
    ratios = []
    for rnd, wall, *_ in rows["leakhound git"]:
        walls = [(x[1], n) for n in peers for x in rows[n] if x[0] == rnd]
        if walls:
            fastest, who = min(walls)
            ratios.append((fastest / wall, who))
    if ratios:
        print()
        print("fastest peer / leakhound, per round: %s; median %.2fx" % (
            ", ".join("%.2fx (%s)" % r for r in ratios), statistics.median(r[0] for r in ratios)))
EOF
}

truth_found() { # JSON report -> "found/planted" by secret value
  python3 - "$1" "$REPO.truth.tsv" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
planted = [l.split("\t")[4].strip() for l in open(sys.argv[2]).read().splitlines()[1:]]
print("%d/%d" % (sum(1 for s in planted if s in text), len(planted)))
EOF
}

phases() {
  python3 -c "
import json, sys
g = json.load(open(sys.argv[1]))['stats']['git']
p = g['phases_ms']
print('phases (ms; diff/read/scan summed over %d threads): walk %d, tree diff %d, blob read+inflate %d, scan %d, attribution %d, in_head %d; %d commits, %d unique blobs, %d appearances'
      % (p['threads'], p['walk'], p['diff'], p['read'], p['scan'], p['attribution'], p['head'], g['commits'], g['unique_blobs'], g['blob_appearances']))" "$1"
}

export LEAKHOUND_GIT_PHASES=1
# One round: leakhound with all cores and with one, then the peers.
timed_round() {
  NOTE="all cores" row "leakhound git" "$WORK/lh.json" "truth_found $WORK/lh.json" -- \
    "$LH" git "$REPO" --format json --show-secrets -o "$WORK/lh.json" --no-progress
  P_ALL=$(phases "$WORK/lh.json")
  NOTE="-j 1" row "leakhound git -j 1" "$WORK/lh1.json" "truth_found $WORK/lh1.json" -- \
    "$LH" git "$REPO" --format json --show-secrets -o "$WORK/lh1.json" --no-progress -j 1
  P_ONE=$(phases "$WORK/lh1.json")
  if [ "${LEAKHOUND_BENCH_PEERS:-1}" != 0 ] && [ -f "$HOME_DIR/tools.env" ]; then
    # shellcheck disable=SC1091
    . "$HOME_DIR/tools.env"
    if [ -n "${KINGFISHER:-}" ]; then
      NOTE="" row "kingfisher" "$WORK/kf.json" "truth_found $WORK/kf.json" -- \
        "$KINGFISHER" scan "$REPO" --no-validate --no-update-check -q -f json -o "$WORK/kf.json"
    fi
    if [ -n "${BETTERLEAKS:-}" ]; then
      NOTE="" row "betterleaks" "$WORK/bl.json" "truth_found $WORK/bl.json" -- \
        "$BETTERLEAKS" git "$REPO" --no-banner -l error --exit-code 0 -o "$WORK/bl.json"
    fi
    if [ -n "${GITLEAKS:-}" ]; then
      NOTE="" row "gitleaks" "$WORK/gl.json" "truth_found $WORK/gl.json" -- \
        "$GITLEAKS" git "$REPO" --no-banner -l error --exit-code 0 -f json -r "$WORK/gl.json"
    fi
  fi
}
for ((ROUND = 1; ROUND <= ${LEAKHOUND_BENCH_ROUNDS:-1}; ROUND++)); do
  timed_round
done

# Incremental: a shared clone (no copy of the objects), a full scan that writes the cache, one
# new commit, the rescan.
git clone -q --shared "$REPO" "$WORK/inc"
"$LH" git "$WORK/inc" --format json -o /dev/null --no-progress --cache "$WORK/cache" >/dev/null 2>&1 || true
f=$(git -C "$WORK/inc" ls-files | sed -n 1p)
echo "one more line" >>"$WORK/inc/$f"
git -C "$WORK/inc" -c user.name=bench -c user.email=bench@example.invalid commit -q -am "one more commit"
ROUND=1
NOTE="--cache, after one new commit" row "leakhound git --cache (rescan)" "$WORK/inc.json" "echo -" -- \
  "$LH" git "$WORK/inc" --format json -o "$WORK/inc.json" --no-progress --cache "$WORK/cache"

report
echo
echo "all cores (last round): $P_ALL"
echo "-j 1 (last round):      $P_ONE"
