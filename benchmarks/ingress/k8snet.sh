#!/bin/bash
# The ingress-bench recipe with the k8snet Ingress controller as the extra proxy, all in one run:
# direct, nginx, HAProxy and `k8snet ingress serve` (one event loop, on CPU 0) in front of the same
# nginx backend (127.0.0.2:18080, 1 KB file), HTTP/1.1 keep-alive, wrk on CPU 1.
#   bash benchmarks/ingress/k8snet.sh            # D=10 R=3 CONNS="8 64"; results/summary-*.txt
# The recipe's points run with fixed routes for every proxy (CHURN=0, the default). Then changes.sh
# measures routes and certificates changing under load, nginx (reloads) against k8snet (swaps), into
# results/changes-*.txt; CHANGES=0 skips it. Last, pairs.sh measures the tail at c=64 in PAIRS (15)
# alternating nginx/k8snet pairs, into results/pairs-*.txt; PAIRS=0 skips it. CHURN=S instead
# rewrites a second Ingress every S seconds during k8snet's recipe points (nginx's routes stay fixed
# there). run.sh aborts on any non-2xx answer and prints socket errors.
# Request fields: the recipe's nginx writes Host, X-Forwarded-For and X-Forwarded-Proto to the backend,
# so k8snet is set to write the same forwarding fields (FORWARDED, default
# "x-forwarded-for,x-forwarded-proto"; FORWARDED=all for k8snet's default of all five, which adds
# X-Forwarded-Host, X-Forwarded-Port and Forwarded: about 130 more bytes per request for the backend,
# which shares CPU 1 with wrk).
# JVM: JAVA (default java on the PATH) runs every k8snet of the run. AOT=1, with a JDK 25 or newer as
# JAVA, first trains an ahead-of-time cache (aot-train.sh, about 100 s) and starts every k8snet of
# the run with it: classes and method profiles from the training run, so the JIT does not relearn
# the two concurrency levels during the measured runs. The summary's last line names the command.
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java AOT=1 CHANGES=0 PAIRS=0 bash benchmarks/ingress/k8snet.sh
# Needs: the build (./mvnw -DskipTests package), nginx, haproxy, wrk, curl, bc, openssl.
set -eu
. "$(dirname "$0")/lib.sh"
M=$(mktemp -d /tmp/ingress-bench-manifests.XXXXXX)
CACHE=$(mktemp -u /tmp/ingress-bench-k8snet.XXXXXX.aot)
CHURN=${CHURN:-0}
CP=""
trap '[ -n "$CP" ] && kill "$CP" 2>/dev/null; rm -rf "$M" "$CACHE"' EXIT
export JAVA=${JAVA:-java}
[ "${AOT:-0}" = 1 ] && with_aot_cache "$CACHE"
export JOPTS  # changes.sh and pairs.sh start their k8snet with it
cp "$HERE/bench.yaml" "$M/bench.yaml"
export EXTRA_NAME=${EXTRA_NAME:-k8snet}
export EXTRA_WARMUP=${EXTRA_WARMUP:-30}
if [ "$CHURN" != "0" ]; then
  ( i=0; while true; do
      bash "$HERE/churn-ingress.sh" "$i" > "$M/churn.yaml.tmp"
      mv "$M/churn.yaml.tmp" "$M/churn.yaml"; i=$((i + 1)); sleep "$CHURN"
    done ) & CP=$!
fi
export EXTRA_CMD="$JAVA $JOPTS -jar $JAR ingress serve --manifests $M --listen 127.0.0.1:18002 --event-loops 1 $FWD_ARGS"
bash "$HERE/run.sh" || exit 1
echo "# $EXTRA_NAME: $EXTRA_CMD" >> "$(ls -t "$HERE"/results/summary-*.txt | head -1)"
if [ "${CHANGES:-1}" != "0" ]; then
  [ -n "$CP" ] && { kill "$CP"; CP=""; }
  bash "$HERE/changes.sh"  # JAR, JOPTS, FORWARDED: the same defaults from lib.sh, or the caller's
fi
if [ "${PAIRS:-15}" != "0" ]; then
  bash "$HERE/pairs.sh"
fi
