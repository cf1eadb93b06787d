"""Value checkers shared by every format's rules: each returns the problem's code, or None.

What is here (all pure functions of a string, no I/O):

- dates: `check_rfc822_date` (RSS pubDate & co: None, ProblematicalRFC822Date,
  InvalidRFC2822Date, IncorrectDOW, ImplausibleDate), `check_rfc3339_date` (Atom:
  InvalidRFC3339Date, ImplausibleDate), `check_w3cdtf_date` (dc:date & co: InvalidW3CDTFDate,
  ImplausibleDate), `check_iso8601_date` (InvalidISO8601DateTime); `parse_rfc822_date` / `parse_rfc3339_date`
  return an aware datetime for comparisons.
- references: `check_uri` (InvalidUriChar, InvalidLink / InvalidFullLink, UriNotIri,
  InvalidTAG, InvalidURN, SchemeNotIANARegistered), `check_iri` (the same, IRIs allowed),
  `check_http_url` (a downloadable http(s) URL: InvalidURLAttribute), `is_absolute_uri`,
  `is_relative_ref`.
- people: `check_email` (an `addr-spec`, optionally with a display name: InvalidContact) and
  `check_addr_spec` (a bare address: InvalidAddrSpec), both UnknownHost for a host that cannot
  exist; `has_real_name` (MissingRealName), `contains_email` (an address somewhere in the text:
  EmailFormat).
- `check_mime_type` (InvalidMIMEType), `check_language` (InvalidLanguage),
  `check_integer` / `check_positive_integer` / `check_non_negative_integer`
  (InvalidInteger, InvalidPositiveInteger, InvalidNonNegativeInteger),
  `check_true_false` (InvalidTrueFalse), `check_yes_no` (InvalidYesNo), `check_float`
  (InvalidFloat), `check_latitude` / `check_longitude` (InvalidLatitude, InvalidLongitude),
  `check_duration` (InvalidDuration), `check_country_code` (InvalidCountryCode).
- text: `html_in_text` (the HTML end tag or entity that makes plain text look like HTML,
  for ContainsHTML), `looks_double_encoded` (UTF-8 read as Latin-1: BadCharacters),
  `HTML_TAGS`, and `words` for writing long sets of names.

The codes are the W3C Feed Validation Service's names, so users can look them up there.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import getaddresses
from html.entities import name2codepoint
from urllib.parse import SplitResult, urlsplit


def words(text: str) -> list[str]:
    """The whitespace-separated words of `text` (for writing long sets of names)."""
    return text.split()


# ---------------------------------------------------------------------------------------------
# Dates

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NAMED_ZONES = {
    "UT": 0, "GMT": 0, "Z": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip

# The form RSS 2.0 asks for (RFC 822 with a four-digit year), written the way every reader
# parses: single spaces, English names in their usual case, a numeric zone on the half hour.
_RFC822_STRICT = re.compile(
    r"(?:(?P<dow>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?"
    r"(?P<day>\d\d?) (?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"(?P<year>\d{4}) (?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d))? "
    r"(?P<zone>[+-]?\d\d[03]0|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|Z)\Z"
)
# What RFC 822 itself allows but many readers choke on: two-digit years, odd case and
# spacing, comments, military zones, zone offsets with odd minutes, no zone at all.
_RFC822_LENIENT = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)\s*,\s*)?"
    r"\d\d?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+\d\d(?:\d\d)?\s+"
    r"\d\d:\d\d(?::\d\d)?\s+(?:[+-]\d{4}|ut|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|[a-ik-z])?\Z"
)
_COMMENT = re.compile(r"\([^()]*\)")
_QUOTED_PAIR = re.compile(r"\\.")

# Dates before this year (feeds did not exist), or later than tomorrow, are taken for mistakes:
# a zero timestamp, a clock never set, a two-digit year read in the wrong century.
_EARLIEST_PLAUSIBLE_YEAR = 1990


def _strip_comments(value: str) -> str:
    value = _QUOTED_PAIR.sub("", value)
    while True:
        stripped = _COMMENT.sub(" ", value)
        if stripped == value:
            return value
        value = stripped


def _zone_offset(zone: str) -> timezone:
    if zone in _NAMED_ZONES:
        return timezone(timedelta(hours=_NAMED_ZONES[zone]))
    sign = -1 if zone.startswith("-") else 1
    digits = zone.lstrip("+-")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_rfc822_date(value: str) -> datetime | None:
    """The instant a strict RFC 822 date names, or None when it is not one."""
    m = _RFC822_STRICT.match(value)
    if m is None:
        return None
    try:
        return datetime(
            int(m["year"]),
            _MONTHS.index(m["month"]) + 1,
            int(m["day"]),
            int(m["hour"]),
            int(m["minute"]),
            int(m["second"] or 0),
            tzinfo=_zone_offset(m["zone"]),
        )
    except ValueError:
        return None


def _implausible(moment: datetime, now: datetime | None) -> bool:
    latest = now + timedelta(days=1) if now else _latest_plausible()
    return moment.year < _EARLIEST_PLAUSIBLE_YEAR or moment > latest


def _latest_plausible() -> datetime:
    """A day after now (clocks and time zones differ), taken anew each second: a feed's
    thousands of dates need not each ask the clock."""
    global _latest
    second = int(time.time())
    if _latest[0] != second:
        _latest = (second, datetime.now(UTC) + timedelta(days=1))
    return _latest[1]


_latest = (-1, datetime.min.replace(tzinfo=UTC))


def check_rfc822_date(value: str, now: datetime | None = None) -> str | None:
    """Check an RSS date (pubDate, lastBuildDate): RFC 822 with a four-digit year."""
    m = _RFC822_STRICT.match(value)
    if m is None:
        loose = _strip_comments(value).strip().lower()
        return "ProblematicalRFC822Date" if _RFC822_LENIENT.match(loose) else "InvalidRFC2822Date"
    moment = parse_rfc822_date(value)
    if moment is None:  # e.g. 31 Feb, 25:00
        return "InvalidRFC2822Date"
    if m["dow"] and moment.year > 1900 and _DAYS[moment.date().weekday()] != m["dow"]:
        return "IncorrectDOW"
    if _implausible(moment, now):
        return "ImplausibleDate"
    return None


_ISO8601 = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d\d)(?:-(?P<day>\d\d)"
    r"(?:T(?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d(?:\.\d*)?))?"
    r"(?P<zone>Z|[+-]\d\d:\d\d)?)?)?)?\Z"
)
# W3CDTF is ISO 8601 with a time zone whenever a time is given.
_W3CDTF = re.compile(r"\d{4}(?:-\d\d(?:-\d\dT?(?:\d\d:\d\d(?::\d\d(?:\.\d*)?)?(?:Z|[+-]\d\d:\d\d))?)?)?\Z")
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d*)?(?:Z|[+-]\d\d:\d\d)\Z")


def _iso8601_fields(value: str) -> re.Match[str] | None:
    """The ISO 8601 match of `value` when every field is in range, else None."""
    m = _ISO8601.match(value)
    if m is None:
        return None
    try:
        if m["day"]:
            date(int(m["year"]), int(m["month"]), int(m["day"]))
        elif m["month"] and not 1 <= int(m["month"]) <= 12:
            return None
    except ValueError:
        return None
    if m["hour"] is not None:
        if int(m["hour"]) > 23 or int(m["minute"]) > 59:
            return None
        if m["second"] is not None and float(m["second"]) >= 61:
            return None
    if m["zone"] and m["zone"] != "Z":
        hours, minutes = m["zone"][1:].split(":")
        if int(hours) > 23 or int(minutes) > 59:
            return None
    return m


def check_iso8601_date(value: str) -> str | None:
    """Check an ISO 8601 date or date-time (year, year-month, date, date with time)."""
    return None if _iso8601_fields(value) else "InvalidISO8601DateTime"


def check_w3cdtf_date(value: str, now: datetime | None = None) -> str | None:
    """Check a W3C date-time (dc:date, dcterms:modified, sy:updateBase, ...)."""
    m = _iso8601_fields(value) if _W3CDTF.match(value) else None
    if m is None:
        return "InvalidW3CDTFDate"
    if m["day"] is None:
        return None
    moment = datetime(int(m["year"]), int(m["month"]), int(m["day"]), tzinfo=UTC)
    if m["hour"] is not None:
        offset = (
            timedelta(0) if m["zone"] == "Z" else _zone_offset(m["zone"].replace(":", "")).utcoffset(None)
        )
        moment = moment.replace(hour=int(m["hour"]), minute=int(m["minute"])) - (offset or timedelta(0))
    if _implausible(moment, now):
        return "ImplausibleDate"
    return None


# The date-times most feeds write, which datetime.fromisoformat reads (in C) exactly as the
# general path below would: ASCII digits, at most microseconds, a zone within a day.
_PLAIN_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](?:\.[0-9]{1,6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])\Z"
)


def parse_rfc3339_date(value: str) -> datetime | None:
    """The instant an RFC 3339 date-time names, or None when it is not one."""
    if _PLAIN_RFC3339.match(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:  # a field out of range (month 13, hour 24, 30 February): below
            pass
    m = _iso8601_fields(value) if _RFC3339.match(value) else None
    if m is None:
        return None
    seconds = float(m["second"])
    zone = m["zone"]
    offset = timedelta(0) if zone == "Z" else _zone_offset(zone.replace(":", "")).utcoffset(None)
    moment = datetime(
        int(m["year"]), int(m["month"]), int(m["day"]), int(m["hour"]), int(m["minute"]),
        tzinfo=timezone(offset or timedelta(0)),
    )  # fmt: skip
    return moment + timedelta(seconds=seconds)


def check_rfc3339_date(value: str, now: datetime | None = None) -> str | None:
    """Check an Atom date (updated, published): RFC 3339 date-time with a zone."""
    moment = parse_rfc3339_date(value)
    if moment is None:
        return "InvalidRFC3339Date"
    if _implausible(moment, now):
        return "ImplausibleDate"
    return None


# ---------------------------------------------------------------------------------------------
# URIs and IRIs

_URI_CHARS = r"0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#"
_IP_LITERAL = re.compile(r"^([a-zA-Z][0-9a-zA-Z+\-.]*://(?:[^/?#@]*@)?)\[[0-9a-fA-F:.]+\]")
_URI_REF = re.compile(rf"(?:[a-zA-Z][0-9a-zA-Z+\-.]*:)?/{{0,2}}[{_URI_CHARS}]*\Z")
_FULL_URI = re.compile(rf"[a-zA-Z][0-9a-zA-Z+\-.]*:(?://)?[{_URI_CHARS}]+\Z")
_URI_CHAR = re.compile(rf"[{_URI_CHARS}]")
_URN = re.compile(
    r"[Uu][Rr][Nn]:[a-zA-Z0-9][a-zA-Z0-9-]{1,31}:(?:[a-zA-Z0-9()+,.:=@;$_!*'\-]|%[0-9A-Fa-f]{2})+\Z"
)
_TAG = re.compile(
    r"tag:(?:[a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(?:-\d\d(?:-\d\d)?)?:"
    r"[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*(?:#[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*)?\Z"
)
_SCHEME = re.compile(r"[a-zA-Z][0-9a-zA-Z+\-.]*:")
_HOST_AFTER_SCHEME = re.compile(r"\w+://[^/]")
# The URI schemes registered with IANA when feeds became common (plus the later
# web ones); anything else in a feed is usually a typo.
IANA_SCHEMES = frozenset(
    words(
        "ftp http gopher mailto news nntp telnet wais file prospero z39.50s z39.50r cid mid vemmi "
        "service imap nfs acap rtsp tip pop data dav opaquelocktoken sip sips tel fax modem ldap "
        "https soap.beep soap.beeps xmlrpc.beep xmlrpc.beeps urn go h323 ipp tftp mupdate pres im "
        "mtqp iris.beep dict snmp crid tag dns info"
    )
)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PLAIN_HTTP = re.compile(rf"https?://[a-zA-Z0-9][{_URI_CHARS}]*\Z")


def _iri_to_uri(value: str) -> str:
    """Percent-encode what an IRI allows beyond ASCII, so the URI grammar can judge the rest."""
    return _NON_ASCII.sub("%XX", value) if not value.isascii() else value


def check_uri(value: str, *, full: bool = False, iri: bool = False) -> str | None:
    """Check a URI reference (`full`: it must be absolute; `iri`: non-ASCII allowed)."""
    if _PLAIN_HTTP.match(value):  # what most links are, judged at once as below
        return None
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme == "tag":
        return None if _TAG.match(value) else "InvalidTAG"
    if scheme == "urn":
        return None if _URN.match(value) else "InvalidURN"
    if "[" in value:  # brackets belong around an IPv6 host
        value = _IP_LITERAL.sub(r"\1ip-literal", value)
    candidate = _iri_to_uri(value) if iri else value
    grammar = _FULL_URI if full else _URI_REF
    if not grammar.match(candidate):
        for c in value:
            if ord(c) < 128 and not _URI_CHAR.match(c):
                return "InvalidUriChar"
        if not iri and grammar.match(_iri_to_uri(value)):
            return "UriNotIri"
        if iri:
            return "InvalidFullLink" if full else "InvalidIRI"
        return "InvalidFullLink" if full else "InvalidLink"
    if scheme in ("http", "https", "ftp"):
        if not _HOST_AFTER_SCHEME.match(value):
            return "InvalidFullLink" if full else "InvalidIRI" if iri else "InvalidLink"
        return None
    if scheme and scheme.isalpha() and scheme not in IANA_SCHEMES:
        return "SchemeNotIANARegistered"
    return None


def check_iri(value: str, *, full: bool = False) -> str | None:
    """Check an IRI reference (Atom's links and ids)."""
    return check_uri(value, full=full, iri=True)


_HTTP_URL = re.compile(
    r"https?://(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.|(?:[A-Za-z0-9-]+\.)+)[A-Za-z0-9][A-Za-z0-9-]*(?::\d+)?(?:/|\Z)",
    re.IGNORECASE,
)


def check_http_url(value: str) -> str | None:
    """Check a URL readers download from directly (enclosures, podcast artwork): http or
    https, a domain name or IP address, and valid URI characters (InvalidURLAttribute)."""
    if _HTTP_URL.match(value) and not check_uri(value, full=True):
        return None
    return "InvalidURLAttribute"


def split_url(value: str) -> SplitResult | None:
    """`value`'s scheme, host, path, ..., or None where it cannot be split at all (a host
    that opens an IPv6 '[' and does not close it)."""
    try:
        return urlsplit(value)
    except ValueError:
        return None


def is_absolute_uri(value: str) -> bool:
    """True when the reference carries its own scheme (`http:`, `mailto:`, `urn:`, ...)."""
    return _SCHEME.match(value.strip()) is not None


def is_relative_ref(value: str) -> bool:
    """True for a reference that only means something against a base URI."""
    return not is_absolute_uri(value)


# ---------------------------------------------------------------------------------------------
# People

_LOCAL_PART = r"[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.\-]+"
_ADDR_SPEC = re.compile(
    _LOCAL_PART + r"@(?:\[\d{1,3}\.\d{1,3}\.\d{1,3}\.|(?:[a-zA-Z0-9\-]+\.)+)"
    r"(?:[a-zA-Z]{2,}|\d{1,3})\]?\Z"
)


def check_addr_spec(value: str) -> str | None:
    """Check a bare e-mail address (Atom's email, itunes:email)."""
    return check_address(value)


_ADDRESS_AND_NAME = re.compile(_LOCAL_PART + r"@[a-zA-Z0-9.\-]+\.[a-zA-Z]{2,}(?: \([^()]*\))?\Z")


# An address that is well formed but whose host cannot be a registered domain name: no dot
# (an intranet name), an underscore, a one-letter top-level domain.
_ADDRESS_SHAPE = re.compile(r"[\w.%+-]+@(?P<host>[A-Za-z][\w.-]+)\Z")


def check_email(value: str) -> str | None:
    """Check an RSS contact (author, managingEditor, webMaster): an address, maybe a name
    (InvalidContact), on a host that can exist (UnknownHost)."""
    if _ADDRESS_AND_NAME.match(value):  # the usual `ann@example.com (Ann)`, without parsing
        return None
    addresses = getaddresses([value])
    address = addresses[0][1] if len(addresses) == 1 else value
    return check_address(address, "InvalidContact")


def check_address(address: str, invalid: str = "InvalidAddrSpec") -> str | None:
    """Check a bare e-mail address: `invalid` when it is not one, UnknownHost when its host
    cannot be a domain on the Internet."""
    if _ADDR_SPEC.match(address):
        return None
    shape = _ADDRESS_SHAPE.match(address)
    if shape is None:
        return invalid
    return None if shape["host"] == "localhost" else "UnknownHost"


def contains_email(value: str) -> bool:
    """True when an address is somewhere in `value`, as in `Ann Example, ann@example.com`."""
    return any(_ADDR_SPEC.match(word.strip("<>,;")) for word in value.split())


def has_real_name(value: str) -> bool:
    """True when an RSS contact gives a name beside the address, as in `a@b.c (Ann)`."""
    return "(" in value or "<" in value


# ---------------------------------------------------------------------------------------------
# Small types

_MIME = re.compile(r"[^\s()<>,;:\\\"/\[\]?=]+/[^\s()<>,;:\\\"/\[\]?=]+\Z")


def check_mime_type(value: str) -> str | None:
    """Check a media type such as `audio/mpeg` (parameters after `;` are allowed)."""
    return None if _MIME.match(value.split(";", 1)[0].strip()) else "InvalidMIMEType"


# ISO 639-1, the two-letter language codes.
ISO639_1 = frozenset(
    words(
        "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
        "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
        "ht hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv ka kg ki kj kk kl km kn ko kr ks "
        "ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl "
        "nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl "
        "sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi "
        "vo wa wo xh yi yo za zh zu"
    )
)
_SUBTAG = re.compile(r"[a-zA-Z0-9]{1,8}\Z")


def check_language(value: str) -> str | None:
    """Check a language tag: ISO 639 code (two or three letters), optional subtags."""
    primary, _, rest = value.partition("-")
    primary = primary.lower()
    ok = (
        primary in ISO639_1
        or (len(primary) == 3 and primary.isascii() and primary.isalpha())
        or (primary in ("i", "x") and bool(rest))
    )
    if ok and rest:
        ok = all(_SUBTAG.match(part) for part in rest.split("-"))
    return None if ok else "InvalidLanguage"


_INTEGER = re.compile(r"[+-]?\d+\Z")


def check_integer(value: str) -> str | None:
    return None if _INTEGER.match(value.strip()) else "InvalidInteger"


def check_positive_integer(value: str) -> str | None:
    if _INTEGER.match(value.strip()) and int(value.strip()) > 0:
        return None
    return "InvalidPositiveInteger"


def check_non_negative_integer(value: str) -> str | None:
    if _INTEGER.match(value.strip()) and int(value.strip()) >= 0:
        return None
    return "InvalidNonNegativeInteger"


def check_true_false(value: str) -> str | None:
    return None if value.lower() in ("true", "false") else "InvalidTrueFalse"


def check_yes_no(value: str) -> str | None:
    return None if value.lower() in ("yes", "no", "clean") else "InvalidYesNo"


_FLOAT = re.compile(r"\d+\.?\d*\Z")


def check_float(value: str) -> str | None:
    """Check a non-negative decimal number such as `12.5`."""
    return None if _FLOAT.match(value) else "InvalidFloat"


def _number_within(value: str, limit: float) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return -limit <= number <= limit


def check_latitude(value: str) -> str | None:
    return None if _number_within(value, 90) else "InvalidLatitude"


def check_longitude(value: str) -> str | None:
    return None if _number_within(value, 180) else "InvalidLongitude"


# Seconds, or hours and minutes written out: 3600, 1:00:00, 60:00, 1:05 (the first field may
# exceed 59: 75:30 is 75 minutes 30 seconds).
_DURATION = re.compile(r"\d+(?::[0-5]\d){0,2}\Z")


def check_duration(value: str) -> str | None:
    """Check a play time: seconds, MM:SS or H:MM:SS."""
    return None if _DURATION.match(value.strip()) else "InvalidDuration"


# ISO 3166-1 alpha-2 country codes.
ISO3166 = frozenset(
    words(
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
        "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
        "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
        "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
        "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
        "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
        "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
        "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
        "VN VU WF WS YE YT ZA ZM ZW"
    )
)


def check_country_code(value: str) -> str | None:
    return None if value.upper() in ISO3166 else "InvalidCountryCode"


# ---------------------------------------------------------------------------------------------
# Text that looks like HTML, or like text decoded with the wrong encoding

# A C1 control character, or the two characters a Latin-1 letter's UTF-8 bytes become when
# read as Latin-1 (Ã© for é: C3 A9). Other pairs (×\xa0, a multiplication sign before a
# no-break space) are ordinary text.
_MOJIBAKE = re.compile("[\u0080-\u009f]|[\u00c2\u00c3][\u0080-\u00bf]")


def looks_double_encoded(text: str) -> bool:
    """True for C1 control characters, or UTF-8 bytes read as Latin-1 (`Ã©` for `é`)."""
    return not text.isascii() and _MOJIBAKE.search(text) is not None


HTML_TAGS = frozenset(
    words(
        "a abbr acronym address applet area article aside audio b base basefont bdi bdo big "
        "blockquote body br button canvas caption center cite code col colgroup dd del details "
        "dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame "
        "frameset h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label "
        "legend li link main map mark menu meta meter nav noframes noscript object ol optgroup "
        "option output p param pre progress q rp rt ruby s samp script section select small "
        "source span strike strong style sub summary sup table tbody td textarea tfoot th "
        "thead time title tr track tt u ul var video wbr"
    )
)
_END_TAG = re.compile(r"</(\w+)>")
_ENTITY = re.compile(r"&(#?\w+);")


def html_in_text(value: str, literal_entities: frozenset[str] = frozenset()) -> str | None:
    """The end tag or entity that makes plain text look like escaped HTML, or None.

    `literal_entities` are entity names the document itself spelled as `&amp;name;`
    (a literal ampersand followed by a word), which are text, not markup.
    """
    if "</" not in value and "&" not in value:  # most text: neither can be found
        return None
    for tag in _END_TAG.findall(value):
        if tag.lower() in HTML_TAGS:
            return f"</{tag}>"
    for entity in _ENTITY.findall(value):
        known = entity in name2codepoint or not entity.isalpha()
        if known and entity not in literal_entities:
            return f"&{entity};"
    return None
