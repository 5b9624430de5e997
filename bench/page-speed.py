#!/usr/bin/env python3
"""Server render time of the studio and the gallery (with 100 images), p50/p95 over sequential requests.

Runs against an Imagegate started as for task-latency.py (MariaDB, sandbox delay 0, limits raised), e.g.
  java --enable-native-access=ALL-UNNAMED -jar target/imagegate-*.jar --spring.profiles.active=mysql \
    --spring.datasource.url=jdbc:mariadb://127.0.0.1:3306/imagegate_bench --spring.datasource.username=root \
    --server.port=18080 --imagegate.generation.sandbox.delay=0ms \
    --imagegate.plans.free.requests-per-minute=100000 --imagegate.plans.free.concurrent-tasks=1000
then:  python3 bench/page-speed.py --base http://127.0.0.1:18080 --requests 200

It signs up a fresh user, makes 100 images with a test key (10 tasks of 10, sandbox, free), then times full-page GETs
of /app/studio and /app/gallery (first page: 24 tasks = up to 240 images shown... here 10 tasks of 10 images = 100
images) with the session cookie, one request at a time over loopback: the time is the server's render time plus
loopback, measured from the first byte sent to the last byte read.
"""
import argparse, json, statistics, sys, time, urllib.request, uuid
sys.path.insert(0, __import__("os").path.dirname(__file__))
from importlib import import_module
tl = import_module("task-latency")

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:18080")
    p.add_argument("--requests", type=int, default=200)
    a = p.parse_args()
    op = tl.opener()
    email = f"pages-{uuid.uuid4().hex[:8]}@example.com"
    tl.form(op, a.base, "/signup", "/signup", {"email": email, "password": "benchmark-password"})
    page = tl.form(op, a.base, "/app/keys", "/app/keys", {"name": "pages", "mode": "test"})
    key = __import__("re").search(r"ig_test_[0-9A-Za-z]{43}", page).group(0)
    ids = []
    for i in range(10):
        req = urllib.request.Request(a.base + "/api/v1/images/generations", method="POST",
                                     data=json.dumps({"prompt": f"page speed {i}", "size": "1024x1024", "n": 10}).encode(),
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        ids.append(json.load(urllib.request.urlopen(req))["id"])
    for task in ids:
        while True:
            req = urllib.request.Request(a.base + f"/api/v1/images/tasks/{task}?wait=30",
                                         headers={"Authorization": "Bearer " + key})
            if json.load(urllib.request.urlopen(req))["status"] in ("succeeded", "failed", "canceled"):
                break
    print(f"{'page':<16}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'KiB':>7}")
    for path in ("/app/studio", "/app/gallery"):
        times, size = [], 0
        for _ in range(10):  # warm-up
            op.open(a.base + path).read()
        for _ in range(a.requests):
            t0 = time.perf_counter()
            body = op.open(a.base + path).read()
            times.append((time.perf_counter() - t0) * 1000)
            size = len(body)
        assert b"gallery-item" in body or path != "/app/gallery", "gallery did not render images"
        print(f"{path:<16}{a.requests:>9}{statistics.median(times):>9.1f}{percentile(times, 95):>9.1f}"
              f"{max(times):>9.1f}{size / 1024:>7.0f}")

if __name__ == "__main__":
    main()
