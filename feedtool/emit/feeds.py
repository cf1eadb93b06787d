"""Writes Atom 1.0 and RSS 2.0 files with feedgen, and JSON Feed 1.1 with the json module."""

from __future__ import annotations

import json
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


def write_atom(meta: FeedMeta, items: Sequence[Item], path: Path) -> None:
    _generator(meta, items, ATOM).atom_file(str(path), pretty=True, encoding="UTF-8")


def write_rss(meta: FeedMeta, items: Sequence[Item], path: Path) -> None:
    _generator(meta, items, RSS).rss_file(str(path), pretty=True, encoding="UTF-8")


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
