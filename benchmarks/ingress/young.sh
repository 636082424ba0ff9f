#!/bin/bash
# A freshly started k8snet at the recipe's timing against a long-lived one, with nginx as the yardstick.
# The recipe (run.sh via k8snet.sh) measures a JVM that started about a minute earlier: EXTRA_WARMUP
# (30) s of warm-up, then 3 x c=8 and 3 x c=64. pairs.sh and ab.sh measure processes that have run for
# minutes. This script measures the difference: per trial (T, 4), a new k8snet ("young") goes through
# the recipe's sequence, then one k8snet started at the beginning ("old") goes through the same
# sequence, each followed by one nginx run at c=64. B_JOPTS instead makes the second variant a fresh
# k8snet with those JVM options ("young2"), to try a JVM option against the default. B_JOPTS replaces
# every JVM option, so write out lib.sh's JOPTS and add the one under test ($JOPTS is not set in
# the calling shell). A_JAVA and B_JAVA choose each variant's JVM binary (default: java on the PATH);
# a B_JAVA alone also makes the second variant fresh, with A's options.
#   bash benchmarks/ingress/young.sh
#   B_JOPTS="<lib.sh's JOPTS> -XX:PerMethodTrapLimit=0" bash benchmarks/ingress/young.sh
#   B_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bash benchmarks/ingress/young.sh
# Same placement as run.sh. Per run: rps, p50/p99/p99.9, requests per proxy CPU-second; at the end,
# per variant and concurrency, the medians over all runs. Needs: nginx, wrk, curl, bc.
# Results: results/young-*.txt.
set -u
. "$(dirname "$0")/lib.sh"
T=${T:-4}; A_JOPTS=${A_JOPTS:-$JOPTS}; B_JOPTS=${B_JOPTS:-}; EXTRA_WARMUP=${EXTRA_WARMUP:-30}
A_JAVA=${A_JAVA:-java}; B_JAVA=${B_JAVA:-}
[ -n "$B_JAVA" ] && B_JOPTS=${B_JOPTS:-$A_JOPTS}
bench_dir young
cp "$HERE/bench.yaml" "$B/m/bench.yaml"
start_backend
start_nginx_proxy
serve() { JAVA=$3 start_k8snet "$1" "$JAR" "$2"; wait_port "127.0.0.1:$2"; }  # jopts port java; sets K
line() {  # trial variant conns run
  printf "%s %-6s c=%-3s run=%s rps=%.0f %s req_per_proxy_cpu_s=%.0f\n" "$1" "$2" "$3" "$4" "$RPS" \
    "$(tail -1 "$B/w.txt")" "$REQ_PER_CPU_S" | tee -a "$OUT"
}
recipe() {  # trial variant port pid: the recipe's sequence for one proxy
  local c k; warm_up "http://127.0.0.1:$3/1k.txt" "$EXTRA_WARMUP" 8 64
  for c in 8 64; do for k in 1 2 3; do
    measure "http://127.0.0.1:$3/1k.txt" "$4" "$c" 10 -s "$B/pct.lua"; line "$1" "$2" "$c" "$k"
  done; done
}
variants="young old"; [ -n "$B_JOPTS" ] && variants="young young2"
{ echo "# $T trials of: $variants, each followed by nginx at c=64; $(date -u +%FT%TZ)"
  echo "# young JVM: $A_JAVA $A_JOPTS"; [ -n "$B_JOPTS" ] && echo "# young2 JVM: ${B_JAVA:-$A_JAVA} $B_JOPTS"
  echo "# trial variant conns run rps p50 p99 p99.9 req_per_proxy_cpu_s"; } | tee -a "$OUT"
if [ -z "$B_JOPTS" ]; then  # the long-lived one, warmed for three times the recipe's warm-up
  serve "$A_JOPTS" 18003 "$A_JAVA"; OLD=$K; warm_up http://127.0.0.1:18003/1k.txt $((3 * EXTRA_WARMUP)) 8 64
fi
for t in $(seq "$T"); do
  for v in $variants; do
    case $v in
      old) recipe "$t" old 18003 "$OLD";;
      young) serve "$A_JOPTS" 18002 "$A_JAVA";;&
      young2) serve "$B_JOPTS" 18002 "${B_JAVA:-$A_JAVA}";;&
      young*) recipe "$t" "$v" 18002 "$K"; kill "$K"; wait "$K" 2>/dev/null;;
    esac
    measure http://127.0.0.1:18000/1k.txt "$NG" 64 10 -s "$B/pct.lua"; line "$t" nginx 64 1
  done
done
grep -v '^#' "$OUT" | awk '{print $2, $3}' | sort -u | while read -r v c; do
  L=$(grep -v '^#' "$OUT" | awk -v v="$v" -v c="$c" '$2==v && $3==c')
  printf "# %-6s %-5s medians over %s runs: p99=%sus req_per_proxy_cpu_s=%s\n" "$v" "$c" "$(echo "$L" | wc -l)" \
    "$(echo "$L" | sed 's/.* p99=\([0-9]*\)us.*/\1/' | med)" \
    "$(echo "$L" | sed 's/.*req_per_proxy_cpu_s=\([0-9]*\).*/\1/' | med)" | tee -a "$OUT"
done
