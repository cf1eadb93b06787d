"""Every item the reader and the cleaner accept is one Atom, RSS and JSON Feed can all carry."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from items import write_config

from feedtool.carry import feed_date, feed_url
from feedtool.clean import clean_item
from feedtool.config import load_settings
from feedtool.emit.feeds import write_atom, write_json_feed, write_rss
from feedtool.errors import ItemError
from feedtool.model import FeedMeta, Image, Item, Person
from feedtool.read import read_item
from feedtool.validate import validate_path


def xml_char(c: str) -> bool:
    """XML 1.0's Char production, written out from the specification (section 2.2)."""
    n = ord(c)
    return n in (0x9, 0xA, 0xD) or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or 0x10000 <= n <= 0x10FFFF


def strings_of(item: Item) -> list[str]:
    """Every text an emitter writes for the item."""
    texts = [item.id, item.url, item.title, item.summary, item.content_html, *item.categories]
    for person in item.authors:
        texts += [person.name, person.uri or "", person.email or ""]
    if item.image is not None:
        texts += [item.image.url, item.image.caption or "", item.image.credit or ""]
    return texts


@pytest.mark.parametrize(
    ("written", "carried"),
    [
        ("https://cn.nytimes.com/world/20230914/a/", "https://cn.nytimes.com/world/20230914/a/"),
        ("https://e.com/wiki/Foo_(bar)?a=1&b=2#top", "https://e.com/wiki/Foo_(bar)?a=1&b=2#top"),
        ("https://cn.nytimes.com/world/中文/", "https://cn.nytimes.com/world/%E4%B8%AD%E6%96%87/"),
        ("https://例子.测试/a", "https://xn--fsqu00a.xn--0zwm56d/a"),
        ("https://e.com/a%03.jpg", "https://e.com/a%03.jpg"),
        ("https://e.com/a\x03.jpg", "https://e.com/a%03.jpg"),
        ('https://e.com/{x}|^`"<>\\[]', "https://e.com/%7Bx%7D%7C%5E%60%22%3C%3E%5C%5B%5D"),
        ("https://e.com/100%", "https://e.com/100%25"),
        ("https://e.com/a#b#c", "https://e.com/a#b%23c"),
        ("http://[::1]:8000/a", "http://[::1]:8000/a"),
        ("HTTPS://E.com/", "HTTPS://E.com/"),
        ("https://cn<math>.nytimes.com/world/20230914/a/", None),
        ("https://e.com:99999/", None),
        ("https://[zz]/", None),
        ("https://a..b/", None),
        ("https:///a", None),
        ("ftp://e.com/a", None),
        ("mailto:a@e.com", None),
        ("/relative", None),
    ],
)
def test_feed_url_makes_uris_or_refuses(written, carried):
    assert feed_url(written) == carried


def test_feed_dates_start_in_1900_and_have_whole_minute_offsets():
    assert feed_date(datetime(23, 9, 14, tzinfo=UTC)) is None
    assert feed_date(datetime(1899, 12, 31, 23, 59, tzinfo=UTC)) is None
    assert feed_date(datetime(1900, 1, 1, tzinfo=UTC)) is not None
    kept = datetime(2023, 9, 14, 2, 49, tzinfo=timezone(timedelta(hours=8)))
    assert feed_date(kept) is kept
    # Local mean time in Shanghai before 1901 was UTC+8:05:43.
    lmt = datetime(1900, 6, 1, 8, 5, 43, tzinfo=timezone(timedelta(hours=8, minutes=5, seconds=43)))
    assert feed_date(lmt) == datetime(1900, 6, 1, tzinfo=UTC)
    assert feed_date(lmt).utcoffset() == timedelta(0)
    # Midnight of 1900 in Shanghai's local mean time was still 1899 in UTC.
    assert feed_date(datetime(1900, 1, 1, tzinfo=lmt.tzinfo)) is None


NOT_XML = "\x00\x01\x08\x0b\x0c\x1f\ud800\udfff\ufffe\uffff"


