"""Hostile documents the validator must refuse before they cost it memory or time: entity
declarations wherever the DOCTYPE stands and whatever the encoding, a start tag with a
million attributes, floods of elements, comments, text and problems. Memory figures are in
bench/validate_speed.py; these tests pin what the user is told and that parsing stops."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from feedtool.validate import Report, validate_bytes, validate_path
from feedtool.validate.engine import validate_chunks
from feedtool.validate.limits import InputGuard

LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + ']>\n<rss version="2.0" a="&l9;"><channel><title>&l9;</title></channel></rss>\n'
)
ENTITIES = "the document declares entities (l0, l1, l2, l3, l4); feedtool does not expand them and stops here"


def problems(report: Report) -> list[tuple[str, int | None, str]]:
    """Errors and warnings (a document without an encoding declaration also gets an info)."""
    return [(p.code, p.line, p.message) for p in report.problems if p.severity != "info"]


def test_a_doctype_after_64_kib_of_whitespace_is_refused_before_the_parser_sees_it(tmp_path: Path) -> None:
    late = tmp_path / "late.xml"  # a file is read in pieces of 64 KiB
    late.write_text('<?xml version="1.0"?>\n' + " " * 70_000 + LAUGHS, encoding="utf-8")
    assert problems(validate_path(late)) == [("EntityDeclaration", 1, ENTITIES)]


def test_a_doctype_after_64_kib_of_comments_is_refused(tmp_path: Path) -> None:
    late = tmp_path / "late.xml"
    late.write_text('<?xml version="1.0"?>\n' + "<!-- padding -->\n" * 5_000 + LAUGHS, encoding="utf-8")
    assert problems(validate_path(late)) == [("EntityDeclaration", 1, ENTITIES)]


def test_utf16_without_a_byte_order_mark_is_read_as_the_parser_reads_it() -> None:
    declared = ('<?xml version="1.0" encoding="UTF-16"?>\n' + LAUGHS).encode("utf-16-be")
    assert problems(validate_bytes(declared, source="be.xml")) == [("EntityDeclaration", 1, ENTITIES)]
    little = ('<?xml version="1.0" encoding="UTF-16"?>\n' + LAUGHS).encode("utf-16-le")
    assert problems(validate_bytes(little, source="le.xml")) == [("EntityDeclaration", 1, ENTITIES)]
    undeclared = LAUGHS.encode("utf-16-be")
    assert problems(validate_bytes(undeclared, source="bare.xml")) == [("EntityDeclaration", 1, ENTITIES)]


def test_an_entity_declaration_in_text_is_not_one() -> None:
    feed = (
        b'<?xml version="1.0"?>\n<!-- an example: <!DOCTYPE x [<!ENTITY a "b">]> -->\n'
        b'<rss version="2.0"><channel><title>t</title><link>https://example.com/</link>'
        b'<description><![CDATA[<!DOCTYPE doc [<!ENTITY % dtd SYSTEM "http://x/">]>]]></description>'
        b"</channel></rss>\n"
    )
    assert "EntityDeclaration" not in {code for code, _, _ in problems(validate_bytes(feed, source="t.xml"))}


def test_a_start_tag_with_a_million_attributes_is_refused() -> None:
    attributes = "".join(f' a{i}="x"' for i in range(1_000_000))
    document = (
        f'<?xml version="1.0"?>\n<rss version="2.0"><channel{attributes}><title>t</title></channel></rss>\n'
    )
    assert problems(validate_bytes(document.encode(), source="attrs.xml")) == [
        (
            "ValidatorLimit",
            2,
            "feedtool stops here, at one of its limits against hostile input: a start tag with "
            "more than 10,000 attributes",
        )
    ]


def test_a_tag_with_many_attributes_below_the_limit_is_checked_as_usual() -> None:
    attributes = "".join(f' a{i}="x"' for i in range(10_000))
    document = f'<rss version="2.0"><channel{attributes}><title>t</title></channel></rss>'
    codes = {code for code, _, _ in problems(validate_bytes(document.encode(), source="a.xml"))}
    assert "ValidatorLimit" not in codes
    assert "MissingLink" in codes  # checked to the end


def _tag(count: int, value: str) -> bytes:
    return ("<rss" + "".join(f" a{i}='{value}'" for i in range(count)) + ">").encode()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=200_000), max_size=6), st.sampled_from(["x", ">", "a=b", ""])
)
def test_the_attribute_count_does_not_depend_on_where_the_pieces_break(cuts: list[int], value: str) -> None:
    """Values may hold `>` and `=`; whatever the chunk boundaries, 10,001 attributes are
    refused and 10,000 are not."""
    for count, refused in ((10_001, True), (10_000, False)):
        document = b'<?xml version="1.0"?>\n' + _tag(count, value) + b"</rss>"
        points = sorted({c % len(document) for c in cuts} | {0, len(document)})
        guard = InputGuard(document[:1024], None)
        stops = [guard.check(document[a:b]) for a, b in itertools.pairwise(points)]
        found = [s.attributes_line for s in stops if s is not None]
        assert found == ([2] if refused else []), (count, value, points)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["   ", "\n", "<!-- <!ENTITY x 'y'> -->", "<?pi <!ENTITY?>", "<!---->"]), max_size=40
    ),
    st.lists(st.integers(min_value=1, max_value=4000), max_size=5),
    st.sampled_from(["utf-8", "utf-16-be", "utf-16-le", "utf-32-le"]),
    st.booleans(),
)
def test_entity_declarations_are_found_after_any_prolog_in_any_encoding(
    prolog: list[str], cuts: list[int], encoding: str, declared: bool
) -> None:
    """However long the prolog, wherever the pieces break: an internal subset that declares
    an entity is refused, and one that only mentions it in comments is not."""
    for subset, refused in (("<!ENTITY e 'x'>", True), ("<!-- <!ENTITY no -->", False)):
        text = "".join(prolog) + f"<!DOCTYPE rss [{subset}]>\n<rss/>"
        if declared:
            text = f'<?xml version="1.0" encoding="{encoding}"?>' + text
        data = text.encode(encoding)
        points = sorted({c % len(data) for c in cuts} | {0, len(data)})
        report = validate_chunks(
            (data[a:b] for a, b in itertools.pairwise(points)),
            source="p.xml",
            location=None,
            content_type=None,
        )
        assert ("EntityDeclaration" in {p.code for p in report.problems}) == refused, (text, encoding)


def _feed(channel: str, item: str = "") -> bytes:
    return (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>'
        f"<link>https://example.com/</link><description>d</description>{channel}"
        f"<item><title>i</title>{item}</item></channel></rss>\n"
    ).encode()


LIMIT = "feedtool stops here, at one of its limits against hostile input: the document holds more than 32 MB"


def read_as_a_file(document: bytes, name: str) -> Report:
    """Validate `document` as a file is read: in pieces of 64 KiB."""
    pieces = (document[i : i + 65536] for i in range(0, len(document), 65536))
    return validate_chunks(pieces, source=name, location=None, content_type=None)


def test_floods_of_elements_comments_and_text_stop_at_the_memory_budget() -> None:
    text = "<description>" + "x" * 9_000_000 + "</description>"
    for name, document in (
        ("elements in the channel", _feed("<x/>" * 1_000_000)),
        ("elements in an item", _feed("", "<x/>" * 1_000_000)),
        ("comments", _feed("<!---->" * 1_500_000)),
        ("text in the channel", _feed(text * 5)),
        ("text in an item", _feed("", text * 5)),
        ("namespaces", _feed("".join(f'<n{i}:x xmlns:n{i}="urn:x:{i}"/>' for i in range(80_000)))),
    ):
        report = read_as_a_file(document, f"{name}.xml")
        limits = [p.message for p in report.problems if p.code == "ValidatorLimit"]
        assert len(limits) == 1 and limits[0].startswith(LIMIT), name


def test_what_only_looks_like_many_attributes_is_not_refused() -> None:
    quoted = 'a="x" ' * 20_000
    for name, document in (
        ("a comment", _feed(f"<!-- {quoted} -->")),
        ("a CDATA section", _feed(f"<description><![CDATA[{quoted}]]></description>")),
        ("text", _feed(f"<description>{quoted.replace(chr(34), '&quot;')}</description>")),
    ):
        report = read_as_a_file(document, f"{name}.xml")
        assert "ValidatorLimit" not in {p.code for p in report.problems}, name


def test_an_entity_declaration_split_between_two_pieces_is_found() -> None:
    document = ('<?xml version="1.0"?>\n' + " " * 65_531 + LAUGHS).encode()
    split = document.index(b"<!ENTITY") + 4  # "<!EN" | "TITY"
    report = validate_chunks(
        (document[:split], document[split:]), source="s.xml", location=None, content_type=None
    )
    assert problems(report) == [("EntityDeclaration", 1, ENTITIES)]


def test_a_comment_in_the_internal_subset_hides_nothing_after_it() -> None:
    document = LAUGHS.replace("[", "[<!-- a comment -->", 1).encode()
    assert problems(validate_bytes(document, source="c.xml")) == [("EntityDeclaration", 1, ENTITIES)]


def test_an_http_charset_of_utf16_leaves_the_byte_order_to_the_bytes() -> None:
    document = LAUGHS.encode("utf-16-be")
    report = validate_bytes(document, source="u.xml", content_type="application/rss+xml; charset=utf-16")
    assert ("EntityDeclaration", 1, ENTITIES) in problems(report)


def test_a_large_feed_of_many_items_is_checked_to_the_end() -> None:
    """Items are emptied once checked and replace each other: their number is not limited."""
    items = "<item><title>n</title></item>" * 100_000 + "<item><pubDate>soon</pubDate></item>"
    report = validate_bytes(_feed(items), source="big.xml")
    assert "ValidatorLimit" not in {p.code for p in report.problems}
    assert [p.line for p in report.problems if p.code == "InvalidRFC2822Date"] == [2]


def test_a_flood_of_one_problem_is_listed_once_a_thousand_times_then_counted() -> None:
    report = validate_bytes(_feed("<x/>" * 1_500), source="many.xml")
    undefined = [p for p in report.problems if p.code == "UndefinedElement"]
    assert len(undefined) == 1001
    assert [p.line for p in undefined[:1000]] == [2] * 1000
    assert undefined[1000].message == "500 more like the above (feedtool lists the first 1,000)"
    assert report.verdict == "error"
