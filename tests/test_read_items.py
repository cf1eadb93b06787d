"""Reading item files: the header, the body's metadata, and a clear error for every bad file."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from items import SEEDS, body, write_item

from feedtool.errors import FeedtoolError, ItemError
from feedtool.read import read_item, scan_item
from feedtool.read.items import summarize

SHANGHAI = ZoneInfo("Asia/Shanghai")


def zone(url: str) -> ZoneInfo:
    return SHANGHAI


def read(path: Path):
    return read_item(path, path.read_bytes(), zone, "zh-CN")


def test_seed_item_is_read_with_every_field():
    item = read(SEEDS / "000_cf4f5c09dd1c36ac.txt")
    assert item.title == "普京与金正恩会面，患难时刻俄朝“拥抱”彼此"
    assert item.url == "https://cn.nytimes.com/asia-pacific/20230914/putin-kim-russia-north-korea/"
    assert item.published == datetime(2023, 9, 13, 18, 49, 21, tzinfo=UTC)
    assert item.published.utcoffset() == timedelta(hours=8)
    assert item.captured == datetime(2023, 9, 14, 7, 7, 2, tzinfo=UTC)
    # Two people, spelled as the bylines spell them, with their profile pages.
    assert [(p.name, p.uri) for p in item.authors] == [
        ("Paul Sonne", "https://www.nytimes.com/by/paul-sonne"),
        ("Choe Sang-Hun", "https://www.nytimes.com/by/choe-sang-hun"),
    ]
    assert item.categories == ("asia-pacific",)
    assert item.language == "zh-CN"
    assert item.summary.startswith("他们注视着火箭发射台的工作情况。")
    assert item.summary.endswith("。")
    assert item.image is not None
    assert (
        item.image.caption == "俄罗斯官媒发布的照片显示，朝鲜领导人金正恩和俄罗斯总统普京周三在俄罗斯会面。"
    )
    assert item.image.credit == "Vladimir Smirnov/Sputnik"
    assert (item.image.width, item.image.height) == (1050, 810)


@pytest.mark.parametrize(
    ("address", "names"),
    [
        ("PAUL SONNE, CHOE SANG-HUN", ["PAUL SONNE", "CHOE SANG-HUN"]),
        ("王五、赵六", ["王五", "赵六"]),
        ("王五和赵六", ["王五", "赵六"]),
        ("Ann Lee and Bo Chen", ["Ann Lee", "Bo Chen"]),
        ("Ann Lee，Bo Chen", ["Ann Lee", "Bo Chen"]),
        ("JANE DOE", ["Jane Doe"]),  # the byline's spelling wins
    ],
)
def test_authors_are_one_person_each(tmp_path, address, names):
    item = read(write_item(tmp_path, "a.txt", html=body(authors=address)))
    assert [p.name for p in item.authors] == names


def test_a_name_given_twice_is_one_person(tmp_path):
    item = read(write_item(tmp_path, "a.txt", html=body(authors="王五、王五 and 赵六")))
    assert [p.name for p in item.authors] == ["王五", "赵六"]


def test_byte_order_mark_and_characters_xml_cannot_carry_are_dropped(tmp_path):
    # Editors on Windows start files with a BOM; scraped text can hold control characters
    # that would make every emitted feed ill-formed.
    path = tmp_path / "bom.txt"
    text = "<!--1694675222000-->\n[标题\x0b一](https://cn.nytimes.com/world/a/)\n---\n" + body(
        paragraphs=("第一\x08段。",)
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    item = read(path)
    assert item.title == "标题一"
    assert item.summary == "第一段。"
    assert not any(c in item.content_html for c in "\x08\x0b\ufeff")


def test_title_may_hold_brackets_and_url_parentheses(tmp_path):
    path = write_item(tmp_path, "a.txt", title="[快讯] 一(二)三", url="https://example.com/wiki/Foo_(bar)")
    item = read(path)
    assert item.title == "[快讯] 一(二)三"
    assert item.url == "https://example.com/wiki/Foo_(bar)"


def test_time_with_offset_is_kept_and_naive_time_uses_the_site_zone(tmp_path):
    naive = read(write_item(tmp_path, "a.txt", html=body(when="2023-01-02 03:04:05")))
    assert naive.published == datetime(2023, 1, 1, 19, 4, 5, tzinfo=UTC)
    offset = read(write_item(tmp_path, "b.txt", html=body(when="2023-01-02T03:04:05-05:00")))
    assert offset.published == datetime(2023, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-5)))


def test_scan_agrees_with_the_full_read(tmp_path):
    path = SEEDS / "004_2c39e4b47df88e38.txt"
    scanned = scan_item(path, path.read_bytes(), zone)
    item = read(path)
    assert (scanned.url, scanned.published, scanned.captured) == (item.url, item.published, item.captured)


def test_summary_is_whole_sentences_of_about_200_characters():
    sentence = "这是一个很长的句子，" * 8 + "到此为止。"
    text = sentence * 5
    summary = summarize(text)
    assert summary.endswith("。")
    assert 150 <= len(summary) <= 300
    assert text.startswith(summary)
    assert summarize("短。") == "短。"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[t](https://e.com/)\n---\n<p>x</p>", 1, "first line must be <!--EPOCH_MS-->"),
        ("<!--123-->\nt(https://e.com/)\n---\n<p>x</p>", 2, "title line must look like [title](https://…)"),
        ("<!--123-->\n[t](ftp://e.com/)\n---\n<p>x</p>", 2, "title line must look like"),
        ("<!--123-->\n[](https://e.com/)\n---\n<p>x</p>", 2, "title between [ and ] is empty"),
        ("<!--123-->\n[t](https://e.com/)\nnot dashes\n<p>x</p>", 3, "third line must be a line of dashes"),
        ("<!--123-->\n[t](https://e.com/)\n---\n  \n", 4, "the HTML body is empty"),
        ("<!--123-->\n[t](https://e.com/)\n---\n<p>no time</p>", 4, 'no <time datetime="…">'),
        ('<!--123-->\n[t](https://e.com/)\n---\n<p>x</p>\n<time datetime="yesterday">', 5, "is not a date"),
    ],
)
def test_bad_files_name_the_line_and_the_problem(tmp_path, text, line, message):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ItemError) as caught:
        scan_item(path, path.read_bytes(), zone)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_body_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(b"<!--1-->\n[t](https://e.com/)\n---\n<p>ok</p>\n<p>" + "中文".encode("gbk") + b"</p>")
    with pytest.raises(ItemError, match=r"gbk\.txt:5: not UTF-8"):
        scan_item(path, path.read_bytes(), zone)


@settings(max_examples=int(os.environ.get("FEEDTOOL_EXAMPLES", "300")), deadline=None)
@given(st.binary(max_size=400))
def test_reader_raises_only_its_own_errors_on_arbitrary_bytes(data):
    path = Path("fuzz.txt")
    for step in (lambda: scan_item(path, data, zone), lambda: read_item(path, data, zone, "en")):
        with contextlib.suppress(FeedtoolError):
            step()


@settings(max_examples=int(os.environ.get("FEEDTOOL_EXAMPLES", "200")), deadline=None)
@given(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=80),
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=300),
)
def test_reader_raises_only_its_own_errors_on_arbitrary_item_text(title, html):
    # "[" in the title also makes URLs like "https://[x", which urllib refuses outright.
    data = f"<!--1694675222000-->\n[{title}](https://{title}e.com/a)\n---\n{html}".encode()
    with contextlib.suppress(FeedtoolError):
        read_item(Path("fuzz.txt"), data, zone, "en")


def test_entities_for_characters_xml_cannot_carry_leave_no_trace_in_read_fields(tmp_path):
    html = body(authors="王&#1;五", paragraphs=("第一&#1;段&#xFFFE;。",)).replace(
        "图片说明。", "图片&#2;说明。"
    )
    item = read(write_item(tmp_path, "a.txt", html=html))
    assert [p.name for p in item.authors] == ["王五"]
    assert item.summary == "第一段。"
    assert item.image is not None and item.image.caption == "图片说明。"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://cn<math>.nytimes.com/world/20230914/a/", "the link 'https://cn<math>.nytimes.com/"),
        ("https://cn.nytimes.com:123456/a/", "has no valid host name or port"),
    ],
)
def test_a_link_no_feed_can_carry_is_an_error_on_line_2(tmp_path, url, message):
    path = write_item(tmp_path, "a.txt", url=url)
    for step in (lambda: scan_item(path, path.read_bytes(), zone), lambda: read(path)):
        with pytest.raises(ItemError, match=rf"^{path}:2: ") as caught:
            step()
        assert message in str(caught.value)


def test_links_outside_ascii_are_read_as_the_uris_browsers_send(tmp_path):
    path = write_item(tmp_path, "a.txt", url="https://例子.测试/国际/20230914/标题/")
    item = read(path)
    assert (
        item.url
        == item.id
        == "https://xn--fsqu00a.xn--0zwm56d/%E5%9B%BD%E9%99%85/20230914/%E6%A0%87%E9%A2%98/"
    )
    assert scan_item(path, path.read_bytes(), zone).url == item.url  # duplicates are found by this URL
    assert item.categories == ("国际",)


@pytest.mark.parametrize("when", ["0023-09-14 02:49:21", "1899-12-31T23:00:00Z"])
def test_a_time_before_1900_is_an_error_naming_its_line(tmp_path, when):
    # RSS would write the year 0023 as "23", which readers take for 2023.
    path = write_item(tmp_path, "a.txt", html="<p>x</p>\n" + body(when=when))
    with pytest.raises(ItemError, match=rf'^{path}:6: <time datetime="{when}"> is before 1900'):
        scan_item(path, path.read_bytes(), zone)


def test_a_local_mean_time_is_read_as_the_same_instant_in_utc(tmp_path):
    # Shanghai kept local mean time (UTC+8:05:43) until 1901; no feed date format has seconds
    # in its offset.
    item = read(write_item(tmp_path, "a.txt", html=body(when="1900-06-01 08:05:43")))
    assert item.published == datetime(1900, 6, 1, tzinfo=UTC)
    assert item.published.utcoffset() == timedelta(0)


def test_a_relative_lead_image_is_resolved_against_the_link(tmp_path):
    html = '<time datetime="2023-09-14 02:49:21">t</time><figure><img src="img/lead.jpg"></figure><p>x</p>'
    item = read(write_item(tmp_path, "a.txt", url="https://cn.nytimes.com/world/20230914/a/", html=html))
    assert item.image is not None
    assert item.image.url == "https://cn.nytimes.com/world/20230914/a/img/lead.jpg"


def _item_bytes(body_html: str) -> bytes:
    return f"<!--1694675222000-->\n[t](https://example.org/a/b)\n---\n{body_html}\n".encode()


def test_a_body_not_in_utf8_names_the_line_and_column_of_the_bad_byte(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"<!--1-->\n[t](https://e.com/)\n---\n<p>ok</p>\n<p>caf\xe9</p>\n<p>more</p>\n")
    with pytest.raises(ItemError) as caught:
        scan_item(path, path.read_bytes(), zone)
    assert str(caught.value) == (f"{path}:5: not UTF-8 (byte 0xe9 at column 7); save the file as UTF-8")
    path.write_bytes(b"\xff<!--1-->\n")
    with pytest.raises(ItemError) as caught:
        scan_item(path, path.read_bytes(), zone)
    assert str(caught.value) == f"{path}:1: not UTF-8 (byte 0xff at column 1); save the file as UTF-8"
    path.write_bytes(b"\n\xff<!--1-->\n")
    with pytest.raises(ItemError) as caught:
        scan_item(path, path.read_bytes(), zone)
    assert str(caught.value) == f"{path}:2: not UTF-8 (byte 0xff at column 1); save the file as UTF-8"


def test_an_empty_first_line_is_named_as_such(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\n[t](https://e.com/)\n---\n<p>x</p>", encoding="utf-8")
    with pytest.raises(ItemError) as caught:
        scan_item(path, path.read_bytes(), zone)
    assert str(caught.value) == (
        f"{path}:1: first line must be <!--EPOCH_MS--> (capture time, milliseconds since 1970 UTC),"
        " got 'an empty line'"
    )


@pytest.mark.parametrize(
    "line",
    ["[t](https://example.org/a", "t](https://example.org/a)", "[t]https://example.org/a)"],
    ids=["no-closing-parenthesis", "no-opening-bracket", "no-opening-parenthesis"],
)
def test_a_title_line_needs_both_brackets_and_both_parentheses(tmp_path, line):
    path = tmp_path / "open.txt"
    path.write_text(f"<!--1-->\n{line}\n---\n<time datetime='2023-09-14'></time><p>x</p>", encoding="utf-8")
    with pytest.raises(ItemError) as caught:
        scan_item(path, path.read_bytes(), zone)
    assert str(caught.value) == f"{path}:2: title line must look like [title](https://…)"


def test_a_whole_html_document_with_an_empty_body_is_an_item_error_not_a_crash(tmp_path):
    # lxml asserts that an <html> document has a <body>; the reader must say what is wrong.
    for html in (
        '<html><!--<time datetime="2023-09-14 02:49:21">--></html>',
        '<HTML><head><title><time datetime="2023-09-14 02:49:21"></title></head></HTML>',
    ):
        with pytest.raises(ItemError) as caught:
            read_item(Path("doc.txt"), _item_bytes(html), zone, None)
        assert (
            str(caught.value)
            == "doc.txt:4: the body is not HTML: an <html> document with nothing in its <body>"
        )


def test_a_naive_time_in_article_html_is_the_site_zone():
    from feedtool.read.items import article_shape

    shape = article_shape('<p>x</p><time datetime="2024-01-02 03:04:05">then</time>', SHANGHAI)
    assert shape.published == datetime(2024, 1, 1, 19, 4, 5, tzinfo=UTC)
    assert shape.published.utcoffset() == timedelta(hours=8)


def test_a_reshaped_lead_image_resolves_against_the_item_link(tmp_path):
    from feedtool.read.items import reshaped

    item = read_item(Path("i.txt"), _item_bytes(body()), zone, None)
    again = reshaped(
        item, '<figure><img src="../img/lead.jpg"></figure><section><p>新的第一段。</p></section>'
    )
    assert again.image is not None and again.image.url == "https://example.org/img/lead.jpg"
    assert again.summary == "新的第一段。"
    assert again.title == item.title and again.authors == item.authors


def test_a_long_text_without_a_sentence_end_is_cut_at_199_characters_and_an_ellipsis():
    assert summarize("a" * 250) == "a" * 199 + "…"
    assert summarize("word " * 60) == ("word " * 40).strip() + "…"


def test_the_scan_digest_changes_with_any_byte_of_the_file():
    first = scan_item(Path("a.txt"), _item_bytes(body()), zone)
    same = scan_item(Path("b.txt"), _item_bytes(body()), zone)
    other = scan_item(Path("a.txt"), _item_bytes(body(paragraphs=("第一段。第三句。",))), zone)
    assert first.digest == same.digest
    assert first.digest != other.digest


_WHEN = '<time datetime="2023-09-14 02:49:21"></time>'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a" * 70 + "\n[t](https://e.com/)\n---\n" + _WHEN,
            "1: first line must be <!--EPOCH_MS--> (capture time, milliseconds since 1970 UTC), got '"
            + "a" * 60
            + "'",
        ),
        (
            "<!--999999999999999-->\n[t](https://e.com/)\n---\n" + _WHEN,
            "1: capture time 999999999999999 ms is out of range",
        ),
        ("<!--1-->\n[t](http://[)\n---\n" + _WHEN, "2: title line must look like [title](https://…)"),
        ("<!--1-->\n[](https://e.com/a](b))\n---\n" + _WHEN, "2: the title between [ and ] is empty"),
        (
            "<!--1-->\n[t](https://e.com/)\n--\n" + _WHEN,
            "3: third line must be a line of dashes (---) between the header and the body",
        ),
        ("<!--1-->\n[t](https://e.com/)\n---", "4: the HTML body is empty"),
        ("<!--1-->\n[t](https://e.com/)\n---\n \n", "4: the HTML body is empty"),
        (
            "<!--1-->\n[t](https://e.com/)\n---\n<p>x</p>",
            '4: no <time datetime="…"> in the body: cannot tell when the item was published',
        ),
        (
            "<!--1-->\n[t](https://e.com/)\n---\n<p>\n\n<time datetime='soon'>",
            '6: <time datetime="soon"> is not a date and time (expected e.g. 2023-09-14 02:49:21)',
        ),
        (
            "<!--1-->\n[t](https://e.com/)\n---\n<time datetime='1899-12-31T00:00:00Z'>",
            '4: <time datetime="1899-12-31T00:00:00Z"> is before 1900, where RSS dates (RFC 822) begin',
        ),
        (
            "<!--1-->\n[t](https://e.com/)\n---\n<!DOCTYPE html>"
            + _WHEN.replace("<time", "<!--<time")
            + "-->",
            "4: the body is not HTML: Document is empty",
        ),
    ],
    ids=[
        "first-line-shown-up-to-60-characters",
        "capture-out-of-range",
        "unclosed-ipv6-host",
        "empty-title",
        "two-dashes",
        "no-body",
        "blank-body",
        "no-time",
        "not-a-time",
        "before-1900",
        "doctype-only",
    ],
)
def test_each_bad_item_file_gets_its_exact_message(tmp_path, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ItemError) as caught:
        read_item(path, path.read_bytes(), zone, None)
    assert str(caught.value) == f"{path}:{message}"


@pytest.mark.parametrize(
    ("line", "title", "url"),
    [
        ("[see [x](y) here](https://example.org/p(1))", "see [x](y) here", "https://example.org/p(1)"),
        ("[t](https://example.org/a](b))", "t", "https://example.org/a%5D(b)"),
        (r"[a \[b\] c](http://example.org/)", "a [b] c", "http://example.org/"),
        ("[a](b) c](https://example.org/x](y))", "a](b) c", "https://example.org/x%5D(y)"),
    ],
    ids=["link-inside-title", "bracket-in-url", "escaped-brackets", "middle-of-three"],
)
def test_the_title_line_splits_at_the_last_link_that_reads(line, title, url):
    item = read_item(Path("t.txt"), f"<!--1-->\n{line}\n---\n{_WHEN}<p>x</p>".encode(), zone, None)
    assert (item.title, item.url) == (title, url)


def test_a_file_with_windows_line_ends_reads_as_with_unix_ones():
    data = f"<!--1694675222000-->\r\n[t](https://example.org/a)\r\n---\r\n{_WHEN}<p>Mr X</p>X"
    item = read_item(Path("crlf.txt"), data.encode(), zone, None)
    assert (item.title, item.url) == ("t", "https://example.org/a")
    assert item.content_html == f"{_WHEN}<p>Mr X</p>X"


def test_each_item_is_dated_in_the_zone_of_its_own_site():
    def zone_of(url: str) -> timezone:
        return timezone(timedelta(hours=8)) if "//cn." in url else UTC

    data = f"<!--1-->\n[t](https://cn.example.org/a)\n---\n{_WHEN}<p>x</p>".encode()
    expected = datetime(2023, 9, 13, 18, 49, 21, tzinfo=UTC)
    assert scan_item(Path("cn.txt"), data, zone_of).published == expected
    assert read_item(Path("cn.txt"), data, zone_of, None).published == expected
    assert scan_item(Path("cn.txt"), data, zone_of).path == Path("cn.txt")


@pytest.mark.parametrize(
    ("figure", "caption", "credit", "size"),
    [
        ('<img src="/a.jpg" width="640" height="480">', None, None, (640, 480)),
        (
            '<img src="/a.jpg" width="1234567" height="123456"><figcaption>A bridge.</figcaption>',
            "A bridge.",
            None,
            (None, 123456),
        ),
        (
            '<img src="/a.jpg"><figcaption>A bridge. <cite>Jo Lee</cite></figcaption>',
            "A bridge.",
            "Jo Lee",
            (None, None),
        ),
    ],
    ids=["no-caption", "caption-without-credit", "caption-and-credit"],
)
def test_the_lead_image_caption_and_credit(figure, caption, credit, size):
    from feedtool.read.items import article_shape

    image = article_shape(f"<figure>{figure}</figure><p>x</p>", UTC, "https://example.org/news/a").image
    assert image is not None
    assert (image.url, image.caption, image.credit, (image.width, image.height)) == (
        "https://example.org/a.jpg",
        caption,
        credit,
        size,
    )


def test_the_summary_comes_from_the_section_and_an_article_without_paragraphs_has_none():
    from feedtool.read.items import article_shape

    shape = article_shape("<figure><p>Promo.</p></figure><section><p>The story.</p></section>", UTC)
    assert shape.summary == "The story."
    assert article_shape("<div>no paragraphs</div>", UTC).summary == ""
    assert article_shape("<p>x</p>", UTC).published is None
    assert article_shape("<p>x</p><time datetime='soon'>", UTC).published is None


def test_categories_are_the_sections_of_the_link_without_dates_or_the_slug():
    data = f"<!--1-->\n[t](https://example.org/world/asia/2023/09/14/slug)\n---\n{_WHEN}<p>x</p>".encode()
    assert read_item(Path("c.txt"), data, zone, None).categories == ("world", "asia")
    data = f"<!--1-->\n[t](https://example.org/world/asia/slug)\n---\n{_WHEN}<p>x</p>".encode()
    assert read_item(Path("c.txt"), data, zone, None).categories == ("world", "asia")


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("a" * 200, "a" * 200),
        ("x" * 150 + "。" + "y" * 48 + "。" + "z。", "x" * 150 + "。" + "y" * 48 + "。"),
        ("x" * 299 + "。 more text.", "x" * 299 + "。"),
        ("x" * 249 + "。 tail.", "x" * 249 + "。"),
        ("x" * 400 + "。", "x" * 199 + "…"),
        ("a" * 198 + " " + "b" * 60, "a" * 198 + "…"),
    ],
    ids=[
        "exactly-200",
        "sentences-up-to-200",
        "one-sentence-of-300",
        "one-sentence-of-250",
        "one-sentence-over-300",
        "cut-at-a-space",
    ],
)
def test_summary_lengths_at_their_limits(text, summary):
    assert summarize(text) == summary


def test_only_the_fields_taken_from_the_html_are_taken_again():
    from dataclasses import replace

    from feedtool.read.items import reshaped

    item = read_item(Path("i.txt"), _item_bytes(body()), zone, None)
    html = '<figure><img src="/new.jpg"></figure><section><p>新的第一段。</p></section>'
    image_only = reshaped(replace(item, derived=("image",)), html)
    assert image_only.image is not None and image_only.image.url == "https://example.org/new.jpg"
    assert image_only.summary == item.summary
    summary_only = reshaped(replace(item, derived=("summary",)), html)
    assert (summary_only.image, summary_only.summary) == (item.image, "新的第一段。")
    assert reshaped(replace(item, derived=()), html) == replace(item, derived=())
    assert reshaped(item, "<!DOCTYPE html>") == item
