"""Writes Atom 1.0 and RSS 2.0 files with feedgen, and JSON Feed 1.1 with the json module."""

from __future__ import annotations

import html
import json
import mimetypes
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feedtool import __version__
from feedtool.model import Enclosure, FeedMeta, Item, Podcast

MEDIA_NS = "http://search.yahoo.com/mrss/"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# RSS requires an enclosure's type; one the source did not give is guessed from the file name.
UNKNOWN_MEDIA_TYPE = "application/octet-stream"

# What each file is called and served as; the index page and the server use the same table.
ATOM = ("Atom", "atom.xml", "application/atom+xml")
RSS = ("RSS", "rss.xml", "application/rss+xml")
JSON_FEED = ("JSON Feed", "feed.json", "application/feed+json")
FEEDS = (ATOM, RSS, JSON_FEED)


class _ItemExtras(BaseEntryExtension):  # type: ignore[misc]
    """What feedgen does not write itself: the lead image as <media:content medium="image">
    with its caption and credit; in Atom the enclosures as <link rel="enclosure"> and the
    comments page as <link rel="replies">; in RSS the
    item's first enclosure (RSS has room for one) and an
    episode's itunes:explicit as true/false (feedgen writes yes/no, which Apple retired)."""

    def __init__(self) -> None:
        self.item: Item | None = None
        self.podcast: Podcast | None = None  # the show's tags, when they are written

    def _image(self, entry: etree._Element) -> None:
        image = self.item.image if self.item else None
        if image is None:
            return
        content = etree.SubElement(entry, f"{{{MEDIA_NS}}}content", url=image.url, medium="image")
        if image.media_type:
            content.set("type", image.media_type)
        if image.width and image.height:
            content.set("width", str(image.width))
            content.set("height", str(image.height))
        if image.caption:
            description = etree.SubElement(content, f"{{{MEDIA_NS}}}description", type="plain")
            description.text = image.caption
        if image.credit:
            etree.SubElement(content, f"{{{MEDIA_NS}}}credit").text = image.credit

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        self._image(entry)
        # feedgen writes an entry's links without their rel and type: these are written here,
        # like feedgen's own elements in no namespace (the feed's default namespace is Atom's).
        for enclosure in self.item.enclosures if self.item else ():
            link = etree.SubElement(
                entry, "link", rel="enclosure", type=media_type_of(enclosure), href=enclosure.url
            )
            if enclosure.length:
                link.set("length", str(enclosure.length))
        if self.item and self.item.comments_url:
            etree.SubElement(entry, "link", rel="replies", type="text/html", href=self.item.comments_url)
        return entry

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        description = entry.find("description")
        if description is not None and self.item:
            description.text = html.escape(self.item.summary, quote=False)
        if self.item and self.item.enclosures:
            first = self.item.enclosures[0]
            etree.SubElement(
                entry, "enclosure", url=first.url, length=str(first.length or 0), type=media_type_of(first)
            )
        self._image(entry)
        episode = self.item.episode if self.item and self.podcast else None
        if episode is not None and episode.explicit is not None:
            etree.SubElement(entry, f"{{{ITUNES_NS}}}explicit").text = "true" if episode.explicit else "false"
        return entry


class _ChannelExtras(BaseExtension):  # type: ignore[misc]
    """A podcast's artwork, and its itunes:explicit as true/false (see _ItemExtras)."""

    def __init__(self) -> None:
        self.podcast: Podcast | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed[0]
        image = channel.find("image")
        if image is not None and not _rss_image(image.findtext("url") or ""):
            channel.remove(image)
        podcast = self.podcast
        if podcast is not None and podcast.image:
            # Written here: feedgen silently leaves out artwork whose address does not end in
            # ".jpg" or ".png" exactly (cover.jpeg, COVER.JPG, cover.jpg?v=2), which Apple takes.
            etree.SubElement(channel, f"{{{ITUNES_NS}}}image", href=podcast.image)
        if podcast is not None and podcast.explicit is not None:
            etree.SubElement(channel, f"{{{ITUNES_NS}}}explicit").text = (
                "true" if podcast.explicit else "false"
            )
        return feed


