"""The validator's engine as a user sees it: each problem at the line (counted by hand here)
of the element it is about, in line order, and a rule that breaks reported, never silent."""

from __future__ import annotations

import pytest

from feedtool.validate import engine, validate_bytes

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
<title>t</title>
<link>https://example.com/</link>
<description>d</description>
<item>
<title>one</title>
<link>not a url</link>
<pubDate>yesterday</pubDate>
</item>
<item>
<title>two</title>
<guid isPermaLink="true">also not a url</guid>
</item>
</channel>
</rss>
"""


def test_each_problem_is_at_the_line_of_its_element_in_line_order() -> None:
    report = validate_bytes(FEED, source="feed.xml", base="https://example.com/feed.xml")
    found = [(p.line, p.code) for p in report.problems]
    assert found == [
        (3, "MissingAtomSelfLink"),  # <channel>
        (7, "MissingGuid"),  # the first <item>
        (9, "InvalidUriChar"),  # <link>not a url</link>
        (10, "InvalidRFC2822Date"),  # <pubDate>yesterday</pubDate>
        (14, "InvalidUriChar"),  # <guid>also not a url</guid>
    ]


def test_a_rule_that_raises_is_reported_and_the_others_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(element: engine.Element, ctx: engine.Context) -> None:
        raise KeyError("a bug in a rule")

    rules = {name: list(fns) for name, fns in engine._RULES.items()}
    rules.setdefault("pubDate", []).append(broken)
    monkeypatch.setattr(engine, "_RULES", rules)
    monkeypatch.setattr(engine, "_LOOKUP_CACHE", {})
    report = validate_bytes(FEED, source="feed.xml", base="https://example.com/feed.xml")
    failures = [p for p in report.problems if p.code == "ValidationFailure"]
    assert [p.line for p in failures] == [10]
    assert "broken" in failures[0].message and "a bug in a rule" in failures[0].message
    assert "InvalidRFC2822Date" in {p.code for p in report.problems}
    assert failures[0].severity == "error"
