"""Byte order marks: the feed reader and the validator read a document by the one it starts with."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from feedtool.read.feeds import read_feed
from feedtool.validate import validate_bytes

FEED = (
    '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Café “Ü”</title>'
    "<link>https://example.com/</link><description>About</description>"
    "<item><title>Crème brûlée 咖啡</title><link>https://example.com/1</link>"
    "<guid>https://example.com/1</guid><pubDate>Mon, 06 May 2024 07:08:09 GMT</pubDate></item>"
    "</channel></rss>\n"
)
# The marks written by hand, so a wrong table in feedtool cannot agree with the test.
MARKED = {
    "utf-8": b"\xef\xbb\xbf",
    "utf-16-le": b"\xff\xfe",
    "utf-16-be": b"\xfe\xff",
    "utf-32-le": b"\xff\xfe\x00\x00",
    "utf-32-be": b"\x00\x00\xfe\xff",
}


@pytest.mark.parametrize("encoding", MARKED)
def test_a_feed_after_a_byte_order_mark_is_read_in_the_encoding_it_names(encoding: str) -> None:
    data = MARKED[encoding] + FEED.encode(encoding)
    reader = read_feed("feed.xml", data, lambda _url: ZoneInfo("UTC"))
    assert [item.title for item in reader.items()] == ["Crème brûlée 咖啡"]
    report = validate_bytes(data, source="feed.xml")
    assert report.format == "rss"
    assert [p.code for p in report.problems if p.severity == "error"] == []
