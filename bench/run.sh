#!/usr/bin/env bash
# Imagegate under load: builds the jar if needed, starts one node on MariaDB (127.0.0.1:3306, root, no password) with
# the sandbox renderer at zero delay and the plan limits raised, runs bench/load.py, prints the table, stops the node.
# Prerequisites: a JDK 21+ (JAVA_HOME or the newest Temurin under /usr/lib/jvm), python3, wrk, the mysql client.
# Extra JVM options (e.g. a JFR recording) come from JAVA_OPTS.
# Usage: bench/run.sh [--drain N] [--steady-seconds S] [--rate R] [--seconds S]   (defaults: 10000, 60, 20, 15)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/temurin-*-jdk* 2>/dev/null | sort -V | tail -n 1)
  export JAVA_HOME
fi
for tool in wrk mysql python3; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh needs $tool (Debian: apt-get install wrk mariadb-client python3)" >&2; exit 1; }
done
jar=$(ls target/imagegate-*.jar 2>/dev/null | grep -v plain | head -n 1 || true)
if [ -z "$jar" ]; then
  ./mvnw -q -DskipTests package
  jar=$(ls target/imagegate-*.jar | grep -v plain | head -n 1)
fi
db="imagegate_bench_$(date +%s)"
mysql -uroot -h127.0.0.1 -e "create database $db character set utf8mb4 collate utf8mb4_unicode_ci"
port=18080
log=$(mktemp /tmp/imagegate-bench-XXXX.log)
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} -jar "$jar" \
  --spring.profiles.active=mysql --server.port=$port \
  --spring.datasource.url="jdbc:mariadb://127.0.0.1:3306/$db" --spring.datasource.username=root \
  --spring.datasource.password= --imagegate.data-dir="$(mktemp -d /tmp/imagegate-bench-data-XXXX)" \
  --imagegate.generation.sandbox.delay=0ms --imagegate.api.reads-per-minute=100000000 \
  --imagegate.plans.free.requests-per-minute=100000000 --imagegate.plans.free.concurrent-tasks=100000 \
  >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; mysql -uroot -h127.0.0.1 -e "drop database if exists $db" || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null || { tail -50 "$log"; exit 1; }
echo "node up (pid $pid, log $log); machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 bench/load.py --base "http://127.0.0.1:$port" --db "$db" --pid "$pid" "$@"
