"""RSS 2.0, RSS 1.0 and extension rules: what a publisher sees for their feed.

The data-driven fixtures in tests/fixtures/validate/{rss,rss1,ext}/ are run by
test_validate_fixtures.py; here we check that they cover every code these rules report,
and the behaviour fixtures cannot show (streaming, lines, messages, the base address, and
agreement with the W3C validator's own suite when ../shared is present).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from feedtool.validate import validate_bytes, validate_path
from feedtool.validate.codes import CODES, ancestors, examples
from feedtool.validate.rss_codes import VOCABULARY

sys.path.insert(0, str(Path(__file__).parent))
from test_validate_fixtures import FIXTURES, expectations, fixture_paths, run

OUR_FOLDERS = ("rss", "rss1", "ext")
ROOTS = frozenset({"Error", "Warning", "Info"})
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "w3c"


def our_fixtures() -> list[Path]:
    return [p for p in fixture_paths() if p.relative_to(FIXTURES).parts[0] in OUR_FOLDERS]


def test_every_code_the_rss_fixtures_trigger_is_expected_and_denied_by_name() -> None:
    positives: set[str] = set()
    negatives: set[str] = set()
    triggered: set[str] = set()
    for path in our_fixtures():
        for negated, code in expectations(path):
            (negatives if negated else positives).add(code)
        triggered |= {p.code for p in run(path).problems}
    assert len(triggered) > 80, sorted(triggered)
    no_positive = sorted(c for c in triggered if not (ancestors(c) - ROOTS) & positives)
    no_negative = sorted(c for c in triggered if not (ancestors(c) - ROOTS) & negatives)
    assert not no_positive, f"no fixture expects {no_positive}"
    assert not no_negative, f"no fixture denies {no_negative} by name"


def feed(items: str, channel: str = "", version: str = "2.0") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<rss version="{version}" xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n'
        "<title>T</title>\n<link>https://example.com/</link>\n<description>D</description>\n"
        '<atom:link rel="self" href="https://example.com/feed.xml"/>\n'
        f"{channel}{items}</channel></rss>"
    ).encode()


def item(guid: str) -> str:
    return f"<item><title>x</title><guid>{guid}</guid></item>\n"


def test_a_clean_feed_has_no_problems_and_is_detected_as_rss() -> None:
    report = validate_bytes(feed(item("https://example.com/1")), source="f.xml",
                            base="https://example.com/feed.xml")  # fmt: skip
    assert report.format == "rss"
    assert report.problems == ()


def test_duplicate_guids_are_found_across_a_long_streamed_feed() -> None:
    items = "".join(item(f"https://example.com/{n}") for n in range(3000))
    items += item("https://example.com/17")
    report = validate_bytes(feed(items), source="f.xml")
    duplicates = [p for p in report.problems if p.code == "DuplicateValue"]
    assert len(duplicates) == 1
    assert "https://example.com/17" in duplicates[0].message
    assert duplicates[0].line == 3006  # the repeated item's line, after 5 header lines


def test_problems_point_at_the_line_of_the_element() -> None:
    data = feed("<item><title>x</title>\n<pubDate>yesterday</pubDate>\n</item>")
    [problem] = [p for p in validate_bytes(data, source="f.xml").problems
                 if p.code == "InvalidRFC2822Date"]  # fmt: skip
    assert problem.line == 7  # the pubDate line
    assert problem.severity == "error"
    assert "pubDate" in problem.message and "yesterday" in problem.message


def test_the_self_link_is_compared_with_the_base_only_when_one_is_given() -> None:
    data = feed(item("https://example.com/1"))
    elsewhere = validate_bytes(data, source="f.xml", base="https://example.org/rss")
    assert [p.code for p in elsewhere.problems] == ["SelfDoesntMatchLocation"]
    assert validate_bytes(data, source="f.xml").problems == ()


def test_a_self_link_urllib_cannot_split_is_reported_not_raised() -> None:
    feed = (
        b'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>'
        b"<link>http://example.com/</link><description>d</description>"
        b'<atom:link href="http://[" rel="self" type="application/rss+xml"/></channel></rss>'
    )
    report = validate_bytes(feed, source="bad-self.xml", base="http://example.com/feed.xml")
    codes = {p.code for p in report.problems}
    assert "SelfDoesntMatchLocation" in codes
    assert "ValidationFailure" not in codes


def test_rss_091_feeds_get_no_rss_2_advice() -> None:
    data = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="0.91"><channel><title>T</title>' \
        b"<link>https://example.com/</link>" \
        b"<description>D</description><language>en</language>" \
        b"<item><title>x</title></item></channel></rss>"  # fmt: skip
    assert validate_bytes(data, source="f.xml").problems == ()


def test_rss1_feeds_are_detected() -> None:
    report = validate_path(FIXTURES / "rss1" / "valid.xml")
    assert report.format == "rss1"
    assert report.problems == ()


def test_every_reported_code_is_registered_with_an_explanation() -> None:
    for path in our_fixtures():
        for problem in run(path).problems:
            code = CODES[problem.code]
            assert code.why, f"{problem.code} has no explanation"
            assert "?" not in problem.message or "?" in path.read_text("latin-1"), problem


def test_every_rss_code_explains_itself_with_examples() -> None:
    """`feedtool validate --explain` shows meaning, why, fix, and a bad and a good example."""
    for name, kind, *_ in VOCABULARY:
        if kind == "family":
            continue
        code = CODES[name]
        assert code.why and code.fix, name
        pair = examples(name)
        assert pair is not None and pair[0] != pair[1], name


def _w3c_cases(folder: str) -> list[dict[str, object]]:
    verdicts = SHARED / "verdicts.jsonl"
    if not verdicts.exists():
        pytest.skip(f"the W3C corpus is not at {SHARED}")
    lines = verdicts.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines]
    return [c for c in cases if str(c["path"]).startswith(folder + "/")]


@pytest.mark.parametrize("folder", ["rss20", "rss", "ext"])
def test_agrees_with_the_w3c_validator_on_its_rss_test_cases(folder: str) -> None:
    """Errors found where the W3C validator finds them, on its own RSS test suite."""
    cases = [c for c in _w3c_cases(folder) if c["format"] in ("RSS 2.0", "RSS 1.0")]
    agree = 0
    disagreements = []
    for case in cases:
        report = validate_path(
            SHARED / "testcases" / str(case["path"]), base=str(case["base"]), profile="w3c"
        )
        if bool(report.errors) == (case["verdict"] == "error"):
            agree += 1
        else:
            disagreements.append(case["path"])
    # Pinned to what is measured (all of them agree): one regression fails the test.
    assert disagreements == [] and agree == len(cases) > 100


def test_an_atom_link_in_rss_is_reported_once_per_problem() -> None:
    data = feed(
        "<item><title>x</title><guid>https://example.com/1</guid>\n"
        '<atom:link rel="made-up" href="https://example.com/1" title=""/>\n'
        "</item>",
        channel='<atom:link rel="invented" href="https://example.com/other"/>\n',
    )
    problems = validate_bytes(data, source="f.xml", profile="w3c").problems
    assert [(p.code, p.line) for p in problems] == [
        ("UnregisteredAtomLinkRel", 6),
        ("AttrNotBlank", 8),
        ("UnregisteredAtomLinkRel", 8),
    ]
