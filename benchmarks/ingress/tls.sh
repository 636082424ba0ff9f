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
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR=${JAR:-$ROOT/samples/target/k8snet.jar}
[ -f "$JAR" ] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 2; }
D=${D:-8}; R=${R:-3}; CONNS=${CONNS:-"8 64"}
JOPTS=${JOPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled -Dorg.slf4j.simpleLogger.log.dev.k8snet.proxy.ingress.access=warn"}
B=$(mktemp -d /tmp/ingress-tls.XXXXXX); chmod 755 "$B"; mkdir -p "$B/www" "$B/tmp" "$B/m" "$HERE/results"
OUT=$HERE/results/tls-$(date +%Y%m%d-%H%M%S).txt
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$B"; }
trap cleanup EXIT
head -c 1023 /dev/zero | tr '\0' x > "$B/www/1k.txt"; echo >> "$B/www/1k.txt"
sed "s#@B@#$B#g" "$HERE/backend.conf.in" > "$B/backend.conf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench.test" \
  -addext "subjectAltName=DNS:bench.test" -keyout "$B/key.pem" -out "$B/crt.pem" 2>/dev/null
# The recipe's nginx proxy, its listener turned into a TLS one on 18443.
sed "s#@B@#$B#g; s#listen 127.0.0.1:18000 reuseport backlog=4096;#listen 127.0.0.1:18443 ssl reuseport backlog=4096; ssl_certificate $B/crt.pem; ssl_certificate_key $B/key.pem;#" \
  "$HERE/proxy-nginx.conf.in" > "$B/proxy-nginx.conf"
printf 'apiVersion: v1\nkind: Secret\nmetadata: {namespace: bench, name: bench-tls}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: %s\n  tls.key: %s\n' \
  "$(base64 -w0 "$B/crt.pem")" "$(base64 -w0 "$B/key.pem")" > "$B/m/secret.yaml"
cp "$HERE/bench.yaml" "$B/m/bench.yaml"
cat > "$B/pct.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("p50=%.0fus p99=%.0fus p99.9=%.0fus\n",
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
LUA
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
wait_tls() {
  for _ in $(seq 100); do
    [ "$(curl -sk -o /dev/null -w '%{http_code}' "https://$1/1k.txt")" = 200 ] && return 0; sleep 0.2
  done; echo "no HTTPS answer on $1" >&2; exit 1; }

taskset -c 1 nginx -c "$B/backend.conf" -p "$B" & PIDS+=($!)
taskset -c 0 nginx -c "$B/proxy-nginx.conf" -p "$B" & NG=$!; PIDS+=($NG)
taskset -c 0 java $JOPTS -jar "$JAR" ingress serve --manifests "$B/m" --listen 127.0.0.1:18002 \
  --listen-tls 127.0.0.1:18444 --default-certificate bench/bench-tls --event-loops 1 \
  --forwarded-headers x-forwarded-for,x-forwarded-proto > "$B/k8snet.log" 2>&1 & K=$!; PIDS+=($K)
wait_tls 127.0.0.1:18443; wait_tls 127.0.0.1:18444
for _ in $(seq 10); do taskset -c 1 wrk -t1 -c64 -d2s https://127.0.0.1:18444/1k.txt >/dev/null; sleep 1; done
NGW=$(pgrep -P "$NG" | head -1)
echo "# HTTPS keep-alive, TLS 1.3, P-256; $(date -u +%FT%TZ)" | tee -a "$OUT"
for r in $(seq "$R"); do
  for c in $CONNS; do
    for t in "k8snet:18444:$K" "nginx:18443:$NGW"; do
      IFS=: read -r name port pid <<< "$t"
      taskset -c 1 wrk -t1 -c"$c" -d2s "https://127.0.0.1:$port/1k.txt" >/dev/null
      t0=$(ticks "$pid"); s0=$(date +%s.%N)
      taskset -c 1 wrk -t1 -c"$c" -d"${D}s" -s "$B/pct.lua" "https://127.0.0.1:$port/1k.txt" > "$B/w.txt"
      t1=$(ticks "$pid"); s1=$(date +%s.%N)
      rps=$(awk '/^Requests\/sec/{print $2}' "$B/w.txt")
      cores=$(echo "($t1-$t0)/$(getconf CLK_TCK)/($s1-$s0)" | bc -l)
      printf "%-7s c=%-3s run=%s rps=%.0f %s proxy_cores=%.2f req_per_proxy_cpu_s=%.0f %s\n" "$name" "$c" "$r" \
        "$rps" "$(grep '^p50=' "$B/w.txt")" "$cores" "$(echo "$rps/$cores" | bc -l)" \
        "$(grep -E 'Non-2xx|Socket errors' "$B/w.txt" | tr -s ' ' | tr '\n' ' ')" | tee -a "$OUT"
    done
  done
done
