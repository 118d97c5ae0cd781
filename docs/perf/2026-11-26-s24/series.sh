set -u
run() { # tree label keys
  (cd /work/$1 && bin/ringtx bench run --processes --participants 3 --coordinators 1 --workload bank \
     --keys $3 --concurrency 64 --duration 60s --warmup 60s --out /tmp/bench/$2 > /tmp/bench/$2.log 2>&1)
  echo "$2 rc=$?" >> /tmp/bench/summary
}
for i in 1 2; do
  run before before-k10000-run$i 10000
  run main after-k10000-run$i 10000
  run before before-k100-run$i 100
  run main after-k100-run$i 100
done
