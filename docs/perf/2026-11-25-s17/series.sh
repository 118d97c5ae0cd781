#!/bin/bash
# Session 17 measurement series.
cd /work/main
O=/tmp/m17
R="bin/ringtx bench run --processes --participants 3 --coordinators 1 --keys 10000 --duration 60s --warmup 180s"
echo "series start $(date -u) at $(git rev-parse --short HEAD)" > $O/series.log
bin/ringtx bench calibrate > $O/calibrate.txt 2>&1
$R --workload bank --concurrency 1 --out $O/ringtx-bank-c1-run1 > $O/ringtx-bank-c1-run1.txt 2>&1
$R --workload bank --concurrency 64 --out $O/ringtx-bank-c64-run1 > $O/ringtx-bank-c64-run1.txt 2>&1
$R --workload single --concurrency 64 --out $O/ringtx-single-c64-run1 > $O/ringtx-single-c64-run1.txt 2>&1
bin/ringtx bench run --target rocksdb-local --workload single --keys 10000 --concurrency 64 --duration 60s --warmup 30s --out $O/rocks-single-c64 > $O/rocks-single-c64.txt 2>&1
bin/ringtx bench calibrate > $O/calibrate-after.txt 2>&1
echo "peers start $(date -u)" >> $O/series.log
CONCS="1 64" bash /work/shared/peers/run_all.sh > $O/peers-run.txt 2>&1
echo "peers end $(date -u)" >> $O/series.log
$R --workload bank --concurrency 1 --out $O/ringtx-bank-c1-run2 > $O/ringtx-bank-c1-run2.txt 2>&1
$R --workload single --concurrency 64 --out $O/ringtx-single-c64-run2 > $O/ringtx-single-c64-run2.txt 2>&1
bin/ringtx bench run --target rocksdb-local --workload single --keys 10000 --concurrency 64 --duration 60s --warmup 30s --out $O/rocks-single-c64-run2 > $O/rocks-single-c64-run2.txt 2>&1
echo "series end $(date -u)" >> $O/series.log
