"""Namespace extensions inside RSS 2.0, RSS 1.0 and Atom: Dublin Core, syndication, slash,
content, admin, blogChannel, Creative Commons, geo, GeoRSS, trackback, event, atom-in-RSS, thr,
wfw, feedburner and the other modules feeds use (iTunes and Media RSS have their own modules).

One rule per host element (rss, channel, item, image, textInput, feed, entry, and the RSS
elements that hold other elements: cloud, enclosure, skipHours, skipDays) looks at the host's
namespaced children. Each known extension element has a `Spec`: the hosts that define it,
whether it may repeat there, the attributes it takes, what its content is, and how its value
is checked. A known element where its host does not define it is undefined; the elements most
modules define everywhere (Dublin Core, geo, atom:*) are only questionable there. Namespaces
nobody knows are reported where they are declared (rules/declarations.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from feedtool.validate import rss_codes, values
from feedtool.validate.engine import Context, Element, name_of, rule
from feedtool.validate.html import check_xhtml
from feedtool.validate.namespaces import (
    ATOM,
    CONTENT,
    DC,
    DCTERMS,
    FEEDBURNER,
    GEORSS,
    RDF,
    RSS1,
    RSS11,
    SLASH,
    THR,
    XHTML,
    XML,
    canonical_tag,
    known_namespace,
    split,
    tag,
)
from feedtool.validate.rules import atom
from feedtool.validate.rules.rss import (
    ValueCheck,
    attribute_name,
    check_full_uri,
    check_html,
    check_language,
    check_plain_text,
    no_check,
    text_of,
    value_check,
)
from feedtool.validate.values import words

rss_codes.ensure_defined()

SY = "http://purl.org/rss/1.0/modules/syndication/"
ADMIN = "http://webns.net/mvcb/"
BLOGCHANNEL = "http://backend.userland.com/blogChannelModule"
CREATIVE_COMMONS = "http://backend.userland.com/creativeCommonsRssModule"
CC = "http://web.resource.org/cc/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
GEOURL = "http://geourl.org/rss/module/"
ICBM = "http://postneo.com/icbm"
TRACKBACK = "http://madskills.com/public/xml/rss/module/trackback/"
EVENT = "http://purl.org/rss/1.0/modules/event/"
TAXO = "http://purl.org/rss/1.0/modules/taxonomy/"
WIKI = "http://purl.org/rss/1.0/modules/wiki/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ANNOTATE = "http://purl.org/rss/1.0/modules/annotate/"
LINK_MODULE = "http://purl.org/rss/1.0/modules/link/"
AGGREGATION = "http://purl.org/rss/1.0/modules/aggregation/"
CHANGED = "http://my.theinfo.org/changed/1.0/rss/"
WFW = "http://wellformedweb.org/CommentAPI/"
HISTORY = "http://purl.org/syndication/history/1.0"
GML = "http://www.opengis.net/gml"
ACCESS = "http://www.bloglines.com/about/specs/fac-1.0"
CF = "http://www.microsoft.com/schemas/rss/core/2005"
CONVERSATIONS = "http://conversationsnetwork.org/rssNamespace-1.0/"
SX = "http://feedsync.org/2007/feedsync"

# Known namespaces whose elements are accepted without a list of them: formats feedtool does
# not check (OpenSearch, Google Base, KML...), RDF vocabularies, and the markup languages that
# appear inside content.
TOLERATED = frozenset(
    {FOAF, RDFS, RDF, XML, "http://purl.org/rss/1.0/modules/threading/",
     "http://a9.com/-/spec/opensearch/1.1/", "http://a9.com/-/spec/opensearchrss/1.0/",
     "http://base.google.com/ns/1.0", "http://www.opml.org/spec2", "http://openid.net/xmlns/1.0",
     "xri://$xrds", "xri://$xrd*($v*2.0)", "http://www.w3.org/1998/Math/MathML",
     "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
     "http://schemas.xmlsoap.org/soap/envelope/", "urn:atom-extension:indexing",
     "http://earth.google.com/kml/2.0", "http://earth.google.com/kml/2.1",
     "http://www.opengis.net/kml/2.2", "http://purl.org/rss/1.0/modules/company",
     "http://purl.org/rss/1.0/modules/email/", "http://purl.org/rss/1.0/modules/image/",
     "http://purl.org/rss/1.0/modules/reference/", "http://purl.org/rss/1.0/modules/richequiv/",
     "http://purl.org/rss/1.0/modules/rss091#", "http://purl.org/rss/1.0/modules/search/",
     "http://purl.org/rss/1.0/modules/servicestatus/", "http://purl.org/rss/1.0/modules/subscription/",
     "http://hacks.benhammersley.com/rss/streaming/", "http://media.tangent.org/rss/1.0/",
     "http://www.usemod.com/cgi-bin/mb.pl?ModWiki", RSS1, RSS11,
     "http://my.netscape.com/rdf/simple/0.9/", "http://www.w3.org/2007/app"}
)  # fmt: skip

# Host kinds: what an element holding extensions is (Atom's feed and entry play the roles of
# RSS's channel and item; "other" is an RSS element that holds elements but no extensions).
CHANNELS = frozenset({"channel", "feed"})
ITEMS = frozenset({"item", "entry"})
CHANNELS_AND_ITEMS = CHANNELS | ITEMS
EVERYWHERE = CHANNELS_AND_ITEMS | {"image", "textInput"}
NOWHERE: frozenset[str] = frozenset()

Content = Literal["text", "elements", "any"]


@dataclass(frozen=True, slots=True)
class Spec:
    """How to check an extension element.

    `hosts`: the host kinds that define it. `repeats_in`: the hosts where it may appear more
    than once. `attributes`: the attributes it takes (Clark names; None: any). `content`: "text"
    (child elements are undefined), "elements" (its check looks at its children) or "any"
    (arbitrary XML: only un-namespaced elements in it are wrong in RSS 2.0).
    """

    check: ValueCheck
    hosts: frozenset[str] = EVERYWHERE
    repeats_in: frozenset[str] = NOWHERE
    attributes: frozenset[str] | None = frozenset()
    content: Content = "text"


HOST_KINDS = {
    "rss": "rss",
    "channel": "channel",
    "Channel": "channel",
    "item": "item",
    "image": "image",
    "textInput": "textInput",
    "textinput": "textInput",
    "feed": "feed",
    "entry": "entry",
}


def host_kind(host: Element) -> str:
    return HOST_KINDS.get(split(host.tag)[1], "other")


check_w3cdtf = value_check(values.check_w3cdtf_date)
check_iso8601 = value_check(values.check_iso8601_date)

_COMMA_INTEGERS = re.compile(r"\d+(?:,\s*\d+)*\Z")

check_positive = value_check(values.check_positive_integer)
check_non_negative = value_check(values.check_non_negative_integer)
check_latitude = value_check(values.check_latitude)
check_longitude = value_check(values.check_longitude)
check_comma_integers = value_check(
    lambda v: None if _COMMA_INTEGERS.match(v) else "InvalidCommaSeparatedIntegers"
)
check_update_period = value_check(
    lambda v: None if v in ("hourly", "daily", "weekly", "monthly", "yearly") else "InvalidUpdatePeriod"
)


def check_non_blank_positive(element: Element, ctx: Context, value: str) -> None:
    """A count that must be there: sy:updateFrequency, dcterms:extent."""
    if not value:
        ctx.report("NotBlank", element)
    check_positive(element, ctx, value)


RESOURCE = tag(RDF, "resource")


def check_resource(element: Element, ctx: Context, value: str) -> None:
    """An element that points somewhere with rdf:resource (admin, cc, dcterms relations...)."""
    resource = element.get(RESOURCE)
    if resource is None:
        if ctx.format == "rss1":
            ctx.report("MissingAttribute", element, attribute="rdf:resource")
        elif value:
            check_full_uri(element, ctx, value)
        return
    code = values.check_uri(resource)
    if code:
        ctx.report(code, element, value=resource)


def check_trackback_ping(element: Element, ctx: Context, value: str) -> None:
    if ctx.format == "rss1":
        check_resource(element, ctx, value)
    else:
        check_full_uri(element, ctx, value)


def check_slash_comments(element: Element, ctx: Context, value: str) -> None:
    check_non_negative(element, ctx, value)
    ctx.state.setdefault(__name__ + ".slash", element.sourceline)


def check_xhtml_body(element: Element, ctx: Context, value: str) -> None:
    for finding in check_xhtml(element):
        if finding.code != "UnknownNamespace":
            ctx.report(finding.code, element, detail=finding.detail, value=finding.detail)


def check_thr_in_reply_to(element: Element, ctx: Context, value: str) -> None:
    media_type = element.get("type")
    if media_type is not None and values.check_mime_type(media_type):
        ctx.report("InvalidMIMEType", element, attribute="type", value=media_type)
    ref = element.get("ref")
    if ref is None:
        ctx.report("MissingAttribute", element, attribute="ref")
    else:
        code = values.check_iri(ref, full=True)
        if code:
            ctx.report(code, element, value=ref)
    for attribute in ("href", "source"):
        reference = element.get(attribute)
        if reference is not None and (code := values.check_iri(reference)):
            ctx.report(code, element, attribute=attribute, value=reference)


def check_flare(element: Element, ctx: Context, value: str) -> None:
    check_plain_text(element, ctx, value)
    for attribute in ("href", "src"):
        reference = element.get(attribute)
        if reference is None:
            ctx.report("MissingAttribute", element, attribute=attribute)
        elif ctx.format == "rss" and values.is_relative_ref(reference):
            ctx.report("ContainsRelRef", element, attribute=attribute, value=reference)


def check_access_restriction(element: Element, ctx: Context, value: str) -> None:
    relationship = element.get("relationship")
    if relationship is None:
        ctx.report("MissingAttribute", element, attribute="relationship")
    if relationship not in ("allow", "deny"):
        ctx.report("InvalidAccessRestrictionRel", element, value=relationship or "")
    if value:
        ctx.report("UnexpectedText", element)


def check_comment_rss_case(element: Element, ctx: Context, value: str) -> None:
    ctx.report("CommentRSS", element)
    check_full_uri(element, ctx, value)


def check_feedburner_info(element: Element, ctx: Context, value: str) -> None:
    uri = element.get("uri")
    if uri is None:
        ctx.report("MissingAttribute", element, attribute="uri")
    elif code := values.check_iri(uri):
        ctx.report(code, element, attribute="uri", value=uri)


# ---------------------------------------------------------------------------------------------
# Places: geo (W3C WGS84), GeoRSS Simple and GeoRSS GML

_DECIMAL = re.compile(r"[-+]?\d+\.?\d*\s*\Z")
_COORDINATE = r"[-+]?\d+\.?\d*"
_PAIR = re.compile(rf"{_COORDINATE}[ ,]{_COORDINATE}\Z")


def check_decimal(element: Element, ctx: Context, value: str) -> None:
    """A signed decimal number with no unit (geo:alt, georss:elev: meters)."""
    if not _DECIMAL.match(value):
        ctx.report("InvalidFloatUnit", element, value=value)


def _numbers(value: str) -> list[float] | None:
    try:
        return [float(word) for word in value.split()]
    except ValueError:
        return None


def _coordinates_ok(numbers: list[float]) -> bool:
    pairs = zip(numbers[0::2], numbers[1::2], strict=True)
    return all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon in pairs)


def check_position(element: Element, ctx: Context, value: str) -> None:
    """One latitude-longitude pair, space separated (georss:point, gml:pos)."""
    numbers = _numbers(value.replace(",", " ", 1)) if _PAIR.match(value) else None
    if numbers is None or not _coordinates_ok(numbers):
        ctx.report("InvalidCoord", element, value=value)
    elif "," in value:
        ctx.report("CoordComma", element, value=value)


def _coordinate_list(minimum_pairs: int, closed: bool) -> ValueCheck:
    """Latitude-longitude pairs separated by spaces (georss:line, polygon, box, gml:posList)."""

    def check(element: Element, ctx: Context, value: str) -> None:
        with_commas = "," in value
        if with_commas:
            pairs = value.split()
            if not all(_PAIR.match(pair) and "," in pair for pair in pairs):
                ctx.report("InvalidCoordList", element, value=value)
                return
            value = value.replace(",", " ")
        numbers = _numbers(value)
        ok = (
            numbers is not None
            and len(numbers) % 2 == 0
            and len(numbers) >= 2 * minimum_pairs
            and _coordinates_ok(numbers)
            and (not closed or numbers[:2] == numbers[-2:])
        )
        if not ok:
            ctx.report("InvalidCoordList", element, value=value)
        elif with_commas:
            ctx.report("CoordComma", element, value=value)

    return check


def check_float(element: Element, ctx: Context, value: str) -> None:
    if values.check_float(value):
        ctx.report("InvalidFloat", element, value=value)


GML_SHAPES: dict[str, dict[str, ValueCheck]] = {
    tag(GML, "Point"): {tag(GML, "pos"): check_position},
    tag(GML, "LineString"): {tag(GML, "posList"): _coordinate_list(2, closed=False)},
    tag(GML, "Envelope"): {tag(GML, "lowerCorner"): check_position, tag(GML, "upperCorner"): check_position},
    tag(GML, "Polygon"): {},
}
_LINEAR_RING_PATH = (tag(GML, "exterior"), tag(GML, "LinearRing"), tag(GML, "posList"))


def check_georss_where(element: Element, ctx: Context, value: str) -> None:
    """georss:where holds one GML shape: Point, LineString, Polygon or Envelope."""
    for shape in element:
        if not isinstance(shape.tag, str):
            continue
        parts = GML_SHAPES.get(shape.tag)
        if parts is None:
            ctx.report("UndefinedElement", shape)
            continue
        if shape.tag == tag(GML, "Polygon"):
            _check_polygon(shape, ctx)
            continue
        for part in shape:
            if not isinstance(part.tag, str):
                continue
            check = parts.get(part.tag)
            if check is None:
                ctx.report("UndefinedElement", part)
            else:
                check(part, ctx, text_of(part))


def _check_polygon(polygon: Element, ctx: Context) -> None:
    node = polygon
    for step in _LINEAR_RING_PATH:
        found = node.find(step)
        if found is None:
            ctx.report("MissingElement", node, element=step.split("}")[1], parent=name_of(node))
            return
        node = found
    _coordinate_list(4, closed=True)(node, ctx, text_of(node))


def check_geo_point(element: Element, ctx: Context, value: str) -> None:
    """geo:Point gives its latitude and longitude as geo:lat and geo:long."""
    for part, check in ((tag(GEO, "lat"), check_latitude), (tag(GEO, "long"), check_longitude)):
        found = element.find(part)
        if found is None:
            ctx.report("MissingElement", element, element="geo:" + split(part)[1])
        else:
            check(found, ctx, text_of(found))


# ---------------------------------------------------------------------------------------------
# The extension elements feedtool knows

DC_REPEATABLE = words("publisher contributor identifier relation coverage creator subject")
DC_UNIQUE = words("title description type format source")
DCTERMS_DATES = words("created issued modified dateAccepted dateCopyrighted dateSubmitted")
DCTERMS_RELATIONS = words(
    "isVersionOf hasVersion isReplacedBy replaces isRequiredBy requires isPartOf hasPart "
    "isReferencedBy references isFormatOf hasFormat conformsTo"
)
DCTERMS_FREE = words(
    "valid available spatial temporal accessRights accrualMethod accrualPeriodicity "
    "accrualPolicy bibliographicCitation educationLevel instructionalMethod license "
    "provenance rightsHolder"
)
# The Dublin Core terms that repeat the fifteen elements (dcterms:title...): defined by DCMI,
# unknown to the W3C validator.
DCTERMS_LIKE_ELEMENTS = words(
    "title creator subject description publisher contributor date type format identifier "
    "source language relation coverage rights medium"
)
RDF_RESOURCE_TITLE = frozenset({RESOURCE, tag(DC, "title")})
ANY_HOST = EVERYWHERE | {"rss", "other"}

# Atom elements inside RSS: where each is defined, and whether it may repeat there.
ATOM_IN_RSS = {
    "author": (CHANNELS_AND_ITEMS, CHANNELS),
    "contributor": (CHANNELS_AND_ITEMS, CHANNELS_AND_ITEMS),
    "link": (CHANNELS_AND_ITEMS, CHANNELS_AND_ITEMS),
    "category": (CHANNELS, CHANNELS),
    "content": (ITEMS, ITEMS),
    "id": (CHANNELS_AND_ITEMS, NOWHERE),
    "title": (CHANNELS_AND_ITEMS, NOWHERE),
    "updated": (CHANNELS_AND_ITEMS, NOWHERE),
    "summary": (ITEMS, NOWHERE),
    "published": (ITEMS, NOWHERE),
    "generator": (CHANNELS, NOWHERE),
    "icon": (CHANNELS, NOWHERE),
    "logo": (CHANNELS, NOWHERE),
    "subtitle": (CHANNELS, NOWHERE),
    "rights": (CHANNELS, NOWHERE),
}


def _atom_check(name: str) -> ValueCheck:
    """Atom elements inside RSS are checked by the Atom rules (rules/atom.py; they check the
    name, email and uri of a person themselves). atom:link is left to them alone: they check
    every atom:link wherever it stands, so checking it here too would say everything twice."""
    check = None if name == "link" else atom.CHECKS.get(name)
    blank_matters = name in ("generator", "icon", "logo")
    person = name in ("author", "contributor")

    def check_atom(element: Element, ctx: Context, value: str) -> None:
        if blank_matters and not value:
            ctx.report("NotBlank", element)
        if person and element.find(tag(ATOM, "name")) is None:
            ctx.report("MissingElement", element, element="atom:name")
        if check is not None:
            check(element, ctx)

    return check_atom


SPECS: dict[str, Spec] = {
    **{tag(DC, name): Spec(no_check, repeats_in=ANY_HOST) for name in DC_REPEATABLE},
    **{tag(DC, name): Spec(no_check) for name in DC_UNIQUE},
    tag(DC, "language"): Spec(check_language),
    tag(DC, "rights"): Spec(check_plain_text),
    tag(DC, "date"): Spec(check_w3cdtf, repeats_in=frozenset({"item"})),
    tag(DCTERMS, "alternative"): Spec(no_check, repeats_in=ANY_HOST),
    tag(DCTERMS, "audience"): Spec(no_check, repeats_in=ANY_HOST),
    tag(DCTERMS, "abstract"): Spec(no_check),
    tag(DCTERMS, "mediator"): Spec(no_check),
    tag(DCTERMS, "tableOfContents"): Spec(check_resource, attributes=RDF_RESOURCE_TITLE),
    tag(DCTERMS, "extent"): Spec(check_non_blank_positive),
    **{tag(DCTERMS, name): Spec(check_w3cdtf) for name in DCTERMS_DATES},
    **{
        tag(DCTERMS, name): Spec(check_resource, repeats_in=ANY_HOST, attributes=RDF_RESOURCE_TITLE)
        for name in DCTERMS_RELATIONS
    },
    **{
        tag(DCTERMS, name): Spec(no_check, repeats_in=ANY_HOST, attributes=None, content="any")
        for name in DCTERMS_FREE
    },
    tag(RDF, "RDF"): Spec(no_check, repeats_in=ANY_HOST, attributes=None, content="any"),
    tag(RDF, "type"): Spec(no_check, repeats_in=ANY_HOST, attributes=None, content="any"),
    tag(RDF, "Description"): Spec(no_check, repeats_in=ANY_HOST, attributes=None, content="any"),
    tag(RDFS, "seeAlso"): Spec(check_resource, repeats_in=ANY_HOST, attributes=RDF_RESOURCE_TITLE),
    tag(GEO, "lat"): Spec(check_latitude, repeats_in=ANY_HOST),
    tag(GEO, "long"): Spec(check_longitude, repeats_in=ANY_HOST),
    tag(GEO, "alt"): Spec(check_decimal, repeats_in=ANY_HOST),
    tag(GEO, "Point"): Spec(check_geo_point, repeats_in=ANY_HOST, content="elements"),
    tag(GEOURL, "latitude"): Spec(check_latitude, repeats_in=ANY_HOST),
    tag(GEOURL, "longitude"): Spec(check_longitude, repeats_in=ANY_HOST),
    tag(ICBM, "latitude"): Spec(check_latitude, repeats_in=ANY_HOST),
    tag(ICBM, "longitude"): Spec(check_longitude, repeats_in=ANY_HOST),
    tag(GEORSS, "point"): Spec(check_position, repeats_in=ANY_HOST),
    tag(GEORSS, "line"): Spec(_coordinate_list(2, closed=False), repeats_in=ANY_HOST),
    tag(GEORSS, "polygon"): Spec(_coordinate_list(4, closed=True), repeats_in=ANY_HOST),
    tag(GEORSS, "box"): Spec(_coordinate_list(2, closed=False), repeats_in=ANY_HOST),
    tag(GEORSS, "elev"): Spec(check_decimal, repeats_in=ANY_HOST),
    tag(GEORSS, "floor"): Spec(value_check(values.check_integer), repeats_in=ANY_HOST),
    tag(GEORSS, "radius"): Spec(check_float, repeats_in=ANY_HOST),
    **{
        tag(GEORSS, name): Spec(no_check, repeats_in=ANY_HOST)
        for name in ("featureTypeTag", "relationshipTag", "featureName")
    },
    tag(GEORSS, "where"): Spec(check_georss_where, repeats_in=ANY_HOST, content="elements"),
    # channel and item
    tag(TAXO, "topics"): Spec(no_check, CHANNELS_AND_ITEMS, ANY_HOST, None, "any"),
    tag(LINK_MODULE, "link"): Spec(check_resource, CHANNELS_AND_ITEMS, ANY_HOST, None),
    tag(LINK_MODULE, "permalink"): Spec(check_resource, ITEMS, NOWHERE, None),
    tag(FOAF, "maker"): Spec(no_check, CHANNELS_AND_ITEMS, ANY_HOST, None, "any"),
    tag(THR, "in-reply-to"): Spec(
        check_thr_in_reply_to, CHANNELS_AND_ITEMS, ANY_HOST, frozenset({"href", "ref", "source", "type"})
    ),
    tag(FEEDBURNER, "awareness"): Spec(check_full_uri, CHANNELS_AND_ITEMS),
    tag(CREATIVE_COMMONS, "license"): Spec(check_full_uri, CHANNELS_AND_ITEMS, ANY_HOST),
    tag(CC, "license"): Spec(no_check, EVERYWHERE, ANY_HOST, None, "any"),
    # item
    tag(ANNOTATE, "reference"): Spec(check_resource, ITEMS, attributes=RDF_RESOURCE_TITLE),
    tag(AGGREGATION, "source"): Spec(no_check, ITEMS),
    tag(AGGREGATION, "sourceURL"): Spec(check_full_uri, ITEMS),
    tag(AGGREGATION, "timestamp"): Spec(check_iso8601, ITEMS),
    tag(EVENT, "startdate"): Spec(check_iso8601, ITEMS),
    tag(EVENT, "enddate"): Spec(check_iso8601, ITEMS),
    tag(EVENT, "location"): Spec(no_check, ITEMS, ANY_HOST, None, "any"),
    tag(EVENT, "organizer"): Spec(no_check, ITEMS, ANY_HOST, None, "any"),
    tag(EVENT, "type"): Spec(no_check, ITEMS),
    tag(FEEDBURNER, "origLink"): Spec(check_full_uri, ITEMS),
    tag(FEEDBURNER, "origEnclosureLink"): Spec(check_full_uri, ITEMS),
    tag(FOAF, "primaryTopic"): Spec(no_check, ITEMS, ANY_HOST, None, "any"),
    tag(SLASH, "comments"): Spec(check_slash_comments, ITEMS),
    tag(SLASH, "section"): Spec(no_check, ITEMS, ANY_HOST),
    tag(SLASH, "department"): Spec(no_check, ITEMS, ANY_HOST),
    tag(SLASH, "hit_parade"): Spec(check_comma_integers, ITEMS),
    tag(THR, "total"): Spec(check_non_negative, ITEMS),
    tag(WFW, "comment"): Spec(check_full_uri, ITEMS),
    tag(WFW, "commentRss"): Spec(check_full_uri, ITEMS),
    tag(WFW, "commentRSS"): Spec(check_comment_rss_case, ITEMS),
    **{
        tag(WIKI, name): Spec(no_check, ITEMS, ANY_HOST)
        for name in words("diff history importance status version")
    },
    tag(CONTENT, "encoded"): Spec(check_html, ITEMS),
    tag(CONTENT, "items"): Spec(no_check, ITEMS, attributes=None, content="any"),
    tag(TRACKBACK, "ping"): Spec(check_trackback_ping, ITEMS),
    tag(TRACKBACK, "about"): Spec(check_trackback_ping, ITEMS, ANY_HOST),
    tag(XHTML, "body"): Spec(check_xhtml_body, frozenset({"item"}), attributes=None, content="any"),
    tag(SX, "sync"): Spec(no_check, ITEMS, attributes=None, content="elements"),
    tag(CONVERSATIONS, "introMilliseconds"): Spec(check_non_negative, ITEMS),
    tag(CONVERSATIONS, "image"): Spec(check_full_uri, ITEMS),
    tag(CONVERSATIONS, "ratingAverage"): Spec(check_float, ITEMS),
    tag(CONVERSATIONS, "ratingCount"): Spec(check_non_negative, ITEMS),
    tag(CONVERSATIONS, "ratingIndividual"): Spec(check_positive, ITEMS),
    tag(CONVERSATIONS, "ratingTimestamp"): Spec(check_iso8601, ITEMS),
    # channel
    tag(ADMIN, "generatorAgent"): Spec(check_resource, CHANNELS, attributes=RDF_RESOURCE_TITLE),
    tag(ADMIN, "errorReportsTo"): Spec(check_resource, CHANNELS, attributes=RDF_RESOURCE_TITLE),
    **{
        tag(BLOGCHANNEL, name): Spec(check_full_uri, CHANNELS)
        for name in words("blogRoll mySubscriptions blink changes")
    },
    tag(SY, "updatePeriod"): Spec(check_update_period, CHANNELS),
    tag(SY, "updateFrequency"): Spec(check_non_blank_positive, CHANNELS),
    tag(SY, "updateBase"): Spec(check_w3cdtf, CHANNELS),
    tag(CHANGED, "server"): Spec(check_resource, CHANNELS, ANY_HOST, RDF_RESOURCE_TITLE),
    tag(WIKI, "interwiki"): Spec(no_check, CHANNELS, ANY_HOST),
    tag(CF, "listinfo"): Spec(no_check, CHANNELS, ANY_HOST, None, "any"),
    tag(CF, "treatAs"): Spec(no_check, CHANNELS, ANY_HOST),
    tag(FEEDBURNER, "browserFriendly"): Spec(check_plain_text, CHANNELS),
    tag(FEEDBURNER, "emailServiceId"): Spec(no_check, CHANNELS),
    tag(FEEDBURNER, "feedFlare"): Spec(check_flare, CHANNELS, ANY_HOST, frozenset({"href", "src"})),
    tag(FEEDBURNER, "info"): Spec(check_feedburner_info, CHANNELS, ANY_HOST, frozenset({"uri"})),
    tag(FEEDBURNER, "feedburnerHostname"): Spec(check_full_uri, CHANNELS),
    tag(XHTML, "div"): Spec(no_check, CHANNELS, ANY_HOST, None, "any"),
    tag(XHTML, "meta"): Spec(no_check, CHANNELS, ANY_HOST, frozenset({"name", "content"})),
    tag(SX, "sharing"): Spec(no_check, CHANNELS, attributes=None, content="elements"),
    tag(HISTORY, "archive"): Spec(no_check, CHANNELS, ANY_HOST, None),
    tag(HISTORY, "complete"): Spec(no_check, CHANNELS, ANY_HOST, None),
    # the rss root (and Atom's feed)
    tag(ACCESS, "restriction"): Spec(
        check_access_restriction, frozenset({"rss", "feed"}), attributes=frozenset({"relationship"})
    ),
    **{
        tag(ATOM, name): Spec(
            _atom_check(name),
            hosts,
            repeats,
            None,  # the Atom rules judge their attributes
            "text" if name in ("id", "updated", "published", "icon", "logo", "generator") else "any",
        )
        for name, (hosts, repeats) in ATOM_IN_RSS.items()
    },
}

# Elements the specs define that the W3C validator does not know: accepted by default,
# undefined under `--profile w3c`. Modules add theirs (iTunes, Media RSS).
NEWER_THAN_W3C: set[str] = {tag(DCTERMS, name) for name in DCTERMS_LIKE_ELEMENTS}
SPECS.update({clark: Spec(no_check, repeats_in=ANY_HOST) for clark in NEWER_THAN_W3C})

# The elements defined "everywhere" (Dublin Core, geo, GeoRSS...) and Atom's are only
# questionable where a host does not define them: readers may still understand them.
QUESTIONABLE = frozenset(
    clark for clark, spec in SPECS.items() if spec.hosts == EVERYWHERE or split(clark)[0] == ATOM
)

# Modules (iTunes, Media RSS) register the children they check themselves here.
EXTERNAL_SPECS: dict[str, Spec] = {}


def spec_of(clark: str) -> Spec | None:
    return SPECS.get(clark) or EXTERNAL_SPECS.get(clark)


def is_known_namespace(namespace: str) -> bool:
    """True for the namespaces feedtool knows (one by one, or as a whole)."""
    return known_namespace(namespace) is not None


def w3c_profile(ctx: Context) -> bool:
    """Whether the user asked for the W3C validator's judgement exactly (`--profile w3c`)."""
    return ctx.profile == "w3c"


