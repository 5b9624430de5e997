#!/usr/bin/env python3
"""Imagegate under load, in one run against one running node (see bench/run.sh, which starts it).

Measures, loopback only and bounded in time:
  1. authenticated GET /api/v1/images/tasks/{id} next to GET /actuator/health/liveness (wrk): RPS, p50, p99, ratio
  2. accepted POST /api/v1/images/generations per second with 1 and with 50 workspaces (wrk + bench/post.lua)
  3. accept -> processing and accept -> succeeded p50/p95/p99 at a steady rate (default 20 tasks/s for 60 s)
  4. a drain of N tasks (default 10,000): time to finish all, tasks lost (not ended), tasks run twice
  5. RSS of the server process: idle (before) and the most seen under load
Test keys are used (sandbox renderer, free), so no credits run out; the plan limits are raised by run.sh.
"""
import argparse, http.cookiejar, json, os, re, statistics, subprocess, sys, threading, time, urllib.parse
import urllib.request, uuid

def opener():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

def form(op, base, page, action, fields):
    html = op.open(base + page).read().decode()
    token = re.search(r'name="_csrf"[^>]*value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({**fields, "_csrf": token}).encode()
    try:
        return op.open(urllib.request.Request(base + action, data=data)).read().decode()
    except urllib.error.HTTPError as e:
        return e.read().decode()

def new_key(base):
    op = opener()
    form(op, base, "/signup", "/signup", {"email": f"load-{uuid.uuid4().hex[:10]}@example.com",
                                          "password": "benchmark-password"})
    page = form(op, base, "/app/keys", "/app/keys", {"name": "load", "mode": "test"})
    return re.search(r"ig_test_[0-9A-Za-z]{43}", page).group(0)

def post(base, key, prompt="load"):
    req = urllib.request.Request(base + "/api/v1/images/generations", method="POST",
                                 data=json.dumps({"prompt": prompt, "size": "1024x1024", "n": 1}).encode(),
                                 headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))["id"]

def mysql(db, sql):
    return subprocess.run(["mysql", "-uroot", "-h127.0.0.1", "-N", "-B", db, "-e", sql],
                          check=True, capture_output=True, text=True).stdout.strip()

def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

