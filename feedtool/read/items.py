"""Reads scraped item files: a capture-time line, a [title](url) line, dashes, an HTML body.

Reading happens in two steps so that a build touches every file cheaply but parses only the
items it emits: `scan_item` checks the header and finds the publication time (enough to order,
de-duplicate and cache), `read_item` parses the body into a full Item.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html
from dateutil import parser as dateparser

from feedtool.carry import EARLIEST_YEAR, feed_date, feed_url, xml_text
from feedtool.errors import ItemError
from feedtool.model import Image, Item, Person

BODY_FIRST_LINE = 4

_CAPTURE = re.compile(r"<!--\s*(\d{1,15})\s*-->")
_DASHES = re.compile(r"-{3,}")
_FIRST_TIME = re.compile(r"<time\b[^>]*?\sdatetime\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_MD_ESCAPE = re.compile(r"\\([\[\]()\\])")
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:[,，、;；&]|\band\b|和)\s*", re.I)
_SENTENCE_END = re.compile(r"[。！？!?…]+[”’」』）)]*|\.(?=\s|$)[”’\"')]*")
_WHITESPACE = re.compile(r"\s+")
_DATE_SEGMENT = re.compile(r"^\d+$")

SUMMARY_TARGET = 200
SUMMARY_HARD_LIMIT = 300


@dataclass(frozen=True, slots=True)
class ItemFile:
    """What a cheap look at an item file tells: enough to order, de-duplicate and cache it."""

    path: Path
    digest: str
    url: str
    captured: datetime
    published: datetime


@dataclass(frozen=True, slots=True)
class _Parts:
    captured: datetime
    title: str
    url: str
    body: str


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise ItemError(
            path, line, f"not UTF-8 (byte 0x{data[e.start]:02x} at column {column}); save the file as UTF-8"
        ) from e
    return xml_text(text.removeprefix("\ufeff"))


def _http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 host, "http://["
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url)


def _title_and_url(line: str) -> tuple[str, str] | None:
    """Split `[title](url)`; titles may hold brackets, URLs parentheses: try the last `](` first."""
    if not (line.startswith("[") and line.endswith(")")):
        return None
    inner = line[1:-1]
    cut = inner.rfind("](")
    while cut >= 0:
        title, url = inner[:cut], inner[cut + 2 :]
        if _http_url(url) and url.count("(") == url.count(")"):
            return _MD_ESCAPE.sub(r"\1", title).strip(), url
        cut = inner.rfind("](", 0, cut)
    return None


def _split(path: Path, data: bytes) -> _Parts:
    text = _decode(path, data)
    lines = text.split("\n", 3)
    while len(lines) < 4:
        lines.append("")
    first, second, third, body = (line.rstrip("\r") for line in lines)
    match = _CAPTURE.fullmatch(first.strip())
    if not match:
        shown = first.strip()[:60] or "an empty line"
        raise ItemError(
            path,
            1,
            f"first line must be <!--EPOCH_MS--> (capture time, milliseconds since 1970 UTC), got {shown!r}",
        )
    try:
        captured = datetime.fromtimestamp(int(match.group(1)) / 1000, UTC)
    except (OverflowError, OSError, ValueError) as e:
        raise ItemError(path, 1, f"capture time {match.group(1)} ms is out of range") from e
    title_url = _title_and_url(second.strip())
    if title_url is None:
        raise ItemError(path, 2, "title line must look like [title](https://…)")
    title, written = title_url
    if not title:
        raise ItemError(path, 2, "the title between [ and ] is empty")
    url = feed_url(written)
    if url is None:
        raise ItemError(path, 2, f"the link {written!r} has no valid host name or port")
    if not _DASHES.fullmatch(third.strip()):
        raise ItemError(path, 3, "third line must be a line of dashes (---) between the header and the body")
    if not body.strip():
        raise ItemError(path, BODY_FIRST_LINE, "the HTML body is empty")
    return _Parts(captured, title, url, body)


def _first_time(body: str) -> tuple[str, int] | None:
    """The value of the first <time datetime> in the body and where it starts."""
    match = _FIRST_TIME.search(body)
    if not match:
        return None
    return next(g for g in match.groups() if g is not None), match.start()


def parse_time(value: str, zone: tzinfo) -> datetime:
    """A <time datetime> value; a naive one is the source site's local time. ValueError if
    it is not a date and time."""
    try:
        when = dateparser.isoparse(value.strip())
    except OverflowError as e:
        raise ValueError(str(e)) from e
    return when.replace(tzinfo=zone) if when.tzinfo is None else when


def _published(path: Path, body: str, zone: tzinfo) -> datetime:
    """The first <time datetime> in the body; naive values are the source site's local time."""
    found = _first_time(body)
    if found is None:
        raise ItemError(
            path,
            BODY_FIRST_LINE,
            'no <time datetime="…"> in the body: cannot tell when the item was published',
        )
    value, start = found
    line = BODY_FIRST_LINE + body.count("\n", 0, start)
    try:
        when = feed_date(parse_time(value, zone))
    except ValueError as e:
        raise ItemError(
            path,
            line,
            f'<time datetime="{value}"> is not a date and time (expected e.g. 2023-09-14 02:49:21)',
        ) from e
    if when is None:
        raise ItemError(
            path,
            line,
            f'<time datetime="{value}"> is before {EARLIEST_YEAR}, where RSS dates (RFC 822) begin',
        )
    return when