def _rss_image(url: str) -> bool:
    """Whether RSS readers can show the logo as the channel image: RSS takes GIF, JPEG and PNG
    (a logo of another kind, an .ico or .svg, stays in Atom and JSON Feed only)."""
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return "." not in name or name.rsplit(".", 1)[1] in ("gif", "jpg", "jpeg", "png")


def media_type_of(enclosure: Enclosure) -> str:
    """The enclosure's media type; guessed from its file name when the source gave none."""
    return enclosure.media_type or mimetypes.guess_type(enclosure.url)[0] or UNKNOWN_MEDIA_TYPE


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def podcast_to_write(meta: FeedMeta, items: Sequence[Item]) -> Podcast | None:
    """The podcast's iTunes tags as they can be written: only the categories Apple offers today,
    and only when the show meets what Apple requires of a podcast (a category, explicit or not,
    an owner's e-mail, a language, JPEG or PNG artwork, a description within Apple's limit) and
    so does every episode (a title, an audio or video enclosure with its length, its own
    enclosure, a number when the show is serial). Otherwise none at all: the feed is a plain RSS
    feed with enclosures, since an iTunes tag anywhere holds the whole feed to those rules."""
    from feedtool.validate.rules.apple import ARTWORK_SUFFIXES, MAX_DESCRIPTION_BYTES, MEDIA_TYPES
    from feedtool.validate.rules.itunes import CATEGORIES

    podcast = meta.podcast
    if podcast is None:
        return None
    categories = tuple(
        path
        for path in podcast.categories
        if path[0] in CATEGORIES and (len(path) == 1 or path[1] in CATEGORIES[path[0]])
    )
    owner = podcast.owner
    show_ready = (
        categories
        and podcast.explicit is not None
        and owner is not None
        and owner.email
        and meta.language
        and podcast.image
        and urlsplit(podcast.image).path.lower().endswith(ARTWORK_SUFFIXES)
        and len((meta.subtitle or meta.title).encode("utf-8")) <= MAX_DESCRIPTION_BYTES
    )
    if not show_ready:
        return None
    enclosures: set[str] = set()
    for item in items:
        first = item.enclosures[0] if item.enclosures else None
        if (
            first is None
            or media_type_of(first) not in MEDIA_TYPES
            or not first.length
            or first.url in enclosures
            or len(item.summary.encode("utf-8")) > MAX_DESCRIPTION_BYTES
            or (podcast.show_type == "serial" and not (item.episode and item.episode.episode))
        ):
            return None
        enclosures.add(first.url)
    return replace(podcast, categories=categories)


def _podcast(fg: FeedGenerator, podcast: Podcast | None) -> None:
    if podcast is None:
        return
    fg.load_extension("podcast", atom=False, rss=True)
    if podcast.author:
        fg.podcast.itunes_author(podcast.author)
    if podcast.owner is not None and podcast.owner.email:
        fg.podcast.itunes_owner(name=podcast.owner.name, email=podcast.owner.email)
    categories = [
        {"cat": path[0], "sub": path[1]} if len(path) > 1 else {"cat": path[0]} for path in podcast.categories
    ]
    if categories:
        fg.podcast.itunes_category(categories)
    if podcast.show_type:
        fg.podcast.itunes_type(podcast.show_type)


def _episode(entry: Any, item: Item) -> None:
    episode = item.episode
    if episode is None:
        return
    if episode.duration is not None:
        entry.podcast.itunes_duration(_duration(episode.duration))
    if episode.episode:
        entry.podcast.itunes_episode(episode.episode)
    if episode.season:
        entry.podcast.itunes_season(episode.season)
    if episode.episode_type:
        entry.podcast.itunes_episode_type(episode.episode_type)


