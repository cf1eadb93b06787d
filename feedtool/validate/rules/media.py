"""Media RSS rules: media:group, media:content and the elements describing media
(title, description, thumbnail, category, hash, player, credit, copyright, text,
restriction, rating), wherever they appear (channel, item, entry, group, content)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from feedtool.validate import rss_codes, values
from feedtool.validate.engine import Context, Element, name_of
from feedtool.validate.html import check_html
from feedtool.validate.namespaces import MEDIA, canonical_tag, split, tag
from feedtool.validate.rules.extensions import (
    ANY_HOST,
    CHANNELS_AND_ITEMS,
    EXTERNAL_SPECS,
    ITEMS,
    NEWER_THAN_W3C,
    Spec,
    check_extension_attributes,
    w3c_profile,
)
from feedtool.validate.rules.rss import text_of, text_problem
from feedtool.validate.values import words

rss_codes.ensure_defined()

AttributeCheck = Callable[[str], str | None]


def _float(value: str) -> str | None:
    return values.check_float(value)


def _positive(value: str) -> str | None:
    return values.check_positive_integer(value)


def _true_false(value: str) -> str | None:
    return values.check_true_false(value)


def _non_negative(value: str) -> str | None:
    return values.check_non_negative_integer(value)


def _uri(value: str) -> str | None:
    """Media RSS addresses and schemes are absolute URIs."""
    return values.check_uri(value, full=True)


def _mime(value: str) -> str | None:
    return "InvalidMIMEAttribute" if values.check_mime_type(value) else None


def _language(value: str) -> str | None:
    return values.check_language(value)


def _enumeration(allowed: frozenset[str], code: str) -> AttributeCheck:
    return lambda value: None if value in allowed else code


_NPT = re.compile(r"(?:\d+(?:\.\d*)?|\d+:\d\d?:\d\d?(?:\.\d*)?|now)\Z")


def _npt(value: str) -> str | None:
    return None if _NPT.match(value) else "InvalidNPTTime"


def check_attributes(element: Element, ctx: Context, checks: dict[str, AttributeCheck]) -> None:
    """Check the attributes present; an empty one is taken as absent, as readers do."""
    for attribute, check in checks.items():
        value = element.get(attribute)
        if not value:
            continue
        code = check(value.strip())
        if code:
            ctx.report(code, element, attribute=attribute, value=value)


def _required(element: Element, ctx: Context, *attributes: str) -> bool:
    missing = [a for a in attributes if element.get(a) is None]
    for attribute in missing:
        ctx.report("MissingAttribute", element, attribute=attribute)
    return not missing


CONTENT_ATTRIBUTES: dict[str, AttributeCheck] = {
    "url": _uri,
    "fileSize": _positive,
    "type": _mime,
    "medium": _enumeration(frozenset(words("image audio video document executable")), "InvalidMediaMedium"),
    "isDefault": _true_false,
    "expression": _enumeration(frozenset(words("sample full nonstop")), "InvalidMediaExpression"),
    "bitrate": _float,
    "framerate": _float,
    "samplingrate": _float,
    "channels": _non_negative,
    "duration": _float,
    "height": _positive,
    "width": _positive,
    "lang": _language,
}


def check_text_construct(element: Element, ctx: Context, value: str) -> None:
    """media:title, media:description, media:text: plain text unless type="html"."""
    kind = element.get("type", "plain")
    if kind not in ("plain", "html"):
        ctx.report("InvalidMediaTextType", element, value=kind)
        return
    if kind == "html":
        for finding in check_html(element.text or ""):
            ctx.report(finding.code, element, detail=finding.detail, value=finding.detail)  # fmt: skip
        return
    found = text_problem(element, ctx, element.text or "")
    if found:
        code = "ContainsUndeclaredHTML" if found[0] == "ContainsHTML" else found[0]
        ctx.report(code, element, value=found[1])


def check_text(element: Element, ctx: Context, value: str) -> None:
    check_attributes(element, ctx, {"lang": _language, "start": _npt, "end": _npt})
    check_text_construct(element, ctx, value)


def check_plain(element: Element, ctx: Context, value: str) -> None:
    found = text_problem(element, ctx, element.text or "")
    if found:
        ctx.report(found[0], element, value=found[1])


def check_copyright(element: Element, ctx: Context, value: str) -> None:
    check_attributes(element, ctx, {"url": _uri})
    check_plain(element, ctx, value)


def check_category(element: Element, ctx: Context, value: str) -> None:
    check_attributes(element, ctx, {"scheme": _uri})
    label = element.get("label")
    if label is not None:
        found = text_problem(element, ctx, label)
        if found:
            ctx.report(found[0], element, attribute="label", value=found[1])
    check_plain(element, ctx, value)


def check_thumbnail(element: Element, ctx: Context, value: str) -> None:
    if _required(element, ctx, "url"):
        check_attributes(element, ctx, {"url": _uri})
    check_attributes(element, ctx, {"height": _positive, "width": _positive, "time": _npt})


def check_player(element: Element, ctx: Context, value: str) -> None:
    if _required(element, ctx, "url"):
        check_attributes(element, ctx, {"url": _uri})
    check_attributes(element, ctx, {"height": _positive, "width": _positive})


_HASH_LENGTHS = {"md5": 32, "sha-1": 40}


def check_hash(element: Element, ctx: Context, value: str) -> None:
    algorithm = element.get("algo", "md5")
    length = _HASH_LENGTHS.get(algorithm)
    if length is None or not re.fullmatch(rf"[0-9a-fA-F]{{{length}}}", value):
        ctx.report("InvalidMediaHash", element, value=value)


# The European Broadcasting Union's role codes, the vocabulary of scheme="urn:ebu" (the default).
EBU_ROLES = frozenset(
    {"actor", "adaptor", "anchor person", "animal trainer", "animator", "announcer", "armourer",
     "art director", "artist/performer", "assistant camera", "assistant chief lighting technician",
     "assistant director", "assistant producer", "assistant visual editor", "author",
     "broadcast assistant", "broadcast journalist", "camera operator", "carpenter", "casting",
     "causeur", "chief lighting technician", "choir", "choreographer", "clapper loader",
     "commentary or commentator", "commissioning broadcaster", "composer", "computer programmer",
     "conductor", "consultant", "continuity checker", "correspondent", "costume designer",
     "dancer", "dialogue coach", "director", "director of photography", "distribution company",
     "draughtsman", "dresser", "dubber", "editor/producer", "editor", "ensemble",
     "executive producer", "expert", "fight director", "floor manager", "focus puller",
     "foley artist", "foley editor", "foley mixer", "graphic assistant", "graphic designer",
     "greensman", "grip", "hairdresser", "illustrator", "interviewed guest", "interviewer",
     "key character", "key grip", "key talents", "leadman", "librettist", "lighting director",
     "lighting technician", "location manager", "lyricist", "make up artist", "manufacturer",
     "matte artist", "music arranger", "music group", "musician", "news reader", "orchestra",
     "participant", "photographer", "post", "producer", "production assistant",
     "production company", "production department", "production manager",
     "production secretary", "programme production researcher", "property manager",
     "publishing company", "puppeteer", "pyrotechnician", "reporter", "rigger", "runner",
     "scenario", "scenic operative", "script supervisor", "second assistant camera",
     "second assistant director", "second unit director", "set designer", "set dresser",
     "sign language", "singer", "sound designer", "sound mixer", "sound recordist",
     "special effects", "stunts", "subtitles", "technical director", "term", "translation",
     "transportation manager", "treatment/programme proposal", "vision mixer", "visual editor",
     "visual effects", "wardrobe", "witness",
     # short forms Media RSS's own examples use
     "artist", "performer", "treatment", "treatment proposal", "programme proposal"}
)  # fmt: skip


def check_credit(element: Element, ctx: Context, value: str) -> None:
    scheme = element.get("scheme") or "urn:ebu"
    if scheme != "urn:ebu":
        check_attributes(element, ctx, {"scheme": _uri})
    role = element.get("role")
    if role and ((scheme == "urn:ebu" and role not in EBU_ROLES) or role != role.lower()):
        ctx.report("InvalidCreditRole", element, value=role)


RATINGS = {
    "urn:simple": re.compile(r"(?:adult|nonadult)\Z"),
    "urn:mpaa": re.compile(r"(?:g|m|nc-17|pg|pg-13|r|x)\Z"),
    "urn:v-chip": re.compile(r"(?:14\+|18\+|c|c8|g|pg|tv-14|tv-g|tv-ma|tv-pg|tv-y|tv-y7|tv-y7-fv)\Z"),
    # ICRA labels: a category with z and 0 or 1, or one of its descriptors with 1.
    "urn:icra": re.compile(
        r"r \((?:[nsvlocx]z [01]|(?:n[a-c]|s[a-f]|v[a-j]|l[a-c]|o[a-h]|c[ab]|x[a-e]) 1)"
        r"(?: (?:[nsvlocx]z [01]|(?:n[a-c]|s[a-f]|v[a-j]|l[a-c]|o[a-h]|c[ab]|x[a-e]) 1))*\)\Z"
    ),
}


def check_rating(element: Element, ctx: Context, value: str) -> None:
    scheme = element.get("scheme", "urn:simple")
    pattern = RATINGS.get(scheme)
    if pattern is None:
        check_attributes(element, ctx, {"scheme": _uri})
    elif not pattern.match(value):
        ctx.report("InvalidMediaRating", element, value=value)


def check_restriction(element: Element, ctx: Context, value: str) -> None:
    relationship = element.get("relationship")
    if relationship is None:
        ctx.report("MissingAttribute", element, attribute="relationship")
    elif relationship not in ("allow", "deny"):
        ctx.report("InvalidMediaRestrictionRel", element, value=relationship)
    kind = element.get("type")
    if kind == "country":
        for code in value.split():
            if values.check_country_code(code):
                ctx.report("InvalidCountryCode", element, value=code)
    elif kind == "uri":
        problem = _uri(value)
        if problem:
            ctx.report(problem, element, value=value)
    elif kind == "sharing" and not w3c_profile(ctx):  # Media RSS 1.5; the W3C knows 1.1
        return
    elif kind is not None:
        ctx.report("InvalidMediaRestrictionType", element, value=kind)
    elif value and value not in ("all", "none"):
        ctx.report("InvalidMediaRestriction", element, value=value)


def check_content(element: Element, ctx: Context, value: str) -> None:
    check_attributes(element, ctx, CONTENT_ATTRIBUTES)
    check_media_children(element, ctx)


def check_group(element: Element, ctx: Context, value: str) -> None:
    if len(element.findall(tag(split(element.tag)[0], "content"))) < 2:
        ctx.report("MediaGroupWithoutAlternatives", element)
    check_media_children(element, ctx)


def check_none(element: Element, ctx: Context, value: str) -> None:
    """Media elements whose value is free text or a list (keywords, ...)."""


def check_adult(element: Element, ctx: Context, value: str) -> None:
    ctx.report("DeprecatedMediaAdult", element)
    raw = "".join(element.itertext())
    if raw.lower() not in ("true", "false"):
        ctx.report("InvalidTrueFalse", element, value=raw)


def _attributes(names: str) -> frozenset[str]:
    return frozenset(words(names))


TYPED_TEXT = _attributes("type")
DESCRIBING: dict[str, Spec] = {
    "title": Spec(check_text_construct, attributes=TYPED_TEXT),
    "description": Spec(check_text_construct, attributes=TYPED_TEXT),
    "keywords": Spec(check_none, repeats_in=ANY_HOST),
    "thumbnail": Spec(check_thumbnail, repeats_in=ANY_HOST, attributes=_attributes("url height width time")),
    "category": Spec(check_category, repeats_in=ANY_HOST, attributes=_attributes("scheme label")),
    "hash": Spec(check_hash, repeats_in=ANY_HOST, attributes=_attributes("algo")),
    "player": Spec(check_player, repeats_in=ANY_HOST, attributes=_attributes("url height width")),
    "credit": Spec(check_credit, repeats_in=ANY_HOST, attributes=_attributes("role scheme")),
    "copyright": Spec(check_copyright, attributes=_attributes("url")),
    "text": Spec(check_text, repeats_in=ANY_HOST, attributes=_attributes("type lang start end")),
    "restriction": Spec(check_restriction, repeats_in=ANY_HOST, attributes=_attributes("relationship type")),
    "rating": Spec(check_rating, repeats_in=ANY_HOST, attributes=_attributes("scheme")),
    "adult": Spec(check_adult),
}
# Media RSS 1.5 elements the W3C validator does not know (it checks Media RSS 1.1).
NEWER_DESCRIBING = words(
    "community comments embed responses backLinks status price license subTitle peerLink rights "
    "scenes location"
)
SPECS: dict[str, Spec] = {
    **{tag(MEDIA, name): replace(spec, hosts=CHANNELS_AND_ITEMS) for name, spec in DESCRIBING.items()},
    tag(MEDIA, "group"): Spec(check_group, ITEMS, ITEMS, content="elements"),
    tag(MEDIA, "content"): Spec(check_content, ITEMS, ITEMS, attributes=None, content="elements"),
}
NEWER = {
    tag(MEDIA, name): Spec(check_none, CHANNELS_AND_ITEMS, ANY_HOST, None, "any") for name in NEWER_DESCRIBING
}
# What media:content and media:group may hold.
INSIDE: dict[str, Spec] = {
    **{tag(MEDIA, name): replace(spec, hosts=ANY_HOST) for name, spec in DESCRIBING.items()},
    **{clark: replace(spec, hosts=ANY_HOST) for clark, spec in NEWER.items()},
    tag(MEDIA, "content"): replace(SPECS[tag(MEDIA, "content")], hosts=ANY_HOST, repeats_in=ANY_HOST),
}
EXTERNAL_SPECS.update(SPECS)
EXTERNAL_SPECS.update(NEWER)
NEWER_THAN_W3C.update(NEWER)


def check_media_children(element: Element, ctx: Context) -> None:
    """Check the media:* children of a group or content element."""
    counts: Counter[str] = Counter()
    for child in element:
        if not isinstance(child.tag, str):
            continue
        clark = canonical_tag(child.tag)
        if split(clark)[0] != MEDIA:
            continue
        spec = INSIDE.get(clark)
        if spec is None or (clark in NEWER and w3c_profile(ctx)):
            ctx.report("UndefinedElement", child)
            continue
        if clark == tag(MEDIA, "content") and split(element.tag)[1] == "content":
            ctx.report("UndefinedElement", child)
            continue
        counts[clark] += 1
        if counts[clark] == 2 and not spec.repeats_in:
            ctx.report("DuplicateElement", child, element=name_of(child), parent=name_of(element))
        check_extension_attributes(child, spec.attributes, ctx)
        spec.check(child, ctx, text_of(child))
