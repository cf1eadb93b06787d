"""Untrusted XML never makes feedtool load a DTD or an external entity, nor expand an entity,
even with the entity pre-checks taken away: the parsers' own settings must hold. Loads are
seen where they would land: a loopback HTTP server that records every request, and named pipes
that record being opened."""

from __future__ import annotations

import contextlib
import errno
import http.server
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedtool.errors import FeedtoolError
from feedtool.read.feeds import read_feed
from feedtool.validate import engine, limits, validate_bytes

SECRET = "SECRET-7f3a"


@contextlib.contextmanager
def recording_server() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = f'<!ENTITY leak "{SECRET}">'.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def recording_pipe(path: Path) -> Iterator[list[str]]:
    """A named pipe at `path`: opening it to read is recorded (and answered with SECRET)."""
    os.mkfifo(path)
    opened: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                handle = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:  # ENXIO: nobody has it open to read
                if e.errno != errno.ENXIO:
                    raise
                time.sleep(0.005)
                continue
            opened.append(str(path))
            with contextlib.suppress(OSError):
                os.write(handle, f'<!ENTITY leak "{SECRET}">{SECRET}'.encode())
            os.close(handle)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield opened
    finally:
        stop.set()
        thread.join(5)


def documents(url: str, pipe: Path) -> dict[str, str]:
    # An expanded reference would put SECRET where both readers show it: the feed's id (the
    # validator quotes an id that is not a URI) and an entry's title (an item's title).
    def feed(ref: str = "") -> str:
        return (
            f'<feed xmlns="http://www.w3.org/2005/Atom"><id>{ref or "urn:x"}</id><title>t</title>'
            f"<updated>2024-01-01T00:00:00Z</updated><entry><id>urn:e</id><title>{ref or 'e'}</title>"
            '<link href="https://example.com/e"/><updated>2024-01-01T00:00:00Z</updated></entry></feed>'
        )

    return {
        "external DTD over HTTP": f'<!DOCTYPE feed SYSTEM "{url}/feed.dtd">' + feed(),
        "external DTD from a file": f'<!DOCTYPE feed SYSTEM "{pipe.as_uri()}">' + feed(),
        "public DTD": f'<!DOCTYPE feed PUBLIC "-//X//DTD X//EN" "{url}/public.dtd">' + feed(),
        "external entity over HTTP": f'<!DOCTYPE feed [<!ENTITY ext SYSTEM "{url}/ext">]>' + feed("&ext;"),
        "external entity from a file": f'<!DOCTYPE feed [<!ENTITY ext SYSTEM "{pipe.as_uri()}">]>'
        + feed("&ext;"),
        "parameter entity": f'<!DOCTYPE feed [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>' + feed("&leak;"),
        "internal entity": f'<!DOCTYPE feed [<!ENTITY in "{SECRET}">]>' + feed("&in;"),
        "xinclude": feed(
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/xi" parse="text"/>'
        ),
    }


CASES = list(documents("http://h", Path("/p")))


@pytest.fixture
def without_prechecks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The validator spots entity declarations before and while parsing and stops there; with
    # both checks gone, the parser itself is all that stands between a feed and a load.
    monkeypatch.setattr(limits.InputGuard, "check", lambda self, piece: None)
    monkeypatch.setattr(engine, "_report_stop", lambda ctx, stop: None)


@pytest.mark.parametrize("case", CASES)
def test_the_validator_loads_and_expands_nothing(tmp_path: Path, without_prechecks: None, case: str) -> None:
    with recording_server() as (url, requests), recording_pipe(tmp_path / "pipe") as opened:
        data = documents(url, tmp_path / "pipe")[case].encode()
        report = validate_bytes(data, source="feed.xml")
        time.sleep(0.05)
    assert requests == [] and opened == []
    assert SECRET not in " ".join(str(problem) for problem in report.problems)


@pytest.mark.parametrize("case", CASES)
def test_the_validator_with_its_checks_loads_nothing_and_says_so(tmp_path: Path, case: str) -> None:
    with recording_server() as (url, requests), recording_pipe(tmp_path / "pipe") as opened:
        report = validate_bytes(documents(url, tmp_path / "pipe")[case].encode(), source="feed.xml")
        time.sleep(0.05)
    assert requests == [] and opened == []
    if "entity" in case:
        assert "EntityDeclaration" in {problem.code for problem in report.problems}


@pytest.mark.parametrize("case", CASES)
def test_reading_a_feed_as_a_source_loads_and_expands_nothing(tmp_path: Path, case: str) -> None:
    with recording_server() as (url, requests), recording_pipe(tmp_path / "pipe") as opened:
        data = documents(url, tmp_path / "pipe")[case].encode()
        with contextlib.suppress(FeedtoolError):
            reader = read_feed("feed.xml", data, lambda _url: ZoneInfo("UTC"))
            items = list(reader.items())
            assert SECRET not in repr(items)
        time.sleep(0.05)
    assert requests == [] and opened == []