def _add_entry(fg: FeedGenerator, item: Item) -> Any:
    podcast = fg.media.podcast  # the show's tags, when they are written
    entry = fg.add_entry(order="append")
    entry.id(item.id)
    entry.guid(item.id, permalink=item.id == item.url)
    entry.title(item.title)
    if item.url:
        # rel="alternate" is feedgen's default; its Atom writes an entry's links with href alone.
        entry.link(href=item.url)
    entry.published(item.published)
    entry.updated(item.updated)
    for person in item.authors:
        entry.author({k: v for k, v in (("name", person.name), ("uri", person.uri)) if v})
        entry.dc.dc_creator(person.name, replace=False)
    if item.summary:
        _summary(entry, item.summary)
    if item.content_html:
        entry.content(item.content_html, type="html")
    for term in item.categories:
        entry.category(term=term)
    if item.comments_url:
        entry.comments(item.comments_url)
    if podcast is not None:
        _episode(entry, item)
    entry.media.item = item
    entry.media.podcast = podcast
    return entry


# Text that readers would take for markup: an end tag or a character reference.
_LOOKS_LIKE_HTML = re.compile(r"</\w+>|&#?\w+;")


def _summary(entry: Any, summary: str) -> None:
    """The plain-text summary. In Atom it is text, unless it looks like markup (a summary
    quoting code), when it is written as escaped HTML; RSS's description is always HTML, so
    _ItemExtras escapes it there."""
    if _LOOKS_LIKE_HTML.search(summary):
        entry.summary(html.escape(summary, quote=False), type="html")
    else:
        entry.summary(summary, type="text")


def _generator(meta: FeedMeta, kind: tuple[str, str, str]) -> FeedGenerator:
    """The feed's head; FeedFormat adds each entry on its own."""
    _, filename, media_type = kind
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("media", _ChannelExtras, _ItemExtras)
    podcast = meta.podcast  # as podcast_to_write made it, or None
    fg.media.podcast = podcast
    _podcast(fg, podcast)
    fg.id(meta.id)
    fg.title(meta.title)
    if meta.subtitle or kind is RSS:
        # RSS requires a channel description: without a subtitle it repeats the title.
        fg.subtitle(meta.subtitle or meta.title)
    # feedgen takes the RSS <link> from the last link added: the site, not the feed itself.
    fg.link(href=meta.url_of(filename), rel="self", type=media_type)
    fg.link(href=meta.site_url, rel="alternate", type="text/html")
    if meta.language:
        fg.language(meta.language)
    fg.author({"name": meta.author})
    if meta.icon:
        fg.icon(meta.icon)
    if meta.logo:
        fg.logo(meta.logo)
    fg.updated(meta.updated)  # Atom's updated and RSS's lastBuildDate both
    fg.generator(meta.generator, version=meta.generator_version or __version__)
    return fg


# A start tag that declares a namespace prefix (text and attribute values never hold a raw
# "<" or ">" once serialized): only those can repeat the feed element's declarations.
_START_TAG = re.compile(rb"<[A-Za-z][^<>]* xmlns:[^<>]*>")


class FeedFormat:
    """One feed's Atom or RSS document as feedgen writes it, cut into the head, each entry on
    its own, and the closing tags.

    feedgen builds the whole document in memory, which for ten thousand articles is hundreds
    of megabytes; here it renders the feed's head on its own, and each entry element (still
    feedgen's own) is serialized on its own, so a feed of any length is written one entry at a
    time, and an entry's bytes do not depend on the other entries.
    """

    def __init__(self, meta: FeedMeta, kind: tuple[str, str, str]) -> None:
        self.rss = kind is RSS
        self.fg = _generator(meta, kind)
        self.closing = b"  </channel>\n</rss>\n" if self.rss else b"</feed>\n"
        self.level = 2 if self.rss else 1
        pretty = {"pretty": True, "encoding": "UTF-8"}
        whole = self.fg.rss_str(**pretty) if self.rss else self.fg.atom_str(**pretty)
        if not whole.endswith(self.closing):
            raise ValueError(f"unexpected end of feedgen's document: {whole[-40:]!r}")
        self.head = whole[: -len(self.closing)]
        # Entries are serialized inside a holder that declares the feed's namespaces, then their
        # own copies of those declarations are dropped: the feed element already makes them.
        root = etree.fromstring(whole)
        self._holder = etree.Element("holder", nsmap={k: v for k, v in root.nsmap.items() if k})
        self._redundant = [f' xmlns:{k}="{v}"'.encode() for k, v in self._holder.nsmap.items()]

    def entry(self, item: Item) -> bytes:
        """The entry (Atom) or item (RSS), indented as in the feed, ending in a newline."""
        entry = _add_entry(self.fg, item)
        try:
            element = entry.rss_entry() if self.rss else entry.atom_entry()
        finally:
            self.fg.remove_entry(entry)
        self._holder.append(element)
        etree.indent(element, space="  ", level=self.level)
        element.tail = None
        text = etree.tostring(element, encoding="UTF-8")
        self._holder.remove(element)
        text = _START_TAG.sub(lambda tag: _drop(tag.group(0), self._redundant), text)
        return b"  " * self.level + text + b"\n"

    def write(self, items: Iterable[Item], path: Path) -> None:
        with path.open("wb") as out:
            out.write(self.head)
            for item in items:
                out.write(self.entry(item))
            out.write(self.closing)


