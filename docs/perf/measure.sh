#!/bin/bash
# The quiet-machine measurement of README "Performance": RingTx now (NEW) and an earlier build
# (BASE, the bin/ringtx of another checkout; skipped when empty) in turns, so that a drift of the
# machine falls on both, each after WARMUP of warm-up (RingTx's JVMs need 30-40 s to compile
# their hot paths on 2 shared cores); then the one-phase path, rocksdb-local and a second
# calibration. Run from the repository, e.g. (session 7, about 30 minutes):
#   OUT=runs BASE=../checkout-of-a1f34c4/bin/ringtx bash docs/perf/measure.sh
# Session 6 ran it with C64_ROUNDS=2 (about 25 minutes).
set -u
OUT=${OUT:-runs}; mkdir -p "$OUT"
NEW=${NEW:-bin/ringtx}; BASE=${BASE:-}
WARMUP=${WARMUP:-60s}; C64_ROUNDS=${C64_ROUNDS:-3}; C1_ROUNDS=${C1_ROUNDS:-2}
P="--processes --participants 3 --coordinators 1"
B="--workload bank --keys 10000 --duration 30s --warmup $WARMUP"
S="--workload single --keys 10000 --duration 30s --warmup $WARMUP"
log(){ echo "== $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; }
summ(){ grep -E '^(committed|aborted|failed|warning|  transaction|  commit call|  read phase|  prepare|  decision|store|harness)' "$1" ; }
run(){ name=$1; shift; log "$name"; "$@" --out "$OUT/$name" > "$OUT/$name.txt" 2>&1; echo "rc=$?"; summ "$OUT/$name.txt"; }
calibrate(){ log "$1"; $NEW bench calibrate --samples 5000 > "$OUT/$1.txt" 2>&1; grep -v '^\s*$' "$OUT/$1.txt" | tail -12; }
turns(){ # turns CONCURRENCY ROUNDS
  for i in $(seq 1 "$2"); do
    run "ringtx-bank-c$1-run$i" $NEW bench run $P $B --concurrency "$1"
    [ -n "$BASE" ] && run "base-bank-c$1-run$i" $BASE bench run $P $B --concurrency "$1"
  done
}
calibrate calibrate
turns 64 "$C64_ROUNDS"
turns 1 "$C1_ROUNDS"
run ringtx-single-c64 $NEW bench run $P $S --concurrency 64
run rocks-single-c64 $NEW bench run --target rocksdb-local $S --concurrency 64
run rocks-bank-c64 $NEW bench run --target rocksdb-local $B --concurrency 64
run rocks-bank-c1 $NEW bench run --target rocksdb-local $B --concurrency 1
calibrate calibrate-after
log done
