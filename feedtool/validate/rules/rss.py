"""RSS 2.0 and 0.91/0.92 rules: the rss root, channel, item and their sub-elements."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.entities import name2codepoint
from urllib.parse import urljoin

from feedtool.validate import rss_codes, rss_html, values
from feedtool.validate.engine import (
    Context,
    Element,
    first_children,
    name_of,
    root,
    rule,
    streamed,
)
from feedtool.validate.namespaces import ATOM, CONTENT, DC, DCTERMS, split, tag

rss_codes.ensure_defined()

RSS = tag("", "rss")
CHANNEL = tag("", "channel")
ITEM = tag("", "item")
ATOM_LINK = tag(ATOM, "link")
CONTENT_ENCODED = tag(CONTENT, "encoded")

root(RSS, "rss")
streamed(ITEM)

KNOWN_VERSIONS = ("0.91", "0.92", "0.93", "0.94", "2.0", "2.0.1", "2.00", "2")

ValueCheck = Callable[[Element, Context, str], None]


@dataclass(slots=True)
class _FeedFacts:
    """What the item rules tell the channel rule (items are emptied once checked)."""

    guids: set[str] = field(default_factory=set)


def _facts(ctx: Context) -> _FeedFacts:
    return ctx.facts(__name__, _FeedFacts)


def text_of(element: Element) -> str:
    """The element's text content, stripped as the W3C validator strips it."""
    if len(element) == 0:  # no child nodes at all (the usual case): its text is all there is
        return (element.text or "").strip()
    return "".join(element.itertext()).strip()


# ---------------------------------------------------------------------------------------------
# Value checks for simple elements: each reports its own problems.


def value_check(checker: Callable[[str], str | None]) -> ValueCheck:
    """A check that reports the code a value checker (from `values`) returns, if any."""

    def check(element: Element, ctx: Context, value: str) -> None:
        code = checker(value)
        if code:
            ctx.report(code, element, value=value)

    return check


_ENTITY_LIKE = re.compile(r"&(#|[A-Za-z]\w*)")


def plain_text_problem(text: str) -> tuple[str, str] | None:
    """(code, evidence) when plain text looks like HTML or like half-escaped markup."""
    found = values.html_in_text(text)
    if found:
        return "ContainsHTML", found
    for m in _ENTITY_LIKE.finditer(text):
        if m.group(1) == "#" or m.group(1) in name2codepoint:
            return "ContainsHTML", m.group(0)
    if "&<" in text or "<&" in text:
        return "CharacterData", text
    return None


def check_plain_text(element: Element, ctx: Context, value: str) -> None:
    """Text that readers show as is: markup in it would appear literally."""
    if len(element) == 0:
        found = plain_text_problem(element.text or "")
        if found:
            ctx.report(found[0], element, value=found[1])


def check_title(element: Element, ctx: Context, value: str) -> None:
    if not value:
        ctx.report("NotBlank", element)
        return
    check_plain_text(element, ctx, value)


check_full_uri = value_check(lambda value: values.check_uri(value, full=True))
check_rfc822 = value_check(values.check_rfc822_date)
check_language = value_check(values.check_language)


def check_contact(element: Element, ctx: Context, value: str) -> None:
    found = values.html_in_text(value)
    if found:
        ctx.report("ContainsHTML", element, value=found)
    if value.lower().startswith("mailto:"):
        return
    if values.check_email(value) is None:
        if not values.has_real_name(value):
            ctx.report("MissingRealName", element, value=value)
    elif values.contains_email(value):
        ctx.report("EmailFormat", element, value=value)
    else:
        ctx.report("InvalidContact", element, value=value)


def check_ttl(element: Element, ctx: Context, value: str) -> None:
    if not value:
        ctx.report("NotBlank", element)
    code = values.check_positive_integer(value)
    if code:
        ctx.report(code, element, value=value)


def check_category(element: Element, ctx: Context, value: str) -> None:
    parent = element.getparent()
    if not value and parent is not None and parent.tag == ITEM:
        ctx.report("NotBlank", element)
    check_plain_text(element, ctx, value)


