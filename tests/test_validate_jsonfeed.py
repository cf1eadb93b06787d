"""JSON Feed validation: what a publisher sees for good and broken JSON Feeds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedtool.validate import validate_bytes
from feedtool.validate.codes import CODES, examples
from feedtool.validate.engine import validate_chunks
from feedtool.validate.rules import jsonfeed
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
    assert member_lines(text) == {"feed": 1, 'feed[""]': 2, 'feed[""][""]': 3, 'feed["."]': 5}
    document = json.dumps({**feed(), "": {"": None}, ".": None}, indent=1)
    report = validate_bytes(document.encode(), source="feed.json")
    unknown = [(p.line, p.message) for p in report.problems if p.code == "JsonFeedUnknownMember"]
    lines = document.splitlines()
    assert [(lines[line - 1].strip(), message.split(" is ")[0]) for line, message in unknown] == [
        ('"": {', 'feed[""]'),
        ('".": null', 'feed["."]'),
    ]


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def streamed(data: bytes, size: int) -> list[tuple[str, int | None, int | None]]:
    report = validate_chunks(pieces(data, size), source="feed.json", location=None, content_type=None)
    return [(p.code, p.line, p.column) for p in report.problems]


def one_per_line(items: list[dict[str, Any]], between: str = ",\n") -> bytes:
    """A feed whose item n is written on line 3 + n."""
    lines = between.join(json.dumps(entry) for entry in items)
    return f'{{"version": "{VERSION}", "title": "T",\n"items": [\n{lines}\n]}}\n'.encode()


def test_a_feed_read_in_pieces_is_judged_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # The feed is read an item at a time: with room for little more than one item, a feed
    # of 2,000 items still has its problems found, each at its own line.
    monkeypatch.setattr(jsonfeed, "JSON_VALUE_BUDGET", 4096)
    items = [item(id=f"https://example.com/{n}", content_text="x" * 200) for n in range(2000)]
    items[3]["url"] = "/relative"
    items[1999]["date_published"] = "yesterday"
    items.append(items[7])  # its id again
    data = one_per_line(items)
    assert len(data) > 100 * 4096
    expected = [("JsonFeedRelativeUrl", 6, None), ("JsonFeedInvalidDate", 2002, None),
                ("JsonFeedDuplicateId", 2003, None)]  # fmt: skip
    assert streamed(data, 1000) == expected
    assert streamed(data, 7) == expected


def test_a_member_larger_than_the_validators_room_is_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonfeed, "JSON_VALUE_BUDGET", 4096)
    data = json.dumps(feed(description="x" * 100_000)).encode()
    assert streamed(data, 1000) == [("ValidatorLimit", None, None)]


@pytest.mark.parametrize("size", [1, 5, 64, 100_000])
def test_syntax_and_encoding_errors_in_pieces_are_placed_as_in_the_whole(size: int) -> None:
    items = [item(id=str(n)) for n in range(300)]
    good = one_per_line(items)
    # No comma after item 200 (line 203): the reader stops at item 201's "{", line 204.
    head, tail = one_per_line(items[:201]), one_per_line(items[201:])
    broken = head.removesuffix(b"\n]}\n") + b"\n" + tail.split(b"[\n", 1)[1]
    assert streamed(broken, size) == [("JsonFeedSyntax", 204, 1)]
    # Bytes that are not UTF-8 after it: the document cannot be read at all, and says so first.
    assert [code for code, _, _ in streamed(broken + b"\xff", size)] == ["JsonFeedNotUtf8"]
    # Items on lines 3 to 302, "]}" on 303, and after it " x": more than one document.
    assert streamed(good + b" x", size) == [("JsonFeedSyntax", 304, 2)]


def test_the_version_counts_wherever_it_is_written() -> None:
    # authors of JSON Feed 1.0 are right in a 1.0 feed, also when the version comes last.
    entry = json.dumps(item(author={"name": "Ann"}))
    old = f'{{"title": "T", "items": [\n{entry}\n], "version": "https://jsonfeed.org/version/1"}}'.encode()
    assert streamed(old, 10) == []
    new = old.replace(b"version/1", b"version/1.1")
    assert streamed(new, 10) == [("JsonFeedDeprecatedAuthor", 2, None)]


def test_a_member_given_twice_counts_once_with_its_last_value() -> None:
    # JSON readers keep the last value; its problems are reported where it is written.
    data = f'{{"version": "{VERSION}", "title": "T", "items": [],\n"icon": "/a.png",\n"icon": "/b.png"}}'
    assert streamed(data.encode(), 3) == [("JsonFeedRelativeUrl", 3, None)]


def test_a_number_split_between_pieces_is_read_whole() -> None:
    # (The first kilobyte is read at once, to tell JSON from XML: the numbers come after it.)
    data = json.dumps(feed(description="x" * 2000, items=[item(), 1234567], _rank=12345678)).encode()
    assert streamed(data, 3) == [("JsonFeedInvalidType", 1, None)]  # the item that is a number
