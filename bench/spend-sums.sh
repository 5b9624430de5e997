#!/usr/bin/env bash
# The sums behind the spend controls, timed at the SQL level with a large history: one end user's tasks of one day
# (the daily quota per user) and one API key's spend in its month (the key budget), 20,000 of each among 120,000 rows.
# Usage: bench/spend-sums.sh <database migrated by Imagegate> [repetitions, default 100]
# The tables are copied empty (CREATE TABLE ... LIKE, with their indexes) into a scratch database that is dropped at
# the end; the source database is only read. Needs the mysql client and MariaDB on 127.0.0.1:3306 (root, no password).
# See docs/benchmarks.md, "Spend controls at acceptance".
set -euo pipefail
SOURCE=${1:?usage: bench/spend-sums.sh <migrated database> [repetitions]}
N=${2:-100}
DB=imagegate_spend_sums
MYSQL=(mysql -h127.0.0.1 -uroot)
"${MYSQL[@]}" -e "drop database if exists $DB; create database $DB character set utf8mb4"
trap '"${MYSQL[@]}" -e "drop database if exists $DB"' EXIT
"${MYSQL[@]}" "$DB" > /dev/null <<SQL
create table image_tasks like $SOURCE.image_tasks;
create table credit_reservation like $SOURCE.credit_reservation;
create table credit_key_day_usage like $SOURCE.credit_key_day_usage;
-- the quota's index before V202612031901, for the comparison
create index ix_image_tasks_workspace_user_created on image_tasks (workspace_id, end_user, created_at);
insert into image_tasks (id, workspace_id, api_key_id, source, kind, status, model, model_snapshot, provider, prompt,
  n, size, quality, output_format, end_user, credits, credits_captured, credits_refunded, attempts, created_at,
  started_at, finished_at, request_hash)
select concat('task_', lpad(seq, 8, '0'), left(md5(seq), 20)), if(seq % 6 = 0, 'ws_u', concat('ws_', seq % 50)),
  if(seq % 6 = 0, 'key_k', concat('key_', seq % 50)), 'API', 'GENERATION', 'SUCCEEDED', 'gpt-image-2', 'gpt-image-2',
  'sandbox', 'a lighthouse at dusk, oil painting, warm light, long exposure', 1, '1024x1024', 'auto', 'png',
  if(seq % 6 = 0, 'user-u', concat('user-', seq % 500)), 10, 10, 0, 1,
  timestamp('2026-12-03 00:30:00') + interval seq * 400000 microsecond,
  timestamp('2026-12-03 00:30:01') + interval seq * 400000 microsecond,
  timestamp('2026-12-03 00:30:02') + interval seq * 400000 microsecond, md5(seq)
from seq_1_to_120000;
insert into credit_reservation (reference, workspace_id, api_key_id, credits, captured, released, state, actor,
  created_at, settled_at)
select id, workspace_id, api_key_id, 10, 10, 0, 'CAPTURED', concat('key:', api_key_id), created_at, finished_at
  from image_tasks;
insert into credit_key_day_usage (api_key_id, usage_day, used)
select 'key_k', date('2026-12-01') + interval seq day, if(seq = 2, 200000, 0) from seq_0_to_30;
analyze table image_tasks, credit_reservation, credit_key_day_usage;
SQL
run() { # ms per query, as a whole number of microseconds
  local f; f=$(mktemp)
  for _ in $(seq "$N"); do echo "$1;"; done > "$f"
  local s e; s=$(date +%s%N); "${MYSQL[@]}" "$DB" < "$f" > /dev/null; e=$(date +%s%N); rm -f "$f"
  echo $(( (e - s) / N / 1000 ))
}
QUOTA="select coalesce(sum(case when status in ('PENDING','PROCESSING') then credits when status='SUCCEEDED'
  then coalesce(credits_captured, credits) else 0 end), 0) from image_tasks force index (%s) where workspace_id='ws_u'
  and end_user='user-u' and created_at >= '2026-12-03' and created_at < '2026-12-04'"
base=$(run "select 1")
printf '| sum | rows summed | ms per query |\n|---|---:|---:|\n'
row() { awk -v n="$1" -v r="$2" -v a="$3" -v b="$base" 'BEGIN { printf "| %s | %s | %.2f |\n", n, r, (a - b) / 1000 }'; }
row "user quota, index (workspace_id, end_user, created_at)" 20000 \
  "$(run "$(printf "$QUOTA" ix_image_tasks_workspace_user_created)")"
row "user quota, covering ix_image_tasks_user_quota" 20000 "$(run "$(printf "$QUOTA" ix_image_tasks_user_quota)")"
row "key budget, sum of reservations (covering index)" 20000 \
  "$(run "select coalesce(sum(case state when 'HELD' then credits when 'CAPTURED' then captured else 0 end), 0)
  from credit_reservation where api_key_id='key_k' and created_at >= '2026-12-01' and created_at < '2027-01-01'")"
row "key budget, daily totals (credit_key_day_usage)" 31 \
  "$(run "select coalesce(sum(used), 0) from credit_key_day_usage where api_key_id='key_k'
  and usage_day >= '2026-12-01' and usage_day < '2027-01-01'")"
echo "(${N} runs each in one session, the round trip of 'select 1' subtracted; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
