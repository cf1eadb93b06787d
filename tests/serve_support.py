"""Shared by the serve tests: a server on a free loopback port and small HTTP helpers."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from feedtool.serve import Watch, base_url_of, load_site, open_socket, serve


@dataclass
class Running:
    base_url: str
    port: int
    log: list[str] = field(default_factory=list)

    def log_text(self) -> str:
        return "".join(self.log)


@contextlib.contextmanager
def running_server(folder: Path, watch: Watch | None = None) -> Iterator[Running]:
    """Serves `folder` from a background thread on 127.0.0.1 and a free port."""
    listener = open_socket("127.0.0.1", 0)
    running = Running(base_url_of(listener), listener.getsockname()[1])
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready = threading.Event()
    failure: list[BaseException] = []

    def main() -> None:
        try:
            loop.run_until_complete(
                serve(listener, load_site(folder), running.log.append, watch, stop, ready.set)
            )
        except BaseException as e:
            failure.append(e)
            ready.set()
        finally:
            loop.close()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    assert ready.wait(10), "server did not start"
    if failure:
        raise failure[0]
    try:
        yield running
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        listener.close()
    if failure:
        raise failure[0]


def request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection; header names lower-cased."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def raw_exchange(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Sends bytes as they are and returns everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as client:
        client.sendall(data)
        client.shutdown(socket.SHUT_WR)  # nothing more to say: the server closes after answering
        chunks = []
        with contextlib.suppress(TimeoutError):
            while chunk := client.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def wait_for(condition: Callable[[], object], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


REPO = Path(__file__).resolve().parent.parent


def make_project(folder: Path) -> Path:
    """A project like the repository's (its config and item files) in a scratch folder."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "feedtool.toml", folder / "feedtool.toml")
    shutil.copytree(REPO / "seeds", folder / "seeds")
    return folder


class ServeProcess:
    """`feedtool serve` as a user runs it, in its own process, on a free loopback port."""

    def __init__(self, project: Path, *args: str) -> None:
        self.project = project
        self.stderr_path = project / "serve.stderr"
        self._stderr = self.stderr_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "feedtool", "serve", "--port", "0", *args],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.banner = self._read_banner()
        found = re.search(r"at (http://127\.0\.0\.1:(\d+)/)", self.banner)
        if found is None:
            self.stop()
            raise AssertionError(f"no served address in the banner:\n{self.banner}")
        self.base_url, self.port = found.group(1), int(found.group(2))

    def _read_banner(self) -> str:
        assert self.process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.process.stdout.readline().decode()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                return "".join(lines)
        self.stop()
        raise AssertionError(f"serve did not start: {''.join(lines)}{self.stderr()}")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, signum: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
            self._stderr.close()

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
