#!/bin/bash
# Session 18: bank at 1 client after a 600 s warm-up, twice, then the same with 180 s once.
cd /work/main
for run in 1 2; do
  bin/ringtx bench run --processes --participants 3 --coordinators 1 --workload bank --keys 10000 \
    --concurrency 1 --duration 60s --warmup 600s --out /tmp/s18/ringtx-bank-c1-warm600-run$run \
    > /tmp/s18/ringtx-bank-c1-warm600-run$run.txt 2>&1
done
echo done > /tmp/s18/series.done
#!/bin/bash
# Session 18, after series.sh: bank at 64 clients after a 600 s warm-up, twice, then the peers.
cd /work/main
while [ ! -f /tmp/s18/series.done ]; do sleep 5; done
for run in 1 2; do
  bin/ringtx bench run --processes --participants 3 --coordinators 1 --workload bank --keys 10000 \
    --concurrency 64 --duration 60s --warmup 600s --out /tmp/s18/ringtx-bank-c64-warm600-run$run \
    > /tmp/s18/ringtx-bank-c64-warm600-run$run.txt 2>&1
done
bin/ringtx bench calibrate > /tmp/s18/calibrate.txt 2>&1
CONCS="1 64" bash /work/shared/peers/run_all.sh > /tmp/s18/peers.txt 2>&1
echo done > /tmp/s18/series2.done
