"""Atom 1.0 (RFC 4287) rules: the MUSTs of the RFC and the W3C validator's SHOULDs."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urljoin, urlsplit

from feedtool.validate import values
from feedtool.validate.codes import define
from feedtool.validate.engine import (
    Context,
    Element,
    first_children,
    has_xml_base,
    name_of,
    root,
    rule,
    streamed,
    unknown_root_rule,
)
from feedtool.validate.html import HtmlFinding, check_html, check_xhtml
from feedtool.validate.namespaces import APP, ATOM, ATOM03, XHTML, XML, split, tag
from feedtool.validate.rules.rss import plain_text_problem

FEED = tag(ATOM, "feed")
LINK = tag(ATOM, "link")
ENTRY = tag(ATOM, "entry")
SOURCE = tag(ATOM, "source")
XHTML_DIV = tag(XHTML, "div")

root(FEED, "atom")
root(ENTRY, "atom")
root(tag("", "feed"), "atom")
root(tag(ATOM03, "feed"), "atom")
streamed(ENTRY)

ONCE, MANY = 1, 0
_METADATA = {
    "author": MANY, "category": MANY, "contributor": MANY, "generator": ONCE, "icon": ONCE,
    "id": ONCE, "link": MANY, "logo": ONCE, "rights": ONCE, "subtitle": ONCE, "title": ONCE,
    "updated": ONCE,
}  # fmt: skip
CHILDREN = {
    "feed": {**_METADATA, "entry": MANY},
    "source": _METADATA,
    "entry": {
        "author": MANY, "category": MANY, "content": ONCE, "contributor": MANY, "id": ONCE,
        "link": MANY, "published": ONCE, "rights": ONCE, "source": ONCE, "summary": ONCE,
        "title": ONCE, "updated": ONCE,
    },
    "author": {"name": ONCE, "uri": ONCE, "email": ONCE},
    "contributor": {"name": ONCE, "uri": ONCE, "email": ONCE},
}  # fmt: skip
REQUIRED = {
    "feed": ("id", "title", "updated"),
    "entry": ("id", "title", "updated"),
    "author": ("name",),
    "contributor": ("name",),
}
ATTRIBUTES = {
    "link": {"href", "rel", "type", "hreflang", "title", "length"},
    "category": {"term", "scheme", "label"},
    "generator": {"uri", "version"},
    "content": {"type", "src"},
    **{name: {"type"} for name in ("title", "subtitle", "summary", "rights")},
}
TEXT_CONSTRUCTS = frozenset(("title", "subtitle", "summary", "rights"))
# Link relations registered with IANA (RFC 4287, RFC 5005, RFC 4685, RFC 5023, …).
REGISTERED_RELS = frozenset((
    "alternate", "related", "self", "enclosure", "via", "license", "replies", "edit",
    "edit-media", "service", "first", "last", "next", "previous", "prev-archive",
    "next-archive", "current", "payment", "hub", "search", "up", "describedby", "author",
    "canonical", "shortlink", "icon", "service.edit", "service.post", "service.feed",
))  # fmt: skip
FEED_HISTORY_RELS = frozenset(
    ["first", "last", "next", "previous", "prev", "prev-archive", "next-archive", "current"]
)
_WHITESPACE_SENSITIVE = frozenset(("id", "icon", "logo", "updated", "published", "uri"))
# Percent-escapes of characters that need none (letters, digits, - . _ ~), and lower-case hex.
_NEEDLESS_ESCAPE = re.compile(r"%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEde]|5[Ff]|7[Ee])")
_LOWER_HEX_ESCAPE = re.compile(r"%(?:[0-9a-f][a-f]|[a-f][0-9a-f])")
_UUID = re.compile(r"urn:uuid:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\Z", re.I)


@dataclass
class _Facts:
    """What the feed-level checks need from entries that have already been emptied."""

    entries_without_author: list[int] = field(default_factory=list)
    entry_keys: dict[tuple[str, str], int] = field(default_factory=dict)
    updated_seen: set[str] = field(default_factory=set)
    duplicate_updated_reported: bool = False
    entry_count: int = 0
    prefixes_reported: set[tuple[str, str]] = field(default_factory=set)


def _facts(ctx: Context) -> _Facts:
    return ctx.facts(__name__, _Facts)


def _local(element: Element) -> str:
    return split(element.tag)[1] if isinstance(element.tag, str) else ""


def _text(element: Element) -> str:
    return element.text or ""


def _report_value(
    ctx: Context, code: str | None, element: Element, value: str, attribute: str | None = None
) -> None:
    if code is not None:
        ctx.report(code, element, value=value, attribute=attribute)


# ---------------------------------------------------------------------------------------------
# Containers: feed, entry, source, author, contributor


def _check_container(element: Element, ctx: Context, kind: str) -> None:
    allowed = CHILDREN[kind]
    counts: dict[str, int] = {}
    stray_text = bool((element.text or "").strip())
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tail = child.tail
        if tail and not stray_text and not tail.isspace():
            stray_text = True
        namespace, local = split(child.tag)
        if namespace == ATOM and local in allowed:
            counts[local] = counts.get(local, 0) + 1
            if allowed[local] == ONCE and counts[local] == 2:
                ctx.report("DuplicateElement", child)
            # RFC 4287's schema puts a feed's metadata before its entries.
            if local != "entry" and "entry" in counts:
                ctx.report("MisplacedMetadata", child)
        elif namespace == ATOM:
            ctx.report("UndefinedElement", child)
        elif not namespace and ":" not in local:
            # No namespace at all: readers cannot tell which vocabulary it belongs to. (A
            # prefix nobody declared is the parser's SAXError already.)
            ctx.report("UndeterminableVocabulary", child)
    for name in REQUIRED.get(kind, ()):
        if name not in counts:
            ctx.report("MissingElement", element, element=name, parent=name_of(element))
    if stray_text:
        ctx.report("UnexpectedText", element)
    _check_attributes(element, ctx, set())


def _check_attributes(element: Element, ctx: Context, allowed: set[str]) -> None:
    for name, value in element.items():
        namespace, local = split(name)
        if namespace == XML:
            if local == "lang" and value:
                _report_value(ctx, values.check_language(value), element, value)
            elif local == "base":
                code = values.check_iri(value)
                if code is not None:
                    ctx.report(code, element, value=value)
            continue
        if namespace:
            continue
        if local not in allowed:
            ctx.report("UnexpectedAttribute", element, attribute=local)
        elif (not value.strip() and local in ("rel", "title", "label")) or (
            local == "type" and not value.strip() and _local(element) != "link"
        ):
            ctx.report("AttrNotBlank", element, attribute=local)


def _links(element: Element) -> list[Element]:
    return [c for c in element if c.tag == LINK]


IANA_REL_PREFIX = "http://www.iana.org/assignments/relation/"


def _rel(link: Element) -> str:
    rel = link.get("rel") or "alternate"
    return rel.removeprefix(IANA_REL_PREFIX)


def _check_alternates(element: Element, ctx: Context, links: list[Element] | None = None) -> None:
    seen: set[tuple[str, str]] = set()
    for link in _links(element) if links is None else links:
        if _rel(link) != "alternate":
            continue
        key = ((link.get("type") or "").lower(), (link.get("hreflang") or "").lower())
        if key in seen:
            ctx.report("DuplicateAtomLink", link)
        seen.add(key)


def _has(element: Element, local: str) -> bool:
    return element.find(tag(ATOM, local)) is not None


@rule(FEED)
def check_feed(feed: Element, ctx: Context) -> None:
    _check_container(feed, ctx, "feed")
    _check_alternates(feed, ctx)
    facts = _facts(ctx)
    ids = {entry_id for entry_id, _ in facts.entry_keys}
    if facts.entry_count > 2 and len(ids) == 1:
        ctx.report("DuplicateIds", feed, value=next(iter(ids)))
    if not _has(feed, "author"):
        for line in facts.entries_without_author:
            ctx.report("MissingElement", line, element="author", parent="entry")
    if feed.getparent() is None:
        _check_self(feed, ctx)


@rule(tag("", "feed"), tag(ATOM03, "feed"))
def check_foreign_feed(feed: Element, ctx: Context) -> None:
    if feed.getparent() is not None:
        return
    if feed.tag == "feed":
        ctx.report("MissingNamespace", feed, element="feed")
    else:
        ctx.report("ObsoleteNamespace", feed, element="feed", value=split(feed.tag)[0])


def _check_self(feed: Element, ctx: Context) -> None:
    selves = [link for link in _links(feed) if _rel(link) == "self"]
    if not selves:
        ctx.report("MissingSelf", feed, element=name_of(feed))
        return
    link = selves[0]
    href = (link.get("href") or "").strip()
    if values.is_relative_ref(href) and not has_xml_base(link):
        ctx.report("RelativeSelf", link, value=href)
    if ctx.location and _normal(_join(ctx.base(link), href)) != _normal(ctx.location):
        ctx.report("SelfDoesntMatchLocation", link, value=href, location=ctx.location)  # fmt: skip


def _join(base: str | None, href: str) -> str:
    try:
        return urljoin(base or "", href)
    except ValueError:  # not a URI; check_iri reports it
        return href


def _normal(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    netloc = parts.netloc.lower()
    for scheme, port in (("http", ":80"), ("https", ":443")):
        if parts.scheme.lower() == scheme and netloc.endswith(port):
            netloc = netloc[: -len(port)]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}{query}"


@rule(ENTRY)
def check_entry(entry: Element, ctx: Context) -> None:
    _check_container(entry, ctx, "entry")
    links = _links(entry)
    _check_alternates(entry, ctx, links)
    facts = _facts(ctx)
    children = first_children(entry)
    source = children.get(SOURCE)
    authored = _AUTHOR in children or (source is not None and _has(source, "author"))
    if not authored:
        if entry.getparent() is None:
            ctx.report("MissingElement", entry, element="author", parent="entry")
        else:
            facts.entries_without_author.append(entry.sourceline or 0)
    content = children.get(_CONTENT)
    has_summary = _SUMMARY in children
    has_alternate = any(_rel(link) == "alternate" for link in links)
    if content is None and not has_alternate:
        ctx.report("MissingContentOrAlternate", entry)
    if content is None and not has_summary:
        ctx.report("MissingTextualContent", entry)
    if content is not None and _needs_summary(content) and not has_summary:
        ctx.report("MissingSummary", entry)
    parent = entry.getparent()
    if parent is not None and parent.tag != FEED:
        return  # an entry quoted inside an extension (sx:conflicts): not one of the feed's
    entry_id = _first_text(children, "id")
    updated = _first_text(children, "updated")
    facts.entry_count += 1
    if entry_id:
        key = (entry_id, updated)
        if key in facts.entry_keys:
            ctx.report("DuplicateEntries", entry, value=entry_id)
        facts.entry_keys.setdefault(key, entry.sourceline or 0)
    if updated and updated in facts.updated_seen and not facts.duplicate_updated_reported:
        facts.duplicate_updated_reported = True
        ctx.report("DuplicateUpdated", entry, value=updated)
    facts.updated_seen.add(updated)


_AUTHOR, _CONTENT, _SUMMARY = tag(ATOM, "author"), tag(ATOM, "content"), tag(ATOM, "summary")


def _first_text(children: dict[str, Element], local: str) -> str:
    child = children.get(f"{{{ATOM}}}{local}")
    return (child.text or "").strip() if child is not None else ""


def _needs_summary(content: Element) -> bool:
    media_type = (content.get("type") or "text").strip().lower()
    return content.get("src") is not None or not (
        media_type in ("text", "html", "xhtml") or _is_xml(media_type) or _is_text(media_type)
    )


@rule(SOURCE)
def check_source(source: Element, ctx: Context) -> None:
    _check_container(source, ctx, "source")
    _check_alternates(source, ctx)
    for name in ("id", "title", "updated"):
        if not _has(source, name):
            ctx.report("MissingSourceElement", source, element=name, parent="source")


@rule(tag(ATOM, "author"), tag(ATOM, "contributor"))
def check_person(person: Element, ctx: Context) -> None:
    if _in_atom_container(person):
        _check_container(person, ctx, _local(person))


def _in_atom_container(element: Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag in (FEED, ENTRY, SOURCE)


# ---------------------------------------------------------------------------------------------
# Simple elements


def _simple(element: Element, ctx: Context) -> str | None:
    """The text of an element that holds text only, or None after reporting child elements."""
    for child in element:
        if isinstance(child.tag, str):
            ctx.report("UndefinedElement", child)
    local = _local(element)
    _check_attributes(element, ctx, ATTRIBUTES.get(local, set()))
    value = _text(element)
    if local in _WHITESPACE_SENSITIVE and value != value.strip() and value.strip():
        ctx.report("UnexpectedWhitespace", element)
    return value.strip()


def check_date(element: Element, ctx: Context) -> None:
    value = _simple(element, ctx)
    if value is not None:
        _report_value(ctx, values.check_rfc3339_date(value), element, value)


def check_id(element: Element, ctx: Context) -> None:
    value = _simple(element, ctx)
    if not value:
        ctx.report("NotBlank", element)
        ctx.report("InvalidFullLink", element, value=value)
        return
    if value.lower().startswith("urn:uuid:") and not _UUID.match(value):
        ctx.report("InvalidUUID", element, value=value)
        return
    code = values.check_iri(value, full=True)
    if code is not None:
        _report_value(ctx, code, element, value)
    elif not _canonical(value):
        ctx.report("NonCanonicalURI", element, value=value)


# An http(s) URI in its normal form at a glance: lowercase scheme and host, no port, a path,
# no escapes and no dot segments (for "/." see _canonical).
_PLAINLY_CANONICAL = re.compile(r"https?://[a-z0-9][a-z0-9.-]*/[!-$&-~]*\Z")


def _canonical(uri: str) -> bool:
    """False for an http(s) id that readers would compare unequal to its normal form."""
    if _PLAINLY_CANONICAL.match(uri) and "/." not in uri:
        return True
    try:
        parts = urlsplit(uri)
    except ValueError:
        return True  # not a URI; check_iri reports it
    scheme = uri.split(":", 1)[0]
    if scheme != scheme.lower():
        return False
    if parts.scheme not in ("http", "https"):
        return True
    default_port = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return True
    return (
        parts.netloc == parts.netloc.lower()
        and "@" not in parts.netloc
        and "/./" not in parts.path
        and "/../" not in parts.path
        and port != default_port
        and bool(parts.path)
        and not _NEEDLESS_ESCAPE.search(parts.path)
        and not _LOWER_HEX_ESCAPE.search(uri)
    )


def check_reference(element: Element, ctx: Context) -> None:
    value = _simple(element, ctx)
    if value:
        _report_value(ctx, values.check_iri(value), element, value)
    elif value == "":
        ctx.report("NotBlank", element)


def check_email(element: Element, ctx: Context) -> None:
    value = _simple(element, ctx)
    if value == "":
        ctx.report("NotBlank", element)
    if value is not None:
        _report_value(ctx, values.check_addr_spec(value), element, value)


def check_name(element: Element, ctx: Context) -> None:
    value = _simple(element, ctx)
    if value == "":
        ctx.report("NotBlank", element)
    elif value is not None:
        _check_plain(element, ctx, value)
        if values.contains_email(value):
            ctx.report("ContainsEmail", element, value=value)


def _check_plain(element: Element, ctx: Context, value: str) -> None:
    """Text readers show as written (names, labels, link titles): markup or entity
    references in it (`<b>`, `&amp;amp;`) would be shown literally."""
    found = values.html_in_text(value)
    if not found:
        problem = plain_text_problem(value)
        found = problem[1] if problem is not None and problem[0] == "ContainsHTML" else None
    if found:
        ctx.report("ContainsHTML", element, value=found)


def check_generator(element: Element, ctx: Context) -> None:
    value = _simple(element, ctx)
    if value == "":
        ctx.report("NotBlank", element)
    elif value is not None:
        _check_plain(element, ctx, value)
    uri = element.get("uri")
    if uri:
        _report_value(ctx, values.check_iri(uri), element, uri, "uri")


def check_category(element: Element, ctx: Context) -> None:
    _simple(element, ctx)
    term = element.get("term")
    if term is None:
        ctx.report("MissingAttribute", element, attribute="term")
    elif not term.strip():
        ctx.report("NotBlank", element, element="term", parent=name_of(element))
    scheme = element.get("scheme")
    if scheme:
        _report_value(ctx, values.check_iri(scheme, full=True), element, scheme, "scheme")
    label = element.get("label")
    if label:
        _check_plain(element, ctx, label)


def check_link(link: Element, ctx: Context) -> None:
    _check_attributes(link, ctx, ATTRIBUTES["link"])
    if len(link) or (link.text or "").strip():
        ctx.report("AtomLinkNotEmpty", link)
    href = link.get("href")
    if href is None:
        ctx.report("MissingHref", link, attribute="href")
    else:
        _report_value(ctx, values.check_iri(href), link, href, "href")
        _check_same_document(link, ctx, href)
    title = link.get("title")
    if title:
        _check_plain(link, ctx, title)
    rel = _rel(link)
    if not values.is_absolute_uri(rel) and rel.lower() not in REGISTERED_RELS:
        ctx.report("UnregisteredAtomLinkRel", link, value=rel)
    elif values.is_absolute_uri(rel):
        # An extension relation is a name, not a place: its scheme need not be registered.
        code = values.check_iri(rel, full=True)
        if code != "SchemeNotIANARegistered":
            _report_value(ctx, code, link, rel, "rel")
    parent = link.getparent()
    if parent is not None and parent.tag == ENTRY and rel in FEED_HISTORY_RELS:
        ctx.report("FeedHistoryRelInEntry", link, value=rel)
    media_type = link.get("type")
    if media_type is not None:
        _report_value(ctx, values.check_mime_type(media_type), link, media_type, "type")
        # In an Atom document the self link is the Atom document itself; a self link to
        # another representation is usually meant as rel="alternate" (RFC 4287 4.2.7.2).
        essence = media_type.split(";", 1)[0].strip().lower()
        if rel == "self" and ctx.format == "atom" and essence and essence != "application/atom+xml":
            ctx.report("SelfNotAtom", link, value=media_type)
    hreflang = link.get("hreflang")
    if hreflang:
        _report_value(ctx, values.check_language(hreflang), link, hreflang, "hreflang")
    length = link.get("length")
    if length is not None:
        _report_value(ctx, values.check_non_negative_integer(length), link, length, "length")


def _check_same_document(element: Element, ctx: Context, reference: str) -> None:
    """A relative reference that resolves to the xml:base in effect itself (RFC 3986 4.4, a
    same-document reference) where that base is not the document's own address: readers
    disagree on whether it means the base or the document."""
    if not reference.strip() or values.is_absolute_uri(reference) or not has_xml_base(element):
        return
    base = ctx.base(element)
    if not base or _normal(base) == _normal(ctx.location or ""):
        return
    if _normal(_join(base, reference).split("#", 1)[0]) == _normal(base.split("#", 1)[0]):
        ctx.report("SameDocumentReference", element, value=reference)


# ---------------------------------------------------------------------------------------------
# Text constructs and content


def _report_html(element: Element, ctx: Context, findings: tuple[HtmlFinding, ...]) -> None:
    for finding in findings:
        ctx.report(finding.code, element, detail=finding.detail)


def _element_children(element: Element) -> list[Element]:
    return [c for c in element if isinstance(c.tag, str)]


def check_text_construct(element: Element, ctx: Context) -> None:
    """title, subtitle, summary, rights and content: the type decides what the text is."""
    local = _local(element)
    _check_attributes(element, ctx, ATTRIBUTES.get(local, set()))
    declared = element.get("type")
    text_type = (declared or "text").strip() or "text"
    if local == "content" and element.get("src") is not None:
        _check_src_content(element, ctx, text_type)
        return
    # lxml makes a new string at each .text: a long content is read once.
    text = _text(element)
    children = _element_children(element)
    if (not text or text.isspace()) and not children and not _may_be_blank(declared, text_type):
        ctx.report("NotBlank", element)
    if text_type in ("text", "html", "xhtml"):
        _check_typed_text(element, ctx, text_type, text, children)
        return
    code = values.check_mime_type(text_type)
    if code is not None:
        _report_value(ctx, code, element, text_type)
        return
    if local != "content":
        ctx.report("InvalidTextType", element, value=text_type)
    _check_media_content(element, ctx, text_type.lower())


def _may_be_blank(declared: str | None, text_type: str) -> bool:
    """Blank text says nothing; but a blank document of a text or XML media type is still
    one, xhtml without its div is MissingXhtmlDiv, and under a type that is itself wrong
    (blank, not a media type) there is nothing to judge the text by."""
    media = text_type.lower()
    document = text_type == "xhtml" or _is_text(media) or _is_xml(media)
    type_wrong = (declared is not None and not declared.strip()) or (
        text_type not in ("text", "html", "xhtml") and values.check_mime_type(text_type) is not None
    )
    return document or type_wrong


def _check_typed_text(
    element: Element, ctx: Context, text_type: str, text: str, children: list[Element]
) -> None:
    if text_type == "xhtml":
        _check_xhtml_div(element, ctx, children)
        return
    for child in children:
        ctx.report("UndefinedElement", child)
    if children and (text.strip() or any((c.tail or "").strip() for c in children)):
        ctx.report("UnexpectedText", element)
    if text_type == "html":
        _report_html(element, ctx, check_html(text))
    else:
        found = values.html_in_text(text)
        if found:
            ctx.report("ContainsUndeclaredHTML", element, value=found)


def _check_xhtml_div(element: Element, ctx: Context, children: list[Element]) -> None:
    divs = [child for child in children if child.tag == XHTML_DIV]
    if len(children) != 1 or not divs:
        ctx.report("MissingXhtmlDiv", element)
        if not children and _text(element).strip():
            ctx.report("NotInline", element)
        if len(divs) != len(children):
            ctx.report("NotHtml", element, detail="elements outside the XHTML namespace")  # fmt: skip
    elif _text(element).strip() or (children[0].tail or "").strip():
        ctx.report("UnexpectedText", element)
    for child in children:
        for node in child.iter():
            if isinstance(node.tag, str) and node.prefix and node.tag.startswith(f"{{{XHTML}}}"):
                _prefix_once(node, ctx)
                break
    for div in divs:
        # Feed elements (app:edited, atom:title) inside the XHTML are misplaced, not unknown.
        misplaced = list(div.iterdescendants(f"{{{ATOM}}}*", f"{{{APP}}}*"))
        for node in misplaced:
            ctx.report("UndefinedElement", node)
        findings = check_xhtml(div)
        if misplaced:
            findings = tuple(f for f in findings if f.detail not in (ATOM, APP))
        _report_html(element, ctx, findings)
        found = values.html_in_text("".join(div.itertext()))
        if found and found.startswith("</") and not len(div):
            ctx.report("NotInline", element)


def _prefix_once(element: Element, ctx: Context) -> None:
    """Report a prefix for the Atom or XHTML namespace in an Atom document, once per prefix
    and namespace: readers that match names as written look for the unprefixed names. (RSS
    has no namespace of its own, so Atom elements in it need a prefix.)"""
    prefix = element.prefix
    key = (prefix or "", split(element.tag)[0])
    facts = _facts(ctx)
    if key not in facts.prefixes_reported:
        facts.prefixes_reported.add(key)
        ctx.report("AvoidNamespacePrefix", element, value=prefix)


def _is_xml(media_type: str) -> bool:
    return media_type.endswith(("+xml", "/xml")) or media_type == "xml"


def _is_text(media_type: str) -> bool:
    return media_type.startswith("text/")


def _check_src_content(content: Element, ctx: Context, media_type: str) -> None:
    src = content.get("src") or ""
    _report_value(ctx, values.check_iri(src), content, src)
    if content.get("type") is None:
        ctx.report("MissingTypeAttr", content)
    for child in _element_children(content):
        ctx.report("UndefinedElement", child)
    if _text(content).strip():
        ctx.report("UnexpectedText", content)
    if media_type in ("text", "html", "xhtml"):
        if content.get("type") is not None:
            ctx.report("InvalidMIMEType", content, value=media_type)
    else:
        _report_value(ctx, values.check_mime_type(media_type), content, media_type)


_HTML_START = re.compile(r"<html[\s>/]", re.IGNORECASE)


def _check_media_content(content: Element, ctx: Context, media_type: str) -> None:
    """Content (or a misused text construct) whose type is a media type."""
    children = _element_children(content)
    if media_type.startswith(("multipart/", "message/")):
        ctx.report("InvalidMIMEType", content, value=media_type)
        return
    if media_type == "text/html" and not _HTML_START.search(_text(content)):
        # text/html names a whole document; an entry's HTML is a fragment (type="html").
        # A whole document (it opens an <html> element) is what the media type says.
        ctx.report("HtmlFragment", content, value=media_type)
    if _is_xml(media_type):
        if len(children) > 1:
            ctx.report("DuplicateElement", children[1])
        if media_type == "application/xhtml+xml":
            for child in children:
                _report_html(content, ctx, check_xhtml(child))
        return
    for child in children:
        ctx.report("UndefinedElement", child)
    if _is_text(media_type):
        if media_type == "text/html":
            if children:
                ctx.report("NotEscaped", content)
            _report_html(content, ctx, check_html(_text(content)))
        return
    encoded = "".join(_text(content).split())
    if not encoded:
        return  # blank: check_text_construct has said so (NotBlank)
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        ctx.report("NotBase64", content)
        return
    if "html" in media_type:
        _report_html(content, ctx, check_html(decoded.decode("utf-8", errors="replace")))


CHECKS: dict[str, Callable[[Element, Context], None]] = {
    "updated": check_date,
    "published": check_date,
    "id": check_id,
    "icon": check_reference,
    "logo": check_reference,
    "uri": check_reference,
    "email": check_email,
    "name": check_name,
    "generator": check_generator,
    "category": check_category,
    "link": check_link,
    **{name: check_text_construct for name in (*TEXT_CONSTRUCTS, "content")},
}


@rule(f"{{{ATOM}}}*")
def check_atom_element(element: Element, ctx: Context) -> None:
    """Dispatch the simple elements; only where Atom places them (not inside extensions)."""
    if element.prefix and ctx.format == "atom":
        _prefix_once(element, ctx)
    parent = element.getparent()
    if parent is None:
        return
    # (A parsed document's tags are always str: lxml's types allow others.)
    key = cast(tuple[str, str], (element.tag, parent.tag))
    check = _DISPATCH.get(key)
    if check is None and key not in _DISPATCH:
        if len(_DISPATCH) >= 4096:  # a document of a million names
            _DISPATCH.clear()
        check = _DISPATCH[key] = _dispatch(*key)
    if check is not None:
        check(element, ctx)


def _dispatch(element_tag: str, parent_tag: str) -> Callable[[Element, Context], None] | None:
    """The check for an element of `element_tag` inside one of `parent_tag`, if any."""
    local = split(element_tag)[1]
    check = CHECKS.get(local)
    if check is None or not isinstance(parent_tag, str):
        return None
    parent_namespace, parent_local = split(parent_tag)
    if parent_namespace != ATOM:
        # Atom elements in an RSS channel are the RSS rules' business (where they may be,
        # how often), except what links say, which is the same everywhere.
        return check_link if local == "link" else None
    return check if local in CHILDREN.get(parent_local, {}) else None


# The check for each (element tag, parent tag) met so far: a feed has a few dozen.
_DISPATCH: dict[tuple[str, str], Callable[[Element, Context], None] | None] = {}


define(
    "MissingHref",
    "error",
    "{element} must have an href attribute",
    parents=["MissingAttribute"],
    why="A link without href points nowhere; readers drop it.",
    fix="Add href with the URL the link points to.",
)
define(
    "MissingContentOrAlternate",
    "error",
    '{element} has neither content nor a link with rel="alternate"',
    parents=["MissingElement"],
    why="RFC 4287 requires one of the two: otherwise readers have nothing to show or to open.",
    fix='Add <content> with the text, or a <link rel="alternate" href="…"/> to the page.',
    formats=("atom",),
)
define(
    "MissingTextualContent",
    "warning",
    "{element} has neither content nor summary",
    parents=["Warning"],
    why="Readers show the summary or the content; without either an entry is only a title.",
    fix="Add a <summary> or a <content>.",
    formats=("atom",),
)
define(
    "MissingSummary",
    "error",
    "{element} must have a summary because its content is not inline text",
    parents=["Error"],
    why="Content given by src, or in a binary media type, cannot be shown as text, so RFC "
    "4287 requires a summary readers can show.",
    fix="Add a <summary> describing the content.",
    formats=("atom",),
)
define(
    "MissingSourceElement",
    "warning",
    "{parent} should contain {element}",
    parents=["Warning"],
    why="A source element says where a copied entry came from; without id, title and "
    "updated, readers cannot identify that feed.",
    fix="Copy id, title and updated from the original feed into <source>.",
    formats=("atom",),
)
define(
    "MissingXhtmlDiv",
    "error",
    '{element} of type="xhtml" must contain a single XHTML div',
    parents=["MissingElement"],
    why='RFC 4287 wraps XHTML text in one <div xmlns="http://www.w3.org/1999/xhtml">, '
    "which readers remove before display.",
    fix="Wrap the markup in one XHTML div.",
    formats=("atom",),
)
define(
    "InvalidTextType",
    "error",
    '{element} has type="{value}"; text constructs allow text, html or xhtml',
    parents=["InvalidValue"],
    why="Readers only know these three ways of carrying text.",
    fix='Use type="text", type="html" (escaped HTML) or type="xhtml" (inline XHTML).',
    formats=("atom",),
)
define(
    "NotInline",
    "warning",
    "{element} declares inline XHTML but holds escaped text",
    parents=["Warning"],
    why="Readers expect XHTML elements here; escaped markup is shown as literal tags.",
    fix='Either use type="html" for escaped HTML, or write real XHTML elements in a div.',
    formats=("atom",),
)
define(
    "NotEscaped",
    "error",
    "{element} declares escaped HTML but contains elements",
    parents=["InvalidValue"],
    why="Elements in escaped-HTML content are not part of the text readers show.",
    fix='Escape the markup (&lt;p&gt;), or use type="xhtml" with a div.',
    formats=("atom",),
)
define(
    "HtmlFragment",
    "warning",
    '{element} uses the media type {value!r} for what is an HTML fragment; use type="html"',
    parents=["Warning"],
    why='A media type names a whole document; readers treat type="html" as the fragment an entry is.',
    fix='Write type="html".',
    formats=("atom",),
)
define(
    "ContainsUndeclaredHTML",
    "warning",
    "{element} is plain text but contains HTML ({value})",
    parents=["ContainsHTML"],
    why='Without type="html" readers show the markup as literal text.',
    fix='Add type="html" (and keep the markup escaped), or remove the markup.',
    formats=("atom",),
)
define(
    "UnregisteredAtomLinkRel",
    "warning",
    "{element} has rel={value!r}, which is not a registered link relation",
    parents=["Warning"],
    why="Readers only act on registered relations; others are ignored or misread.",
    fix="Use a registered relation (alternate, related, self, enclosure, via, …) or a full "
    "URI as the relation.",
)
define(
    "DuplicateAtomLink",
    "error",
    "{parent} has two alternate links with the same type and hreflang",
    parents=["Error"],
    why="RFC 4287 allows one alternate link per type and language; readers pick one at random.",
    fix="Remove the extra link, or give it a different type or hreflang.",
    formats=("atom",),
)
define(
    "FeedHistoryRelInEntry",
    "warning",
    '{element} has rel="{value}", a feed-paging relation, inside an entry',
    parents=["Warning"],
    why="first/next/previous/last page through a feed (RFC 5005); in an entry readers ignore them.",
    fix="Move the link to the feed element.",
    formats=("atom",),
)
define(
    "RelativeSelf",
    "warning",
    "the self link {value!r} is relative",
    parents=["Warning"],
    why="A self link is used away from the feed (hubs, subscription lists), where a "
    "relative address means nothing.",
    fix="Write the full URL the feed is served at.",
)
define(
    "AttrNotBlank",
    "warning",
    "the {attribute} attribute of {element} is empty",
    parents=["Warning"],
    why="An empty attribute says nothing; readers may treat it as a wrong value.",
    fix="Give the attribute a value or remove it.",
)
define(
    "UnexpectedWhitespace",
    "error",
    "{element} has whitespace around its value",
    parents=["Error"],
    why="Identifiers, dates and URIs are compared as exact strings; the whitespace makes "
    "them different values.",
    fix="Remove the spaces and line breaks inside the element.",
)
define(
    "NonCanonicalURI",
    "warning",
    "{element} {value!r} is not in its normal form",
    parents=["Warning"],
    why="Readers compare ids as strings; http://Example.com:80/a and http://example.com/a "
    "are the same page but different ids.",
    fix="Lower-case the scheme and host, drop the default port, and avoid needless percent-encoding.",
)
define(
    "DuplicateEntries",
    "warning",
    "another entry has the same id {value!r} and the same updated date",
    parents=["Warning"],
    why="Readers treat entries with the same id as one; only one of them is shown.",
    fix="Give every entry its own id (ids never change once published).",
    formats=("atom",),
)
define(
    "NotBase64",
    "error",
    "{element} must be base64 for a media type that is not text or XML",
    parents=["InvalidValue"],
    why="RFC 4287 carries binary content base64-encoded; readers cannot decode anything else.",
    fix="Base64-encode the content, or link to it with src.",
    formats=("atom",),
)
define(
    "AvoidNamespacePrefix",
    "warning",
    "the prefix {value!r} is used for a namespace readers expect as the default",
    parents=["Warning"],
    why="Some readers match element names literally and miss prefixed Atom or XHTML elements.",
    fix='Declare the namespace as the default (xmlns="…") and drop the prefix.',
)
define(
    "ObsoleteNamespace",
    "error",
    "{element} is in the namespace {value}, of a draft format",
    parents=["Error"],
    why="Atom 0.3 was a draft; readers treat it as an unknown format or guess.",
    fix='Move to Atom 1.0: xmlns="http://www.w3.org/2005/Atom" and its element names.',
    formats=("atom",),
)
define(
    "InvalidUUID",
    "error",
    "{element} {value!r} is not a valid urn:uuid",
    parents=["InvalidValue"],
    why="A urn:uuid must be 32 hexadecimal digits in the 8-4-4-4-12 pattern.",
    fix="Generate ids with a UUID library.",
)
define(
    "DuplicateIds",
    "error",
    "every entry has the same id {value!r}",
    parents=["Error"],
    why="Readers keep one entry per id, so all but one of these entries disappear.",
    fix="Give every entry its own, permanent id.",
    formats=("atom",),
)
define(
    "DuplicateUpdated",
    "warning",
    "two entries have the same updated date {value!r}",
    parents=["Warning"],
    why="Readers use updated to tell new versions of entries apart and to sort them; "
    "identical dates often mean the feed generator stamps every entry with one time.",
    fix="Give each entry the time it was last changed.",
    formats=("atom",),
)


@unknown_root_rule
def check_misspelled_feed(root_element: Element, ctx: Context) -> None:
    if _local(root_element) in ("feed", "entry"):
        ctx.report("InvalidNamespace", root_element, value=split(root_element.tag)[0])  # fmt: skip


define(
    "MissingTypeAttr",
    "warning",
    "{element} links its content with src but does not say its media type",
    parents=["Warning"],
    why="Without type, readers must fetch the content to learn whether they can show it.",
    fix="Add type with the media type of the linked content.",
    formats=("atom",),
)
define(
    "MisplacedMetadata",
    "error",
    "{element} comes after the first entry; a feed's metadata goes before its entries",
    parents=["Error"],
    why="RFC 4287's schema puts the feed's own elements before its entries; streaming readers "
    "that start on the entries have already settled the feed's title, links and dates.",
    fix="Move the element above the first <entry>.",
    formats=("atom",),
)
define(
    "ContainsEmail",
    "warning",
    "{element} contains an e-mail address: {value!r}",
    parents=["Warning"],
    why="Atom people have an email element of their own; an address inside the name is shown "
    "as part of the name (and harvested by spammers).",
    fix="Keep the name in <name> and move the address to <email>.",
    formats=("atom",),
)
define(
    "SelfNotAtom",
    "warning",
    "the self link says its type is {value!r}, not an Atom document",
    parents=["Warning"],
    why='rel="self" names the feed document itself (RFC 4287 4.2.7.2); a link to an HTML '
    'page or another format is an "alternate" link, and hubs and readers that follow self '
    "to resubscribe would get the wrong document.",
    fix='Use rel="alternate" for the other representation, and give the self link the feed\'s '
    'own address with type="application/atom+xml".',
    formats=("atom",),
)
define(
    "SameDocumentReference",
    "warning",
    "{element} refers to {value!r}, which resolves to the xml:base itself, not to this document",
    parents=["Warning"],
    why="A reference that resolves to the base URI is a same-document reference (RFC 3986 4.4); "
    "with an xml:base that is not the document's address, readers disagree on whether it "
    "means the base or the feed.",
    fix="Make xml:base the document's own address, or write the reference so that it names "
    'the page (href="blog/" with xml:base="http://example.com/").',
)
