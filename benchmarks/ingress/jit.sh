#!/bin/bash
# What the JIT does during the recipe's measured runs: one fresh k8snet, started with
# -XX:+PrintCompilation, goes through the recipe's sequence (EXTRA_WARMUP (30) s of warm-up, then
# 3 x 10 s at c=8 and 3 x 10 s at c=64, each after 2 s on new connections), and the script counts,
# per measured run, the methods compiled and the compiled methods thrown away ("made not entrant").
# A process that still compiles during its measured runs pays for it in latency; see RESULTS.md,
# Ingress, sessions 13 and 14.
#   bash benchmarks/ingress/jit.sh                                                        # the default JVM
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java AOT=1 bash benchmarks/ingress/jit.sh  # from an AOT cache
# Env: JAVA (java on the PATH), AOT=1 (train a cache with aot-train.sh first and start from it),
# JAR, JOPTS and FORWARDED as in lib.sh. Results: results/jit-*.txt, one line per measured run and a
# total per concurrency level.
set -u
. "$(dirname "$0")/lib.sh"
EXTRA_WARMUP=${EXTRA_WARMUP:-30}
bench_dir jit
[ "${AOT:-0}" = 1 ] && with_aot_cache "$B/k8snet.aot"
jopts="$JOPTS -XX:+PrintCompilation"
cp "$HERE/bench.yaml" "$B/m/bench.yaml"
start_backend
{ echo "# jit.sh $(date -u +%FT%TZ): ${JAVA:-java} $jopts"
  echo "# run rps p50 p99 p99.9 compiled made_not_entrant"; } | tee -a "$OUT"
started=$(date +%s.%N)
start_k8snet "$jopts" "$JAR" 18002; wait_port 127.0.0.1:18002
LOG=$B/k8snet-18002.log
warm_up http://127.0.0.1:18002/1k.txt "$EXTRA_WARMUP" 8 64
for c in 8 64; do for k in 1 2 3; do
  measure http://127.0.0.1:18002/1k.txt "$K" "$c" 10 -s "$B/pct.lua"
  # PrintCompilation lines start with the time in ms since the JVM started, a little after
  # $started: the window is shifted by its launch time (tens of ms) against 10 s runs.
  counts=$(awk -v a="$(echo "($RUN_START - $started) * 1000" | bc)" -v b="$(echo "($RUN_END - $started) * 1000" | bc)" \
    '$1 ~ /^[0-9]+$/ && $1 >= a + 0 && $1 < b + 0 { if (/made not entrant/) d++; else if (!/made zombie/) n++ }
     END { printf "compiled=%d made_not_entrant=%d", n, d }' "$LOG")
  printf "c=%s-%s rps=%.0f %s %s\n" "$c" "$k" "$RPS" "$(tail -1 "$B/w.txt")" "$counts" | tee -a "$OUT"
done; done
for c in 8 64; do
  awk -v c="c=$c-" 'index($1, c) == 1 { split($6, x, "="); split($7, y, "="); n += x[2]; d += y[2] }
    END { printf "# c=%s total over 3 runs: compiled=%d made_not_entrant=%d\n", substr(c, 3, length(c) - 3), n, d }' "$OUT" | tee -a "$OUT"
done
