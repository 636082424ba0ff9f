#!/bin/bash
# The tail at one concurrency level, nginx and k8snet in alternating pairs, so that both see the same
# machine: PAIRS (15) pairs of D (8) s of wrk at C (64) connections, HTTP/1.1 keep-alive, each run
# after 2 s of wrk on new connections (as in run.sh), the order inside a pair alternating. The proxies
# are the recipe's nginx (1 worker) and `k8snet ingress serve` (one event loop), both on CPU 0 in
# front of the same backend, both running the whole time; k8snet warms up as in run.sh first.
# Per pair: rps, p50/p99/p99.9 (wrk's exact percentiles), requests per proxy CPU-second, and the
# k8snet/nginx ratios. At the end: the median of each ratio and the pairs where k8snet's p99 was the
# lower one. A run with a non-2xx answer or a socket error aborts. HEADER adds a request field to
# every request; HEADER="Connection: close" measures a new connection per request (C=16 is enough).
#   bash benchmarks/ingress/pairs.sh            # after ./mvnw -DskipTests package
#   HEADER="Connection: close" C=16 PAIRS=7 bash benchmarks/ingress/pairs.sh
# Needs: nginx, wrk, curl, bc. Results: results/pairs-*.txt.
set -u
. "$(dirname "$0")/lib.sh"
PAIRS=${PAIRS:-15}; D=${D:-8}; C=${C:-64}; EXTRA_WARMUP=${EXTRA_WARMUP:-30}; HEADER=${HEADER:-}
[ -n "$HEADER" ] && WRK_EXTRA=(-H "$HEADER")
bench_dir pairs
cp "$HERE/bench.yaml" "$B/m/bench.yaml"

start_backend
start_nginx_proxy
start_k8snet "$JOPTS" "$JAR" 18002; wait_port 127.0.0.1:18002
warm_up http://127.0.0.1:18002/1k.txt "$EXTRA_WARMUP" 8 64

run() {  # name port pid; prints "rps p50_us p99_us p99.9_us req_per_proxy_cpu_s" to $B/r
  measure "http://127.0.0.1:$2/1k.txt" "$3" "$C" "$D" -s "$B/pct.lua"
  if grep -qE 'Non-2xx|Socket errors' "$B/w.txt"; then
    { echo "# $1: failed requests, aborting"; cat "$B/w.txt"; } | tee -a "$OUT"; return 1
  fi
  printf "%.0f %s %.0f\n" "$RPS" \
    "$(sed -n 's/^p50=\([0-9]*\)us p99=\([0-9]*\)us p99.9=\([0-9]*\)us$/\1 \2 \3/p' "$B/w.txt")" \
    "$REQ_PER_CPU_S" > "$B/r"
}

echo "# $PAIRS pairs at c=$C, ${D}s each, k8snet fields: $FORWARDED${HEADER:+, request field: $HEADER}; $(date -u +%FT%TZ)" | tee -a "$OUT"
echo "# pair proxy rps p50_us p99_us p99.9_us req_per_proxy_cpu_s" | tee -a "$OUT"
for p in $(seq "$PAIRS"); do
  order="nginx:18000:$NG k8snet:18002:$K"; [ $((p % 2)) = 0 ] && order="k8snet:18002:$K nginx:18000:$NG"
  for t in $order; do
    IFS=: read -r name port pid <<< "$t"
    run "$name" "$port" "$pid" || exit 1
    printf "%-4s %-6s %s\n" "$p" "$name" "$(cat "$B/r")" | tee -a "$OUT"
  done
done

echo "# k8snet/nginx per pair: p50 p99 p99.9 req_per_proxy_cpu_s" | tee -a "$OUT"
grep -v '^#' "$OUT" | awk '
  $2=="nginx" {n[$1]=$0} $2=="k8snet" {k[$1]=$0}
  END { for (p in n) { split(n[p], a, " "); split(k[p], b, " ")
        printf "%s %.3f %.3f %.3f %.3f\n", p, b[4]/a[4], b[5]/a[5], b[6]/a[6], b[7]/a[7] } }' | sort -n > "$B/ratios"
sed 's/^/# ratio pair=/' "$B/ratios" | tee -a "$OUT"
printf "# median ratios over %s pairs: p50=%s p99=%s p99.9=%s req_per_proxy_cpu_s=%s; k8snet p99 <= nginx in %s pairs\n" \
  "$(wc -l < "$B/ratios")" "$(awk '{print $2}' "$B/ratios" | med)" "$(awk '{print $3}' "$B/ratios" | med)" \
  "$(awk '{print $4}' "$B/ratios" | med)" "$(awk '{print $5}' "$B/ratios" | med)" \
  "$(awk '$3<=1' "$B/ratios" | wc -l)" | tee -a "$OUT"
