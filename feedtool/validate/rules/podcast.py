"""Podcasting 2.0 (the `podcast:` namespace, https://podcastindex.org/namespace/1.0): where
each element belongs, how often, its required attributes and the syntax of every value.

The namespace's specification is a set of tag pages, one per element; TAGS below restates
each page's parent, count, attributes and node value. feedtool's own codes (the W3C
validator does not know the namespace), so `--profile w3c` does not report them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from feedtool.validate import profiles, values
from feedtool.validate.codes import define
from feedtool.validate.engine import Context, Element, name_of, rule
from feedtool.validate.examples import EXAMPLES, PREFIXES, Example, podcast
from feedtool.validate.namespaces import split, tag

PODCAST = "https://podcastindex.org/namespace/1.0"
NAMESPACES = tuple(sorted(profiles.PODCAST_NAMESPACES))

# A value check: None when the value is right, else (code, what the value must be).
Check = Callable[[str], tuple[str, str] | None]


def _check(code: str, expected: str, ok: Callable[[str], bool]) -> Check:
    def check(value: str) -> tuple[str, str] | None:
        return None if ok(value) else (code, expected)

    return check


def _is_web_url(value: str) -> bool:
    parts = values.split_url(value)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return not values.check_uri(value, full=True)


_UUID5 = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-5[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}\Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\Z")
_INTEGER = re.compile(r"\d+\Z")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?\Z|\.\d+\Z")
_ISO8601 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:Z|[+-](\d\d):?(\d\d))?)?\Z"
)
_GEO = re.compile(r"geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:,-?\d+(?:\.\d+)?)?(?:;[^;\s]+)*\Z", re.I)
_OSM = re.compile(r"[NWR]\d+(?:#\d+)?\Z")
_ASPECT_RATIO = re.compile(r"\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)?\Z")
_SRI = re.compile(r"(?:sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}(?:\?\S*)?\Z")
_BASE64 = re.compile(r"[A-Za-z0-9+/\s]+={0,2}\s*\Z")
_SRCSET_ENTRY = re.compile(r"(\S+)(?:\s+(?:\d+w|\d+(?:\.\d+)?x))?\Z")
_RRULE_PARTS = frozenset(
    values.words(
        "FREQ UNTIL COUNT INTERVAL BYSECOND BYMINUTE BYHOUR BYDAY BYMONTHDAY BYYEARDAY BYWEEKNO "
        "BYMONTH BYSETPOS WKST"
    )
)
_FREQUENCIES = frozenset(values.words("SECONDLY MINUTELY HOURLY DAILY WEEKLY MONTHLY YEARLY"))
MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course")
# Each medium has a list variant ("podcastL"), and "mixed" lists several mediums.
ALL_MEDIUMS = frozenset({*MEDIUMS, *(m + "L" for m in MEDIUMS), "mixed"})


def _iso8601(value: str) -> bool:
    match = _ISO8601.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second, zone_hour, zone_minute = match.groups()
    try:
        datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return False
    return int(zone_hour or 0) < 24 and int(zone_minute or 0) < 60


def _geo(value: str) -> bool:
    match = _GEO.match(value)
    return bool(match) and abs(float(match[1])) <= 90 and abs(float(match[2])) <= 180  # type: ignore[index]


def _srcset(value: str) -> bool:
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    return bool(entries) and all(
        (match := _SRCSET_ENTRY.match(entry)) is not None and _is_web_url(match[1]) for entry in entries
    )


def _rrule(value: str) -> bool:
    parts = dict(part.partition("=")[::2] for part in value.upper().split(";") if part)
    return parts.get("FREQ") in _FREQUENCIES and parts.keys() <= _RRULE_PARTS


def _integrity(value: str) -> bool:
    return all(_SRI.match(token) for token in value.split()) or bool(_BASE64.match(value))


URL = _check("InvalidPodcastUrl", "an absolute http(s) URL", _is_web_url)
URI = _check("InvalidPodcastUrl", "an absolute URI", lambda v: values.is_absolute_uri(v))
MEDIA_TYPE = _check(
    "InvalidPodcastMediaType", "a media type such as audio/mpeg", lambda v: not values.check_mime_type(v)
)
LANGUAGE = _check(
    "InvalidPodcastLanguage", "a language code such as en or pt-BR", lambda v: not values.check_language(v)
)
INTEGER = _check("InvalidPodcastNumber", "a whole number", lambda v: bool(_INTEGER.match(v)))
DECIMAL = _check(
    "InvalidPodcastNumber", "a decimal number such as 12 or 73.5", lambda v: bool(_DECIMAL.match(v))
)
SIGNED_DECIMAL = _check(
    "InvalidPodcastNumber", "a number", lambda v: bool(_DECIMAL.match(v.removeprefix("-")))
)
RFC2822 = _check(
    "InvalidPodcastDate",
    "an RFC 2822 date such as Thu, 01 Apr 2021 08:00:00 GMT",
    lambda v: values.parse_rfc822_date(v) is not None,
)
ISO8601 = _check("InvalidPodcastDate", "an ISO 8601 date or date-time such as 2024-05-01T12:00:00Z", _iso8601)
BOOLEAN = _check("InvalidPodcastChoice", "true or false", lambda v: v.lower() in ("true", "false"))
YES_NO = _check("InvalidPodcastChoice", "yes or no", lambda v: v.lower() in ("yes", "no"))
GUID = _check(
    "InvalidPodcastGuid",
    "a version 5 UUID (36 characters: 8-4-4-4-12 hex digits, the third group starting with 5)",
    lambda v: bool(_UUID5.match(v)),
)
FEED_GUID = _check(
    "InvalidPodcastGuid", "the remote feed's podcast:guid, a UUID", lambda v: bool(_UUID.match(v))
)
EMAIL = _check("InvalidPodcastValue", "an e-mail address", lambda v: not values.check_addr_spec(v))
GEO = _check("InvalidPodcastValue", "a geo URI such as geo:30.2672,97.7431", _geo)
OSM = _check(
    "InvalidPodcastValue",
    "an OpenStreetMap id such as R113314 (N, W or R, then digits)",
    lambda v: bool(_OSM.match(v)),
)
COUNTRY = _check(
    "InvalidPodcastValue", "a two-letter ISO 3166 country code", lambda v: not values.check_country_code(v)
)
ASPECT_RATIO = _check(
    "InvalidPodcastValue", "a ratio such as 1/1 or 16/9", lambda v: bool(_ASPECT_RATIO.match(v))
)
SRCSET = _check(
    "InvalidPodcastValue",
    "absolute image URLs, each with a width such as 1500w, separated by commas",
    _srcset,
)
RRULE = _check("InvalidPodcastValue", "an iCalendar recurrence rule such as FREQ=WEEKLY;BYDAY=MO", _rrule)
INTEGRITY = _check(
    "InvalidPodcastValue", "an SRI string such as sha384-… or a base64 PGP signature", _integrity
)


def _choice(*choices: str, fold: bool = False) -> Check:
    allowed = frozenset(c.lower() for c in choices) if fold else frozenset(choices)
    return _check(
        "InvalidPodcastChoice",
        "one of " + ", ".join(choices),
        lambda v: (v.lower() if fold else v) in allowed,
    )


MEDIUM = _check("InvalidPodcastChoice", "one of " + ", ".join(MEDIUMS) + " (or a list: podcastL, …, mixed)",
                lambda v: v in ALL_MEDIUMS)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Attribute:
    check: Check | None = None
    required: bool = False
    limit: int | None = None  # characters aggregators keep


@dataclass(frozen=True, slots=True)
class Tag:
    """One element of the namespace, as its specification page gives it."""

    parents: frozenset[str]  # "channel", "item" (also podcast:liveItem) or a podcast element
    single: bool = False  # "Count: Single"
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    text: Check | None = None  # the node value's syntax
    text_required: bool = False
    text_limit: int | None = None
    # Children it must have: (podcast element, at least, at most or None).
    children: tuple[tuple[str, int, int | None], ...] = ()


CHANNEL = frozenset({"channel"})
ITEM = frozenset({"item"})
BOTH = frozenset({"channel", "item"})
REQUIRED_URL = Attribute(URL, required=True)
OPTIONAL_URL = Attribute(URL)
REQUIRED_TYPE = Attribute(MEDIA_TYPE, required=True)

TAGS: dict[str, Tag] = {
    "alternateEnclosure": Tag(
        ITEM,
        attributes={
            "type": REQUIRED_TYPE,
            "length": Attribute(INTEGER),
            "bitrate": Attribute(DECIMAL),
            "height": Attribute(INTEGER),
            "lang": Attribute(LANGUAGE),
            "title": Attribute(limit=32),
            "rel": Attribute(limit=32),
            "default": Attribute(BOOLEAN),
        },
        children=(("source", 1, None), ("integrity", 0, 1)),
    ),
    "block": Tag(CHANNEL, text=YES_NO, text_required=True),
    "chapters": Tag(ITEM, single=True, attributes={"url": REQUIRED_URL, "type": REQUIRED_TYPE}),
    "chat": Tag(
        BOTH,
        single=True,
        attributes={"server": Attribute(required=True), "protocol": Attribute(required=True)},
    ),
    "contentLink": Tag(ITEM, attributes={"href": Attribute(URI, required=True)}),
    "episode": Tag(
        ITEM, single=True, text=DECIMAL, text_required=True, attributes={"display": Attribute(limit=32)}
    ),
    "funding": Tag(BOTH, attributes={"url": REQUIRED_URL}, text_limit=128),
    "guid": Tag(CHANNEL, single=True, text=GUID, text_required=True),
    "image": Tag(
        BOTH,
        attributes={
            "href": REQUIRED_URL,
            "aspect-ratio": Attribute(ASPECT_RATIO),
            "width": Attribute(INTEGER),
            "height": Attribute(INTEGER),
            "type": Attribute(MEDIA_TYPE),
            "purpose": Attribute(limit=128),
        },
    ),
    "images": Tag(BOTH, single=True, attributes={"srcset": Attribute(SRCSET, required=True)}),
    "integrity": Tag(
        frozenset({"alternateEnclosure"}),
        attributes={
            "type": Attribute(_choice("sri", "pgp-signature"), required=True),
            "value": Attribute(INTEGRITY, required=True),
        },
    ),
    "license": Tag(BOTH, single=True, attributes={"url": OPTIONAL_URL}, text_required=True, text_limit=128),
    "liveItem": Tag(
        CHANNEL,
        attributes={
            "status": Attribute(_choice("pending", "live", "ended"), required=True),
            "start": Attribute(ISO8601, required=True),
            "end": Attribute(ISO8601),
        },
        children=(("contentLink", 1, None),),
    ),
    "location": Tag(
        BOTH,
        attributes={
            "rel": Attribute(_choice("subject", "creator")),
            "geo": Attribute(GEO),
            "osm": Attribute(OSM),
            "country": Attribute(COUNTRY),
        },
        text_required=True,
        text_limit=128,
    ),
    "locked": Tag(
        CHANNEL, single=True, text=YES_NO, text_required=True, attributes={"owner": Attribute(EMAIL)}
    ),
    "medium": Tag(CHANNEL, single=True, text=MEDIUM, text_required=True),
    "person": Tag(
        BOTH,
        attributes={"img": OPTIONAL_URL, "href": OPTIONAL_URL, "role": Attribute(), "group": Attribute()},
        text_required=True,
        text_limit=128,
    ),
    "podping": Tag(CHANNEL, single=True, attributes={"usesPodping": Attribute(BOOLEAN)}),
    "podroll": Tag(CHANNEL, single=True, children=(("remoteItem", 1, None),)),
    "publisher": Tag(CHANNEL, single=True, children=(("remoteItem", 1, 1),)),
    "remoteItem": Tag(
        frozenset({"channel", "podroll", "valueTimeSplit", "publisher"}),
        attributes={
            "feedGuid": Attribute(FEED_GUID, required=True),
            "feedUrl": OPTIONAL_URL,
            "medium": Attribute(MEDIUM),
        },
    ),
    "season": Tag(
        ITEM, single=True, text=INTEGER, text_required=True, attributes={"name": Attribute(limit=128)}
    ),
    "socialInteract": Tag(
        BOTH,
        attributes={
            "protocol": Attribute(required=True),
            "uri": Attribute(URI),
            "accountUrl": OPTIONAL_URL,
            "priority": Attribute(INTEGER),
        },
    ),
    "soundbite": Tag(
        ITEM,
        attributes={
            "startTime": Attribute(DECIMAL, required=True),
            "duration": Attribute(DECIMAL, required=True),
        },
        text_limit=128,
    ),
    "source": Tag(
        frozenset({"alternateEnclosure"}),
        attributes={"uri": Attribute(URI, required=True), "contentType": Attribute(MEDIA_TYPE)},
    ),
    "trailer": Tag(
        CHANNEL,
        attributes={
            "url": REQUIRED_URL,
            "pubdate": Attribute(RFC2822, required=True),
            "length": Attribute(INTEGER),
            "type": Attribute(MEDIA_TYPE),
            "season": Attribute(INTEGER),
        },
        text_required=True,
        text_limit=128,
    ),
    "transcript": Tag(
        ITEM,
        attributes={"url": REQUIRED_URL, "type": REQUIRED_TYPE, "language": Attribute(LANGUAGE)},
    ),
    "txt": Tag(BOTH, attributes={"purpose": Attribute(limit=128)}, text_limit=4000),
    "updateFrequency": Tag(
        CHANNEL,
        single=True,
        attributes={"complete": Attribute(BOOLEAN), "dtstart": Attribute(ISO8601), "rrule": Attribute(RRULE)},
        text_limit=128,
    ),
    "value": Tag(
        BOTH,
        attributes={
            "type": Attribute(required=True),
            "method": Attribute(required=True),
            "suggested": Attribute(DECIMAL),
        },
        children=(("valueRecipient", 1, None),),
    ),
    "valueRecipient": Tag(
        frozenset({"value", "valueTimeSplit"}),
        attributes={
            "type": Attribute(required=True),
            "address": Attribute(required=True),
            "split": Attribute(INTEGER, required=True),
            "fee": Attribute(BOOLEAN),
        },
    ),
    "valueTimeSplit": Tag(
        frozenset({"value"}),
        attributes={
            "startTime": Attribute(DECIMAL, required=True),
            "duration": Attribute(DECIMAL, required=True),
            "remoteStartTime": Attribute(DECIMAL),
            "remotePercentage": Attribute(SIGNED_DECIMAL),
        },
    ),
}
# Every parent the namespace names, as the hosts a feed's elements stand for.
HOSTS = {"channel": "channel", "feed": "channel", "item": "item", "entry": "item", "liveItem": "item"}


def _host(element: Element) -> str | None:
    """What a parent counts as: channel, item (liveItem too) or a podcast element's name."""
    namespace, local = split(element.tag) if isinstance(element.tag, str) else ("", "")
    if namespace in NAMESPACES and local != "liveItem":
        return local
    return HOSTS.get(local) if namespace in ("", "http://www.w3.org/2005/Atom", *NAMESPACES) else None


