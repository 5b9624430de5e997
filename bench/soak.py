#!/usr/bin/env python3
"""Drives the soak test started by bench/soak.sh: creates tasks at a steady rate on the nodes in turn (falling over
to another node when one is down), then waits for every task to end and reports end states and the ledger."""
import argparse, collections, json, subprocess, sys, threading, time, urllib.error, urllib.request
sys.path.insert(0, __import__("os").path.dirname(__file__))
from load import mysql

def create(base, key, i):
    req = urllib.request.Request(base + "/api/v1/images/generations", method="POST",
                                 data=json.dumps({"prompt": f"soak {i}", "size": "1024x1024", "n": 1}).encode(),
                                 headers={"Authorization": "Bearer " + key, "Content-Type": "application/json",
                                          "Idempotency-Key": f"soak-{i}"})
    return json.load(urllib.request.urlopen(req, timeout=15))["id"]

def get(url, key=None):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + key} if key else {})
    return json.load(urllib.request.urlopen(req, timeout=30))

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--rate", type=float, default=5)
    p.add_argument("--workspaces", type=int, default=5)
    a = p.parse_args()
    nodes = a.nodes.split(",")
    # Live keys: test keys never reach the upstream.
    keys = [live_key(nodes[0]) for _ in range(a.workspaces)]
    ids, failures_to_submit, fallbacks = [], 0, 0
    start, interval, i = time.time(), 1.0 / a.rate, 0
    while time.time() - start < a.minutes * 60:
        due = start + i * interval
        time.sleep(max(0.0, due - time.time()))
        key = keys[i % len(keys)]
        for attempt in range(len(nodes)):
            node = nodes[(i + attempt) % len(nodes)]
            try:
                ids.append((create(node, key, i), key))
                fallbacks += attempt > 0
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                if isinstance(e, urllib.error.HTTPError) and e.code < 500:
                    print(f"refused: {e.code} {e.read()[:200]}", file=sys.stderr)
                    failures_to_submit += 1
                    break
        else:
            failures_to_submit += 1
        i += 1
    print(f"submitted {len(ids)} tasks in {a.minutes} min ({fallbacks} went to the other node,"
          f" {failures_to_submit} not accepted)", file=sys.stderr)
    deadline = time.time() + 600
    while time.time() < deadline:
        open_ = int(mysql(a.db, "select count(*) from image_tasks where status in ('PENDING','PROCESSING')"))
        if open_ == 0:
            break
        time.sleep(2)
    states = dict(
        (" ".join(line.split("\t")[:2]), int(line.split("\t")[2]))
        for line in mysql(a.db, "select status, coalesce(error_code, '-'), count(*) from image_tasks"
                                " where prompt like 'soak %' group by status, coalesce(error_code, '-')").splitlines())
    captures = int(mysql(a.db, "select count(*) from credit_entry where kind = 'CAPTURE'"))
    distinct = int(mysql(a.db, "select count(distinct reference) from credit_entry where kind = 'CAPTURE'"))
    succeeded = int(mysql(a.db, "select count(*) from image_tasks where status = 'SUCCEEDED'"))
    reclaimed = int(mysql(a.db, "select count(*) from image_tasks where attempts > 1"))
    integrity = get(nodes[0].replace("localhost", "127.0.0.1") + "/actuator/credits")
    mismatched = 0
    for key in keys:
        account = get(nodes[0] + "/api/v1/account", key)
        ws = account.get("workspace", {}).get("id") or account.get("id")
        spent = int(mysql(a.db, "select coalesce(sum(credits_captured), 0) from image_tasks"
                                f" where workspace_id = '{ws}' and status = 'SUCCEEDED'") or 0)
        if account["credits"]["balance"] != 1_000_000 - spent:
            mismatched += 1
    print("| measure | value |\n|---|---|")
    for state, n in sorted(states.items()):
        print(f"| tasks {state.strip()} | {n} |")
    not_ended = int(mysql(a.db, "select count(*) from image_tasks where status in ('PENDING','PROCESSING')"))
    print(f"| tasks not ended | {not_ended} |")
    print(f"| tasks claimed more than once (node killed or lease lost) | {reclaimed} |")
    print(f"| captures / distinct / succeeded tasks | {captures} / {distinct} / {succeeded} |")
    print(f"| ledger consistent (/actuator/credits) | {integrity['consistent']} ({len(integrity['discrepancies'])} discrepancies,"
          f" {len(integrity['staleReservations'])} stale reservations) |")
    print(f"| workspaces whose balance != grants - captures | {mismatched} of {len(keys)} |")

def live_key(base):
    import re
    from load import opener, form
    import uuid
    op = opener()
    form(op, base, "/signup", "/signup", {"email": f"soak-{uuid.uuid4().hex[:10]}@example.com",
                                          "password": "benchmark-password"})
    page = form(op, base, "/app/keys", "/app/keys", {"name": "soak", "mode": "live"})
    return re.search(r"ig_live_[0-9A-Za-z]{43}", page).group(0)

if __name__ == "__main__":
    main()
