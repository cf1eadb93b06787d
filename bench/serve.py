"""Load `feedtool serve`, nginx and `python3 -m http.server` with wrk on loopback, on the same built folder.

Prints requests/s for a full GET, a gzip GET and a conditional GET of atom.xml, the ratio to
http.server, and feedtool serve against nginx running the configuration `feedtool build
--nginx-conf` writes (the README's way to publish behind a real web server),
wrk's socket errors and non-2xx/3xx counts, and each server's peak memory (VmHWM). A third
server, a ThreadingHTTPServer that also answers from memory with keep-alive and ETags, shows
what the asyncio design buys over threads on its own.

    python3 bench/serve.py [--duration 5] [--connections 64] [--threads 1] [--pipeline 20000]
    python3 bench/serve.py --pipeline-only     # only the pipelining latency (below)

Then one client pipelines 20,000 GETs in one write while another GETs on its own connection:
the other client's latency (median, p95, max) shows whether one client can hold up the rest.

Only 127.0.0.1 is ever contacted. Needs wrk (Debian package wrk) and nginx (nginx-light).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
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
        """The server's peak resident memory; for nginx, its master's and workers' together."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if self.name.startswith("nginx") and children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
        total = 0.0
        for pid in pids:
            found = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
            total += int(found.group(1)) / 1024 if found else float("nan")
        return total

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