def _podcast_children(element: Element) -> Counter[str]:
    found: Counter[str] = Counter()
    for child in element:
        if isinstance(child.tag, str):
            namespace, local = split(child.tag)
            if namespace in NAMESPACES:
                found[local] += 1
    return found


def _value_problem(ctx: Context, element: Element, check: Check, value: str, attribute: str | None) -> None:
    found = check(value)
    if found:
        code, expected = found
        what = f"its {attribute} attribute" if attribute else "its value"
        ctx.report(code, element, detail=what, value=value, expected=expected)


def _too_long(ctx: Context, element: Element, value: str, limit: int | None, attribute: str | None) -> None:
    if limit is not None and len(value) > limit:
        what = f"its {attribute} attribute" if attribute else "its value"
        ctx.report("PodcastTextTooLong", element, detail=what, length=str(len(value)), limit=str(limit))


@rule(*(f"{{{namespace}}}*" for namespace in NAMESPACES))
def check_podcast_element(element: Element, ctx: Context) -> None:
    ctx.state[__name__] = True
    local = split(element.tag)[1]
    spec = TAGS.get(local)
    if spec is None:
        ctx.report("UnknownPodcastElement", element)
        return
    parent = element.getparent()
    host = _host(parent) if parent is not None else None
    if host not in spec.parents:
        where = " or ".join("podcast:" + p if p in TAGS else p for p in sorted(spec.parents))
        ctx.report("MisplacedPodcastElement", element, expected=where)
    for name, attribute in spec.attributes.items():
        raw = element.get(name)
        if raw is None:
            if attribute.required:
                ctx.report("PodcastMissingAttribute", element, attribute=name)
            continue
        value = str(raw).strip()
        if attribute.check is not None:
            _value_problem(ctx, element, attribute.check, value, name)
        _too_long(ctx, element, value, attribute.limit, name)
    text = "".join(element.itertext()).strip() if spec.text or spec.text_required or spec.text_limit else ""
    if not text:
        if spec.text_required:
            ctx.report("PodcastEmptyElement", element)
    elif spec.text is not None:
        _value_problem(ctx, element, spec.text, text, None)
    _too_long(ctx, element, text, spec.text_limit, None)
    if spec.children or local in ("liveItem", "valueTimeSplit"):
        _check_children(element, ctx, spec)
    rrule = str(element.get("rrule") or "").upper()
    if local == "updateFrequency" and "COUNT=" in rrule and element.get("dtstart") is None:
        ctx.report("PodcastMissingAttribute", element, attribute="dtstart")


