"""RSS 2.0 and 0.91/0.92 rules: the rss root, channel, item and their sub-elements."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.entities import name2codepoint
from typing import Literal
from urllib.parse import unquote, urljoin

from feedtool.validate import rss_codes, rss_html, values
from feedtool.validate.engine import (
    Context,
    Element,
    first_children,
    name_of,
    root,
    rule,
    streamed,
    unknown_root_rule,
)
from feedtool.validate.namespaces import (
    ATOM,
    CONTENT,
    DC,
    DCTERMS,
    RDF,
    XML,
    canonical_tag,
    known_namespace,
    split,
    tag,
)

rss_codes.ensure_defined()

RSS = tag("", "rss")
CHANNEL = tag("", "channel")
ITEM = tag("", "item")
ATOM_LINK = tag(ATOM, "link")
ATOM_PUBLISHED = tag(ATOM, "published")
CONTENT_ENCODED = tag(CONTENT, "encoded")

root(RSS, "rss")
streamed(ITEM)

# The versions of the rss element's family that were published (0.93 and 0.94 never were).
KNOWN_VERSIONS = ("0.91", "0.92", "2.0")
NETSCAPE_DTD_ID = "-//Netscape Communications//DTD RSS 0.91//EN"
NETSCAPE_DTD_URL = "http://my.netscape.com/publish/formats/rss-0.91.dtd"
# A channel whose docs name this page follows the RSS Advisory Board's specification, which
# allows namespaced attributes on RSS elements.
RSS_BOARD_SPEC = "http://www.rssboard.org/rss-specification"

ValueCheck = Callable[[Element, Context, str], None]


@dataclass(slots=True)
class _FeedFacts:
    """What rules tell each other about one feed (items are emptied once checked)."""

    guids: set[str] = field(default_factory=set)
    atom_ids: set[str] = field(default_factory=set)
    version: str | None = None
    # (line, element, attribute) of namespaced attributes on RSS elements, reported at the end
    # unless the channel says it follows the RSS Advisory Board's specification.
    extension_attributes: list[tuple[int | None, str, str]] = field(default_factory=list)


def _facts(ctx: Context) -> _FeedFacts:
    return ctx.facts(__name__, _FeedFacts)


def rss_version(element: Element, ctx: Context) -> str:
    """The feed's RSS version as the rules read it: a missing version attribute means 2.0."""
    facts = _facts(ctx)
    if facts.version is None:
        document = element.getroottree().getroot()
        facts.version = document.get("version") or "2.0" if document.tag == RSS else ""
    return facts.version


def text_of(element: Element) -> str:
    """The element's text content, stripped as the W3C validator strips it."""
    if len(element) == 0:  # no child nodes at all (the usual case): its text is all there is
        return (element.text or "").strip()
    return "".join(element.itertext()).strip()


def attribute_name(element: Element, clark: str) -> str:
    """How messages name an attribute: `prefix:local` as declared, or `local`."""
    namespace, local = split(clark)
    if not namespace:
        return local
    if namespace == XML:
        return f"xml:{local}"
    prefix = next((p for p, uri in element.nsmap.items() if uri == namespace and p), None)
    return f"{prefix}:{local}" if prefix else clark


# ---------------------------------------------------------------------------------------------
# Value checks for simple elements: each reports its own problems.


def value_check(checker: Callable[[str], str | None]) -> ValueCheck:
    """A check that reports the code a value checker (from `values`) returns, if any."""

    def check(element: Element, ctx: Context, value: str) -> None:
        code = checker(value)
        if code:
            ctx.report(code, element, value=value)

    return check


_HTML_END_TAG = re.compile(r"</(\w+)>")
_ENTITY_REFERENCE = re.compile(r"&(#?\w+)")
_MARKUP_START = re.compile(r"&#[x0-9]|<[/a-zA-Z]")


def plain_text_problem(text: str, *, hex_encoded: bool = False, rss2: bool = False) -> tuple[str, str] | None:
    """(code, evidence) when text readers show as is looks like HTML.

    An HTML end tag is markup (ContainsHTML); so is an entity reference left in the text
    (`&amp;amp;`, `&#38;`), unless the publisher wrote `&` and `<` as hexadecimal references
    the way the RSS Profile recommends (`hex_encoded`: the element's source does). In RSS 2.0,
    text starting a tag or a character reference (`<b`, `&#`) is ambiguous character data.
    """
    for name in _HTML_END_TAG.findall(text):
        if name.lower() in values.HTML_TAGS:
            return "ContainsHTML", f"</{name}>"
    references = _ENTITY_REFERENCE.findall(text)
    if references:
        if not hex_encoded:
            for name in references:
                if name in name2codepoint or name == "apos" or not name.isalpha():
                    return "ContainsHTML", f"&{name};"
        return None
    if rss2 and not hex_encoded and _MARKUP_START.search(text):
        return "CharacterData", text
    return None


