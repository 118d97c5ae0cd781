#!/bin/bash
# CPU time per committed transaction: starts a `ringtx cluster` (3 participants, 1 coordinator,
# plus any `cluster start` options given), runs `bench run --cluster` against it, and reads the
# CPU time of every node process and of the harness from /proc at the start and the end of the
# measured window. On the 2-core VM this project is measured on, one build's commits/s drift by
# a fifth from run to run, its CPU per transaction by under a tenth: A/B two builds in turns with
# this, e.g. (session 8):
#   OUT=/tmp/cpu bash docs/perf/cpu-per-transfer.sh a1 64            # from checkout A
#   OUT=/tmp/cpu bash docs/perf/cpu-per-transfer.sh b1 64 --jvm-opt=-Xmx1g   # from checkout B
# BENCH_ARGS adds options to `bench run` (e.g. BENCH_ARGS="--reads coordinator").
# Prints: committed/s, CPU µs per committed transaction of the coordinator (c), the participants
# together (p), the harness (h) and all of them, and the machine's steal and idle time.
set -u
NAME=$1; C=$2; shift 2
OUT=${OUT:-runs/cpu}; WS=${WARM_S:-40}; DS=${DUR_S:-30}; W=${W:-bank}
D="$OUT/cluster-$NAME"; M="$OUT/$NAME"
rm -rf "$D" "$M"; mkdir -p "$M"
bin/ringtx cluster start --dir "$D" --participants 3 --coordinators 1 "$@" > "$M/start.txt" 2>&1 \
  || { tail "$M/start.txt"; exit 1; }
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$M/start.txt" | tail -1)
bin/ringtx cluster status --dir "$D" --json | python3 -c 'import json,sys
for n in json.load(sys.stdin)["nodes"]: print(n["id"], n["pid"])' > "$M/pids.txt"
bin/ringtx bench run --cluster "$URL" --workload "$W" --keys 10000 --concurrency "$C" \
  --duration "${DS}s" --warmup "${WS}s" ${BENCH_ARGS:-} > "$M/bench.txt" 2>&1 &
BENCH=$!
sleep 4
echo "h $(pgrep -f 'java.*bench run' | head -1)" >> "$M/pids.txt"
snap() {
  while read -r id pid; do echo "$id $(awk '{print $14+$15}' "/proc/$pid/stat")"; done < "$M/pids.txt"
  awk '/^cpu /{print "steal", $9; print "idle", $5}' /proc/stat
  date +"time %s.%N"
}
sleep $((WS - 2)); snap > "$M/s1"; sleep $((DS - 4)); snap > "$M/s2"
wait $BENCH
bin/ringtx cluster stop --dir "$D" > /dev/null 2>&1
RATE=$(grep '^committed' "$M/bench.txt" | sed 's/.*(\([0-9,.]*\)\/s).*/\1/' | tr -d ,)
python3 - "$M/s1" "$M/s2" "$RATE" "$(getconf CLK_TCK)" "$(nproc)" <<'PY'
import sys
a = dict(l.split() for l in open(sys.argv[1])); b = dict(l.split() for l in open(sys.argv[2]))
rate, tck, cpus = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
dt = float(b.pop('time')) - float(a.pop('time'))
ms = {k: (int(b[k]) - int(a[k])) * 1000.0 / tck for k in a}
tx = rate * dt
group = lambda p: sum(v for k, v in ms.items() if k[0] == p and k not in ('steal', 'idle'))
c, p, h = group('c'), group('p'), ms.get('h', 0.0)
print("%.0f/s  cpu us/tx: c %.0f p %.0f h %.0f total %.0f  steal %.1f%% idle %.1f%%" % (
    rate, 1000 * c / tx, 1000 * p / tx, 1000 * h / tx, 1000 * (c + p + h) / tx,
    100 * ms['steal'] / (dt * 1000 * cpus), 100 * ms['idle'] / (dt * 1000 * cpus)))
PY