def _check_children(element: Element, ctx: Context, spec: Tag) -> None:
    found = _podcast_children(element)
    local = split(element.tag)[1]
    if local == "liveItem":
        _check_singles(element, ctx, found)
    if local == "valueTimeSplit":
        # Recipients of its own, or exactly one remote item whose recipients it borrows.
        if found["remoteItem"] > 1:
            ctx.report(
                "DuplicatePodcastElement", element, element="podcast:remoteItem", parent=name_of(element)
            )
        elif not found["remoteItem"] and not found["valueRecipient"]:
            either = "podcast:valueRecipient or podcast:remoteItem"
            ctx.report("PodcastMissingElement", element, element=either,
                       parent=name_of(element))  # fmt: skip
    for child, least, most in spec.children:
        if found[child] < least:
            ctx.report("PodcastMissingElement", element, element=f"podcast:{child}", parent=name_of(element))
        elif most is not None and found[child] > most:
            ctx.report(
                "DuplicatePodcastElement", element, element=f"podcast:{child}", parent=name_of(element)
            )


def _check_singles(host: Element, ctx: Context, found: Counter[str]) -> None:
    for local, count in found.items():
        spec = TAGS.get(local)
        if count > 1 and spec is not None and spec.single:
            ctx.report("DuplicatePodcastElement", host, element=f"podcast:{local}", parent=name_of(host))


