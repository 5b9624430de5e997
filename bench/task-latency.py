#!/usr/bin/env python3
"""Accept -> processing -> succeeded latency of image tasks, and accepted POSTs per second.

Runs against an Imagegate started on the mysql profile (MariaDB) with the sandbox delay at 0:
  mysql -uroot -h127.0.0.1 -e 'create database imagegate_bench'
  java --enable-native-access=ALL-UNNAMED -jar target/imagegate-*.jar --spring.profiles.active=mysql \
    --spring.datasource.url=jdbc:mariadb://127.0.0.1:3306/imagegate_bench --spring.datasource.username=root \
    --server.port=18080 --imagegate.generation.sandbox.delay=0ms \
    --imagegate.plans.free.requests-per-minute=100000 --imagegate.plans.free.concurrent-tasks=1000
then:  python3 bench/task-latency.py --base http://127.0.0.1:18080 --db imagegate_bench --tasks 200 --concurrency 8

It signs up a fresh user, creates a test key (sandbox, free), creates the tasks from N threads, waits for all to end,
and reads the microsecond timestamps of the tasks from the database (the API reports seconds only).
Loopback only; bounded by --tasks.
"""
import argparse, http.cookiejar, json, re, subprocess, sys, threading, time, urllib.request, uuid

def opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                       NoRedirect())

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

def form(op, base, page, action, fields):
    html = op.open(base + page).read().decode()
    token = re.search(r'name="_csrf"[^>]*value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({**fields, "_csrf": token}).encode()
    try:
        return op.open(urllib.request.Request(base + action, data=data)).read().decode()
    except urllib.error.HTTPError as e:
        return e.read().decode()

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:18080")
    p.add_argument("--db", default="imagegate_bench")
    p.add_argument("--tasks", type=int, default=200)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--h2-jar", help="query an embedded-default run instead of MariaDB: path of the h2 jar")
    p.add_argument("--h2-url", help="its JDBC URL (start the app with AUTO_SERVER=TRUE in the datasource URL)")
    a = p.parse_args()
    global QUERY
    if a.h2_jar:
        QUERY = lambda db, sql: h2(a.h2_jar, a.h2_url, sql)
    op = opener()
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    form(op, a.base, "/signup", "/signup", {"email": email, "password": "benchmark-password"})
    page = form(op, a.base, "/app/keys", "/app/keys", {"name": "bench", "mode": "test"})
    key = re.search(r"ig_test_[0-9A-Za-z]{43}", page).group(0)
    ids, lock, latencies = [], threading.Lock(), []
    per_thread = a.tasks // a.concurrency

    def worker(n):
        for i in range(per_thread):
            req = urllib.request.Request(a.base + "/api/v1/images/generations", method="POST",
                                         data=json.dumps({"prompt": f"bench {n}-{i}", "size": "1024x1024"}).encode(),
                                         headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
            t0 = time.perf_counter()
            body = json.loads(urllib.request.urlopen(req).read())
            with lock:
                latencies.append(time.perf_counter() - t0)
                ids.append(body["id"])

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(a.concurrency)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    elapsed = time.perf_counter() - start
    deadline = time.time() + 120
    sql = ("select count(*) from image_tasks where id in (%s) and status not in ('PENDING','PROCESSING')"
           % ",".join("'%s'" % i for i in ids))
    while time.time() < deadline:
        done = int(mysql(a.db, sql))
        if done == len(ids):
            break
        time.sleep(0.5)
    rows = mysql(a.db, "select timestampdiff(microsecond, created_at, started_at), "
                       "timestampdiff(microsecond, created_at, finished_at) from image_tasks where id in (%s)"
                 % ",".join("'%s'" % i for i in ids)).splitlines()
    start_ms = sorted(int(r.split()[0]) / 1000 for r in rows)
    end_ms = sorted(int(r.split()[1]) / 1000 for r in rows)
    lat = sorted(x * 1000 for x in latencies)
    pct = lambda xs, q: xs[min(len(xs) - 1, int(q * len(xs)))]
    print(f"tasks={len(ids)} concurrency={a.concurrency} accepted POSTs/s={len(ids)/elapsed:.1f}")
    print(f"POST latency ms      p50={pct(lat,.5):.1f} p95={pct(lat,.95):.1f} p99={pct(lat,.99):.1f}")
    print(f"accept->processing ms p50={pct(start_ms,.5):.1f} p95={pct(start_ms,.95):.1f} p99={pct(start_ms,.99):.1f}")
    print(f"accept->succeeded ms  p50={pct(end_ms,.5):.1f} p95={pct(end_ms,.95):.1f} p99={pct(end_ms,.99):.1f}")

QUERY = None

def h2(jar, url, sql):
    out = subprocess.run(["java", "-cp", jar, "org.h2.tools.Shell", "-url", url, "-user", "sa", "-sql", sql],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    lines = [l for l in out if l.strip() and not l.startswith("(")]
    return "\n".join(" ".join(c.strip() for c in l.split("|")) for l in lines[1:])

def mysql(db, sql):
    if QUERY:
        return QUERY(db, sql)
    return subprocess.run(["mysql", "-uroot", "-h127.0.0.1", "-N", "-B", db, "-e", sql],
                          check=True, capture_output=True, text=True).stdout.strip()

if __name__ == "__main__":
    import urllib.parse, urllib.error
    main()
