#!/usr/bin/env bash
# Soak test with fault injection: two nodes on one MariaDB with provider=openai against bench/fake_upstream.py, which
# answers 429 (retry-after), 500 and hangs at the given rates; tasks are created on both nodes at a steady rate for
# --minutes; halfway, node 2 is killed (SIGKILL) and started again. The report lists every task's end state, the
# upstream's answers, and the ledger reconciliation (/actuator/credits and per-workspace balance = grants - captures).
# Usage: bench/soak.sh [--minutes 30] [--rate 5] [--rate-429 0.05] [--rate-500 0.05] [--rate-hang 0.02]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=30; rate=5; r429=0.05; r500=0.05; rhang=0.02
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2;; --rate) rate=$2; shift 2;; --rate-429) r429=$2; shift 2;;
    --rate-500) r500=$2; shift 2;; --rate-hang) rhang=$2; shift 2;; *) echo "unknown $1" >&2; exit 1;;
  esac
done
if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME=$(ls -d /usr/lib/jvm/temurin-*-jdk* | sort -V | tail -n 1); export JAVA_HOME; fi
jar=$(ls target/imagegate-*.jar 2>/dev/null | grep -v plain | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -q -DskipTests package; jar=$(ls target/imagegate-*.jar | grep -v plain | head -n 1); }
db="imagegate_soak_$(date +%s)"
mysql -uroot -h127.0.0.1 -e "create database $db character set utf8mb4 collate utf8mb4_unicode_ci"
data=$(mktemp -d /tmp/imagegate-soak-XXXX)
python3 bench/fake_upstream.py --port 18099 --rate-429 "$r429" --rate-500 "$r500" --rate-hang "$rhang" \
  --hang-seconds 20 2>"$data/upstream.txt" &
upstream=$!
start_node() { # name port
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx512m -jar "$jar" \
    --spring.profiles.active=mysql --server.port="$2" \
    --spring.datasource.url="jdbc:mariadb://127.0.0.1:3306/$db" --spring.datasource.username=root \
    --spring.datasource.password= --imagegate.data-dir="$data" \
    --imagegate.generation.provider=openai --imagegate.generation.openai.base-url=http://127.0.0.1:18099 \
    --imagegate.generation.openai.api-key=sk-soak --imagegate.fetch.allow-private-hosts=true \
    --imagegate.generation.openai.read-timeout=10s --imagegate.generation.openai.deadline=2m \
    --imagegate.generation.tasks.lease=15s \
    --imagegate.accounts.signup-credits=1000000 --imagegate.accounts.signup-credits-validity=P365D \
    --imagegate.plans.free.requests-per-minute=100000 --imagegate.plans.free.concurrent-tasks=100000 \
    >>"$data/$1.log" 2>&1 &
  echo $!
}
wait_ready() { for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null && return 0; sleep 1; done; return 1; }
n1=$(start_node node1 18081); wait_ready 18081
n2=$(start_node node2 18082); wait_ready 18082
cleanup() { kill $n1 $n2 2>/dev/null || true; kill $upstream 2>/dev/null || true; wait 2>/dev/null || true; mysql -uroot -h127.0.0.1 -e "drop database if exists $db" || true; }
trap cleanup EXIT
echo "nodes up: $n1 $n2; logs in $data" >&2
python3 bench/soak.py --nodes http://127.0.0.1:18081,http://127.0.0.1:18082 --db "$db" --minutes "$minutes" \
  --rate "$rate" &
soak=$!
# Halfway: kill node 2 and start it again (the script above does the kill; here the restart).
sleep $(( minutes * 30 ))
kill -9 "$n2" 2>/dev/null || true
echo "killed node2 (SIGKILL) at $(date +%T)" >&2
sleep 5
n2=$(start_node node2 18082); wait_ready 18082 && echo "node2 back at $(date +%T)" >&2
wait $soak
kill $upstream; wait $upstream 2>/dev/null || true
echo "upstream answered: $(cat "$data/upstream.txt")"
