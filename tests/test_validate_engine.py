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


def _found(data: bytes, **kw: object) -> list[tuple[int | None, int | None, str, str]]:
    report = validate_bytes(data, source="f.xml", **kw)  # type: ignore[arg-type]
    return [(p.line, p.column, p.code, p.message) for p in report.problems]


ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    b"<id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id><title>t</title>"
    b"<updated>2024-01-01T00:00:00Z</updated><author><name>a</name></author>"
    b'<link rel="self" href="https://example.com/f.xml"/></feed>\n'
)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/atom+xml; charset=utf-8", []),
        ("APPLICATION/ATOM+XML", []),
        (
            "text/xml; charset=utf-8",
            [(None, None, "TextXml",
              "the feed is served as text/xml, whose default charset rules differ from the XML ones")],
        ),
        (
            "application/xml",
            [(None, None, "NonSpecificMediaType",
              "the feed is served as application/xml, which does not say it is a feed")],
        ),
    ],
    ids=["atom", "atom-upper-case", "text-xml", "application-xml"],
)  # fmt: skip
def test_the_media_type_a_feed_is_served_with_is_judged(content_type: str, expected: list[object]) -> None:
    assert _found(ATOM, base="https://example.com/f.xml", content_type=content_type) == expected


def test_an_encoding_few_readers_know_is_reported_on_line_1_with_its_name() -> None:
    found = _found(ATOM.replace(b'encoding="utf-8"', b'encoding="cp1125"'), base="https://example.com/f.xml")
    assert found == [
        (1, None, "ObscureEncoding", "the character encoding 'cp1125' is one few feed readers know"),
        (1, None, "NonstdEncoding",
         "the character encoding 'cp1125' is not one every XML parser must read (UTF-8, UTF-16)"),
    ]  # fmt: skip


def test_a_document_that_is_not_a_feed_says_so() -> None:
    found = _found(b'<?xml version="1.0" encoding="utf-8"?>\n<html><body/></html>')
    assert found == [(2, None, "UndefinedElement", "html is not defined in the document (not a feed)")]


