"""What `feedtool validate` prints for people to act on: statistics, grouped repeats,
--select/--ignore, --base checks, and sources that cannot be read, in every output format."""

from __future__ import annotations

import gzip
import http.server
import json
import re
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from lxml import etree

from feedtool.cli import main
from feedtool.errors import UnreadableSource
from feedtool.validate.sources import fetch

ROOT = Path(__file__).parent.parent
CLI_FIXTURES = Path(__file__).parent / "fixtures" / "cli"
BASE = "https://example.com/feed.xml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["validate", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CLI_FIXTURES)


@pytest.mark.usefixtures("in_fixtures")
def test_text_output_puts_identical_problems_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--base", BASE, "repeats.xml")
    assert status == 1
    assert out == (
        "repeats.xml:12: error: pubDate is not an RFC 822 date: 'yesterday' [InvalidRFC2822Date]"
        " (3 times; also at lines 18, 23)\n"
        "repeats.xml:20: warning: item has no guid [MissingGuid]\n"
        "repeats.xml:30: error: author must be an e-mail address, not 'Ann' [InvalidContact]\n"
        "1 feed checked: 4 errors, 1 warning (1 with errors)\n"
    )


def test_long_runs_of_repeats_list_five_lines_and_count_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    items = "".join(
        f"<item><title>{n}</title><guid>https://example.com/{n}</guid><pubDate>soon</pubDate></item>\n"
        for n in range(9)
    )
    feed = tmp_path / "many.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>t</title>'
        "<link>https://example.com/</link><description>d</description>\n" + items + "</channel></rss>\n",
        encoding="utf-8",
    )
    _, out, _ = run(capsys, "--select", "InvalidRFC2822Date", str(feed))
    assert out == (
        f"{feed}:3: error: pubDate is not an RFC 822 date: 'soon' [InvalidRFC2822Date]"
        " (9 times; also at lines 4, 5, 6, 7, 8 and 3 more)\n"
        "1 feed checked: 9 errors, 0 warnings (1 with errors)\n"
    )


@pytest.mark.usefixtures("in_fixtures")
def test_statistics_count_each_code_most_frequent_first(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--statistics", "--base", BASE, "repeats.xml", "repeats.xml")
    assert status == 1
    assert out == (
        "6  InvalidRFC2822Date  error\n"
        "2  InvalidContact      error\n"
        "2  MissingGuid         warning\n"
        "2 feeds checked: 8 errors, 2 warnings (2 with errors)\n"
    )
    _, out, _ = run(capsys, "--statistics", "--format", "json", "--base", BASE, "repeats.xml")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"code": "InvalidRFC2822Date", "severity": "error", "count": 3},
        {"code": "InvalidContact", "severity": "error", "count": 1},
        {"code": "MissingGuid", "severity": "warning", "count": 1},
    ]
    status, out, err = run(capsys, "--statistics", "--format", "junit", "repeats.xml")
    assert (status, out) == (2, "")
    assert err == "feedtool validate: error: --statistics prints text or json, not junit\n"


