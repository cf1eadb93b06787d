"""Reading existing feeds: what each format's items keep, leniency, encodings, and safety."""

from __future__ import annotations

import gzip
import http.server
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from items import SEEDS

from feedtool.errors import SourceError
from feedtool.model import Enclosure, Episode, Image, Person, Podcast
from feedtool.read import read_item
from feedtool.read.feeds import read_feed

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
FEEDX = SHARED / "sources" / "feedx-nytimes.xml"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc(_url: str) -> ZoneInfo:
    return ZoneInfo("UTC")


def read(data: bytes | str, zone_for=utc, **kwargs):
    reader = read_feed("feed.xml", data.encode() if isinstance(data, str) else data, zone_for, **kwargs)
    return list(reader.items()), reader


def rss(items: str, channel: str = "", namespaces: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" {namespaces}><channel>\n'
        f"<title>Site</title><link>https://example.com/</link><description>About</description>\n"
        f"{channel}{items}</channel></rss>\n"
    )


@pytest.mark.skipif(not FEEDX.exists(), reason="needs ../shared/sources/feedx-nytimes.xml")
def test_the_aggregators_feed_gives_the_seed_articles():
    items, reader = read(FEEDX.read_bytes(), lambda url: SHANGHAI)
    seeds = {
        item.url: item
        for item in (
            read_item(p, p.read_bytes(), lambda url: SHANGHAI, None) for p in sorted(SEEDS.glob("*.txt"))
        )
    }
    assert len(items) == 2 and {i.url for i in items} == set(seeds)
    for item in items:
        seed = seeds[item.url]
        assert item.title == seed.title
        assert item.id == seed.url
        assert item.published == seed.published  # +0800 in the feed, Shanghai time in the seed
        assert [p.name for p in item.authors] == [p.name for p in seed.authors]  # from <address>
        assert item.image == seed.image  # from the first <figure>
        assert item.summary == seed.summary  # from the first paragraph
        assert item.content_html.startswith(seed.content_html)  # plus the feed's advert, cleaned later
    assert reader.channel.title == "纽约时报中文网"
    assert reader.channel.site_url == "https://cn.nytimes.com/"
    assert reader.channel.language == "zh-cn"
    assert reader.warnings == []


def test_an_rss_item_keeps_every_field():
    items, _ = read(
        rss(
            """<item><title>A &amp; B</title><link>https://example.com/a</link>
<guid isPermaLink="false">post-17</guid>
<pubDate>Tue, 02 Jan 2024 10:00:00 +0100</pubDate>
<author>jo@example.com (Jo Smith)</author><dc:creator>Ann Lee</dc:creator>
<category>news</category><category>world</category><category>news</category>
<description>&lt;p&gt;Short.&lt;/p&gt;</description>
<content:encoded><![CDATA[<p>Full text.</p>]]></content:encoded>
<enclosure url="https://example.com/a.mp3" length="1234" type="audio/mpeg"/>
<enclosure url="https://example.com/b.jpg" type="image/jpeg"/>
<comments>https://example.com/a#comments</comments></item>""",
            namespaces='xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
        )
    )
    (item,) = items
    assert item.title == "A & B"
    assert item.url == "https://example.com/a"
    assert item.id == "https://example.com/a"  # "post-17" is no URI, which Atom ids must be
    assert item.published == datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
    assert item.updated == item.published
    assert item.authors == (Person("Jo Smith", email="jo@example.com"), Person("Ann Lee"))
    assert item.categories == ("news", "world")
    assert item.content_html == "<p>Full text.</p>"  # full content preferred
    assert item.summary == "Short."  # the description, as text
    assert item.enclosures == (
        Enclosure("https://example.com/a.mp3", 1234, "audio/mpeg"),
        Enclosure("https://example.com/b.jpg", None, "image/jpeg"),
    )
    assert item.image == Image("https://example.com/b.jpg", media_type="image/jpeg")  # an image enclosure
    assert item.comments_url == "https://example.com/a#comments"
    unlinked = rss("<item><guid isPermaLink='false'>post-17</guid><title>x</title></item>")
    first, second = read(unlinked)[0][0], read(unlinked)[0][0]
    assert first.id.startswith("urn:uuid:") and first.id == second.id  # the same, build after build
    assert first.id != read(unlinked.replace("post-17", "post-18"))[0][0].id


