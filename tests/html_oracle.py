"""What must never be in sanitized HTML, written down here and not taken from feedtool.

A browser-grade parser (html5lib) reads the HTML the way a feed reader's web view would; the
lists below are the README's promise ("drops scripts, styles, iframes, objects, forms and
their controls …; `style`, `class` and every event-handler attribute; and any URL whose scheme
is not http, https or mailto") spelled out element by element.
"""

from __future__ import annotations

import re

import html5lib

SAFE_SCHEMES = ("http", "https", "mailto")
# Elements that run code, load or embed other documents, submit, restyle the page, or
# change how the reader resolves URLs.
NEVER_ELEMENTS = frozenset(
    {
        "script", "style", "link", "meta", "base", "iframe", "frame", "frameset", "object",
        "embed", "applet", "param", "form", "input", "button", "select", "option", "textarea",
        "keygen", "isindex", "svg", "math", "template", "noscript", "noembed", "noframes",
        "xmp", "plaintext", "title", "head", "body", "html", "portal", "fencedframe", "slot",
        "audio", "video", "source", "track", "canvas", "dialog", "details", "marquee",
    }
)  # fmt: skip
# Attributes that style, run code, submit, or name something to load.
NEVER_ATTRIBUTES = frozenset(
    {
        "style", "class", "id", "srcset", "action", "formaction", "background", "poster",
        "data", "codebase", "dynsrc", "lowsrc", "ping", "manifest", "usemap", "longdesc",
        "xmlns", "xlink:href", "srcdoc", "http-equiv", "autofocus", "contenteditable", "is",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def forbidden_parts(html: str) -> list[str]:
    """Everything in `html` that must not survive sanitizing, as a browser would see it."""
    found = []
    for element in html5lib.parseFragment(html, namespaceHTMLElements=False).iter():
        if not isinstance(element.tag, str):
            if element.tag is not None and "Comment" in str(element.tag):
                found.append("<!--comment-->")
            continue
        if element.tag == "DOCUMENT_FRAGMENT":
            continue
        name = element.tag.lower()
        if name in NEVER_ELEMENTS or ":" in name or "}" in name:
            found.append(f"<{name}>")
        for attribute, value in element.attrib.items():
            attribute = attribute.lower()
            if attribute.startswith("on") or attribute in NEVER_ATTRIBUTES:
                found.append(f"{name}[{attribute}]")
            if attribute in URL_ATTRIBUTES:
                # Browsers ignore ASCII whitespace and control characters around and inside a
                # scheme: "jav\tascript:" is javascript:.
                compact = re.sub(r"[\x00-\x20]", "", value)
                scheme = _SCHEME.match(compact)
                if scheme is None or scheme.group(1).lower() not in SAFE_SCHEMES:
                    found.append(f"{name}[{attribute}={value[:60]}]")
    return found
