"""The index pages, whole: every line a reader sees, written out by hand (the stylesheet aside)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from feedtool.emit.page import render_index, render_site_index
from feedtool.model import FeedMeta, Item, Person

FORMATS = (("Atom", "atom.xml", "application/atom+xml"), ("RSS", "rss.xml", "application/rss+xml"))


def unstyled(page: str) -> str:
    return re.sub(r"<style>.*?</style>", "<style></style>", page, flags=re.DOTALL)


def meta(**changes: object) -> FeedMeta:
    fields: dict[str, object] = {
        "title": "Pod & Co",
        "subtitle": "",
        "id": "https://e.example/",
        "site_url": "https://e.example/",
        "base_url": "https://f.example/",
        "language": "en",
        "updated": datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
        "generator_version": "1.2",
    }
    return FeedMeta(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_feeds_page_in_english_lists_its_items_newest_first_as_given():
    items = [
        Item(
            id="a",
            url="http://e.example/a",
            title="A <b>",
            published=datetime(2024, 2, 29, 9, 30, tzinfo=timezone(timedelta(hours=8))),
            updated=datetime(2024, 2, 29, 9, 30, tzinfo=UTC),
            authors=(Person("Ann"), Person("Bo")),
            summary="S & T",
        ),
        Item(
            id="b",
            url="ftp://e.example/b",
            title="B",
            published=datetime(2024, 2, 28, tzinfo=UTC),
            updated=datetime(2024, 2, 28, tzinfo=UTC),
        ),
    ]
    assert (
        unstyled(render_index(meta(), items, FORMATS))
        == """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pod &amp; Co</title>
<meta name="generator" content="feedtool 1.2">
<link rel="alternate" type="application/atom+xml" title="Pod &amp; Co (Atom)" href="https://f.example/atom.xml">
<link rel="alternate" type="application/rss+xml" title="Pod &amp; Co (RSS)" href="https://f.example/rss.xml">
<style></style>
</head>
<body>
<main>
<header>
<h1><a href="https://e.example/">Pod &amp; Co</a></h1>

<div class="meta">Updated <time datetime="2024-03-01T08:00:00+00:00">2024-03-01 08:00 UTC</time></div>
</header>
<section class="subscribe" aria-labelledby="subscribe">
<h2 id="subscribe">Subscribe</h2>
<p>Copy an address into your feed reader:</p>
<ul>
<li><span class="kind">Atom</span> <a href="https://f.example/atom.xml"><code>https://f.example/atom.xml</code></a></li>
<li><span class="kind">RSS</span> <a href="https://f.example/rss.xml"><code>https://f.example/rss.xml</code></a></li>
</ul>
</section>
<section class="items" aria-labelledby="items">
<h2 id="items">Latest items</h2>
<ol>
<li><article>
<h3><a href="http://e.example/a">A &lt;b&gt;</a></h3>
<div class="meta"><time datetime="2024-02-29T09:30:00+08:00">2024-02-29 09:30 UTC+08:00</time> · by <span class="authors">Ann, Bo</span></div>
<p>S &amp; T</p>
</article></li>
<li><article>
<h3>B</h3>
<div class="meta"><time datetime="2024-02-28T00:00:00+00:00">2024-02-28 00:00 UTC</time></div>
</article></li>
</ol>
</section>
<footer>Made by feedtool 1.2</footer>
</main>
</body>
</html>
"""  # noqa: E501 (lines of the page as written)
    )


def test_an_empty_chinese_feeds_page_says_so_and_describes_the_feed():
    page = render_index(
        meta(
            title="新闻",
            subtitle="每日",
            language="zh-Hans",
            updated=datetime(2024, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        ),
        [],
        FORMATS[:1],
    )
    assert (
        unstyled(page)
        == """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>新闻</title>