def test_an_rss_description_is_the_content_when_there_is_no_content_encoded():
    (item,), _ = read(
        rss("<item><title>T</title><link>https://example.com/t</link><description>"
            "&lt;p&gt;First sentence here. Second one.&lt;/p&gt;&lt;p&gt;More.&lt;/p&gt;"
            "</description></item>")
    )  # fmt: skip
    assert item.content_html == "<p>First sentence here. Second one.</p><p>More.</p>"
    assert item.summary == "First sentence here. Second one."  # from the first paragraph


def test_an_atom_entry_keeps_every_field():
    feed = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="https://example.org/blog/">
<title type="html">Le &lt;b&gt;blog&lt;/b&gt;</title><subtitle>Notes</subtitle>
<link rel="alternate" type="text/html" href="/"/><link rel="self" href="feed.atom"/>
<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><updated>2024-03-01T12:00:00Z</updated>
<author><name>Éditeur</name><email>ed@example.org</email></author>
<icon>/favicon.ico</icon><logo>logo.png</logo>
<entry xml:base="posts/">
  <title>Premier</title><id>tag:example.org,2024:1</id>
  <link href="premier.html"/><link rel="enclosure" href="premier.pdf" type="application/pdf" length="99"/>
  <link rel="replies" type="text/html" href="premier.html#c"/>
  <published>2024-02-01T08:00:00+02:00</published><updated>2024-02-02T08:00:00+02:00</updated>
  <author><name>Ann</name></author><author><name>Bob</name><uri>https://bob.example/</uri></author>
  <category term="notes" label="Notes"/>
  <summary type="text">Résumé &lt;court&gt;</summary>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Le <em>texte</em>.</p></div></content>