@rule(tag("", "channel"), tag("", "item"), tag("http://www.w3.org/2005/Atom", "feed"),
      tag("http://www.w3.org/2005/Atom", "entry"))  # fmt: skip
def check_podcast_counts(host: Element, ctx: Context) -> None:
    """Elements the namespace allows once per channel or item."""
    if ctx.state.get(__name__):
        _check_singles(host, ctx, _podcast_children(host))


WHY_NAMESPACE = "the W3C validator does not check the Podcasting 2.0 namespace"
define("PodcastNamespace", "family", "any problem with Podcasting 2.0 (podcast:) elements")
_FAMILY = ["PodcastNamespace"]
_VALUE_MESSAGE = "{element}: {detail} must be {expected}, not {value!r}"
define(
    "PodcastMissingAttribute",
    "error",
    "{element} has no {attribute} attribute, which the Podcasting 2.0 namespace requires",
    parents=["MissingAttribute", *_FAMILY],
    why="Podcast apps need the attribute to use the element (a transcript without its url or "
    "type cannot be fetched or shown); most ignore the element without it.",
    fix="Add the attribute the element's page in the Podcasting 2.0 specification requires.",
    formats=("rss",),
)
define(
    "PodcastMissingElement",
    "error",
    "{parent} has no {element}, which the Podcasting 2.0 namespace requires in it",
    parents=["MissingElement", *_FAMILY],
    why="The element only means something through its children: an alternate enclosure "
    "without a podcast:source has no file to play, a value block without a recipient pays nobody.",
    fix="Add the child element, or remove the empty parent.",
    formats=("rss",),
)
define(
    "PodcastEmptyElement",
    "error",
    "{element} is empty; the Podcasting 2.0 namespace requires a value",
    parents=["Error", *_FAMILY],
    why="An empty guid, person, location, season or trailer title gives apps nothing to show or to match.",
    fix="Write the value (the person's name, the season number, …) or remove the element.",
    formats=("rss",),
)
define(
    "MisplacedPodcastElement",
    "error",
    "{element} does not belong in {parent}; the Podcasting 2.0 namespace puts it in {expected}",
    parents=["UndefinedElement", *_FAMILY],
    why="Apps look for each element where the specification puts it: a podcast:guid in an "
    "item or a podcast:transcript in the channel is never found.",
    fix="Move the element to the parent the specification gives.",
    formats=("rss",),
)
define(
    "DuplicatePodcastElement",
    "error",
    "{parent} has more than one {element}; the Podcasting 2.0 namespace allows one",
    parents=["DuplicateElement", *_FAMILY],
    why="Apps keep one of the values and drop the others, and which one differs from app to app.",
    fix="Keep one element and remove the others.",
    formats=("rss",),
)
define(
    "UnknownPodcastElement",
    "warning",
    "{element} is not an element of the Podcasting 2.0 namespace",
    parents=["Warning", *_FAMILY],
    why="A misspelled element (podcast:transcripts, podcast:Person) is ignored by every app; "
    "proposals not yet adopted are ignored by most.",
    fix="Check the spelling against the specification's list of tags.",
    formats=("rss",),
)
define(
    "PodcastTextTooLong",
    "warning",
    "{element}: {detail} is {length} characters long; podcast apps may cut it after {limit}",
    parents=["Warning", *_FAMILY],
    why="The specification asks for short values (128 characters for names and titles, 32 "
    "for labels) because apps show them in small spaces and may truncate them.",
    fix="Shorten the text.",
    formats=("rss",),
)
for _code, _summary in (
    ("InvalidPodcastGuid", "The guid identifies the podcast everywhere, also after it moves host; "
     "apps match it as a UUID version 5 made from the feed's address."),
    ("InvalidPodcastUrl", "Apps fetch this address (a transcript, chapters, an image, a funding "
     "page); one that is not an absolute URL cannot be followed."),
    ("InvalidPodcastMediaType", "Apps decide from the media type whether and how they can play "
     "or show the file."),
    ("InvalidPodcastLanguage", "Apps choose transcripts and alternate enclosures by language code."),
    ("InvalidPodcastNumber", "Apps sort and display seasons, episodes, times and sizes as numbers."),
    ("InvalidPodcastDate", "Apps order trailers and show live streams by these dates."),
    ("InvalidPodcastChoice", "The specification allows only these values; apps ignore any other."),
    ("InvalidPodcastValue", "Apps parse this value by the syntax the specification gives; "
     "another one is ignored or misread."),
):  # fmt: skip
    define(
        _code,
        "error",
        _VALUE_MESSAGE,
        parents=["InvalidValue", *_FAMILY],
        why=_summary,
        fix="Write the value in the form the message gives.",
        formats=("rss",),
    )
