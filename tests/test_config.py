"""feedtool.toml: every key changes what a build writes, and without a file the README's defaults hold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from items import SEEDS
from lxml import etree

from feedtool.cli import main

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The seed 000 body: <time datetime="2023-09-14 02:49:21">, a feedx footer, weserv.nl images.
SEED_000_URL = "https://cn.nytimes.com/asia-pacific/20230914/putin-kim-russia-north-korea/"


def build_atom(folder: Path, config: str | None) -> etree._Element:
    """Builds the shipped seeds in `folder` (the current folder) with `config` as feedtool.toml
    (None: no file) and parses the atom.xml it wrote."""
    shutil.copytree(SEEDS, folder / "seeds")
    if config is not None:
        (folder / "feedtool.toml").write_text(config, encoding="utf-8")
    assert main(["build"]) == 0
    data = (folder / "dist" / "atom.xml").read_bytes()
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False))


def entry(feed: etree._Element, url: str) -> etree._Element:
    return next(e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == url)


def links(element: etree._Element) -> dict[str, str]:
    return {link.get("rel"): link.get("href") for link in element.findall(f"{ATOM}link")}


def test_without_a_file_the_defaults_hold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    feed = build_atom(tmp_path, None)
    assert feed.findtext(f"{ATOM}title") == "feedtool feed"
    # No subtitle: Atom and JSON Feed have none; RSS requires a description and repeats the title.
    assert feed.find(f"{ATOM}subtitle") is None
    assert "description" not in json.loads((tmp_path / "dist" / "feed.json").read_text("utf-8"))
    rss = etree.parse(tmp_path / "dist" / "rss.xml")
    assert rss.findtext("channel/description") == "feedtool feed"
    assert feed.findtext(f"{ATOM}id") == "http://127.0.0.1:8000/"
    assert links(feed) == {"self": "http://127.0.0.1:8000/atom.xml", "alternate": "http://127.0.0.1:8000/"}
    assert feed.get(XML_LANG) == "en"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "feedtool feed"
    assert len(feed.findall(f"{ATOM}entry")) == 2
    # Naive <time> values are UTC when no zone is configured.
    assert entry(feed, SEED_000_URL).findtext(f"{ATOM}published") == "2023-09-14T02:49:21+00:00"
    assert (tmp_path / ".feedtool-cache").is_dir()


def test_every_feed_key_reaches_the_feed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    feed = build_atom(
        tmp_path,
        """[feed]
title = "标题 T"
subtitle = "副标题 S"
site_url = "https://site.example.org/"
base_url = "https://feeds.example.org/zh/"
id = "urn:uuid:8d2d5cf4-5d3c-4b1c-9f46-0d6b1a0e3a11"
language = "zh-TW"
author = "编辑部 A"
limit = 1
""",
    )
    assert feed.findtext(f"{ATOM}title") == "标题 T"
    assert feed.findtext(f"{ATOM}subtitle") == "副标题 S"
    assert feed.findtext(f"{ATOM}id") == "urn:uuid:8d2d5cf4-5d3c-4b1c-9f46-0d6b1a0e3a11"
    assert links(feed) == {
        "self": "https://feeds.example.org/zh/atom.xml",
        "alternate": "https://site.example.org/",
    }
    assert feed.get(XML_LANG) == "zh-TW"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "编辑部 A"
    assert [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")] == [SEED_000_URL]


def test_time_zones_default_and_per_site(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    tokyo = build_atom(tmp_path / "a", '[read]\ntimezone = "Asia/Tokyo"\n')
    assert entry(tokyo, SEED_000_URL).findtext(f"{ATOM}published") == "2023-09-14T02:49:21+09:00"
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "b")
    per_site = build_atom(
        tmp_path / "b", '[read]\ntimezone = "Asia/Tokyo"\n[read.timezones]\n"nytimes.com" = "Asia/Shanghai"\n'
    )
    # A host matches its own entry and its parent domains' entries.
    assert entry(per_site, SEED_000_URL).findtext(f"{ATOM}published") == "2023-09-14T02:49:21+08:00"


def test_build_folders_are_relative_to_the_config_file(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    (project / "feedtool.toml").write_text(
        '[build]\nseeds = "seeds"\nout = "out"\ncache = "c"\n', encoding="utf-8"
    )
    shutil.copytree(SEEDS, project / "seeds")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["build", "--config", str(project / "feedtool.toml")]) == 0
    assert (project / "out" / "atom.xml").is_file()
    assert (project / "c").is_dir()
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("unwrap", [True, False])
def test_unwrap_image_proxy_switch(tmp_path, monkeypatch, unwrap):
    monkeypatch.chdir(tmp_path)
    feed = build_atom(tmp_path, f"[clean]\nunwrap_image_proxy = {str(unwrap).lower()}\n")
    item = entry(feed, SEED_000_URL)
    image = item.find(f"{MEDIA}content").get("url")
    content = item.findtext(f"{ATOM}content")
    if unwrap:
        assert image.startswith("https://static01.nyt.com/images/")
        assert "weserv.nl" not in content
    else:
        assert image.startswith("https://images.weserv.nl/?url=static01.nyt.com/images/")
        assert "https://images.weserv.nl/?url=static01.nyt.com/images/" in content


@pytest.mark.parametrize("builtin", [True, False])
def test_builtin_footer_rules_switch(tmp_path, monkeypatch, builtin):
    monkeypatch.chdir(tmp_path)
    feed = build_atom(tmp_path, f"[clean]\nbuiltin_footer_rules = {str(builtin).lower()}\n")
    content = entry(feed, SEED_000_URL).findtext(f"{ATOM}content")
    assert ("获取更多RSS" in content) is not builtin
    assert "<footer>" in content  # the article's own footer stays either way