</entry>
</feed>"""
    (item,), reader = read(feed)
    assert item.id == "tag:example.org,2024:1"
    assert item.url == "https://example.org/blog/posts/premier.html"  # xml:base on feed and entry
    assert item.enclosures == (
        Enclosure("https://example.org/blog/posts/premier.pdf", 99, "application/pdf"),
    )
    assert item.comments_url == "https://example.org/blog/posts/premier.html#c"
    assert item.published == datetime(2024, 2, 1, 6, 0, tzinfo=UTC)
    assert item.updated == datetime(2024, 2, 2, 6, 0, tzinfo=UTC)
    assert item.authors == (Person("Ann"), Person("Bob", uri="https://bob.example/"))
    assert item.categories == ("notes",)
    assert item.summary == "Résumé <court>"
    assert item.content_html == "<p>Le <em>texte</em>.</p>"
    assert item.language == "fr"
    channel = reader.channel
    assert (channel.title, channel.subtitle, channel.language) == ("Le blog", "Notes", "fr")
    assert channel.site_url == "https://example.org/"
    assert (channel.icon, channel.logo) == (
        "https://example.org/favicon.ico",
        "https://example.org/blog/logo.png",
    )
    assert channel.author == Person("Éditeur", email="ed@example.org")
    assert channel.updated == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def test_a_json_feed_item_keeps_every_field():
    feed = """{"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://j.example/",
      "language": "de", "favicon": "https://j.example/f.png", "authors": [{"name": "Redaktion"}],
      "items": [{"id": "7", "url": "https://j.example/7", "title": "Sieben", "content_text": "a < b",
                 "date_published": "2024-05-01T10:00:00+02:00", "tags": ["x", "y"],
                 "authors": [{"name": "Eva", "url": "https://eva.example/"}],
                 "attachments": [{"url": "https://j.example/7.ogg", "mime_type": "audio/ogg",
                                  "size_in_bytes": 5}]}]}"""
    (item,), reader = read(feed)
    assert item.id == "https://j.example/7"  # "7" is no URI: the item's link stands for it
    assert item.title == "Sieben"
    assert item.content_html == "a &lt; b"
    assert item.published == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert item.authors == (Person("Eva", uri="https://eva.example/"),)
    assert item.categories == ("x", "y")
    assert item.enclosures == (Enclosure("https://j.example/7.ogg", 5, "audio/ogg"),)
    assert item.language == "de"
    assert (reader.channel.title, reader.channel.icon, reader.channel.author) == (
        "J", "https://j.example/f.png", Person("Redaktion"))  # fmt: skip


JSON_HEAD = (
    '{"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://j.example/"'
)


def json_item(n: int) -> str:
    return f'{{"id": "{n}", "url": "/{n}", "title": "T{n}", "date_published": "2024-05-0{n}T10:00:00Z"}}'


def test_a_json_feed_that_breaks_off_is_read_as_far_as_it_goes():
    feed = f'{JSON_HEAD}, "items": [{json_item(1)},\n{json_item(2)},\n{{"id": "3", "url": '
    items, reader = read(feed)
    assert [(i.title, i.url) for i in items] == [("T1", "https://j.example/1"), ("T2", "https://j.example/2")]
    assert reader.channel.title == "J"
    assert reader.warnings == ["feed.xml:3: not well-formed JSON (Expecting value): read as far as it goes"]


def test_json_feed_items_inherit_what_the_feed_states_before_them():
    """As in XML feeds: a home page given after the items is not the base of their links."""
    feed = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "J", "language": "de",\n'
        f'"items": [{json_item(1)}],\n"home_page_url": "https://j.example/", "favicon": "f.png"}}'
    )
    (item,), reader = read(feed, url="https://mirror.example/feeds/j.json")
    assert (item.url, item.language) == ("https://mirror.example/1", "de")
    assert (reader.channel.site_url, reader.channel.icon) == ("https://j.example/", "https://j.example/f.png")


def test_items_given_before_the_json_feed_version_are_read_too():
    feed = f'{{"items": [{json_item(1)}, {json_item(2)}], {JSON_HEAD[1:]}}}'
    items, reader = read(feed, url="https://j.example/feed.json")
    assert [i.url for i in items] == ["https://j.example/1", "https://j.example/2"]
    assert reader.channel.title == "J"
    assert reader.warnings == []


def test_a_json_value_too_large_to_hold_is_an_error_naming_the_source(monkeypatch):
    from feedtool.read import feeds

    monkeypatch.setattr(feeds, "JSON_VALUE_BUDGET", 4096)
    small = f'{JSON_HEAD}, "items": [{",".join(json_item(n % 9 + 1) for n in range(5000))}]}}'
    assert len(small) > 300_000
    assert len(read(small)[0]) == 5000  # one item at a time: the whole feed is far larger
    large = f'{JSON_HEAD}, "items": [{json_item(1)},\n{{"id": "2", "content_text": "{"x" * 200_000}"}}]}}'
    with pytest.raises(SourceError) as caught:
        read(large)
    assert str(caught.value) == "feed.xml:2: a JSON value of more than 4096 characters: cannot be read"


def test_a_podcast_keeps_its_itunes_tags():
    feed = rss(
        """<item><title>Ep 3</title><link>https://pod.example/3</link><guid>https://pod.example/3</guid>
<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate>
<enclosure url="https://pod.example/3.mp3" length="100" type="audio/mpeg"/>
<itunes:duration>1:02:03</itunes:duration><itunes:episode>3</itunes:episode><itunes:season>2</itunes:season>
<itunes:explicit>false</itunes:explicit><itunes:episodeType>full</itunes:episodeType>
<itunes:image href="https://pod.example/3.jpg"/></item>""",
        channel="""<itunes:author>Pod People</itunes:author><itunes:type>serial</itunes:type>
