"""Namespace extensions inside RSS 2.0, RSS 1.0 and Atom: Dublin Core, syndication, slash,
content, admin, blogChannel, Creative Commons, geo, trackback, event, atom-in-RSS, thr,
feedburner and the other modules feeds use (iTunes and Media RSS have their own modules).

One rule per host element (channel, item, feed, entry, image, textInput) looks at the host's
namespaced children: values, repeats, elements a known namespace does not define, and
namespaces nobody knows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from feedtool.validate import rss_codes, values
from feedtool.validate.engine import Context, Element, name_of, rule
from feedtool.validate.html import check_xhtml
from feedtool.validate.namespaces import (
    ATOM,
    CONTENT,
    DC,
    DCTERMS,
    FEEDBURNER,
    ITUNES,
    MEDIA,
    RDF,
    RSS1,
    RSS11,
    SLASH,
    THR,
    XHTML,
    XML,
    split,
    tag,
)
from feedtool.validate.rules.rss import (
    ValueCheck,
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
OLD_WIKI = "http://www.usemod.com/cgi-bin/mb.pl?ModWiki"
FOAF = "http://xmlns.com/foaf/0.1/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ANNOTATE = "http://purl.org/rss/1.0/modules/annotate/"
LINK_MODULE = "http://purl.org/rss/1.0/modules/link/"
AGGREGATION = "http://purl.org/rss/modules/aggregation/"
CHANGED = "http://my.theinfo.org/changed/1.0/rss/"
OLD_THREADING = "http://purl.org/rss/1.0/modules/threading/"
WFW = "http://wellformedweb.org/CommentAPI/"
HISTORY = "http://purl.org/syndication/history/1.0"
GEORSS = "http://www.georss.org/georss"
GML = "http://www.opengis.net/gml"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
APP = "http://www.w3.org/2007/app"
ACCESS = "http://www.bloglines.com/about/specs/fac-1.0"
CF = "http://www.microsoft.com/schemas/rss/core/2005"
CONVERSATIONS = "http://conversationsnetwork.org/rssNamespace-1.0/"

# Namespaces feeds use whose elements we accept without checking them one by one (iTunes
# and Media RSS are checked by their own modules, through EXTERNAL_SPECS).
TOLERATED = frozenset(
    {FOAF, RDFS, ANNOTATE, LINK_MODULE, AGGREGATION, CHANGED, OLD_THREADING, HISTORY, GML,
     OPENSEARCH, APP, CF, TAXO, WIKI, RDF, XHTML, ATOM, XML, ITUNES, MEDIA,
     "http://www.itunes.com/DTDs/Podcast-1.0.dtd",
     "http://www.rssboard.org/media-rss",
     "http://feedsync.org/2007/feedsync",
     "http://openid.net/xmlns/1.0",
     "xri://$xrds",
     "xri://$xrd*($v*2.0)",
     "http://purl.org/dc/dcmitype/",
     "http://purl.org/rss/1.0/modules/image/",
     "http://purl.org/rss/1.0/modules/search/",
     "http://purl.org/rss/1.0/modules/email/",
     "http://purl.org/rss/1.0/modules/reference/",
     "http://purl.org/rss/1.0/modules/richequiv/",
     "http://purl.org/rss/1.0/modules/servicestatus/",
     "http://purl.org/rss/1.0/modules/streaming/",
     "http://purl.org/rss/1.0/modules/subscription/",
     "http://purl.org/rss/1.0/modules/audio/",
     "http://purl.org/atom/ns#",
     "http://www.microsoft.com/schemas/rss/sse",
     "http://base.google.com/ns/1.0"}
)  # fmt: skip

# The prefix nearly every feed uses for a namespace; another namespace on the same prefix
# confuses tools that read prefixes.
USUAL_PREFIXES = {
    "dc": DC, "dcterms": DCTERMS, "sy": SY, "admin": ADMIN, "content": CONTENT,
    "slash": SLASH, "rdf": RDF, "atom": ATOM, "itunes": ITUNES,
    "media": MEDIA, "geo": GEO, "foaf": FOAF, "trackback": TRACKBACK,
    "wfw": WFW, "feedburner": FEEDBURNER, "georss": GEORSS, "xhtml": XHTML,
    "cc": CC, "taxo": TAXO, "ev": EVENT, "rdfs": RDFS,
    "ag": "http://purl.org/rss/1.0/modules/aggregation/",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Spec:
    """How to check an extension element: its value check, whether it may repeat, and the
    hosts it belongs in ("channel" also stands for Atom's feed, "item" for entry; empty:
    anywhere)."""

    check: ValueCheck
    repeatable: bool = False
    hosts: frozenset[str] = frozenset()


HOST_KINDS = {"feed": "channel", "entry": "item", "Channel": "channel"}


def host_kind(host: Element) -> str:
    local = split(host.tag)[1]
    return HOST_KINDS.get(local, local)


check_w3cdtf = value_check(values.check_w3cdtf_date)
check_iso8601 = value_check(values.check_iso8601_date)
check_rfc3339 = value_check(values.check_rfc3339_date)


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


def check_update_frequency(element: Element, ctx: Context, value: str) -> None:
    if not value:
        ctx.report("NotBlank", element)
    check_positive(element, ctx, value)


def check_resource(element: Element, ctx: Context, value: str) -> None:
    """An element that points somewhere with rdf:resource (admin, cc, trackback in RSS 1.0)."""
    resource = element.get(tag(RDF, "resource"))
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
        return
    for attribute in element.attrib:
        ctx.report("UnexpectedAttribute", element, attribute=attribute)
    check_full_uri(element, ctx, value)


def check_slash_comments(element: Element, ctx: Context, value: str) -> None:
    check_non_negative(element, ctx, value)
    ctx.state.setdefault(__name__ + ".slash", element.sourceline)


def check_atom_link(element: Element, ctx: Context, value: str) -> None:
    if value:
        ctx.report("AtomLinkNotEmpty", element)
    href = element.get("href")
    if href is None:
        ctx.report("MissingAttribute", element, attribute="href")
        return
    code = values.check_iri(href)
    if code:
        ctx.report(code, element, value=href)


def check_xhtml_body(element: Element, ctx: Context, value: str) -> None:
    for finding in check_xhtml(element):
        if finding.code != "UnknownNamespace":
            ctx.report(finding.code, element, detail=finding.detail, value=finding.detail)  # fmt: skip


def check_thr_in_reply_to(element: Element, ctx: Context, value: str) -> None:
    media_type = element.get("type")
    if media_type is not None and values.check_mime_type(media_type):
        ctx.report("InvalidMIMEType", element, attribute="type", value=media_type)  # fmt: skip
    ref = element.get("ref")
    if ref is None:
        ctx.report("MissingAttribute", element, attribute="ref")
    else:
        code = values.check_iri(ref, full=True)
        if code:
            ctx.report(code, element, value=ref)
    href = element.get("href")
    if href is not None:
        code = values.check_iri(href)
        if code:
            ctx.report(code, element, value=href)


def check_flare(element: Element, ctx: Context, value: str) -> None:
    check_plain_text(element, ctx, value)
    for attribute in ("href", "src"):
        reference = element.get(attribute)
        if reference is not None and ctx.format == "rss" and values.is_relative_ref(reference):
            ctx.report("ContainsRelRef", element, attribute=attribute, value=reference)  # fmt: skip


def check_access_restriction(element: Element, ctx: Context, value: str) -> None:
    relationship = element.get("relationship")
    if relationship is None:
        ctx.report("MissingAttribute", element, attribute="relationship")
    if relationship not in ("allow", "deny"):
        ctx.report("InvalidAccessRestrictionRel", element, value=relationship or "")  # fmt: skip


def check_comment_rss_case(element: Element, ctx: Context, value: str) -> None:
    ctx.report("CommentRSS", element)


def _numbers(value: str) -> list[float] | None:
    try:
        return [float(word) for word in value.split()]
    except ValueError:
        return None


def _coordinates_ok(numbers: list[float]) -> bool:
    pairs = zip(numbers[0::2], numbers[1::2], strict=True)
    return all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon in pairs)


def check_georss_point(element: Element, ctx: Context, value: str) -> None:
    numbers = _numbers(value)
    if numbers is None or len(numbers) != 2 or not _coordinates_ok(numbers):
        ctx.report("InvalidCoord", element, value=value)


def _coordinate_list(minimum_pairs: int, closed: bool) -> ValueCheck:
    def check(element: Element, ctx: Context, value: str) -> None:
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

    return check


def check_signed_number(element: Element, ctx: Context, value: str) -> None:
    if _numbers(value) is None or len(value.split()) != 1:
        ctx.report("InvalidFloat", element, value=value)


def check_feedburner_info(element: Element, ctx: Context, value: str) -> None:
    if element.get("uri") is None:
        ctx.report("MissingAttribute", element, attribute="uri")


DC_DATES = words("date created issued modified dateAccepted dateCopyrighted dateSubmitted")
DC_TERMS = words(
    "abstract accessRights accrualMethod accrualPeriodicity accrualPolicy alternative audience "
    "available bibliographicCitation conformsTo contributor coverage creator description "
    "educationLevel extent format hasFormat hasPart hasVersion identifier instructionalMethod "
    "isFormatOf isPartOf isReferencedBy isReplacedBy isRequiredBy isVersionOf language license "
    "mediator medium provenance publisher references relation replaces requires rights "
    "rightsHolder source spatial subject tableOfContents temporal title type valid"
)
DC_ELEMENTS = words(
    "title creator subject description publisher contributor type format identifier source "
    "language relation coverage rights"
)

SPECS: dict[str, Spec] = {
    **{tag(DC, name): Spec(no_check, repeatable=True) for name in DC_ELEMENTS},
    tag(DC, "date"): Spec(check_w3cdtf),
    tag(DC, "language"): Spec(check_language, repeatable=True),
    **{tag(DCTERMS, name): Spec(no_check, repeatable=True) for name in DC_TERMS},
    **{tag(DCTERMS, name): Spec(check_w3cdtf) for name in DC_DATES},
    tag(SY, "updatePeriod"): Spec(check_update_period),
    tag(SY, "updateFrequency"): Spec(check_update_frequency),
    tag(SY, "updateBase"): Spec(check_w3cdtf),
    tag(ADMIN, "generatorAgent"): Spec(check_resource),
    tag(ADMIN, "errorReportsTo"): Spec(check_resource),
    tag(BLOGCHANNEL, "blogRoll"): Spec(check_full_uri),
    tag(BLOGCHANNEL, "mySubscriptions"): Spec(check_full_uri),
    tag(BLOGCHANNEL, "blink"): Spec(check_full_uri),
    tag(BLOGCHANNEL, "changes"): Spec(check_full_uri),
    tag(CREATIVE_COMMONS, "license"): Spec(check_full_uri, repeatable=True),
    tag(CC, "license"): Spec(check_resource, repeatable=True),
    tag(GEO, "lat"): Spec(check_latitude),
    tag(GEO, "long"): Spec(check_longitude),
    tag(GEO, "alt"): Spec(no_check),
    tag(GEO, "Point"): Spec(no_check, repeatable=True),
    tag(GEOURL, "latitude"): Spec(check_latitude),
    tag(GEOURL, "longitude"): Spec(check_longitude),
    tag(ICBM, "latitude"): Spec(check_latitude),
    tag(ICBM, "longitude"): Spec(check_longitude),
    tag(SLASH, "section"): Spec(check_plain_text),
    tag(SLASH, "department"): Spec(check_plain_text),
    tag(SLASH, "comments"): Spec(check_slash_comments),
    tag(SLASH, "hit_parade"): Spec(check_comma_integers),
    tag(CONTENT, "encoded"): Spec(check_html),
    tag(CONTENT, "items"): Spec(no_check),
    tag(TRACKBACK, "ping"): Spec(check_trackback_ping, repeatable=True),
    tag(TRACKBACK, "about"): Spec(check_resource, repeatable=True),
    tag(EVENT, "startdate"): Spec(check_iso8601),
    tag(EVENT, "enddate"): Spec(check_iso8601),
    tag(EVENT, "location"): Spec(no_check),
    tag(EVENT, "organizer"): Spec(no_check),
    tag(EVENT, "type"): Spec(no_check),
    tag(ATOM, "link"): Spec(check_atom_link, repeatable=True),
    tag(ATOM, "id"): Spec(no_check),
    tag(ATOM, "updated"): Spec(check_rfc3339),
    tag(ATOM, "published"): Spec(check_rfc3339),
    tag(ATOM, "summary"): Spec(no_check),
    tag(ATOM, "content"): Spec(no_check),
    tag(ATOM, "author"): Spec(no_check, repeatable=True),
    tag(ATOM, "contributor"): Spec(no_check, repeatable=True),
    tag(ATOM, "category"): Spec(no_check, repeatable=True),
    tag(ATOM, "title"): Spec(no_check),
    tag(ATOM, "rights"): Spec(no_check),
    tag(ATOM, "icon"): Spec(no_check),
    tag(ATOM, "logo"): Spec(no_check),
    tag(ATOM, "subtitle"): Spec(no_check),
    tag(ATOM, "source"): Spec(no_check),
    tag(XHTML, "body"): Spec(check_xhtml_body),
    tag(THR, "in-reply-to"): Spec(check_thr_in_reply_to, repeatable=True),
    tag(THR, "total"): Spec(check_non_negative),
    tag(FEEDBURNER, "origLink"): Spec(check_full_uri),
    tag(FEEDBURNER, "origEnclosureLink"): Spec(check_full_uri),
    tag(FEEDBURNER, "info"): Spec(check_feedburner_info),
    tag(FEEDBURNER, "browserFriendly"): Spec(check_plain_text),
    tag(FEEDBURNER, "feedFlare"): Spec(check_flare, repeatable=True),
    tag(GEORSS, "point"): Spec(check_georss_point),
    tag(GEORSS, "line"): Spec(_coordinate_list(2, closed=False)),
    tag(GEORSS, "polygon"): Spec(_coordinate_list(4, closed=True)),
    tag(GEORSS, "box"): Spec(_coordinate_list(2, closed=False)),
    tag(GEORSS, "elev"): Spec(check_signed_number),
    tag(GEORSS, "radius"): Spec(check_signed_number),
    tag(GEORSS, "floor"): Spec(value_check(values.check_integer)),
    **{
        tag(GEORSS, name): Spec(check_plain_text)
        for name in ("featureTypeTag", "relationshipTag", "featureName")
    },
    tag(GEORSS, "where"): Spec(no_check),
    tag(ACCESS, "restriction"): Spec(check_access_restriction, hosts=frozenset({"rss"})),
    tag(CONVERSATIONS, "ratingAverage"): Spec(value_check(values.check_float)),
    tag(CONVERSATIONS, "ratingCount"): Spec(check_non_negative),
    tag(CONVERSATIONS, "ratingIndividual"): Spec(check_positive),
    tag(CONVERSATIONS, "ratingTimestamp"): Spec(no_check),
    tag(WFW, "comment"): Spec(check_full_uri),
    tag(WFW, "commentRss"): Spec(check_full_uri),
    tag(WFW, "commentRSS"): Spec(check_comment_rss_case),
    tag(FEEDBURNER, "awareness"): Spec(check_full_uri),
    tag(FEEDBURNER, "emailServiceId"): Spec(no_check),
    tag(FEEDBURNER, "feedburnerHostname"): Spec(check_full_uri),
}

# Namespaces whose every element we know: anything else in them is undefined.
CHECKED_NAMESPACES = frozenset(split(t)[0] for t in SPECS) - {ATOM, XHTML, DCTERMS, CONVERSATIONS}

# Modules (iTunes, Media RSS) register the children they check themselves here.
EXTERNAL_SPECS: dict[str, Spec] = {}


def is_known_namespace(namespace: str) -> bool:
    """True for the namespaces these rules know (checked one by one, or tolerated)."""
    return namespace in CHECKED_NAMESPACES or namespace in TOLERATED


def spec_of(clark: str) -> Spec | None:
    return SPECS.get(clark) or EXTERNAL_SPECS.get(clark)


def check_extension_children(host: Element, ctx: Context) -> None:
    """Check the namespaced children of a channel, item, feed or entry."""
    counts: Counter[str] = Counter()
    kind = host_kind(host)
    for child in host:
        if not isinstance(child.tag, str):
            continue
        namespace = split(child.tag)[0]
        if namespace in ("", RSS1, RSS11) or (namespace == ATOM and ctx.format == "atom"):
            continue
        reserved = _check_prefix(child, ctx)
        spec = spec_of(child.tag)
        if spec is None:
            if not reserved:
                _check_unknown(child, ctx, namespace)
            continue
        if spec.hosts and kind not in spec.hosts:
            ctx.report("UndefinedElement", child, element=name_of(child), parent=name_of(host))
            continue
        counts[child.tag] += 1
        if counts[child.tag] > 1 and not spec.repeatable:
            ctx.report("DuplicateElement", child, element=name_of(child), parent=name_of(host))
            continue
        spec.check(child, ctx, text_of(child))
        if ctx.format == "rss1":
            _check_rdf_payload(child, ctx)


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
    if not property_element and element.get(tag(RDF, "resource")) is not None:
        ctx.report("InvalidRDF", element, detail=f"{name_of(element)} is a node, not a property")
        return False
    if namespace and not is_known_namespace(namespace) and namespace not in (RSS1, RSS11):
        _once(ctx, "UnknownNamespace", element, value=namespace, detail=namespace)
    children = [child for child in element if isinstance(child.tag, str)]
    if element.get(tag(RDF, "parseType")) in ("Literal", "Collection"):
        return True
    if children and (element.text or "").strip():
        ctx.report("InvalidRDF", element, detail=f"mixed content in {name_of(element)}")
        return False
    return all(_check_rdf_payload(child, ctx, not property_element) for child in children)


# Misspellings of the Media RSS namespace that feeds really use; readers then see no media.
WRONG_MEDIA_NAMESPACES = frozenset({"http://search.yahoo.com/mrss", "http://tools.search.yahoo.com/mrss/"})


def _check_unknown(child: Element, ctx: Context, namespace: str) -> None:
    if namespace in WRONG_MEDIA_NAMESPACES:
        _once(ctx, "MediaRssNamespace", child, value=namespace)
    elif namespace == OLD_WIKI:
        _once(ctx, "ObsoleteWikiNamespace", child, value=namespace)
    elif namespace in CHECKED_NAMESPACES:
        ctx.report("UndefinedElement", child)
    elif namespace not in TOLERATED:
        _once(ctx, "UnknownNamespace", child, value=namespace, detail=namespace)


def _once(ctx: Context, code: str, element: Element, value: str, detail: str | None = None) -> None:
    seen: set[tuple[str, str]] = ctx.state.setdefault(__name__ + ".once", set())
    key = (code, value)
    if key not in seen:
        seen.add(key)
        ctx.report(code, element, value=value, detail=detail)


def _check_prefix(element: Element, ctx: Context) -> bool:
    """Report (once) a well-known prefix bound to another namespace; True when it is."""
    prefix = element.prefix
    namespace = split(element.tag)[0]
    usual = USUAL_PREFIXES.get(prefix or "")
    if usual is None or usual == namespace or namespace in WRONG_MEDIA_NAMESPACES:
        return False
    _once(ctx, "ReservedPrefix", element, value=prefix or "")
    return True


HOSTS = (
    tag("", "rss"),
    tag("", "channel"),
    tag("", "item"),
    tag("", "image"),
    tag("", "textInput"),
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
    check_extension_children(host, ctx)
    if parent is None:
        for prefix, namespace in host.nsmap.items():
            if namespace in WRONG_MEDIA_NAMESPACES:
                _once(ctx, "MediaRssNamespace", host, value=namespace, detail=prefix or "")
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
        ctx.report("InvalidNonNegativeInteger", link, attribute="thr:count", value=count)  # fmt: skip
    updated = link.get(tag(THR, "updated"))
    if updated is not None and values.check_rfc3339_date(updated) == "InvalidRFC3339Date":
        ctx.report("InvalidRFC3339Date", link, attribute="thr:updated", value=updated)  # fmt: skip
    if link.get(tag(THR, "when")) is not None:
        ctx.report("NoThrWhen", link, attribute="thr:when")
