#!/usr/bin/env python3
"""A fake OpenAI Images API for the soak test: answers POST /v1/images/generations and /v1/images/edits with real PNGs
of the asked size as b64_json, and injects faults at the configured rates: 429 with retry-after, 500, and hung
connections (no answer until the client gives up). Prints a count of what it answered when stopped."""
import argparse, base64, json, random, signal, struct, sys, threading, time, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PNGS, LOCK, COUNTS = {}, threading.Lock(), {}

def png(width, height):
    key = (width, height)
    if key not in PNGS:
        row = b"\x00" + bytes([40, 90, 160]) * width
        raw = zlib.compress(row * height, 6)
        chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
        PNGS[key] = base64.b64encode(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                                     + chunk(b"IDAT", raw) + chunk(b"IEND", b"")).decode()
    return PNGS[key]

def count(what):
    with LOCK:
        COUNTS[what] = COUNTS.get(what, 0) + 1

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        size, n = "1024x1024", 1
        if self.path.endswith("/images/generations"):
            body = json.loads(raw)
            size, n = body.get("size", size), int(body.get("n", 1))
        elif self.path.endswith("/images/edits"):
            text = raw.decode("latin-1")
            for field in ("size", "n"):
                marker = f'name="{field}"\r\n\r\n'
                if marker in text:
                    value = text.split(marker, 1)[1].split("\r\n", 1)[0]
                    size, n = (value, n) if field == "size" else (size, int(value))
        else:
            return self.answer(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        roll = random.random()
        if roll < ARGS.rate_429:
            count("429")
            return self.answer(429, {"error": {"message": "Rate limit reached", "type": "requests",
                                               "code": "rate_limit_exceeded"}}, [("retry-after-ms", "500")])
        roll -= ARGS.rate_429
        if roll < ARGS.rate_500:
            count("500")
            return self.answer(500, {"error": {"message": "The server had an error", "type": "server_error"}})
        roll -= ARGS.rate_500
        if roll < ARGS.rate_hang:
            count("hang")
            time.sleep(ARGS.hang_seconds)
            return
        if size == "auto":
            size = "1024x1024"
        w, h = (int(x) for x in size.split("x"))
        count("200")
        self.answer(200, {"created": int(time.time()), "data": [{"b64_json": png(w, h)} for _ in range(n)]})

def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=18099)
    p.add_argument("--rate-429", type=float, default=0.05)
    p.add_argument("--rate-500", type=float, default=0.05)
    p.add_argument("--rate-hang", type=float, default=0.02)
    p.add_argument("--hang-seconds", type=float, default=30)
    ARGS = p.parse_args()
    def stop(*_):
        raise KeyboardInterrupt
    # A background process of a script ignores SIGINT: SIGTERM stops it too.
    signal.signal(signal.SIGTERM, stop)
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        print(json.dumps(COUNTS), file=sys.stderr)

if __name__ == "__main__":
    main()
