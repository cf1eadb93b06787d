"""Several feeds from one configuration ([[feeds]]): a folder each, their own sources, rules
and limits, one page listing them all, one atomic publish, and `serve` serving them all."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import pytest
from items import SEEDS
from serve_support import request, running_server

from feedtool.cli import main

CONFIG = """[feed]
title = "两个订阅"
subtitle = "feedtool 的测试"
base_url = "https://feeds.example.org/"
language = "zh-CN"

[read.timezones]
"cn.nytimes.com" = "Asia/Shanghai"

[[feeds]]
name = "nyt"
title = "纽约时报"
sources = ["seeds"]
limit = 1

[[feeds]]
name = "blog"
sources = ["blog.xml"]
rules = {{ filterout = [{{ title = "广告" }}] }}
{extra}"""

BLOG = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Blog</title><link>https://blog.example/</link>
<description>A blog</description><language>fr</language>
<item><title>Post one</title><link>https://blog.example/1</link>
<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<description>First.</description></item>
<item><title>广告 · sponsored</title><link>https://blog.example/ad</link>
<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate><description>Buy.</description></item>
</channel></rss>
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "blog.xml").write_text(BLOG, encoding="utf-8")
    (tmp_path / "feedtool.toml").write_text(CONFIG.format(extra=""), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_each_feed_gets_its_folder_and_the_page_lists_them(project, capsys):
    assert main(["build"]) == 0, capsys.readouterr().err
    published = [
        "blog/atom.xml", "blog/feed.json", "blog/index.html", "blog/rss.xml", "index.html",
        "nyt/atom.xml", "nyt/feed.json", "nyt/index.html", "nyt/rss.xml",
    ]  # fmt: skip
    assert files(project / "dist") == sorted(published + [f"{name}.gz" for name in published])
    nyt = feedparser.parse((project / "dist" / "nyt" / "atom.xml").read_bytes())
    assert nyt.feed.title == "纽约时报"
    assert [link.href for link in nyt.feed.links if link.rel == "self"] == [
        "https://feeds.example.org/nyt/atom.xml"
    ]
    assert len(nyt.entries) == 1  # its own limit
    blog = feedparser.parse((project / "dist" / "blog" / "rss.xml").read_bytes())
    assert blog.feed.title == "Blog"  # from its source, which [feed]'s title is not for
    assert blog.feed.language == "zh-CN"  # [feed]'s language is every feed's default
    assert [e.title for e in blog.entries] == ["Post one"]  # its own rules dropped the advert
    page = (project / "dist" / "index.html").read_text("utf-8")
    assert "<title>两个订阅</title>" in page
    for url in ("https://feeds.example.org/nyt/atom.xml", "https://feeds.example.org/blog/feed.json"):
        assert f'href="{url}"' in page
    assert '<a href="https://feeds.example.org/nyt/">纽约时报</a>' in page


def test_a_failing_feed_leaves_every_feed_as_it_was(project, capsys):
    assert main(["build"]) == 0
    before = {name: (project / "dist" / name).read_bytes() for name in files(project / "dist")}
    (project / "blog.xml").write_text("<html><body>gone</body></html>", encoding="utf-8")
    (project / "seeds" / "000_cf4f5c09dd1c36ac.txt").unlink()  # the nyt feed changes too
    assert main(["build"]) == 1
    assert "blog.xml:1: not a feed" in capsys.readouterr().err
    assert {name: (project / "dist" / name).read_bytes() for name in files(project / "dist")} == before


def test_building_twice_is_byte_identical_and_then_up_to_date(project, capsys):
    assert main(["build"]) == 0
    first = {name: (project / "dist" / name).read_bytes() for name in files(project / "dist")}
    shutil.rmtree(project / ".feedtool-cache")
    assert main(["build", "--out", "again"]) == 0
    assert {name: (project / "again" / name).read_bytes() for name in files(project / "again")} == first
    assert main(["build"]) == 0  # records dist/ in the new cache
    capsys.readouterr()
    assert main(["build"]) == 0
    assert "already up to date" in capsys.readouterr().err
    (project / "blog.xml").write_text(BLOG.replace("Post one", "Post 1"), encoding="utf-8")
    assert main(["build"]) == 0
    assert "wrote blog/atom.xml" in capsys.readouterr().err  # one source changed: its feed did


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[feeds]]\nname = "nyt"\nsources = ["seeds"]\n', "feeds[3].name 'nyt' is used by another feed"),
        ('[[feeds]]\nname = "../up"\nsources = ["seeds"]\n', "feeds[3].name must be a folder name"),
        ('[[feeds]]\nname = "x"\n', "feeds[3] (x) has no sources"),
        (
            '[[feeds]]\nname = "x"\nsources = ["seeds"]\nbase_url = "https://a.example/"\n',
            "unknown key 'base_url' in feeds[3]",
        ),
        ('[[feeds]]\nname = "x"\nsources = ["seeds"]\nrules = { convert = "nope" }\n', "feeds[3].rules"),
    ],
)
def test_a_bad_feed_entry_is_a_usage_error_naming_it(project, capsys, extra, message):
    (project / "feedtool.toml").write_text(CONFIG.format(extra=extra), encoding="utf-8")
    assert main(["build"]) == 2
    assert message in capsys.readouterr().err
    assert not (project / "dist").exists()


def test_serve_serves_every_feed(project, capsys):
    assert main(["build", "--base-url", "http://127.0.0.1:8000/"]) == 0
    with running_server(project / "dist") as server:
        for path, media_type in (
            ("/", "text/html"),
            ("/nyt/atom.xml", "application/atom+xml"),
            ("/blog/", "text/html"),
            ("/blog/feed.json", "application/feed+json"),
        ):
            status, headers, _ = request(server.port, "GET", path)
            assert status == 200 and headers["content-type"].startswith(media_type), path
        status, headers, _ = request(server.port, "GET", "/nyt/rss.xml")
        status, _, body = request(server.port, "GET", "/nyt/rss.xml", {"If-None-Match": headers["etag"]})
        assert status == 304 and body == b""
