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
# or a bare word, up to the space or the end of its tag. RSS readers show items away from the
# feed's site, so these must be absolute.
_LINK = re.compile(r"""<a\s+href=("[^"]*"|'[^']*'|[\w-]+)(?=[\s>])""", re.IGNORECASE)
_IMAGE = re.compile(r"""<img\s[^>]*?src=("[^"]*"|'[^']*'|[\w-]+)(?=[\s>])""", re.IGNORECASE)
_SCHEME = re.compile(r"\w+:")


def relative_references(markup: str) -> list[str]:
    """The addresses of the links and images in `markup` that have no scheme (entities
    decoded)."""
    found = []
    for pattern in (_IMAGE, _LINK):
        for match in pattern.finditer(markup):
            value = match[1].strip("\"'")
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
    for reference in relative_references(html):
        code = "InvalidUriChar" if values.check_uri(reference) == "InvalidUriChar" else "ContainsRelRef"
        if code not in reported:
            reported.add(code)
            ctx.report(code, element, value=reference)
