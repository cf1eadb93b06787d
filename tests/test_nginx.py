"""The nginx configuration `feedtool build --nginx-conf` writes, run by Debian's nginx on
127.0.0.1 over a built folder: readers get the answers `feedtool serve` gives them (media
types, validators, conditional GETs, the build's gzip twins, caching, methods, hidden files),
checked with the serve tests' helpers and, where both can be asked, against `feedtool serve`
itself."""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

import feedparser
import pytest
from serve_support import make_project, raw_exchange, request, running_server, status_of

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="needs nginx (Debian package nginx-light)")
OUTPUTS = ["atom.xml", "rss.xml", "feed.json", "index.html"]
EARLY = 1_600_000_000  # a time before any build


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    dist: Path
    port: int


def start_nginx(folder: Path, conf: Path, port: int) -> subprocess.Popen[bytes]:
    """nginx in the foreground, its files in `folder`, serving `conf` (included in http)."""
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # test folders are the tests' user's only
        + f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        + "events { worker_connections 256; }\nhttp {\n  access_log off;\n"
        + "".join(f"  {name}_temp_path {path};\n" for name, path in temp.items()).replace(
            "body_temp", "client_body_temp"
        )
        + f"  include {conf};\n}}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [NGINX or "nginx", "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None:
            why = process.communicate()[1].decode(errors="replace")
            raise AssertionError(f"nginx did not start: {why}")
        time.sleep(0.05)
    process.kill()
    process.communicate()
    raise AssertionError("nginx did not start listening")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("nginx")
    project = make_project(work / "project")
    port = free_port()
    conf = work / "feeds.conf"
    built = subprocess.run(
        [sys.executable, "-m", "feedtool", "build", "--base-url", f"http://127.0.0.1:{port}/",
         "--nginx-conf", str(conf)],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert f"nginx configuration -> {conf}" in built.stderr
    dist = project / "dist"
    for name, text in {".secret": "key\n", "atom.xml~": "old\n", "robots.txt": "User-agent: *\n"}.items():
        (dist / name).write_text(text, encoding="utf-8")
    process = start_nginx(work, conf, port)
    try:
        yield Site(dist, port)
    finally:
        process.terminate()
        process.communicate(timeout=20)


def http_date_of(path: Path) -> str:
    return formatdate(path.stat().st_mtime, usegmt=True)


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/feed.json", "application/feed+json"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ],
)
def test_each_output_is_served_whole_with_its_exact_media_type(
    site: Site, path: str, media_type: str
) -> None:
    status, headers, body = request(site.port, "GET", path)
    assert status == 200
    assert headers["content-type"] == media_type
    assert body == (site.dist / (path.strip("/") or "index.html")).read_bytes()


def test_the_media_types_and_caching_are_the_ones_feedtool_serve_gives(site: Site) -> None:
    with running_server(site.dist) as served:
        for name in OUTPUTS:
            ours = request(served.port, "GET", f"/{name}")[1]
            theirs = request(site.port, "GET", f"/{name}")[1]
            for header in ("content-type", "cache-control", "vary"):
                assert theirs[header] == ours[header], (name, header)
        for path in ("/missing.xml", "/.secret"):
            assert request(served.port, "GET", path)[0] == request(site.port, "GET", path)[0] == 404
            assert request(site.port, "GET", path)[1]["cache-control"] == "no-store"


def test_validators_are_a_strong_etag_and_the_file_time(site: Site) -> None:
    _, headers, _ = request(site.port, "GET", "/atom.xml")
    assert headers["etag"].startswith('"') and headers["etag"].endswith('"')  # strong: no W/
    assert headers["last-modified"] == http_date_of(site.dist / "atom.xml")
    assert headers["cache-control"] == "no-cache"


def test_a_conditional_get_of_an_unchanged_feed_is_304_without_a_body(site: Site) -> None:
    _, headers, _ = request(site.port, "GET", "/atom.xml")
    status, again, body = request(site.port, "GET", "/atom.xml", {"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    assert again["etag"] == headers["etag"] and again["cache-control"] == "no-cache"
    since = {"If-Modified-Since": headers["last-modified"]}
    assert request(site.port, "GET", "/atom.xml", since)[0] == 304
    earlier = {"If-Modified-Since": formatdate(EARLY, usegmt=True)}
    assert request(site.port, "GET", "/atom.xml", earlier)[0] == 200
    later = {"If-Modified-Since": formatdate(time.time() + 3600, usegmt=True)}  # not newer: 304
    assert request(site.port, "GET", "/atom.xml", later)[0] == 304
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    both = {"If-None-Match": '"something-else"', "If-Modified-Since": headers["last-modified"]}
    assert request(site.port, "GET", "/atom.xml", both)[0] == 200


@pytest.mark.parametrize("name", OUTPUTS)
def test_gzip_answers_are_the_builds_twins_with_their_own_etag(site: Site, name: str) -> None:
    _, identity, _ = request(site.port, "GET", f"/{name}")
    status, headers, body = request(site.port, "GET", f"/{name}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert body == (site.dist / f"{name}.gz").read_bytes()  # served as the build wrote it
    assert gzip.decompress(body) == (site.dist / name).read_bytes()
    assert headers["etag"] != identity["etag"]
    assert headers["vary"] == identity["vary"] == "Accept-Encoding"
    assert "content-encoding" not in identity


def test_head_has_the_get_headers_and_no_body(site: Site) -> None:
    _, got, _ = request(site.port, "GET", "/rss.xml")
    status, head, body = request(site.port, "HEAD", "/rss.xml")
    assert (status, body) == (200, b"")
    assert {k: v for k, v in head.items() if k != "date"} == {k: v for k, v in got.items() if k != "date"}


@pytest.mark.parametrize("path", ["/.secret", "/atom.xml~", "/missing.xml"])
def test_hidden_files_backups_and_unknown_paths_are_404_and_not_stored(site: Site, path: str) -> None:
    status, headers, body = request(site.port, "GET", path)
    assert status == 404
    assert headers["cache-control"] == "no-store"
    assert b"key" not in body


def test_other_files_of_the_folder_are_served(site: Site) -> None:
    status, _, body = request(site.port, "GET", "/robots.txt")
    assert (status, body) == (200, b"User-agent: *\n")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_405_with_allow(site: Site, method: str) -> None:
    answer = raw_exchange(
        site.port, f"{method} /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".encode()
    )
    assert status_of(answer) == 405
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    assert "\r\nallow: get, head" in head


def test_keep_alive_answers_many_requests_on_one_connection(site: Site) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        for _ in range(20):
            connection.request("GET", "/feed.json")
            response = connection.getresponse()
            assert response.status == 200 and response.read() == (site.dist / "feed.json").read_bytes()
    finally:
        connection.close()


def test_a_feed_reader_revalidates_and_gets_304(site: Site) -> None:
    url = f"http://127.0.0.1:{site.port}/atom.xml"
    first = feedparser.parse(url)
    assert first.status == 200 and len(first.entries) == 2
    again = feedparser.parse(url, etag=first.etag, modified=first.modified)
    assert again.status == 304 and again.entries == []