def _drop(tag: bytes, declarations: list[bytes]) -> bytes:
    for declaration in declarations:
        tag = tag.replace(declaration, b"")
    return tag


def write_atom(meta: FeedMeta, items: Iterable[Item], path: Path) -> None:
    FeedFormat(meta, ATOM).write(items, path)


def write_rss(meta: FeedMeta, items: Iterable[Item], path: Path) -> None:
    FeedFormat(meta, RSS).write(items, path)


def _json_item(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": item.id,
        "url": item.url or None,
        "title": item.title,
        # JSON Feed requires one of the two, present even when the source item had no text.
        "content_html" if item.content_html else "content_text": item.content_html or item.summary,
        "summary": item.summary or None,
        "date_published": item.published.isoformat(),
        "date_modified": item.updated.isoformat(),
        "authors": [{k: v for k, v in (("name", p.name), ("url", p.uri)) if v} for p in item.authors],
        "tags": list(item.categories),
        "image": item.image.url if item.image else None,
        "language": item.language,
        "attachments": [
            {
                k: v
                for k, v in (("url", e.url), ("mime_type", media_type_of(e)), ("size_in_bytes", e.length))
                if v
            }
            for e in item.enclosures
        ],
    }
    return {k: v for k, v in entry.items() if v not in (None, [], "") or k.startswith("content_")}


# Items are written one at a time, in the layout json.dump(indent=2) gives the whole feed.
JSON_SEPARATOR = b",\n"
_NO_ITEMS = b'"items": []'


def json_parts(meta: FeedMeta) -> tuple[bytes, bytes]:
    """The JSON Feed before its first item and after its last; `head + closing` (without
    their newlines) is the feed with no items."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "description": meta.subtitle or None,
        "home_page_url": meta.site_url,
        "feed_url": meta.url_of(JSON_FEED[1]),
        "icon": meta.logo,
        "favicon": meta.icon,
        "language": meta.language or None,
        "authors": [{"name": meta.author}],
        "items": [],
    }
    text = json.dumps({k: v for k, v in feed.items() if v is not None}, ensure_ascii=False, indent=2)
    head, closing = text.encode("utf-8").rsplit(_NO_ITEMS, 1)
    return head + b'"items": [\n', b"\n  ]" + closing + b"\n"


def json_item(item: Item) -> bytes:
    """One item, indented as in the feed, without the separator between items."""
    text = json.dumps(_json_item(item), ensure_ascii=False, indent=2)
    return ("    " + text.replace("\n", "\n    ")).encode("utf-8")


def json_empty(head: bytes, closing: bytes) -> bytes:
    return head.removesuffix(b"[\n") + b"[]" + closing.removeprefix(b"\n  ]")


def write_json_feed(meta: FeedMeta, items: Iterable[Item], path: Path) -> None:
    head, closing = json_parts(meta)
    with path.open("wb") as out:
        written = False
        for item in items:
            out.write((JSON_SEPARATOR if written else head) + json_item(item))
            written = True
        out.write(closing if written else json_empty(head, closing))
