"""`feedtool serve` as a user runs it: builds for its address, --watch, signals, exit statuses."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lxml import etree
from serve_support import ServeProcess, make_project, request, wait_for

# Each test starts `feedtool serve` in its own process.
pytestmark = pytest.mark.slow

ATOM_NS = "{http://www.w3.org/2005/Atom}"
TYPES = {
    "atom.xml": "application/atom+xml; charset=utf-8",
    "rss.xml": "application/rss+xml; charset=utf-8",
    "feed.json": "application/feed+json",
    "": "text/html; charset=utf-8",
}


def self_link(xml: bytes) -> str:
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    links = root.iter(f"{ATOM_NS}link")
    return next(link.get("href") for link in links if link.get("rel") == "self")


def run_serve(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedtool", "serve", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": "/usr/bin:/bin"},  # PYTHONPATH: the checkout (conftest)
    )


def test_serve_builds_the_feeds_for_the_address_it_serves(tmp_path: Path) -> None:
    with ServeProcess(make_project(tmp_path / "p")) as server:
        for name, media_type in TYPES.items():
            url = f"{server.base_url}{name}"
            assert url in server.banner.split(), f"{url} not printed"
            status, headers, body = request(server.port, "GET", f"/{name}")
            assert (status, headers["content-type"]) == (200, media_type)
        for name in ("atom.xml", "rss.xml"):
            body = request(server.port, "GET", f"/{name}")[2]
            assert self_link(body) == f"{server.base_url}{name}"
        assert (tmp_path / "p" / "dist" / "atom.xml").exists()


def test_served_feeds_validate_at_the_address_they_are_served_at(tmp_path: Path) -> None:
    from feedtool.validate import validate_bytes

    with ServeProcess(make_project(tmp_path / "p")) as server:
        for name in ("atom.xml", "rss.xml", "feed.json"):
            url = f"{server.base_url}{name}"
            _, headers, body = request(server.port, "GET", f"/{name}")
            report = validate_bytes(body, source=url, base=url, content_type=headers["content-type"])
            assert report.format is not None
            assert [
                (p.severity, p.code, p.message) for p in report.problems if p.severity in ("error", "warning")
            ] == [], url


def test_base_url_flag_sets_the_self_links(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    with ServeProcess(project, "--base-url", "https://feeds.example.org/zh/") as server:
        body = request(server.port, "GET", "/atom.xml")[2]
        assert self_link(body) == "https://feeds.example.org/zh/atom.xml"


def new_item(project: Path, name: str, title: str, day: int) -> Path:
    """Another item file, made from a seed with its own URL and title."""
    source = sorted((project / "seeds").glob("*.txt"))[0]
    lines = source.read_text(encoding="utf-8").split("\n")
    url = re.search(r"\]\((.*)\)$", lines[1])
    assert url
    lines[1] = f"[{title}]({url.group(1).rstrip('/')}-{day}/)"
    path = project / "seeds" / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_watch_rebuilds_and_etag_changes_only_with_the_bytes(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    with ServeProcess(project, "--watch") as server:
        _, first, body = request(server.port, "GET", "/atom.xml")
        assert "新加的一条" not in body.decode()

        added = new_item(project, "900_added.txt", "新加的一条", 1)
        wait_for(
            lambda: "新加的一条" in request(server.port, "GET", "/atom.xml")[2].decode(),
            what="the new item in atom.xml",
        )
        assert "added seeds/900_added.txt" in server.stderr()
        _, second, _ = request(server.port, "GET", "/atom.xml")
        assert second["etag"] != first["etag"]
        assert "新加的一条" in request(server.port, "GET", "/")[2].decode()
        assert request(server.port, "GET", "/atom.xml", {"If-None-Match": first["etag"]})[0] == 200

        # An edit that changes no output: rebuilt, but the validators stay, so readers get 304.
        rebuilds = server.stderr().count("watch: built")
        added.write_bytes(added.read_bytes())
        wait_for(lambda: server.stderr().count("watch: built") > rebuilds, what="second rebuild")
        status, third, _ = request(server.port, "GET", "/atom.xml", {"If-None-Match": second["etag"]})
        assert status == 304 and third["etag"] == second["etag"]

        # A broken item: the error is logged and the last good feeds stay served.
        (project / "seeds" / "901_broken.txt").write_text("not an item file\n", encoding="utf-8")
        wait_for(lambda: "rebuild failed" in server.stderr(), what="the failed rebuild logged")
        assert "901_broken.txt" in server.stderr()
        status, fourth, body = request(server.port, "GET", "/atom.xml")
        assert status == 200 and fourth["etag"] == second["etag"] and "新加的一条" in body.decode()

        # Removing files is a change too, and so is the config.
        (project / "seeds" / "901_broken.txt").unlink()
        added.unlink()
        config = project / "feedtool.toml"
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                'title = "纽约时报中文网 · 国际"', 'title = "改过的标题"'
            ),
            encoding="utf-8",
        )
        wait_for(
            lambda: (
                "改过的标题" in (text := request(server.port, "GET", "/rss.xml")[2].decode())
                and "新加的一条" not in text
            ),
            what="config change and removal served",
        )
        assert "removed seeds/900_added.txt" in server.stderr()


def test_readers_polling_during_rebuilds_never_get_a_torn_feed(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    seen: dict[str, set[bytes]] = {}
    entry_counts: set[int] = set()
    done = threading.Event()

    def poll() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        while not done.is_set():
            connection.request("GET", "/atom.xml")
            response = connection.getresponse()
            body = response.read()
            seen.setdefault(response.getheader("ETag") or "", set()).add(body)
            root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
            entry_counts.add(len(root.findall(f"{ATOM_NS}entry")))
        connection.close()

    with ServeProcess(project, "--watch") as server:
        first = etree.fromstring(request(server.port, "GET", "/atom.xml")[2])
        before = len(first.findall(f"{ATOM_NS}entry"))
        reader = threading.Thread(target=poll)
        reader.start()
        try:
            for n in range(3):
                new_item(project, f"95{n}_more.txt", f"轮询中的第{n}条", 10 + n)
                wait_for(
                    lambda n=n: f"轮询中的第{n}条" in request(server.port, "GET", "/atom.xml")[2].decode(),
                    what=f"item {n} served",
                )
        finally:
            done.set()
            reader.join(30)
    # Every answer was a whole feed, old or new; the reader saw the feed grow.
    assert entry_counts <= set(range(before, before + 4)) and len(entry_counts) >= 2, entry_counts
    assert all(len(bodies) == 1 for bodies in seen.values()), "one ETag, several bodies"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signals_stop_cleanly_and_release_the_port(tmp_path: Path, signum: int) -> None:
    server = ServeProcess(make_project(tmp_path / "p"))
    # A keep-alive client still connected must not hold the server up.
    idle = socket.create_connection(("127.0.0.1", server.port))
    idle.sendall(b"GET /atom.xml HTTP/1.1\r\nHost: t\r\n\r\n")
    idle.recv(1)
    assert server.stop(signum) == 0
    idle.close()
    assert "Traceback" not in server.stderr()
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", server.port))  # fails if the old listener were still open


def test_busy_port_is_a_usage_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve(make_project(tmp_path / "p"), "--port", str(port))
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_is_a_usage_error_naming_the_key(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    config = project / "feedtool.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("title =", "titel =", 1), encoding="utf-8")
    result = run_serve(project, "--port", "0")
    assert "unknown key 'titel' in [feed]" in result.stderr and "Traceback" not in result.stderr
    assert result.returncode == 2


def test_port_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    # --dir names no folder, so were the port accepted, the server would stop at once all the same.
    result = run_serve(tmp_path, "--port", "99999", "--dir", "nowhere")
    assert result.returncode == 2
    assert "99999" in result.stderr and "nowhere" not in result.stderr


def test_missing_folder_without_seeds_is_a_usage_error(tmp_path: Path) -> None:
    result = run_serve(tmp_path, "--port", "0", "--dir", "nowhere")
    assert result.returncode == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


def test_bad_item_without_watch_fails_and_leaves_the_folder(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "seeds" / "999_bad.txt").write_text("oops\n", encoding="utf-8")
    result = run_serve(project, "--port", "0")
    assert result.returncode == 1
    assert "999_bad.txt:1" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "dist").exists()


def test_serving_a_built_folder_without_seeds(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    with ServeProcess(project) as server:
        pass
    assert server.process.returncode == 0
    shutil.rmtree(project / "seeds")
    with ServeProcess(project) as server:
        status, _, body = request(server.port, "GET", "/atom.xml")
        assert status == 200 and b"<feed" in body
        assert "built" not in server.stderr()


def test_help_shows_an_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "feedtool", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "feedtool serve --watch" in result.stdout and "--port" in result.stdout


def test_quiet_drops_the_line_per_request_and_keeps_the_rest(tmp_path: Path) -> None:
    logged = {}
    for flag in ((), ("-q",)):
        with ServeProcess(make_project(tmp_path / f"p{len(flag)}"), *flag) as server:
            assert "Press Ctrl-C to stop." in server.banner
            assert request(server.port, "GET", "/atom.xml")[0] == 200
            server.stop()
            logged[flag] = server.stderr()
    assert '"GET /atom.xml HTTP/1.1" 200' in logged[()]
    assert "GET /atom.xml" not in logged[("-q",)]
    assert "built 2 items" in logged[("-q",)]