<itunes:owner><itunes:name>Pat</itunes:name><itunes:email>pat@pod.example</itunes:email></itunes:owner>
<itunes:image href="https://pod.example/cover.jpg"/><itunes:explicit>yes</itunes:explicit>
<itunes:category text="Technology"/>
<itunes:category text="Arts"><itunes:category text="Design"/></itunes:category>""",
        namespaces='xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
    )
    (item,), reader = read(feed)
    assert item.episode == Episode(duration=3723, episode=3, season=2, explicit=False, episode_type="full")
    assert item.image == Image("https://pod.example/3.jpg")
    assert item.authors == ()  # itunes:author is the show's, not the episode's
    assert reader.channel.podcast == Podcast(
        author="Pod People",
        owner=Person("Pat", email="pat@pod.example"),
        image="https://pod.example/cover.jpg",
        categories=(("Technology",), ("Arts", "Design")),
        explicit=True,
        show_type="serial",
    )


def test_dates_without_a_zone_are_the_sites_and_missing_ones_fall_back_by_the_rule():
    zones = {"cn.example": SHANGHAI}
    feed = rss(
        """<item><title>naive</title><link>https://cn.example/1</link>
<pubDate>2024-01-02 03:04:05</pubDate></item>
<item><title>time in body</title><link>https://x.example/2</link>
<description>&lt;time datetime="2024-01-03T00:00:00+09:00"&gt;x&lt;/time&gt;</description></item>
<item><title>no date</title><link>https://x.example/3</link></item>""",
        channel="<lastBuildDate>Fri, 05 Jan 2024 00:00:00 GMT</lastBuildDate>",
    )
    (naive, timed, undated), reader = read(feed, lambda url: zones.get(url.split("/")[2], ZoneInfo("UTC")))
    assert naive.published == datetime(2024, 1, 2, 3, 4, 5, tzinfo=SHANGHAI)
    assert timed.published == datetime(2024, 1, 3, tzinfo=timezone(timedelta(hours=9)))
    assert undated.published == datetime(2024, 1, 5, tzinfo=UTC)  # the feed's own date
    undated = rss("<item><title>t</title><link>https://x.example/4</link></item>")
    changed = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    (alone,), reader = read(undated, modified=changed)
    assert alone.published == changed  # when the source last changed: never "now"
    assert reader.warnings == [
        "feed.xml:4: an item with no date: dated 2024-02-03T04:05:06+00:00, when the source last changed"
    ]
    (alone,), reader = read(undated)  # a source with no time of its own (standard input)
    assert alone.published == datetime(2000, 1, 1, tzinfo=UTC)
    assert reader.warnings == ["feed.xml:4: an item with no date: dated 2000-01-01T00:00:00+00:00"]


@pytest.mark.parametrize("filler", [0, 2000], ids=["small-feed", "large-feed"])
def test_an_undated_item_does_not_take_the_feeds_date_stated_after_the_items(filler):
    """README: the feed's own date counts when the feed states it before its items. A feed of
    any size gives the same answer (lxml reads small documents whole before the first item)."""
    dated = "".join(
        f"<item><title>t{n}</title><link>https://x.example/{n}</link>"
        f"<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>\n"
        for n in range(filler)
    )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
        "<title>Site</title><link>https://example.com/</link><description>About</description>\n"
        "<item><title>undated</title><link>https://x.example/u</link></item>\n"
        f"{dated}<lastBuildDate>Fri, 05 Jan 2024 00:00:00 GMT</lastBuildDate></channel></rss>\n"
    )
    changed = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    items, reader = read(feed, modified=changed)
    assert items[0].published == changed
    assert reader.warnings == [
        "feed.xml:4: an item with no date: dated 2024-02-03T04:05:06+00:00, when the source last changed"
    ]
    assert reader.channel.updated == datetime(2024, 1, 5, tzinfo=UTC)  # still the output feed's