def scan_item(path: Path, data: bytes, zone_for: Callable[[str], tzinfo]) -> ItemFile:
    """Check the header and find the publication time without parsing the body's HTML."""
    parts = _split(path, data)
    return ItemFile(
        path=path,
        digest=hashlib.blake2b(data, digest_size=16).hexdigest(),
        url=parts.url,
        captured=parts.captured,
        published=_published(path, parts.body, zone_for(parts.url)),
    )


def _text(element: lxml.html.HtmlElement | None) -> str:
    if element is None:
        return ""
    return _WHITESPACE.sub(" ", xml_text(element.text_content())).strip()


def _authors(root: lxml.html.HtmlElement) -> tuple[Person, ...]:
    """One Person per name in <address>; the spelling and profile link come from the bylines."""
    address = root.find(".//address")
    if address is None:
        return ()
    # A byline link whose text is an author's name is that author's page.
    known: dict[str, tuple[str, str]] = {}
    for link in root.iterfind(".//footer//a[@href]"):
        name = _text(link)
        if name:
            known.setdefault(name.casefold(), (name, link.get("href", "")))
    people: list[Person] = []
    seen: set[str] = set()
    for raw in _AUTHOR_SEPARATORS.split(_text(address)):
        name = raw.strip()
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        spelled, uri = known.get(name.casefold(), (name, ""))
        people.append(Person(name=spelled, uri=feed_url(uri)))
    return tuple(people)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 7 else None


def _image(root: lxml.html.HtmlElement, link: str) -> Image | None:
    """The lead image; a relative address is resolved against the item's link, as in the body."""
    figure = root.find(".//figure")
    if figure is None:
        return None
    img = figure.find(".//img[@src]")
    if img is None:
        return None
    try:
        src = feed_url(urljoin(link, img.get("src", "").strip()))
    except ValueError:  # e.g. "http://[" (an unclosed IPv6 host)
        return None
    if src is None:
        return None
    caption_element = figure.find(".//figcaption")
    credit = ""
    caption = ""
    if caption_element is not None:
        cite = caption_element.find(".//cite")
        credit = _text(cite)
        caption = _text(caption_element)
        if credit and caption.endswith(credit):
            caption = caption[: -len(credit)].strip()
    return Image(
        url=src,
        caption=caption or None,
        credit=credit or None,
        width=_int(img.get("width")),
        height=_int(img.get("height")),
    )


