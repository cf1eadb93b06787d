"""The index.html page: what a person sees at / and what a browser discovers from it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

from feedtool.emit.page import render_index
from feedtool.model import FeedMeta, Item, Person

SHANGHAI = timezone(timedelta(hours=8))
FEEDS = (
    ("Atom", "atom.xml", "application/atom+xml"),
    ("RSS", "rss.xml", "application/rss+xml"),
    ("JSON Feed", "feed.json", "application/feed+json"),
)


class Page(HTMLParser):
    """Elements with their attributes, and the visible text, as a browser would parse them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text) of <a>
        self._open_links: list[tuple[str, list[str]]] = []
        self._raw_text = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "a":
            self._open_links.append((dict(attrs).get("href") or "", []))
        if tag in ("style", "script", "title"):
            self._raw_text += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open_links:
            href, parts = self._open_links.pop()
            self.links.append((href, "".join(parts)))
        if tag in ("style", "script", "title"):
            self._raw_text -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw_text:
            self.text.append(data)
        for _, parts in self._open_links:
            parts.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def visible(self) -> str:
        return "".join(self.text)


def meta(language: str = "zh-CN", title: str = "纽约时报中文网 · 国际") -> FeedMeta:
    return FeedMeta(
        title=title,
        subtitle="国际新闻 <b>不是标签</b>",
        id="https://cn.nytimes.com/",
        site_url="https://cn.nytimes.com/",
        base_url="http://127.0.0.1:8123/",
        language=language,
        updated=datetime(2023, 9, 14, 2, 49, tzinfo=SHANGHAI),
    )


def item(n: int, **changes: object) -> Item:
    values: dict[str, object] = {
        "id": f"https://cn.nytimes.com/world/{n}/",
        "url": f"https://cn.nytimes.com/world/{n}/",
        "title": f"普京与金正恩会面 {n}",
        "published": datetime(2023, 9, 14, 2, n, tzinfo=SHANGHAI),
        "updated": datetime(2023, 9, 14, 3, n, tzinfo=SHANGHAI),
        "authors": (Person("PAUL SONNE"), Person("CHOE SANG-HUN")),
        "summary": f"他们注视着火箭发射台的工作情况。第{n}段。",
        "content_html": "<p>正文</p>",
    }
    values.update(changes)
    return Item(**values)  # type: ignore[arg-type]


def test_page_declares_language_charset_and_discovers_every_feed() -> None:
    html = render_index(meta(), [item(1)], FEEDS)
    assert html.startswith("<!DOCTYPE html>")
    page = Page(html)
    assert page.all("html")[0]["lang"] == "zh-CN"
    assert page.elements[2] == ("meta", {"charset": "utf-8"})  # first thing in <head>
    alternates = [a for a in page.all("link") if a.get("rel") == "alternate"]
    assert [(a["type"], a["href"]) for a in alternates] == [
        (media_type, f"http://127.0.0.1:8123/{filename}") for _, filename, media_type in FEEDS
    ]
    assert all(a["title"] for a in alternates)
    # Plain addresses a person can copy, shown as text, not only as link targets.
    for _, filename, _ in FEEDS:
        assert f"http://127.0.0.1:8123/{filename}" in page.visible()


def test_page_shows_feed_and_each_item() -> None:
    items = [item(1), item(2, authors=(Person("王五"),), summary="")]
    page = Page(render_index(meta(), items, FEEDS))
    text = page.visible()
    assert "纽约时报中文网 · 国际" in text
    assert "国际新闻 <b>不是标签</b>" in text  # the subtitle is text, its markup shown literally
    assert "<b>" not in [name for name, _ in page.elements]
    assert page.all("title")
    for entry in items:
        assert (entry.url, entry.title) in page.links
        assert entry.published.isoformat() in [t["datetime"] for t in page.all("time")]
        assert entry.published.strftime("%Y-%m-%d %H:%M") in text
        for person in entry.authors:
            assert person.name in text
        assert entry.summary in text
    assert text.index("普京与金正恩会面 1") < text.index("普京与金正恩会面 2")  # given order kept


def test_untrusted_text_cannot_inject_markup() -> None:
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    hostile = item(
        1,
        title=f"标题{attack}",
        summary=f"摘要{attack}",
        authors=(Person(f"作者{attack}"),),
        url="javascript:alert(3)",
    )
    html = render_index(meta(title=f"订阅{attack}"), [hostile], FEEDS)
    page = Page(html)
    assert not page.all("script") and not page.all("img")
    assert not any(k.startswith("on") for _, attrs in page.elements for k in attrs)
    assert not any("javascript:" in attrs.get("href", "") for _, attrs in page.elements)
    assert page.visible().count("<script>alert(1)</script>") == 4  # title h1, item, summary, author
    assert "标题" in page.visible()  # the item is still listed, just not linked


def test_page_speaks_english_for_other_languages() -> None:
    page = Page(render_index(meta(language="en-GB"), [], FEEDS))
    assert page.all("html")[0]["lang"] == "en-GB"
    assert "Subscribe" in page.visible() and "订阅" not in page.visible()
