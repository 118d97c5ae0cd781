#!/bin/bash
# The quiet-machine measurement of README "Performance" (session 5): RingTx now (NEW) and the
# build before this session's changes (BASE, the bin/ringtx of another checkout; skipped when
# empty), taken in turns so that a drift of the machine falls on both; then rocksdb-local.
# Run from the repository:
#   OUT=runs BASE=../checkout-of-c43f61c/bin/ringtx bash docs/perf/2026-11-24-s5/measure.sh
set -u
OUT=${OUT:-runs}; mkdir -p $OUT
NEW=${NEW:-bin/ringtx}; BASE=${BASE:-}
P="--processes --participants 3 --coordinators 1"
B="--workload bank --keys 10000 --duration 30s --warmup 20s"
S="--workload single --keys 10000 --duration 30s --warmup 20s"
log(){ echo "== $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; }
summ(){ grep -E '^(committed|aborted|failed|  transaction|  commit call|  read phase|store|harness)' "$1" ; }
run(){ name=$1; shift; log "$name"; "$@" --out $OUT/$name > $OUT/$name.txt 2>&1; echo "rc=$?"; summ $OUT/$name.txt; }
log calibrate; $NEW bench calibrate --samples 5000 > $OUT/calibrate.txt 2>&1; grep -v '^\s*$' $OUT/calibrate.txt | tail -12
for i in 1 2 3; do
  run ringtx-bank-c64-run$i $NEW bench run $P $B --concurrency 64
  [ -n "$BASE" ] && run base-bank-c64-run$i $BASE bench run $P $B --concurrency 64
done
for i in 1 2; do
  run ringtx-bank-c1-run$i $NEW bench run $P $B --concurrency 1
  [ -n "$BASE" ] && run base-bank-c1-run$i $BASE bench run $P $B --concurrency 1
  run ringtx-single-c64-run$i $NEW bench run $P $S --concurrency 64
done
[ -n "$BASE" ] && run base-single-c64 $BASE bench run $P $S --concurrency 64
run rocks-single-c64 $NEW bench run --target rocksdb-local $S --concurrency 64
run rocks-bank-c64 $NEW bench run --target rocksdb-local $B --concurrency 64
run rocks-bank-c1 $NEW bench run --target rocksdb-local $B --concurrency 1
log done
