"""Fields the fixture projects do not carry, as each format writes them: enclosures, comments
pages, summaries that quote markup, the logo and icon, an item without a link or text.
Expected values are written by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from feedtool.emit.feeds import write_atom, write_json_feed, write_rss
from feedtool.model import Enclosure, FeedMeta, Image, Item, Person

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
WHEN = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
META = FeedMeta(
    title="Example News",
    subtitle="",
    id="https://news.example/",
    site_url="https://news.example/",
    base_url="https://feeds.example.org/news/",
    language="en",
    updated=WHEN,
    author="Example Desk",
    generator_version="9.9",
    icon="https://news.example/favicon.ico",
    logo="https://news.example/logo.png",
)
ITEM = Item(
    id="https://news.example/a",
    url="https://news.example/a",
    title="A",
    published=datetime(2024, 2, 29, 9, 30, tzinfo=timezone(timedelta(hours=8))),
    updated=WHEN,
    authors=(Person("Ann", uri="https://news.example/ann"), Person("Bo")),
    summary="Close a paragraph with </p> & mind &amp; entities.",
    categories=("World", "Asia"),
    image=Image(
        "https://news.example/a.jpg",
        caption="Lead",
        credit="Agency",
        width=800,
        height=600,
        media_type="image/jpeg",
    ),
    language="en",
    enclosures=(
        Enclosure("https://news.example/a.mp3", 1234),
        Enclosure("https://news.example/a.pdf", media_type="application/x-custom"),
        Enclosure("https://news.example/a.unknownkind"),
    ),
    comments_url="https://news.example/a#comments",
)
# An item with nothing but a link, a title and a date.
BARE = Item(
    id="urn:example:bare", url="https://news.example/bare", title="Bare", published=WHEN, updated=WHEN
)


def test_atom_entries_carry_enclosures_comments_and_a_summary_that_quotes_markup(tmp_path: Path) -> None:
    path = tmp_path / "atom.xml"
    write_atom(META, [ITEM, BARE], path)
    feed = etree.parse(str(path)).getroot()
    assert feed.findtext(f"{ATOM}icon") == "https://news.example/favicon.ico"
    assert feed.findtext(f"{ATOM}logo") == "https://news.example/logo.png"
    assert feed.find(f"{ATOM}subtitle") is None  # no subtitle: Atom leaves it out
    assert feed.find(f"{ATOM}generator").attrib == {"version": "9.9"}
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<feed")
    assert feed.findtext(f"{ATOM}updated") == "2024-03-01T08:00:00+00:00"
    assert [dict(link.attrib) for link in feed.findall(f"{ATOM}link")] == [
        {"href": "https://feeds.example.org/news/atom.xml", "rel": "self", "type": "application/atom+xml"},
        {"href": "https://news.example/", "rel": "alternate", "type": "text/html"},
    ]
    entry, bare = feed.findall(f"{ATOM}entry")
    assert [dict(link.attrib) for link in entry.findall(f"{ATOM}link")] == [
        {"href": "https://news.example/a"},  # rel="alternate" is the default
        {"rel": "enclosure", "type": "audio/mpeg", "href": "https://news.example/a.mp3", "length": "1234"},
        {"rel": "enclosure", "type": "application/x-custom", "href": "https://news.example/a.pdf"},
        {
            "rel": "enclosure",
            "type": "application/octet-stream",
            "href": "https://news.example/a.unknownkind",
        },
        {"rel": "replies", "type": "text/html", "href": "https://news.example/a#comments"},
    ]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # As HTML, the text reads back as the plain text it is.
    assert summary.text == "Close a paragraph with &lt;/p&gt; &amp; mind &amp;amp; entities."
    authors = [[(c.tag.removeprefix(ATOM), c.text) for c in a] for a in entry.findall(f"{ATOM}author")]
    assert authors == [[("name", "Ann"), ("uri", "https://news.example/ann")], [("name", "Bo")]]
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["World", "Asia"]
    assert entry.findtext(f"{ATOM}published") == "2024-02-29T09:30:00+08:00"
    content = entry.find(f"{MEDIA}content")
    assert dict(content.attrib) == {
        "url": "https://news.example/a.jpg",
        "medium": "image",
        "type": "image/jpeg",
        "width": "800",
        "height": "600",
    }
    assert [(c.tag.removeprefix(MEDIA), c.text, dict(c.attrib)) for c in content] == [
        ("description", "Lead", {"type": "plain"}),
        ("credit", "Agency", {}),
    ]
    assert [dict(link.attrib) for link in bare.findall(f"{ATOM}link")] == [
        {"href": "https://news.example/bare"}
    ]
    assert bare.find(f"{ATOM}summary") is None and bare.find(f"{ATOM}author") is None
    assert bare.find(f"{ATOM}content") is None and bare.find(f"{MEDIA}content") is None


def test_summaries_in_atom_are_text_unless_they_quote_markup() -> None:
    from feedtool.emit.feeds import FeedFormat

    atom = FeedFormat(META, ("Atom", "atom.xml", "application/atom+xml"))

    def summary_of(summary: str) -> tuple[str | None, str | None]:
        entry = etree.fromstring(
            atom.entry(
                Item(
                    id="urn:x",
                    url="https://n.example/x",
                    title="t",
                    published=WHEN,
                    updated=WHEN,
                    summary=summary,
                )
            ).replace(b"<entry>", b'<entry xmlns="http://www.w3.org/2005/Atom">')
        )
        element = entry.find(f"{ATOM}summary")
        return element.get("type"), element.text

    assert summary_of("Prices < 5 & rising; 3>2") == ("text", "Prices < 5 & rising; 3>2")
    # Escaped as HTML text; quotes need no escaping there and are left as they are.
    assert summary_of('Say "</p>"') == ("html", 'Say "&lt;/p&gt;"')


def test_an_entry_is_indented_as_in_the_feed_and_written_in_utf8() -> None:
    from feedtool.emit.feeds import ATOM as ATOM_FORMAT
    from feedtool.emit.feeds import RSS, FeedFormat

    item = Item(
        id="urn:x",
        url="https://n.example/x",
        title="新闻",
        published=WHEN,
        updated=WHEN,
        summary="摘要",
        authors=(Person("Ann"),),
        image=Image("https://n.example/x.png"),
    )
    lines = FeedFormat(META, RSS).entry(item).split(b"\n")
    assert lines[0] == b"    <item>" and lines[-2:] == [b"    </item>", b""]
    assert all(line.startswith(b"      <") and not line.startswith(b"       ") for line in lines[1:-2])
    assert b"      <title>\xe6\x96\xb0\xe9\x97\xbb</title>" in lines  # 新闻 in UTF-8, not &#26032;
    assert b"      <dc:creator>Ann</dc:creator>" in lines  # the feed element declares dc: and media:
    assert not any(b"xmlns" in line for line in lines)
    lines = FeedFormat(META, ATOM_FORMAT).entry(item).split(b"\n")
    assert lines[0] == b"  <entry>" and lines[-2:] == [b"  </entry>", b""]
    assert [line for line in lines if b"<id>" in line or b"author>" in line or b"<name>" in line] == [
        b"    <id>urn:x</id>",
        b"    <author>",
        b"      <name>Ann</name>",
        b"    </author>",
    ]
    assert not any(b"xmlns" in line for line in lines)


def test_a_podcast_has_itunes_tags_in_rss_only(tmp_path: Path) -> None:
    from feedtool.model import Podcast

    show = Podcast(
        owner=Person("Pat", email="pat@pod.example"), image="https://n.example/c.jpg", explicit=False
    )
    path = tmp_path / "atom.xml"
    write_atom(replace(META, podcast=show), [ITEM], path)
    assert b"itunes" not in path.read_bytes()


def test_rss_items_carry_comments_and_an_escaped_summary(tmp_path: Path) -> None:
    path = tmp_path / "rss.xml"
    plain = Item(
        id="urn:p",
        url="https://news.example/p",
        title="P",
        published=WHEN,
        updated=WHEN,
        summary='a < b & "c"',
        image=Image("https://news.example/p.png", width=640),  # no height: no size at all
    )
    write_rss(META, [ITEM, plain, BARE], path)
    assert b'xmlns:media="http://search.yahoo.com/mrss/"' in path.read_bytes()  # as readers expect it
    channel = etree.parse(str(path)).getroot()[0]
    assert channel.findall("item")[2].find("description") is None  # no summary, no description
    # RSS's description is HTML: a plain summary is escaped so it reads as the same text.
    assert channel.findall("item")[1].findtext("description") == 'a &lt; b &amp; "c"'
    first, second, _ = channel.findall("item")
    # The guid is a permalink when the item's id is its address.
    assert [(i.findtext("guid"), i.find("guid").get("isPermaLink")) for i in (first, second)] == [
        ("https://news.example/a", "true"),
        ("urn:p", "false"),
    ]
    assert [c.text for c in first.findall("{http://purl.org/dc/elements/1.1/}creator")] == ["Ann", "Bo"]
    assert dict(second.find(f"{MEDIA}content").attrib) == {
        "url": "https://news.example/p.png",
        "medium": "image",
    }
    assert channel.findtext("description") == "Example News"  # RSS requires one: the title
    assert channel.findtext("lastBuildDate") == "Fri, 01 Mar 2024 08:00:00 +0000"
    assert channel.findtext("link") == "https://news.example/"
    assert channel.findtext("image/url") == "https://news.example/logo.png"
    item = channel.find("item")
    assert item.findtext("comments") == "https://news.example/a#comments"
    assert item.findtext("description") == "Close a paragraph with &lt;/p&gt; &amp; mind &amp;amp; entities."
    assert [dict(e.attrib) for e in item.findall("enclosure")] == [
        {"url": "https://news.example/a.mp3", "length": "1234", "type": "audio/mpeg"}
    ]
    content = item.find(f"{MEDIA}content")
    assert content.get("url") == "https://news.example/a.jpg" and content.get("width") == "800"


@pytest.mark.parametrize(
    ("logo", "image"),
    [
        ("https://news.example/logo.GIF", "https://news.example/logo.GIF"),
        ("https://news.example/logo.jpeg?v=2", "https://news.example/logo.jpeg?v=2"),
        ("https://news.example/logo", "https://news.example/logo"),
        ("https://news.example/logo.min.jpg", "https://news.example/logo.min.jpg"),
        ("https://news.example/v1.2/logo", "https://news.example/v1.2/logo"),
        ("https://news.example", "https://news.example"),
        ("https://news.example/logo.svg", None),
        ("https://news.example/v1.2/logo.ico", None),
    ],
    ids=[
        "gif",
        "jpeg-with-query",
        "no-suffix",
        "two-dots-jpg",
        "dotted-folder-no-suffix",
        "no-path",
        "svg",
        "ico",
    ],
)
def test_rss_shows_a_logo_only_in_a_format_rss_readers_show(
    tmp_path: Path, logo: str, image: str | None
) -> None:
    path = tmp_path / "rss.xml"
    write_rss(replace(META, logo=logo), [], path)
    assert etree.parse(str(path)).getroot()[0].findtext("image/url") == image


def test_json_feed_items_carry_attachments_and_leave_out_what_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    write_json_feed(META, [ITEM, BARE], path)
    feed = json.loads(path.read_text(encoding="utf-8"))
    assert {k: v for k, v in feed.items() if k != "items"} == {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Example News",
        "home_page_url": "https://news.example/",
        "feed_url": "https://feeds.example.org/news/feed.json",
        "icon": "https://news.example/logo.png",
        "favicon": "https://news.example/favicon.ico",
        "language": "en",
        "authors": [{"name": "Example Desk"}],
    }
    assert feed["items"] == [
        {
            "id": "https://news.example/a",
            "url": "https://news.example/a",
            "title": "A",
            "content_text": "Close a paragraph with </p> & mind &amp; entities.",
            "summary": "Close a paragraph with </p> & mind &amp; entities.",
            "date_published": "2024-02-29T09:30:00+08:00",
            "date_modified": "2024-03-01T08:00:00+00:00",
            "authors": [{"name": "Ann", "url": "https://news.example/ann"}, {"name": "Bo"}],
            "tags": ["World", "Asia"],
            "image": "https://news.example/a.jpg",
            "language": "en",
            "attachments": [
                {"url": "https://news.example/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 1234},
                {"url": "https://news.example/a.pdf", "mime_type": "application/x-custom"},
                {"url": "https://news.example/a.unknownkind", "mime_type": "application/octet-stream"},
            ],
        },
        {
            "id": "urn:example:bare",
            "url": "https://news.example/bare",
            "title": "Bare",
            "content_text": "",
            "date_published": "2024-03-01T08:00:00+00:00",
            "date_modified": "2024-03-01T08:00:00+00:00",
        },
    ]


def test_an_empty_json_feed_is_valid_json_with_no_items(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    write_json_feed(replace(META, subtitle="About", icon=None, logo=None), [], path)
    text = path.read_text(encoding="utf-8")
    assert text.endswith('  "items": []\n}\n')
    feed = json.loads(text)
    assert (feed["description"], feed["items"], "icon" in feed, "favicon" in feed) == (
        "About",
        [],
        False,
        False,
    )


def test_json_feed_is_laid_out_as_json_dump_with_two_space_indents_and_plain_unicode(tmp_path: Path) -> None:
    meta = FeedMeta(
        title="新闻",
        subtitle="",
        id="https://n.example/",
        site_url="https://n.example/",
        base_url="https://f.example/",
        language="zh-CN",
        updated=WHEN,
        author="编辑",
    )
    items = [
        Item(
            id="1",
            url="https://n.example/1",
            title="",
            published=WHEN,
            updated=WHEN,
            content_html="<p>你好</p>",
        ),
        Item(id="2", url="https://n.example/2", title="二", published=WHEN, updated=WHEN, summary="摘要"),
    ]
    path = tmp_path / "feed.json"
    write_json_feed(meta, items, path)
    assert (
        path.read_text(encoding="utf-8")
        == """{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "新闻",
  "home_page_url": "https://n.example/",
  "feed_url": "https://f.example/feed.json",
  "language": "zh-CN",
  "authors": [
    {
      "name": "编辑"
    }
  ],
  "items": [
    {
      "id": "1",
      "url": "https://n.example/1",
      "content_html": "<p>你好</p>",
      "date_published": "2024-03-01T08:00:00+00:00",
      "date_modified": "2024-03-01T08:00:00+00:00"
    },
    {
      "id": "2",
      "url": "https://n.example/2",
      "title": "二",
      "content_text": "摘要",
      "summary": "摘要",
      "date_published": "2024-03-01T08:00:00+00:00",
      "date_modified": "2024-03-01T08:00:00+00:00"
    }
  ]
}
"""
    )
