"""URL sources, served by a local HTTP server on 127.0.0.1: 200 and 304, errors and the last
good copy, slow answers, redirects, oversize bodies, charsets, gzip, --offline."""

from __future__ import annotations

import gzip
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from feedtool import __version__
from feedtool.cli import main
from feedtool.errors import FetchError
from feedtool.read.fetch import fetch

Answer = Callable[[BaseHTTPRequestHandler], None]


def rss(title: str = "Served", item_title: str = "An item", encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>{title}</title>'
        "<link>https://site.example/</link><description>d</description>"
        f"<item><title>{item_title}</title><link>https://site.example/1</link>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>Text.</description></item>"
        "</channel></rss>\n"
    )


class Server:
    """Answers each path with the function set for it; records every request's headers."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                answer = server.routes.get(self.path)
                if answer is None:
                    self.send_error(404)
                else:
                    answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}{path}"

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    served = Server()
    yield served
    served.close()


def ok(body: bytes, content_type: str = "application/rss+xml", **headers: str) -> Answer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def conditional(body: bytes, etag: str) -> Answer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.end_headers()
            return
        ok(body, ETag=etag, Last_Modified="Mon, 01 Jan 2024 10:00:00 GMT")(handler)

    return answer


def status(code: int) -> Answer:
    return lambda handler: handler.send_error(code)


def redirect(to: str) -> Answer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.end_headers()

    return answer


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def build(*args: str) -> int:
    return main(["build", "--out", "out", *args])


def atom(project: Path) -> str:
    return (project / "out" / "atom.xml").read_text("utf-8")


def test_a_url_source_is_fetched_once_then_asked_for_conditionally(project, server, capsys):
    server.routes["/feed.xml"] = conditional(rss().encode(), '"v1"')
    assert build("--source", server.url("/feed.xml")) == 0, capsys.readouterr().err
    assert "<title>An item</title>" in atom(project)
    first = server.requests[0][1]
    assert first["User-Agent"] == f"feedtool/{__version__}"
    assert "gzip" in first["Accept-Encoding"]
    assert "If-None-Match" not in first
    before = (project / "out" / "atom.xml").read_bytes()
    assert build("--source", server.url("/feed.xml")) == 0
    second = server.requests[1][1]
    assert second["If-None-Match"] == '"v1"'
    assert second["If-Modified-Since"] == "Mon, 01 Jan 2024 10:00:00 GMT"
    assert (project / "out" / "atom.xml").read_bytes() == before  # 304: the copy kept is the feed


@pytest.mark.parametrize(
    "failure", [status(500), status(404), ok(b"<html><body>Moved</body></html>", "text/html")]
)
def test_a_failing_source_is_a_warning_and_the_last_good_copy_is_used(project, server, capsys, failure):
    server.routes["/feed.xml"] = ok(rss(item_title="Kept").encode())
    assert build("--source", server.url("/feed.xml")) == 0
    capsys.readouterr()
    server.routes["/feed.xml"] = failure
    assert build("--source", server.url("/feed.xml")) == 0
    err = capsys.readouterr().err
    assert f"{server.url('/feed.xml')}:" in err and "built from the copy fetched before" in err
    assert "<title>Kept</title>" in atom(project)


def test_a_failing_source_without_a_good_copy_is_an_error_and_the_output_stays(project, server, capsys):
    server.routes["/good.xml"] = ok(rss().encode())
    assert build("--source", server.url("/good.xml")) == 0
    before = (project / "out" / "atom.xml").read_bytes()
    capsys.readouterr()
    assert build("--source", server.url("/good.xml"), "--source", server.url("/gone.xml")) == 1
    err = capsys.readouterr().err
    assert f"{server.url('/gone.xml')}: HTTP 404 Not Found; and no copy fetched before" in err
    assert (project / "out" / "atom.xml").read_bytes() == before


def test_unreachable_sources_are_named(project, capsys):
    assert build("--source", "http://127.0.0.1:9/feed.xml") == 1
    assert (
        "http://127.0.0.1:9/feed.xml: connection refused; and no copy fetched before"
        in capsys.readouterr().err
    )


def test_offline_builds_from_the_copies_kept_and_fetches_nothing(project, server, capsys):
    server.routes["/feed.xml"] = ok(rss(item_title="Fetched once").encode())
    assert build("--source", server.url("/feed.xml"), "--out", "first") == 0
    asked = len(server.requests)
    assert build("--source", server.url("/feed.xml"), "--offline") == 0
    assert len(server.requests) == asked
    assert "<title>Fetched once</title>" in atom(project)
    capsys.readouterr()
    assert build("--source", server.url("/never.xml"), "--offline") == 1
    assert "--offline fetches nothing" in capsys.readouterr().err


def test_a_slow_answer_times_out(server):
    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        for _ in range(30):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)

    server.routes["/slow.xml"] = trickle
    started = time.monotonic()
    with pytest.raises(FetchError, match=re.escape("did not come within 0.5 s")):
        fetch(server.url("/slow.xml"), None, timeout=0.5)
    assert time.monotonic() - started < 2


def test_redirects_are_followed_five_times_at_most(server):
    server.routes["/feed.xml"] = ok(rss().encode())
    for n in range(5):
        server.routes[f"/r{n}"] = redirect(f"/r{n + 1}" if n < 4 else "/feed.xml")
    got = fetch(server.url("/r0"), None)
    assert got.copy.final_url == server.url("/feed.xml")  # relative links are relative to it
    server.routes["/r4"] = redirect("/r5")
    server.routes["/r5"] = redirect("/feed.xml")
    with pytest.raises(FetchError, match="more than 5 redirects, or a redirect loop"):
        fetch(server.url("/r0"), None)
    server.routes["/loop"] = redirect("/loop")
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(server.url("/loop"), None)


def test_an_oversize_body_is_refused_compressed_or_not(server):
    big = b"<rss>" + b" " * 5000 + b"</rss>"
    server.routes["/big.xml"] = ok(big)
    server.routes["/bomb.xml"] = ok(gzip.compress(big), Content_Encoding="gzip")
    for path in ("/big.xml", "/bomb.xml"):
        with pytest.raises(FetchError, match=re.escape("larger than the 1,000 bytes a source may have")):
            fetch(server.url(path), None, max_bytes=1000)


def test_gzip_is_asked_for_and_read(project, server, capsys):
    server.routes["/feed.xml"] = ok(gzip.compress(rss(item_title="Zipped").encode()), Content_Encoding="gzip")
    assert build("--source", server.url("/feed.xml")) == 0, capsys.readouterr().err
    assert "<title>Zipped</title>" in atom(project)


def test_the_declared_charset_is_honoured_and_a_wrong_one_is_a_warning(project, server, capsys):
    served = rss(item_title="咖啡", encoding="iso-8859-1").encode("gb18030")
    server.routes["/gb.xml"] = ok(served, "application/rss+xml; charset=gb18030")
    assert build("--source", server.url("/gb.xml")) == 0, capsys.readouterr().err
    assert "<title>咖啡</title>" in atom(project)  # the HTTP charset, over the XML declaration
    lying = rss(item_title="café “quoted”").encode("windows-1252")
    server.routes["/lying.xml"] = ok(lying, "application/rss+xml; charset=utf-8")
    capsys.readouterr()
    assert build("--source", server.url("/lying.xml")) == 0
    assert "<title>café “quoted”</title>" in atom(project)
    assert f"{server.url('/lying.xml')}:2: bytes that are not utf-8 (0xe9)" in capsys.readouterr().err


def test_a_fetched_copy_keeps_the_validators_and_date_the_server_sent(server, project):
    body = rss().encode()
    server.routes["/feed.xml"] = ok(
        body, "application/rss+xml; charset=utf-8", ETag='"v1"', Last_Modified="Mon, 01 Jan 2024 10:00:00 GMT"
    )
    got = fetch(server.url("/feed.xml"), None)
    assert got.fresh and got.copy.body == body and got.copy.final_url == server.url("/feed.xml")
    assert (got.copy.charset, got.copy.etag, got.copy.last_modified) == (
        "utf-8",
        '"v1"',
        "Mon, 01 Jan 2024 10:00:00 GMT",
    )
    from email.utils import parsedate_to_datetime

    assert got.copy.date is not None  # the server's Date: when it sent this copy
    assert abs(parsedate_to_datetime(got.copy.date).timestamp() - time.time()) < 60


def test_a_server_that_closes_without_answering_is_named_as_such(server, project):
    def hang_up(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        handler.wfile.flush()

    server.routes["/feed.xml"] = hang_up
    with pytest.raises(FetchError) as raised:
        fetch(server.url("/feed.xml"), None)
    assert str(raised.value) == f"{server.url('/feed.xml')}: Remote end closed connection without response"


def test_every_new_copy_is_kept_for_the_next_conditional_request(server, project):
    from feedtool.read.fetch import SourceCopies

    copies = SourceCopies(project / "cache" / "deep" / "sources")
    url = server.url("/feed.xml")
    for version in ("v1", "v2"):
        server.routes["/feed.xml"] = conditional(rss(item_title=version).encode(), f'"{version}"')
        fetched = fetch(url, copies.load(url))
        assert fetched.fresh
        copies.save(fetched.copy)
        assert copies.load(url) == fetched.copy
    assert fetch(url, copies.load(url)).fresh is False  # asked with "v2", answered 304
    assert server.requests[-1][1].get("If-None-Match") == '"v2"'
