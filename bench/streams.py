#!/usr/bin/env python3
"""1,000 concurrent task event streams on one node (issue 21): memory, threads and event latency.

Run by bench/streams.sh, which starts the node (sandbox renderer with a long delay, MariaDB, JobRunr's server off,
--imagegate.generation.tasks.local-workers = half the tasks, the workspace stream cap raised). Against that node:
  1. signs up a throwaway user with a test key (sandbox, free) and creates --tasks tasks: the first half start
     rendering at once, the rest wait in the queue until a worker frees (after the sandbox delay);
  2. measures the server "before": platform threads (the process's OS threads in /proc, and the JVM's
     jvm_threads_live_threads), heap used after a full GC (jcmd GC.run), RSS;
  3. opens --streams SSE streams (at most --opening requests waiting for their headers at once), spread evenly over the tasks, GET /api/v1/images/tasks/{id}/events, all from one
     asyncio loop (one socket each, chunked transfer decoded by hand), and waits until the server's gauge
     imagegate_tasks_streams_open counts them all;
  4. measures "during" the same way, while every stream is open and waiting;
  5. waits for every stream to end with its task's final event, and takes each event's latency: the moment the
     client parsed it minus the moment the task's state changed in the database (started_at for the live `status`
     processing event of the queued half, finished_at for `completed`, microseconds, same machine and clock);
  6. measures "after" (every stream closed).
Loopback only; bounded by --timeout.
"""
import argparse, asyncio, datetime, json, os, subprocess, sys, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import mysql, new_key, post, rss_mib  # noqa: E402


def prometheus(base):
    text = urllib.request.urlopen(base + "/actuator/prometheus", timeout=30).read().decode()
    values = {}
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        name, value = line.rsplit(" ", 1)
        values[name] = float(value)
    return values


def metric(values, name, **labels):
    total = 0.0
    for key, value in values.items():
        if key == name or key.startswith(name + "{"):
            if all(f'{k}="{v}"' in key for k, v in labels.items()):
                total += value
    return total


def os_threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def snapshot(base, pid, label):
    subprocess.run(["jcmd", str(pid), "GC.run"], check=True, capture_output=True)
    values = prometheus(base)
    return {
        "label": label,
        "os_threads": os_threads(pid),
        "jvm_threads": int(metric(values, "jvm_threads_live_threads")),
        "heap_mib": metric(values, "jvm_memory_used_bytes", area="heap") / 2**20,
        "rss_mib": rss_mib(pid),
        "streams": int(metric(values, "imagegate_tasks_streams_open")),
    }


class Stream:
    """One SSE client: the events it parsed, each with the wall-clock time it was complete."""

    def __init__(self, task_id):
        self.task_id = task_id
        self.opened_at = None
        self.status = None
        self.events = []  # (name, data, received_at)
        self.error = None


async def read_chunked(reader):
    """Yields the body's bytes as they come (Transfer-Encoding: chunked)."""
    while True:
        size_line = await reader.readline()
        if not size_line:
            return
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return
        data = await reader.readexactly(size)
        await reader.readexactly(2)
        yield data