def summarize(text: str) -> str:
    """Whole sentences from the start of `text`, about SUMMARY_TARGET characters."""
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) <= SUMMARY_TARGET:
        return text
    summary = ""
    for match in _SENTENCE_END.finditer(text):
        candidate = text[: match.end()].strip()
        if summary and len(candidate) > SUMMARY_TARGET:
            break
        summary = candidate
        if len(summary) >= SUMMARY_TARGET:
            break
    if summary and len(summary) <= SUMMARY_HARD_LIMIT:
        return summary
    return text[: SUMMARY_TARGET - 1].rstrip() + "…"


def _summary(root: lxml.html.HtmlElement) -> str:
    article = root.find(".//section")
    for paragraph in (article if article is not None else root).iter("p"):
        text = _text(paragraph)
        if text:
            return summarize(text)
    return ""


def _categories(url: str) -> tuple[str, ...]:
    """The site's sections in the URL path: segments that are neither dates nor the slug."""
    decoded = (xml_text(unquote(s)).strip() for s in urlsplit(url).path.split("/"))
    segments = [s for s in decoded if s]
    return tuple(s for s in segments[:-1] if not _DATE_SEGMENT.match(s))


@dataclass(frozen=True, slots=True)
class ArticleShape:
    """What an article's HTML says about itself when it has the aggregator's shape: bylines
    in <address>, the time in <time datetime>, the lead image in the first <figure>, the text
    in <section>. Item files are read this way, and so is the content of feed items."""

    authors: tuple[Person, ...]
    published: datetime | None
    image: Image | None
    summary: str


def article_shape(html: str, zone: tzinfo, link: str = "") -> ArticleShape:
    """The article's authors, time, lead image and summary; ValueError if it is not HTML.
    A relative lead image is resolved against `link`, the article's address."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except lxml.etree.ParserError as e:
        raise ValueError(str(e)) from e
    except (AssertionError, IndexError) as e:  # lxml's own check that an <html> has a <body>
        raise ValueError("an <html> document with nothing in its <body>") from e
    found = _first_time(html)
    published = None
    if found is not None:
        try:
            published = parse_time(found[0], zone)
        except ValueError:
            published = None
    return ArticleShape(_authors(root), published, _image(root, link), _summary(root))


# The fields an item takes from its article's HTML that rules removing parts of it change too.
# Not the authors: their names stay in <address> when a byline footer goes, only their spelling.
SHAPED = ("image", "summary")


def reshaped(item: Item, html: str) -> Item:
    """`item` with the fields it took from its article's HTML taken again from `html` (its
    HTML after rules removed parts of it: a stripped promo paragraph or lead figure goes from
    the summary and lead image too)."""
    if not item.derived:
        return item
    try:
        shape = article_shape(html, UTC, item.url)
    except ValueError:
        return item
    return replace(
        item,
        image=shape.image if "image" in item.derived else item.image,
        summary=shape.summary if "summary" in item.derived else item.summary,
    )


def read_item(path: Path, data: bytes, zone_for: Callable[[str], tzinfo], language: str | None) -> Item:
    """Parse a whole item file; the body's HTML is kept as it is (cleaning comes next)."""
    parts = _split(path, data)
    zone = zone_for(parts.url)
    published = _published(path, parts.body, zone)
    try:
        shape = article_shape(parts.body, zone, parts.url)
    except ValueError as e:
        raise ItemError(path, BODY_FIRST_LINE, f"the body is not HTML: {e}") from e
    return Item(
        id=parts.url,
        url=parts.url,
        title=parts.title,
        published=published,
        updated=published,
        authors=shape.authors,
        summary=shape.summary,
        content_html=parts.body.strip(),
        categories=_categories(parts.url),
        image=shape.image,
        language=language,
        captured=parts.captured,
        source=str(path),
        derived=SHAPED,
    )
