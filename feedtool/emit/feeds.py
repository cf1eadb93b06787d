"""Writes Atom 1.0 and RSS 2.0 files with feedgen, and JSON Feed 1.1 with the json module."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feedtool import __version__
from feedtool.model import FeedMeta, Item

MEDIA_NS = "http://search.yahoo.com/mrss/"

# What each file is called and served as; the index page and the server use the same table.
ATOM = ("Atom", "atom.xml", "application/atom+xml")
RSS = ("RSS", "rss.xml", "application/rss+xml")
JSON_FEED = ("JSON Feed", "feed.json", "application/feed+json")
FEEDS = (ATOM, RSS, JSON_FEED)


class _MediaFeed(BaseExtension):  # type: ignore[misc]
    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}


class _MediaEntry(BaseEntryExtension):  # type: ignore[misc]
    """The lead image as <media:content medium="image"> with its caption and credit."""

    def __init__(self) -> None:
        self.item: Item | None = None

    def _extend(self, entry: etree._Element) -> etree._Element:
        image = self.item.image if self.item else None
        if image is None:
            return entry
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
        return entry

    extend_atom = _extend
    extend_rss = _extend


def _generator(meta: FeedMeta, items: Sequence[Item], kind: tuple[str, str, str]) -> FeedGenerator:
    _, filename, media_type = kind
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("media", _MediaFeed, _MediaEntry)
    fg.id(meta.id)
    fg.title(meta.title)
    fg.subtitle(meta.subtitle or meta.title)
    # feedgen takes the RSS <link> from the last link added: the site, not the feed itself.
    fg.link(href=meta.url_of(filename), rel="self", type=media_type)
    fg.link(href=meta.site_url, rel="alternate", type="text/html")
    fg.language(meta.language)
    fg.author({"name": meta.author})
    fg.updated(meta.updated)
    fg.lastBuildDate(meta.updated)
    fg.generator(meta.generator, version=meta.generator_version or __version__)
    for item in items:
        entry = fg.add_entry(order="append")
        entry.id(item.id)
        entry.guid(item.url, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate", type="text/html")
        entry.published(item.published)
        entry.updated(item.updated)
        for person in item.authors:
            entry.author({k: v for k, v in (("name", person.name), ("uri", person.uri)) if v})
            entry.dc.dc_creator(person.name, replace=False)
        if item.summary:
            entry.summary(item.summary, type="text")
        entry.content(item.content_html, type="html")
        for term in item.categories:
            entry.category(term=term)
        entry.media.item = item
    return fg


# A start tag (text and attribute values never hold a raw "<" or ">" once serialized).
_START_TAG = re.compile(rb"<[A-Za-z][^<>]*>")


def _write_streamed(fg: FeedGenerator, path: Path, rss: bool) -> None:
    """feedgen's feed, written one entry at a time.

    feedgen builds the whole document in memory, which for ten thousand articles is hundreds
    of megabytes; here it renders the feed's head on its own, and each entry element (still
    feedgen's own) is serialized and dropped in turn, so memory holds one entry at a time.
    """
    entries = fg.entry()
    fg.entry([], replace=True)
    head = fg.rss_str(pretty=True, encoding="UTF-8") if rss else fg.atom_str(pretty=True, encoding="UTF-8")
    closing = b"  </channel>\n</rss>\n" if rss else b"</feed>\n"
    if not head.endswith(closing):
        raise ValueError(f"unexpected end of feedgen's document: {head[-40:]!r}")
    root = etree.fromstring(head)
    # Entries are serialized inside a holder that declares the feed's namespaces, then their
    # own copies of those declarations are dropped: the feed element already makes them.
    holder = etree.Element("holder", nsmap={k: v for k, v in root.nsmap.items() if k})
    redundant = [f' xmlns:{k}="{v}"'.encode() for k, v in holder.nsmap.items()]
    level = 2 if rss else 1
    with path.open("wb") as out:
        out.write(head[: -len(closing)])
        for entry in entries:
            element = entry.rss_entry() if rss else entry.atom_entry()
            holder.append(element)
            etree.indent(element, space="  ", level=level)
            element.tail = None
            text = etree.tostring(element, encoding="UTF-8")
            holder.remove(element)
            text = _START_TAG.sub(lambda tag: _drop(tag.group(0), redundant), text)
            out.write(b"  " * level + text + b"\n")
        out.write(closing)


def _drop(tag: bytes, declarations: list[bytes]) -> bytes:
    for declaration in declarations:
        tag = tag.replace(declaration, b"")
    return tag


def write_atom(meta: FeedMeta, items: Sequence[Item], path: Path) -> None:
    _write_streamed(_generator(meta, items, ATOM), path, rss=False)


def write_rss(meta: FeedMeta, items: Sequence[Item], path: Path) -> None:
    _write_streamed(_generator(meta, items, RSS), path, rss=True)


def _json_item(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        "summary": item.summary or None,
        "date_published": item.published.isoformat(),
        "date_modified": item.updated.isoformat(),
        "authors": [{k: v for k, v in (("name", p.name), ("url", p.uri)) if v} for p in item.authors],
        "tags": list(item.categories),
        "image": item.image.url if item.image else None,
        "language": item.language,
    }
    return {k: v for k, v in entry.items() if v not in (None, [], "")}


def write_json_feed(meta: FeedMeta, items: Sequence[Item], path: Path) -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "description": meta.subtitle or None,
        "home_page_url": meta.site_url,
        "feed_url": meta.url_of(JSON_FEED[1]),
        "language": meta.language,
        "authors": [{"name": meta.author}],
        "items": [_json_item(item) for item in items],
    }
    with path.open("w", encoding="utf-8") as out:
        json.dump({k: v for k, v in feed.items() if v is not None}, out, ensure_ascii=False, indent=2)
        out.write("\n")
