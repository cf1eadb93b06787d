"""Cleans items: strips aggregator footers, sanitizes HTML with bleach, fixes URLs."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from html.entities import html5 as html5_references
from urllib.parse import parse_qs, urljoin, urlsplit

import bleach
from bleach._vendor.html5lib.treebuilders import getTreeBuilder
from bleach.html5lib_shim import BleachHTMLParser, Filter

from feedtool.carry import feed_url, fit_item, fits_xml, xml_text
from feedtool.config import FooterRule, Settings
from feedtool.errors import ItemError
from feedtool.model import Item
from feedtool.read.items import reshaped
from feedtool.rules import Cleaned, apply_rules

# Article structure survives; everything that runs, styles, embeds or submits does not.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "address", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code",
        "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd",
        "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
        "tr", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": ["lang", "dir", "title"],
    "a": ["href", "hreflang", "rel", "target"],
    "img": ["src", "alt", "width", "height"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "del": ["cite", "datetime"],
    "ins": ["cite", "datetime"],
    "time": ["datetime"],
    "ol": ["start", "reversed", "type"],
    "td": ["colspan", "rowspan", "headers"],
    "th": ["colspan", "rowspan", "headers", "scope", "abbr"],
    "col": ["span"],
    "colgroup": ["span"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements whose content is code or controls, not article text: dropped whole, content too.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
     "noscript", "noembed", "noframes", "textarea", "select", "button", "form", "svg", "math",
     "title", "head", "xmp", "plaintext"}
)  # fmt: skip
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
_NEW_WINDOW_REL = ("noopener", "noreferrer")
IMAGE_PROXIES = frozenset({"images.weserv.nl", "wsrv.nl"})
# Only the end of a body is searched for a footer, so rules stay cheap on long articles.
FOOTER_WINDOW = 4096

# feedx.net's advert, in the shapes it has used: "<br><hr><div>获取更多RSS：<br><a href=
# "https://feedx.net"…>…</div>" and "<hr/>获取更多RSS：<a href="https://feedx.net">…", on any of
# its mirror domains.
BUILTIN_FOOTER_RULES = (
    FooterRule(
        name="feedx",
        pattern=r"(?:<br\s*/?>\s*)*<hr\s*/?>\s*(?:<div\b[^>]*>\s*)?获取更多\s*RSS\s*[：:]"
        r"(?:(?!<hr\b|</section>|</footer>).)*?feedx\.(?:net|site|best|co|me|top)"
        r"(?:(?!<hr\b|</section>|</footer>).)*",
    ),
)

_IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
}


def image_media_type(url: str) -> str | None:
    return _IMAGE_TYPES.get(posixpath.splitext(urlsplit(url).path.lower())[1])


def unwrap_image_proxy(url: str) -> str:
    """`https://images.weserv.nl/?url=host/path` -> `https://host/path`; other URLs unchanged.

    The target arrives percent-decoded: it is encoded again, so `a%03.jpg` stays `a%03.jpg`.
    """
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in IMAGE_PROXIES:
        return url
    target = parse_qs(parts.query).get("url", [""])[0].strip()
    if target.startswith("ssl:"):
        target = "https://" + target[4:]
    elif target.startswith("//"):
        target = "https:" + target
    elif not re.match(r"^https?://", target, re.I):
        target = "https://" + target
    return feed_url(target) or url if " " not in target else url


def strip_footer(html: str, rules: Iterable[FooterRule]) -> tuple[str, str | None]:
    """The body without a trailing aggregator footer, and the name of the rule that matched."""
    start = max(0, len(html) - FOOTER_WINDOW)
    tail = html[start:]
    for rule in rules:
        match = rule.compiled().search(tail)  # re caches compiled patterns
        if match:
            return html[: start + match.start()].rstrip(), rule.name
    return html, None


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# What a table's rows and sections hold in a tree the parser builds; anything else found there
# parses back to just before the table.
_TABLE_PARENTS = frozenset({"table", "tbody", "thead", "tfoot", "tr"})
_TABLE_PARTS = frozenset({"caption", "colgroup", "col", "tbody", "thead", "tfoot", "tr", "td", "th"})


def _reparses_differently(name: str, open_elements: list[str]) -> bool:
    """Whether a tree with `name` opened inside `open_elements` would parse back as another
    tree. The parser builds such trees from broken markup: what a table holds outside its
    cells moves to before the table, into whatever element holds the table, and may land
    inside an element it would close when read again (html5lib leaves some of it inside the
    table). Cleaning the output a second time would then change it."""
    if open_elements and open_elements[-1] in _TABLE_PARENTS and name not in _TABLE_PARTS:
        return True
    if name in _HEADINGS and _HEADINGS.intersection(open_elements):
        return True
    if name == "a" and "a" in open_elements:
        return True
    lists = [e for e in open_elements if e in ("ul", "ol", "dl", "li", "dd", "dt")]
    return name in ("li", "dd", "dt") and bool(lists) and lists[-1] in ("li", "dd", "dt")


class _Prepare(Filter):  # type: ignore[misc]
    """Runs before bleach's own filter, on the parsed tree: drops script-like elements with
    their content, resolves relative URLs, unwraps image proxies, and guards links that open
    a new window. bleach then removes whatever its allowlist does not name."""

    def __init__(
        self, source: Iterable[dict[str, object]], base_url: str, unwrap: bool, *, body_fits_xml: bool
    ) -> None:
        super().__init__(source)
        self.base_url = base_url
        self.unwrap = unwrap
        # The text had no character XML cannot carry, nor a numeric reference that could
        # make one (no named reference stands for one): no token needs xml_text.
        self.text = str if body_fits_xml else xml_text

    unsettled = False  # the tree nests elements as the HTML parser never would

    def __iter__(self) -> Iterator[dict[str, object]]:
        depth = 0
        stack: list[str] = []
        for token in super().__iter__():
            kind = token["type"]
            if kind in ("StartTag", "EmptyTag", "EndTag") and token["name"] in DROPPED_WITH_CONTENT:
                depth += kind == "StartTag"
                depth -= kind == "EndTag" and depth > 0
                continue
            if depth:
                continue
            if kind == "StartTag":
                self.unsettled = self.unsettled or _reparses_differently(token["name"], stack)
                stack.append(token["name"])
            elif kind == "EndTag" and stack:
                stack.pop()
            if kind == "Characters":
                # Characters XML cannot carry, raw or from entities (&#1;), are dropped here:
                # bleach would turn them into visible question marks.
                token["data"] = self.text(token["data"])
            elif kind != "SpaceCharacters" and token.get("data"):
                self._fix(token)
            yield token

    def _fix(self, token: dict) -> None:  # type: ignore[type-arg]
        attributes = token["data"]
        if not isinstance(attributes, dict):
            return
        for key, value in list(attributes.items()):
            if key[1] not in _URL_ATTRIBUTES:
                attributes[key] = self.text(value)
            elif (url := self._url(value, image=token["name"] == "img")) is None:
                del attributes[key]
            else:
                attributes[key] = self.text(url)
        if token["name"] == "a" and (None, "target") in attributes:
            rel = attributes.get((None, "rel"), "").split()
            rel += [r for r in _NEW_WINDOW_REL if r not in rel]
            attributes[(None, "rel")] = " ".join(rel)

    def _url(self, value: str, *, image: bool) -> str | None:
        """The absolute address a link or image attribute points to; None if it must go."""
        value = value.strip()
        try:
            url = value if _PLAIN_ABSOLUTE.match(value) else urljoin(self.base_url, value)
            if self.unwrap and image:
                url = unwrap_image_proxy(url)
            scheme = urlsplit(url).scheme.lower()
        except ValueError:  # not a URL at all, e.g. "http://[" (an unclosed IPv6 host)
            return None
        if scheme in ("http", "https"):
            # Decoded entities can put characters in a URL that no URI (or XML) holds.
            return feed_url(url)
        # bleach reads "javascript:123" as a relative host:port; a browser does not.
        return url if scheme in ALLOWED_PROTOCOLS else None


# Absolute http(s) URLs that urljoin gives back as they are, whatever the base (most links):
# a lowercase scheme, a plain ASCII authority, no ";" in the path (urljoin drops an empty
# parameter), no empty query or fragment, nothing urlsplit removes or refuses.
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.\-:@%_~!$&'()*+,=]+(?:/[^;?#\x00-\x20\x7f]*)?(?:\?[^#\x00-\x20\x7f]+)?(?:#[^\x00-\x20\x7f]+)?\Z"
)

_EtreeBuilder = getTreeBuilder("etree")


class _Element(_EtreeBuilder.elementClass):  # type: ignore[misc,name-defined]
    """html5lib's element, keeping its list of children in step when a node is put before
    another. The parser does that when it moves what a table holds outside its cells to just
    before the table, as browsers show it ("foster parenting"); html5lib's own element left
    the node out of that list, so at the top of a body the moved text was lost."""

    def insertBefore(self, node: object, refNode: object) -> None:
        super().insertBefore(node, refNode)
        self._childNodes.insert(self._childNodes.index(refNode), node)


class _TreeBuilder(_EtreeBuilder):  # type: ignore[misc,valid-type]
    elementClass = _Element


class _Sanitizer:
    """One bleach Cleaner reused for every item; the item's URL reaches the filter per call."""

    base_url = ""  # the item's, set by each call
    body_fits_xml = False  # set by each call
    prepared: _Prepare | None = None  # the filter of the call, which tells if it is unsettled

    def __init__(self, unwrap: bool) -> None:
        self.unwrap = unwrap
        self.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
        # bleach's parser turns tags it does not allow into text, which would leave a script's
        # code in the article: the parser keeps them as elements so _Prepare drops them whole.
        self.cleaner.parser = BleachHTMLParser(
            tags=ALLOWED_TAGS | DROPPED_WITH_CONTENT,
            strip=True,
            # Decoded entities are re-escaped by the serializer: one spelling, stable on re-cleaning.
            consume_entities=True,
            namespaceHTMLElements=False,
            tree=_TreeBuilder,
        )
        walk = self.cleaner.walker

        def prepare(dom: object) -> _Prepare:
            self.prepared = _Prepare(walk(dom), self.base_url, self.unwrap, body_fits_xml=self.body_fits_xml)
            return self.prepared

        self.cleaner.walker = prepare

    def __call__(self, html: str, base_url: str) -> tuple[str, bool]:
        """The clean HTML, and whether its tree is one a parser would build differently."""
        self.base_url = base_url
        self.body_fits_xml = fits_xml(html) and "&#" not in html
        self.prepared = None  # bleach builds no filter for an empty text
        clean = str(self.cleaner.clean(html)).strip()
        return clean, self.prepared is not None and self.prepared.unsettled