<meta name="description" content="每日">
<meta name="generator" content="feedtool 1.2">
<link rel="alternate" type="application/atom+xml" title="新闻 (Atom)" href="https://f.example/atom.xml">
<style></style>
</head>
<body>
<main>
<header>
<h1><a href="https://e.example/">新闻</a></h1>
<p>每日</p>
<div class="meta">更新于 <time datetime="2024-03-01T08:00:00-05:30">2024-03-01 08:00 UTC-05:30</time></div>
</header>
<section class="subscribe" aria-labelledby="subscribe">
<h2 id="subscribe">订阅</h2>
<p>把下面任一地址复制到你的阅读器中：</p>
<ul>
<li><span class="kind">Atom</span> <a href="https://f.example/atom.xml"><code>https://f.example/atom.xml</code></a></li>
</ul>
</section>
<section class="items" aria-labelledby="items">
<h2 id="items">最新文章</h2>
<ol>
<li>还没有文章。</li>
</ol>
</section>
<footer>生成工具 feedtool 1.2</footer>
</main>
</body>
</html>
"""
    )


def test_a_site_page_lists_each_feed_with_its_count_and_addresses():
    site = meta(title="站点", subtitle="两个源", language="zh-CN", generator_version="")
    first = meta(title="甲", subtitle="甲的说明", base_url="https://f.example/a/")
    second = meta(title="乙", base_url="https://f.example/b/", updated=datetime(2024, 2, 1, tzinfo=UTC))
    page = render_site_index(site, [(first, 3), (second, 0)], FORMATS)
    assert (
        unstyled(page)
        == """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>站点</title>
<meta name="description" content="两个源">
<meta name="generator" content="feedtool">
<link rel="alternate" type="application/atom+xml" title="甲 (Atom)" href="https://f.example/a/atom.xml">
<link rel="alternate" type="application/rss+xml" title="甲 (RSS)" href="https://f.example/a/rss.xml">
<link rel="alternate" type="application/atom+xml" title="乙 (Atom)" href="https://f.example/b/atom.xml">
<link rel="alternate" type="application/rss+xml" title="乙 (RSS)" href="https://f.example/b/rss.xml">
<style></style>
</head>
<body>
<main>
<header>
<h1><a href="https://e.example/">站点</a></h1>
<p>两个源</p>
<div class="meta">更新于 <time datetime="2024-03-01T08:00:00+00:00">2024-03-01 08:00 UTC</time></div>
</header>
<section class="items" aria-labelledby="feeds">
<h2 id="feeds">订阅源</h2>
<ol>
<li><article>
<h3><a href="https://f.example/a/">甲</a></h3>
<div class="meta">更新于 <time datetime="2024-03-01T08:00:00+00:00">2024-03-01 08:00 UTC</time> · 3 篇 · <a href="https://f.example/a/atom.xml">Atom</a> · <a href="https://f.example/a/rss.xml">RSS</a></div>
<p>甲的说明</p>
</article></li>
<li><article>
<h3><a href="https://f.example/b/">乙</a></h3>
<div class="meta">更新于 <time datetime="2024-02-01T00:00:00+00:00">2024-02-01 00:00 UTC</time> · 0 篇 · <a href="https://f.example/b/atom.xml">Atom</a> · <a href="https://f.example/b/rss.xml">RSS</a></div>

</article></li>
</ol>
</section>
<footer>生成工具 feedtool</footer>
</main>
</body>
</html>
"""  # noqa: E501 (lines of the page as written)
    )


def test_a_site_page_without_feeds_or_description_says_so_in_english():
    page = render_site_index(
        meta(title="Site", site_url="javascript:alert(1)", language="fr-CA"), [], FORMATS
    )
    assert '<title>Site</title>\n<meta name="generator" content="feedtool 1.2">' in page
    assert '<h1>Site</h1>\n\n<div class="meta">Updated ' in page
    assert '<h2 id="feeds">Feeds</h2>\n<ol>\n<li>No items yet.</li>\n</ol>' in page
    assert "<footer>Made by feedtool 1.2</footer>" in page
