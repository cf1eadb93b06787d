"""`--list-codes` and `--explain CODE --format json`: every code is listed, and every code's bad
example feed reports it while its good example does not."""

from __future__ import annotations

import json
import re

import pytest

from feedtool.cli import main
from feedtool.validate import validate_bytes
from feedtool.validate.codes import ancestors

# Codes no feed document can show (a server's answer, a rule's own failure): their examples
# are in words.
IN_WORDS = {"ValidationFailure", "IOError", "HttpError", "HttpErrorWithPossibleFeed", "HttpProtocolError",
            "HttpsProtocolError", "ValidatorLimit"}  # fmt: skip
LISTED = re.compile(r"^(\w+) +(error|warning|info) +([a-z0-9,]+) +(\S.*)$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(["validate", *argv])
    return status, capsys.readouterr().out


def listed_codes(capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[str, str, str]]:
    status, out = run(capsys, "--list-codes")
    assert status == 0
    rows = {}
    for line in out.splitlines():
        match = LISTED.match(line)
        assert match, f"not a code line: {line!r}"
        rows[match[1]] = (match[2], match[3], match[4])
    return rows


def test_list_codes_gives_severity_formats_and_meaning(capsys: pytest.CaptureFixture[str]) -> None:
    rows = listed_codes(capsys)
    assert rows["NotHtml"][0] == "warning"
    assert rows["MissingElement"][0] == "error"
    assert rows["TextXml"][0] == "info"
    assert rows["JsonFeedSyntax"][1] == "json"
    assert "atom" in rows["MissingSelf"][1].split(",")
    assert "HTML" in rows["NotHtml"][2]
    # Families (Error, Warning, Info) are never reported, so they are not listed.
    assert not {"Error", "Warning", "Info"} & rows.keys()
    assert len(rows) > 150


def test_list_codes_says_what_each_code_means_not_its_message_template(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = listed_codes(capsys)
    artwork = "podcast artwork is not a JPEG or PNG file, as Apple Podcasts requires"
    assert rows["ApplePodcastsArtworkFormat"][2] == artwork
    assert rows["InvalidPodcastUrl"][2] == "a Podcasting 2.0 URL is not a valid URL"
    assert rows["JsonFeedSyntax"][2] == "the document is not valid JSON"
    # A message template shows its fields as <element>, <value>…: none is left in a meaning.
    templated = {name: row[2] for name, row in rows.items() if re.search(r"<[a-z]+>|[{}]", row[2])}
    assert templated == {}
    meanings = [row[2] for row in rows.values()]
    assert len(set(meanings)) == len(meanings), "two codes with the same meaning"
    _, out = run(capsys, "--explain", "NotHtml")
    assert "Meaning: text declared as HTML does not parse cleanly as HTML\n" in out
    assert "Message: <element> is declared as HTML but does not parse cleanly as HTML: <detail>\n" in out


def test_explain_json_has_the_documented_members(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "--explain", "nothtml", "--format", "json")
    assert status == 0
    found = json.loads(out)
    assert {"code", "severity", "meaning", "message", "why", "fix", "bad", "good"} <= found.keys()
    assert found["code"] == "NotHtml"
    assert found["severity"] == "warning"
    assert found["bad"].startswith("<?xml") and found["bad"].rstrip().endswith("</feed>")


def test_every_code_has_a_bad_example_that_reports_it_and_a_good_one_that_does_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    failures = []
    for code in listed_codes(capsys):
        status, out = run(capsys, "--explain", code, "--format", "json")
        assert status == 0
        found = json.loads(out)
        if code in IN_WORDS:
            assert found["examples"] == "words" and found["bad"] and found["good"], code
            continue
        if not found.get("bad") or not found.get("good"):
            failures.append(f"{code}: no example")
            continue
        for label, must_report in (("bad", True), ("good", False)):
            report = validate_bytes(
                found[label].encode(found.get(f"{label}_saved_as", "utf-8")),
                source=f"{code}-{label}",
                base=found.get("base"),
                content_type=found.get(f"{label}_served_as"),
                profile=found["profile"],
            )
            codes = sorted({p.code for p in report.problems})
            if any(code in ancestors(c) for c in codes) != must_report:
                failures.append(f"{code}: the {label} example reports {codes}")
    assert not failures, "\n".join(failures)