def test_junk_or_a_byte_order_mark_before_the_document_is_a_warning():
    items, reader = read(
        b"\n\n  " + rss("<item><title>t</title><link>https://x.example/</link></item>").encode()
    )
    assert [i.title for i in items] == ["t"]
    assert reader.warnings[0] == "feed.xml:3: 4 bytes before the XML document: ignored"
    items, reader = read(
        b"\xef\xbb\xbf" + rss("<item><title>t</title><link>https://x.example/</link></item>").encode()
    )
    assert [i.title for i in items] == ["t"]
    assert reader.warnings[0] == "feed.xml:1: a UTF-8 byte order mark before the document: ignored"


def test_an_ill_formed_feed_is_read_as_far_as_it_goes_with_the_line():
    feed = rss(
        "<item><title>one</title><link>https://x.example/1</link></item>\n"
        "<item><title>Fish & chips &nbsp;&eacute;</title><link>https://x.example/2</link></item>\n"
        "<item><title>three</title><link>https://x.example/3</link>\n"
        "<description>unclosed <b>bold</description>"
    )
    items, reader = read(feed)
    assert [i.title for i in items] == ["one", "Fish & chips é", "three"]  # nothing read twice
    (warning,) = [w for w in reader.warnings if "well-formed" in w]
    assert warning.startswith("feed.xml:5: not well-formed XML (")
    assert warning.endswith("): read as far as it goes")


def test_encodings_the_declaration_the_http_charset_and_bytes_that_lie():
    text = rss("<item><title>café “quoted”</title><link>https://x.example/</link></item>")
    latin = text.replace('encoding="utf-8"', 'encoding="windows-1252"').encode("windows-1252")
    assert read(latin)[0][0].title == "café “quoted”"
    assert read(text.encode("utf-16"))[0][0].title == "café “quoted”"
    # The HTTP charset is honoured over the declaration...
    gb = text.replace("café", "咖啡").replace('encoding="utf-8"', 'encoding="iso-8859-1"').encode("gb18030")
    assert read(gb, charset="gb18030")[0][0].title == "咖啡 “quoted”"
    # ... and bytes that are not what the document says are read as windows-1252, with a warning.
    lying = text.encode("windows-1252")
    items, reader = read(lying)
    assert items[0].title == "café “quoted”"
    assert "feed.xml:4: bytes that are not utf-8 (0xe9)" in reader.warnings


def undeclared(title: str, language: str) -> str:
    """A feed with no XML declaration (so no encoding stated), in `language` if given."""
    stated = f"<language>{language}</language>" if language else ""
    return (
        f'<rss version="2.0"><channel><title>{title}</title><link>https://x.example/</link>'
        f"<description>d</description>{stated}\n"
        f"<item><title>{title}</title><link>https://x.example/1</link></item></channel></rss>\n"
    )


