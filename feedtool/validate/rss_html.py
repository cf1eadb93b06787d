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

# Any href or src whose value does not start with a scheme: most HTML has none, so this one
# search spares the full scan below.
_MAYBE_RELATIVE = re.compile(r"""\b(?:href|src)\s*=\s*["']?\s*(?!\w+:)""", re.IGNORECASE)


def references(markup: str) -> list[str]:
    """The addresses of the links and images in `markup`, entities decoded."""
    found = [m[1] for m in _IMAGE.finditer(markup)] + [m[1] for m in _LINK.finditer(markup)]
    return [unescape(value.strip("\"'")).strip() for value in found]


def check_escaped_html(element: Element, ctx: Context, html: str) -> None:
    """Report markup in `html` (the element's text) that readers strip or mis-resolve."""
    if "<" not in html:
        return
    for finding in check_html(html):
        ctx.report(finding.code, element, detail=finding.detail, value=finding.detail)
    if not _MAYBE_RELATIVE.search(html):
        return
    reported = set()
    for reference in references(html):
        if _SCHEME.match(reference):
            continue
        code = "InvalidUriChar" if values.check_uri(reference) == "InvalidUriChar" else "ContainsRelRef"
        if code not in reported:
            reported.add(code)
            ctx.report(code, element, value=reference)
