#!/bin/bash
# The quiet-machine measurement of README "Performance": RingTx now (NEW) and an earlier build
# (BASE, the bin/ringtx of another checkout; skipped when empty) in turns, so that a drift of the
# machine falls on both; then the one-phase path, rocksdb-local and a second calibration. Runs at
# 64 clients warm up for WARMUP_C64, the others for WARMUP: at 64 clients RingTx's JVMs go on
# compiling for about three minutes on 2 shared cores, and commits/s climb by a fifth to a
# third over that time (session 12: docs/perf/2026-11-25-s12/warmup-c64-*.txt); at 1 client
# they do not climb after the first minute. Run from the repository, e.g. (session 12, about
# 30 minutes without BASE):
#   OUT=runs bash docs/perf/measure.sh
# Sessions 7-11 ran it with one WARMUP of 60 s for every run and a BASE.
set -u
OUT=${OUT:-runs}; mkdir -p "$OUT"
NEW=${NEW:-bin/ringtx}; BASE=${BASE:-}
WARMUP=${WARMUP:-60s}; WARMUP_C64=${WARMUP_C64:-180s}
C64_ROUNDS=${C64_ROUNDS:-3}; C1_ROUNDS=${C1_ROUNDS:-2}
P="--processes --participants 3 --coordinators 1"
B="--workload bank --keys 10000 --duration 30s"
S="--workload single --keys 10000 --duration 30s"
warmup(){ if [ "$1" = 64 ]; then echo "--warmup $WARMUP_C64"; else echo "--warmup $WARMUP"; fi; }
log(){ echo "== $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; }
summ(){ grep -E '^(committed|aborted|failed|warning|  transaction|  commit call|  read phase|  prepare|  decision|store|  p[0-9]|  c[0-9]|harness)' "$1" ; }
run(){ name=$1; shift; log "$name"; "$@" --out "$OUT/$name" > "$OUT/$name.txt" 2>&1; echo "rc=$?"; summ "$OUT/$name.txt"; }
calibrate(){ log "$1"; $NEW bench calibrate --samples 5000 > "$OUT/$1.txt" 2>&1; grep -v '^\s*$' "$OUT/$1.txt" | tail -12; }
turns(){ # turns CONCURRENCY ROUNDS
  for i in $(seq 1 "$2"); do
    run "ringtx-bank-c$1-run$i" $NEW bench run $P $B $(warmup "$1") --concurrency "$1"
    [ -n "$BASE" ] && run "base-bank-c$1-run$i" $BASE bench run $P $B $(warmup "$1") --concurrency "$1"
  done
}
calibrate calibrate
turns 64 "$C64_ROUNDS"
turns 1 "$C1_ROUNDS"
run ringtx-single-c64 $NEW bench run $P $S $(warmup 64) --concurrency 64
run rocks-single-c64 $NEW bench run --target rocksdb-local $S --warmup "$WARMUP" --concurrency 64
run rocks-bank-c64 $NEW bench run --target rocksdb-local $B --warmup "$WARMUP" --concurrency 64
run rocks-bank-c1 $NEW bench run --target rocksdb-local $B --warmup "$WARMUP" --concurrency 1
calibrate calibrate-after
log done
