#!/bin/bash
# Session 20: bank at 64 clients after a 600 s warm-up, the peers, bank at 64 clients again,
# bank at 1 client, then calibration.
cd /work/main
run() {
  bin/ringtx bench run --processes --participants 3 --coordinators 1 --workload bank \
    --keys 10000 --concurrency $1 --duration 60s --warmup 600s \
    --out /tmp/s20/ringtx-bank-c$1-warm600-run$2 > /tmp/s20/ringtx-bank-c$1-warm600-run$2.txt 2>&1
}
run 64 1
CONCS="1 64" bash /work/shared/peers/run_all.sh > /tmp/s20/peers.txt 2>&1
run 64 2
run 1 1
bin/ringtx bench calibrate > /tmp/s20/calibrate.txt 2>&1
echo done > /tmp/s20/series.done
