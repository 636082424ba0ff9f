#!/bin/bash
# Routes and certificates changing under load: nginx (a reload per change, the way nginx applies a new
# configuration) against `k8snet ingress serve` (an atomic swap of the compiled routes), in one run.
#
# Same placement as run.sh: the proxy on CPU 0, the nginx static backend (127.0.0.2:18080, 1 KB file)
# and wrk on CPU 1. Every CHURN seconds (0.5) a second route is rewritten with another host and path:
# nginx gets a new server block and `nginx -s reload`; k8snet gets a rewritten Ingress in its
# watched directory. Per proxy and concurrency level: R (3) runs of D (10) seconds of wrk, HTTP/1.1
# keep-alive, then the medians. A failed request is a non-2xx answer or a socket error.
#
# Then, for k8snet only, certificates: its TLS Secret for bench.test is rewritten every CHURN seconds
# with one of two certificates while wrk keeps 8 keep-alive HTTPS connections busy and TLS_CLIENTS
# curl loops open a new connection per request with SNI bench.test, each verified against the two
# certificates. Every request must succeed.
#
#   bash benchmarks/ingress/changes.sh            # after ./mvnw -DskipTests package
# k8snet writes the forwarding fields the recipe's nginx writes (FORWARDED, as in k8snet.sh).
# Needs: nginx, wrk, curl, openssl, bc. Results: results/changes-*.txt.
set -u
. "$(dirname "$0")/lib.sh"
D=${D:-10}; R=${R:-3}; CONNS=${CONNS:-"8 64"}; CHURN=${CHURN:-0.5}; TLS_CLIENTS=${TLS_CLIENTS:-2}
EXTRA_WARMUP=${EXTRA_WARMUP:-30}
CHURNER=""
stop_churn() { [ -n "$CHURNER" ] && { kill "$CHURNER" 2>/dev/null; wait "$CHURNER" 2>/dev/null; }; CHURNER=""; }
on_exit() { stop_churn; }
bench_dir changes
# The recipe's nginx proxy, plus an included file (after its server, which stays the default one)
# that holds the changing server block.
sed "s#@B@#$B#g; \$ s#^}#  include $B/churn.conf;\n}#" "$HERE/proxy-nginx.conf.in" > "$B/proxy-nginx.conf"
: > "$B/churn.conf"

churn_nginx() {
  local i=0
  while true; do
    printf 'server { listen 127.0.0.1:18000; server_name churn-%s.test; location /c%s { proxy_pass http://be; } }\n' \
      $((i % 7)) "$i" > "$B/churn.conf"
    nginx -c "$B/proxy-nginx.conf" -p "$B" -s reload 2>>"$B/reload.err"; i=$((i + 1)); sleep "$CHURN"
  done
}
churn_k8snet() {  # $1: also rotate the certificate
  local i=0
  while true; do
    bash "$HERE/churn-ingress.sh" "$i" > "$B/churn.yaml.tmp"
    mv "$B/churn.yaml.tmp" "$B/m/churn.yaml"
    if [ "$1" = tls ]; then cp "$B/secret-$((i % 2 + 1)).yaml" "$B/m/.secret.tmp"; mv "$B/m/.secret.tmp" "$B/m/secret.yaml"; fi
    i=$((i + 1)); sleep "$CHURN"
  done
}

point() {  # name url pid conns
  local name=$1 url=$2 pid=$3 c=$4 k f=$B/w.txt p50 p99 non2xx sock
  for k in $(seq "$R"); do
    measure "$url" "$pid" "$c" "$D" --latency
    p50=$(awk '$1=="50%"{print $2}' "$f"); p99=$(awk '$1=="99%"{print $2}' "$f")
    non2xx=$(awk '/Non-2xx/{print $NF}' "$f"); sock=$(grep 'Socket errors' "$f" | tr -s ' ' | sed 's/^ //')
    printf "%-8s c=%-3s run=%s rps=%.0f p50=%s p99=%s proxy_cores=%.2f req_per_proxy_cpu_s=%.0f non2xx=%s %s\n" \
      "$name" "$c" "$k" "$RPS" "$p50" "$p99" "$CORES" "$REQ_PER_CPU_S" "${non2xx:-0}" \
      "${sock:-Socket errors: none}" | tee -a "$OUT"
  done
}

echo "# routes changing every ${CHURN}s under load; $(date -u +%FT%TZ)" | tee -a "$OUT"
start_backend

# nginx: a reload per change.
taskset -c 0 nginx -c "$B/proxy-nginx.conf" -p "$B" & NG=$!; PIDS+=($NG); wait_port 127.0.0.1:18000
churn_nginx & CHURNER=$!
for c in $CONNS; do point nginx http://127.0.0.1:18000/1k.txt "$NG" "$c"; done
stop_churn
echo "# nginx reloads: $(grep -c 'signal process started' "$B/reload.err"), failed: $(grep -vc 'signal process started' "$B/reload.err")" | tee -a "$OUT"
kill "$NG"; wait "$NG" 2>/dev/null

