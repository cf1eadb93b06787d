"""`feedtool validate` as a user runs it: exit codes, every output format read back, sources."""

from __future__ import annotations

import http.server
import io
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from lxml import etree

from feedtool.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
VALID = FIXTURES / "atom" / "valid-minimal.xml"
WARNING_ONLY = FIXTURES / "atom" / "self-missing.xml"
ERRORS = FIXTURES / "atom" / "feed-missing-title.xml"
TEXT_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+)(?::\d+)?: (?P<severity>error|warning|info): "
                       r"(?P<message>.+) \[(?P<code>\w+)\]$")  # fmt: skip
GITHUB_LINE = re.compile(r"^::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["validate", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_exit_status_follows_the_worst_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, str(VALID))[0] == 0
    assert run(capsys, str(WARNING_ONLY))[0] == 0
    assert run(capsys, "--strict", str(WARNING_ONLY))[0] == 1
    assert run(capsys, str(ERRORS))[0] == 1
    assert run(capsys, str(VALID), str(ERRORS))[0] == 1


def test_unreadable_sources_and_unknown_codes_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run(capsys, str(tmp_path / "missing.xml"))
    assert status == 2
    assert "missing.xml" in out
    status, _, err = run(capsys, "--ignore", "NoSuchCode", str(VALID))
    assert status == 2
    assert "NoSuchCode" in err
    assert run(capsys)[0] == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(capsys, str(empty))[0] == 2


def test_text_output_names_file_line_severity_and_code(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, str(ERRORS))
    *problems, summary = out.strip().splitlines()
    parsed = [TEXT_LINE.match(line) for line in problems]
    assert all(parsed), problems
    assert {m["code"] for m in parsed if m} >= {"MissingElement"}
    assert all(m["file"] == str(ERRORS) for m in parsed if m)
    assert summary.startswith("1 feed checked:")
    assert "error" in summary


def test_json_lines_read_back(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "json", str(VALID), str(ERRORS))
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["source"] for o in objects] == [str(VALID), str(ERRORS)]
    assert objects[0]["problems"] == []
    assert objects[0]["format"] == "atom"
    problem = objects[1]["problems"][0]
    assert set(problem) == {"severity", "code", "message", "line", "column"}
    assert problem["severity"] in ("error", "warning", "info")
    assert any(p["code"] == "MissingElement" for p in objects[1]["problems"])


def test_junit_reads_back_with_one_testcase_per_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "--format", "junit", str(VALID), str(ERRORS), str(WARNING_ONLY))
    suite = etree.fromstring(out.encode("utf-8"))
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [str(VALID), str(ERRORS), str(WARNING_ONLY)]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None and "MissingElement" in (failure.text or "")
    assert cases[2].find("failure") is None  # warnings fail only with --strict
    assert "MissingSelf" in (cases[2].findtext("system-out") or "")
    assert suite.get("failures") == "1"
    _, strict_out, _ = run(capsys, "--strict", "--format", "junit", str(WARNING_ONLY))
    assert etree.fromstring(strict_out.encode()).find("testcase/failure") is not None


def test_github_annotations_read_back(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "github", str(ERRORS))
    lines = out.splitlines()
    assert lines
    for line in lines:
        match = GITHUB_LINE.match(line)
        assert match, line
        props = dict(item.split("=", 1) for item in match["props"].split(","))
        assert props["file"] == str(ERRORS).replace(":", "%3A")
        assert int(props["line"]) >= 1
    assert any(line.startswith("::error ") for line in lines)


def test_ignore_drops_a_code_and_its_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--ignore", "MissingElement", "--format", "json", str(ERRORS))
    codes = {p["code"] for p in json.loads(out)["problems"]}
    assert "MissingElement" not in codes
    status, out, _ = run(capsys, "--ignore", "Warning", "--strict", str(WARNING_ONLY))
    assert status == 0


def test_explain_gives_meaning_fix_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--explain", "SelfDoesntMatchLocation")
    assert status == 0
    assert out.startswith("SelfDoesntMatchLocation (warning)")
    status, out, _ = run(capsys, "--explain", "missingxhtmldiv")
    assert status == 0
    for part in ("Meaning:", "Why it matters:", "How to fix:", "Bad:", "Good:"):
        assert part in out
    assert run(capsys, "--explain", "NoSuchCode")[0] == 2


def test_base_with_trailing_slash_joins_each_source_path(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES / "atom")
    # The fixture's self link is https://example.com/feed.xml.
    _, out, _ = run(capsys, "--format", "json", "--base", "https://example.com/", "self-present.xml")
    report = json.loads(out)
    assert report["location"] == "https://example.com/self-present.xml"
    assert "SelfDoesntMatchLocation" in {p["code"] for p in report["problems"]}
    _, out, _ = run(capsys, "--format", "json", "--base", "https://example.com/feed.xml",
                    "self-present.xml")  # fmt: skip
    assert json.loads(out)["problems"] == []


def test_folder_validates_every_feed_in_it(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "json", str(FIXTURES / "xml"))
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert sources == sorted(sources)
    assert len(sources) == len(list((FIXTURES / "xml").glob("*.xml")))


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ERRORS.read_bytes())))
    status, out, _ = run(capsys, "--format", "json", "-")
    assert status == 1
    assert json.loads(out)["source"] == "-"


class _FeedHandler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
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
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_urls_follow_redirects_and_use_the_final_address(
    capsys: pytest.CaptureFixture[str], server: str
) -> None:
    body = VALID.read_bytes().replace(b"https://example.com/feed.xml", f"{server}/feed.xml".encode())
    _FeedHandler.routes = {
        "/old": (301, {"Location": f"{server}/feed.xml"}, b""),
        "/feed.xml": (200, {"Content-Type": "application/atom+xml; charset=utf-8"}, body),
    }
    status, out, _ = run(capsys, "--format", "json", f"{server}/old")
    report = json.loads(out)
    assert status == 0, report
    assert report["location"] == f"{server}/feed.xml"
    assert report["problems"] == []


def test_url_charset_overrides_the_declaration(capsys: pytest.CaptureFixture[str], server: str) -> None:
    _FeedHandler.routes = {
        "/feed.xml": (200, {"Content-Type": "text/xml; charset=iso-8859-1"}, VALID.read_bytes())
    }
    _, out, _ = run(capsys, "--format", "json", f"{server}/feed.xml")
    assert "EncodingMismatch" in {p["code"] for p in json.loads(out)["problems"]}


def test_unreachable_url_is_an_io_error(capsys: pytest.CaptureFixture[str], server: str) -> None:
    _FeedHandler.routes = {}
    status, out, _ = run(capsys, f"{server}/gone.xml")
    assert status == 2
    assert "404" in out


def test_unreadable_folder_is_an_io_error_not_an_empty_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os

    (tmp_path / "feed.xml").write_text("<rss/>", encoding="utf-8")
    scandir = os.scandir

    def refuse(path: object) -> object:
        # Root reads any folder, so the refusal is simulated where the folder is opened.
        if Path(str(path)) == tmp_path:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    assert main(["validate", str(tmp_path)]) == 2
    assert (
        f"{tmp_path}: error: the feed could not be read: cannot read folder: Permission denied [IOError]"
        in (capsys.readouterr().out)
    )
