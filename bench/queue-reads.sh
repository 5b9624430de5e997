#!/usr/bin/env bash
# Times the reads behind queue_position (the task poll) and the task watcher's round, on a scratch MariaDB database
# (sse_pollbench: 20,000 succeeded tasks with images, 10 processing, 500 pending), then drops it.
# Needs: a JDK 21+ (JAVA_HOME), python3, the mariadb client, MariaDB on 127.0.0.1:3306 (root, no password), and the
# MariaDB JDBC driver in ~/.m2 (./mvnw -q dependency:resolve fetches it).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=sse_pollbench
M="mariadb -uroot -h127.0.0.1"
JAR=$(ls ~/.m2/repository/org/mariadb/jdbc/mariadb-java-client/*/mariadb-java-client-*.jar | grep -v sources | tail -1)
MIG=src/main/resources/db/migration/generation/V202611252010__generation_tasks.sql
$M -e "drop database if exists $DB; create database $DB"
trap '$M -e "drop database if exists $DB"' EXIT
{
  sed -n '/create table image_tasks/,/^);/p' "$MIG"
  sed -n '/create table task_images/,/^);/p' "$MIG" | sed '/fk_task_images_task/d; s/unique (task_id, position),/unique (task_id, position)/'
  grep '^create index ix_image_tasks' "$MIG"
  grep -h '^create index' src/main/resources/db/migration/generation/V202611252341__generation_tasks_created_index.sql
} | $M $DB
python3 - <<'PY' | $M $DB
cols = ("(id, workspace_id, source, kind, status, model, model_snapshot, provider, prompt, n, size, quality,"
        " output_format, credits, credits_refunded, attempts, created_at, started_at, finished_at)")
def row(id, status, created, started, finished):
    return (f"('{id}','ws','api','generation','{status}','gpt-image-2','gpt-image-2','sandbox','p',1,'1024x1024',"
            f"'auto','png',10,false,1,'{created}',{started},{finished})")
rows = []
for i in range(20000):
    c = f"2026-11-{1 + i // 1000:02d} 00:{(i // 60) % 60:02d}:{i % 60:02d}.{i:06d}"
    rows.append(row(f"t_s_{i}", "SUCCEEDED", c, f"'{c}'", f"'{c}'"))
for i in range(10):
    rows.append(row(f"t_r_{i}", "PROCESSING", "2026-12-01 00:00:00", "now()", "null"))
for i in range(500):
    rows.append(row(f"t_p_{i:03d}", "PENDING", f"2026-12-02 00:{i // 60:02d}:{i % 60:02d}", "null", "null"))
for k in range(0, len(rows), 1000):
    print(f"insert into image_tasks {cols} values " + ",".join(rows[k:k + 1000]) + ";")
for k in range(0, 20000, 1000):
    print("insert into task_images values " + ",".join(
        f"('i_{i}','t_s_{i}','ws',0,'k/{i}.png','image/png',1024,1024,1000,now(),null)" for i in range(k, k + 1000)) + ";")
print("analyze table image_tasks, task_images;")
PY
"$JAVA_HOME/bin/java" -cp "$JAR" bench/queue-reads/PollReadBench.java
"$JAVA_HOME/bin/java" -cp "$JAR" bench/queue-reads/WatchReadBench.java
