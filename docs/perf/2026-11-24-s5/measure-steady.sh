#!/bin/bash
# Steady state (session 5): the same runs as measure.sh with 60 s of warm-up instead of 20 s,
# after which RingTx's JVMs have reached full speed (measure.sh's runs were still rising).
#   OUT=runs BASE=<checkout of c43f61c>/bin/ringtx bash docs/perf/2026-11-24-s5/measure-steady.sh
set -u
OUT=${OUT:-runs}; mkdir -p $OUT
NEW=${NEW:-bin/ringtx}; BASE=${BASE:-}
P="--processes --participants 3 --coordinators 1"
B="--workload bank --keys 10000 --duration 30s --warmup 60s"
S="--workload single --keys 10000 --duration 30s --warmup 60s"
log(){ echo "== $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; }
summ(){ grep -E '^(committed|aborted|warning|  transaction|  commit call|  read phase|  prepare|  decision)' "$1" ; }
run(){ name=$1; shift; log "$name"; "$@" --out $OUT/$name > $OUT/$name.txt 2>&1; echo "rc=$?"; summ $OUT/$name.txt; }
for i in 1 2; do
  run steady-ringtx-bank-c64-run$i $NEW bench run $P $B --concurrency 64
  [ -n "$BASE" ] && run steady-base-bank-c64-run$i $BASE bench run $P $B --concurrency 64
done
for i in 1 2; do
  run steady-ringtx-bank-c1-run$i $NEW bench run $P $B --concurrency 1
done
run steady-ringtx-single-c64 $NEW bench run $P $S --concurrency 64
log done
