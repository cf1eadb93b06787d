"""feedtool serve's decisions one by one, each against an answer written by hand from RFC 9110:
content negotiation, entity-tag matching, request targets, media types, change logs, timeouts."""

from __future__ import annotations

import gzip
import re
import time
from pathlib import Path

import pytest
from serve_support import raw_exchange, running_server

from feedtool.errors import FeedtoolError
from feedtool.serve import (
    BadRequest,
    Connection,
    FeedServer,
    Site,
    Watch,
    _describe_failure,
    _diff_sources,
    _source_state,
    accepts_gzip,
    base_url_of,
    describe_changes,
    etag_matches,
    load_site,
    media_type_of,
    open_socket,
)


def plain(value: object) -> str:
    """A test id mutmut can select again: letters, digits and dashes."""
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "empty"


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip", True),
        ("GZip", True),
        ("x-gzip", True),
        (" deflate , gzip ", True),
        ("deflate, gzip;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.0", False),
        ("gzip;Q=0", False),
        ("gzip;level=1;q=0", False),
        ("gzip;q=0.001", True),
        ("gzip;q=oops", False),
        ("gzip;q=", False),
        ("deflate", False),
        ("identity", False),
        ("", False),
        ("*", True),
        ("*;q=0", False),
        ("*;q=0.2, br", True),
        ("*;q=0, gzip", True),
        ("gzip;q=0, *", False),
        ("*, gzip;q=0", False),
        ("br;q=1, *;q=0", False),
        ("gzipped", False),
    ],
    ids=plain,
)
def test_gzip_is_sent_only_when_the_client_accepts_it(accept_encoding: str, gzipped: bool) -> None:
    assert accepts_gzip(accept_encoding) is gzipped


@pytest.mark.parametrize(
    ("if_none_match", "matches"),
    [
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ('"x",W/"abc"', True),
        ("*", True),
        (" * ", True),
        ('"abcd"', False),
        ('"ab"', False),
        ("abc", False),
        ('"ABC"', False),
        ("", False),
    ],
    ids=plain,
)
def test_if_none_match_compares_entity_tags_weakly(if_none_match: str, matches: bool) -> None:
    assert etag_matches(if_none_match, '"abc"') is matches


def _site(tmp_path: Path, files: dict[str, str]) -> Site:
    folder = tmp_path / "dist"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return load_site(folder)


@pytest.mark.parametrize(
    ("target", "served"),
    [
        (b"/a.xml", "a.xml"),
        (b"/a.xml?page=2", "a.xml"),
        (b"/%61.xml", "a.xml"),
        (b"/", "index.html"),
        (b"/sub/", "sub/index.html"),
        (b"/sub/b.json", "sub/b.json"),
        (b"http://example.org/a.xml", "a.xml"),
        (b"https://example.org/sub/b.json", "sub/b.json"),
        (b"http://example.org", "index.html"),
        (b"/missing.xml", None),
        (b"/sub", None),
        (b"//a.xml", None),
        (b"/sub//b.json", None),
        (b"/./a.xml", None),
        (b"/sub/../a.xml", None),
        (b"/sub%2fb.json", None),
        (b"/sub%5cb.json", None),
        (b"/a.xml%00", None),
    ],
    ids=plain,
)
def test_request_targets_name_files_of_the_folder(tmp_path: Path, target: bytes, served: str | None) -> None:
    site = _site(
        tmp_path, {"a.xml": "<feed/>", "index.html": "<p>", "sub/index.html": "<p>", "sub/b.json": "{}"}
    )
    found = FeedServer(site, print).resolve(target)
    assert (found.name if found is not None else None) == served


@pytest.mark.parametrize(
    "target", [b"a.xml", b"*", b"/a b.xml", b"/\x7fa.xml", b"/\xc3\xa9.xml", b"/%ff.xml"], ids=plain
)
def test_targets_that_are_not_paths_are_bad_requests(tmp_path: Path, target: bytes) -> None:
    site = _site(tmp_path, {"a.xml": "<feed/>"})
    with pytest.raises(BadRequest) as raised:
        FeedServer(site, print).resolve(target)
    assert raised.value.status == 400


