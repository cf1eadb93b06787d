"""Reads existing feeds (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) into Items.

XML feeds are read as a stream with lxml, one item at a time, so a feed of any size is read in
little memory. The parser never loads a DTD, expands an entity or touches the network. A feed
that is not well-formed is read a second time with lxml's recovery, as far as it goes, with a
warning naming the line; its items already read are not read twice.

What each item keeps, and the rules for what a source leaves out, are in the README
("Reading feeds"); the article-shape extraction of item files (read/items.py) fills in
authors, time, lead image and summary that a feed item does not state itself.
"""

from __future__ import annotations

import codecs
import gzip
import html
import io
import json
import re
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any, Protocol, cast
from urllib.parse import urljoin, urlsplit, urlunsplit

import ftfy
import lxml.etree as etree
import lxml.html
from dateutil import parser as dateparser

from feedtool.boms import byte_order_mark
from feedtool.errors import SourceError
from feedtool.jsonstream import VALUE_BUDGET as JSON_VALUE_BUDGET
from feedtool.jsonstream import JsonText, TooLarge, looks_like_json
from feedtool.model import Channel, Enclosure, Episode, Image, Item, Person, Podcast
from feedtool.read import charsets
from feedtool.read.items import article_shape

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XHTML = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# The namespaces each group of elements is found in: RSS's own elements have none in RSS
# 0.9x/2.0 and one in RSS 1.0 and 0.90; a few feeds put RSS 2.0 in a Userland namespace.
_GROUPS = {
    "": "rss",
    "http://purl.org/rss/1.0/": "rss",
    "http://my.netscape.com/rdf/simple/0.9/": "rss",
    "http://backend.userland.com/rss2": "rss",
    "http://blogs.law.harvard.edu/tech/rss": "rss",
    ATOM: "atom",
    ATOM03: "atom",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://www.itunes.com/DTDs/Podcast-1.0.dtd": "itunes",
    XHTML: "xhtml",
    RDF: "rdf",
}
# Prefixes feeds use without declaring them (recovery keeps "content:encoded" as a name).
_PREFIXES = {"content": "content", "dc": "dc", "dcterms": "dcterms", "media": "media", "itunes": "itunes",
             "atom": "atom"}  # fmt: skip
# The date of an item with no date anywhere, from a source with no time of its own (stdin).
UNDATED = datetime(2000, 1, 1, tzinfo=UTC)
SNIFF_SIZE = 4096
_GZIP = b"\x1f\x8b"
CHUNK = 1 << 16