def check_extension_children(host: Element, ctx: Context) -> None:
    """Check the namespaced children of a host element."""
    counts: dict[str, int] = {}  # (a Counter costs more to make than this whole loop)
    kind = host_kind(host)
    for child in host:
        if not isinstance(child.tag, str):
            continue
        namespace = split(child.tag)[0]
        if namespace in ("", RSS1, RSS11) or (namespace == ATOM and ctx.format == "atom"):
            continue
        clark = canonical_tag(child.tag)
        spec = spec_of(clark)
        if spec is None or (clark in NEWER_THAN_W3C and w3c_profile(ctx)):
            _check_unknown(child, clark, ctx)
            continue
        if kind not in spec.hosts:
            _check_misplaced(child, clark, ctx)
            continue
        counts[clark] = counts.get(clark, 0) + 1
        if counts[clark] == 2 and kind not in spec.repeats_in:
            ctx.report("DuplicateElement", child, parent=name_of(host))
        check_extension_attributes(child, spec.attributes, ctx)
        value = text_of(child)
        spec.check(child, ctx, value)
        if spec.content == "text" and values.looks_double_encoded(value):
            ctx.report_bad_characters(child)
        _check_content(child, spec.content, ctx)


def _check_unknown(child: Element, clark: str, ctx: Context) -> None:
    namespace = split(clark)[0]
    if namespace == XHTML:
        ctx.report("MisplacedXHTMLContent", child)
    elif known_namespace(namespace) is not None and namespace not in TOLERATED:
        ctx.report("UndefinedElement", child)
    elif ctx.format == "rss":
        _check_namespaced_descendants(child, ctx)
    elif ctx.format == "rss1":
        _check_rdf_payload(child, ctx)