@functools.cache
def _sanitizer(unwrap: bool) -> _Sanitizer:
    return _Sanitizer(unwrap)


# After one pass every entity is spelled as one of these; anything else is text bleach kept
# verbatim from broken markup, which a second pass would read as an entity.
_UNSETTLED_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")
# Inside <svg>/<math> the parser nests elements in ways it would not outside them: once those
# are dropped, what was inside can parse into another tree.
_FOREIGN_CONTENT = re.compile(r"<\s*/?\s*(?:svg|math)\b", re.I)


def sanitize(html: str, base_url: str, *, unwrap_images: bool = True) -> str:
    """Safe HTML for a feed reader; sanitizing its own output changes nothing."""
    run = _sanitizer(unwrap_images)
    clean, unsettled = run(html, base_url)
    # A second pass settles the rare output that a first pass leaves unstable; it is checked
    # for, not done always, because it would double the cost of every build.
    for _ in range(3):
        if not (unsettled or _UNSETTLED_ENTITY.search(clean) or _FOREIGN_CONTENT.search(html)):
            break
        html = clean
        clean, unsettled = run(clean, base_url)
        if clean == html:
            break
    return _NAMED_REFERENCE.sub(_known_reference, clean)


# bleach keeps "&b;" as if it were a character reference because "b" begins some names; HTML
# has no such reference, so it is the text "&b;" (an article quoting an entity declaration).
_NAMED_REFERENCE = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")


