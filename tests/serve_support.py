"""Shared by the serve tests: a server on a free loopback port and small HTTP helpers."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import socket
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