def check_html(element: Element, ctx: Context, value: str) -> None:
    """Escaped HTML (description, content:encoded): dangerous markup, relative links."""
    rss_html.check_escaped_html(element, ctx, element.text or "")


def check_description(element: Element, ctx: Context, value: str) -> None:
    """An item's description: HTML since RSS 0.92, plain text in RSS 0.91."""
    check_html(element, ctx, value)
    channel = element.getparent()
    channel = channel.getparent() if channel is not None else None
    rss = channel.getparent() if channel is not None else None
    if rss is not None and (rss.get("version") or "").strip() == "0.91":
        check_plain_text(element, ctx, value)


def no_check(element: Element, ctx: Context, value: str) -> None:
    """Elements whose value RSS leaves free (generator, copyright, ...)."""


# ---------------------------------------------------------------------------------------------
# Elements with structure


def check_cloud(element: Element, ctx: Context, value: str) -> None:
    for attribute in ("domain", "port", "path", "registerProcedure", "protocol"):
        if element.get(attribute) is None:
            ctx.report("MissingAttribute", element, attribute=attribute)
    port = element.get("port")
    if port is not None and values.check_positive_integer(port):
        ctx.report("InvalidIntegerAttribute", element, attribute="port", value=port)
    protocol = element.get("protocol")
    if protocol is not None and protocol not in ("xml-rpc", "soap", "http-post"):
        ctx.report("InvalidValue", element, value=protocol)


def check_enclosure(element: Element, ctx: Context, value: str) -> None:
    url = element.get("url")
    length = element.get("length")
    media_type = element.get("type")
    for attribute, given in (("url", url), ("length", length), ("type", media_type)):
        if given is None:
            ctx.report("MissingAttribute", element, attribute=attribute)
    if url is not None and (
        not re.match(r"https?://", url, re.IGNORECASE) or values.check_uri(url, full=True)
    ):
        ctx.report("InvalidURLAttribute", element, attribute="url", value=url)
    if length is not None:
        if re.fullmatch(r"-\d+", length.strip()):
            ctx.report("UseZeroForUnknown", element, attribute="length", value=length)
        elif values.check_non_negative_integer(length):
            ctx.report("InvalidIntegerAttribute", element, attribute="length", value=length)  # fmt: skip
    if media_type is not None and values.check_mime_type(media_type):
        ctx.report("InvalidMIMEAttribute", element, attribute="type", value=media_type)


_SMALL_INTEGER = re.compile(r"\d{1,9}\Z")


def check_guid(element: Element, ctx: Context, value: str) -> None:
    for attribute in element.attrib:
        if attribute != "isPermaLink":
            ctx.report("UnexpectedAttribute", element, attribute=attribute)
    flag = element.get("isPermaLink")
    if flag is not None and flag not in ("true", "false"):
        ctx.report("InvalidBooleanAttribute", element, attribute="isPermaLink", value=flag)  # fmt: skip
    if not value:
        ctx.report("NotBlank", element)
    if flag == "false":
        if _SMALL_INTEGER.match(value):
            ctx.report("NotSufficientlyUnique", element, value=value)
    elif value.lower().startswith(("urn:", "tag:")):
        ctx.report("InvalidPermalink", element, value=value)
    elif not value or values.check_uri(value, full=True):
        ctx.report("InvalidHttpGUID", element, value=value)
    facts = _facts(ctx)
    if value:
        if value in facts.guids:
            ctx.report("DuplicateValue", element, value=value)
        facts.guids.add(value)


def check_source(element: Element, ctx: Context, value: str) -> None:
    url = element.get("url")
    if url is None:
        ctx.report("MissingAttribute", element, attribute="url")
    else:
        code = values.check_uri(url, full=True)
        if code:
            ctx.report(code, element, value=url)
    check_plain_text(element, ctx, value)


