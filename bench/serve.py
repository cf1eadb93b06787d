"""Load `feedtool serve` and `python3 -m http.server` with wrk on loopback, on the same built folder.

Prints requests/s for a full GET and a conditional GET of atom.xml, the ratio to http.server,
wrk's socket errors and non-2xx/3xx counts, and each server's peak memory (VmHWM). A third
server, a ThreadingHTTPServer that also answers from memory with keep-alive and ETags, shows
what the asyncio design buys over threads on its own.

    python3 bench/serve.py [--duration 5] [--connections 64] [--threads 1]

Only 127.0.0.1 is ever contacted. Needs wrk (Debian package wrk).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FEED = "atom.xml"

COUNT_STATUSES = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total, parts = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do table.insert(parts, k .. "=" .. v) end
  table.sort(parts)
  io.write("status_counts: " .. table.concat(parts, " ") .. "\\n")
end
"""


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base_url: str

    def peak_memory_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Run:
    requests_per_second: float
    statuses: str
    socket_errors: str
    bad_responses: int


def start(name: str, command: list[str], cwd: Path, log: Path, pattern: str) -> Server:
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=log.open("wb"),
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline().decode()
        if not line:
            break
        found = re.search(pattern, line)
        if found:
            # Keep reading stdout in the background would be overkill: these servers say nothing
            # more on stdout, so the pipe never fills.
            return Server(name, process, f"http://127.0.0.1:{found.group(1)}/")
    process.kill()
    raise SystemExit(f"{name} did not start; see {log}")


def validators(url: str) -> tuple[str | None, str | None]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        response.read()
        return response.headers.get("ETag"), response.headers.get("Last-Modified")


def wrk(url: str, args: argparse.Namespace, script: Path, headers: list[str]) -> Run:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", "5s", "-s", str(script)]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=args.duration + 60
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    statuses = re.search(r"status_counts: (.*)", output)
    return Run(
        float(rate.group(1)) if rate else 0.0,
        statuses.group(1) if statuses else "?",
        errors.group(1).strip() if errors else "none",
        int(bad.group(1)) if bad else 0,
    )


def threading_server(folder: Path) -> None:
    """The alternative design: one thread per connection, files and ETags held in memory."""
    files = {}
    for path in folder.iterdir():
        if path.is_file():
            body = path.read_bytes()
            kind = "application/atom+xml; charset=utf-8" if path.suffix == ".xml" else "text/html"
            files["/" + path.name] = (body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', kind)
    modified = formatdate(time.time(), usegmt=True)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            found = files.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, etag, kind = found
            fresh = self.headers.get("If-None-Match") == etag
            self.send_response(304 if fresh else 200)
            self.send_header("Content-Type", kind)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            if not fresh:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not fresh:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 1024
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (the machine has 2 cores)")
    parser.add_argument("--threading-server", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threading_server:
        threading_server(args.threading_server)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package wrk)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="feedtool-bench-serve-") as scratch:
        work = Path(scratch)
        shutil.copy(REPO / "feedtool.toml", work / "feedtool.toml")
        shutil.copytree(REPO / "seeds", work / "seeds")
        script = work / "count.lua"
        script.write_text(COUNT_STATUSES)
        python = sys.executable
        port = r"(?:at|port|PORT) (?:http://127\.0\.0\.1:)?(\d+)"
        ours = start("feedtool serve", [python, "-m", "feedtool", "serve", "--port", "0"],
                     work, work / "feedtool.log", port)  # fmt: skip
        servers = [ours]
        try:
            dist = work / "dist"
            servers.append(start(
                "python3 -m http.server",
                [python, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(dist)],
                work, work / "http.server.log", port,
            ))  # fmt: skip
            servers.append(start(
                "ThreadingHTTPServer, in memory",
                [python, __file__, "--threading-server", str(dist)],
                work, work / "threading.log", port,
            ))  # fmt: skip
            size = (dist / FEED).stat().st_size
            print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback, "
                  f"GET /{FEED} ({size} bytes), Python {sys.version.split()[0]}, "
                  f"{os.cpu_count()} cores")  # fmt: skip
            results: dict[str, dict[str, Run]] = {}
            for server in servers:
                url = f"{server.base_url}{FEED}"
                etag, modified = validators(url)
                conditional = [f"If-None-Match: {etag}"] if etag else []
                # http.server ignores If-Modified-Since when If-None-Match is present (as RFC
                # 9110 says), so it only gets the validator it understands.
                if modified and (etag is None or server is ours):
                    conditional.append(f"If-Modified-Since: {modified}")
                results[server.name] = {
                    "full GET": wrk(url, args, script, []),
                    "conditional GET": wrk(url, args, script, conditional),
                }
            memory = {server.name: server.peak_memory_mb() for server in servers}
        finally:
            for server in servers:
                server.stop()

    baseline = results["python3 -m http.server"]
    print(f"\n{'server':<32} {'request':<16} {'req/s':>9} {'vs http.server':>14}  "
          f"{'statuses':<18} socket errors")  # fmt: skip
    for name, runs in results.items():
        for label, run in runs.items():
            ratio = run.requests_per_second / max(baseline[label].requests_per_second, 1e-9)
            print(f"{name:<32} {label:<16} {run.requests_per_second:>9.0f} {ratio:>13.1f}x  "
                  f"{run.statuses:<18} {run.socket_errors}")  # fmt: skip
    print()
    for name, megabytes in memory.items():
        print(f"peak memory (VmHWM) {name:<32} {megabytes:6.1f} MB")
    mine = results["feedtool serve"]
    verdicts = []
    for label, run in mine.items():
        ratio = run.requests_per_second / max(baseline[label].requests_per_second, 1e-9)
        clean = run.socket_errors == "none" and run.bad_responses == 0
        verdicts.append(ratio >= 2 and clean)
        errors = "none" if clean else f"{run.socket_errors}, {run.bad_responses} bad answers"
        print(f"target {label}: {ratio:.1f}x http.server (>= 2x), errors: {errors}: "
              f"{'met' if verdicts[-1] else 'NOT met'}")  # fmt: skip
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
