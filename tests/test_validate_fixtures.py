"""Data-driven validation cases: each fixture states what feedtool must (not) report.

A fixture's first comment carries `Expect:` with comma-separated expectations: `Code` holds
when a reported problem is that code or a kind of it, `!Code` when none is. `Base:` gives the
address the feed is checked as, `Content-Type:` the HTTP type it is served with, `Profile:`
the profile it is judged by (default: feedtool's).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feedtool.validate import Report, validate_bytes
from feedtool.validate.codes import CODES, ancestors, explain

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
OWN_FOLDERS = ("app", "atom", "atom-ext", "html", "xml")  # written with the core and Atom rules
_FIELD = re.compile(r"^\s*(Expect|Base|Content-Type|Profile):\s*(.+?)\s*$", re.MULTILINE)


def fixture_paths() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))


def header(path: Path) -> dict[str, str]:
    """The Expect/Base/Content-Type fields of the fixture's first comment."""
    raw = path.read_bytes()[:4000]
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    head = raw.decode("utf-16", errors="replace") if utf16 else raw.decode("latin-1")
    return {name: value for name, value in _FIELD.findall(head)}


def expectations(path: Path) -> list[tuple[bool, str]]:
    fields = header(path)
    assert "Expect" in fields, f"{path} has no Expect: line"
    parsed = []
    for item in fields["Expect"].split(","):
        item = item.strip()
        negated = item.startswith("!")
        parsed.append((negated, item.lstrip("!").split("{", 1)[0]))
    return parsed


def run(path: Path) -> Report:
    fields = header(path)
    return validate_bytes(
        path.read_bytes(),
        source=str(path.relative_to(FIXTURES)),
        base=fields.get("Base"),
        content_type=fields.get("Content-Type"),
        profile="w3c" if fields.get("Profile") == "w3c" else "feedtool",
    )


def reported_families(report: Report) -> set[str]:
    families: set[str] = set()
    for problem in report.problems:
        families |= ancestors(problem.code)
    return families


@pytest.mark.parametrize("path", fixture_paths(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_expectations(path: Path) -> None:
    report = run(path)
    families = reported_families(report)
    found = ", ".join(f"{p.code} (line {p.line}): {p.message}" for p in report.problems)
    for negated, code in expectations(path):
        assert code in CODES, f"Expect names an unknown code {code}"
        if negated:
            assert code not in families, f"{code} reported but not expected; got: {found}"
        else:
            assert code in families, f"{code} expected; got: {found or 'nothing'}"


def test_every_code_our_fixtures_trigger_has_a_positive_and_a_negative_case() -> None:
    """Each code reported on the core fixtures is expected somewhere, and denied somewhere."""
    positives: set[str] = set()
    negatives: set[str] = set()
    for path in fixture_paths():
        for negated, code in expectations(path):
            (negatives if negated else positives).add(code)
    triggered: set[str] = set()
    for path in fixture_paths():
        if path.relative_to(FIXTURES).parts[0] in OWN_FOLDERS:
            triggered |= {p.code for p in run(path).problems}
    missing_positive = sorted(c for c in triggered if not ancestors(c) & positives)
    missing_negative = sorted(c for c in triggered if not ancestors(c) & negatives)
    assert not missing_positive, f"no fixture expects {missing_positive}"
    assert not missing_negative, f"no fixture denies {missing_negative}"


def test_fixtures_report_lines_inside_the_file() -> None:
    for path in fixture_paths():
        lines = path.read_bytes().count(b"\n") + 1
        for problem in run(path).problems:
            assert problem.line is None or 1 <= problem.line <= lines, (path, problem)


def test_every_reported_code_has_a_complete_explanation() -> None:
    """`--explain` gives meaning, why, fix and a bad and a good example for each code we emit."""
    reported: set[str] = set()
    for path in fixture_paths():
        reported |= {p.code for p in run(path).problems}
    incomplete = {
        code: [
            part
            for part in ("Meaning:", "Why it matters:", "How to fix:", "Bad:", "Good:")
            if part not in explain(code)
        ]
        for code in sorted(reported)
    }
    assert not {code: parts for code, parts in incomplete.items() if parts}