def test_clean_item_leaves_nothing_xml_cannot_carry_in_any_field(tmp_path):
    settings = load_settings(write_config(tmp_path))
    dirty = Item(
        id="https://e.com/a\x01",
        url="https://e.com/a\x01",
        title="标\x01题\ufffe",
        published=datetime(2023, 9, 14, tzinfo=UTC),
        updated=datetime(2023, 9, 14, tzinfo=UTC),
        authors=(Person(name="A\x0bB", uri="https://e.com/by/\x02"), Person(name="\x01")),
        summary="摘\x0c要",
        content_html="<p>a&#1;b&#xFFFE;c\x1f</p>",
        categories=("w\x00orld", "\x01"),
        image=Image(url="https://e.com/i\x03.jpg", caption="说\ud800明", credit="\uffffC"),
        source="dirty.txt",
    )
    clean = clean_item(dirty, settings).item
    assert clean is not None
    assert [s for s in strings_of(clean) if not all(map(xml_char, s))] == []
    assert clean.title == "标题"
    assert clean.url == clean.id == "https://e.com/a%01"
    assert [(p.name, p.uri) for p in clean.authors] == [("AB", "https://e.com/by/%02")]
    assert clean.content_html == "<p>abc</p>"
    assert clean.categories == ("world",)
    assert clean.image is not None and clean.image.url == "https://e.com/i%03.jpg"
    assert (clean.image.caption, clean.image.credit) == ("说明", "C")


def test_clean_item_refuses_an_item_no_feed_can_carry(tmp_path):
    settings = load_settings(write_config(tmp_path))
    item = Item(
        id="x",
        url="https://cn<math>.nytimes.com/a/",
        title="t",
        published=datetime(2023, 9, 14, tzinfo=UTC),
        updated=datetime(2023, 9, 14, tzinfo=UTC),
        content_html="<p>x</p>",
        source="a.txt",
    )
    with pytest.raises(ItemError, match=r"^a\.txt: the link 'https://cn<math>"):
        clean_item(item, settings)
    old = Item(**{**{f: getattr(item, f) for f in item.__slots__}, "url": "https://e.com/",
                  "published": datetime(23, 9, 14, tzinfo=UTC)})  # fmt: skip
    with pytest.raises(ItemError, match=r"^a\.txt: dated before 1900"):
        clean_item(old, settings)


# What an item file can hold: any text, with the characters and shapes that broke builds.
AWKWARD = st.sampled_from(
    ["&#1;", "&#xFFFE;", "&#0;", "&#xD800;", "\x01", "\x7f", "\ufffe", "<math>", "<script>x</script>",
     "<!--", "-->", "%03", "%", "中文", "&amp;", "&", "<", ">", "\"", "'", " ", "(", ")", "[", "]",
     "\\", "{", "|", "0023", "1899", "#", "?", "@", ":", "/", "..", "img/lead.jpg"]
)  # fmt: skip
TEXT = st.lists(st.one_of(AWKWARD, st.text(max_size=4)), max_size=6).map("".join)


@st.composite
def item_files(draw):
    title = draw(TEXT) or "t"
    host = draw(st.sampled_from(["cn.nytimes.com", "例子.测试", "e.com:8080", "[::1]"]))
    url = f"https://{host}/{draw(TEXT)}/{draw(TEXT)}/"
    when = draw(st.sampled_from(["2023-09-14 02:49:21", "1900-01-01 00:00:00", "0023-09-14", "1899-12-31"]))
    body = (
        f'<address>{draw(TEXT)}</address><time datetime="{when}">{draw(TEXT)}</time>'
        f'<figure><img src="{draw(TEXT)}"><figcaption>{draw(TEXT)}<cite>{draw(TEXT)}</cite>'
        f"</figcaption></figure><section><p>{draw(TEXT)}</p>{draw(TEXT)}</section>"
        f'<footer><a href="https://e.com/{draw(TEXT)}">{draw(TEXT)}</a></footer>'
    )
    return f"<!--1694675222000-->\n[{title}]({url})\n------\n\n{body}\n".encode("utf-8", "surrogatepass")


@settings(
    max_examples=int(os.environ.get("FEEDTOOL_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(item_files())
def test_every_item_the_reader_and_cleaner_accept_makes_valid_feeds(data):
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(write_config(Path(folder)))
        path = Path(folder, "item.txt")
        try:
            item = clean_item(read_item(path, data, settings.zone_for, "zh-CN"), settings).item
        except ItemError as e:
            event(f"refused: {e.message.split(':')[0][:40]}")
            return
        event("accepted")
        assert item is not None
        meta = FeedMeta(
            title="t", subtitle="", id="https://e.com/", site_url="https://e.com/",
            base_url="https://e.com/", language="zh-CN", updated=item.updated, author="a",
        )  # fmt: skip
        for name, write in (("atom.xml", write_atom), ("rss.xml", write_rss), ("feed.json", write_json_feed)):
            write(meta, [item], Path(folder, name))
            report = validate_path(Path(folder, name), base=meta.url_of(name))
            assert [(p.code, p.message) for p in report.errors] == [], (name, data)
