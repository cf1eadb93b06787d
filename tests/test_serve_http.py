"""feedtool's HTTP server over real loopback HTTP: media types, validators, gzip, errors, paths."""

from __future__ import annotations

import asyncio
import gzip
import os
import re
import socket
import threading
import time
import urllib.request
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from serve_support import raw_exchange, request, running_server, status_of, wait_for

from feedtool.serve import Connection, FeedServer, load_site

ENTRIES = "\n".join(
    f"""<entry><id>urn:test:{n}</id><title>第{n}条：测试标题</title>
<link rel="alternate" href="https://example.org/{n}"/><updated>2024-01-0{n}T08:00:00Z</updated>
<author><name>王五</name></author>
<summary>摘要 {n}，内容足够长以便压缩。{"重复的文字。" * 20}</summary></entry>"""
    for n in range(1, 4)
)
ATOM_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN"><id>urn:test:feed</id>
<title>测试订阅</title><updated>2024-01-03T08:00:00Z</updated>
<link rel="self" href="http://127.0.0.1:8000/atom.xml"/>
{ENTRIES}</feed>
"""
RSS_XML = (
    """<?xml version="1.0" encoding="utf-8"?>
<!-- an RSS feed with a comment before its root element -->
<rss version="2.0"><channel><title>测试订阅</title><link>https://example.org/</link>
<description>说明</description>"""
    + "".join(
        f"<item><title>第{n}条</title><link>https://example.org/{n}</link>"
        f"<guid>https://example.org/{n}</guid><description>{'内容。' * 30}</description></item>"
        for n in range(1, 4)
    )
    + "</channel></rss>\n"
)
JSON_FEED = '{"version": "https://jsonfeed.org/version/1.1", "title": "测试订阅", "items": []}\n'
INDEX_HTML = "<!DOCTYPE html>\n<html lang=zh-CN><title>测试</title><p>" + "你好。" * 100 + "</p>\n"
SECRET = "top secret, outside the served folder\n"

EXPECTED_TYPES = {
    "/atom.xml": "application/atom+xml; charset=utf-8",
    "/rss.xml": "application/rss+xml; charset=utf-8",
    "/feed.json": "application/feed+json",
    "/": "text/html; charset=utf-8",
    "/index.html": "text/html; charset=utf-8",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / "atom.xml").write_text(ATOM_XML, encoding="utf-8")
    (folder / "rss.xml").write_text(RSS_XML, encoding="utf-8")
    (folder / "feed.json").write_text(JSON_FEED, encoding="utf-8")
    (folder / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "index.html").write_text("<!DOCTYPE html><title>sub</title>\n")
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET)
    (folder / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "leakdir").symlink_to(tmp_path / "outside")
    (folder / "same-atom.xml").symlink_to(folder / "atom.xml")
    return folder


@pytest.fixture
def server(site: Path):
    with running_server(site) as running:
        yield running


@pytest.mark.parametrize("path", sorted(EXPECTED_TYPES))
def test_content_type_is_exact(server, site: Path, path: str) -> None:
    status, headers, body = request(server.port, "GET", path)
    assert status == 200
    assert headers["content-type"] == EXPECTED_TYPES[path]
    name = path.strip("/") or "index.html"
    assert body == (site / name).read_bytes()


def test_validators_are_strong_etag_and_file_time(server, site: Path) -> None:
    status, headers, _ = request(server.port, "GET", "/atom.xml")
    assert status == 200
    etag = headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    modified = parsedate_to_datetime(headers["last-modified"]).timestamp()
    assert modified == int((site / "atom.xml").stat().st_mtime)
    assert "no-store" not in headers["cache-control"]
    assert "expires" not in headers
    # Each file has its own validator.
    assert request(server.port, "GET", "/rss.xml")[1]["etag"] != etag


def test_if_none_match_gives_304_without_body(server) -> None:
    _, first, _ = request(server.port, "GET", "/atom.xml")
    for value in (first["etag"], f"W/{first['etag']}", f'"other", {first["etag"]}', "*"):
        status, headers, body = request(server.port, "GET", "/atom.xml", {"If-None-Match": value})
        assert (status, body) == (304, b""), value
        assert headers["etag"] == first["etag"]
        assert headers["cache-control"] == first["cache-control"]
    status, _, body = request(server.port, "GET", "/atom.xml", {"If-None-Match": '"stale"'})
    assert status == 200 and body


def test_if_modified_since_gives_304_only_when_not_newer(server) -> None:
    _, first, _ = request(server.port, "GET", "/rss.xml")
    modified = parsedate_to_datetime(first["last-modified"]).timestamp()
    for since, expected in ((modified, 304), (modified + 3600, 304), (modified - 3600, 200)):
        header = {"If-Modified-Since": formatdate(since, usegmt=True)}
        status, _, body = request(server.port, "GET", "/rss.xml", header)
        assert status == expected, header
        assert (body == b"") == (expected == 304)
    status, _, _ = request(server.port, "GET", "/rss.xml", {"If-Modified-Since": "yesterday"})
    assert status == 200


def test_if_none_match_wins_over_if_modified_since(server) -> None:
    _, first, _ = request(server.port, "GET", "/atom.xml")
    later = formatdate(time.time() + 86400, usegmt=True)
    earlier = formatdate(0, usegmt=True)
    mismatch = {"If-None-Match": '"stale"', "If-Modified-Since": later}
    assert request(server.port, "GET", "/atom.xml", mismatch)[0] == 200
    match = {"If-None-Match": first["etag"], "If-Modified-Since": earlier}
    assert request(server.port, "GET", "/atom.xml", match)[0] == 304


def test_gzip_round_trip_with_its_own_etag(server, site: Path) -> None:
    _, plain, identity = request(server.port, "GET", "/rss.xml")
    status, headers, packed = request(server.port, "GET", "/rss.xml", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    assert "accept-encoding" in plain["vary"].lower()
    assert len(packed) < len(identity)
    assert gzip.decompress(packed) == identity == (site / "rss.xml").read_bytes()
    assert headers["etag"] != plain["etag"]
    assert headers["content-type"] == plain["content-type"]
    revalidate = {"Accept-Encoding": "gzip, deflate", "If-None-Match": headers["etag"]}
    assert request(server.port, "GET", "/rss.xml", revalidate)[0] == 304
    refused = {"Accept-Encoding": "gzip;q=0, identity"}
    status, headers, body = request(server.port, "GET", "/rss.xml", refused)
    assert "content-encoding" not in headers and body == identity


def test_head_has_get_headers_and_no_body(server) -> None:
    _, got, body = request(server.port, "GET", "/atom.xml")
    status, headers, empty = request(server.port, "HEAD", "/atom.xml")
    assert status == 200 and empty == b""
    for name in ("content-type", "content-length", "etag", "last-modified", "cache-control"):
        assert headers[name] == got[name]
    assert int(headers["content-length"]) == len(body)


@pytest.mark.parametrize("path", ["/atom.xml", "/missing"])
def test_head_answers_end_with_the_headers(server, path: str) -> None:
    # http.client never reads a body after HEAD, so only the raw bytes show one sent by mistake
    # (on a keep-alive connection it would be read as the start of the next answer).
    head = f"HEAD {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    answer = raw_exchange(server.port, head.encode())
    assert status_of(answer) in (200, 404)
    assert answer.endswith(b"\r\n\r\n") and answer.count(b"\r\n\r\n") == 1, answer[-80:]


def test_gzip_bytes_do_not_depend_on_when_the_server_started(server) -> None:
    # The gzip ETag is derived from the content, so the compressed bytes must be too: a gzip
    # header carrying the compression time would give a strong ETag to different bytes after
    # a restart. Bytes 4-7 of a gzip member are that time; 0 means "none".
    packed = request(server.port, "GET", "/rss.xml", {"Accept-Encoding": "gzip"})[2]
    assert packed[:2] == b"\x1f\x8b" and packed[4:8] == b"\0\0\0\0"


def test_charset_is_the_one_the_feed_declares(tmp_path: Path) -> None:
    folder = tmp_path / "gb"
    folder.mkdir()
    feed = RSS_XML.replace('encoding="utf-8"', 'encoding="gb2312"')
    (folder / "rss.xml").write_bytes(feed.encode("gb2312"))
    with running_server(folder) as running:
        status, headers, body = request(running.port, "GET", "/rss.xml")
    assert (status, headers["content-type"]) == (200, "application/rss+xml; charset=gb2312")
    assert body.decode("gb2312") == feed


def test_a_request_with_a_body_in_chunks_closes_the_connection(server) -> None:
    # The server never reads request bodies; on a kept-alive connection the chunks would be
    # taken for the next request.
    answer = raw_exchange(
        server.port,
        b"GET /feed.json HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    )
    assert status_of(answer) == 200 and b"Connection: close" in answer
    assert answer.count(b"HTTP/1.1 ") == 1


def test_keep_alive_answers_many_requests_on_one_connection(server) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        sockets = set()
        for path in ("/atom.xml", "/rss.xml", "/missing", "/atom.xml"):
            connection.request("HEAD" if path == "/rss.xml" else "GET", path)
            response = connection.getresponse()
            response.read()
            sockets.add(id(connection.sock))
            assert response.getheader("Connection") == "keep-alive"
        assert len(sockets) == 1
    finally:
        connection.close()


def test_pipelined_requests_are_answered_in_order(server) -> None:
    both = (
        b"GET /feed.json HTTP/1.1\r\nHost: t\r\n\r\n"
        b"GET /missing HTTP/1.1\r\nHost: t\r\n\r\n"
        b"GET /feed.json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    answer = raw_exchange(server.port, both)
    statuses = [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]
    assert statuses == [200, 404, 200]


def test_http10_connection_closes_after_answer(server) -> None:
    answer = raw_exchange(server.port, b"GET /feed.json HTTP/1.0\r\n\r\n")
    assert status_of(answer) == 200 and b"Connection: close" in answer
    assert answer.endswith(JSON_FEED.encode())


def test_unknown_path_is_404(server) -> None:
    for path in ("/nope.xml", "/atom.xml/", "/ATOM.XML", "/sub/missing"):
        assert request(server.port, "GET", path)[0] == 404, path
    assert request(server.port, "GET", "/sub/")[0] == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_other_methods_are_405_with_allow(server, method: str) -> None:
    status, headers, _ = request(server.port, method, "/atom.xml")
    assert status == 405
    assert {m.strip() for m in headers["allow"].split(",")} == {"GET", "HEAD"}


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /atom.xml\r\nHost: t\r\n\r\n",
        b"GET /atom.xml HTTP/1.1\r\n\r\n",  # HTTP/1.1 without Host
        b"GET /atom.xml HTTP/1.1\r\nHost: t\r\nno colon here\r\n\r\n",
        b"GET /atom.xml HTTP/1.1\r\nHost: t\r\n folded: header\r\n\r\n",
        b"GET /atom.xml HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET /%ff%fe.xml HTTP/1.1\r\nHost: t\r\n\r\n",  # not UTF-8 once decoded
        b"GET atom.xml HTTP/1.1\r\nHost: t\r\n\r\n",
        b"GET /atom.xml HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
        b"G(T /atom.xml HTTP/1.1\r\nHost: t\r\n\r\n",
    ],
)
def test_malformed_requests_are_400_and_closed(server, raw: bytes) -> None:
    answer = raw_exchange(server.port, raw)
    assert status_of(answer) == 400
    assert b"Connection: close" in answer


def test_unsupported_http_version_is_505(server) -> None:
    answer = raw_exchange(server.port, b"GET /atom.xml HTTP/2.0\r\nHost: t\r\n\r\n")
    assert status_of(answer) == 505


def test_oversized_request_head_is_rejected(server) -> None:
    answer = raw_exchange(server.port, b"GET / HTTP/1.1\r\nHost: t\r\nX: " + b"a" * 40000)
    assert status_of(answer) == 431


@pytest.mark.parametrize(
    "target",
    [
        b"/../secret.txt",
        b"/%2e%2e/secret.txt",
        b"/%2E%2E/secret.txt",
        b"/..%2fsecret.txt",
        b"/%2e%2e%2fsecret.txt",
        b"/sub/..%2f..%2fsecret.txt",
        b"/sub/%2e%2e/%2e%2e/secret.txt",
        b"/..%5csecret.txt",
        b"/.%2e/secret.txt",
        b"//secret.txt",
        b"/leak.txt",
        b"/leakdir/secret.txt",
        b"/%00secret.txt",
        b"http://t/../secret.txt",
    ],
)
def test_no_path_escapes_the_folder(server, target: bytes) -> None:
    answer = raw_exchange(
        server.port, b"GET " + target + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert status_of(answer) in (400, 404)
    assert b"top secret" not in answer


def test_symlink_inside_the_folder_is_served(server, site: Path) -> None:
    status, _, body = request(server.port, "GET", "/same-atom.xml")
    assert status == 200 and body == (site / "atom.xml").read_bytes()


def test_a_stalled_client_does_not_block_others(server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as stalled:
        stalled.sendall(b"GET /atom.xml HTTP/1.1\r\nHost: t\r\n")  # head never finished
        status, _, body = request(server.port, "GET", "/atom.xml")
        assert status == 200 and body
        stalled.sendall(b"\r\n")
        assert stalled.recv(64).startswith(b"HTTP/1.1 200 ")


def test_every_request_gets_an_access_log_line(server) -> None:
    request(server.port, "GET", "/atom.xml", {"User-Agent": "probe/1"})
    request(server.port, "HEAD", "/missing")
    raw_exchange(server.port, b"BROKEN\r\n\r\n")
    wait_for(lambda: server.log_text().count("\n") >= 3, 5, "log lines")
    lines = server.log_text().splitlines()
    assert '"GET /atom.xml HTTP/1.1" 200' in lines[0] and '"probe/1"' in lines[0]
    assert lines[0].startswith("127.0.0.1 ")
    assert '"HEAD /missing HTTP/1.1" 404' in lines[1]
    assert '"BROKEN" 400' in lines[2]


def test_folder_changes_are_served_and_etag_follows_the_bytes(server, site: Path) -> None:
    _, before, _ = request(server.port, "GET", "/atom.xml")
    # Same bytes, new file (as an atomic rebuild writes it): validators must not move.
    temporary = site / ".atom.xml.tmp"
    temporary.write_text(ATOM_XML, encoding="utf-8")
    os.utime(temporary, (time.time() + 5, time.time() + 5))
    os.replace(temporary, site / "atom.xml")
    wait_for(lambda: "nothing to swap" in server.log_text(), what="reload of the folder")
    _, same, _ = request(server.port, "GET", "/atom.xml")
    assert same["etag"] == before["etag"]
    assert same["last-modified"] == before["last-modified"]
    # New bytes: new validator, and the old one no longer earns a 304.
    changed = ATOM_XML.replace("测试订阅", "新的标题")
    temporary.write_text(changed, encoding="utf-8")
    os.replace(temporary, site / "atom.xml")
    wait_for(lambda: request(server.port, "GET", "/atom.xml")[2] == changed.encode(), what="new bytes")
    status, after, _ = request(server.port, "GET", "/atom.xml", {"If-None-Match": before["etag"]})
    assert status == 200 and after["etag"] != before["etag"]
    # Files added and removed appear and disappear.
    (site / "extra.xml").write_text(ATOM_XML, encoding="utf-8")
    wait_for(lambda: request(server.port, "GET", "/extra.xml")[0] == 200, what="new file")
    (site / "extra.xml").unlink()
    wait_for(lambda: request(server.port, "GET", "/extra.xml")[0] == 404, what="removed file")


def test_feedparser_revalidates_with_etag_and_modified(server) -> None:
    no_proxy = [urllib.request.ProxyHandler({})]
    url = f"{server.base_url}atom.xml"
    first = feedparser.parse(url, handlers=no_proxy)
    assert first.status == 200 and not first.bozo
    assert first.feed.title == "测试订阅" and len(first.entries) == 3
    assert first.etag and first.modified
    by_etag = feedparser.parse(url, etag=first.etag, handlers=no_proxy)
    assert by_etag.status == 304 and not by_etag.entries
    by_date = feedparser.parse(url, modified=first.modified, handlers=no_proxy)
    assert by_date.status == 304 and not by_date.entries


def closed_by_server(client: socket.socket, trickle: bool) -> bool:
    """Waits up to 10 s for the server to close; with `trickle`, keeps sending a byte at a time."""
    client.settimeout(0.2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if trickle:
                client.sendall(b"X")
            if client.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def test_slow_and_idle_connections_are_closed(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from feedtool import serve

    monkeypatch.setattr(serve, "HEAD_SECONDS", 0.5)
    monkeypatch.setattr(serve, "IDLE_SECONDS", 1.0)
    monkeypatch.setattr(serve, "POLL_SECONDS", 0.1)
    with running_server(site) as running:
        slow = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        idle = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        with slow, idle:
            idle.sendall(b"GET /feed.json HTTP/1.1\r\nHost: t\r\n\r\n")
            assert idle.recv(65536).startswith(b"HTTP/1.1 200 ")
            # Never idle (a byte every 0.2 s), but its request head never ends.
            slow.sendall(b"GET /feed.json HTTP/1.1\r\nX-Slow: ")
            assert closed_by_server(slow, trickle=True)
            assert closed_by_server(idle, trickle=False)


_HEADER_LINES = [
    b"Host: t",
    b"Content-Length: 3",
    b"Content-Length: x",
    b"Content-Length: 99999999999999999999",
    b"Transfer-Encoding: chunked",
    b"Connection: keep-alive, close",
    b"If-None-Match: *",
    b'If-None-Match: W/"", "\x80',
    b"If-Modified-Since: Mon, 01 Jan 99999 00:00:00 GMT",
    b"If-Modified-Since: \xff",
    b"Accept-Encoding: gzip;q=abc, *;q=2",
    b"X:",
    b":",
]
_TARGETS = st.sampled_from([b"/", b"/atom.xml", b"/rss.xml", b"/feed.json", b"/sub/", b"/leak.txt"])
_REQUESTS = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda method, target, version, host, lines: (
            b" ".join((method, target, version))
            + b"".join(b"\r\n" + line for line in host + lines)
            + b"\r\n\r\n"
        ),
        st.sampled_from([b"GET", b"HEAD", b"POST", b"get", b"G\x00T", b""]),
        _TARGETS
        | st.binary(max_size=40)
        | st.text(alphabet="/.%2eEfF5cC0?#\\ab\u00e9", max_size=40).map(lambda t: t.encode()),
        st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/1.12", b"http/1.1", b""]),
        st.sampled_from([[b"Host: t"], []]),
        st.lists(st.sampled_from(_HEADER_LINES) | st.binary(max_size=30), max_size=5),
    ),
    # A well-formed request for a real file whose header fields are odd or hostile.
    st.builds(
        lambda method, target, lines: (
            method
            + b" "
            + target
            + b" HTTP/1.1\r\nHost: t"
            + b"".join(b"\r\n" + line for line in lines)
            + b"\r\n\r\n"
        ),
        st.sampled_from([b"GET", b"HEAD"]),
        _TARGETS,
        st.lists(st.sampled_from(_HEADER_LINES) | st.binary(max_size=30), min_size=1, max_size=5),
    ),
)


def test_any_bytes_get_an_http_answer_and_break_nothing(site: Path) -> None:
    with running_server(site) as running:

        @settings(max_examples=int(os.environ.get("FEEDTOOL_EXAMPLES", "300")), deadline=None)
        @given(data=_REQUESTS)
        def check(data: bytes) -> None:
            answer = raw_exchange(running.port, data)
            assert answer == b"" or re.match(rb"HTTP/1\.1 [1-5]\d\d [A-Za-z]", answer), answer[:80]
            assert b"top secret" not in answer

        check()
        wait_for(lambda: not running.log or running.log_text().endswith("\n"), 5, "log flushed")
        assert "error:" not in running.log_text()
        assert request(running.port, "GET", "/atom.xml")[0] == 200


# Headers every answer carries, each checked against what a reader relies on it for.


def http_time(value: str) -> float:
    """An IMF-fixdate (RFC 9110, 5.6.7) as seconds: GMT, in exactly that format."""
    assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
                        r"|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT", value), value  # fmt: skip
    return parsedate_to_datetime(value).timestamp()


def test_feeds_may_be_stored_but_are_revalidated_and_errors_are_not_stored(server) -> None:
    # no-cache: a reader (or proxy) may keep the feed but must ask again before using it, so a
    # rebuild reaches everyone on their next poll; an error must not be kept at all.
    _, full, _ = request(server.port, "GET", "/atom.xml")
    _, not_modified, _ = request(server.port, "GET", "/atom.xml", {"If-None-Match": full["etag"]})
    _, missing, _ = request(server.port, "GET", "/missing.xml")
    assert (full["cache-control"], not_modified["cache-control"]) == ("no-cache", "no-cache")
    assert missing["cache-control"] == "no-store"


def test_every_answer_is_dated_now_in_gmt(server) -> None:
    not_modified = {"If-Modified-Since": "Sun, 01 Jan 2090 00:00:00 GMT"}
    for method, path, extra in (
        ("GET", "/atom.xml", {}),
        ("HEAD", "/", {}),
        ("GET", "/nope", {}),
        ("GET", "/atom.xml", not_modified),
    ):
        before = time.time()
        _, headers, _ = request(server.port, method, path, extra)
        assert before - 2 <= http_time(headers["date"]) <= time.time() + 1, (path, headers["date"])


def test_last_modified_is_the_file_time_kept_while_the_bytes_stay(server, site: Path) -> None:
    old = site / "old.xml"
    old.write_text(RSS_XML, encoding="utf-8")
    os.utime(old, (1704196800, 1704196800))  # 2024-01-02 12:00:00 UTC
    wait_for(lambda: request(server.port, "GET", "/old.xml")[0] == 200, what="the new file served")
    _, first, _ = request(server.port, "GET", "/old.xml")
    assert first["last-modified"] == "Tue, 02 Jan 2024 12:00:00 GMT"
    _, again, _ = request(server.port, "GET", "/old.xml", {"If-None-Match": first["etag"]})
    assert again["last-modified"] == first["last-modified"]  # a 304 repeats it
    # Rewritten with the same bytes (a rebuild that changed nothing): the same Last-Modified,
    # or every reader would download it again.
    reloads = server.log_text().count("nothing to swap")
    old.write_text(RSS_XML, encoding="utf-8")
    wait_for(lambda: server.log_text().count("nothing to swap") > reloads, what="the reload")
    assert request(server.port, "GET", "/old.xml")[1]["last-modified"] == first["last-modified"]
    # A file dated in the future is served as modified now, never later than its Date.
    future = site / "later.xml"
    future.write_text(RSS_XML, encoding="utf-8")
    os.utime(future, (time.time() + 86400, time.time() + 86400))
    wait_for(lambda: request(server.port, "GET", "/later.xml")[0] == 200, what="the new file served")
    _, later, _ = request(server.port, "GET", "/later.xml")
    assert http_time(later["last-modified"]) <= http_time(later["date"])


def test_dotfiles_and_backups_are_never_served(server, site: Path) -> None:
    (site / ".secret.xml").write_text(RSS_XML, encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (site / "atom.xml~").write_text(ATOM_XML, encoding="utf-8")
    (site / "visible.xml").write_text(RSS_XML, encoding="utf-8")
    wait_for(lambda: request(server.port, "GET", "/visible.xml")[0] == 200, what="a reload")
    for path in ("/.secret.xml", "/.git/config", "/atom.xml~", "/%2Esecret.xml"):
        assert request(server.port, "GET", path)[0] == 404, path


def test_rss_1_0_is_served_as_rss(tmp_path: Path) -> None:
    rdf = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://e.org/"><title>t</title>'
        "<link>https://e.org/</link><description>d</description></channel></rdf:RDF>\n"
    )
    (tmp_path / "index.rdf").write_text(rdf, encoding="utf-8")
    (tmp_path / "rss1.xml").write_text(rdf, encoding="utf-8")
    with running_server(tmp_path) as running:
        for path in ("/index.rdf", "/rss1.xml"):
            assert (
                request(running.port, "GET", path)[1]["content-type"] == "application/rss+xml; charset=utf-8"
            )


def test_a_large_request_body_is_skipped_and_the_connection_kept(server) -> None:
    # Up to 1 MiB of body is read past and the connection stays open for the next request;
    # beyond that the server answers and closes rather than read on.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
        body = b"x" * (1024 * 1024)
        client.sendall(b"POST /atom.xml HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        client.sendall(b"GET /feed.json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", answer) == [b"405", b"200"]
    assert answer.endswith(JSON_FEED.encode())
    over = raw_exchange(server.port, b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1048577\r\n\r\nxx")
    assert status_of(over) == 405 and b"Connection: close" in over


# One client pipelining thousands of requests in one write.
PIPELINED = 6000  # about 220 KB: one read of the server's (asyncio reads up to 256 KiB)


def test_a_pipeline_longer_than_a_batch_is_answered_whole_and_in_order(server) -> None:
    burst = b"".join(b"HEAD /atom.xml?n=%d HTTP/1.1\r\nHost: t\r\n\r\n" % n for n in range(PIPELINED))
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as piper:
        answers = bytearray()

        def drain() -> None:
            while answers.count(b"HTTP/1.1 200 ") < PIPELINED and (chunk := piper.recv(1 << 20)):
                answers.extend(chunk)

        reader = threading.Thread(target=drain)
        reader.start()
        piper.sendall(burst)
        reader.join(60)
    assert answers.count(b"HTTP/1.1 200 ") == PIPELINED
    wait_for(lambda: server.log_text().count("\n") >= PIPELINED, 10, "the access log")
    numbers = [int(n) for n in re.findall(r"/atom\.xml\?n=(\d+) ", server.log_text())]
    assert numbers == list(range(PIPELINED))


class RecordingTransport(asyncio.Transport):
    """What a connection writes, and whether it reads, in the order it happens."""

    def __init__(self, name: str, events: list[tuple[str, str, int]]) -> None:
        super().__init__()
        self.name, self.events = name, events
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.events.append((self.name, "answers", bytes(data).count(b"HTTP/1.1 ")))

    def pause_reading(self) -> None:
        self.events.append((self.name, "pause", 0))

    def resume_reading(self) -> None:
        self.events.append((self.name, "resume", 0))

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 40000) if name == "peername" else default

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def test_a_pipelining_client_does_not_hold_up_the_others(site: Path) -> None:
    # One read holding 6000 pipelined requests, then another client's request: the other
    # client is answered after a few dozen of the 6000, not after all of them, and the
    # pipelining client is not read from until its requests are answered.
    burst = b"".join(b"HEAD /atom.xml?n=%d HTTP/1.1\r\nHost: t\r\n\r\n" % n for n in range(PIPELINED))
    events: list[tuple[str, str, int]] = []

    async def scenario() -> None:
        server = FeedServer(load_site(site), lambda text: None)
        piper, other = Connection(server), Connection(server)
        piper.connection_made(RecordingTransport("piper", events))
        other.connection_made(RecordingTransport("other", events))
        piper.data_received(burst)
        asyncio.get_running_loop().call_soon(
            other.data_received, b"GET /feed.json HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        for _ in range(PIPELINED):
            if sum(n for name, kind, n in events if name == "piper" and kind == "answers") == PIPELINED:
                break
            await asyncio.sleep(0)

    asyncio.run(scenario())
    answered = [n for name, kind, n in events if name == "piper" and kind == "answers"]
    assert sum(answered) == PIPELINED
    other_at = events.index(("other", "answers", 1))
    before_other = sum(n for name, kind, n in events[:other_at] if name == "piper" and kind == "answers")
    assert before_other < 100, before_other
    reading = [kind for name, kind, _ in events if name == "piper" and kind in ("pause", "resume")]
    assert reading == ["pause", "resume"]  # paused at once, resumed when all were answered
    assert events.index(("piper", "resume", 0)) > len(events) - 3


def test_a_client_that_does_not_read_its_answers_gets_no_more_of_them(server, site: Path) -> None:
    (site / "big.txt").write_bytes(os.urandom(20_000))  # random: gzip would not shrink it
    wait_for(lambda: request(server.port, "HEAD", "/big.txt")[0] == 200, what="the new file served")
    burst = b"".join(b"GET /big.txt?n=%d HTTP/1.1\r\nHost: t\r\n\r\n" % n for n in range(PIPELINED))
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(burst)
        answered: list[int] = []

        def settled() -> bool:
            answered.append(server.log_text().count("\n"))
            return len(answered) > 5 and answered[-1] == answered[-5]

        wait_for(settled, 20, "the server to stop answering")
        # What fits in the socket buffers (a few MB) and one write buffer, not the 6000
        # answers (120 MB) the requests ask for.
        assert answered[-1] < 1000, answered[-1]
        assert request(server.port, "GET", "/feed.json")[0] == 200  # others are still served
        # Nor is it read from: more requests stay in the client's socket, not our memory.
        client.settimeout(3)
        more = b"GET /big.txt HTTP/1.1\r\nHost: t\r\n\r\n" * 1_000_000  # 33 MB
        with pytest.raises(TimeoutError):
            client.sendall(more)
