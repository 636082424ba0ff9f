# Shared by the side-by-side scripts of this directory (ab.sh, changes.sh, pairs.sh, tls.sh,
# young.sh); run.sh is the recipe's own script and stays self-contained. Sourced, not run.
#
# Placement everywhere: the proxy under test on CPU 0; the recipe's nginx static backend
# (127.0.0.2:18080, a 1 KB file) and wrk on CPU 1.
# Env: JAR (samples/target/k8snet.jar), JOPTS (the JVM options below), FORWARDED (the forwarding
# fields k8snet writes: the recipe's nginx's two by default, "all" for k8snet's default of five).
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR=${JAR:-$ROOT/samples/target/k8snet.jar}
[ -f "$JAR" ] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 2; }
JOPTS=${JOPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled -Dorg.slf4j.simpleLogger.log.dev.k8snet.proxy.ingress.access=warn"}
FORWARDED=${FORWARDED:-x-forwarded-for,x-forwarded-proto}
FWD_ARGS=""; if [ "$FORWARDED" != "all" ]; then FWD_ARGS="--forwarded-headers $FORWARDED"; fi

# bench_dir NAME: the work directory $B (www/1k.txt, tmp/, m/ for manifests, backend.conf, pct.lua),
# the result file $OUT (results/NAME-<time>.txt), and a trap that runs on_exit (if defined), stops
# every pid in PIDS and removes $B.
PIDS=()
bench_dir() {
  B=$(mktemp -d "/tmp/ingress-$1.XXXXXX"); chmod 755 "$B"
  mkdir -p "$B/www" "$B/tmp" "$B/m" "$HERE/results"; OUT=$HERE/results/$1-$(date +%Y%m%d-%H%M%S).txt
  head -c 1023 /dev/zero | tr '\0' x > "$B/www/1k.txt"; echo >> "$B/www/1k.txt"
  sed "s#@B@#$B#g" "$HERE/backend.conf.in" > "$B/backend.conf"
  cat > "$B/pct.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("p50=%.0fus p99=%.0fus p99.9=%.0fus\n",
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
LUA
  trap bench_cleanup EXIT
}
bench_cleanup() {
  declare -F on_exit >/dev/null && on_exit
  local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$B"
}

# start_backend: the recipe's nginx backend on CPU 1.
start_backend() { taskset -c 1 nginx -c "$B/backend.conf" -p "$B" & PIDS+=($!); wait_port 127.0.0.2:18080; }
# start_nginx_proxy: the recipe's nginx reverse proxy (1 worker, 127.0.0.1:18000) on CPU 0; sets NG.
start_nginx_proxy() {
  sed "s#@B@#$B#g" "$HERE/proxy-nginx.conf.in" > "$B/proxy-nginx.conf"
  taskset -c 0 nginx -c "$B/proxy-nginx.conf" -p "$B" & NG=$!; PIDS+=($NG); wait_port 127.0.0.1:18000
}
# start_k8snet JOPTS JAR PORT [ARGS...]: `k8snet ingress serve` on CPU 0 with one event loop, the
# manifests of $B/m, HTTP on 127.0.0.1:PORT and the forwarding fields of FORWARDED; ARGS are more
# serve arguments. The JVM is $JAVA (default: java on the PATH). Output in $B/k8snet-PORT.log.
# Sets K to its pid; the caller waits for its port.
start_k8snet() {
  local jopts=$1 jar=$2 port=$3; shift 3
  # shellcheck disable=SC2086
  taskset -c 0 "${JAVA:-java}" $jopts -jar "$jar" ingress serve --manifests "$B/m" --listen "127.0.0.1:$port" \
    --event-loops 1 $FWD_ARGS "$@" > "$B/k8snet-$port.log" 2>&1 & K=$!; PIDS+=($K)
}

# with_aot_cache CACHE: trains an ahead-of-time cache for $JAVA (a JDK 25 or newer) with aot-train.sh
# and adds it to JOPTS, so that every k8snet started with JOPTS afterwards starts from it.
with_aot_cache() {
  bash "$HERE/aot-train.sh" "$1" || exit 1
  JOPTS="$JOPTS -XX:AOTMode=on -XX:AOTCache=$1"
}

# ticks PID: CPU ticks of a process and its children (live ones, and those already reaped; nginx's
# worker is a child, and a reload replaces it).
ticks() {
  local t c
  t=$(awk '{print $14+$15+$16+$17}' "/proc/$1/stat")
  for c in $(pgrep -P "$1"); do t=$((t + $(awk '{print $14+$15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
# WRK_EXTRA: wrk arguments that measure and warm_up add to every load they generate (a script sets
# it after sourcing this file, e.g. WRK_EXTRA=(-H "Connection: close")).
WRK_EXTRA=()
# measure URL PID CONNS SECONDS [WRK_ARGS...]: 2 s of wrk on new connections (as run.sh does before
# each run), then the measured run into $B/w.txt. Sets RPS, CORES (the proxy's: ticks of PID and its
# children over the run), REQ_PER_CPU_S, and RUN_START and RUN_END (the measured run's bounds, in
# seconds since the epoch).
measure() {
  local url=$1 pid=$2 c=$3 d=$4 t0 t1; shift 4
  taskset -c 1 wrk -t1 -c"$c" -d2s "${WRK_EXTRA[@]}" "$url" >/dev/null
  t0=$(ticks "$pid"); RUN_START=$(date +%s.%N)
  taskset -c 1 wrk -t1 -c"$c" -d"${d}s" "${WRK_EXTRA[@]}" "$@" "$url" > "$B/w.txt"
  t1=$(ticks "$pid"); RUN_END=$(date +%s.%N)
  RPS=$(awk '/^Requests\/sec/{print $2}' "$B/w.txt")
  CORES=$(echo "($t1-$t0)/$(getconf CLK_TCK)/($RUN_END-$RUN_START)" | bc -l)
  REQ_PER_CPU_S=$(echo "$RPS/$CORES" | bc -l)
}

wait_port() {  # ADDR answers 200 with the 1,024-byte body over HTTP
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://$1/1k.txt")" = "200 1024" ] && return 0; sleep 0.1
  done; echo "no 200/1024-byte answer on $1" >&2; exit 1; }
wait_tls() {  # ADDR answers 200 over HTTPS
  for _ in $(seq 100); do
    [ "$(curl -sk -o /dev/null -w '%{http_code}' "https://$1/1k.txt")" = 200 ] && return 0; sleep 0.2
  done; echo "no HTTPS answer on $1" >&2; exit 1; }

# warm_up URL SECONDS CONNS...: the JIT warm-up of run.sh for a JVM proxy: 2 s of load per
# concurrency level, new connections each time, 1 s idle between. One long busy run would leave the
# connection set-up and tear-down paths cold, and their first use deoptimises the hot path in the
# middle of a measured run.
warm_up() {
  local url=$1 end=$((SECONDS + $2)) c; shift 2
  while [ "$SECONDS" -lt "$end" ]; do
    for c in "$@"; do taskset -c 1 wrk -t1 -c"$c" -d2s "${WRK_EXTRA[@]}" "$url" >/dev/null; sleep 1; done
  done
}

# tls_secret N: a P-256 certificate for bench.test (key-N.pem, crt-N.pem) and the kubernetes.io/tls
# Secret bench/bench-tls holding it (secret-N.yaml), in $B.
tls_secret() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench.test" \
    -addext "subjectAltName=DNS:bench.test" -keyout "$B/key-$1.pem" -out "$B/crt-$1.pem" 2>/dev/null
  printf 'apiVersion: v1\nkind: Secret\nmetadata: {namespace: bench, name: bench-tls}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: %s\n  tls.key: %s\n' \
    "$(base64 -w0 "$B/crt-$1.pem")" "$(base64 -w0 "$B/key-$1.pem")" > "$B/secret-$1.yaml"
}

med() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f\n", v}'; }
