#!/bin/bash
# Trains an ahead-of-time cache for `k8snet ingress serve` on JDK 25 or newer (JEP 483 classes, JEP 515
# method profiles): a k8snet started with -XX:AOTCacheOutput=CACHE serves the recipe's traffic (the
# warm-up of lib.sh: both concurrency levels, new connections, idle gaps; AOT_TRAIN seconds, 60), then
# 10 s at c=8 and at c=64, twice; on SIGTERM the JVM writes CACHE. A k8snet started later with
# -XX:AOTCache=CACHE (the same JDK build and jar) begins with those classes loaded and those
# profiles, so its JIT compiles for both levels from the start instead of learning them, and
# recompiling, during its first minute (RESULTS.md, Ingress, sessions 13 and 14).
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bash benchmarks/ingress/aot-train.sh /tmp/k8snet.aot
# Env: JAVA (required: a JDK 25+ java), AOT_TRAIN, and JAR, JOPTS and FORWARDED as in lib.sh. Same
# placement as run.sh.
set -u
CACHE=${1:?usage: JAVA=<jdk 25+ java> aot-train.sh CACHE}
. "$(dirname "$0")/lib.sh"
[ -n "${JAVA:-}" ] || { echo "aot-train.sh: set JAVA to the java of a JDK 25 or newer" >&2; exit 2; }
"$JAVA" -XX:AOTMode=off -version >/dev/null 2>&1 \
  || { echo "aot-train.sh: $JAVA has no AOT cache (JDK 25 or newer needed)" >&2; exit 2; }
bench_dir aot-train
cp "$HERE/bench.yaml" "$B/m/bench.yaml"
start_backend
rm -f "$CACHE"
start_k8snet "$JOPTS -XX:AOTCacheOutput=$CACHE" "$JAR" 18002; wait_port 127.0.0.1:18002
warm_up http://127.0.0.1:18002/1k.txt "${AOT_TRAIN:-60}" 8 64
for c in 8 64 8 64; do taskset -c 1 wrk -t1 -c"$c" -d10s http://127.0.0.1:18002/1k.txt >/dev/null; done
kill "$K"; wait "$K" 2>/dev/null
[ -s "$CACHE" ] || { echo "aot-train.sh: no cache written; the JVM said:" >&2; tail -5 "$B/k8snet-18002.log" >&2; exit 1; }
echo "aot-train.sh: $CACHE ($(du -h "$CACHE" | cut -f1)) for $JAVA $JOPTS"