def hex_encoded(element: Element, ctx: Context) -> bool:
    """Whether the element's source lines use hexadecimal character references (`&#x26;`)."""
    lines = ctx.hex_reference_lines
    if not lines or element.sourceline is None:
        return False
    first = element.sourceline
    last = first + (element.text or "").count("\n")
    return any(line in lines for line in range(first, last + 1))


def text_problem(element: Element, ctx: Context, text: str) -> tuple[str, str] | None:
    """`plain_text_problem` for text of `element` (its content or one of its attributes)."""
    rss2 = ctx.format == "rss" and rss_version(element, ctx).startswith("2.")
    return plain_text_problem(text, hex_encoded=hex_encoded(element, ctx), rss2=rss2)


def check_plain_text(element: Element, ctx: Context, value: str) -> None:
    """Text that readers show as is: markup in it would appear literally."""
    found = text_problem(element, ctx, value)
    if found:
        ctx.report(found[0], element, value=found[1])


def check_title(element: Element, ctx: Context, value: str) -> None:
    if not value:
        ctx.report("NotBlank", element)
    check_plain_text(element, ctx, value)


check_full_uri = value_check(lambda value: values.check_uri(value, full=True))
check_rfc822 = value_check(values.check_rfc822_date)
check_language = value_check(values.check_language)


def check_contact(element: Element, ctx: Context, value: str) -> None:
    """An e-mail contact (author, managingEditor, webMaster): `address (Real Name)`."""
    if value.startswith("mailto:"):
        value = unquote(value.removeprefix("mailto:"))
    if value.find("@") > 0 and not value.endswith(")"):
        ctx.report("EmailFormat" if value.find(" ") > 0 else "MissingRealName", element, value=value)
        return
    check_plain_text(element, ctx, value)
    invalid = values.check_email(value)
    if invalid:
        ctx.report(invalid, element, value=value)


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
    if rss_version(element, ctx) == "0.91":
        check_plain_text(element, ctx, value)
    else:
        check_html(element, ctx, value)


def no_check(element: Element, ctx: Context, value: str) -> None:
    """Elements whose value RSS leaves free (generator, rating, ...)."""


def check_docs(element: Element, ctx: Context, value: str) -> None:
    check_full_uri(element, ctx, value)


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


_INTEGER = re.compile(r"\s*[+-]?\d+\s*\Z")


def check_enclosure(element: Element, ctx: Context, value: str) -> None:
    url = element.get("url")
    length = element.get("length")
    media_type = element.get("type")
    for attribute, given in (("url", url), ("length", length), ("type", media_type)):
        if given is None:
            ctx.report("MissingAttribute", element, attribute=attribute)
    if url is not None and values.check_http_url(url):
        ctx.report("InvalidURLAttribute", element, attribute="url", value=url)
    if length is not None:
        if not _INTEGER.match(length):
            ctx.report("InvalidIntegerAttribute", element, attribute="length", value=length)
        elif int(length) == -1:
            ctx.report("UseZeroForUnknown", element, attribute="length", value=length)
        elif int(length) < 0:
            ctx.report("InvalidNonNegativeInteger", element, attribute="length", value=length)
    if media_type is not None and values.check_mime_type(media_type):
        ctx.report("InvalidMIMEAttribute", element, attribute="type", value=media_type)


_SMALL_INTEGER = re.compile(r"\d{1,8}\Z")


def check_guid(element: Element, ctx: Context, value: str) -> None:
    flag = element.get("isPermaLink")
    if flag is not None and flag not in ("true", "false"):
        ctx.report("InvalidBooleanAttribute", element, attribute="isPermaLink", value=flag)
    if not value:
        ctx.report("NotBlank", element)
    if flag is None or flag == "true":
        code = values.check_uri(value, full=True)
        if code in ("InvalidFullLink", "UriNotIri"):
            code = "InvalidHttpGUID"
        if code:
            ctx.report(code, element, value=value)
        elif value.lower().startswith(("tag:", "urn:uuid:")):
            ctx.report("InvalidPermalink", element, value=value)
    elif _SMALL_INTEGER.match(value):
        ctx.report("NotSufficientlyUnique", element, value=value)
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
            ctx.report(code, element, attribute="url", value=url)
    check_plain_text(element, ctx, value)