_IMAGE_CHILDREN: dict[str, ValueCheck] = {
    "url": check_full_uri,
    "title": check_plain_text,
    "link": check_full_uri,
    "width": no_check,
    "height": no_check,
    "description": check_plain_text,
}


def check_image(element: Element, ctx: Context, value: str) -> None:
    _check_children(element, ctx, _IMAGE_CHILDREN, repeatable=())
    for required, code in (("url", "MissingElement"), ("title", "MissingTitle"),
                           ("link", "MissingLink")):  # fmt: skip
        if element.find(required) is None:
            ctx.report(code, element, element=required, parent=name_of(element))
    for name, limit, code in (("width", 144, "InvalidWidth"), ("height", 400, "InvalidHeight")):
        child = element.find(name)
        if child is not None:
            size = text_of(child)
            if not size.isdigit() or not 0 < int(size) <= limit:
                ctx.report(code, child, value=size)
    url = element.find("url")
    if url is not None:
        last_segment = text_of(url).lower().split("?")[0].split("#")[0].rsplit("/", 1)[-1]
        extension = last_segment.rsplit(".", 1)[1] if "." in last_segment else None
        if extension is not None and extension not in ("jpg", "jpeg", "gif", "png"):
            ctx.report("ImageUrlFormat", url, value=text_of(url))
    channel = element.getparent()
    if channel is not None and channel.tag == CHANNEL:
        for name, code in (("title", "ImageTitleDoesntMatch"), ("link", "ImageLinkDoesntMatch")):
            mine, theirs = element.find(name), channel.find(name)
            if mine is not None and theirs is not None and text_of(mine) != text_of(theirs):
                ctx.report(code, mine, value=text_of(mine))


_TEXT_INPUT_CHILDREN: dict[str, ValueCheck] = {
    "title": check_plain_text,
    "description": check_plain_text,
    "name": no_check,
    "link": check_full_uri,
}


def check_text_input(element: Element, ctx: Context, value: str) -> None:
    ctx.report("AvoidTextInput", element)
    _check_children(element, ctx, _TEXT_INPUT_CHILDREN, repeatable=())
    for required, code in (("title", "MissingTitle"), ("description", "MissingDescription"),
                           ("name", "MissingElement"), ("link", "MissingLink")):  # fmt: skip
        if element.find(required) is None:
            ctx.report(code, element, element=required, parent=name_of(element))


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def check_skip_hours(element: Element, ctx: Context, value: str) -> None:
    _check_skip(element, ctx, "hour")


def check_skip_days(element: Element, ctx: Context, value: str) -> None:
    _check_skip(element, ctx, "day")


def _check_skip(element: Element, ctx: Context, child_name: str) -> None:
    seen: set[str] = set()
    found = False
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag != child_name:
            _report_unknown(child, ctx)
            continue
        found = True
        value = text_of(child)
        if child_name == "hour":
            if not value.isdigit() or int(value) > 24:
                ctx.report("InvalidHour", child, value=value)
                continue
            if int(value) == 24:
                ctx.report("UseZeroForMidnight", child, value=value)
                value = "0"
            value = str(int(value))
        elif value not in _DAYS:
            ctx.report("InvalidDay", child, value=value)
            continue
        if value in seen:
            ctx.report("DuplicateValue", child, value=value)
        seen.add(value)
    if not found:
        ctx.report("MissingElement", element, element=child_name, parent=name_of(element))


# ---------------------------------------------------------------------------------------------
# channel and item

CHANNEL_CHILDREN: dict[str, ValueCheck] = {
    "title": check_title,
    "link": check_full_uri,
    "description": no_check,
    "language": check_language,
    "copyright": check_plain_text,
    "managingEditor": check_contact,
    "webMaster": check_contact,
    "pubDate": check_rfc822,
    "lastBuildDate": check_rfc822,
    "category": check_category,
    "generator": check_plain_text,
    "docs": check_full_uri,
    "cloud": check_cloud,
    "ttl": check_ttl,
    "image": check_image,
    "rating": no_check,
    "textInput": check_text_input,
    "skipHours": check_skip_hours,
    "skipDays": check_skip_days,
    "item": no_check,
}