def test_a_syntax_error_is_reported_at_its_line_and_column() -> None:
    found = _found(b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel><title>a</titel>')
    assert found == [
        (3, 26, "SAXError",
         "the document is not well-formed XML: Opening and ending tag mismatch: title line 3 and titel"),
    ]  # fmt: skip


def test_the_first_error_libxml2_met_is_the_one_reported_not_the_fatal_one_after_it() -> None:
    data = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n<x:y/>\n<a></b></channel>'
    assert _found(data) == [
        (3, 5, "SAXError", "the document is not well-formed XML: Namespace prefix x on y is not defined")
    ]


def test_xml_base_resolves_a_relative_self_link_against_the_feed_address() -> None:
    relative = ATOM.replace(b'<feed xmlns="http://www.w3.org/2005/Atom">',
                            b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="../dir/">')  # fmt: skip
    relative = relative.replace(b'href="https://example.com/f.xml"', b'href="f.xml"')
    assert _found(relative, base="https://example.com/dir/f.xml") == []
    assert [code for _, _, code, _ in _found(relative, base="https://example.com/other/f.xml")] == [
        "SelfDoesntMatchLocation"
    ]


@pytest.mark.parametrize(
    "chunks",
    [
        [b'{"version": "https://jsonfeed.org/version/1.1", ', b'"title": "caf\xe9", "items": []}'],
        [b'{"version": "https://jsonfeed.org/version/1.1", "title": "caf\xc3', b'\xa9\xff", "items": []}'],
        [b"\xef\xbb\xbf" + b'{"title": "', b"x" * 70000 + b'\xff"}'],
    ],
    ids=["second-chunk", "split-character", "after-a-bom-and-a-long-chunk"],
)
def test_json_not_in_utf8_is_placed_as_decoding_the_whole_document_would(chunks: list[bytes]) -> None:
    whole = b"".join(chunks).removeprefix(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError) as python:
        whole.decode("utf-8")
    report = engine.validate_chunks(chunks, source="f.json", location=None, content_type=None)
    assert [(p.code, p.message) for p in report.problems] == [
        ("JsonFeedNotUtf8", f"a JSON Feed must be encoded in UTF-8: {python.value}")
    ]


def test_the_command_finds_what_its_rules_look_for(tmp_path) -> None:
    # In a fresh process, as users run it: rules register as feedtool is imported.
    import subprocess
    import sys

    path = tmp_path / "f.xml"
    path.write_bytes(
        b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel><title>t</title>'
        b"<link>https://example.com/</link><description>d</description>\n"
        b"<item><title>one</title><pubDate>yesterday</pubDate></item>\n</channel></rss>\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "feedtool", "validate", str(path)], capture_output=True, text=True
    )
    assert run.stdout.splitlines() == [
        f'{path}:3: warning: the channel has no atom:link with rel="self" [MissingAtomSelfLink]',
        f"{path}:4: error: pubDate is not an RFC 822 date: 'yesterday' [InvalidRFC2822Date]",
        f"{path}:4: warning: item has no guid [MissingGuid]",
        "1 feed checked: 1 error, 2 warnings (1 with errors)",
    ]
    assert run.returncode == 1


def test_a_message_about_an_attribute_names_the_attribute_not_only_its_element() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x-example:feed</id>
<updated>2024-05-06T07:08:09Z</updated><author><name>a</name></author>
<link rel="self" href="https://example.com/feed.xml"/>
<link rel="related" href="https://example.com/a" hreflang="en_GB" length="big"/>
</feed>
"""
    rss = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>t</title><link>https://example.com/</link><description>d</description>
<item><title>one</title><guid>https://example.com/1</guid>
<media:content url="https://example.com/1.mp4" fileSize="huge" duration="1:30"/>
</item></channel></rss>
"""
    atom_messages = [p.message for p in validate_bytes(atom, source="a.xml").problems]
    rss_messages = [p.message for p in validate_bytes(rss, source="r.xml").problems
                    if p.code != "MissingAtomSelfLink"]  # fmt: skip
    assert atom_messages == [
        "the hreflang attribute of link is not a language code: 'en_GB'",
        "the length attribute of link must be zero or a positive integer, not 'big'",
    ]
    assert rss_messages == [
        "the fileSize attribute of media:content must be a positive integer, not 'huge'",
        "the duration attribute of media:content must be a number, not '1:30'",
    ]
    # A message that already speaks of the attribute is left as it is.
    missing = validate_bytes(atom.replace(b' href="https://example.com/a"', b""), source="a.xml")
    assert "link must have an href attribute" in [p.message for p in missing.problems]


def test_blank_content_of_a_binary_media_type_is_reported_blank_once() -> None:
    feed = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x-example:feed</id>
<updated>2024-05-06T07:08:09Z</updated><author><name>a</name></author>
<link rel="self" href="https://example.com/feed.xml"/>
<entry><title>Cover</title><id>urn:x-example:cover</id><updated>2024-05-06T07:08:09Z</updated>
<summary>The cover of the May issue.</summary>
<content type="image/png">
</content>
</entry>
</feed>
"""
    found = [(p.line, p.code) for p in validate_bytes(feed, source="a.xml").problems]
    assert found == [(7, "NotBlank")]


RSS_BODY = (
    b'<rss version="2.0">\n<channel><title>t</title><link>https://example.com/</link>'
    b"<description>d</description>\n</channel></rss>\n"
)
NO_SELF = (None, "MissingAtomSelfLink", 'the channel has no atom:link with rel="self"')
VERSION_1_1 = "the XML declaration gives version '1.1'; feeds are XML 1.0"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'\xef\xbb\xbf<?xml version="1.1" encoding="utf-8"?>\n' + RSS_BODY,
            [(1, "BadXmlVersion", VERSION_1_1), (3, *NO_SELF[1:])],
        ),
        (
            b'<?xml version="1.1" encoding="utf-8"?>\n' + RSS_BODY,
            [(1, "BadXmlVersion", VERSION_1_1), (3, *NO_SELF[1:])],
        ),
        (
            b'\n<?xml version="1.0" encoding="utf-8"?>\n'
            + RSS_BODY.replace(b"<title>t</title>", b"<title>t</title><generator>https://wordpress.org/?v=6.4</generator>"),
            [
                (2, "WPBlankLine",
                 "the XML declaration is not at the very start of the document (blank lines before it)"),
                (4, *NO_SELF[1:]),
            ],
        ),
        (
            RSS_BODY.replace(b"<title>t</title>", "<title>café</title>".encode()),
            [
                (1, "MissingEncoding",
                 "nothing says the document's character encoding (no XML declaration naming it, "
                 "no byte order mark, no HTTP charset); readers assume UTF-8"),
                (2, "UnicodeError",
                 "bytes that are not valid in the document's encoding: non-ASCII text in a document "
                 "without an XML declaration naming its encoding"),
                (2, *NO_SELF[1:]),
            ],
        ),
    ],
    ids=["xml-1-1-after-a-bom", "xml-1-1", "wordpress-blank-line", "non-ascii-without-declaration"],
)  # fmt: skip
def test_declarations_are_judged_and_the_feed_still_read(data: bytes, expected: list[object]) -> None:
    assert [(line, code, message) for line, _, code, message in _found(data)] == expected


def test_a_document_that_cannot_be_read_has_no_format() -> None:
    report = validate_bytes(b"not xml", source="f.xml")
    assert report.format is None
    assert [(p.line, p.column, p.code) for p in report.problems] == [
        (1, None, "MissingEncoding"),
        (1, 1, "SAXError"),
    ]


def test_an_attribute_problem_names_the_attribute() -> None:
    data = b'<?xml version="1.0" encoding="utf-8"?>\n' + RSS_BODY.replace(
        b"</channel>",
        b'<item><title>x</title><guid isPermaLink="maybe">https://example.com/1</guid></item>\n</channel>',
    )
    assert _found(data)[-1] == (
        4,
        None,
        "InvalidBooleanAttribute",
        "the isPermaLink attribute of guid must be true or false, not 'maybe'",
    )


@pytest.mark.parametrize(
    ("items", "summary"), [(1000, []), (1001, ["1 more like the above (feedtool lists the first 1,000)"])]
)
def test_a_thousand_problems_of_one_kind_are_listed_and_more_are_counted(
    items: int, summary: list[str]
) -> None:
    data = b'<?xml version="1.0" encoding="utf-8"?>\n' + RSS_BODY.replace(
        b"</channel>", b"<item><title>x</title></item>\n" * items + b"</channel>"
    )
    report = validate_bytes(data, source="f.xml")
    missing = [p for p in report.problems if p.code == "MissingGuid"]
    assert len([p for p in missing if p.line is not None]) == 1000
    assert [p.message for p in missing if p.line is None] == summary


def test_the_http_charset_wins_over_the_declaration_and_an_unknown_one_is_named() -> None:
    latin = b'<?xml version="1.0" encoding="utf-8"?>\n' + RSS_BODY.replace(
        b"<title>t</title>", b"<title>caf\xe9</title>"
    )
    found = _found(latin, content_type="application/rss+xml; charset=iso-8859-1")
    assert [(line, code) for line, _, code, _ in found] == [
        (1, "EncodingMismatch"),
        (3, "MissingAtomSelfLink"),
    ]
    unknown = _found(
        b'<?xml version="1.0"?>\n' + RSS_BODY, content_type="application/rss+xml; charset=x-nonsense"
    )
    assert unknown == [(1, None, "UnknownEncoding", "unknown character encoding 'x-nonsense'")]


def test_lines_are_counted_through_a_document_longer_than_one_piece() -> None:
    padding = b"<!-- padding padding padding padding -->\n" * 2000  # 82,000 bytes: two pieces
    data = (
        b'<rss version="2.0">\n'
        + padding
        + RSS_BODY.split(b"\n", 1)[1].replace(b"<title>t", "<title>café".encode())
    )
    found = [(line, code) for line, _, code, _ in _found(data)]
    assert found == [(1, "MissingEncoding"), (2002, "UnicodeError"), (2002, "MissingAtomSelfLink")]


def test_a_json_feed_served_as_application_json_is_not_faulted_for_it() -> None:
    data = b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []}'
    report = validate_bytes(data, source="f.json", content_type="application/json")
    assert report.problems == ()
    served_as_xml = validate_bytes(data, source="f.json", content_type="application/xml")
    assert [p.code for p in served_as_xml.problems] == ["NonSpecificMediaType"]


@pytest.mark.parametrize("profile", ["feedtool", "w3c"])
@pytest.mark.parametrize(
    ("encoding", "c1"),
    [("utf-8", b"\xc2\x92"), ("iso-8859-1", b"\x92")],  # U+0092 where windows-1252 has a quote
)
@pytest.mark.parametrize("before", [b"", b"A title\nover two lines: "], ids=["one-line", "second-line"])
def test_one_c1_control_character_is_reported_once_where_it_stands(
    profile: str, encoding: str, c1: bytes, before: bytes
) -> None:
    # At the line of the element whose text holds it, however many lines that text takes.
    feed = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode()
        + b'<rss version="2.0"><channel><title>t</title><link>https://example.com/</link>\n'
        b"<description>d</description>\n"
        b"<item><title>" + before + b"don" + c1 + b"t</title><guid>https://example.com/1</guid></item>\n"
        b"<item><title>plain</title><guid>https://example.com/2</guid></item>\n"
        b"</channel></rss>\n"
    )
    report = validate_bytes(feed, source="f.xml", profile=profile)  # type: ignore[arg-type]
    assert [(p.line, p.code) for p in report.problems if p.code == "BadCharacters"] == [(4, "BadCharacters")]


def test_c1_control_characters_in_text_no_element_rule_judges_are_still_reported() -> None:
    # An Atom title: only the byte scan sees it.
    feed = ATOM.replace(b"<title>t</title>", b"<title>don\xc2\x92t</title>")
    found = [(line, code) for line, _, code, _ in _found(feed) if code == "BadCharacters"]
    assert found == [(2, "BadCharacters")]


# Items with one bad text each: a double-encoded title (no C1 control), U+0092 in a title, and
# U+0092 in an attribute, which only the byte scan sees.
_MOJIBAKE_TITLE = b"<item><title>caf\xc3\x83\xc2\xa9</title><guid>https://example.com/1</guid></item>"
_C1_TITLE = b"<item><title>don\xc2\x92t</title><guid>https://example.com/1</guid></item>"
_C1_ATTRIBUTE = (
    b"<item><title>plain</title><guid>https://example.com/2</guid>"
    b'<category domain="https://example.com/a\xc2\x92b">c</category></item>'
)


@pytest.mark.parametrize("profile", ["feedtool", "w3c"])
@pytest.mark.parametrize(
    ("first", "second", "newline", "lines"),
    [
        (_MOJIBAKE_TITLE, _C1_ATTRIBUTE, b"\n", [4, 5]),
        (_MOJIBAKE_TITLE, _C1_ATTRIBUTE, b"", [2, 2]),  # a feed written on one line
        (_C1_ATTRIBUTE, _C1_TITLE, b"\n", [4, 5]),  # the byte scan finds the attribute's first
    ],
    ids=["mojibake-then-attribute", "one-line-feed", "attribute-then-c1-title"],
)
def test_two_bad_texts_are_two_reports(
    profile: str, first: bytes, second: bytes, newline: bytes, lines: list[int]
) -> None:
    feed = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<rss version="2.0"><channel><title>t</title><link>https://example.com/</link>' + newline
        + b"<description>d</description>" + newline + first + newline + second + b"\n"
        b"</channel></rss>\n"
    )  # fmt: skip
    report = validate_bytes(feed, source="f.xml", profile=profile)  # type: ignore[arg-type]
    assert [p.line for p in report.problems if p.code == "BadCharacters"] == lines
