"""Namespace URIs of the feed formats and extensions, and Clark-notation tag helpers."""

from __future__ import annotations

import functools
import re
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


# The prefix feeds conventionally bind each known namespace to. Declaring one of these
# prefixes for another namespace confuses software that reads prefixes instead of namespaces,
# and a namespace outside this table is one feedtool cannot check.
CONVENTIONAL_PREFIXES: dict[str, str] = {
    ATOM: "atom",
    XHTML: "xhtml",
    XML: "xml",
    RDF: "rdf",
    RSS1: "rss1",
    RSS11: "rss11",
    DC: "dc",
    DCTERMS: "dcterms",
    CONTENT: "content",
    MEDIA: "media",
    ITUNES: "itunes",
    SLASH: "slash",
    THR: "thr",
    GEORSS: "georss",
    FEEDBURNER: "feedburner",
    APP: "app",
    "http://my.netscape.com/rdf/simple/0.9/": "rss090",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/aggregation/": "ag",
    "http://purl.org/rss/1.0/modules/annotate/": "annotate",
    "http://purl.org/rss/1.0/modules/company": "company",
    "http://purl.org/rss/1.0/modules/email/": "email",
    "http://purl.org/rss/1.0/modules/event/": "ev",
    "http://purl.org/rss/1.0/modules/image/": "image",
    "http://purl.org/rss/1.0/modules/link/": "l",
    "http://purl.org/rss/1.0/modules/reference/": "ref",
    "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
    "http://purl.org/rss/1.0/modules/rss091#": "rss091",
    "http://purl.org/rss/1.0/modules/search/": "search",
    "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
    "http://purl.org/rss/1.0/modules/subscription/": "sub",
    "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    "http://purl.org/rss/1.0/modules/wiki/": "wiki",
    "http://www.usemod.com/cgi-bin/mb.pl?ModWiki": "wiki",
    "http://purl.org/syndication/history/1.0": "fh",
    "http://webns.net/mvcb/": "admin",
    "http://backend.userland.com/blogChannelModule": "blogChannel",
    "http://backend.userland.com/creativeCommonsRssModule": "creativeCommons",
    "http://web.resource.org/cc/": "cc",
    "http://www.bloglines.com/about/specs/fac-1.0": "access",
    "http://www.microsoft.com/schemas/rss/core/2005": "cf",
    "http://conversationsnetwork.org/rssNamespace-1.0/": "conversationsNetwork",
    "http://my.theinfo.org/changed/1.0/rss/": "cp",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://geourl.org/rss/module/": "geourl",
    "http://www.opengis.net/gml": "gml",
    "http://postneo.com/icbm": "icbm",
    "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://media.tangent.org/rss/1.0/": "audio",
    "http://hacks.benhammersley.com/rss/streaming/": "str",
    "urn:atom-extension:indexing": "indexing",
    "http://feedsync.org/2007/feedsync": "sx",
    "http://a9.com/-/spec/opensearchrss/1.0/": "opensearch10",
    "http://a9.com/-/spec/opensearch/1.1/": "opensearch",
    "http://base.google.com/ns/1.0": "g",
    "http://www.opml.org/spec2": "opml",
    "http://www.w3.org/1998/Math/MathML": "mathml",
    "http://www.w3.org/2000/svg": "svg",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://schemas.xmlsoap.org/soap/envelope/": "soap",
    "http://openid.net/xmlns/1.0": "openid",
    "http://earth.google.com/kml/2.0": "kml20",
    "http://earth.google.com/kml/2.1": "kml21",
    "http://www.opengis.net/kml/2.2": "kml22",
    "xri://$xrd*($v*2.0)": "xrd",
    "xri://$xrds": "xrds",
}
RESERVED_PREFIXES = frozenset(CONVENTIONAL_PREFIXES.values())


_TRAILING_PUNCTUATION = re.compile(r"\W+\Z")


def _loose(uri: str) -> str:
    """A namespace URI as people mistype it: case and trailing punctuation ignored."""
    return _TRAILING_PUNCTUATION.sub("", uri).lower()


_BY_LOOSE = {_loose(uri): uri for uri in CONVENTIONAL_PREFIXES}


@functools.lru_cache(maxsize=256)
def known_namespace(uri: str) -> str | None:
    """The known namespace `uri` names, forgiving case and a missing or extra final `/` or
    `#` (`http://purl.org/dc/elements/1.1` is Dublin Core); None for an unknown one."""
    if uri in CONVENTIONAL_PREFIXES:
        return uri
    return _BY_LOOSE.get(_loose(uri))


@functools.lru_cache(maxsize=1024)
def canonical_tag(clark: str) -> str:
    """The Clark name with a mistyped known namespace spelled right (see `known_namespace`)."""
    if not clark.startswith("{"):
        return clark
    namespace, local = split(clark)
    known = known_namespace(namespace)
    return clark if known is None or known == namespace else tag(known, local)