profiles.own(
    "PodcastMissingAttribute",
    "PodcastMissingElement",
    "PodcastEmptyElement",
    "MisplacedPodcastElement",
    "DuplicatePodcastElement",
    "UnknownPodcastElement",
    "PodcastTextTooLong",
    "InvalidPodcastGuid",
    "InvalidPodcastUrl",
    "InvalidPodcastMediaType",
    "InvalidPodcastLanguage",
    "InvalidPodcastNumber",
    "InvalidPodcastDate",
    "InvalidPodcastChoice",
    "InvalidPodcastValue",
    reason=WHY_NAMESPACE,
)

PREFIXES.setdefault("podcast", PODCAST)
GUID_VALUE = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
_SEASON = "<podcast:season>1</podcast:season>"
_VTT = 'url="https://example.com/1.vtt" type="text/vtt"'
_TRAILER = '<podcast:trailer url="https://example.com/t.mp3" pubdate="{}">Coming soon</podcast:trailer>'
_OPUS = '<podcast:alternateEnclosure type="audio/opus" length="9000">{}</podcast:alternateEnclosure>'
# (code, in the channel or in the item, the bad markup, the good markup)
_PAIRS = (
    ("PodcastMissingAttribute", "item", '<podcast:transcript url="https://example.com/1.vtt"/>',
     f"<podcast:transcript {_VTT}/>"),
    ("PodcastMissingElement", "item", _OPUS.format(""),
     _OPUS.format('<podcast:source uri="https://example.com/1.opus"/>')),
    ("PodcastEmptyElement", "channel", "<podcast:person></podcast:person>",
     "<podcast:person>Ann Lee</podcast:person>"),
    ("MisplacedPodcastElement", "item", f"<podcast:guid>{GUID_VALUE}</podcast:guid>", ""),
    ("DuplicatePodcastElement", "item", _SEASON * 2, _SEASON),
    ("UnknownPodcastElement", "item", f"<podcast:transcripts {_VTT}/>", f"<podcast:transcript {_VTT}/>"),
    ("PodcastTextTooLong", "item",
     '<podcast:episode display="The one where everything finally happens">9</podcast:episode>',
     '<podcast:episode display="Finale">9</podcast:episode>'),
    ("InvalidPodcastGuid", "channel", "<podcast:guid>my-show-2024</podcast:guid>",
     f"<podcast:guid>{GUID_VALUE}</podcast:guid>"),
    ("InvalidPodcastUrl", "channel", '<podcast:funding url="example.com/give">Support us</podcast:funding>',
     '<podcast:funding url="https://example.com/give">Support us</podcast:funding>'),
    ("InvalidPodcastMediaType", "item", '<podcast:chapters url="https://example.com/1.json" type="json"/>',
     '<podcast:chapters url="https://example.com/1.json" type="application/json+chapters"/>'),
    ("InvalidPodcastLanguage", "item", f'<podcast:transcript {_VTT} language="Spanish"/>',
     f'<podcast:transcript {_VTT} language="es"/>'),
    ("InvalidPodcastNumber", "item", "<podcast:season>two</podcast:season>",
     "<podcast:season>2</podcast:season>"),
    ("InvalidPodcastDate", "channel", _TRAILER.format("2024-05-01"),
     _TRAILER.format("Wed, 01 May 2024 12:00:00 GMT")),
    ("InvalidPodcastChoice", "channel", "<podcast:locked>true</podcast:locked>",
     "<podcast:locked>yes</podcast:locked>"),
    ("InvalidPodcastValue", "channel", '<podcast:location geo="30.26,97.74">Austin, TX</podcast:location>',
     '<podcast:location geo="geo:30.26,97.74">Austin, TX</podcast:location>'),
)  # fmt: skip


def _example(where: str, markup: str) -> Example:
    return podcast({"podcast": markup}) if where == "channel" else podcast(item={"podcast": markup})


for _code, _where, _bad, _good in _PAIRS:
    # The good guid example is the same element where it belongs: in the channel.
    _fixed = _example("channel", _bad) if _code == "MisplacedPodcastElement" else _example(_where, _good)
    EXAMPLES[_code] = (_example(_where, _bad), _fixed)