class RssWatch(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, False
    def run(self):
        while not self.stop:
            try:
                self.peak = max(self.peak, rss_mib(self.pid))
            except OSError:
                return
            time.sleep(0.5)

def wrk(url, seconds, connections, headers=(), script=None, env=None):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, env={**os.environ, **(env or {})}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def lat(q):
        m = re.search(rf"\s{q}%\s+([\d.]+)(us|ms|s)", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": lat(50), "p99": lat(99), "total": total,
            "non2xx": int(non2xx.group(1)) if non2xx else 0}

def percentiles(xs):
    xs = sorted(xs)
    pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    return pick(.5), pick(.95), pick(.99)

def task_times(db, since_sql_time):
    rows = mysql(db, "select timestampdiff(microsecond, created_at, started_at),"
                     " timestampdiff(microsecond, created_at, finished_at) from image_tasks"
                     f" where prompt = 'steady' and created_at >= '{since_sql_time}' and status = 'SUCCEEDED'")
    pairs = [tuple(int(x) / 1000 for x in r.split()) for r in rows.splitlines() if r and "NULL" not in r]
    return [p[0] for p in pairs], [p[1] for p in pairs]

def wait_idle(db, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if int(mysql(db, "select count(*) from image_tasks where status in ('PENDING','PROCESSING')")) == 0:
            return True
        time.sleep(1)
    return False

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:18080")
    p.add_argument("--db", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--seconds", type=int, default=15, help="wrk duration of each throughput run")
    p.add_argument("--rate", type=float, default=20.0)
    p.add_argument("--steady-seconds", type=int, default=60)
    p.add_argument("--drain", type=int, default=10000)
    p.add_argument("--drain-timeout", type=int, default=1800)
    p.add_argument("--reads-only", action="store_true", help="run only part 1 (reads next to a bare endpoint)")
    a = p.parse_args()
    rows = []
    idle = rss_mib(a.pid)
    watch = RssWatch(a.pid)
    watch.start()

    print("setting up 50 workspaces with test keys ...", file=sys.stderr)
    keys = [new_key(a.base) for _ in range(50)]
    tid = post(a.base, keys[0], "read me")
    wait_idle(a.db, 60)

    # 1. reads next to a bare endpoint
    for url in (a.base + "/actuator/health/liveness", a.base + f"/api/v1/images/tasks/{tid}"):  # warm-up
        wrk(url, 5, 16, headers=[f"Authorization: Bearer {keys[0]}"])
    live = wrk(a.base + "/actuator/health/liveness", a.seconds, 16)
    task = wrk(a.base + f"/api/v1/images/tasks/{tid}", a.seconds, 16, headers=[f"Authorization: Bearer {keys[0]}"])
    rows.append(("GET /actuator/health/liveness", f"{live['rps']:.0f} req/s", f"p50 {live['p50']:.1f} ms",
                 f"p99 {live['p99']:.1f} ms", ""))
    rows.append(("GET /api/v1/images/tasks/{id}", f"{task['rps']:.0f} req/s", f"p50 {task['p50']:.1f} ms",
                 f"p99 {task['p99']:.1f} ms", f"ratio {task['rps'] / live['rps']:.2f} (goal >= 0.5)"))
    if a.reads_only:
        watch.stop = True
        print_table(rows)
        return

    # 2. accepted creations per second
    script = os.path.join(os.path.dirname(__file__), "post.lua")
    for label, ks in (("1 workspace", keys[:1]), ("50 workspaces", keys)):
        r = wrk(a.base + "/api/v1/images/generations", a.seconds, 16, script=script, env={"KEYS": ",".join(ks)})
        accepted = (r["total"] - r["non2xx"]) / a.seconds
        rows.append((f"POST generations, {label}", f"{accepted:.0f} accepted/s", f"p50 {r['p50']:.1f} ms",
                     f"p99 {r['p99']:.1f} ms", f"{r['non2xx']} refused (goal >= 300/s)"))
        wait_idle(a.db, 600)

    # 3. steady rate: latencies from the database's microsecond timestamps
    since = mysql(a.db, "select utc_timestamp(6)")
    interval, sent, errors = 1.0 / a.rate, [0], [0]
    start = time.perf_counter()
    def pace(offset, step):
        i = offset
        while True:
            due = start + i * interval
            if due - start >= a.steady_seconds:
                return
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                post(a.base, keys[i % len(keys)], "steady")
                sent[0] += 1
            except Exception:
                errors[0] += 1
            i += step
    threads = [threading.Thread(target=pace, args=(k, 8)) for k in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    wait_idle(a.db, 300)
    started, ended = task_times(a.db, since)
    s50, s95, s99 = percentiles(started)
    e50, e95, e99 = percentiles(ended)
    rows.append((f"steady {a.rate:.0f} tasks/s for {a.steady_seconds} s ({sent[0]} sent, {errors[0]} errors)",
                 f"accept->processing p50 {s50:.0f} / p95 {s95:.0f} / p99 {s99:.0f} ms", "", "",
                 "goal p50 < 1000, p99 < 3000"))
    rows.append(("", f"accept->succeeded p50 {e50:.0f} / p95 {e95:.0f} / p99 {e99:.0f} ms", "", "", ""))

    # 4. drain
    if a.drain:
        t0 = time.perf_counter()
        lock, ids = threading.Lock(), []
        def burst(k):
            for i in range(k, a.drain, 16):
                tid_ = post(a.base, keys[i % len(keys)], "drain")
                with lock:
                    ids.append(tid_)
        ts = [threading.Thread(target=burst, args=(k,)) for k in range(16)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        submitted = time.perf_counter() - t0
        finished = wait_idle(a.db, a.drain_timeout)
        took = time.perf_counter() - t0
        lost = int(mysql(a.db, "select count(*) from image_tasks where prompt = 'drain'"
                               " and status not in ('SUCCEEDED','FAILED','CANCELED')"))
        twice = int(mysql(a.db, "select count(*) from (select t.id from image_tasks t join task_images i"
                                " on i.task_id = t.id where t.prompt = 'drain' group by t.id, t.n"
                                " having count(*) > t.n) x"))
        reclaimed = int(mysql(a.db, "select count(*) from image_tasks where prompt = 'drain' and attempts > 1"))
        rows.append((f"drain of {len(ids)} tasks", f"submitted in {submitted:.0f} s, all ended in {took:.0f} s",
                     f"lost {lost}", f"run twice {twice}", f"claimed more than once {reclaimed}"
                     + ("" if finished else " (timed out)")))
    watch.stop = True
    rows.append(("RSS", f"idle {idle:.0f} MiB", f"peak under load {watch.peak:.0f} MiB", "", ""))
    print_table(rows)

def print_table(rows):
    print()
    print("| measurement | result | | | notes |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")

if __name__ == "__main__":
    main()
