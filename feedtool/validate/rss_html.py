"""Escaped HTML in RSS (description, content:encoded): markup readers strip, relative links.

What readers strip is judged by the shared `feedtool.validate.html`; relative references
(ContainsRelRef) are judged here.
"""

from __future__ import annotations

import re
from html import unescape

from feedtool.validate import values
from feedtool.validate.engine import Context, Element
from feedtool.validate.html import check_html

# The relative address of a link (<a href=...>, href first) or of an image (<img ... src=...>),
# quoted or a bare word. Addresses with a scheme do not match, so the usual case costs no
# Python code. RSS readers show items away from the feed's site: addresses must be absolute.
# The W3C validator reads a value up to a closing quote that a space or the tag's end follows,
# so in a self-closing tag (src="a.png"/>) it runs on past its own quote.
_NO_SCHEME = r"(?!\s*\w+:)"


def _reference_patterns(value: str, after: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    double = rf'"{_NO_SCHEME}({value.format(chr(34))})"'
    single = rf"'{_NO_SCHEME}({value.format(chr(39))})'"
    relative = rf"(?:{double}|{single}|([\w-]+))(?={after})"
    return (
        re.compile(r"<img\s(?:[^>]*?\s)?src=" + relative, re.IGNORECASE),
        re.compile(r"<a\s+href=" + relative, re.IGNORECASE),
    )


READERS = _reference_patterns("[^{}]*", r"[\s/>]")
W3C = _reference_patterns(".*?", r"[\s>]")
_SCHEME = re.compile(r"\w+:")


def relative_references(markup: str, *, as_w3c: bool = False) -> list[str]:
    """The addresses of the links and images in `markup` that have no scheme (entities
    decoded); `as_w3c` reads them as the W3C validator does (see above)."""
    found = []
    for pattern in W3C if as_w3c else READERS:
        for match in pattern.finditer(markup):
            value = match[1] if match[1] is not None else match[2] if match[2] is not None else match[3]
            value = unescape(value).strip() if "&" in value else value.strip()
            if not _SCHEME.match(value):
                found.append(value)
    return found


def check_escaped_html(element: Element, ctx: Context, html: str) -> None:
    """Report markup in `html` (the element's text) that readers strip or mis-resolve."""
    if "<" not in html:
        return
    for finding in check_html(html):
        ctx.report(finding.code, element, detail=finding.detail, value=finding.detail)
    reported = set()
    for reference in relative_references(html, as_w3c=ctx.profile == "w3c"):
        code = "InvalidUriChar" if values.check_uri(reference) == "InvalidUriChar" else "ContainsRelRef"
        if code not in reported:
            reported.add(code)
            ctx.report(code, element, value=reference)
