"""Escaped HTML in RSS (description, content:encoded): markup readers strip, relative links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from feedtool.validate.engine import Context, Element, name_of
from feedtool.validate.namespaces import XML_BASE
from feedtool.validate.values import HTML_TAGS, words

# Elements and attributes that reader sanitizers keep; anything else is removed by them (and
# some of it, scripts and plugins above all, could run code if a reader did not).
SAFE_ELEMENTS = frozenset(
    (HTML_TAGS | {"figure", "figcaption", "noscript", "rb", "rtc", "picture", "svg"})
    - {"applet", "base", "basefont", "embed", "frame", "frameset", "head", "html", "iframe",
       "link", "meta", "noframes", "object", "param", "script", "style", "title", "body"}
)  # fmt: skip
SAFE_ATTRIBUTES = frozenset(
    words(
        """abbr accept accept-charset accesskey action align alt autoplay axis background bgcolor
    border cellpadding cellspacing char charoff charset checked cite class clear color cols
    colspan compact controls coords datetime dir disabled enctype face for frame headers height
    href hreflang hspace id ismap label lang longdesc loop maxlength media method multiple name
    nohref noshade nowrap poster preload prompt readonly rel rev rows rowspan rules scope
    selected shape size span src srcset start summary tabindex target title type usemap valign
    value vspace width xml:lang"""
    )
)
SAFE_CSS_PROPERTIES = frozenset(
    words(
        """azimuth background-color border-bottom-color border-collapse border-color
    border-left-color border-right-color border-top-color clear color cursor direction display
    elevation float font font-family font-size font-style font-variant font-weight height
    letter-spacing line-height overflow pause pause-after pause-before pitch pitch-range
    richness speak speak-header speak-numeral speak-punctuation speech-rate stress text-align
    text-decoration text-indent unicode-bidi vertical-align voice-family volume white-space
    width"""
    )
)
SAFE_CSS_KEYWORDS = frozenset(
    words(
        """auto aqua black block blue bold both bottom brown center collapse dashed dotted fuchsia
    gray green !important italic left lime maroon medium none navy normal nowrap olive pointer
    purple red right solid silver teal top transparent underline white yellow"""
    )
)
_CSS_VALUE = re.compile(
    r"#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d{0,2}\.?\d{0,2}(?:cm|em|ex|in|mm|pc|pt|px|%|,|\))?\Z"
)
_CSS_DECLARATIONS = re.compile(r"(?:\s*[-\w]+\s*:\s*[^:;]*(?:;|\Z))*\Z")
_CSS_DECLARATION = re.compile(r"([-\w]+)\s*:\s*([^:;]*)")
_BOXY = ("background", "border", "margin", "padding")
_SCHEME = re.compile(r"\w+:")


def unsafe_css(style: str) -> list[str]:
    """The properties or values of an inline style that sanitizers strip."""
    style = re.sub(r"url\s*\(\s*[^\s)]+?\s*\)\s*", " ", style)
    if not _CSS_DECLARATIONS.match(style):
        return [style]
    unsafe: list[str] = []
    for prop, value in _CSS_DECLARATION.findall(style.lower()):
        if prop not in SAFE_CSS_PROPERTIES:
            unsafe.append(prop)
        elif prop.split("-")[0] in _BOXY:
            unsafe += [
                word for word in value.split() if word not in SAFE_CSS_KEYWORDS and not _CSS_VALUE.match(word)
            ]
    return unsafe


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.risky_elements: list[str] = []
        self.risky_attributes: list[str] = []
        self.risky_styles: list[str] = []
        self.relative_refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_ELEMENTS:
            self.risky_elements.append(tag)
        for name, value in attrs:
            if name == "style":
                if unsafe_css(value or ""):
                    self.risky_styles.append(value or "")
            elif name not in SAFE_ATTRIBUTES:
                self.risky_attributes.append(name)
        refs = {"a": "href", "img": "src"}
        if tag in refs:
            for name, value in attrs:
                if name == refs[tag] and value is not None and not _SCHEME.match(value.strip()):
                    self.relative_refs.append(value)

    handle_startendtag = handle_starttag


def scan(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


def check_escaped_html(element: Element, ctx: Context, html: str) -> None:
    """Report markup in `html` (the element's text) that readers strip or mis-resolve."""
    if "<" not in html:
        return
    found = scan(html)
    parent = element.getparent()
    where = {"element": name_of(element), "parent": name_of(parent) if parent is not None else ""}
    for risky in dict.fromkeys(found.risky_elements):
        ctx.report("SecurityRisk", element, detail=f"<{risky}>", **where)
    for risky in dict.fromkeys(found.risky_attributes):
        ctx.report("SecurityRiskAttr", element, detail=risky, **where)
    for style in dict.fromkeys(found.risky_styles):
        ctx.report("DangerousStyleAttr", element, value=style, **where)
    if found.relative_refs and not _has_xml_base(element):
        ctx.report("ContainsRelRef", element, value=found.relative_refs[0], **where)


def _has_xml_base(element: Element) -> bool:
    node: Element | None = element
    while node is not None:
        if node.get(XML_BASE) is not None:
            return True
        node = node.getparent()
    return False