@pytest.mark.parametrize(
    ("name", "body", "media_type"),
    [
        (
            "atom.xml",
            b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"/>',
            "application/atom+xml; charset=utf-8",
        ),
        ("a.atom", b"<feed/>", "application/atom+xml; charset=utf-8"),
        ("FEED.XML", b"<feed/>", "application/atom+xml; charset=utf-8"),
        ("rss.xml", b"<rss version='2.0'/>", "application/rss+xml; charset=utf-8"),
        ("x.rss", b"\xef\xbb\xbf<rss/>", "application/rss+xml; charset=utf-8"),
        ("x.rdf", b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"/>', "application/rss+xml; charset=utf-8"),
        (
            "latin.xml",
            b"<?xml version='1.0' encoding='ISO-8859-1'?>\n<!-- note -->\n<!DOCTYPE rss>\n<rss/>",
            "application/rss+xml; charset=iso-8859-1",
        ),
        ("sitemap.xml", b"<urlset/>", "application/xml; charset=utf-8"),
        ("broken.xml", b"not xml at all", "application/xml; charset=utf-8"),
        ("feed.json", b'{"version": "https://jsonfeed.org/version/1.1"}', "application/feed+json"),
        # A name with several dots is typed by its last suffix.
        ("archive.2024.xml", b"<feed/>", "application/atom+xml; charset=utf-8"),
        ("feed.v1.1.json", b'{"version": "https://jsonfeed.org/version/1.1"}', "application/feed+json"),
        ("data.json", b'{"version": 1}', "application/json"),
        ("index.html", b"<p>", "text/html; charset=utf-8"),
        ("old.htm", b"<p>", "text/html; charset=utf-8"),
        ("style.css", b"p {}", "text/css; charset=utf-8"),
        ("readme.txt", b"hi", "text/plain; charset=utf-8"),
        ("logo.png", b"\x89PNG", "image/png"),
        ("LICENSE", b"text", "application/octet-stream"),
    ],
    ids=plain,
)
def test_content_type_follows_the_root_element_and_the_name(name: str, body: bytes, media_type: str) -> None:
    assert media_type_of(name, body) == media_type


def test_a_reload_logs_what_was_added_changed_and_removed(tmp_path: Path) -> None:
    before = _site(tmp_path, {"a.xml": "<feed/>", "b.xml": "<rss/>", "c.json": "{}", "d.txt": "same"})
    (tmp_path / "dist" / "b.xml").write_text("<rss version='2.0'/>")
    (tmp_path / "dist" / "c.json").unlink()
    (tmp_path / "dist" / "e.html").write_text("<p>")
    (tmp_path / "dist" / "f.html").write_text("<p>")
    after = load_site(tmp_path / "dist", before)
    assert describe_changes(before, after) == "added e.html, f.html; changed b.xml; removed c.json"
    assert describe_changes(after, after) == "same bytes, nothing to swap"


def test_watch_sees_added_edited_and_removed_sources_but_not_hidden_files(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "deep").mkdir(parents=True)
    (seeds / "a.json").write_text("1")
    (seeds / "deep" / "b.json").write_text("2")
    (seeds / ".a.json.swp").write_text("editor")
    config = tmp_path / "feedtool.toml"
    config.write_text("[feed]\n")
    watched = [seeds, config, tmp_path / "not-there"]
    before = _source_state(watched)
    assert sorted(before) == [str(config), str(seeds / "a.json"), str(seeds / "deep" / "b.json")]
    (seeds / "a.json").write_text("one")
    (seeds / "deep" / "b.json").unlink()
    (seeds / "c.json").write_text("3")
    (seeds / ".c.json.swp").write_text("editor")
    after = _source_state(watched)
    assert _diff_sources(before, after) == (
        f"added {seeds / 'c.json'}; edited {seeds / 'a.json'}; removed {seeds / 'deep' / 'b.json'}"
    )
    assert _diff_sources(after, after) == ""


class _Transport:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    ("head_since", "last_active", "now", "closed"),
    [
        (None, 1000.0, 1059.0, False),  # idle 59 s
        (None, 1000.0, 1061.0, True),  # idle 61 s
        (1000.0, 1030.0, 1019.0, False),  # a request head begun 19 s ago
        (1000.0, 1030.0, 1021.0, True),  # begun 21 s ago, however busy the client
    ],
    ids=plain,
)
def test_idle_connections_and_slow_request_heads_are_closed(
    tmp_path: Path, head_since: float | None, last_active: float, now: float, closed: bool
) -> None:
    connection = Connection(FeedServer(_site(tmp_path, {}), print))
    transport = _Transport()
    connection.transport = transport  # type: ignore[assignment]
    connection.head_since, connection.last_active = head_since, last_active
    connection.close_if_idle(now)
    assert transport.closed is closed
    assert connection.closing is closed


