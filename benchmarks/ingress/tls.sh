#!/bin/bash
# HTTPS keep-alive, side by side in one run: nginx (TLS, 1 worker) and `k8snet ingress serve`, each on
# CPU 0 in front of the recipe's nginx backend (127.0.0.2:18080, 1 KB file, CPU 1); wrk on CPU 1.
# Both serve the same P-256 certificate, TLS 1.3 (wrk's default), and write the same forwarding
# fields. k8snet is warmed with 10 cycles of 2 s of HTTPS load and 1 s idle. Per point: R (3) runs of
# D (8) seconds, alternating proxies; per run rps, p50/p99/p99.9, proxy cores and requests per proxy
# CPU-second. Results: results/tls-*.txt.
#   bash benchmarks/ingress/tls.sh            # after ./mvnw -DskipTests package
# Needs: nginx (with ssl), wrk, curl, openssl, bc.
set -u
. "$(dirname "$0")/lib.sh"
D=${D:-8}; R=${R:-3}; CONNS=${CONNS:-"8 64"}
bench_dir tls
tls_secret 1; cp "$B/secret-1.yaml" "$B/m/secret.yaml"
# The recipe's nginx proxy, its listener turned into a TLS one on 18443.
sed "s#@B@#$B#g; s#listen 127.0.0.1:18000 reuseport backlog=4096;#listen 127.0.0.1:18443 ssl reuseport backlog=4096; ssl_certificate $B/crt-1.pem; ssl_certificate_key $B/key-1.pem;#" \
  "$HERE/proxy-nginx.conf.in" > "$B/proxy-nginx.conf"
cp "$HERE/bench.yaml" "$B/m/bench.yaml"

start_backend
taskset -c 0 nginx -c "$B/proxy-nginx.conf" -p "$B" & NG=$!; PIDS+=($NG)
start_k8snet "$JOPTS" "$JAR" 18002 --listen-tls 127.0.0.1:18444 --default-certificate bench/bench-tls
wait_tls 127.0.0.1:18443; wait_tls 127.0.0.1:18444
for _ in $(seq 10); do taskset -c 1 wrk -t1 -c64 -d2s https://127.0.0.1:18444/1k.txt >/dev/null; sleep 1; done
echo "# HTTPS keep-alive, TLS 1.3, P-256; $(date -u +%FT%TZ)" | tee -a "$OUT"
for r in $(seq "$R"); do
  for c in $CONNS; do
    for t in "k8snet:18444:$K" "nginx:18443:$NG"; do
      IFS=: read -r name port pid <<< "$t"
      measure "https://127.0.0.1:$port/1k.txt" "$pid" "$c" "$D" -s "$B/pct.lua"
      printf "%-7s c=%-3s run=%s rps=%.0f %s proxy_cores=%.2f req_per_proxy_cpu_s=%.0f %s\n" "$name" "$c" "$r" \
        "$RPS" "$(grep '^p50=' "$B/w.txt")" "$CORES" "$REQ_PER_CPU_S" \
        "$(grep -E 'Non-2xx|Socket errors' "$B/w.txt" | tr -s ' ' | tr '\n' ' ')" | tee -a "$OUT"
    done
  done
done