ITEM_CHILDREN: dict[str, ValueCheck] = {
    "title": check_title,
    "link": check_full_uri,
    "description": check_description,
    "author": check_contact,
    "category": check_category,
    "comments": check_full_uri,
    "enclosure": check_enclosure,
    "guid": check_guid,
    "pubDate": check_rfc822,
    "source": check_source,
}


def _report_unknown(element: Element, ctx: Context) -> None:
    parent = element.getparent()
    ctx.report("UndefinedElement", element, element=name_of(element),
               parent=name_of(parent) if parent is not None else "")  # fmt: skip


def _check_children(
    element: Element,
    ctx: Context,
    known: dict[str, ValueCheck],
    repeatable: tuple[str, ...],
) -> None:
    """Check each un-namespaced child's value, and that it is known and not repeated."""
    counts: Counter[str] = Counter()
    parent_name = name_of(element)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        namespace, local = split(child.tag)
        if namespace:
            continue  # extension elements have their own rules
        check = known.get(local)
        if check is None:
            if local == "blink" and element.tag == CHANNEL:
                ctx.report("NoBlink", child)
            else:
                _report_unknown(child, ctx)
            continue
        counts[local] += 1
        if counts[local] == 2 and local not in repeatable:
            ctx.report("DuplicateElement", child, element=local, parent=parent_name)
        if counts[local] == 1 or local in repeatable:
            value = text_of(child)
            check(child, ctx, value)
            if values.looks_double_encoded(value):
                ctx.report("BadCharacters", child)
        _check_no_children(child, ctx, check)
    stray = [element.text] + [child.tail for child in element]
    if any(text and text.strip() for text in stray):
        ctx.report("UnexpectedText", element)


_STRUCTURED = {check_cloud, check_image, check_text_input, check_skip_hours, check_skip_days}


def _check_no_children(element: Element, ctx: Context, check: ValueCheck) -> None:
    """Simple elements hold text only; a child element there is undefined."""
    if check in _STRUCTURED or element.tag == ITEM:
        return
    for child in element:
        if isinstance(child.tag, str) and not split(child.tag)[0]:
            _report_unknown(child, ctx)


@rule(ITEM)
def check_item(item: Element, ctx: Context) -> None:
    parent = item.getparent()
    if parent is None or parent.tag != CHANNEL:
        return
    _check_children(item, ctx, ITEM_CHILDREN, repeatable=("category", "enclosure"))
    children = first_children(item)
    if "title" not in children and "description" not in children:
        ctx.report("ItemMustContainTitleOrDescription", item)
    if "guid" not in children and not _is_version_091(parent.getparent()):
        ctx.report("MissingGuid", item)
    enclosures = item.findall("enclosure") if "enclosure" in children else []
    if len(enclosures) > 1:
        ctx.report("DuplicateEnclosure", enclosures[1], element="enclosure", parent="item")
    encoded = children.get(CONTENT_ENCODED)
    if encoded is not None:
        description = children.get("description")
        if description is None or _position(item, description) > _position(item, encoded):
            ctx.report("NeedDescriptionBeforeContent", item)
    _check_duplicate_semantics(item, ctx, children, ITEM_SEMANTICS, "DuplicateItemSemantics")


def _is_version_091(rss: Element | None) -> bool:
    """RSS 0.91 and 0.92 have no guid and no self link to advise."""
    return rss is not None and (rss.get("version") or "").strip().startswith("0.")


def _position(parent: Element, child: Element) -> int:
    return list(parent).index(child)