def check_image_title(element: Element, ctx: Context, value: str) -> None:
    if not value:
        ctx.report("NotBlank", element)
    else:
        check_plain_text(element, ctx, value)
    _check_matches_channel(element, ctx, value, "ImageTitleDoesntMatch")


def check_image_link(element: Element, ctx: Context, value: str) -> None:
    check_full_uri(element, ctx, value)
    _check_matches_channel(element, ctx, value, "ImageLinkDoesntMatch")


def _check_matches_channel(element: Element, ctx: Context, value: str, code: str) -> None:
    """The image repeats the channel's title and link (when the channel gave them first)."""
    image = element.getparent()
    channel = image.getparent() if image is not None else None
    if channel is None or channel.tag != CHANNEL:
        return
    theirs = channel.find(split(element.tag)[1])
    if theirs is None or theirs.sourceline is None or element.sourceline is None:
        return
    if theirs.sourceline <= element.sourceline and text_of(theirs) and text_of(theirs) != value:
        ctx.report(code, element, value=value)


_WORD = re.compile(r"\w+\Z")


def check_image_url(element: Element, ctx: Context, value: str) -> None:
    check_full_uri(element, ctx, value)
    extension = value.rsplit(".", 1)[-1].lower()
    if _WORD.match(extension) and extension not in ("jpg", "jpeg", "gif", "png"):
        ctx.report("ImageUrlFormat", element, value=value)


def _pixels(limit: int, code: str) -> ValueCheck:
    def check(element: Element, ctx: Context, value: str) -> None:
        if not _INTEGER.match(value) or not 0 < int(value) <= limit:
            ctx.report(code, element, value=value)

    return check


_FORM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*\Z")


def check_form_name(element: Element, ctx: Context, value: str) -> None:
    """A textInput name names an HTML form control: a letter, then letters, digits, : . _ -"""
    if not _FORM_NAME.match(value):
        ctx.report("InvalidFormComponentName", element, value=value)


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def check_skip_hours(element: Element, ctx: Context, value: str) -> None:
    _check_children(element, ctx, {"hour": Core(no_check, repeatable=True)})
    _check_skip(element, ctx, "hour", 24, "NotEnoughHoursInTheDay")


def check_skip_days(element: Element, ctx: Context, value: str) -> None:
    _check_children(element, ctx, {"day": Core(no_check, repeatable=True)})
    _check_skip(element, ctx, "day", 7, "EightDaysAWeek")


def _check_skip(element: Element, ctx: Context, child_name: str, most: int, too_many: str) -> None:
    seen: set[str] = set()
    count = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue
        count += 1
        if child.tag != child_name:
            continue
        value = text_of(child)
        if child_name == "hour":
            if not _INTEGER.match(value) or not 0 <= int(value) <= 24:
                ctx.report("InvalidHour", child, value=value)
                continue
            if int(value) == 24:
                ctx.report("UseZeroForMidnight", child, value=value)
            value = str(int(value) % 24)
        elif value not in _DAYS:
            ctx.report("InvalidDay", child, value=value)
            continue
        if value in seen:
            ctx.report("DuplicateValue", child, value=value)
        seen.add(value)
    if count > most:
        ctx.report(too_many, element)
    if element.find(child_name) is None:
        ctx.report("MissingElement", element, element=child_name, parent=name_of(element))


# ---------------------------------------------------------------------------------------------
# What each RSS element holds

Holds = Literal["text", "elements", "nothing"]


@dataclass(frozen=True, slots=True)
class Core:
    """An RSS element inside another: its check, the attributes it takes (Clark names), whether
    it may repeat, and what it holds ("text"; "elements": its check judges its children;
    "nothing": attributes only)."""

    check: ValueCheck
    attributes: frozenset[str] | None = frozenset()
    repeatable: bool = False
    holds: Holds = "text"


_RDF_ABOUT = tag(RDF, "about")

IMAGE_CHILDREN = {
    "url": Core(check_image_url),
    "title": Core(check_image_title),
    "link": Core(check_image_link),
    "width": Core(_pixels(144, "InvalidWidth")),
    "height": Core(_pixels(400, "InvalidHeight")),
    "description": Core(check_plain_text),
}
TEXT_INPUT_CHILDREN = {
    "title": Core(check_plain_text),
    "description": Core(no_check),
    "name": Core(check_form_name),
    "link": Core(check_full_uri),
}