# How "<?" looks in each wide encoding when there is no byte order mark.
_WIDE_STARTS = (
    (b"<\0\0\0", "utf-32-le"),
    (b"\0\0\0<", "utf-32-be"),
    (b"<\0?\0", "utf-16-le"),
    (b"\0<\0?", "utf-16-be"),
)
_DECLARED = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
# A UTF-8 lead byte's Latin-1 character followed by a continuation byte's: the look of mojibake.
_MOJIBAKE = re.compile("[\xc2-\xf4][\x80-\xbf]")
_C1 = re.compile("[\x80-\x9f]")
# In the recovery pass: a bare "&" that starts no reference, and references to HTML's named
# characters, which XML does not define (a CDATA section or comment is matched first and kept).
_REPAIRS = re.compile(
    r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|&(?:([A-Za-z][A-Za-z0-9]*);|(?!#[0-9]+;|#x[0-9A-Fa-f]+;))", re.S
)
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_EMAIL = re.compile(r"[^@\s<>()\"]+@[^@\s<>()\"]+\.[^@\s<>()\"]+")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*$")
_WHITESPACE = re.compile(r"\s+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
# Percent-escapes of characters a URL may hold as they are: letters, digits, "-", ".", "_", "~".
_UNRESERVED_ESCAPE = re.compile(r"%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEde]|5[Ff]|7[Ee])")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
# US time zone abbreviations RSS dates use; RFC 822 defines them, dateutil does not know them.
_ZONES = {
    "UT": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "CET": 1, "CEST": 2, "BST": 1,
    "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11,
    "NZST": 12, "NZDT": 13,
}  # fmt: skip

_TZINFOS = {name: hours * 3600 for name, hours in _ZONES.items()}


@dataclass
class _Found:
    """An item's fields as its feed states them, before the rules for what a feed leaves out."""

    title: str = ""
    link: str = ""
    guid: str = ""
    content: str = ""  # HTML
    summary_html: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    authors: Sequence[Person | None] = ()
    categories: list[str] = field(default_factory=list)
    enclosures: tuple[Enclosure, ...] = ()
    comments: str = ""
    language: str = ""
    image: Image | None = None
    episode: Episode | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    """What the feed says that its items inherit."""

    site_url: str = ""
    language: str = ""
    updated: datetime | None = None
    podcast: bool = False


@dataclass
class FeedReader:
    """Reads one feed. Iterate `items()` for its items, in the feed's order; afterwards
    `channel` holds what the feed says about itself and `warnings` what was wrong with it.

    `data` is the feed's bytes or a file to read them from; `charset` is the one an HTTP answer
    declared; `url` is where the feed was fetched from (the base of relative links);
    `zone_for(link)` is the time zone of a site's dates that carry none.
    """

    source: str
    data: bytes | Path
    zone_for: Callable[[str], tzinfo]
    charset: str | None = None
    url: str | None = None
    modified: datetime | None = None  # when the source last changed, if that is known
    channel: Channel = field(default_factory=Channel)
    warnings: list[str] = field(default_factory=list)
    format: str = ""
    _warned: set[str] = field(default_factory=set, repr=False)

    def _open(self) -> IO[bytes]:
        """The feed's bytes; a gzip-compressed file (a feed saved as it was served) is read
        through gzip, as a stream."""
        try:
            if isinstance(self.data, bytes):
                raw = io.BytesIO(self.data)
                if self.data[:2] == _GZIP:
                    return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
                return raw
            with self.data.open("rb") as head:
                gzipped = head.read(2) == _GZIP
            return cast(IO[bytes], gzip.open(self.data, "rb")) if gzipped else self.data.open("rb")
        except OSError as e:
            raise SourceError(self.source, None, f"cannot read: {e.strerror or e}") from e

    def _warn(self, line: int | None, message: str) -> None:
        """Note a problem once: the feed's own fields are read twice (before its first item,
        and whole), and the same problem at the same place is one problem."""
        warning = f"{self.source}:{line}: {message}" if line else f"{self.source}: {message}"
        if warning not in self._warned:
            self._warned.add(warning)
            self.warnings.append(warning)

    def items(self) -> Iterator[Item]:
        with self._open() as stream:
            try:
                head = stream.read(SNIFF_SIZE)
            except OSError as e:
                raise SourceError(self.source, None, f"cannot read: {e.strerror or e}") from e
        if not head.strip(b" \t\r\n\0\xef\xbb\xbf\xff\xfe"):
            raise SourceError(self.source, 1, "not a feed: the document is empty")
        if looks_like_json(head):
            yield from self._json_items()
        else:
            yield from self._xml_items(head)

    # -- XML ------------------------------------------------------------------------------

    def _encoding(self, head: bytes) -> tuple[int, str, bool]:
        """Where the document starts (after a byte order mark or junk), its encoding, and
        whether the document stated it (a byte order mark, the HTTP charset, the declaration)."""
        skip, encoding = 0, ""
        marked = byte_order_mark(head)
        if marked is not None:
            encoding, skip = marked
            if encoding == "utf-8":
                self._warn(1, "a UTF-8 byte order mark before the document: ignored")
        if not encoding:
            encoding = next((name for start, name in _WIDE_STARTS if head.startswith(start)), "")
        if encoding.startswith(("utf-16", "utf-32")):
            return skip, encoding, True
        start = head.find(b"<?xml", skip)
        first = head.find(b"<", skip)
        if start > skip or (start < 0 and first > skip and head[skip:first].strip()):
            cut = start if start > skip else first
            line = 1 + head.count(b"\n", 0, cut)
            self._warn(line, f"{cut - skip} bytes before the XML document: ignored")
            skip = cut
        declared = _DECLARED.match(head[skip:])
        candidates = []
        if encoding:
            candidates.append(encoding)
        if self.charset:
            candidates.append(self.charset)
        if declared:
            candidates.append(declared.group(1).decode("ascii"))
        candidates.append("utf-8")
        for index, name in enumerate(candidates):
            try:
                codecs.lookup(name)
            except LookupError:
                self._warn(1, f"unknown character encoding {name!r}: ignored")
                continue
            return skip, name, index < len(candidates) - 1  # the last is the default, UTF-8
        return skip, "utf-8", False  # not reached: utf-8 is always known

    def _check_decodes(self, skip: int, encoding: str, stated: bool) -> str:
        """The encoding the bytes really are in: `encoding` if they decode, else UTF-8, else
        the one guessed from the text (read/charsets.py), else windows-1252."""
        bad = self._first_undecodable(skip, encoding)
        if bad is None:
            return encoding
        if stated:
            self._warn(bad[0], f"bytes that are not {encoding} (0x{bad[1]:02x})")
        with self._open() as raw:
            raw.seek(skip)
            guessed = charsets.guess(raw.read(charsets.SAMPLE_SIZE))
        fallbacks = [("utf-8", "UTF-8", "")] if stated else []
        if guessed is not None:
            fallbacks.append((guessed.encoding, guessed.label, f" ({guessed.reason})"))
        fallbacks += [("windows-1252", "windows-1252", ""), ("latin-1", "latin-1", "")]
        for name, label, reason in fallbacks:
            if name != encoding and self._first_undecodable(skip, name) is None:
                if stated:
                    self._warn(None, f"the document is not {encoding} as it says: read as {label}{reason}")
                else:
                    self._warn(None, f"no character encoding stated and not UTF-8: read as {label}{reason}")
                return name
        return "latin-1"  # not reached: every byte is a latin-1 character

    def _first_undecodable(self, skip: int, encoding: str) -> tuple[int, int] | None:
        decoder = codecs.getincrementaldecoder(encoding)()
        line = 1
        with self._open() as stream:
            stream.seek(skip)
            while True:
                chunk = stream.read(CHUNK)
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as e:
                    return line + chunk.count(b"\n", 0, max(e.start, 0)), chunk[e.start] if chunk else 0
                line += text.count("\n")
                if not chunk:
                    return None

    def _xml_items(self, head: bytes) -> Iterator[Item]:
        skip, declared, stated = self._encoding(head)
        encoding = self._check_decodes(skip, declared, stated)
        done = 0
        try:
            with self._open() as raw:
                raw.seek(skip)
                for item in self._parse(_Utf8Stream(raw, encoding), recover=False):
                    done += 1
                    yield item
            return
        except etree.XMLSyntaxError as e:
            line = e.lineno if isinstance(e.lineno, int) else None
            self._warn(line, f"not well-formed XML ({e.msg}): read as far as it goes")
        self.format = ""
        with self._open() as raw:
            raw.seek(skip)
            text = codecs.getreader(encoding)(raw, "replace").read()
        repaired = _REPAIRS.sub(_repair, _NOT_XML_CHARS.sub("", text)).encode("utf-8")
        del text
        seen = 0
        try:
            for item in self._parse(io.BytesIO(repaired), recover=True):
                seen += 1
                if seen > done:
                    yield item
        except etree.XMLSyntaxError as e:  # recovery gave up too
            line = e.lineno if isinstance(e.lineno, int) else None
            if not self.format:
                raise SourceError(self.source, line, f"not a feed: cannot be read as XML ({e.msg})") from e
            self._warn(line, f"the rest of the document cannot be read ({e.msg})")

    def _parse(self, stream: _Readable, *, recover: bool) -> Iterator[Item]:
        events = etree.iterparse(
            stream,
            events=("start", "end"),
            encoding="utf-8",
            recover=recover,
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            remove_comments=True,
            remove_pis=True,
        )
        root: Any = None
        context: _Context | None = None
        for event, element in events:
            if root is None:
                root = element
                self.format = _format_of(element)
                if not self.format:
                    raise SourceError(
                        self.source,
                        element.sourceline,
                        f"not a feed: the document is <{_name(element)[1]}>, not RSS, RDF or Atom",
                    )
                continue
            if event != "end" or not isinstance(element.tag, str):
                continue
            parent = element.getparent()
            if parent is not None and _is_item(element, self.format):
                if context is None:
                    context = self._context(element)
                item = self._item(element, context)
                element.clear()
                parent.remove(element)
                if item is not None:
                    yield item
        if root is None:
            raise SourceError(self.source, 1, "not a feed: no XML element in the document")
        self.channel = self._read_channel(root)

    def _channel_element(self, root: Any) -> Any:
        if self.format in ("rss", "rdf"):  # RSS: <rss><channel>; RSS 1.0: <rdf:RDF><channel>
            for child in root:
                if _name(child) == ("rss", "channel"):
                    return child
        return root

    def _context(self, first: Any) -> _Context:
        """What the feed has said before its first item, for its items to inherit. Only what
        comes before it: how far lxml has read past the item depends on how the bytes fall into
        chunks, and the same feed must give the same items whatever its size."""
        root = first
        while root.getparent() is not None:
            root = root.getparent()
        channel = self._read_channel(root, before=first)
        return _Context(channel.site_url, channel.language, channel.updated, channel.podcast is not None)

    def _read_channel(self, root: Any, *, before: Any = None) -> Channel:
        """What the feed says about itself; with `before`, only in the elements before that one."""
        channel = self._channel_element(root)
        fields = _fields(channel, before)
        base = self._base(channel)
        if self.format in ("rss", "rdf"):
            title = _text(_first(fields, "rss", "title"))
            site = _link(base, _text(_first(fields, "rss", "link")))
            subtitle = _plain(_text(_first(fields, "rss", "description")))
            language = _text(_first(fields, "rss", "language")) or _text(_first(fields, "dc", "language"))
            image = _first(fields, "rss", "image")
            if image is None and self.format == "rdf":
                image = next((c for c in root if _name(c) == ("rss", "image")), None)
            logo = _link(base, _text(_first(_fields(image), "rss", "url"))) if image is not None else ""
            author = _person(_text(_first(fields, "rss", "managingEditor"))) or _person(
                _text(_first(fields, "dc", "creator"))
            )
            updated = self._date_of(fields, ("rss", "lastBuildDate"), ("rss", "pubDate"), ("dc", "date"))
            icon = ""
        else:
            title = _plain(_atom_text(_first(fields, "atom", "title")))
            site = self._alternate(fields, base)
            subtitle = _plain(_atom_text(_first(fields, "atom", "subtitle", "tagline")))
            language = channel.get(f"{{{XML_NS}}}lang", "")
            logo = _link(base, _text(_first(fields, "atom", "logo")))
            icon = _link(base, _text(_first(fields, "atom", "icon")))
            authors = [self._atom_person(e) for e in fields.get(("atom", "author"), [])]
            author = next((a for a in authors if a), None)
            updated = self._date_of(fields, ("atom", "updated"), ("atom", "modified"))
        podcast = self._podcast(fields, base)
        if author is None and podcast and podcast.author:
            author = _person(podcast.author)
        return Channel(
            title=_plain_text(title),
            subtitle=_collapse(subtitle),
            site_url=site,
            language=_language(language),
            author=next(iter(_unique_people([author])), None) if author else None,
            updated=updated,
            icon=icon or None,
            logo=logo or None,
            podcast=podcast,
        )

    def _podcast(self, fields: dict[tuple[str, str], list[Any]], base: str) -> Podcast | None:
        if not any(group == "itunes" for group, _ in fields):
            return None
        owner_element = _first(fields, "itunes", "owner")
        owner = None
        if owner_element is not None:
            parts = _fields(owner_element)
            name, email = _text(_first(parts, "itunes", "name")), _text(_first(parts, "itunes", "email"))
            if name or email:
                owner = Person(name=name or _mailbox(email), email=email or None)
        image = _first(fields, "itunes", "image")
        categories: list[tuple[str, ...]] = []
        for element in fields.get(("itunes", "category"), []):
            top = element.get("text", "").strip()
            subs = [c.get("text", "").strip() for c in element if _name(c) == ("itunes", "category")]
            categories += [(top, sub) for sub in subs if sub] or [(top,)]
        show_type = _text(_first(fields, "itunes", "type")).lower()
        return Podcast(
            author=_text(_first(fields, "itunes", "author")) or None,
            owner=owner,
            image=_link(base, image.get("href", "").strip()) or None if image is not None else None,
            categories=tuple(c for c in categories if c[0]),
            explicit=_explicit(_text(_first(fields, "itunes", "explicit"))),
            show_type=show_type if show_type in ("episodic", "serial") else None,
        )

    def _base(self, element: Any) -> str:
        """The URL relative references in `element` are relative to."""
        own = element.base or ""
        return urljoin(self.url, own) if self.url else own

    def _alternate(self, fields: dict[tuple[str, str], list[Any]], base: str) -> str:
        """An Atom element's link to the page it stands for."""
        links = [e for e in fields.get(("atom", "link"), []) if e.get("rel", "alternate") == "alternate"]
        links.sort(key=lambda e: e.get("type", "text/html") not in ("text/html", "application/xhtml+xml"))
        for element in links:
            url = _link(base, element.get("href", ""))
            if url:
                return url
        return ""

    def _date_of(self, fields: dict[tuple[str, str], list[Any]], *names: tuple[str, str]) -> datetime | None:
        for group, local in names:
            element = _first(fields, group, local)
            if element is not None:
                value = _text(element)
                when = parse_date(value, UTC)
                if when is not None:
                    return when
                if value:
                    self._warn(element.sourceline, f"<{local}> {value!r} is not a date: ignored")
        return None

    def _rss_person(self, element: Any) -> Person | None:
        """An RSS author or dc:creator; some feeds give it Atom's <name> and <email> inside."""
        parts = _fields(element)
        if _first(parts, "rss", "name") is not None:
            name, email = _text(_first(parts, "rss", "name")), _text(_first(parts, "rss", "email"))
            return _person(f"{email} ({name})" if email else name)
        return _person(_text(element))

    def _atom_person(self, element: Any) -> Person | None:
        parts = _fields(element)
        name = _collapse(_text(_first(parts, "atom", "name")))
        email = _collapse(_text(_first(parts, "atom", "email")))
        uri = _link(self._base(element), _text(_first(parts, "atom", "uri", "url")))
        if not name and not email:
            return None
        found = _person(name) if _EMAIL.search(name) else None
        if found is not None:  # an address written as the name: name and address apart
            name, email = found.name, email or found.email or ""
        return Person(name=name or _mailbox(email), email=email or None, uri=uri or None)

    def _item(self, element: Any, context: _Context) -> Item | None:
        fields = _fields(element)
        base = self._base(element) or context.site_url
        line = element.sourceline
        atom = self.format in ("atom", "atom03")
        if atom:
            title = _plain(_atom_text(_first(fields, "atom", "title")), keep_text=True)
            link = self._alternate(fields, base)
            guid = _text(_first(fields, "atom", "id"))
            permalink = False
            content = _atom_html(_first(fields, "atom", "content"))
            summary_html = _atom_html(_first(fields, "atom", "summary"))
            published = self._item_date(
                fields, line, ("atom", "published"), ("atom", "issued"), ("atom", "created")
            )
            updated = self._item_date(fields, line, ("atom", "updated"), ("atom", "modified"))
            authors = [self._atom_person(e) for e in fields.get(("atom", "author"), [])]
            categories = [
                e.get("term", "") or e.get("label", "") for e in fields.get(("atom", "category"), [])
            ]
            enclosures = [
                (e.get("href", ""), e.get("length"), e.get("type"))
                for e in fields.get(("atom", "link"), [])
                if e.get("rel") == "enclosure"
            ]
            replies = [
                e for e in fields.get(("atom", "link"), []) if e.get("rel") == "replies" and
                e.get("type", "text/html") == "text/html"
            ]  # fmt: skip
            comments = _link(base, replies[0].get("href", "")) if replies else ""
            language = element.get(f"{{{XML_NS}}}lang", "")
        else:
            title = _text(_first(fields, "rss", "title"))
            guid_element = _first(fields, "rss", "guid")
            guid = _text(guid_element)
            permalink = (
                guid_element is not None and guid_element.get("isPermaLink", "true").lower() != "false"
            )
            link = _link(base, _text(_first(fields, "rss", "link")))
            if not link and permalink:
                link = _link(base, guid)
            if not link and self.format == "rdf":
                link = _link(base, element.get(f"{{{RDF}}}about", ""))
            description = _markup(_first(fields, "rss", "description"))
            encoded = _markup(_first(fields, "content", "encoded")) or _markup(
                _first(fields, "xhtml", "body")
            )
            content, summary_html = (encoded, description) if encoded else (description, "")
            published = self._item_date(
                fields,
                line,
                ("rss", "pubDate"),
                ("dc", "date"),
                ("dcterms", "issued"),
                ("dcterms", "created"),
            )
            updated = self._item_date(fields, line, ("dcterms", "modified"))
            people = fields.get(("rss", "author"), []) + fields.get(("dc", "creator"), [])
            authors = [self._rss_person(e) for e in people]
            categories = [
                _text(e) for e in fields.get(("rss", "category"), []) + fields.get(("dc", "subject"), [])
            ]
            enclosures = [
                (e.get("url", ""), e.get("length"), e.get("type"))
                for e in fields.get(("rss", "enclosure"), [])
            ]
            comments = _link(base, _text(_first(fields, "rss", "comments")))
            language = ""
        # An episode's itunes:author names its people too (the show's is the channel's).
        authors += [_person(_text(e)) for e in fields.get(("itunes", "author"), [])]
        return self._complete(
            _Found(
                title=title,
                link=link,
                guid=guid,
                content=content,
                summary_html=summary_html,
                published=published,
                updated=updated,
                authors=authors,
                categories=categories,
                enclosures=_enclosures(base, enclosures),
                comments=comments,
                language=language,
                image=self._lead_image(element, fields, base, enclosures),
                episode=_episode(fields) if context.podcast or ("itunes", "duration") in fields else None,
            ),
            context,
            line,
            "an item",
        )

    def _complete(self, found: _Found, context: _Context, line: int | None, label: str) -> Item | None:
        """The Item, with what the feed left out filled in by the rules (README: "Reading feeds")."""
        zone = self.zone_for(found.link or context.site_url)
        published, updated = found.published, found.updated
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=zone)
        if updated is not None and updated.tzinfo is None:
            updated = updated.replace(tzinfo=zone)
        content = (found.content or found.summary_html).strip()
        try:
            shape = article_shape(content, zone, found.link) if content else None
        except ValueError:
            shape = None
        published = published or updated or (shape.published if shape else None) or context.updated
        if published is None:
            published = self.modified or UNDATED
            self._warn(
                line,
                f"{label} with no date: dated {published.isoformat()}, when the source last changed"
                if self.modified
                else f"{label} with no date: dated {UNDATED.isoformat()}",
            )
        published, updated = _plain_offset(published), updated and _plain_offset(updated)
        summary = _collapse(_plain(found.summary_html)) if found.summary_html else ""
        people = _unique_people(found.authors)
        stated = (("image", found.image), ("summary", summary))
        derived = tuple(name for name, own in stated if not own) if shape else ()
        summary = summary or (shape.summary if shape else "")
        uid = _collapse(found.guid)
        if uid.lower().startswith(("http:", "https:")):
            uid = _link("", uid) or uid
        item_id = uid if _usable_id(uid) else (found.link or (uid and _uuid_id(context.site_url, uid)))
        title = _plain_text(found.title)
        if not item_id and not title and not content:
            self._warn(line, f"{label} with no id, link, title or content: left out")
            return None
        item_id = item_id or _uuid_id(context.site_url, f"{title}\0{content}")
        title = title or _headline(summary or _plain(content)) or found.link or item_id
        return Item(
            id=item_id,
            url=found.link,
            title=title,
            published=published,
            updated=max(updated or published, published),
            authors=people or (shape.authors if shape else ()),
            summary=summary,
            content_html=content,
            categories=tuple(dict.fromkeys(c for c in map(_plain_text, found.categories) if c)),
            image=found.image or (shape.image if shape else None),
            language=_language(found.language) or context.language or None,
            source=f"{self.source}:{line}" if line else self.source,
            enclosures=found.enclosures,
            comments_url=found.comments or None,
            episode=found.episode,
            derived=derived,
        )

    def _item_date(
        self, fields: dict[tuple[str, str], list[Any]], line: int | None, *names: tuple[str, str]
    ) -> datetime | None:
        for group, local in names:
            for element in fields.get((group, local), []):
                value = _text(element)
                when = parse_date(value, None)
                if when is not None:
                    return when
                if value:
                    self._warn(element.sourceline or line, f"<{local}> {value!r} is not a date: ignored")
        return None

    def _lead_image(
        self, element: Any, fields: dict[tuple[str, str], list[Any]], base: str,
        enclosures: list[tuple[str, str | None, str | None]],
    ) -> Image | None:  # fmt: skip
        for media in element.iter():
            group, local = _name(media)
            if group != "media":
                continue
            if local not in ("content", "thumbnail"):
                continue
            url = _link(base, media.get("url", ""))
            kind = media.get("type", "")
            if not url:
                continue
            if local == "content" and not (
                media.get("medium") == "image" or kind.startswith("image/") or _looks_like_image(url)
            ):
                continue
            parts = _fields(media)
            caption = _plain(_text(_first(parts, "media", "description", "title")))
            return Image(
                url=url,
                caption=_collapse(caption) or None,
                credit=_collapse(_text(_first(parts, "media", "credit"))) or None,
                width=_int(media.get("width")),
                height=_int(media.get("height")),
                media_type=kind if kind.startswith("image/") else None,
            )
        for url, _, kind in enclosures:
            if (kind or "").startswith("image/") or (not kind and _looks_like_image(url)):
                found = _link(base, url)
                if found:
                    return Image(url=found, media_type=kind or None)
        itunes = _first(fields, "itunes", "image")
        if itunes is not None:
            found = _link(base, itunes.get("href", "") or _text(itunes))
            if found:
                return Image(url=found)
        return None

    # -- JSON Feed ------------------------------------------------------------------------

    def _json_items(self) -> Iterator[Item]:
        """A JSON Feed (or RSS in JSON), read as it streams: one top-level member, and one
        item, at a time (feedtool/jsonstream.py), so a feed of any size is read in little
        memory. As in XML feeds, items inherit what the feed states before them."""
        text = JsonText(self._json_pieces(self._json_encoding()), JSON_VALUE_BUDGET)
        read = 0
        try:
            for item in self._json_document(text):
                read += 1
                yield item
        except json.JSONDecodeError as e:
            line = text.where(e)[0]
            if not read:
                raise SourceError(self.source, line, f"not a feed: not JSON ({e.msg})") from e
            self._warn(line, f"not well-formed JSON ({e.msg}): read as far as it goes")
        except TooLarge as e:
            message = f"a JSON value of more than {JSON_VALUE_BUDGET} characters: cannot be read"
            raise SourceError(self.source, text.line, message) from e
        except RecursionError as e:
            raise SourceError(self.source, text.line, "not a feed: JSON nested too deeply") from e

    def _json_document(self, text: JsonText) -> Iterator[Item]:
        if text.next_char() != "{":
            raise SourceError(self.source, 1, 'not a feed: JSON without a JSON Feed "version"')
        members: dict[str, Any] = {}
        # An items list given before the version: held, with what the feed said before it.
        held: tuple[list[Any], _Context] | None = None
        for key in text.members():
            if key == "items" and text.next_char() == "[" and self._json_version(members):
                self.format, self.channel = "json", self._json_channel(members)
                context = self._json_context(members)
                yield from self._json_entries((value for value, _, _ in text.elements()), context)
                members[key] = []
            else:
                members[key] = text.value()[0]
                if key == "items" and isinstance(members[key], list):
                    held = members[key], self._json_context(members)
        if isinstance(members.get("rss"), dict):
            yield from self._rss_in_json(members["rss"])
        elif not self._json_version(members):
            raise SourceError(self.source, 1, 'not a feed: JSON without a JSON Feed "version"')
        else:
            self.format, self.channel = "json", self._json_channel(members)
            if not isinstance(members.get("items"), list):
                self._warn(None, 'no "items" list: a feed without items')
            elif held is not None:
                yield from self._json_entries(iter(held[0]), held[1])
        if text.next_char():
            raise text.error("extra", text.next_char())

    @staticmethod
    def _json_version(members: dict[str, Any]) -> bool:
        version = members.get("version", "")
        return isinstance(version, str) and bool(re.match(r"https?://jsonfeed\.org/version/", version))

    def _json_context(self, members: dict[str, Any]) -> _Context:
        """What items inherit: the site (the base of their links; else the feed's own URL)."""
        site = _link(self.url or "", _string(members.get("home_page_url"))) or self.url or ""
        return _Context(site, _string(members.get("language")), None, False)

    def _json_channel(self, members: dict[str, Any]) -> Channel:
        site = _link(self.url or "", _string(members.get("home_page_url")))
        authors = _json_people(members)
        return Channel(
            title=_collapse(_string(members.get("title"))),
            subtitle=_collapse(_plain(_string(members.get("description")))),
            site_url=site,
            language=_string(members.get("language")),
            author=authors[0] if authors else None,
            icon=_link(site, _string(members.get("favicon"))) or None,
            logo=_link(site, _string(members.get("icon"))) or None,
        )

    def _json_entries(self, entries: Iterator[Any], context: _Context) -> Iterator[Item]:
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict):
                self._warn(None, f"items[{number}] is not an object: left out")
                continue
            item = self._json_item(entry, number, context)
            if item is not None:
                yield item

    def _json_encoding(self) -> str:
        """The encoding to read a JSON Feed in: its HTTP charset or UTF-8, as JSON Feed must
        be; else the one guessed from its text (read/charsets.py), else windows-1252."""
        encoding = self.charset or "utf-8"
        try:
            codecs.lookup(encoding)
        except LookupError:
            encoding = "utf-8"
        if self._first_undecodable(0, encoding) is None:
            return encoding
        with self._open() as raw:
            guessed = charsets.guess(raw.read(charsets.SAMPLE_SIZE))
        if guessed is not None and self._first_undecodable(0, guessed.encoding) is None:
            self._warn(None, f"a JSON Feed that is not UTF-8: read as {guessed.label} ({guessed.reason})")
            return guessed.encoding
        self._warn(None, "a JSON Feed that is not UTF-8: read as windows-1252")
        return "windows-1252"

    def _json_pieces(self, encoding: str) -> Iterator[str]:
        """The document's text a piece at a time, without a byte order mark."""
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        first = True
        with self._open() as raw:
            while chunk := raw.read(CHUNK):
                piece = decoder.decode(chunk)
                if first:
                    piece, first = piece.removeprefix("\ufeff"), False
                yield piece
            yield decoder.decode(b"", final=True)

    def _rss_in_json(self, document: dict[str, Any]) -> Iterator[Item]:
        """RSS 2.0 written as JSON ("RSS in JSON"): each element a key, each attribute a key of
        its object, repeated elements a list. Read as the RSS it stands for."""
        if not isinstance(document.get("channel"), dict):
            raise SourceError(self.source, 1, 'not a feed: RSS in JSON without a "channel"')
        root = _element_from_json("rss", document)
        self.format = "rss"
        channel = self._channel_element(root)
        items = [child for child in channel if _name(child) == ("rss", "item")]
        context = None
        for element in items:
            context = context or self._context(element)
            item = self._item(element, context)
            channel.remove(element)
            if item is not None:
                yield item
        self.channel = self._read_channel(root)

    def _json_item(self, entry: dict[str, Any], number: int, context: _Context) -> Item | None:
        site = context.site_url
        raw_id = entry.get("id")
        attachments = entry.get("attachments")
        enclosures = [
            (_string(a.get("url")), _string(str(a.get("size_in_bytes", ""))), _string(a.get("mime_type")))
            for a in (attachments if isinstance(attachments, list) else [])
            if isinstance(a, dict)
        ]
        image = _link(site, _string(entry.get("image")) or _string(entry.get("banner_image")))
        tags = entry.get("tags")
        content = _string(entry.get("content_html")) or html.escape(_string(entry.get("content_text")))
        return self._complete(
            _Found(
                title=_string(entry.get("title")),
                link=_link(site, _string(entry.get("url")) or _string(entry.get("external_url"))),
                guid=_scalar(raw_id),
                content=content,
                summary_html=html.escape(_string(entry.get("summary"))),
                published=parse_date(_string(entry.get("date_published")), None),
                updated=parse_date(_string(entry.get("date_modified")), None),
                authors=_json_people(entry),
                categories=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
                enclosures=_enclosures(site, enclosures),
                language=_string(entry.get("language")),
                image=Image(url=image) if image else None,
            ),
            context,
            None,
            f"items[{number}]",
        )


def read_feed(
    source: str,
    data: bytes | Path,
    zone_for: Callable[[str], tzinfo],
    *,
    charset: str | None = None,
    url: str | None = None,
    modified: datetime | None = None,
) -> FeedReader:
    return FeedReader(source, data, zone_for, charset=charset, url=url, modified=modified)


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class _Utf8Stream:
    """A byte stream in any encoding, read as UTF-8 (lxml is then told the encoding, so a
    declaration that is wrong, or that names an encoding lxml does not know, does not matter)."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        self.raw = raw
        self.same = codecs.lookup(encoding).name == "utf-8"
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def read(self, size: int = CHUNK) -> bytes:
        chunk = self.raw.read(max(size, 1024))
        if self.same:
            return chunk
        return self.decoder.decode(chunk, final=not chunk).encode("utf-8")


# -- values -------------------------------------------------------------------------------


def parse_date(value: str, zone: tzinfo | None) -> datetime | None:
    """An RSS (RFC 822) or Atom/W3C (RFC 3339, ISO 8601) date, read as leniently as feed
    readers do; None if it is none of these. A date without a zone gets `zone` (None: stays naive)."""
    value = _collapse(value)
    if not value:
        return None
    when: datetime | None = None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        when = None
    if when is None or (when.tzinfo is None and not re.search(r"-0000\b", value)):
        try:
            when = dateparser.isoparse(value)
        except (ValueError, OverflowError):
            try:
                with warnings.catch_warnings():
                    # A zone name dateutil does not know: the date is read without it.
                    warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
                    when = dateparser.parse(value, tzinfos=_TZINFOS)
            except (ValueError, OverflowError, TypeError):
                return None
    if when.tzinfo is None:
        if re.search(r"-0000\b", value):
            when = when.replace(tzinfo=UTC)
        elif zone is not None:
            when = when.replace(tzinfo=zone)
    return when


def _element_from_json(name: str, value: object) -> Any:
    element = etree.Element(name)
    if isinstance(value, dict):
        for key, inner in value.items():
            values = inner if isinstance(inner, list) else [inner]
            for one in values:
                if not isinstance(one, (dict, str, int, float)) or isinstance(one, bool):
                    continue
                try:
                    element.append(_element_from_json(key, one))
                    if not isinstance(one, dict) and not isinstance(inner, list):
                        element.set(key, str(one))  # <enclosure url="…">, <guid isPermaLink="…">
                except ValueError:  # "source:outline" and other names XML cannot carry bare
                    continue
        if isinstance(value.get("#value"), str):
            element.text = value["#value"]
    elif isinstance(value, (str, int, float)):
        element.text = str(value)
    return element


def _plain_offset(moment: datetime) -> datetime:
    """The moment in UTC if its offset is not in whole or half hours (-08:10 is no zone's, and
    many readers cannot read it); else as it is."""
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 1800:
        return moment.astimezone(UTC)
    return moment


def _format_of(root: Any) -> str:
    if not isinstance(root.tag, str):
        return ""
    name = etree.QName(root)
    if name.localname == "rss" and _GROUPS.get(name.namespace or "") == "rss":
        return "rss"
    if name.localname == "RDF" and name.namespace == RDF:
        return "rdf"
    if name.localname == "feed" and name.namespace in (ATOM, None):
        return "atom"
    if name.localname == "feed" and name.namespace == ATOM03:
        return "atom03"
    return ""


def _is_item(element: Any, format: str) -> bool:
    group, local = _name(element)
    parent = element.getparent()
    if parent is None:
        return False
    if format in ("atom", "atom03"):
        return group == "atom" and local == "entry" and parent.getparent() is None
    if group != "rss" or local != "item":
        return False
    return _name(parent) == ("rss", "channel") or parent.getparent() is None


def _name(element: Any) -> tuple[str, str]:
    """(group, local name): the group of the element's namespace, or its namespace."""
    tag = element.tag
    if not isinstance(tag, str):
        return ("", "")
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        return _GROUPS.get(namespace, namespace), local
    prefix, colon, local = tag.partition(":")
    if colon:  # a prefix the feed never declared, kept by recovery: the usual one's meaning
        return _PREFIXES.get(prefix, prefix + ":"), local
    return "rss", tag


def _fields(element: Any, before: Any = None) -> dict[tuple[str, str], list[Any]]:
    """The element's children by name; the children before `before` if it is one of them."""
    found: dict[tuple[str, str], list[Any]] = {}
    for child in element:
        if child is before:
            break
        if isinstance(child.tag, str):
            found.setdefault(_name(child), []).append(child)
    return found


def _first(fields: dict[tuple[str, str], list[Any]], group: str, *locals: str) -> Any:
    """The first element named group:local, for the first of `locals` there is one of."""
    for local in locals:
        found = fields.get((group, local))
        if found:
            return found[0]
    return None


def _char(entity: Any) -> str:
    """An undeclared entity reference lxml kept unexpanded: HTML's named characters are what
    the feed meant; anything else (an entity from a DTD, never expanded) is left out."""
    return (
        html.unescape(f"&{entity.name};") if f"&{entity.name};" != html.unescape(f"&{entity.name};") else ""
    )


def _text(element: Any) -> str:
    """The text of an element, its descendants' included."""
    if element is None:
        return ""
    return _fix_characters(_raw_text(element))


def _raw_text(element: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag is etree.Entity:
            parts.append(_char(child))
        elif isinstance(child.tag, str):
            parts.append(_raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _fix_characters(text: str) -> str:
    """Text as it was meant: UTF-8 read as Latin-1 ("PeÃ±a") is read again (ftfy tells it from
    real Latin-1 text); C1 control characters (U+0080 to U+009F), windows-1252 read as Latin-1,
    become the characters they meant (… ’ “ €); characters XML cannot carry go."""
    if _MOJIBAKE.search(text):
        text = ftfy.fix_encoding(text)
    if _C1.search(text):
        text = _C1.sub(lambda m: m.group(0).encode("latin-1").decode("windows-1252", "ignore"), text)
    return _NOT_XML_CHARS.sub("", text)


def _serialize(element: Any) -> str:
    """Markup that a feed put into an element unescaped (ill-formed RSS does), with the XHTML
    namespace dropped: HTML again, for the sanitizer."""
    copy = etree.fromstring(etree.tostring(element))  # a private copy to rename in
    for node in copy.iter():
        if isinstance(node.tag, str):
            node.tag = _name(node)[1]
    etree.cleanup_namespaces(copy)
    inner = [html.escape(copy.text or "", quote=False)]
    for child in copy:
        inner.append(etree.tostring(child, encoding="unicode", with_tail=False))
        inner.append(html.escape(child.tail or "", quote=False))
    return _fix_characters("".join(inner))


def _markup(element: Any) -> str:
    """An element holding HTML: as escaped text, or as markup put there unescaped."""
    if element is None:
        return ""
    if any(isinstance(child.tag, str) for child in element):
        return _serialize(element)
    return _text(element)


def _atom_text(element: Any) -> str:
    """An Atom text construct as HTML."""
    if element is None:
        return ""
    kind = (element.get("type") or "text").lower()
    mode = (element.get("mode") or "").lower()
    if kind in ("xhtml", "application/xhtml+xml") or mode == "xml":
        holder = next((c for c in element if isinstance(c.tag, str)), None)
        if holder is not None and _name(holder)[1] == "div" and kind == "xhtml":
            return _serialize(holder)
        return _serialize(element)
    if kind in ("html", "text/html") or mode == "escaped":
        return _markup(element)
    if kind in ("text", "text/plain"):
        return html.escape(_text(element), quote=False)
    return ""  # base64 or another media type: nothing a reader shows as text


def _atom_html(element: Any) -> str:
    if element is None or element.get("src"):
        return ""  # out-of-line content is not part of the feed
    return _atom_text(element)


def _plain(markup: str, *, keep_text: bool = False) -> str:
    """The text of an HTML fragment. With keep_text, text that holds no markup stays as it is
    (a title "a < b" is text, not a broken tag)."""
    if not markup.strip():
        return ""
    if keep_text and "<" not in markup and "&" not in markup:
        return markup
    try:
        text = str(lxml.html.fragment_fromstring(markup, create_parent="div").text_content())
    except (etree.ParserError, ValueError):
        text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    return _fix_characters(text)  # references such as &#150; name C1 characters too


# What makes a title HTML rather than text: an end tag, or a character reference (a title
# escaped twice, "&amp;amp;", is one of these once read).
_HTML_IN_TITLE = re.compile(
    r"</[A-Za-z][A-Za-z0-9]*\s*>|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);?"
)
HEADLINE_LENGTH = 80


def _plain_text(raw: str) -> str:
    """A title, a name or a category is plain text: one that holds HTML is the text a browser
    shows for it."""
    text = raw
    for _ in range(3):  # escaped twice or three times over
        if not _HTML_IN_TITLE.search(text):
            break
        shown = _plain(text)
        if shown == text:
            break
        text = shown
    return _collapse(text)


def _headline(text: str) -> str:
    """A title for an item without one: the start of its text, cut at a word."""
    text = _collapse(text)
    if len(text) <= HEADLINE_LENGTH:
        return text
    cut = text.rfind(" ", 0, HEADLINE_LENGTH)
    return text[: cut if cut > HEADLINE_LENGTH // 2 else HEADLINE_LENGTH].rstrip(" ,.;:") + "…"


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _string(value: object) -> str:
    return _fix_characters(value) if isinstance(value, str) else ""


def _scalar(value: object) -> str:
    """A JSON id, which may be a number."""
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _int(value: object) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() and len(text) < 16 else None


def _http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url)


def _link(base: str, value: str) -> str:
    """`value` resolved against `base`, if that makes it an http(s) URL, in its normal form;
    else ""."""
    value = value.strip()
    if not value:
        return ""
    try:
        url = urljoin(base, value) if base else value
    except ValueError:
        return ""
    return _normal(url) if _http(url) else ""


def _normal(url: str) -> str:
    """An http(s) URL as readers compare URLs: scheme and host in lower case, no default port,
    a path of at least "/"."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    scheme = parts.scheme.lower()
    netloc = host if port in (None, {"http": 80, "https": 443}[scheme]) else f"{host}:{port}"
    if "@" in parts.netloc:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    path = _UNRESERVED_ESCAPE.sub(lambda m: chr(int(m.group(0)[1:], 16)), parts.path or "/")
    url = urlunsplit((scheme, netloc, path, parts.query, parts.fragment))
    return _ESCAPE.sub(lambda m: m.group(0).upper(), url)


# Ids kept as the feed gives them: http(s) URLs, urn:uuid:, other URNs, and RFC 4151 tag: URIs.
# Anything else (a guid that is a number or a word, a scheme of a site's own like "yt:")
# is replaced by the item's link, or a urn:uuid: derived from it.
# RFC 2141 (URN) and RFC 4151 (tag), as their grammars spell them.
_URN = re.compile(
    r"urn:[A-Za-z0-9][A-Za-z0-9-]{1,31}:(?:[A-Za-z0-9()+,\-.:=@;$_!*']|%[0-9A-Fa-f]{2})+\Z", re.I
)
_UUID_URN = re.compile(r"urn:uuid:[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\Z", re.I)
_TAG_URI = re.compile(
    r"tag:(?:[A-Za-z0-9._~!$&'()*+;=-]+@)?[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?,\d{4}(?:-\d\d(?:-\d\d)?)?:"
    r"[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*(?:#[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*)?\Z"
)


def _usable_id(value: str) -> bool:
    if not value or any(c.isspace() or c in '<>"{}|\\^`' for c in value):
        return False
    if value.lower().startswith(("http:", "https:")):
        return _http(value)
    if value.lower().startswith("urn:uuid:"):
        return bool(_UUID_URN.match(value))
    return bool(_URN.match(value) or _TAG_URI.match(value))


def _uuid_id(site: str, key: str) -> str:
    """An id for an item whose own is not a URI: the same key in the same feed, the same id."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{site}#{key}')}"


def _looks_like_image(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(_IMAGE_SUFFIXES)


def _person(value: str) -> Person | None:
    """An RSS author: "jo@example.com (Jo Smith)", "Jo Smith <jo@example.com>", an e-mail
    address alone, or (against the spec, often) a name alone."""
    value = _collapse(value)
    if not value:
        return None
    email_match = _EMAIL.search(value)
    if email_match is None:
        return Person(name=value)
    email = email_match.group(0).strip("<>()[]\"',;:").removeprefix("mailto:")
    rest = _collapse((value[: email_match.start()] + value[email_match.end() :]).strip())
    name = _collapse(rest.strip("()<>[]\"' ,;:"))
    if "@" in name:  # "a@b.c (a@b.c)": no name, the address twice
        name = ""
    return Person(name=name or _mailbox(email), email=email)


def _mailbox(email: str) -> str:
    """The name of a person known only by an address: its mailbox ("webmaster"), since a
    name that is an address is shown as one (and Atom validators warn: ContainsEmail)."""
    return email.split("@", 1)[0] or email


def _unique_people(people: Iterable[Person | None]) -> tuple[Person, ...]:
    seen: dict[str, Person] = {}
    for person in people:
        if person is None:
            continue
        name = _plain_text(person.name)
        if name:
            seen.setdefault(name.casefold(), replace(person, name=name))
    return tuple(seen.values())


def _language(value: str) -> str:
    """A language tag ("en-US"; "en_US" read as it); "" for anything else."""
    tag = value.strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.match(tag) else ""


def _json_people(document: dict[str, Any]) -> list[Person]:
    found = document.get("authors")
    if not isinstance(found, list):
        found = [document.get("author")]
    people = []
    for entry in found:
        if isinstance(entry, dict):
            name, url = _collapse(_string(entry.get("name"))), _link("", _string(entry.get("url")))
            if name:
                people.append(Person(name=name, uri=url or None))
    return people


def _enclosures(base: str, found: Sequence[tuple[str, str | None, str | None]]) -> tuple[Enclosure, ...]:
    kept: dict[str, Enclosure] = {}
    for raw_url, length, kind in found:
        url = _link(base, raw_url or "")
        if not url or url in kept:
            continue
        media_type = (kind or "").strip().lower()
        kept[url] = Enclosure(
            url=url,
            length=_int(length),
            media_type=media_type if _MEDIA_TYPE.match(media_type) else None,
        )
    return tuple(kept.values())


def _explicit(value: str) -> bool | None:
    value = value.strip().lower()
    if value in ("yes", "true", "explicit"):
        return True
    if value in ("no", "false", "clean"):
        return False
    return None


def _duration(value: str) -> int | None:
    """itunes:duration: seconds, or [[H:]M:]S."""
    parts = value.strip().split(":")
    if not value.strip() or len(parts) > 3:
        return None
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    seconds = 0.0
    for number in numbers:
        if number < 0:
            return None
        seconds = seconds * 60 + number
    return round(seconds)


def _episode(fields: dict[tuple[str, str], list[Any]]) -> Episode | None:
    kind = _text(_first(fields, "itunes", "episodeType")).strip().lower()
    episode = Episode(
        duration=_duration(_text(_first(fields, "itunes", "duration"))),
        episode=_int(_text(_first(fields, "itunes", "episode"))),
        season=_int(_text(_first(fields, "itunes", "season"))),
        explicit=_explicit(_text(_first(fields, "itunes", "explicit"))),
        episode_type=kind if kind in ("full", "trailer", "bonus") else None,
    )
    return None if episode == Episode() else episode


def _repair(match: re.Match[str]) -> str:
    whole = match.group(0)
    if whole.startswith("<"):
        return whole  # a CDATA section or a comment
    name = match.group(1)
    if name is None:
        return "&amp;"  # a bare ampersand
    if name in _XML_ENTITIES:
        return whole
    char = html.unescape(whole)
    return f"&#{ord(char)};" if len(char) == 1 and char != whole else whole