def _check_misplaced(child: Element, clark: str, ctx: Context) -> None:
    if split(clark)[0] == XHTML:
        ctx.report("MisplacedXHTMLContent", child)
    elif clark in QUESTIONABLE:
        ctx.report("QuestionableUsage", child)
    else:
        ctx.report("UndefinedElement", child)


# Attributes every element may carry.
_XML_ATTRIBUTES = frozenset(tag(XML, name) for name in ("base", "id", "lang", "space"))
# What an RSS 1.0 property element may say about its value.
_RDF_PROPERTY_ATTRIBUTES = frozenset(tag(RDF, name) for name in ("parseType", "datatype", "resource"))


def check_extension_attributes(element: Element, expected: frozenset[str] | None, ctx: Context) -> None:
    """Attributes an extension element does not take; those of unknown namespaces are the
    extension's own business."""
    if expected is None or not element.attrib:
        return
    for clark in element.attrib:
        if clark in expected or clark in _XML_ATTRIBUTES:
            continue
        namespace = split(clark)[0]
        if namespace and known_namespace(namespace) is None:
            continue
        if ctx.format == "rss1" and clark in _RDF_PROPERTY_ATTRIBUTES:
            continue
        ctx.report("UnexpectedAttribute", element, attribute=attribute_name(element, clark))