@pytest.mark.parametrize(
    ("title", "language", "encoding", "warning"),
    [
        (
            "北京今天下雪了，气象台说明天会更冷",
            "zh-cn",
            "gb18030",
            "feed.xml: no character encoding stated and not UTF-8: read as GB18030 "
            "(the usual encoding for its language, zh-cn)",
        ),
        (
            "東京で雪が降りました。明日はもっと寒くなるそうです",
            "ja",
            "shift_jis",
            "feed.xml: no character encoding stated and not UTF-8: read as Shift_JIS "
            "(the usual encoding for its language, ja)",
        ),
        (
            "東京で雪が降りました。明日はもっと寒くなるそうです",
            "ja-JP",
            "euc_jp",
            "feed.xml: no character encoding stated and not UTF-8: read as EUC-JP "
            "(the usual encoding for its language, ja-JP)",
        ),
        (
            "В Москве выпал снег, завтра будет ещё холоднее",
            "ru",
            "koi8_r",
            "feed.xml: no character encoding stated and not UTF-8: read as KOI8-R "
            "(the usual encoding for its language, ru)",
        ),
        (
            "北京今天下雪了，气象台说明天会更冷",
            "",
            "gb18030",
            "feed.xml: no character encoding stated and not UTF-8: read as GB18030 (guessed from its text)",
        ),
        (
            "東京で雪が降りました。明日はもっと寒くなるそうです",
            "",
            "shift_jis",
            "feed.xml: no character encoding stated and not UTF-8: read as Shift_JIS (guessed from its text)",
        ),
        (
            "café “quoted” à l'été",
            "fr",
            "windows-1252",
            "feed.xml: no character encoding stated and not UTF-8: read as windows-1252",
        ),
    ],
    ids=[
        "gb18030-zh",
        "shift-jis-ja",
        "euc-jp-ja",
        "koi8-r-ru",
        "gb18030-no-language",
        "shift-jis-no-language",
        "windows-1252-fr",
    ],
)
def test_a_feed_that_states_no_encoding_and_is_not_utf8_is_read_in_the_encoding_guessed(
    title, language, encoding, warning
):
    items, reader = read(undeclared(title, language).encode(encoding))
    assert [i.title for i in items] == [title]
    assert reader.channel.title == title
    assert [w for w in reader.warnings if "encoding" in w] == [warning]


def test_a_short_text_as_plausible_in_another_east_asian_encoding_is_not_guessed():
    # "你好" in GB18030 (C4 E3 BA C3) also reads as Korean in EUC-KR ("콱봤"): no language says
    # which, so feedtool makes no guess and says so, rather than read it in the wrong script.
    items, reader = read(undeclared("你好", "").encode("gb18030"))
    assert [w for w in reader.warnings if "encoding" in w] == [
        "feed.xml: no character encoding stated and not UTF-8: read as windows-1252"
    ]
    assert [i.title for i in items] == ["\u00c4\u00e3\u00ba\u00c3"]  # the bytes in windows-1252


def test_a_json_feed_that_is_not_utf8_is_read_in_the_encoding_guessed():
    text = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "新闻", "language": "zh-CN",\n'
        '"items": [{"id": "1", "url": "https://x.example/1", "title": "北京今天下雪了，气象台说明天会更冷",'
        ' "date_published": "2026-01-05T08:00:00+08:00", "content_text": "气象台说明天会更冷。"}]}'
    )
    items, reader = read(text.encode("gb18030"))
    assert [i.title for i in items] == ["北京今天下雪了，气象台说明天会更冷"]
    assert reader.channel.title == "新闻"
    assert reader.warnings == [
        "feed.xml: a JSON Feed that is not UTF-8: read as GB18030 "
        "(the usual encoding for its language, zh-CN)",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "feed.xml:1: not a feed: the document is empty"),
        (
            b"<!DOCTYPE html>\n<html><body><p>Moved</p></body></html>",
            "feed.xml:2: not a feed: the document is <html>",
        ),
        (b'{"title": "no version"}', 'feed.xml:1: not a feed: JSON without a JSON Feed "version"'),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [}', "feed.xml:1: not a feed: not JSON"),
    ],
)
def test_what_is_not_a_feed_is_an_error_naming_the_source(data, message):
    with pytest.raises(SourceError) as caught:
        read(data)
    assert str(caught.value).startswith(message)


