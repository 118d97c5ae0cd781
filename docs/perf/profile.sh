#!/bin/bash
# CPU profile of every process of a bank load, kernel stacks included: starts a `ringtx cluster`
# (3 participants, 1 coordinator, plus any `cluster start` options given), runs `bench run
# --cluster` against it, and after WARM_S seconds attaches async-profiler (fetched from Maven
# Central as tools.profiler:async-profiler, whose jar carries the Linux library) to each node and
# to the harness for PROF_S seconds. Writes OUT/NAME/<node>.collapsed (one line per stack, for
# flame graph tools) and prints, per process, the share of its samples in each part that matters
# on this project's 2-core VM: the JIT compiler's threads, GC, fsync, RocksDB writes, message
# reading and sending, and the rest. E.g. (session 12):
#   OUT=/tmp/prof bash docs/perf/profile.sh c64 64
#   OUT=/tmp/prof W=single bash docs/perf/profile.sh single 64
# Profiling costs throughput (a third at 64 clients with the 1 ms interval), so the bench figures
# of a profiled run are not results; its shares are.
set -u
NAME=$1; C=$2; shift 2
OUT=${OUT:-runs/prof}; WS=${WARM_S:-60}; PS=${PROF_S:-20}; W=${W:-bank}
EVENT=${EVENT:-cpu}; INTERVAL=${INTERVAL:-1ms}; AP_VERSION=${AP_VERSION:-3.0}
D="$OUT/cluster-$NAME"; M="$OUT/$NAME"
JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
if [ ! -f "$JAR" ]; then
  mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" \
    || { echo "cannot fetch async-profiler $AP_VERSION from Maven Central" >&2; exit 1; }
fi
mkdir -p "$OUT"
LIB="$OUT/async-profiler-$AP_VERSION/linux-x64/libasyncProfiler.so"
[ -f "$LIB" ] || unzip -q -o "$JAR" 'linux-x64/*' -d "$OUT/async-profiler-$AP_VERSION" \
  || { echo "cannot unpack $JAR" >&2; exit 1; }
LIB=$(readlink -f "$LIB")
rm -rf "$D" "$M"; mkdir -p "$M"
bin/ringtx cluster start --dir "$D" --participants 3 --coordinators 1 "$@" > "$M/start.txt" 2>&1 \
  || { tail "$M/start.txt"; exit 1; }
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$M/start.txt" | tail -1)
bin/ringtx cluster status --dir "$D" --json | python3 -c 'import json,sys
for n in json.load(sys.stdin)["nodes"]: print(n["id"], n["pid"])' > "$M/pids.txt"
bin/ringtx bench run --cluster "$URL" --workload "$W" --keys 10000 --concurrency "$C" \
  --duration "$((PS + 10))s" --warmup "${WS}s" > "$M/bench.txt" 2>&1 &
BENCH=$!
sleep 4
echo "h $(pgrep -f 'java.*bench run' | head -1)" >> "$M/pids.txt"
# jcmd reads key=value pairs itself: the agent's options go in quotes of their own.
agent(){ jcmd "$1" JVMTI.agent_load "$LIB" "\"$2\"" > /dev/null || echo "profiler: jcmd $1 failed" >&2; }
sleep $((WS - 4))
while read -r id pid; do agent "$pid" "start,event=$EVENT,interval=$INTERVAL"; done < "$M/pids.txt"
sleep "$PS"
while read -r id pid; do agent "$pid" "stop,file=$(readlink -f "$M")/$id.collapsed,collapsed"; done < "$M/pids.txt"
wait $BENCH
bin/ringtx cluster stop --dir "$D" > /dev/null 2>&1
grep -E '^committed' "$M/bench.txt"
python3 - "$M" <<'PY'
import os, sys
# First matching part wins, in this order; "other" is everything else (Java code, epoll, ...).
parts = [
    ("jit", ("CompileBroker",)),
    ("gc", ("G1", "GCTaskThread", "ParallelGC", "SerialHeap", "VM_GC")),
    ("fsync", ("fdatasync", "do_fsync")),
    ("rocksdb write", ("RocksDB.write",)),
    ("rocksdb read", ("RocksDB.get", "RocksDB.multiGet", "RocksIterator")),
    ("send", ("writev", "sendmsg", "sys_write")),
    ("receive", ("sys_read", "recvmsg", "readv")),
]
m = sys.argv[1]
print("%-4s %8s" % ("", "samples") + "".join("%15s" % p for p, _ in parts) + "%15s" % "other")
for f in sorted(os.listdir(m)):
    if not f.endswith(".collapsed"):
        continue
    counts = dict.fromkeys([p for p, _ in parts] + ["other"], 0); total = 0
    for line in open(os.path.join(m, f)):
        stack, n = line.rsplit(" ", 1); n = int(n); total += n
        counts[next((p for p, keys in parts if any(k in stack for k in keys)), "other")] += n
    print("%-4s %8d" % (f[:-10], total)
          + "".join("%14.1f%%" % (100.0 * counts[p] / max(total, 1)) for p in counts))
PY
