#!/usr/bin/env bash
# Side-by-side DNS benchmark: `k8snet dns serve` and Knot DNS serving the same ~1,000-service
# cluster zone, driven by dnsperf on loopback with the same query mix, interleaved per rep.
# Recipe: ../shared/reference/dns.md §5 (gen_cluster_zone.py, run_dnsperf.sh and knot.conf are
# copied from there). Every thread of both servers runs on SERVER_CPU (default 1) with one UDP worker;
# dnsperf runs on CPU 0. SERVER_CPU=0 puts the servers on the client's CPU instead.
# Knot pins its UDP workers itself (worker i to CPU i), overriding taskset, so it is re-pinned after
# start and the placement of every thread is checked before each rep.
# Usage: [SERVER_CPU=0|1] benchmarks/dns/run.sh [OUTDIR] [REPS]   (after the README build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
OUT=${1:-/tmp/k8snet-dns-bench}
REPS=${2:-3}
CPU=${SERVER_CPU:-1}
mkdir -p "$OUT/data" "$OUT/run/db" "$OUT/results"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

python3 "$here/gen_cluster_zone.py" "$OUT/data" >/dev/null
python3 "$here/to_manifests.py" "$OUT/data/cluster.json" "$OUT/data/cluster-manifests.json"
sed -e "s|@RUN@|$OUT/run|; s|@DATA@|$OUT/data|" "$here/knot.conf" > "$OUT/run/knot.conf"

taskset -c "$CPU" knotd -c "$OUT/run/knot.conf" > "$OUT/run/knot.log" 2>&1 &
knot=$!; pids+=("$knot")
K8SNET_JAVA_OPTS="-XX:+UseSerialGC -Xms256m -Xmx256m -Dio.netty.leakDetection.level=disabled -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" \
  taskset -c "$CPU" "$root/samples/bin/k8snet" dns serve --manifests "$OUT/data/cluster-manifests.json" \
  --listen 127.0.0.12:15354 --pods verified --event-loops 1 > "$OUT/run/k8snet.log" 2>&1 &
ours=$!; pids+=("$ours")
for i in $(seq 1 100); do
  kdig @127.0.0.12 -p 15354 +retry=0 +time=1 kubernetes.default.svc.cluster.local 2>/dev/null | grep -q NOERROR \
    && kdig @127.0.0.11 -p 15353 +retry=0 +time=1 kubernetes.default.svc.cluster.local 2>/dev/null | grep -q NOERROR \
    && break
  sleep 0.2
done
taskset -a -p -c "$CPU" "$knot" >/dev/null
placement() {  # fails unless every thread of both servers may run on SERVER_CPU only
  local bad
  bad=$(grep -h Cpus_allowed_list /proc/"$knot"/task/*/status /proc/"$ours"/task/*/status | awk -v c="$CPU" '$2 != c')
  if [ -n "$bad" ]; then echo "server threads not confined to CPU $CPU: $bad" >&2; exit 1; fi
}
placement

echo "== answers: first 3000 queries, k8snet vs Knot"
python3 "$here/compare.py" "$OUT/data/queries.txt" 3000 127.0.0.12 15354 127.0.0.11 15353

echo "== warm-up (JIT), not recorded"
taskset -c 0 dnsperf -s 127.0.0.12 -p 15354 -d "$OUT/data/queries.txt" -c 1 -q 100 -l 20 -t 2 >/dev/null 2>&1
taskset -c 0 dnsperf -s 127.0.0.11 -p 15353 -d "$OUT/data/queries.txt" -c 1 -q 100 -l 5 -t 2 >/dev/null 2>&1

rm -f "$OUT/results/"*.summary.tsv
for rep in $(seq 1 "$REPS"); do
  placement
  REPTAG=$rep "$here/run_dnsperf.sh" k8snet 127.0.0.12 15354 "$ours" "$OUT/data/queries.txt" "$OUT/results" 1
  REPTAG=$rep "$here/run_dnsperf.sh" knot 127.0.0.11 15353 "$knot" "$OUT/data/queries.txt" "$OUT/results" 1
done

echo "== medians: name q/cpu-s sat_qps p50 p90 p99 p99.9 @20k, p50 p90 p99 p99.9 @50k (ms)"
med() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
for n in k8snet knot; do
  f="$OUT/results/$n.summary.tsv"
  line="$n"
  for c in 7 3 8 9 10 11 13 14 15 16; do line="$line\t$(cut -f$c "$f" | med)"; done
  printf "%b\n" "$line"
done | tee "$OUT/results/medians.txt"
echo "servers on CPU $CPU, dnsperf on CPU 0"
cat /proc/loadavg