def check_image(element: Element, ctx: Context, value: str) -> None:
    _check_children(element, ctx, IMAGE_CHILDREN)
    if element.get(tag(RDF, "resource")) is not None:
        return  # an RSS 1.0 image reference that strayed into RSS 2.0
    for required, code in (("url", "MissingElement"), ("title", "MissingTitle"), ("link", "MissingLink")):
        if element.find(required) is None:
            ctx.report(code, element, element=required, parent=name_of(element))


def check_text_input(element: Element, ctx: Context, value: str) -> None:
    ctx.report("AvoidTextInput", element)
    _check_children(element, ctx, TEXT_INPUT_CHILDREN)
    for required, code in (("title", "MissingTitle"), ("description", "MissingDescription"),
                           ("name", "MissingElement"), ("link", "MissingLink")):  # fmt: skip
        if element.find(required) is None:
            ctx.report(code, element, element=required, parent=name_of(element))


def check_textinput_lowercase(element: Element, ctx: Context, value: str) -> None:
    """textinput is RSS 1.0's spelling; in RSS 2.0 it is textInput."""
    if element.get(_RDF_ABOUT) is None:
        ctx.report("UndefinedElement", element)


def check_blink(element: Element, ctx: Context, value: str) -> None:
    ctx.report("NoBlink", element)


CHANNEL_CHILDREN: dict[str, Core] = {
    "title": Core(check_title),
    "link": Core(check_full_uri),
    "description": Core(check_plain_text),
    "language": Core(check_language),
    "copyright": Core(check_plain_text),
    "managingEditor": Core(check_contact),
    "webMaster": Core(check_contact),
    "pubDate": Core(check_rfc822),
    "lastBuildDate": Core(check_rfc822),
    "category": Core(check_category, frozenset({"domain"}), repeatable=True),
    "generator": Core(no_check),
    "docs": Core(check_docs),
    "cloud": Core(check_cloud, frozenset({"domain", "port", "path", "registerProcedure", "protocol"}),
                  holds="nothing"),
    "ttl": Core(check_ttl),
    "image": Core(check_image, frozenset({tag(RDF, "resource"), _RDF_ABOUT, tag(RDF, "parseType")}),
                  holds="elements"),
    "rating": Core(no_check, repeatable=True),
    "textInput": Core(check_text_input, frozenset({_RDF_ABOUT}), holds="elements"),
    "textinput": Core(check_textinput_lowercase, None, holds="elements"),
    "skipHours": Core(check_skip_hours, holds="elements"),
    "skipDays": Core(check_skip_days, holds="elements"),
    "blink": Core(check_blink),
    "item": Core(no_check, repeatable=True, holds="elements"),
}  # fmt: skip

ITEM_CHILDREN: dict[str, Core] = {
    "title": Core(check_title),
    "link": Core(check_full_uri),
    "description": Core(check_description),
    "author": Core(check_contact),
    "category": Core(check_category, frozenset({"domain"}), repeatable=True),
    "comments": Core(check_full_uri),
    "enclosure": Core(check_enclosure, frozenset({"url", "length", "type"}), holds="nothing"),
    "guid": Core(check_guid, frozenset({"isPermaLink"})),
    "pubDate": Core(check_rfc822),
    "source": Core(check_source, frozenset({"url"})),
}

_XML_ATTRIBUTES = frozenset(tag(XML, name) for name in ("base", "id", "lang", "space"))


def check_attributes(element: Element, expected: frozenset[str] | None, ctx: Context) -> None:
    """Attributes RSS does not define on its own elements: undefined, unless they belong to an
    extension namespace (which the RSS Advisory Board's specification allows)."""
    if expected is None or not element.attrib:
        return
    for clark in element.attrib:
        if clark in expected or clark in _XML_ATTRIBUTES:
            continue
        namespace = split(clark)[0]
        if namespace and known_namespace(namespace) is None:
            _facts(ctx).extension_attributes.append(
                (element.sourceline, name_of(element), attribute_name(element, clark))
            )
            continue
        ctx.report("UnexpectedAttribute", element, attribute=attribute_name(element, clark))


