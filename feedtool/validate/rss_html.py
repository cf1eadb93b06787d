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

# The address of a link (<a href=...>, href first) or of an image (<img ... src=...>), quoted
# or a bare word, up to a closing quote that a space or the tag's end follows. RSS readers show
# items away from the feed's site, so these addresses must be absolute.
_VALUE = r"""("(?:.*?)"|'(?:.*?)'|[\w-]+)(?=[\s>])"""
_LINK = re.compile(r"<a\s+href=" + _VALUE, re.IGNORECASE)
_IMAGE = re.compile(r"<img\s[^>]*src=" + _VALUE, re.IGNORECASE)
_SCHEME = re.compile(r"\w+:")


def relative_references(markup: str, *, as_w3c: bool = False) -> list[str]:
    """The addresses of the links and images in `markup` that have no scheme (entities
    decoded). In a self-closing tag (src="a.png"/>) the value runs on to the next quote that a
    space or a tag's end follows; `as_w3c` keeps that run-on value, as the W3C validator reads
    it, otherwise the address ends at its own closing quote."""
    found = []
    for pattern in (_IMAGE, _LINK):
        for match in pattern.finditer(markup):
            value = match[1]
            if not as_w3c and value[0] in "\"'":
                value = value[: value.index(value[0], 1) + 1]
            value = value.strip("\"'")
            if _SCHEME.match(value):
                continue  # the usual case, decided without decoding
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