def _check_content(element: Element, content: Content, ctx: Context) -> None:
    if ctx.format == "rss1":
        _check_rdf_payload(element, ctx)
    elif content == "elements":
        stray = [element.text] + [child.tail for child in element]
        if any(text and text.strip() for text in stray):
            ctx.report("UnexpectedText", element)
    elif len(element) == 0:
        return
    elif content == "text":
        for child in element:
            if isinstance(child.tag, str):
                ctx.report("UndefinedElement", child)
                return
    elif ctx.format == "rss":
        _check_namespaced_descendants(element, ctx)


def _check_namespaced_descendants(element: Element, ctx: Context) -> None:
    """RSS 2.0 allows new elements only in namespaces, also inside extension elements."""
    for descendant in element.iterdescendants():
        if isinstance(descendant.tag, str) and not split(descendant.tag)[0]:
            ctx.report("NotInANamespace", descendant)
            return


# The element names the RDF/XML syntax defines (rdf:_1, rdf:_2 … are allowed too).
RDF_NODE_NAMES = frozenset(
    words("Description Seq Bag Alt li type value first rest nil List Statement subject predicate object")
)


def _check_rdf_payload(element: Element, ctx: Context, property_element: bool = True) -> bool:
    """RSS 1.x extension content is RDF/XML: property and node elements alternate (only a
    property may point with rdf:resource), no mixed content, no RSS elements inside.
    Returns False once it has reported, so a broken payload is reported once."""
    namespace, local = split(element.tag)
    if namespace in (RSS1, RSS11):
        ctx.report("UndefinedElement", element)
        return False
    if namespace == RDF and local not in RDF_NODE_NAMES and not local.startswith("_"):
        ctx.report("InvalidRDF", element, detail=f"rdf:{local} is not an RDF term")
        return False
    if not property_element and element.get(RESOURCE) is not None:
        ctx.report("InvalidRDF", element, detail=f"{name_of(element)} is a node, not a property")
        return False
    children = [child for child in element if isinstance(child.tag, str)]
    if element.get(tag(RDF, "parseType")) in ("Literal", "Collection"):
        return True
    if children and (element.text or "").strip():
        ctx.report("InvalidRDF", element, detail=f"mixed content in {name_of(element)}")
        return False
    return all(_check_rdf_payload(child, ctx, not property_element) for child in children)