def _check_children(element: Element, ctx: Context, known: dict[str, Core]) -> None:
    """Check each un-namespaced child: known here, not repeated, its attributes, its value and
    what it holds. (Namespaced children are the extension rules' business.)"""
    counts: dict[str, int] = {}  # (a Counter costs more to make than this whole loop)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        namespace, local = split(child.tag)
        if namespace:
            continue
        core = known.get(local)
        if core is None:
            ctx.report("UndefinedElement", child)
            continue
        counts[local] = counts.get(local, 0) + 1
        if counts[local] == 2 and not core.repeatable:
            if local == "enclosure":
                ctx.report("DuplicateEnclosure", child)
            else:
                ctx.report("DuplicateElement", child)
        check_attributes(child, core.attributes, ctx)
        value = text_of(child)
        core.check(child, ctx, value)
        if values.looks_double_encoded(value):
            ctx.report_bad_characters(child)
        if len(child) or core.holds == "nothing":
            _check_holds(child, core.holds, ctx)
    _check_stray_text(element, ctx)


def _check_holds(element: Element, holds: Holds, ctx: Context) -> None:
    if holds == "text":
        for child in element:
            if isinstance(child.tag, str):
                ctx.report("UndefinedElement", child)
                return
    elif holds == "nothing":
        if (element.text or "").strip():
            ctx.report("UnexpectedText", element)
        for child in element:
            if isinstance(child.tag, str) and not split(child.tag)[0]:
                ctx.report("UndefinedElement", child)


def _check_stray_text(element: Element, ctx: Context) -> None:
    stray = [element.text] + [child.tail for child in element]
    if any(text and text.strip() for text in stray):
        ctx.report("UnexpectedText", element)


@rule(ITEM)
def check_item(item: Element, ctx: Context) -> None:
    parent = item.getparent()
    if parent is None or parent.tag != CHANNEL:
        return
    check_attributes(item, frozenset(), ctx)
    _check_children(item, ctx, ITEM_CHILDREN)
    children = known_children(item)
    if "title" not in children and "description" not in children:
        ctx.report("ItemMustContainTitleOrDescription", item)
    if "guid" not in children and rss_version(item, ctx).startswith("2."):
        ctx.report("MissingGuid", item)
    encoded = children.get(CONTENT_ENCODED)
    if encoded is not None:
        description = children.get("description")
        if description is None or _position(item, description) > _position(item, encoded):
            ctx.report("NeedDescriptionBeforeContent", item)
    atom_id = children.get(tag(ATOM, "id"))
    if atom_id is not None:
        _check_unique_atom_id(atom_id, ctx)
    _check_duplicate_semantics(item, ctx, children, ITEM_SEMANTICS, "DuplicateItemSemantics")


def known_children(element: Element) -> dict[str, Element]:
    """The first child of each tag, keyed by its Clark name with mistyped known namespaces
    spelled right (`http://purl.org/dc/elements/1.1` is Dublin Core)."""
    return {canonical_tag(clark): child for clark, child in first_children(element).items()}


def _check_unique_atom_id(atom_id: Element, ctx: Context) -> None:
    value = text_of(atom_id)
    if not value:
        ctx.report("NotBlank", atom_id)
        return
    seen = _facts(ctx).atom_ids
    if value in seen:
        ctx.report("DuplicateValue", atom_id, value=value)
    seen.add(value)


def _position(parent: Element, child: Element) -> int:
    return list(parent).index(child)


# Core elements and the extension elements that say the same thing.
CREATIVE_COMMONS_LICENSE = tag("http://backend.userland.com/creativeCommonsRssModule", "license")
CC_LICENSE = tag("http://web.resource.org/cc/", "license")
CHANNEL_SEMANTICS = (
    ("generator", tag("http://webns.net/mvcb/", "generatorAgent")),
    ("copyright", tag(DC, "rights")),
    ("managingEditor", tag(DC, "creator")),
    ("pubDate", tag(DC, "date")),
    ("language", tag(DC, "language")),
    ("lastBuildDate", tag(DCTERMS, "modified")),
    ("webMaster", tag(DC, "publisher")),
    ("category", tag(DC, "subject")),
    (CREATIVE_COMMONS_LICENSE, CC_LICENSE),
)
ITEM_SEMANTICS = (
    ("guid", tag(ATOM, "id")),
    ("pubDate", tag(DC, "date")),
    ("pubDate", ATOM_PUBLISHED),
    ("source", tag(DC, "source")),
    ("author", tag(DC, "creator")),
    ("category", tag(DC, "subject")),
    (CREATIVE_COMMONS_LICENSE, CC_LICENSE),
)


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
            ctx.report(
                code, twin, core=name_of(children[core]), element=name_of(twin), parent=name_of(element)
            )