def test_entities_are_never_expanded_and_nothing_is_fetched(tmp_path):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"FETCHED")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    port = server.server_address[1]
    feed = f"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:{port}/dtd" [
<!ENTITY file SYSTEM "file://{secret}"><!ENTITY net SYSTEM "http://127.0.0.1:{port}/x">
<!ENTITY small "expanded"><!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p"> %p;]>
<rss version="2.0"><channel><title>t</title>
<item><title>a&file;b&net;c&small;d</title><link>https://x.example/</link></item></channel></rss>"""
    try:
        items, _ = read(feed)
    finally:
        server.shutdown()
        server.server_close()
    assert items[0].title == "abcd"
    assert hits == []


def test_an_entity_bomb_is_not_expanded_and_says_so():
    lol = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    feed = f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>
<rss version="2.0"><channel><title>t</title>
<item><title>&l9;</title><link>https://x.example/</link></item></channel></rss>"""
    items, reader = read(feed)
    assert items == []  # the parser refuses to go on rather than expand it
    assert reader.warnings[0].startswith("feed.xml:1: not well-formed XML (Maximum entity amplification")


@pytest.mark.parametrize("given", ["file", "bytes"])  # a saved file; standard input
def test_a_gzip_compressed_feed_file_is_read_through_gzip(tmp_path, given):
    path = tmp_path / "feed.xml"
    path.write_bytes(
        gzip.compress(rss("<item><title>zipped</title><link>https://x.example/</link></item>").encode())
    )
    reader = read_feed("feed.xml", path if given == "file" else path.read_bytes(), utc)
    assert [i.title for i in reader.items()] == ["zipped"]


def test_a_date_that_is_not_one_is_a_warning_naming_its_line_and_value():
    items, reader = read(
        rss("<item><title>a</title><link>https://example.com/1</link><pubDate>someday</pubDate></item>")
    )
    assert reader.warnings == [
        "feed.xml:4: <pubDate> 'someday' is not a date: ignored",
        "feed.xml:4: an item with no date: dated 2000-01-01T00:00:00+00:00",
    ]
    assert items[0].published == datetime(2000, 1, 1, tzinfo=UTC)


def test_an_unknown_declared_encoding_is_a_warning_on_line_1():
    _, reader = read(
        '<?xml version="1.0" encoding="x-nonsense"?>\n<rss version="2.0"><channel><title>S</title>'
        "<link>https://example.com/</link><item><title>a</title><link>https://example.com/1</link>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    assert reader.warnings == ["feed.xml:1: unknown character encoding 'x-nonsense': ignored"]


def test_a_document_without_an_element_is_not_a_feed_on_line_1():
    with pytest.raises(SourceError) as raised:
        read('<?xml version="1.0"?>\n<!-- nothing -->\n')
    assert str(raised.value) == "feed.xml:1: not a feed: no XML element in the document"


def test_an_rss_1_0_feed_is_read_by_its_rdf_root():
    items, _ = read(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="https://example.com/"><title>S</title><link>https://example.com/</link>'
        '<description>d</description></channel><item rdf:about="https://example.com/1"><title>One</title>'
        "<link>https://example.com/1</link><dc:date>2024-01-01T00:00:00Z</dc:date></item></rdf:RDF>"
    )
    assert [(i.title, i.url, i.published) for i in items] == [
        ("One", "https://example.com/1", datetime(2024, 1, 1, tzinfo=UTC))
    ]


def test_a_feed_date_that_is_not_one_is_a_warning_naming_its_line_and_value():
    _, reader = read(
        rss(
            "<item><title>a</title><link>https://example.com/1</link>"
            "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>",
            channel="<lastBuildDate>someday</lastBuildDate>",
        )
    )
    # Once: the feed's own fields are read before its first item and again whole.
    assert reader.warnings == ["feed.xml:4: <lastBuildDate> 'someday' is not a date: ignored"]


def test_an_escaped_unreserved_character_in_a_link_is_read_as_the_character():
    items, reader = read(
        rss(
            "<item><title>a</title><link>https://example.com/%7Eann/%41</link>"
            "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>"
        )
    )
    assert [i.url for i in items] == ["https://example.com/~ann/A"]
    assert reader.warnings == []