@pytest.mark.usefixtures("in_fixtures")
@pytest.mark.parametrize(
    ("options", "codes", "status"),
    [
        (["--select", "InvalidValue"], ["InvalidRFC2822Date"] * 3 + ["InvalidContact"], 1),
        (["--select", "Warning"], ["MissingGuid"], 0),
        (["--select", "MissingGuid,InvalidContact"], ["MissingGuid", "InvalidContact"], 1),
        (["--select", "MissingGuid", "--select", "invalidcontact"], ["MissingGuid", "InvalidContact"], 1),
        (["--ignore", "InvalidRFC2822Date, MissingGuid"], ["InvalidContact"], 1),
        (["--ignore", "InvalidValue", "--ignore", "Warning"], [], 0),
        (["--select", "Error", "--ignore", "InvalidContact"], ["InvalidRFC2822Date"] * 3, 1),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_select_and_ignore_take_comma_lists_and_families(
    capsys: pytest.CaptureFixture[str], options: list[str], codes: list[str], status: int
) -> None:
    got_status, out, _ = run(capsys, *options, "--format", "json", "--base", BASE, "repeats.xml")
    assert [p["code"] for p in json.loads(out)["problems"]] == codes
    assert got_status == status


@pytest.mark.usefixtures("in_fixtures")
def test_an_unknown_code_in_a_list_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--select", "MissingGuid,NoSuchCode", "repeats.xml")
    assert (status, out) == (2, "")
    assert "unknown code 'NoSuchCode' (`feedtool validate --list-codes` lists them)" in err


@pytest.mark.usefixtures("in_fixtures")
@pytest.mark.parametrize(
    ("base", "reason"),
    [
        ("example.com/feed.xml", "not an absolute http(s) URL"),
        ("htps://example.com/feed.xml", "not an absolute http(s) URL"),
        ("https:///feed.xml", "no host name after the scheme"),
        ("https://example.com:99999/feed.xml", "the port is not a number from 0 to 65535"),
        ("https://[2001:db8::1/feed.xml", "not a valid URL (an IPv6 host's '[' is not closed)"),
        ("https://example.com/my feed.xml",
         "not a valid URL (spaces and other characters must be percent-encoded)"),
    ],
)  # fmt: skip
def test_an_invalid_base_is_a_usage_error(capsys: pytest.CaptureFixture[str], base: str, reason: str) -> None:
    status, out, err = run(capsys, "--base", base, "repeats.xml")
    assert (status, out) == (2, "")
    assert err == f"feedtool validate: error: --base {base!r}: {reason}\n"


@pytest.mark.usefixtures("in_fixtures")
@pytest.mark.parametrize(
    "base", ["https://example.com/feed.xml", "HTTP://example.com:8080/feeds/", "https://例え.jp/"]
)
def test_a_valid_base_is_accepted(capsys: pytest.CaptureFixture[str], base: str) -> None:
    assert run(capsys, "--select", "MissingGuid", "--base", base, "repeats.xml")[0] == 0


@pytest.mark.usefixtures("in_fixtures")
def test_unreadable_sources_are_errors_in_every_output_format(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--base", BASE, "--format", "json", "repeats.xml", "missing.xml")
    assert status == 2
    assert json.loads(out.splitlines()[1]) == {
        "source": "missing.xml",
        "location": None,
        "format": None,
        "problems": [
            {
                "severity": "error",
                "code": "IOError",
                "message": "the feed could not be read: no such file",
                "line": None,
                "column": None,
            }
        ],
    }
    assert err == "feedtool validate: missing.xml: the feed could not be read: no such file\n"

    _, out, _ = run(capsys, "--format", "github", "missing.xml")
    assert (
        out == "::error file=missing.xml,title=IOError::the feed could not be read: no such file [IOError]\n"
    )

    _, out, _ = run(capsys, "--base", BASE, "--format", "junit", "repeats.xml", "missing.xml")
    suite = etree.fromstring(out.encode())
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "1")
    error = suite.find("testcase[@name='missing.xml']/error")
    assert error is not None
    assert (error.get("type"), error.get("message")) == (
        "IOError",
        "the feed could not be read: no such file",
    )


@pytest.mark.usefixtures("in_fixtures")
def test_text_output_says_when_nothing_could_be_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "missing.xml", str(tmp_path))
    assert status == 2
    assert out == (
        "missing.xml: error: the feed could not be read: no such file [IOError]\n"
        f"{tmp_path}: error: the feed could not be read: no feed files (*.xml, *.atom, *.rss, …) "
        "in folder [IOError]\n"
        "no feed checked: 2 sources could not be read\n"
    )
    status, out, _ = run(capsys, "--select", "MissingGuid", "--base", BASE, "repeats.xml", "missing.xml")
    assert status == 2
    assert out.splitlines()[-1] == "1 feed checked: 0 errors, 1 warning; 1 source could not be read"


def test_ignoring_the_reason_does_not_hide_an_unreadable_source(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--ignore", "IOError,Error", "--format", "json", "/nonexistent/feed.xml")
    assert status == 2
    assert [p["code"] for p in json.loads(out)["problems"]] == ["IOError"]


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        status, headers, body = self.routes[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


FEED = (CLI_FIXTURES / "repeats.xml").read_bytes()


def json_problems(capsys: pytest.CaptureFixture[str], url: str) -> tuple[int, list[tuple[str, str]]]:
    status, out, _ = run(capsys, "--format", "json", url)
    return status, [(p["code"], p["message"]) for p in json.loads(out)["problems"]]


def test_http_errors_carry_the_codes_of_the_w3c(capsys: pytest.CaptureFixture[str], server: str) -> None:
    _Handler.routes = {
        "/gone": (404, {"Content-Type": "text/html"}, b"<html><body>Not here</body></html>"),
        "/feed-with-500": (500, {"Content-Type": "application/rss+xml"}, FEED),
        "/not-gzip": (200, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}, FEED),
        "/gzip": (
            200,
            {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
            gzip.compress(FEED),
        ),
    }
    assert json_problems(capsys, f"{server}/gone") == (
        2,
        [("HttpError", "the server answered HTTP 404 Not Found")],
    )
    assert json_problems(capsys, f"{server}/feed-with-500") == (
        2,
        [
            (
                "HttpErrorWithPossibleFeed",
                "the server answered HTTP 500 Internal Server Error, with a body that looks like a feed",
            )
        ],
    )
    status, problems = json_problems(capsys, f"{server}/not-gzip")
    assert status == 2
    assert problems[0][0] == "IOError"
    assert problems[0][1].startswith(
        "the feed could not be read: the server says the body is gzip-compressed, but it is not"
    )
    status, problems = json_problems(capsys, f"{server}/gzip")
    assert status == 1
    assert {code for code, _ in problems} == {
        "InvalidRFC2822Date",
        "MissingGuid",
        "InvalidContact",
        "SelfDoesntMatchLocation",
    }


def test_a_body_over_the_limit_is_a_validator_limit(server: str) -> None:
    _Handler.routes = {
        "/big": (200, {"Content-Type": "application/rss+xml"}, FEED),
        "/bomb": (200, {"Content-Encoding": "gzip"}, gzip.compress(b" " * 5_000_000)),
    }
    with pytest.raises(UnreadableSource) as raised:
        fetch(f"{server}/big", max_bytes=100)
    assert (raised.value.code, raised.value.detail) == ("ValidatorLimit", "larger than 0 MB")
    with pytest.raises(UnreadableSource) as raised:
        fetch(f"{server}/bomb", max_bytes=1024 * 1024)
    assert (raised.value.code, raised.value.detail) == ("ValidatorLimit", "larger than 1 MB uncompressed")


@pytest.fixture
def raw_server() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP server on 127.0.0.1 that answers each connection with the next canned bytes."""
    answers: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(answers.pop(0))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", answers
    finally:
        listener.close()


def test_an_answer_that_is_not_http_is_a_protocol_error(
    capsys: pytest.CaptureFixture[str], raw_server: tuple[str, list[bytes]]
) -> None:
    url, answers = raw_server
    answers.append(b"ICY 200 OK\r\n\r\n<rss/>")
    status, problems = json_problems(capsys, f"{url}/feed.xml")
    assert status == 2
    assert problems == [
        ("HttpProtocolError", "the server's answer is not valid HTTP: status line 'ICY 200 OK'")
    ]


def test_an_unknown_host_is_an_io_error_naming_the_host(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_such_host(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # The resolver is asked nothing: tests never leave 127.0.0.1.
    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    status, problems = json_problems(capsys, "https://feeds.example.invalid/feed.xml")
    assert status == 2
    assert problems == [("IOError", "the feed could not be read: unknown host feeds.example.invalid")]


def test_an_untrusted_certificate_is_an_https_protocol_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    _Handler.routes = {"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, FEED)}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        status, problems = json_problems(capsys, f"https://127.0.0.1:{httpd.server_address[1]}/feed.xml")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert status == 2
    assert problems[0][0] == "HttpsProtocolError"
    assert "certificate verify failed" in problems[0][1]


def test_the_pre_commit_hook_checks_json_feeds_too() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    files = re.compile(re.search(r"^\s*files:\s*(.+?)\s*$", hooks, re.MULTILINE)[1])  # type: ignore[index]
    for name in ("feed.json", "dist/atom.xml", "public/rss.rss", "feeds/index.rdf", "a.atom", "b.feed"):
        assert files.search(name), name
    for name in ("README.md", "feed.json.bak", "setup.py"):
        assert not files.search(name), name


PROFILE_FIXTURES = Path(__file__).parent / "fixtures" / "validate" / "profiles"


def test_profile_w3c_gives_the_w3c_judgement_and_the_default_fixes_its_false_positives(
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed = str(PROFILE_FIXTURES / "xhtml-aria.xml")
    _, out, _ = run(capsys, "--statistics", feed)
    assert out == "1 feed checked: 0 errors, 0 warnings\n"
    _, out, _ = run(capsys, "--statistics", "--profile", "w3c", feed)
    assert out == "5  SecurityRiskAttr  warning\n1 feed checked: 0 errors, 5 warnings\n"
    podcast = str(PROFILE_FIXTURES / "itunes-owner-not-required.xml")
    _, out, _ = run(capsys, "--select", "MissingItunesEmail", "--base", BASE, podcast)
    assert out == "1 feed checked: 0 errors, 0 warnings\n"
    _, out, _ = run(capsys, "--select", "MissingItunesEmail", "--base", BASE, "--profile", "w3c", podcast)
    assert out == (
        f"{podcast}:8: warning: the podcast gives no owner e-mail (itunes:owner with itunes:email) "
        "[MissingItunesEmail]\n1 feed checked: 0 errors, 1 warning\n"
    )


def test_explain_says_why_the_profiles_differ(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--explain", "MissingItunesEmail")
    assert (
        "\nProfiles: Apple Podcasts no longer requires an owner e-mail (itunes:owner with itunes:email): "
        "a podcast without one is accepted, so the feedtool profile does not report it. --profile w3c "
        "reports it as the W3C does.\n"
    ) in out
    _, out, _ = run(capsys, "--explain", "SecurityRiskAttr")
    assert "\nProfiles: The W3C validator reports HTML5 and ARIA attributes (role, aria-*," in out
    _, out, _ = run(capsys, "--explain", "MissingElement")
    assert "Profiles:" not in out
    _, out, _ = run(capsys, "--explain", "MissingItunesEmail", "--format", "json")
    found = json.loads(out)
    assert found["profile"] == "w3c"
    assert found["profiles"].startswith("Apple Podcasts no longer requires an owner e-mail")
    _, out, _ = run(capsys, "--explain", "MissingElement", "--format", "json")
    assert json.loads(out)["profile"] == "feedtool"
    assert "profiles" not in json.loads(out)


def test_the_command_offers_exactly_the_profiles_there_are() -> None:
    from feedtool.cli import validate
    from feedtool.validate import PROFILES

    assert validate.PROFILES == PROFILES