async def run_stream(stream, host, port, key, opened, opening):
    await opening.acquire()
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write((f"GET /api/v1/images/tasks/{stream.task_id}/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
                      f"Authorization: Bearer {key}\r\nAccept: text/event-stream\r\n\r\n").encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        stream.status = int(head.split(b" ", 2)[1])
        stream.opened_at = time.time()
        opening.release()
        opened.release()
        if stream.status != 200:
            stream.error = head.decode(errors="replace")
            writer.close()
            return
        buffer = b""
        name, data = None, []
        async for chunk in read_chunked(reader):
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                line = line.rstrip(b"\r").decode()
                if line == "":
                    if name is not None or data:
                        stream.events.append((name or "message", "\n".join(data), time.time()))
                    name, data = None, []
                elif line.startswith(":"):
                    continue
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
        writer.close()
    except Exception as e:  # noqa: BLE001 - reported per stream
        stream.error = repr(e)
        if stream.opened_at is None:
            opening.release()
            opened.release()


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def utc_epoch(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()


async def main_async(a):
    base = a.base
    parsed = urllib.parse.urlparse(base)
    key = new_key(base)
    t0 = time.time()
    ids = [post(base, key, f"stream bench {i}") for i in range(a.tasks)]
    print(f"created {len(ids)} tasks in {time.time() - t0:.1f} s", file=sys.stderr)
    before = snapshot(base, a.pid, "before (tasks created, no stream)")

    streams = [Stream(ids[i % len(ids)]) for i in range(a.streams)]
    opened = asyncio.Semaphore(0)
    opening = asyncio.Semaphore(a.opening)  # requests waiting for their headers at once
    t_open = time.time()
    tasks = []
    for s in streams:
        tasks.append(asyncio.create_task(run_stream(s, parsed.hostname, parsed.port, key, opened, opening)))
        if len(tasks) % 50 == 0:
            await asyncio.sleep(0)  # let the loop write the requests so far
    for _ in streams:
        await opened.acquire()
    open_seconds = time.time() - t_open
    refused = [s for s in streams if s.status != 200]
    print(f"{a.streams} streams answered in {open_seconds:.1f} s ({len(refused)} not 200)", file=sys.stderr)
    if refused:
        print("first refusal: " + str(refused[0].error)[:400], file=sys.stderr)
    deadline = time.time() + 30
    while time.time() < deadline:
        counted = int(metric(prometheus(base), "imagegate_tasks_streams_open"))
        if counted >= a.streams - len(refused):
            break
        await asyncio.sleep(0.2)
    during = await asyncio.get_running_loop().run_in_executor(
        None, snapshot, base, a.pid, f"during ({a.streams} streams open)")
    print(f"during: {during}", file=sys.stderr)

    done, pending = await asyncio.wait(tasks, timeout=a.timeout)
    for t in pending:
        t.cancel()
    after = snapshot(base, a.pid, "after (all streams ended)")

    rows = mysql(a.db, "select id, started_at, finished_at, status from image_tasks where id in (%s)"
                 % ",".join(f"'{i}'" for i in ids)).splitlines()
    times = {}
    for row in rows:
        task_id, started, finished, status = row.split("\t")
        times[task_id] = (utc_epoch(started), utc_epoch(finished), status)

    processing, completed, errors, ended = [], [], [], 0
    for s in streams:
        if s.error:
            errors.append(s.error)
            continue
        started, finished, _ = times[s.task_id]
        names = [e[0] for e in s.events]
        if names and names[-1] in ("completed", "failed", "canceled"):
            ended += 1
        for name, data, received in s.events:
            if name == "status" and json.loads(data).get("status") == "processing" and started > s.opened_at:
                processing.append((received - started) * 1000)
            elif name == "completed" and finished > s.opened_at:
                completed.append((received - finished) * 1000)

    print()
    print(f"machine: {os.cpu_count()} cores, load average at the end {open('/proc/loadavg').read().split()[:3]}")
    print(f"tasks: {a.tasks} ({a.tasks // 2} rendering at once, sandbox delay as started); streams: {a.streams} "
          f"({a.streams // a.tasks} per task), opened in {open_seconds:.1f} s; ended with the final event: {ended}; "
          f"errors: {len(errors)}")
    print()
    print("| moment | open streams (gauge) | platform threads (OS) | JVM live threads | heap used after GC, MiB | RSS, MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for snap in (before, during, after):
        print(f"| {snap['label']} | {snap['streams']} | {snap['os_threads']} | {snap['jvm_threads']} | "
              f"{snap['heap_mib']:.1f} | {snap['rss_mib']:.0f} |")
    print()
    print("| event (state change → parsed by the client) | events | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, xs in (("`status` processing (queued tasks starting)", processing),
                      ("`completed`", completed), ("both", processing + completed)):
        print(f"| {label} | {len(xs)} | {pct(xs, .5):.0f} | {pct(xs, .95):.0f} | {pct(xs, .99):.0f} | "
              f"{max(xs) if xs else float('nan'):.0f} |")
    per_stream = (during["heap_mib"] - before["heap_mib"]) * 1024 / max(1, a.streams)
    print()
    print(f"heap per open stream ≈ {per_stream:.1f} KiB; platform threads added by {a.streams} streams: "
          f"{during['os_threads'] - before['os_threads']} (OS), {during['jvm_threads'] - before['jvm_threads']} (JVM)")
    if errors:
        print("first errors: " + "; ".join(e[:200] for e in errors[:3]))
        return 1
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:18080")
    p.add_argument("--db", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--tasks", type=int, default=100)
    p.add_argument("--streams", type=int, default=1000)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--opening", type=int, default=20,
                   help="stream requests in flight at once while opening (each opening reads the database)")
    a = p.parse_args()
    sys.exit(asyncio.run(main_async(a)))


if __name__ == "__main__":
    main()