def start_nginx(dist: Path, work: Path) -> Server:
    """nginx with feedtool's configuration for `dist`, in the foreground, on a free port."""
    from feedtool.nginx import nginx_conf
    from feedtool.write import OUTPUT_NAMES

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (work / "feeds.conf").write_text(nginx_conf(dist, f"http://127.0.0.1:{port}/", OUTPUT_NAMES))
    temp = "".join(f"  {kind}_temp_path {work / kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                      "uwsgi", "scgi"))  # fmt: skip
    user = "user root;\n" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"{user}worker_processes auto;\npid {work / 'nginx.pid'};\nerror_log {work / 'nginx.error'};\n"
        f"events {{ worker_connections 1024; }}\nhttp {{\n  access_log off;\n{temp}"
        f"  include {work / 'feeds.conf'};\n}}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return Server("nginx (feedtool's config)", process, f"http://127.0.0.1:{port}/")
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"nginx did not start; see {work / 'nginx.error'}")


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


def _get_latency(client: socket.socket, path: str) -> float:
    """Seconds for one keep-alive GET on `client`, until the whole answer is in."""
    started = time.perf_counter()
    client.sendall(f"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += client.recv(65536)
    head, _, body = answer.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += client.recv(65536)
    return time.perf_counter() - started


def pipe_client(port: int, count: int) -> None:
    """The pipelining client (its own process, so the prober's timing is not its GIL's):
    `count` GETs of the feed in one write, answers read as they come; prints the seconds."""
    burst = f"GET /{FEED} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode() * count
    with socket.create_connection(("127.0.0.1", port)) as piper:
        started = time.perf_counter()
        sender = threading.Thread(target=piper.sendall, args=(burst,))
        sender.start()
        answered, tail = 0, b""
        while answered < count and (chunk := piper.recv(1 << 20)):
            answered += (tail + chunk).count(b"HTTP/1.1 200 ")
            tail = chunk[-16:]
        sender.join()
    print(f"{time.perf_counter() - started:.3f} {answered}", flush=True)


def pipeline_latency(base_url: str, count: int) -> tuple[list[float], list[float], float]:
    """Another client's GET latencies while one client pipelines `count` GETs of the feed in
    one write (and reads the answers as they come), and before that on an idle server; and
    how long the pipelining client took."""
    port = int(base_url.rsplit(":", 1)[1].strip("/"))
    idle: list[float] = []
    busy: list[float] = []
    with socket.create_connection(("127.0.0.1", port)) as probe:
        for _ in range(50):
            idle.append(_get_latency(probe, "rss.xml"))
        piper = subprocess.Popen([sys.executable, __file__, "--pipe-client", str(port), str(count)],
                                 stdout=subprocess.PIPE, text=True)  # fmt: skip
        time.sleep(0.05)  # the burst is on its way
        while piper.poll() is None:
            busy.append(_get_latency(probe, "rss.xml"))
            time.sleep(0.005)
        seconds, answered = (piper.stdout.read() if piper.stdout else "0 0").split()
    if int(answered) != count:
        raise SystemExit(f"{base_url}: the pipelining client got {answered} of {count} answers")
    return idle, busy, float(seconds)


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
    parser.add_argument(
        "--pipeline", type=int, default=20000, help="requests one client pipelines in one write"
    )
    parser.add_argument(
        "--pipeline-only", action="store_true", help="only the pipelining measurement (no wrk needed)"
    )
    parser.add_argument("--threading-server", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pipe-client", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pipe_client:
        pipe_client(*args.pipe_client)
        return 0
    if args.threading_server:
        threading_server(args.threading_server)
        return 0
    if args.pipeline_only:
        return pipeline_report(args.pipeline)
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
            servers.append(start_nginx(dist, work))
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
                    "gzip GET": wrk(url, args, script, ["Accept-Encoding: gzip"]),
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
    nginx = results["nginx (feedtool's config)"]
    print()
    for label, run in mine.items():
        print(f"feedtool serve / nginx, {label}: {run.requests_per_second:.0f} / "
              f"{nginx[label].requests_per_second:.0f} req/s = "
              f"{run.requests_per_second / max(nginx[label].requests_per_second, 1e-9):.2f}")  # fmt: skip
    verdicts = []
    for label, run in mine.items():
        if label == "gzip GET":  # http.server does not compress: no target against it
            continue
        ratio = run.requests_per_second / max(baseline[label].requests_per_second, 1e-9)
        clean = run.socket_errors == "none" and run.bad_responses == 0
        verdicts.append(ratio >= 2 and clean)
        errors = "none" if clean else f"{run.socket_errors}, {run.bad_responses} bad answers"
        print(f"target {label}: {ratio:.1f}x http.server (>= 2x), errors: {errors}: "
              f"{'met' if verdicts[-1] else 'NOT met'}")  # fmt: skip
    return 0 if all(verdicts) and pipeline_report(args.pipeline) == 0 else 1


def pipeline_report(count: int) -> int:
    """Another client's latency while one client pipelines `count` requests in one write,
    against feedtool serve and a ThreadingHTTPServer (a thread per connection)."""
    with tempfile.TemporaryDirectory(prefix="feedtool-bench-pipeline-") as scratch:
        work = Path(scratch)
        shutil.copy(REPO / "feedtool.toml", work / "feedtool.toml")
        shutil.copytree(REPO / "seeds", work / "seeds")
        python = sys.executable
        port = r"(?:at|port|PORT) (?:http://127\.0\.0\.1:)?(\d+)"
        servers = [start("feedtool serve", [python, "-m", "feedtool", "serve", "--port", "0", "-q"],
                         work, work / "feedtool.log", port)]  # fmt: skip
        try:
            # python3 -m http.server speaks HTTP/1.0 (a connection per request): the reference
            # is the thread-per-connection server with keep-alive.
            servers.append(start(
                "ThreadingHTTPServer",
                [python, __file__, "--threading-server", str(work / "dist")],
                work, work / "threading.log", port,
            ))  # fmt: skip
            print(f"\none client pipelines {count} GET /{FEED} in one write; another GETs /rss.xml on "
                  "its own keep-alive connection meanwhile (milliseconds)")  # fmt: skip
            print(f"{'server':<26} {'idle median':>11} {'median':>8} {'p95':>8} {'max':>8} {'probes':>7} "
                  f"{'pipeline took':>14}")  # fmt: skip
            worst = {}
            for server in servers:
                idle, busy, took = pipeline_latency(server.base_url, count)
                busy.sort()
                ms = [1000 * statistics.median(idle), 1000 * statistics.median(busy),
                      1000 * busy[int(0.95 * (len(busy) - 1))], 1000 * busy[-1]]  # fmt: skip
                worst[server.name] = ms[3]
                print(f"{server.name:<26} {ms[0]:>11.2f} {ms[1]:>8.2f} {ms[2]:>8.2f} {ms[3]:>8.2f} "
                      f"{len(busy):>7} {took:>13.2f}s")  # fmt: skip
        finally:
            for server in servers:
                server.stop()
    met = worst["feedtool serve"] < 50
    print(f"target: another client's GET under 50 ms meanwhile (worst {worst['feedtool serve']:.1f} ms): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