# RSS 2.0 elements that hold other elements but define no extensions ("other" hosts).
RSS2_CONTAINERS = frozenset(tag("", name) for name in ("cloud", "enclosure", "skipHours", "skipDays"))
HOSTS = (
    tag("", "rss"),
    tag("", "channel"),
    tag("", "item"),
    tag("", "image"),
    tag("", "textInput"),
    *RSS2_CONTAINERS,
    tag(RSS1, "channel"),
    tag(RSS1, "item"),
    tag(RSS1, "image"),
    tag(RSS1, "textinput"),
    tag(RSS11, "Channel"),
    tag(RSS11, "item"),
    tag(ATOM, "feed"),
    tag(ATOM, "entry"),
)


@rule(*HOSTS)
def check_host(host: Element, ctx: Context) -> None:
    parent = host.getparent()
    if parent is None and host.tag not in (tag(ATOM, "feed"), tag("", "rss")):
        return
    if host.tag in RSS2_CONTAINERS and ctx.format != "rss":
        return
    check_extension_children(host, ctx)
    _, local = split(host.tag)
    if local == "item" and ctx.format == "rss":
        _check_item_descriptions(host, ctx)
    if local == "channel" and ctx.format == "rss":
        line = ctx.state.get(__name__ + ".slash")
        if line is not None and host.find("lastBuildDate") is None:
            ctx.report("SlashDate", line, element="slash:comments", parent="item")