@rule(CHANNEL)
def check_channel(channel: Element, ctx: Context) -> None:
    parent = channel.getparent()
    if parent is None:
        ctx.report("UndefinedElement", channel, element="channel", parent="the document")
        return
    if parent.tag != RSS:
        return
    check_attributes(channel, frozenset({tag("urn:atom-extension:indexing", "index")}), ctx)
    _check_children(channel, ctx, CHANNEL_CHILDREN)
    for required, code in (("title", "MissingTitle"), ("link", "MissingLink"),
                           ("description", "MissingDescription")):  # fmt: skip
        if channel.find(required) is None:
            ctx.report(code, channel, element=required, parent="channel")
    _check_item_placement(channel, ctx)
    _check_duplicate_semantics(channel, ctx, known_children(channel), CHANNEL_SEMANTICS, "DuplicateSemantics")
    _check_self_link(channel, ctx)


# Channel elements that describe the channel, which belong before the items.
_METADATA = frozenset(CHANNEL_CHILDREN) - {"item", "rating", "blink"} | {ATOM_LINK}


def _check_item_placement(channel: Element, ctx: Context) -> None:
    seen_item = False
    for child in channel:
        if not isinstance(child.tag, str):
            continue
        if child.tag == ITEM:
            seen_item = True
        elif seen_item and child.tag in _METADATA:
            ctx.report("MisplacedItem", child, parent="channel")
            return


def _check_self_link(channel: Element, ctx: Context) -> None:
    if rss_version(channel, ctx) != "2.0":
        return
    selves = [link for link in channel.findall(ATOM_LINK) if link.get("rel") == "self"]
    if not selves:
        ctx.report("MissingAtomSelfLink", channel, element="channel")
        return
    check_self_location(selves[0], ctx)


def check_self_location(link: Element, ctx: Context) -> None:
    """A self link must name the address the feed is served at (when we know it)."""
    if ctx.location is None:
        return
    href = (link.get("href") or "").strip()
    try:
        resolved = urljoin(ctx.base(link) or "", href)
    except ValueError:  # not even splittable ("http://["): it matches no address
        resolved = None
    if resolved != ctx.location:
        ctx.report("SelfDoesntMatchLocation", link, value=href, location=ctx.location)


@rule(RSS)
def check_rss(rss: Element, ctx: Context) -> None:
    if rss.getparent() is not None:
        return
    version = rss.get("version")
    doctype = ctx.doctype
    netscape = doctype is not None and doctype.public_id == NETSCAPE_DTD_ID
    if doctype is not None and doctype.system_url == NETSCAPE_DTD_URL:
        ctx.report("DeprecatedDTD", 1, value=doctype.system_url)
    if version is None:
        ctx.report("MissingAttribute", rss, element="rss", attribute="version")
    elif netscape and version != "0.91":
        ctx.report("InvalidDoctype", 1, value=doctype.public_id if doctype else "")
    elif not netscape and version not in KNOWN_VERSIONS:
        ctx.report("InvalidRSSVersion", rss, value=version)
    check_attributes(rss, frozenset({"version"}), ctx)
    channels = rss.findall("channel")
    if not channels:
        ctx.report("MissingElement", rss, element="channel", parent="rss")
    for extra in channels[1:]:
        ctx.report("DuplicateElement", extra, element="channel", parent="rss")
    for child in rss:
        if isinstance(child.tag, str) and child.tag != CHANNEL and not split(child.tag)[0]:
            ctx.report("UndefinedElement", child)
    if (rss.text or "").strip():
        ctx.report("UnexpectedText", rss, element="rss", parent="")
    _report_extension_attributes(channels[0] if channels else None, ctx)


def _report_extension_attributes(channel: Element | None, ctx: Context) -> None:
    docs = channel.find("docs") if channel is not None else None
    if docs is not None and text_of(docs) == RSS_BOARD_SPEC:
        return
    for line, element, attribute in _facts(ctx).extension_attributes:
        ctx.report("UseOfExtensionAttr", line, element=element, attribute=attribute)


@unknown_root_rule
def check_namespaced_rss(root_element: Element, ctx: Context) -> None:
    """RSS 2.0's elements are in no namespace: an rss root in one (some early RSS 2.0 feeds
    declared one) is reported, and the feed is read as RSS without it."""
    namespace, local = split(root_element.tag)
    if local == "rss":
        ctx.report("InvalidNamespace", root_element, value=namespace)
        ctx.unnamespaced = namespace
