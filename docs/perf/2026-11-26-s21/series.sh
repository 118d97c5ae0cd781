#!/bin/bash
# Session 21: session 20's series again on today's machine (no change to the commit path since):
# bank at 64 clients after a 600 s warm-up, the peers, bank at 64 clients again, bank at 1 client,
# then calibration. Run from a checkout of deeb5eb (WT).
cd ${WT:-/tmp/wts}
run() {
  bin/ringtx bench run --processes --participants 3 --coordinators 1 --workload bank \
    --keys 10000 --concurrency $1 --duration 60s --warmup 600s \
    --out /tmp/s21/ringtx-bank-c$1-warm600-run$2 > /tmp/s21/ringtx-bank-c$1-warm600-run$2.txt 2>&1
}
run 64 1
CONCS="1 64" bash /work/shared/peers/run_all.sh > /tmp/s21/peers.txt 2>&1
run 64 2
run 1 1
bin/ringtx bench calibrate > /tmp/s21/calibrate.txt 2>&1
echo done > /tmp/s21/series.done