def test_a_bad_request_is_answered_with_a_plain_text_reason(tmp_path: Path) -> None:
    folder = _site(tmp_path, {"a.xml": "<feed/>"}).root
    with running_server(folder) as running:
        answer = raw_exchange(running.port, b"GET a.xml HTTP/1.1\r\nHost: t\r\n\r\n")
        version = raw_exchange(running.port, b"GET /a.xml HTTP/3.0\r\nHost: t\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"\r\nContent-Length: 16\r\n" in head + b"\r\n"
    assert b"\r\nConnection: close" in head
    assert body == b"400 Bad Request\n"
    assert version.partition(b"\r\n\r\n")[2] == b"505 HTTP Version Not Supported\n"


def test_gzip_is_chosen_per_request_not_remembered_per_client(tmp_path: Path) -> None:
    folder = _site(tmp_path, {"a.xml": "<feed>" + "<entry/>" * 100 + "</feed>"}).root
    with running_server(folder) as running:
        ask = b"GET /a.xml HTTP/1.1\r\nHost: t\r\nAccept-Encoding: %s\r\nConnection: close\r\n\r\n"
        answers = [raw_exchange(running.port, ask % value) for value in (b"gzip", b"gzip;q=0", b"gzip")]
    bodies = [answer.partition(b"\r\n\r\n")[2] for answer in answers]
    assert gzip.decompress(bodies[0]) == bodies[1] == ("<feed>" + "<entry/>" * 100 + "</feed>").encode()
    assert bodies[2] == bodies[0]


def test_the_access_log_line_is_the_common_log_format_with_referer_and_agent(tmp_path: Path) -> None:
    folder = _site(tmp_path, {"a.xml": "<feed/>"}).root
    with running_server(folder) as running:
        raw_exchange(running.port, b"GET /a.xml HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        raw_exchange(
            running.port,
            b'POST /a.xml HTTP/1.1\r\nHost: t\r\nReferer: https://example.org/"x"\r\n'
            b"User-Agent: Reader/1.0\r\nConnection: close\r\n\r\n",
        )
        for _ in range(100):
            if running.log_text().count("\n") >= 2:
                break
            time.sleep(0.05)
    first, second = running.log_text().splitlines()
    stamp = r"\[\d\d/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d\d:\d\d:\d\d \+0000\]"
    assert re.fullmatch(rf'127\.0\.0\.1 - - {stamp} "GET /a\.xml HTTP/1\.1" 200 7 "-" "-"', first), first
    assert re.fullmatch(
        rf'127\.0\.0\.1 - - {stamp} "POST /a\.xml HTTP/1\.1" 405 23 '
        r'"https://example\.org/%22x%22" "Reader/1\.0"',
        second,
    ), second


def test_small_files_are_not_compressed_and_do_not_vary(tmp_path: Path) -> None:
    site = _site(tmp_path, {"small.xml": "<feed/>", "big.xml": "<feed>" + "<entry/>" * 100 + "</feed>"})
    small, big = site.resources["small.xml"], site.resources["big.xml"]
    assert small.gzipped is None and b"Vary" not in small.identity.headers
    assert big.gzipped is not None and b"Vary: Accept-Encoding\r\n" in big.identity.headers


def test_a_link_out_of_the_folder_hides_no_other_file(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / "a-leak.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "a-dangling.xml").symlink_to(tmp_path / "gone.xml")
    (folder / "b.xml").write_text("<feed/>")
    (folder / "c").mkdir()
    (folder / "c" / "d.json").write_text("{}")
    assert sorted(load_site(folder).resources) == ["b.xml", "c/d.json"]


def test_the_served_address_names_the_loopback_host_of_a_wildcard_listener() -> None:
    for host, shown in (("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1")):
        listener = open_socket(host, 0)
        with listener:
            assert base_url_of(listener) == f"http://{shown}:{listener.getsockname()[1]}/"


class _IPv6Listener:
    """What an IPv6 listening socket tells of itself (host, port, flow info, scope id): the
    address shown is judged on this machine whether or not it has an IPv6 loopback (a CI
    container may not)."""

    def __init__(self, host: str) -> None:
        self.host = host

    def getsockname(self) -> tuple[str, int, int, int]:
        return (self.host, 8123, 0, 0)


@pytest.mark.parametrize(("host", "shown"), [("::1", "http://[::1]:8123/"), ("::", "http://[::1]:8123/"),
                                             ("fe80::1", "http://[fe80::1]:8123/")])  # fmt: skip
def test_the_served_address_of_an_ipv6_listener_puts_the_host_in_brackets(host: str, shown: str) -> None:
    assert base_url_of(_IPv6Listener(host)) == shown  # type: ignore[arg-type]


def test_a_failure_while_answering_is_logged_with_its_message_and_trace() -> None:
    try:
        raise ValueError("bad state")
    except ValueError as e:
        error = e
    text = _describe_failure({"message": "Exception in callback", "exception": error})
    assert text.startswith("error: Exception in callback\nTraceback (most recent call last):\n")
    assert text.endswith("ValueError: bad state")
    assert _describe_failure({"message": "Task was destroyed"}) == "error: Task was destroyed"
    assert _describe_failure({}) == "error: unexpected failure"


def test_watch_logs_what_changed_and_how_the_rebuild_went(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedtool import serve

    monkeypatch.setattr(serve, "POLL_SECONDS", 0.05)
    folder = _site(tmp_path, {"a.xml": "<feed/>"}).root
    source = tmp_path / "seeds" / "one.txt"
    source.parent.mkdir()
    source.write_text("1")
    outcomes: list[object] = [
        ["built 3 feeds", "wrote dist"],
        FeedtoolError("seeds/one.txt:2: bad"),
        KeyError("k"),
    ]

    def rebuild() -> list[str]:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome  # type: ignore[return-value]

    def wait_for_lines(running, count: int) -> list[str]:
        for _ in range(200):
            lines = [line for line in running.log_text().splitlines() if line.startswith("watch: ")]
            if len(lines) >= count:
                return lines
            time.sleep(0.05)
        raise AssertionError(running.log_text())

    with running_server(folder, Watch((source.parent,), rebuild)) as running:
        time.sleep(0.5)  # the watcher notes the sources' state as it starts, after the server is ready
        source.write_text("one")
        assert wait_for_lines(running, 3) == [
            f"watch: edited {source}: rebuilding",
            "watch: built 3 feeds",
            "watch: wrote dist",
        ]
        source.unlink()
        assert wait_for_lines(running, 5)[3:] == [
            f"watch: removed {source}: rebuilding",
            "watch: rebuild failed, still serving the last good feeds: seeds/one.txt:2: bad",
        ]
        source.write_text("again")
        crashed = wait_for_lines(running, 7)[5:]
    assert crashed == [
        f"watch: added {source}: rebuilding",
        "watch: rebuild crashed, still serving the last good feeds:",
    ]
    trace = running.log_text().partition("still serving the last good feeds:\n")[2]
    assert trace.startswith("Traceback (most recent call last):\n")
    assert trace.endswith("KeyError: 'k'\n")
    assert outcomes == []
