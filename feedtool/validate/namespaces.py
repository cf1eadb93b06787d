"""Namespace URIs of the feed formats and extensions, and Clark-notation tag helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
XHTML = "http://www.w3.org/1999/xhtml"
XML = "http://www.w3.org/XML/1998/namespace"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1 = "http://purl.org/rss/1.0/"
RSS11 = "http://purl.org/net/rss1.1#"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
MEDIA = "http://search.yahoo.com/mrss/"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
SLASH = "http://purl.org/rss/1.0/modules/slash/"
THR = "http://purl.org/syndication/thread/1.0"
GEORSS = "http://www.georss.org/georss"
FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
APP = "http://www.w3.org/2007/app"

XML_BASE = f"{{{XML}}}base"
XML_LANG = f"{{{XML}}}lang"


def tag(namespace: str, local: str) -> str:
    """The Clark name lxml uses for an element: `{namespace}local`, or `local` without one."""
    return f"{{{namespace}}}{local}" if namespace else local


def _split(clark: str) -> tuple[str, str]:
    if clark.startswith("{"):
        namespace, _, local = clark[1:].partition("}")
        return namespace, local
    return "", clark


# (namespace, local name) of a Clark name; the namespace is "" when there is none. Cached: a
# feed uses a few dozen names, each many times. lxml's types allow any tag an element could be
# given, but the tags of a parsed document are always str.
split = cast(
    Callable[[str | bytes | bytearray | etree.QName], tuple[str, str]],
    functools.lru_cache(maxsize=4096)(_split),
)
