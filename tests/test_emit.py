"""Round trip: what feedtool writes, feedparser reads back as exactly the items it built."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from types import SimpleNamespace

import feedparser
import pytest
from items import SEEDS, write_config

from feedtool.build import build
from feedtool.clean import clean_item
from feedtool.config import load_settings
from feedtool.read import read_item


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project")
    config = write_config(folder, base_url="https://feeds.example.com/nyt/")
    settings = load_settings(config, seeds=SEEDS, out=folder / "dist", cache=folder / "cache")
    result = build(settings)
    # The oracle: the seeds as the reader and cleaner make them, newest first.
    paths = sorted(SEEDS.glob("*.txt"))
    read = [read_item(p, p.read_bytes(), settings.zone_for, settings.language) for p in paths]
    items = sorted((clean_item(i, settings).item for i in read), key=lambda i: -i.published.timestamp())
    return SimpleNamespace(meta=result.meta, outputs=result.outputs, items=items)


def parse(path):
    # Raw values: feedparser's own sanitizing and URL resolving would hide what we wrote.
    return feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)


@pytest.mark.parametrize(("name", "version"), [("atom.xml", "atom10"), ("rss.xml", "rss20")])
def test_feed_reads_back_as_the_items_built(built, name, version):
    parsed = parse(built.outputs[0].parent / name)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    assert parsed.feed.title == built.meta.title
    assert len(parsed.entries) == len(built.items) == 2
    for entry, item in zip(parsed.entries, built.items, strict=True):
        assert entry.title == item.title
        assert entry.link == item.url
        assert entry.id == item.id
        published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        assert published == item.published
        assert [a["name"] for a in entry.authors] == [p.name for p in item.authors]
        assert entry.summary == item.summary
        assert entry.content[0].value == item.content_html
        assert [t.term for t in entry.tags] == list(item.categories)
        assert entry.media_content[0]["url"] == item.image.url


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_entries_are_newest_first_and_the_feed_updated_is_the_newest_item(built, name):
    parsed = parse(built.outputs[0].parent / name)
    times = [datetime(*entry.published_parsed[:6], tzinfo=UTC) for entry in parsed.entries]
    assert len(times) == 2 and times == sorted(times, reverse=True)
    # The feed's own updated (Atom) / lastBuildDate (RSS), not an entry's: never "now".
    assert datetime(*parsed.feed.updated_parsed[:6], tzinfo=UTC) == max(item.updated for item in built.items)
    atom = (built.outputs[0]).read_text(encoding="utf-8")
    assert re.search(r"<feed[^>]*>\s*<id>", atom)


def test_self_links_are_where_the_feeds_are_served(built):
    folder = built.outputs[0].parent
    assert 'href="https://feeds.example.com/nyt/atom.xml" rel="self"' in (folder / "atom.xml").read_text(
        "utf-8"
    )
    rss = (folder / "rss.xml").read_text("utf-8")
    assert 'href="https://feeds.example.com/nyt/rss.xml" rel="self"' in rss
    assert "<link>https://cn.nytimes.com/</link>" in rss


def test_rss_names_authors_in_dc_creator_not_author(built):
    rss = (built.outputs[0].parent / "rss.xml").read_text("utf-8")
    assert "<author>" not in rss
    assert "<dc:creator>Paul Sonne</dc:creator>" in rss and "<dc:creator>Choe Sang-Hun</dc:creator>" in rss
    assert '<guid isPermaLink="true">https://cn.nytimes.com/' in rss


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml", "feed.json", "index.html"])
def test_no_footer_and_nothing_that_runs_in_any_output(built, name):
    text = (built.outputs[0].parent / name).read_text("utf-8")
    for banned in ("获取更多RSS", "feedx.net", "feedx.best", "weserv.nl"):
        assert banned not in text
    unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert not re.search(r"<script|\son[a-z]+\s*=|\sstyle\s*=", unescaped, re.I)
    if name != "index.html":  # the page's own stylesheet is ours; articles bring none
        assert "<style" not in unescaped


def test_json_feed_carries_the_same_items(built):
    feed = json.loads((built.outputs[0].parent / "feed.json").read_text("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://feeds.example.com/nyt/feed.json"
    assert [i["id"] for i in feed["items"]] == [item.id for item in built.items]
    assert [a["name"] for a in feed["items"][0]["authors"]] == ["Paul Sonne", "Choe Sang-Hun"]
    assert feed["items"][0]["content_html"] == built.items[0].content_html


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml", "feed.json"])
def test_committed_dist_validates_with_no_errors_and_no_warnings(name):
    from items import REPO

    from feedtool.validate import validate_path

    settings = load_settings(REPO / "feedtool.toml")
    report = validate_path(REPO / "dist" / name, base=settings.base_url + name)
    assert report.format == {"atom.xml": "atom", "rss.xml": "rss", "feed.json": "json"}[name]
    assert [(p.severity, p.code, p.message) for p in report.problems if p.severity != "info"] == []