# Core elements and the extension elements that say the same thing.
CHANNEL_SEMANTICS = (
    ("generator", tag("http://webns.net/mvcb/", "generatorAgent")),
    ("copyright", tag(DC, "rights")),
    ("managingEditor", tag(DC, "creator")),
    ("pubDate", tag(DC, "date")),
    ("language", tag(DC, "language")),
    ("lastBuildDate", tag(DCTERMS, "modified")),
    ("webMaster", tag(DC, "publisher")),
    (tag("http://backend.userland.com/creativeCommonsRssModule", "license"),
     tag("http://web.resource.org/cc/", "license")),
)  # fmt: skip
ITEM_SEMANTICS = (
    ("guid", tag(ATOM, "id")),
    ("pubDate", tag(DC, "date")),
    ("source", tag(DC, "source")),
    ("author", tag(DC, "creator")),
    ("category", tag(DC, "subject")),
    (tag("http://backend.userland.com/creativeCommonsRssModule", "license"),
     tag("http://web.resource.org/cc/", "license")),
)  # fmt: skip


def _check_duplicate_semantics(
    element: Element,
    ctx: Context,
    children: dict[str, Element],
    pairs: tuple[tuple[str, str], ...],
    code: str,
) -> None:
    for core, extension in pairs:
        twin = children.get(extension)
        if twin is not None and core in children:
            ctx.report(code, twin, core=core, element=name_of(twin), parent=name_of(element))


@rule(CHANNEL)
def check_channel(channel: Element, ctx: Context) -> None:
    parent = channel.getparent()
    if parent is None:
        ctx.report("UndefinedElement", channel, element="channel", parent="the document")
        return
    if parent.tag != RSS:
        return
    _check_children(channel, ctx, CHANNEL_CHILDREN, repeatable=("category", "item"))
    for required, code in (("title", "MissingTitle"), ("link", "MissingLink"),
                           ("description", "MissingDescription")):  # fmt: skip
        if channel.find(required) is None:
            ctx.report(code, channel, element=required, parent="channel")
    _check_item_placement(channel, ctx)
    _check_duplicate_semantics(channel, ctx, first_children(channel), CHANNEL_SEMANTICS, "DuplicateSemantics")
    _check_self_link(channel, ctx)


def _check_item_placement(channel: Element, ctx: Context) -> None:
    seen_item = False
    for child in channel:
        if not isinstance(child.tag, str):
            continue
        if child.tag == ITEM:
            seen_item = True
        elif seen_item and not split(child.tag)[0]:
            ctx.report("MisplacedItem", child, element=name_of(child), parent="channel")
            return


def _check_self_link(channel: Element, ctx: Context) -> None:
    if _is_version_091(channel.getparent()):
        return
    selves = [link for link in channel.findall(ATOM_LINK) if link.get("rel") == "self"]
    if not selves:
        ctx.report("MissingAtomSelfLink", channel, element="channel")
        return
    if ctx.location is None:
        return
    href = (selves[0].get("href") or "").strip()
    try:
        resolved = urljoin(ctx.base(selves[0]) or "", href)
    except ValueError:  # not even splittable ("http://["): it matches no address
        resolved = None
    if resolved != ctx.location:
        ctx.report("SelfDoesntMatchLocation", selves[0], value=href, location=ctx.location)


@rule(RSS)
def check_rss(rss: Element, ctx: Context) -> None:
    if rss.getparent() is not None:
        return
    version = rss.get("version")
    doctype = ctx.doctype
    if doctype is not None and "rss-0.91" in (doctype.system_url or ""):
        ctx.report("DeprecatedDTD", 1, value=doctype.system_url)
        if (version or "").strip() != "0.91":
            ctx.report("InvalidDoctype", 1, value=doctype.public_id or "")
    if version is None:
        ctx.report("MissingAttribute", rss, element="rss", attribute="version")
    elif version.strip() not in KNOWN_VERSIONS:
        ctx.report("InvalidRSSVersion", rss, value=version)
    channels = rss.findall("channel")
    if not channels:
        ctx.report("MissingElement", rss, element="channel", parent="rss")
    for extra in channels[1:]:
        ctx.report("DuplicateElement", extra, element="channel", parent="rss")
    for child in rss:
        if isinstance(child.tag, str) and child.tag != CHANNEL and not split(child.tag)[0]:
            _report_unknown(child, ctx)
    if (rss.text or "").strip():
        ctx.report("UnexpectedText", rss, element="rss", parent="")
