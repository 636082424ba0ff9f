#!/bin/bash
# Two builds or settings of k8snet against nginx in the same rounds: nginx, k8snet A and k8snet B,
# all three running the whole time on CPU 0 in front of the same backend, measured one after the
# other in an order that rotates every round (ROUNDS, 15), D (8) s of wrk at C (64) connections
# each, HTTP/1.1 keep-alive. A and B take their own serve arguments and JVM options:
#   A_ARGS / B_ARGS   extra `k8snet ingress serve` arguments (e.g. "--transport nio")
#   A_JOPTS / B_JOPTS JVM options (default JOPTS of lib.sh); A_JAR / B_JAR (default JAR)
# Per round: rps, p50/p99/p99.9, requests per proxy CPU-second; at the end the medians of A/nginx,
# B/nginx and B/A per round, and in how many rounds each had the lower p99. HEADER adds a request
# field to every request, as in pairs.sh (HEADER="Connection: close" C=16: a connection per request).
#   B_ARGS="--transport nio" bash benchmarks/ingress/ab.sh
# Needs: nginx, wrk, curl, bc. Results: results/ab-*.txt.
set -u
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-15}; D=${D:-8}; C=${C:-64}; EXTRA_WARMUP=${EXTRA_WARMUP:-30}
A_ARGS=${A_ARGS:-}; B_ARGS=${B_ARGS:-}; A_JOPTS=${A_JOPTS:-$JOPTS}; B_JOPTS=${B_JOPTS:-$JOPTS}
A_JAR=${A_JAR:-$JAR}; B_JAR=${B_JAR:-$JAR}; HEADER=${HEADER:-}
[ -n "$HEADER" ] && WRK_EXTRA=(-H "$HEADER")
bench_dir ab
cp "$HERE/bench.yaml" "$B/m/bench.yaml"

start_backend
start_nginx_proxy
# shellcheck disable=SC2086
start_k8snet "$A_JOPTS" "$A_JAR" 18002 $A_ARGS; KA=$K; wait_port 127.0.0.1:18002
# shellcheck disable=SC2086
start_k8snet "$B_JOPTS" "$B_JAR" 18003 $B_ARGS; KB=$K; wait_port 127.0.0.1:18003
warm_up http://127.0.0.1:18002/1k.txt "$EXTRA_WARMUP" 8 64
warm_up http://127.0.0.1:18003/1k.txt "$EXTRA_WARMUP" 8 64

{ echo "# $ROUNDS rounds at c=$C, ${D}s each, k8snet fields: $FORWARDED${HEADER:+, request field: $HEADER}; $(date -u +%FT%TZ)"
  echo "# A: ${A_ARGS:-defaults} $(head -1 "$B/k8snet-18002.log")"
  echo "# B: ${B_ARGS:-defaults} $(head -1 "$B/k8snet-18003.log")"
  [ "$A_JOPTS" != "$B_JOPTS" ] && echo "# A JVM: $A_JOPTS" && echo "# B JVM: $B_JOPTS"
  [ "$A_JAR" != "$B_JAR" ] && echo "# A jar: $A_JAR" && echo "# B jar: $B_JAR"
  echo "# round proxy rps p50_us p99_us p99.9_us req_per_proxy_cpu_s"; } | tee -a "$OUT"
for r in $(seq "$ROUNDS"); do
  case $((r % 3)) in 0) order="nginx A B";; 1) order="A B nginx";; *) order="B nginx A";; esac
  for x in $order; do
    case $x in nginx) port=18000; pid=$NG;; A) port=18002; pid=$KA;; B) port=18003; pid=$KB;; esac
    measure "http://127.0.0.1:$port/1k.txt" "$pid" "$C" "$D" -s "$B/pct.lua"
    if grep -qE 'Non-2xx|Socket errors' "$B/w.txt"; then
      { echo "# $x: failed requests, aborting"; cat "$B/w.txt"; } | tee -a "$OUT"; exit 1
    fi
    printf "%-4s %-6s %.0f %s %.0f\n" "$r" "$x" "$RPS" \
      "$(sed -n 's/^p50=\([0-9]*\)us p99=\([0-9]*\)us p99.9=\([0-9]*\)us$/\1 \2 \3/p' "$B/w.txt")" \
      "$REQ_PER_CPU_S" | tee -a "$OUT"
  done
done

ratios() {  # numerator denominator: per round p50 p99 p99.9 req_per_proxy_cpu_s
  grep -v '^#' "$OUT" | awk -v x="$1" -v y="$2" '
    $2==x {a[$1]=$0} $2==y {b[$1]=$0}
    END { for (r in a) { split(a[r], p, " "); split(b[r], q, " ")
          printf "%s %.3f %.3f %.3f %.3f\n", r, p[4]/q[4], p[5]/q[5], p[6]/q[6], p[7]/q[7] } }'
}
for pair in "A nginx" "B nginx" "B A"; do
  read -r x y <<< "$pair"; ratios "$x" "$y" > "$B/ratios"
  printf "# %s/%s medians over %s rounds: p50=%s p99=%s p99.9=%s req_per_proxy_cpu_s=%s; %s p99 <= %s in %s\n" \
    "$x" "$y" "$(wc -l < "$B/ratios")" "$(awk '{print $2}' "$B/ratios" | med)" \
    "$(awk '{print $3}' "$B/ratios" | med)" "$(awk '{print $4}' "$B/ratios" | med)" \
    "$(awk '{print $5}' "$B/ratios" | med)" "$x" "$y" "$(awk '$3<=1' "$B/ratios" | wc -l)" | tee -a "$OUT"
done
