#!/bin/bash
# Loopback reverse-proxy benchmark for the Ingress data plane (the recipe of the project's ingress reference, section 4.2).
#   wrk (cpu1) -> proxy under test (cpu0, 1 worker/thread) -> nginx static backend (cpu1), 1 KB body, HTTP/1.1 keep-alive.
# Proxies: direct (no proxy, baseline), nginx (127.0.0.1:18000), haproxy (127.0.0.1:18001), and optionally
#   EXTRA_NAME/EXTRA_CMD: any command that listens on 127.0.0.1:18002 and proxies to 127.0.0.2:18080
#   (e.g. the k8snet netty proxy). It is started as `taskset -c 0 bash -c "exec $EXTRA_CMD"`, so the command must BE the
#   proxy process (not a wrapper that forks); its CPU (all threads) is read from /proc/<pid>/stat.
# Env: D (seconds per run, 10), R (runs per point, 3), CONNS ("8 64"), B (work dir, default mktemp),
#   FOREIGN (pgrep -f pattern of other load generators; a run that overlaps one is discarded and retried).
# Needs: nginx, haproxy, wrk, curl, bc (Debian packages). Prints one line per run and a median table.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
[ -z "${B:-}" ] && { B=$(mktemp -d /tmp/ingress-bench.XXXXXX); MADE_B=1; chmod 755 "$B"; }; D=${D:-10}; R=${R:-3}; CONNS=${CONNS:-"8 64"}; FOREIGN=${FOREIGN:-}
mkdir -p "$B/www" "$B/tmp" "$HERE/results"; OUT=$HERE/results/summary-$(date +%Y%m%d-%H%M%S).txt
head -c 1023 /dev/zero | tr '\0' x > "$B/www/1k.txt"; echo >> "$B/www/1k.txt"
for f in backend.conf proxy-nginx.conf proxy-haproxy.cfg; do sed "s#@B@#$B#g" "$HERE/$f.in" > "$B/$f"; done
PIDS=(); cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; [ -n "${MADE_B:-}" ] && rm -rf "$B"; }; trap cleanup EXIT
foreign() { [ -n "$FOREIGN" ] && pgrep -f "$FOREIGN" >/dev/null; }
wait_idle() { [ -z "$FOREIGN" ] && return 0; local n=0; while [ $n -lt 10 ]; do if foreign; then n=0; else n=$((n+1)); fi; sleep 1; done; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
child_or_self() { local c; c=$(pgrep -P "$1" | head -1); echo "${c:-$1}"; }
wait_port() {  # the listener must answer 200 with the 1,024-byte body
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://$1/1k.txt")" = "200 1024" ] && return 0; sleep 0.1
  done; echo "no 200/1024-byte answer on $1" >&2; return 1; }
point() {  # name url cpu-pid conns
  local name=$1 url=$2 pid=$3 c=$4 k f
  for k in $(seq "$R"); do
    while true; do
      wait_idle; f=$B/$name-c$c-r$k.txt
      taskset -c 1 wrk -t1 -c"$c" -d2s "$url" >/dev/null
      rm -f "$B/.dirty"; ( while sleep 0.5; do foreign && { touch "$B/.dirty"; break; }; done ) & local w=$!
      local t0 s0 t1 s1; t0=$(ticks "$pid"); s0=$(date +%s.%N)
      taskset -c 1 wrk -t1 -c"$c" -d"${D}s" --latency "$url" > "$f"
      t1=$(ticks "$pid"); s1=$(date +%s.%N); kill $w 2>/dev/null; wait $w 2>/dev/null
      [ -e "$B/.dirty" ] && { echo "# discarded $name c=$c run $k (foreign load)" | tee -a "$OUT"; continue; }
      if grep -q 'Non-2xx' "$f"; then { echo "# $name c=$c run $k: non-2xx answers, aborting"; cat "$f"; } | tee -a "$OUT"; exit 1; fi
      local rps p50 p99 cores; rps=$(awk '/^Requests\/sec/{print $2}' "$f")
      p50=$(awk '$1=="50%"{print $2}' "$f"); p99=$(awk '$1=="99%"{print $2}' "$f")
      cores=$(echo "($t1-$t0)/$(getconf CLK_TCK)/($s1-$s0)" | bc -l)
      printf "%-10s c=%-4s run=%s rps=%.0f p50=%s p99=%s proxy_cores=%.2f req_per_proxy_cpu_s=%.0f %s\n" \
        "$name" "$c" "$k" "$rps" "$p50" "$p99" "$cores" "$(echo "$rps/$cores" | bc -l)" \
        "$(grep 'Socket errors' "$f" | tr -s ' ' | sed 's/^ //')" | tee -a "$OUT"
      break
    done
  done
}
run_proxy() {  # name url pid-of-proxy-process
  local pid; pid=$(child_or_self "$3"); for c in $CONNS; do point "$1" "$2" "$pid" "$c"; done
}
taskset -c 1 nginx -c "$B/backend.conf" -p "$B" & BE=$!; PIDS+=($BE); wait_port 127.0.0.2:18080 || exit 1
run_proxy direct http://127.0.0.2:18080/1k.txt $BE
taskset -c 0 nginx -c "$B/proxy-nginx.conf" -p "$B" & P=$!; PIDS+=($P); wait_port 127.0.0.1:18000 || exit 1
run_proxy nginx http://127.0.0.1:18000/1k.txt $P; kill $P; wait $P 2>/dev/null
taskset -c 0 haproxy -f "$B/proxy-haproxy.cfg" & P=$!; PIDS+=($P); wait_port 127.0.0.1:18001 || exit 1
run_proxy haproxy http://127.0.0.1:18001/1k.txt $P; kill $P; wait $P 2>/dev/null
if [ -n "${EXTRA_CMD:-}" ]; then
  taskset -c 0 bash -c "exec $EXTRA_CMD" & P=$!; PIDS+=($P); wait_port 127.0.0.1:18002 || exit 1
  # JIT warm-up for a JVM proxy (about EXTRA_WARMUP seconds, default 0) before its points. It has to take the paths the
  # measurement takes: new connections, both concurrency levels and idle gaps. After one long busy run the event loop
  # is compiled for "always busy", and the first idle-to-busy transition deoptimises it in the middle of a measured run.
  w_end=$((SECONDS + ${EXTRA_WARMUP:-0}))
  while [ "$SECONDS" -lt "$w_end" ]; do
    for c in $CONNS; do taskset -c 1 wrk -t1 -c"$c" -d2s http://127.0.0.1:18002/1k.txt >/dev/null; sleep 1; done
  done
  run_proxy "${EXTRA_NAME:-extra}" http://127.0.0.1:18002/1k.txt $P; kill $P; wait $P 2>/dev/null
fi
med() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f\n", v}'; }
echo "# medians over runs: name conns rps p99_ms req_per_proxy_cpu_s" | tee -a "$OUT"
grep -v '^#' "$OUT" | awk '{print $1, $2}' | sort -u | while read -r n c; do
  L=$(grep -v '^#' "$OUT" | awk -v n="$n" -v c="$c" '$1==n && $2==c')
  printf "%-10s %-6s rps=%s p99_ms=%s req_per_proxy_cpu_s=%s\n" "$n" "$c" \
    "$(echo "$L" | sed 's/.*rps=\([^ ]*\).*/\1/' | med)" \
    "$(echo "$L" | sed 's/.*p99=\([^ ]*\).*/\1/' | to_ms | med)" \
    "$(echo "$L" | sed 's/.*req_per_proxy_cpu_s=\([^ ]*\).*/\1/' | med)" | tee -a "$OUT"
done
