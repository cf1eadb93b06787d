"""HTML inside feeds: dangerous markup, unsafe style, and text that is not HTML at all.

Two entry points, one per way a feed carries HTML:
- `check_html(markup)` for escaped HTML (Atom `type="html"`, RSS description,
  content:encoded): a fast scan of the tags, no tree built, so large feeds stay fast;
- `check_xhtml(element)` for inline XHTML (Atom `type="xhtml"`, xhtml:body): every element
  and attribute must be one readers keep.

Both return `HtmlFinding`s whose `code` is SecurityRisk (an element readers strip),
SecurityRiskAttr (an event handler or unknown attribute), DangerousStyleAttr (style that
readers strip), NotHtml (markup that does not parse) or UnknownNamespace.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.entities import name2codepoint
from typing import Literal

import html5lib
from lxml import etree

from feedtool.validate.codes import define
from feedtool.validate.namespaces import XHTML

MATHML = "http://www.w3.org/1998/Math/MathML"
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"


@dataclass(frozen=True, slots=True)
class HtmlFinding:
    code: str
    detail: str


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Elements that run code, load other documents or change the page around the entry.
DANGEROUS_ELEMENTS = _words(
    "script applet embed object iframe frame frameset meta link style base bgsound layer ilayer xml noscript"
)
# The elements readers keep in inline XHTML (HTML 4 and the HTML5 text-level additions).
SAFE_ELEMENTS = _words(
    "a abbr acronym address area article aside audio b bdi bdo big blockquote br button "
    "caption center cite code col colgroup dd del details dfn dir div dl dt em fieldset "
    "figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hr i img input ins kbd "
    "label legend li map mark menu nav ol optgroup option p pre q s samp section select "
    "small source span strike strong sub summary sup table tbody td textarea tfoot th thead "
    "time tr track tt u ul var video wbr"
)
SAFE_ATTRIBUTES = _words(
    "abbr accept accept-charset accesskey action align alt axis bgcolor border cellpadding "
    "cellspacing char charoff charset checked cite class clear color cols colspan compact "
    "controls coords datetime dir disabled enctype face for frame headers height href "
    "hreflang hspace id ismap label lang longdesc loop maxlength media method multiple name "
    "nohref noshade nowrap poster preload prompt readonly rel rev rows rowspan rules scope "
    "selected shape size span src start summary tabindex target title type usemap valign "
    "value vspace width"
)
MATHML_ELEMENTS = _words(
    "math maction annotation semantics menclose merror mfenced mfrac mi mmultiscripts mn mo "
    "mover mpadded mphantom mprescripts mroot mrow mspace msqrt mstyle msub msubsup msup "
    "mtable mtd mtext mtr munder munderover none"
)
SVG_ELEMENTS = _words(
    "svg a animate animateColor animateMotion animateTransform circle defs desc ellipse g "
    "line linearGradient marker metadata path polygon polyline radialGradient rect set stop "
    "switch text title tspan use"
)
FOREIGN_ATTRIBUTES = _words(
    "accent accentunder actiontype align background-color bevelled close closure color "
    "columnalign columnlines columnspacing columnspan depth display displaystyle encoding "
    "equalcolumns equalrows fence fontstyle fontweight frame height linethickness lspace "
    "mathbackground mathcolor mathvariant maxsize minsize open other rowalign rowlines "
    "rowspacing rowspan rspace scriptlevel selection separator separators stretchy width "
    "xmlns cx cy d dx dy fill fill-opacity font-family font-size height id class r rx ry "
    "points stroke stroke-width stroke-opacity transform viewBox x x1 x2 y y1 y2 "
    "gradientUnits offset stop-color opacity style"
)

# CSS that readers keep: these properties, with values made of the keywords and sizes below.
SAFE_CSS_PROPERTIES = _words(
    "azimuth background-color border-bottom-color border-collapse border-color "
    "border-left-color border-right-color border-top-color clear color cursor direction "
    "display elevation float font font-family font-size font-style font-variant font-weight "
    "height letter-spacing line-height overflow pause pause-after pause-before pitch "
    "pitch-range richness speak speak-header speak-numeral speak-punctuation speech-rate "
    "stress text-align text-decoration text-indent unicode-bidi vertical-align voice-family "
    "volume white-space width"
)
SAFE_CSS_KEYWORDS = _words(
    "auto aqua black block blue bold both bottom brown center collapse dashed dotted fuchsia "
    "gray green !important italic left lime maroon medium none navy normal nowrap olive "
    "pointer purple red right solid silver teal top transparent underline white yellow"
)
_CSS_SIZE_OR_COLOR = re.compile(
    r"(?:#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d{0,2}\.?\d{0,2}(?:cm|em|ex|in|mm|pc|pt|px|%|,|\))?)\Z"
)
_CSS_DECLARATION = re.compile(r"\s*([-\w]+)\s*:\s*([^:;]*);?")
_CSS_WELL_FORMED = re.compile(r"""\s*(?:[-\w]+\s*:\s*(?:[^:;"'\\()]|\([^()]*\)|"[^"]*"|'[^']*')*;?\s*)*\Z""")

_TAG = re.compile(r"<(/?)([a-zA-Z][-\w:.]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
# An event handler attribute, `on…=` after whitespace. The pattern starts with the literal
# "on", which re finds far faster than a leading \s; the lookbehind then checks the space.
_EVENT_HANDLER = re.compile(r"on(?<=\son)[a-zA-Z]+\s*=")
# The start tag of a dangerous element, found in lowered text: a case-sensitive pattern is
# several times faster than one that ignores case.
_DANGEROUS_TAG_LOWERED = re.compile(r"<(" + "|".join(sorted(DANGEROUS_ELEMENTS)) + r")(?=[\s/>])")
_SCRIPT_URL = re.compile(r"\s*(?:java|vb|live)script:", re.IGNORECASE)


# SVG's presentation properties: what readers keep in the style of an SVG element.
SVG_CSS_PROPERTIES = SAFE_CSS_PROPERTIES | _words(
    "fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin "
    "stroke-opacity stroke-dasharray stroke-dashoffset stroke-miterlimit stop-color "
    "stop-opacity opacity"
)


def safe_style(css: str, properties: frozenset[str] = SAFE_CSS_PROPERTIES) -> bool:
    """True when every declaration of a style attribute is one readers keep as written."""
    css = css.lower()
    if not _CSS_WELL_FORMED.match(css):
        return False
    for prop, value in _CSS_DECLARATION.findall(css):
        if not value.strip():
            continue
        if prop in properties:
            continue
        boxy = prop == "background" or prop.split("-", 1)[0] in ("border", "margin", "padding")
        if boxy and all(
            word in SAFE_CSS_KEYWORDS or _CSS_SIZE_OR_COLOR.match(word) for word in value.split()
        ):
            continue
        return False
    return True


def _attribute_findings(name: str, value: str, *, whitelist: bool, svg: bool = False) -> list[HtmlFinding]:
    name = name.lower()
    if name.startswith("on"):
        return [HtmlFinding("SecurityRiskAttr", name)]
    if name == "style":
        safe = safe_style(value, SVG_CSS_PROPERTIES if svg else SAFE_CSS_PROPERTIES)
        return [] if safe else [HtmlFinding("DangerousStyleAttr", value.strip())]
    if name in ("href", "src", "action", "background", "dynsrc", "lowsrc") and _SCRIPT_URL.match(value):
        return [HtmlFinding("SecurityRisk", f'{name}="{value.strip()[:40]}"')]
    if whitelist and name not in SAFE_ATTRIBUTES and not name.startswith("xml"):
        return [HtmlFinding("SecurityRiskAttr", name)]
    return []


# The findings depend on the text alone, and a build checks each article three times in a
# row (in its Atom, RSS and JSON Feed entries): the last texts' findings are kept.
@functools.lru_cache(maxsize=2)
def check_html(markup: str) -> tuple[HtmlFinding, ...]:
    """Findings in escaped HTML (the text of an element that carries HTML)."""
    if "<" not in markup:
        return ()
    scan = _plainly_well_formed(markup)
    problem = None if scan else _html5lib_problem(markup)
    if problem:
        # Markup that needs error recovery is judged as a whole, as the W3C does: what a
        # reader's parser makes of it (and so what it strips) is anybody's guess.
        return (HtmlFinding("NotHtml", problem),)
    findings: list[HtmlFinding] = []
    # Most feed HTML has no event handlers, style or script: URLs; then only the element
    # names matter, and one regex pass (in C) finds them.
    lowered = markup.lower()
    if "style" in lowered or "script:" in lowered or _has_event_handler(markup):
        for match in _TAG.finditer(markup):
            closing, name, attributes = match.groups()
            if closing:
                continue
            if name.lower() in DANGEROUS_ELEMENTS:
                findings.append(HtmlFinding("SecurityRisk", f"<{name.lower()}>"))
            if attributes.strip(" /\t\r\n"):
                for attr, *values in _ATTRIBUTE.findall(attributes):
                    value = next((v for v in values if v), "")
                    findings += _attribute_findings(attr, value, whitelist=False)
    elif scan != "vouched":  # the fast scan vouches only for fragments without such elements
        findings += [
            HtmlFinding("SecurityRisk", f"<{name}>") for name in _DANGEROUS_TAG_LOWERED.findall(lowered)
        ]
    return tuple(dict.fromkeys(findings))


def _has_event_handler(markup: str) -> bool:
    """Whether an `on…=` attribute follows whitespace."""
    return _EVENT_HANDLER.search(markup) is not None


# Elements whose start tag closes an open <p> (HTML parsing rules), and raw-text or
# table-like elements whose parsing has rules a tag scan does not follow.
_CLOSES_P = _words(
    "address article aside blockquote center details dialog dir div dl fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p "
    "pre section table ul li dd dt"
)
_HEADINGS = _words("h1 h2 h3 h4 h5 h6")
_LIST_ITEMS = _words("li dd dt")
_COMPLEX = _words(
    "script style textarea title xmp iframe noembed noframes noscript plaintext select "
    "option optgroup table tbody thead tfoot tr td th caption colgroup col template svg "
    "math frameset frame head body html ruby rb rt rp rtc form button nobr"
)
_VOID = _words(
    "area base br col embed hr img input link meta param source track wbr basefont bgsound frame keygen "
    "command"
)
# HTML's whitespace (Python's \s also matches U+00A0, U+3000 …, which HTML reads as text).
_WS = "[ \\t\\n\\r\\f]"
# Possessive (++, *+): the alternatives start with different characters, so giving back
# what they matched can never lead to a match; saying so spares re the attempts.
_TAG_PARTS = re.compile(r"<(/?)([a-zA-Z][^ \t\n\r\f/>]*)((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>")
_ATTRIBUTE_NAME = re.compile(rf"""(?:^|{_WS})([^ \t\n\r\f"'<>/=]+)""")
_STRAY_LT = re.compile(r"<(?![a-zA-Z/!])|</(?![a-zA-Z])")
# Every &, with the reference it begins if it is a complete one (else the groups are empty).
_AMPERSAND = re.compile(r"&(?:#([0-9]+);|#[xX]([0-9a-fA-F]+);|([a-zA-Z][a-zA-Z0-9]*);)?")
_BAD_CODEPOINT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef]")

# The tags of the fragments the fast scan vouches for: lowercase names, attributes written
# name="value" (or '…') with no < or > in the value and no name twice, end tags bare. Each
# match is an end tag (group 1: its name), or a start tag (2: its name, 3: its last
# attribute's name, to find it again, 4: "/" when self-closing) with, when only text comes
# before its end tag, that text and end tag too (5: the end tag's ">", a string Python
# need not make): one match for a leaf such as <em>word</em>, which is most of them.
_VOUCHED_ATTRIBUTE = (
    rf"""{_WS}++([a-z][-a-z0-9_:.]*+)=(?:"[^"<>]*+"|'[^'<>]*+')(?!(?:[^ \t\n\r\f>]*+{_WS})*?\3=)"""
)
_VOUCHED_TAG = re.compile(
    rf"<(?:/([a-z][a-z0-9]*+){_WS}*+>"
    rf"|([a-z][a-z0-9]*+)(?:{_VOUCHED_ATTRIBUTE})*+{_WS}*+(/?)>(?:[^<]*+</\2{_WS}*+(>))?)"
)


def _plainly_well_formed(markup: str) -> Literal["vouched", "scanned", ""]:
    """Which tag scan proves the fragment parses without error: "vouched" (the fast one,
    which also saw no element of DANGEROUS_ELEMENTS), "scanned" (the full one), or ""
    (unsure: the parser decides)."""
    # Whole-fragment checks first, each one pass: control characters, incomplete character
    # references, and (the fast scan reads none) comments, left to the parser.
    if _has_bad_codepoint(markup):
        return ""
    if "&" in markup and not _references_complete(markup):
        return ""
    if _vouched(markup):
        return "vouched"
    return "scanned" if "<!" not in markup and _scanned(markup) else ""


def _vouched(markup: str) -> bool:
    """The fast scan, for the fragments most feeds carry (see _VOUCHED_TAG): one regex pass
    reads every tag, then the open elements are followed as the parser would."""
    tags = _VOUCHED_TAG.findall(markup)
    kinds = _KINDS
    opened: list[str] = []
    in_p = in_a = in_list_item = leaves = 0
    for end, name, _, self_closing, leaf in tags:
        if end:
            if not opened or opened.pop() != end:
                return False
            if end in _COUNTED:
                in_p -= end == "p"
                in_a -= end == "a"
                in_list_item -= end != "p" and end != "a"
            continue
        kind = kinds.get(name, 0)
        if self_closing and not kind & _VOID_KIND:
            return False  # <p/>: a self-closing non-void element
        if kind:
            if kind & (_COMPLEX_KIND | _DANGEROUS_KIND) or (leaf and kind & _VOID_KIND):
                return False
            if kind & _VOID_KIND:
                continue
            if (
                (in_p and kind & _CLOSES_P_KIND)
                or (kind & _HEADING_KIND and opened and kinds.get(opened[-1], 0) & _HEADING_KIND)
                or (in_a and kind & _ANCHOR_KIND)
                or (in_list_item and kind & _LIST_ITEM_KIND)
            ):
                return False
            if not leaf:
                in_p += name == "p"
                in_a += kind == _ANCHOR_KIND
                in_list_item += kind & _LIST_ITEM_KIND != 0
        if leaf:
            leaves += 1  # opened and closed at once
        else:
            opened.append(name)
    # Every "<" must start a tag the scan read (a leaf has two); else the full scan decides.
    return not opened and len(tags) + leaves == markup.count("<")


_COUNTED = frozenset(("p", "a", "li", "dd", "dt"))


def _scanned(markup: str) -> bool:
    """The full tag scan, for every fragment the fast one does not read."""
    if _STRAY_LT.search(markup):
        return False
    tags = _TAG_PARTS.findall(markup)
    if len(tags) != markup.count("<"):
        return False  # a tag left open at the end, or a "<" inside an attribute
    # The attributes of every tag at once, each list closed by a NUL (none is in the text).
    attributes = [part for _, _, part in tags if part]
    if attributes:
        lists = "\0".join(attributes) + "\0"
        if not _SIMPLE_ATTRIBUTE_LISTS.fullmatch(lists):
            return False
    open_elements: list[str] = []
    p_open = 0
    kinds = _KINDS
    for closing, name, attribute_list in tags:
        if not name.islower():
            name = name.lower()
        kind = kinds.get(name, 0)
        if kind & _COMPLEX_KIND:
            return False
        # Most tags have no attributes (<p>, </p>): their checks are skipped as a whole.
        if attribute_list:
            if closing:
                if attribute_list.strip(" \t\n\r\f"):
                    return False  # an end tag with attributes, or </p/>
            else:
                names = _ATTRIBUTE_NAME.findall(attribute_list)
                if len(names) > 1 and len(names) != len(set(map(str.lower, names))):
                    return False  # a duplicate attribute
                if not kind & _VOID_KIND and attribute_list.rstrip(" \t\n\r\f").endswith("/"):
                    return False  # a self-closing non-void element
        if closing:
            if kind & _VOID_KIND or not open_elements or open_elements.pop() != name:
                return False  # </img>, </br> and stray end tags need the parser's rules
            if name == "p":
                p_open -= 1
            continue
        if kind & _VOID_KIND:
            continue
        if kind and (
            (p_open and kind & _CLOSES_P_KIND)
            or (kind & _HEADING_KIND and open_elements and kinds.get(open_elements[-1], 0) & _HEADING_KIND)
            or (kind & _ANCHOR_KIND and "a" in open_elements)
            # A list item opened inside another closes it implicitly: the parser's call.
            or (kind & _LIST_ITEM_KIND and not _LIST_ITEMS.isdisjoint(open_elements))
        ):
            return False
        if name == "p":
            p_open += 1
        open_elements.append(name)
    return not open_elements


def _has_bad_codepoint(markup: str) -> bool:
    """`_BAD_CODEPOINT.search(markup)`; on ASCII text, several times faster: deleting them
    from the bytes changes the length."""
    if markup.isascii():
        return len(markup.encode("ascii").translate(None, _BAD_ASCII)) != len(markup)
    return _BAD_CODEPOINT.search(markup) is not None


_BAD_ASCII = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


# What the tag scans need to know of an element, by lowercase name, as bits.
_COMPLEX_KIND, _VOID_KIND, _CLOSES_P_KIND, _HEADING_KIND, _LIST_ITEM_KIND = 1, 2, 4, 8, 16
_ANCHOR_KIND, _DANGEROUS_KIND = 32, 64
_KINDS: dict[str, int] = {"a": _ANCHOR_KIND}
for _names, _bit in (
    (DANGEROUS_ELEMENTS, _DANGEROUS_KIND),
    (_COMPLEX, _COMPLEX_KIND),
    (_VOID, _VOID_KIND),
    (_CLOSES_P, _CLOSES_P_KIND),
    (_HEADINGS, _HEADING_KIND),
    (_LIST_ITEMS, _LIST_ITEM_KIND),
):
    for _name in _names:
        _KINDS[_name] = _KINDS.get(_name, 0) | _bit
_SIMPLE_ATTRIBUTE_LISTS = re.compile(
    rf"""(?:(?:{_WS}+[^ \t\n\r\f"'<>/=\0]+(?:{_WS}*={_WS}*(?:"[^"]*"|'[^']*'|[^ \t\n\r\f"'=<>`\0]+))?)*"""
    rf"""{_WS}*/?\0)*"""
)


def _references_complete(text: str) -> bool:
    """True when every & begins a complete character reference to a known name or to a
    character HTML allows there."""
    for decimal, hexadecimal, name in _AMPERSAND.findall(text):
        if name:
            if name not in name2codepoint:
                return False
        elif decimal or hexadecimal:
            if not _allowed_reference(int(decimal) if decimal else int(hexadecimal, 16)):
                return False
        else:
            return False  # an & that begins no complete reference
    return True


def _allowed_reference(code_point: int) -> bool:
    """Whether HTML takes a numeric character reference to `code_point` without an error:
    not NUL, CR, a control, a surrogate, a noncharacter or beyond Unicode."""
    if code_point < 0x20:
        return code_point in (0x09, 0x0A, 0x0C)
    if 0x7F <= code_point <= 0x9F or 0xD800 <= code_point <= 0xDFFF or 0xFDD0 <= code_point <= 0xFDEF:
        return False
    return code_point <= 0x10FFFF and code_point & 0xFFFE != 0xFFFE


def _html5lib_problem(markup: str) -> str | None:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    parser.parseFragment(markup)
    if not parser.errors:
        return None
    (line, column), code, _ = parser.errors[0]
    return f"{code.replace('-', ' ')} at line {line}, column {column} of the HTML"


def check_xhtml(container: etree._Element) -> tuple[HtmlFinding, ...]:
    """Findings in inline XHTML: every descendant of `container` is judged."""
    findings: list[HtmlFinding] = []
    for element in container.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        namespace, _, local = (
            element.tag[1:].partition("}") if element.tag[0] == "{" else ("", "", element.tag)
        )
        whitelist = namespace == XHTML
        if namespace == XHTML:
            if local in DANGEROUS_ELEMENTS or local not in SAFE_ELEMENTS:
                findings.append(HtmlFinding("SecurityRisk", f"<{local}>"))
        elif namespace == MATHML:
            if local not in MATHML_ELEMENTS:
                findings.append(HtmlFinding("SecurityRisk", f"<{local}>"))
        elif namespace == SVG:
            if local not in SVG_ELEMENTS:
                findings.append(HtmlFinding("SecurityRisk", f"<{local}>"))
        else:
            findings.append(HtmlFinding("UnknownNamespace", namespace or "(none)"))
            continue
        for raw_name, raw_value in element.items():
            # lxml's types allow bytes; attributes of a parsed document are always str.
            name, value = str(raw_name), str(raw_value)
            attr_namespace, _, attr_local = name[1:].partition("}") if name[0] == "{" else ("", "", name)
            if attr_namespace in ("http://www.w3.org/XML/1998/namespace", XLINK):
                continue
            if not whitelist and attr_local not in FOREIGN_ATTRIBUTES:
                findings.append(HtmlFinding("SecurityRiskAttr", attr_local))
                continue
            findings += _attribute_findings(attr_local, value, whitelist=whitelist, svg=namespace == SVG)
    return tuple(dict.fromkeys(findings))


define(
    "DangerousStyleAttr",
    "warning",
    "{element} has a style attribute that readers strip: {detail!r}",
    parents=["SecurityRiskAttr"],
    why="Readers remove style they cannot prove harmless (positioning, huge sizes, "
    "vendor properties, url()); the entry then looks different from what you meant, and "
    "positioned invisible images are a classic tracking trick.",
    fix="Keep to simple colours, fonts, margins and alignment, or drop the style attribute.",
)
define(
    "NotHtml",
    "warning",
    "{element} is declared as HTML but does not parse cleanly as HTML: {detail}",
    parents=["Warning"],
    why="Readers render this text as HTML; broken markup can swallow the rest of the entry.",
    fix="Close every tag, and escape a literal `<` as &amp;lt;.",
)
define(
    "UnknownNamespace",
    "warning",
    "{element} uses the namespace {detail}, which readers do not know",
    parents=["Warning"],
    why="Elements in namespaces readers do not know are ignored or stripped.",
    fix="Check the namespace URI for typos, or remove the elements.",
)