# k8snet: a rewritten Ingress per change; two certificates for bench.test to rotate between.
tls_secret 1; tls_secret 2
cat "$B/crt-1.pem" "$B/crt-2.pem" > "$B/both.pem"
cp "$B/secret-1.yaml" "$B/m/secret.yaml"
cp "$HERE/bench.yaml" "$B/m/bench.yaml"
cat >> "$B/m/bench.yaml" <<'YAML'
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: bench, name: tls}
spec:
  ingressClassName: k8snet
  tls: [{hosts: [bench.test], secretName: bench-tls}]
  rules:
  - host: bench.test
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: backend, port: {number: 80}}}}
YAML
start_k8snet "$JOPTS" "$JAR" 18002 --listen-tls 127.0.0.1:18443; wait_port 127.0.0.1:18002
warm_up http://127.0.0.1:18002/1k.txt "$EXTRA_WARMUP" $CONNS
churn_k8snet routes & CHURNER=$!
for c in $CONNS; do point k8snet http://127.0.0.1:18002/1k.txt "$K" "$c"; done
stop_churn

# Certificates: keep-alive HTTPS load plus fresh verified TLS connections while the Secret rotates.
churn_k8snet tls & CHURNER=$!
tls_client() {
  local ok=0 bad=0 end=$((SECONDS + D))
  while [ "$SECONDS" -lt "$end" ]; do
    if [ "$(taskset -c 1 curl -s -o /dev/null -w '%{http_code}' --cacert "$B/both.pem" \
        --resolve bench.test:18443:127.0.0.1 https://bench.test:18443/1k.txt)" = 200 ]; then
      ok=$((ok + 1)); else bad=$((bad + 1)); fi
  done
  echo "$ok $bad"
}
for k in $(seq "$R"); do
  CLIENTS=()
  for n in $(seq "$TLS_CLIENTS"); do tls_client > "$B/tls-$k-$n.txt" & CLIENTS+=($!); done
  taskset -c 1 wrk -t1 -c8 -d"${D}s" --latency -H 'Host: bench.test' https://127.0.0.1:18443/1k.txt > "$B/wrk-tls-$k.txt"
  wait "${CLIENTS[@]}"
  f=$B/wrk-tls-$k.txt
  read -r ok bad < <(cat "$B"/tls-"$k"-*.txt | awk '{o+=$1; b+=$2} END{print o+0, b+0}')
  printf "k8snet-tls c=8 run=%s rps=%.0f p99=%s non2xx=%s %s new_tls_connections_ok=%s failed=%s\n" \
    "$k" "$(awk '/^Requests\/sec/{print $2}' "$f")" "$(awk '$1=="99%"{print $2}' "$f")" \
    "$(awk '/Non-2xx/{print $NF}' "$f" | grep . || echo 0)" \
    "$(grep 'Socket errors' "$f" | tr -s ' ' | sed 's/^ //' | grep . || echo 'Socket errors: none')" "$ok" "$bad" | tee -a "$OUT"
done
stop_churn
echo "# k8snet route/certificate versions applied: $(grep -c 'routes updated' "$B/k8snet-18002.log")" | tee -a "$OUT"

echo "# medians over runs: name conns rps p99_ms req_per_proxy_cpu_s failed_requests(total)" | tee -a "$OUT"
grep -v '^#' "$OUT" | grep -v '^k8snet-tls' | awk '{print $1, $2}' | sort -u | while read -r n c; do
  L=$(grep -v '^#' "$OUT" | awk -v n="$n" -v c="$c" '$1==n && $2==c')
  failed=$(echo "$L" | awk '{n=0; for (i=1;i<=NF;i++) { if ($i ~ /^non2xx=/) {split($i,a,"="); n+=a[2]} if ($i ~ /^(connect|read|write|timeout)$/) {v=$(i+1); gsub(/,/,"",v); n+=v} } s+=n} END{print s+0}')
  printf "%-8s %-6s rps=%s p99_ms=%s req_per_proxy_cpu_s=%s failed=%s\n" "$n" "$c" \
    "$(echo "$L" | sed 's/.*rps=\([^ ]*\).*/\1/' | med)" \
    "$(echo "$L" | sed 's/.*p99=\([^ ]*\).*/\1/' | to_ms | med)" \
    "$(echo "$L" | sed 's/.*req_per_proxy_cpu_s=\([^ ]*\).*/\1/' | med)" "$failed" | tee -a "$OUT"
done