def _known_reference(match: re.Match[str]) -> str:
    return match.group(0) if f"{match.group(1)};" in html5_references else f"&amp;{match.group(1)};"


def footer_rules(settings: Settings) -> tuple[FooterRule, ...]:
    return (BUILTIN_FOOTER_RULES if settings.builtin_footer_rules else ()) + settings.footer_rules


def clean_item(item: Item, settings: Settings) -> Cleaned:
    """The item as the feeds will carry it: footers stripped, the user's rules applied (they may
    drop it: rules.py), the HTML sanitized; with the rules that matched, for the build's report.
    Raises ItemError for an item no feed can carry."""
    body, _ = strip_footer(item.content_html, footer_rules(settings))
    ruled = apply_rules(replace(item, content_html=body), settings.rules, reshaped)
    if ruled.item is None:
        return ruled
    item = ruled.item
    content = sanitize(item.content_html, item.url, unwrap_images=settings.unwrap_image_proxy)
    # An item file's body is its article; a feed's item may have none (a link, an episode).
    if not content and item.captured is not None:
        raise ItemError(
            item.source or item.url,
            None,
            "nothing is left of the body after sanitizing (only scripts, styles, comments or "
            "other parts feeds do not carry): the feeds would have an empty article",
        )
    image = item.image
    if image is not None:
        url = unwrap_image_proxy(image.url) if settings.unwrap_image_proxy else image.url
        image = replace(image, url=url, media_type=image_media_type(url) or image.media_type)
    return Cleaned(fit_item(replace(item, content_html=content, image=image)), ruled.matched)
