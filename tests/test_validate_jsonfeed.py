"""JSON Feed validation: what a publisher sees for good and broken JSON Feeds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedtool.validate import validate_bytes
from feedtool.validate.codes import CODES, examples
from feedtool.validate.rules.jsonfeed import member_lines

VERSION = "https://jsonfeed.org/version/1.1"


def feed(**members: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": VERSION,
        "title": "Example",
        "home_page_url": "https://example.com/",
        "feed_url": "https://example.com/feed.json",
        "items": [
            {
                "id": "https://example.com/1",
                "url": "https://example.com/1",
                "content_html": "<p>Hello</p>",
                "date_published": "2024-01-31T09:30:00Z",
                "authors": [{"name": "Ann Example"}],
            }
        ],
    }
    document.update(members)
    return document


def codes(document: Any) -> list[str]:
    data = json.dumps(document).encode() if not isinstance(document, bytes) else document
    report = validate_bytes(data, source="feed.json")
    assert report.format == "json"
    return sorted(p.code for p in report.problems)


def item(**members: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": "1", "content_text": "Hello"}
    entry.update(members)
    return {k: v for k, v in entry.items() if v is not ...}


def test_a_complete_feed_is_valid() -> None:
    assert codes(feed()) == []


def test_version_1_feeds_are_accepted_without_1_1_advice() -> None:
    document = feed(version="https://jsonfeed.org/version/1")
    document["items"][0]["author"] = {"name": "Ann"}
    assert codes(document) == []


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (feed(version="1.1"), ["JsonFeedUnknownVersion"]),
        ({"version": VERSION, "items": []}, ["JsonFeedMissingMember"]),
        ({"title": "x", "items": []}, ["JsonFeedMissingMember"]),
        (feed(items=[item(id=...)]), ["JsonFeedMissingMember"]),
        (feed(items=[item(content_text=...)]), ["JsonFeedMissingContent"]),
        (feed(items=[item(), item()]), ["JsonFeedDuplicateId"]),
        (feed(items=[item(id=7)]), ["JsonFeedIdNotString"]),
        (feed(items=[item(date_published="31/01/2024")]), ["JsonFeedInvalidDate"]),
        (feed(items=[item(url="https://example.com/a b")]), ["JsonFeedInvalidUrl"]),
        (feed(items=[item(url="/2024/hello")]), ["JsonFeedRelativeUrl"]),
        (feed(items=[item(tags="news")]), ["JsonFeedInvalidType"]),
        (feed(expired="no"), ["JsonFeedInvalidType"]),
        (feed(authors=[{}]), ["JsonFeedEmptyAuthor"]),
        (feed(author={"name": "Ann"}), ["JsonFeedDeprecatedAuthor"]),
        (feed(titel="Hello"), ["JsonFeedUnknownMember"]),
        (feed(language="English"), ["InvalidLanguage"]),
        (feed(items=[item(attachments=[{"url": "https://example.com/a.mp3"}])]), ["JsonFeedMissingMember"]),
        (feed(items=[item(content_html='<p onclick="steal()">Hi</p>')]), ["SecurityRiskAttr"]),
        (feed(items=[item(content_html="<script>steal()</script>")]), ["SecurityRisk"]),
    ],
)
def test_problems_are_reported_with_their_code(document: Any, expected: list[str]) -> None:
    assert codes(document) == expected


def test_extensions_and_nulls_are_not_problems() -> None:
    assert codes(feed(_example={"about": "x"}, icon=None)) == []


def test_syntax_errors_give_line_and_column() -> None:
    report = validate_bytes(b'{\n  "version": "x",\n  "title": }', source="feed.json")
    [problem] = report.problems
    assert (problem.code, problem.line, problem.severity) == ("JsonFeedSyntax", 3, "error")
    assert problem.column is not None


def test_messages_name_the_member() -> None:
    report = validate_bytes(
        json.dumps(feed(items=[item(date_published="yesterday")])).encode(), source="f.json"
    )
    [problem] = report.problems
    assert "items[0].date_published" in problem.message
    assert "yesterday" in problem.message


def test_bytes_that_are_not_utf8_are_an_error() -> None:
    data = json.dumps(feed(title="Caf\u00e9"), ensure_ascii=False).encode("latin-1")
    assert codes(data) == ["JsonFeedNotUtf8"]


def test_every_json_feed_code_explains_itself_with_examples() -> None:
    names = [name for name in CODES if name.startswith("JsonFeed")]
    assert len(names) >= 12
    for name in names:
        code = CODES[name]
        assert code.why and code.fix and examples(name) is not None, name


def test_problems_give_the_line_of_the_member() -> None:
    document = feed(items=[item(), item(id="2", date_published="yesterday")])
    text = json.dumps(document, indent=2)
    report = validate_bytes(text.encode(), source="feed.json")
    [problem] = report.problems
    assert problem.code == "JsonFeedInvalidDate"
    assert text.splitlines()[problem.line - 1].strip().startswith('"date_published": "yesterday"')


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), JSON_VALUES, max_size=5), st.sampled_from([None, 1, 2]))
def test_member_lines_finds_every_top_level_member(document: dict[str, Any], indent: int | None) -> None:
    text = json.dumps(document, indent=indent)
    lines = member_lines(text)
    for key in document:
        # Messages name a member feed.name, or feed["…"] when the key is not a plain name.
        plain = key.isascii() and (key[:1].isalpha() or key[:1] == "_") and key.replace("_", "a").isalnum()
        line = lines[f"feed.{key}" if plain else f"feed[{json.dumps(key, ensure_ascii=False)}]"]
        assert json.dumps(key) in text.splitlines()[line - 1]


def test_members_whose_names_hold_dots_or_nothing_are_each_named_and_placed() -> None:
    # {"": {"": null}, ".": null}: once named "feed.", "feed.." and "feed..", two of them alike.
    text = json.dumps({"": {"": None}, ".": None}, indent=1)
    assert member_lines(text) == {"the feed": 1, "feed": 1, 'feed[""]': 2, 'feed[""][""]': 3, 'feed["."]': 5}
    document = json.dumps({**feed(), "": {"": None}, ".": None}, indent=1)
    report = validate_bytes(document.encode(), source="feed.json")
    unknown = [(p.line, p.message) for p in report.problems if p.code == "JsonFeedUnknownMember"]
    lines = document.splitlines()
    assert [(lines[line - 1].strip(), message.split(" is ")[0]) for line, message in unknown] == [
        ('"": {', 'feed[""]'),
        ('".": null', 'feed["."]'),
    ]
