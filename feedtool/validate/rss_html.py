"""Escaped HTML in RSS (description, content:encoded): markup readers strip, relative links.

What readers strip is judged by the shared `feedtool.validate.html`; relative references
(ContainsRelRef) are judged here.
"""

from __future__ import annotations

import re
from html import unescape

from feedtool.validate.engine import Context, Element, has_xml_base
from feedtool.validate.html import check_html

_REFERENCE = re.compile(
    r"""<(?:a\s[^>]*?\bhref|img\s[^>]*?\bsrc)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"\w+:")


# Any href or src whose value does not start with a scheme: most HTML has none, so this one
# search spares the full scan below.
_MAYBE_RELATIVE = re.compile(r"""\b(?:href|src)\s*=\s*["']?\s*(?!\w+:)""", re.IGNORECASE)


def relative_references(markup: str) -> list[str]:
    """The links (a href) and images (img src) in `markup` that have no scheme."""
    if not _MAYBE_RELATIVE.search(markup):
        return []
    found = []
    for match in _REFERENCE.finditer(markup):
        reference = match[1] or match[2] or match[3] or ""  # the one value group that matched
        if not _SCHEME.match(unescape(reference).strip()):
            found.append(reference)
    return found


def check_escaped_html(element: Element, ctx: Context, html: str) -> None:
    """Report markup in `html` (the element's text) that readers strip or mis-resolve."""
    if "<" not in html:
        return
    for finding in check_html(html):
        ctx.report(finding.code, element, detail=finding.detail, value=finding.detail)
    references = relative_references(html)
    if references and not has_xml_base(element):
        ctx.report("ContainsRelRef", element, value=references[0])
