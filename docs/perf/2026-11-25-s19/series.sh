#!/bin/bash
# Session 19: bank at 1 and 64 clients after a 600 s warm-up, twice each, then calibration and
# the peers.
cd /work/main
for c in 1 64; do
  for run in 1 2; do
    bin/ringtx bench run --processes --participants 3 --coordinators 1 --workload bank \
      --keys 10000 --concurrency $c --duration 60s --warmup 600s \
      --out /tmp/s19/ringtx-bank-c$c-warm600-run$run > /tmp/s19/ringtx-bank-c$c-warm600-run$run.txt 2>&1
  done
done
bin/ringtx bench calibrate > /tmp/s19/calibrate.txt 2>&1
CONCS="1 64" bash /work/shared/peers/run_all.sh > /tmp/s19/peers.txt 2>&1
echo done > /tmp/s19/series.done