# Elements that carry an item's full content besides description and content:encoded.
_CONTENT_TWINS = (tag(ATOM, "content"), tag(XHTML, "body"))


def _check_item_descriptions(item: Element, ctx: Context) -> None:
    for twin_tag in _CONTENT_TWINS:
        twin = item.find(twin_tag)
        if twin is not None and (item.find("description") is not None or
                                 item.find(tag(CONTENT, "encoded")) is not None or
                                 twin_tag == tag(XHTML, "body")):  # fmt: skip
            ctx.report("DuplicateDescriptionSemantics", twin)


@rule(tag(ATOM, "link"))
def check_thread_link_attributes(link: Element, ctx: Context) -> None:
    """The threading extension's attributes on atom:link (rel="replies")."""
    count = link.get(tag(THR, "count"))
    if count is not None and values.check_non_negative_integer(count):
        ctx.report("InvalidNonNegativeInteger", link, attribute="thr:count", value=count)
    updated = link.get(tag(THR, "updated"))
    if updated is not None and values.check_rfc3339_date(updated) == "InvalidRFC3339Date":
        ctx.report("InvalidRFC3339Date", link, attribute="thr:updated", value=updated)
    if link.get(tag(THR, "when")) is not None:
        ctx.report("NoThrWhen", link, attribute="thr:when")
