#!/usr/bin/env bash
# 1,000 concurrent task event streams on one node (issue 21): builds the jar if needed, starts one node on MariaDB
# (127.0.0.1:3306, root, no password) with the sandbox renderer at a long delay, JobRunr's server off and half the
# tasks' worth of local workers (so half the tasks render at once and half wait in the queue), the workspace stream cap
# and the read and plan limits raised; runs bench/streams.py (memory, platform threads, event latency), stops the node.
# Prerequisites: a JDK 21+ (JAVA_HOME or the newest Temurin under /usr/lib/jvm; jcmd from it), python3, the mysql client.
# Extra JVM options come from JAVA_OPTS.
# Usage: bench/streams.sh [--tasks 100] [--streams 1000] [--delay 45s] [--opening 20]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/temurin-*-jdk* 2>/dev/null | sort -V | tail -n 1)
  export JAVA_HOME
fi
export PATH="$JAVA_HOME/bin:$PATH"
for tool in mysql python3 jcmd; do
  command -v "$tool" >/dev/null || { echo "bench/streams.sh needs $tool" >&2; exit 1; }
done
tasks=100 streams=1000 delay=45s opening=20
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --delay) delay=$2; shift 2 ;;
    --opening) opening=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
jar=$(ls target/imagegate-*.jar 2>/dev/null | grep -v plain | head -n 1 || true)
if [ -z "$jar" ]; then
  ./mvnw -q -DskipTests package
  jar=$(ls target/imagegate-*.jar | grep -v plain | head -n 1)
fi
db="imagegate_streams_$(date +%s)"
mysql -uroot -h127.0.0.1 -e "create database $db character set utf8mb4 collate utf8mb4_unicode_ci"
port=18080
log=$(mktemp /tmp/imagegate-streams-XXXX.log)
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} -jar "$jar" \
  --spring.profiles.active=mysql --server.port=$port \
  --spring.datasource.url="jdbc:mariadb://127.0.0.1:3306/$db" --spring.datasource.username=root \
  --spring.datasource.password= --imagegate.data-dir="$(mktemp -d /tmp/imagegate-streams-data-XXXX)" \
  --imagegate.generation.sandbox.delay="$delay" --imagegate.generation.tasks.local-workers=$((tasks / 2)) \
  --jobrunr.background-job-server.enabled=false \
  --imagegate.api.streams.max-per-workspace=$((streams + 100)) --imagegate.api.reads-per-minute=100000000 \
  --imagegate.plans.free.requests-per-minute=100000000 --imagegate.plans.free.concurrent-tasks=100000 \
  >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; mysql -uroot -h127.0.0.1 -e "drop database if exists $db" || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null || { tail -50 "$log"; exit 1; }
echo "node up (pid $pid, log $log); machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); java $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)" >&2
python3 bench/streams.py --base "http://127.0.0.1:$port" --db "$db" --pid "$pid" --tasks "$tasks" --streams "$streams" --opening "$opening"
