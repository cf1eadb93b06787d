"""What every feed format can carry: XML 1.0 characters, absolute http(s) URIs, dates.

Readers and the cleaner pass their values through these, so an item they accept is one
Atom, RSS and JSON Feed can all hold: a build never fails on a value it let through.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from feedtool.errors import ItemError
from feedtool.model import Image, Item, Person

# Everything outside XML 1.0's Char production: C0 controls but tab, newline and carriage
# return; lone surrogates; U+FFFE and U+FFFF. They are invisible in a page, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# RFC 822 dates (RSS) are only defined from 1900 on (RFC 2822, section 3.3), and years before
# 1000 would not even have four digits.
EARLIEST_YEAR = 1900

# Characters a URI may hold outside its host (RFC 3986, without the brackets that belong
# around an IPv6 host); anything else is percent-encoded as UTF-8, as browsers do.
_URI_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~;/?:@&=+$!*'(),%")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# What _percent_encoded would change: most URLs have none of it.
_TO_ENCODE = re.compile(f"[^{re.escape(''.join(sorted(_URI_SAFE)))}]|{_LONE_PERCENT.pattern}")
# Browsers drop tabs and line breaks from URLs, and Python's urlsplit does too.
_URL_IGNORED = re.compile("[\t\r\n]")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\Z")
_PORT = re.compile(r"\d{1,5}\Z")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def fits_xml(text: str) -> bool:
    """Whether XML 1.0 can carry every character of `text`."""
    return _NOT_XML.search(text) is None


def _percent_encoded(text: str) -> str:
    if _TO_ENCODE.search(text) is None:
        return text
    return "".join(
        c if c in _URI_SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))
        for c in _LONE_PERCENT.sub("%25", text)
    )


@functools.lru_cache(maxsize=4096)  # a feed's links point to a few hosts, again and again
def _host(host: str) -> str | None:
    """The host in the form URIs carry it (IDNA for non-ASCII names), or None for no host."""
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1] if host.endswith("]") else "")
        except ValueError:
            return None
        return host
    name = host.removesuffix(".")
    labels = name.split(".")
    if not name or len(name) > 253:
        return None
    ascii_labels = []
    for label in labels:
        if not label.isascii():
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                return None
        if len(label) > 63 or not _LABEL.match(label.lower()):
            return None
        ascii_labels.append(label)
    return ".".join(ascii_labels) + ("." if host.endswith(".") else "")


def feed_url(url: str) -> str | None:
    """`url` as an absolute http(s) URI that Atom, RSS and JSON Feed all accept, or None when
    it cannot be one (another scheme, no host, a host no name server could hold).

    Characters URIs do not allow are percent-encoded (non-ASCII as UTF-8) and non-ASCII host
    names are IDNA-encoded, so an address a browser would follow stays the same address.
    """
    url = _URL_IGNORED.sub("", url.strip())
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not url[len(parts.scheme) :].startswith("://"):
        return None
    userinfo, at, hostport = parts.netloc.rpartition("@")
    host, port = hostport, ""
    bracket = hostport.rfind("]")
    colon = hostport.rfind(":")
    if colon > bracket:
        host, port = hostport[:colon], hostport[colon + 1 :]
        if port and (not _PORT.match(port) or int(port) > 65535):
            return None
    fixed_host = _host(host)
    if fixed_host is None:
        return None
    netloc = (_percent_encoded(userinfo).replace("@", "%40") + at if at else "") + fixed_host
    netloc += f":{port}" if port else ""
    rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    path_and_query, hash_, fragment = rest.partition("#")
    fixed = _percent_encoded(path_and_query) + hash_ + _percent_encoded(fragment)
    return f"{url[: len(parts.scheme)]}://{netloc}{fixed}"


def feed_date(when: datetime) -> datetime | None:
    """`when` as every feed format can write it, or None when RSS cannot (before 1900).

    An offset with seconds (a zone's local mean time, before standard time) has no form in
    RFC 3339 or RFC 822: such a time is given in UTC instead, the same instant.
    """
    offset = when.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        when = when.astimezone(UTC)
    return when if when.year >= EARLIEST_YEAR else None


def _optional_text(text: str | None) -> str | None:
    return xml_text(text) if text else None


def _person(person: Person) -> Person | None:
    name = xml_text(person.name).strip()
    if not name:
        return None
    uri = feed_url(person.uri) if person.uri else None
    return replace(person, name=name, email=_optional_text(person.email), uri=uri)


def _image(image: Image | None) -> Image | None:
    url = feed_url(image.url) if image is not None else None
    if image is None or url is None:
        return None
    return replace(image, url=url, caption=_optional_text(image.caption), credit=_optional_text(image.credit))


def fit_item(item: Item) -> Item:
    """`item` with every value in a form all three feed formats carry; raises ItemError for an
    item no feed can carry (a link that is not a web address, a date before 1900)."""
    where = item.source or item.url
    url = feed_url(item.url) if item.url else ""  # a feed's item may have no link, only an id
    if url is None:
        raise ItemError(where, None, f"the link {item.url!r} is not an http(s) address feeds can carry")
    published, updated = feed_date(item.published), feed_date(item.updated)
    if published is None or updated is None:
        raise ItemError(where, None, f"dated before {EARLIEST_YEAR}, where RSS dates (RFC 822) begin")
    title = xml_text(item.title).strip()
    if not title:
        raise ItemError(where, None, "the title is empty")
    return replace(
        item,
        id=xml_text(item.id) if item.id != item.url else url,
        url=url,
        title=title,
        published=published,
        updated=updated,
        authors=tuple(p for p in map(_person, item.authors) if p is not None),
        summary=xml_text(item.summary),
        categories=tuple(c for c in map(xml_text, item.categories) if c.strip()),
        image=_image(item.image),
    )
