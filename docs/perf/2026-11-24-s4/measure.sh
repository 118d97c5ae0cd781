#!/bin/bash
# The quiet-machine measurement of README "Performance" (session 4): RingTx now (NEW, default
# TCP transport on native epoll), the same build on the event bus, an older build (BASE, the
# bin/ringtx of another checkout; skipped when BASE is empty), and rocksdb-local.
# Run from the repository: OUT=runs BASE=../old-checkout/bin/ringtx bash docs/perf/2026-11-24-s4/measure.sh
set -u
OUT=${OUT:-runs}; mkdir -p $OUT
NEW=${NEW:-bin/ringtx}; BASE=${BASE:-}
P="--processes --participants 3 --coordinators 1"
B="--workload bank --keys 10000 --duration 30s --warmup 20s"
log(){ echo "== $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; }
summ(){ grep -E '^(bank|single|committed|aborted|failed|  transaction|  commit call|  read phase|store|  [pc][0-9]|  http|harness)' "$1" ; }
run(){ name=$1; shift; log "$name"; "$@" --out $OUT/$name > $OUT/$name.txt 2>&1; echo "rc=$?"; summ $OUT/$name.txt; }
log calibrate; $NEW bench calibrate --samples 5000 > $OUT/calibrate.txt 2>&1; grep -v '^\s*$' $OUT/calibrate.txt | tail -12
run ringtx-bank-c64 $NEW bench run $P $B --concurrency 64
run ringtx-bank-c1 $NEW bench run $P $B --concurrency 1
[ -n "$BASE" ] && run base-bank-c64 $BASE bench run $P $B --concurrency 64
[ -n "$BASE" ] && run base-bank-c1 $BASE bench run $P $B --concurrency 1
run ringtx-eventbus-bank-c64 $NEW bench run $P $B --concurrency 64 --set transport=eventbus
run ringtx-eventbus-bank-c1 $NEW bench run $P $B --concurrency 1 --set transport=eventbus
run ringtx-single-c64 $NEW bench run $P --workload single --keys 10000 --duration 30s --warmup 20s --concurrency 64
run rocks-single-c64 $NEW bench run --target rocksdb-local --workload single --keys 10000 --duration 30s --warmup 10s --concurrency 64
run rocks-bank-c64 $NEW bench run --target rocksdb-local $B --concurrency 64
run rocks-bank-c1 $NEW bench run --target rocksdb-local $B --concurrency 1
log done
