"""The HTML checks shared by every format: dangerous markup, style, and HTML that needs a
browser's error recovery (NotHtml)."""

from __future__ import annotations

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedtool.validate.html import check_html, safe_style

TOKENS = (
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>", "</i>", '<a href="x">', "</a>",
    "<br>", "<br/>", "</br>", '<img src="a.png">', "</img>", "<ul>", "</ul>", "<li>", "</li>",
    "<h1>", "</h1>", "<h2>", "</h2>", "text", " ", "&amp;", "&", "&nbsp;", "&bogus;", "<", ">",
    "<span class=x>", "</span>", "<table>", "<td>", "<pre>", "</pre>", "<hr/>", "<div/>",
    "<a href=x&y>", '<img src="q?a=1&b=2">', '"', "'", "<!-- note -->", '<p id=a id=b>',
    '<span title="a>b">', "<blockquote>", "</blockquote>", "\x01", "<input disabled>", "&#128;", "&#13;",
    "&#x1F600;", "</p x>", "</p/>", '<a\u00a0href="x">', "<command>", "</command>", '<b title="t" TITLE="u">',
)  # fmt: skip


def html5lib_errors(markup: str) -> list[str]:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    parser.parseFragment(markup)
    return [code for _, code, _ in parser.errors]


def not_html(markup: str) -> str | None:
    """What check_html (the one HTML check every format runs) says of markup that is not HTML."""
    return next((f.detail for f in check_html(markup) if f.code == "NotHtml"), None)


def needs_recovery(markup: str) -> bool:
    # check_html judges only text with a "<" in it: without one (a stray "&", a control
    # character) there is no markup to recover, and NotHtml is not reported.
    return "<" in markup and bool(html5lib_errors(markup))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14))
def test_not_html_exactly_when_a_browser_parser_needs_error_recovery(tokens: list[str]) -> None:
    markup = "".join(tokens)
    assert (not_html(markup) is not None) == needs_recovery(markup), markup


# Markup as most feeds write it (lowercase names, quoted values): what the fast scan reads.
FEED_TOKENS = (
    "<p>", "</p>", '<a href="https://example.com/">', "</a>", "<em>", "</em>", "<h1>", "</h1>",
    "<h2>", "</h2>", "<ul>", "</ul>", "<li>", "</li>", "<dd>", "<dt>", "</dd>", "<div>", "</div>",
    "<blockquote>", "</blockquote>", "<br/>", "<br>", "</br>", '<img src="a.png" alt="a"/>',
    '<span class="c"/>', '<b title="t" title="u">', '<b title="t" lang="en">', "</b>", "text",
    "&amp;", "&#128;", '<object data="x">', "</object>", "<code>", "</code>", "<title>", " ",
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FEED_TOKENS), min_size=1, max_size=14))
def test_feed_html_is_not_html_exactly_when_a_browser_parser_needs_error_recovery(tokens: list[str]) -> None:
    markup = "".join(tokens)
    assert (not_html(markup) is not None) == needs_recovery(markup), markup


@pytest.mark.parametrize(
    "markup",
    [
        '<p><a href="https://example.com/">one <a href="https://example.org/">two</a></a></p>',
        '<p>text<span class="note"/></p>',  # a self-closing element that is not void
        '<p><span class="note"/></span></p>',
        "<p>line<br>break</br></p>",
        '<p><a href="https://example.com/" href="https://example.org/">twice</a></p>',
        "<h1><h2>inside</h2></h1>",
        "<ul><li>one<li>two</li></li></ul>",
        "<p>a<div>b</div></p>",
    ],
)
def test_feed_html_a_browser_parser_must_recover_from_is_not_html(markup: str) -> None:
    assert html5lib_errors(markup), markup
    assert [f.code for f in check_html(markup)] == ["NotHtml"]


def test_elements_readers_remove_are_found_in_well_formed_feed_html() -> None:
    found = check_html('<p>see <object data="https://example.com/x.swf">this</object></p>')
    assert [(f.code, f.detail) for f in found] == [("SecurityRisk", "<object>")]


@pytest.mark.parametrize(
    "markup",
    [
        "<input disabled disabled>",  # a duplicate attribute without a value
        "<p>caf&#233; &#128; menu</p>",  # a reference to a C1 control
        "<p>line&#13;</p>",  # to a carriage return
        "<p>&#xFFFE;</p>",  # to a noncharacter
        "<p>a</p class=x>",  # an end tag with attributes
        "<p>a</p/>",  # a self-closing end tag
        '<a\u00a0href="https://example.com/">link</a>',  # U+00A0 is text to HTML, not a space
        "<p><command></command></p>",  # command is void: its end tag is a stray one
    ],
)
def test_fragments_a_browser_parser_must_recover_from_are_not_html(markup: str) -> None:
    assert html5lib_errors(markup), markup  # the oracle agrees there is something to recover from
    assert [f.code for f in check_html(markup)] == ["NotHtml"]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<p>Fish &amp; chips <a href="https://example.com/?a=1&amp;b=2">menu</a></p>', None),
        ("<p>Fish & chips</p>", None),  # a lone & before a space is fine
        ("<p>AT&T</p>", "expected named entity"),
        ("<p>one</p></p>", "unexpected end tag"),
        ("<p>a<div>b</div></p>", "unexpected end tag"),
        ('<img src="a.png"></img>', "unexpected end tag"),
        ("<span/>", "non void element with trailing solidus"),
        ("<p>1 < 2</p>", "expected tag name"),
        ("<b>bold <i>both</b> italic</i>", "adoption agency"),
    ],
)
def test_typical_fragments(markup: str, expected: str | None) -> None:
    problem = not_html(markup)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and problem.startswith(expected)


def test_dangerous_markup_and_style() -> None:
    codes = {f.code for f in check_html('<p onclick="x()" style="position:absolute">a</p>')}
    assert codes == {"SecurityRiskAttr", "DangerousStyleAttr"}
    assert {f.code for f in check_html("<SCRIPT>x</SCRIPT>")} == {"SecurityRisk"}
    assert check_html('<p style="color: red; margin: 0 5px">Hi</p>') == ()
    assert not safe_style("mso-tab-count: 3")
    assert safe_style("font-family: 'Comic Sans', serif")
