"""Every header `feedtool serve` sends, exactly, read from the raw bytes of real answers; RSS 1.0's
media type; dotfiles and editor backups are never served."""

from __future__ import annotations

import os
import re
import time
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import pytest
from serve_support import raw_exchange, running_server

import feedtool

ATOM = (
    '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
    + "<entry><title>一条足够长、值得压缩的条目</title></entry>" * 40
    + "</feed>\n"
)
RSS1 = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
    '<channel rdf:about="https://example.org/"><title>t</title></channel></rdf:RDF>\n'
)
MODIFIED = 1_700_000_000  # 2023-11-14T22:13:20Z
# An IMF-fixdate (RFC 9110 5.6.7): the only form a server may send.
IMF_FIXDATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
    r" \d\d:\d\d:\d\d GMT"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    folder.mkdir()
    for name, text in {"atom.xml": ATOM, "news.rdf": RSS1, "rss1.xml": RSS1, ".secret": "key\n",
                       "atom.xml~": ATOM, ".atom.xml.swp": ATOM}.items():  # fmt: skip
        (folder / name).write_text(text, encoding="utf-8")
        os.utime(folder / name, (MODIFIED, MODIFIED))
    (folder / ".dist.tmp").mkdir()  # a build's staging folder
    (folder / ".dist.tmp" / "atom.xml").write_text(ATOM, encoding="utf-8")
    return folder


@pytest.fixture
def server(site: Path):
    with running_server(site) as running:
        yield running


def exchange(port: int, request: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status line, header fields in order (names as sent), body of one raw HTTP/1.1 exchange."""
    answer = raw_exchange(port, request.encode("ascii"))
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    fields = [(name, value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    return status, fields, body


def get(port: int, path: str, *extra: str, method: str = "GET") -> tuple[str, list[tuple[str, str]], bytes]:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *extra, "Connection: close", "", ""]
    return exchange(port, "\r\n".join(lines))


def assert_date_is_now(fields: dict[str, str]) -> None:
    assert IMF_FIXDATE.fullmatch(fields["Date"]), fields["Date"]
    assert abs(parsedate_to_datetime(fields["Date"]).timestamp() - time.time()) < 5


def test_a_feed_answer_has_exactly_these_headers(server) -> None:
    status, fields, body = get(server.port, "/atom.xml")
    assert status == "HTTP/1.1 200 OK"
    names = [name for name, _ in fields]
    assert sorted(names) == sorted(
        ["Server", "Date", "Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control",
         "Vary", "Connection"]
    )  # fmt: skip
    found = dict(fields)
    assert body == ATOM.encode()
    assert found["Server"] == f"feedtool/{feedtool.__version__}"
    assert_date_is_now(found)
    assert found["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert found["Content-Length"] == str(len(ATOM.encode()))
    assert re.fullmatch(r'"[0-9a-f-]{16,}"', found["ETag"]), found["ETag"]
    assert found["Last-Modified"] == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert found["Cache-Control"] == "no-cache"
    assert found["Vary"] == "Accept-Encoding"
    assert found["Connection"] == "close"


def test_a_not_modified_answer_repeats_the_validators_and_sends_no_body(server) -> None:
    _, fields, _ = get(server.port, "/atom.xml")
    etag = dict(fields)["ETag"]
    status, fields, body = get(server.port, "/atom.xml", f"If-None-Match: {etag}")
    assert status == "HTTP/1.1 304 Not Modified"
    assert body == b""
    found = dict(fields)
    assert sorted(found) == sorted(
        ["Server", "Date", "ETag", "Last-Modified", "Cache-Control", "Vary", "Connection"]
    )
    assert found["ETag"] == etag
    assert found["Last-Modified"] == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert_date_is_now(found)


def test_the_date_header_is_the_time_of_the_answer(server) -> None:
    first = dict(get(server.port, "/atom.xml")[1])["Date"]
    time.sleep(1.1)
    later = dict(get(server.port, "/atom.xml")[1])["Date"]
    assert parsedate_to_datetime(later) > parsedate_to_datetime(first)
    assert later != formatdate(MODIFIED, usegmt=True)


def test_an_error_answer_has_a_date_and_is_not_stored(server) -> None:
    status, fields, body = get(server.port, "/missing.xml")
    assert status == "HTTP/1.1 404 Not Found"
    found = dict(fields)
    assert_date_is_now(found)
    assert found["Cache-Control"] == "no-store"
    assert found["Content-Type"] == "text/plain; charset=utf-8"
    assert found["Content-Length"] == str(len(body))


def test_head_sends_the_get_headers_and_no_body(server) -> None:
    get_fields = get(server.port, "/atom.xml")[1]
    status, head_fields, nothing = get(server.port, "/atom.xml", method="HEAD")
    assert status == "HTTP/1.1 200 OK" and nothing == b""
    strip_date = [(name, value) for name, value in get_fields if name != "Date"]
    assert [(name, value) for name, value in head_fields if name != "Date"] == strip_date


@pytest.mark.parametrize("path", ["/news.rdf", "/rss1.xml"])
def test_rss_1_0_is_served_as_rss(server, path: str) -> None:
    status, fields, body = get(server.port, path)
    assert status == "HTTP/1.1 200 OK"
    assert dict(fields)["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert body == RSS1.encode()


def test_gzip_answer_headers(server) -> None:
    _, fields, body = get(server.port, "/atom.xml", "Accept-Encoding: gzip")
    found = dict(fields)
    assert found["Content-Encoding"] == "gzip"
    assert found["Content-Length"] == str(len(body))
    identity = dict(get(server.port, "/atom.xml")[1])
    assert found["ETag"] != identity["ETag"]
    # The same bytes always get the same tag: a digest of what is sent, not a counter.
    assert found["ETag"] == dict(get(server.port, "/atom.xml", "Accept-Encoding: gzip")[1])["ETag"]


@pytest.mark.parametrize(
    "path", ["/.secret", "/.dist.tmp/atom.xml", "/atom.xml~", "/.atom.xml.swp", "/.dist.tmp/"]
)
def test_dotfiles_staging_folders_and_backups_are_not_served(server, path: str) -> None:
    status, _, body = get(server.port, path)
    assert status == "HTTP/1.1 404 Not Found", path
    assert b"key" not in body and b"<feed" not in body


def test_etag_follows_the_bytes_not_the_file_time(site: Path) -> None:
    with running_server(site) as first:
        etag = dict(get(first.port, "/atom.xml")[1])["ETag"]
    os.utime(site / "atom.xml", (MODIFIED + 60, MODIFIED + 60))
    with running_server(site) as second:
        assert dict(get(second.port, "/atom.xml")[1])["ETag"] == etag
    (site / "atom.xml").write_text(ATOM.replace("<title>t<", "<title>u<"), encoding="utf-8")
    with running_server(site) as third:
        assert dict(get(third.port, "/atom.xml")[1])["ETag"] != etag
