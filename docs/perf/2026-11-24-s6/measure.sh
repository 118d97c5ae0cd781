#!/bin/bash
# The quiet-machine measurement of README "Performance" (session 6): RingTx now (NEW) and the
# build before this session's change (BASE, the bin/ringtx of a checkout of f8d8e79; skipped
# when empty), in turns so that a drift of the machine falls on both, each after 60 s of
# warm-up (RingTx's JVMs need 30-40 s to compile their hot paths on 2 shared cores); then
# rocksdb-local. About 25 minutes. Run from the repository:
#   OUT=runs BASE=../checkout-of-f8d8e79/bin/ringtx bash docs/perf/2026-11-24-s6/measure.sh
set -u
OUT=${OUT:-runs}; mkdir -p $OUT
NEW=${NEW:-bin/ringtx}; BASE=${BASE:-}
P="--processes --participants 3 --coordinators 1"
B="--workload bank --keys 10000 --duration 30s --warmup 60s"
S="--workload single --keys 10000 --duration 30s --warmup 60s"
log(){ echo "== $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; }
summ(){ grep -E '^(committed|aborted|failed|warning|  transaction|  commit call|  read phase|  prepare|  decision|store|harness)' "$1" ; }
run(){ name=$1; shift; log "$name"; "$@" --out $OUT/$name > $OUT/$name.txt 2>&1; echo "rc=$?"; summ $OUT/$name.txt; }
log calibrate; $NEW bench calibrate --samples 5000 > $OUT/calibrate.txt 2>&1; grep -v '^\s*$' $OUT/calibrate.txt | tail -12
for i in 1 2; do
  run ringtx-bank-c64-run$i $NEW bench run $P $B --concurrency 64
  [ -n "$BASE" ] && run base-bank-c64-run$i $BASE bench run $P $B --concurrency 64
done
for i in 1 2; do
  run ringtx-bank-c1-run$i $NEW bench run $P $B --concurrency 1
  [ -n "$BASE" ] && run base-bank-c1-run$i $BASE bench run $P $B --concurrency 1
done
run ringtx-single-c64 $NEW bench run $P $S --concurrency 64
run rocks-single-c64 $NEW bench run --target rocksdb-local $S --concurrency 64
run rocks-bank-c64 $NEW bench run --target rocksdb-local $B --concurrency 64
run rocks-bank-c1 $NEW bench run --target rocksdb-local $B --concurrency 1
log calibrate-after; $NEW bench calibrate --samples 5000 > $OUT/calibrate-after.txt 2>&1; grep -v '^\s*$' $OUT/calibrate-after.txt | tail -12
log done
