"""RSS 1.0 (and RSS 0.90, RSS 1.1) rules: the RDF envelope, channel, items, image, textinput."""

from __future__ import annotations

from collections import Counter

from feedtool.validate import rss_codes, values
from feedtool.validate.engine import Context, Element, name_of, root, rule, streamed, unknown_root_rule
from feedtool.validate.namespaces import ATOM, RDF, RSS1, RSS11, split, tag
from feedtool.validate.rules.extensions import is_known_namespace
from feedtool.validate.rules.rss import (
    ValueCheck,
    check_form_name,
    check_full_uri,
    check_html,
    check_image_title,
    check_plain_text,
    check_self_location,
    check_title,
    no_check,
    text_of,
)

rss_codes.ensure_defined()

RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
VOCABULARIES = (RSS1, RSS090, RSS11)
RDF_ROOT = tag(RDF, "RDF")
ABOUT = tag(RDF, "about")
RESOURCE = tag(RDF, "resource")
PARSE_TYPE = tag(RDF, "parseType")

root(RDF_ROOT, "rss1")
root(tag(RSS11, "Channel"), "rss1")
streamed(tag(RSS1, "item"), tag(RSS090, "item"))


def check_reference(element: Element, ctx: Context, value: str) -> None:
    """channel/image and channel/textinput point at the full element with rdf:resource."""
    if element.get(RESOURCE) is None:
        ctx.report("MissingAttribute", element, attribute="rdf:resource")


def check_items(element: Element, ctx: Context, value: str) -> None:
    for node in element.iter():
        if not isinstance(node.tag, str) or node.tag != tag(RDF, "li"):
            continue
        for attribute in node.attrib:
            if attribute not in (RESOURCE, tag("", "resource")):
                ctx.report("UnexpectedAttribute", node, attribute=attribute)


CHANNEL_CHILDREN: dict[str, ValueCheck] = {
    "title": check_title,
    "link": check_full_uri,
    "description": check_plain_text,
    "items": check_items,
    "image": check_reference,
    "textinput": check_reference,
}
ITEM_CHILDREN: dict[str, ValueCheck] = {
    "title": check_title,
    "link": check_full_uri,
    "description": check_html,
}
IMAGE_CHILDREN: dict[str, ValueCheck] = {
    "title": check_image_title,
    "url": check_full_uri,
    "link": check_full_uri,
}
TEXTINPUT_CHILDREN: dict[str, ValueCheck] = {
    "title": check_plain_text,
    "description": no_check,
    "name": check_form_name,
    "link": check_full_uri,
}
REQUIRED_CODES = {"title": "MissingTitle", "link": "MissingLink", "description": "MissingDescription"}


def _vocabulary(element: Element) -> str:
    return split(element.tag)[0]


def _check_about(element: Element, ctx: Context) -> None:
    about = element.get(ABOUT)
    if about is None:
        if _vocabulary(element) != RSS090:
            ctx.report("MissingAttribute", element, attribute="rdf:about")
        return
    code = values.check_uri(about)
    if code:
        ctx.report(code, element, value=about)
    seen: set[str] = ctx.state.setdefault(__name__ + ".about", set())
    if about in seen:
        ctx.report("DuplicateValue", element, value=about, element_name="rdf:about")
    seen.add(about)


def _check_children(
    element: Element,
    ctx: Context,
    known: dict[str, ValueCheck],
    required: tuple[str, ...],
    generic_missing: bool = False,
) -> None:
    vocabulary = _vocabulary(element)
    counts: Counter[str] = Counter()
    for child in element:
        if not isinstance(child.tag, str):
            continue
        namespace, local = split(child.tag)
        if not namespace:  # RDF gives meaning only through namespaces
            ctx.report("UndeterminableVocabulary", child)
            continue
        if namespace != vocabulary:
            continue  # RDF extensions
        check = known.get(local)
        if check is None:
            ctx.report("UndefinedElement", child)
            continue
        counts[local] += 1
        if counts[local] > 1:
            ctx.report("DuplicateElement", child, element=local, parent=name_of(element))
            continue
        check(child, ctx, text_of(child))
    for name in required:
        if counts[name] == 0:
            code = "MissingElement" if generic_missing else REQUIRED_CODES.get(name, "MissingElement")
            ctx.report(code, element, element=name, parent=name_of(element))


def _in_envelope(element: Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == RDF_ROOT


@rule(tag(RSS1, "channel"), tag(RSS090, "channel"))
def check_channel(channel: Element, ctx: Context) -> None:
    if not _in_envelope(channel):
        if channel.getparent() is not None:
            ctx.report("UndefinedElement", channel)
        return
    version_090 = _vocabulary(channel) == RSS090
    if not version_090:
        _check_about(channel, ctx)
    required = ("title", "link", "description") + (() if version_090 else ("items",))
    _check_children(channel, ctx, CHANNEL_CHILDREN, required)
    _check_self_links(channel, ctx)


def _check_self_links(channel: Element, ctx: Context) -> None:
    for link in channel.iterchildren(tag(ATOM, "link")):
        if link.get("rel") == "self":
            check_self_location(link, ctx)
            return


@rule(tag(RSS11, "Channel"))
def check_channel_11(channel: Element, ctx: Context) -> None:
    if channel.getparent() is not None:
        return
    _check_about(channel, ctx)
    known = {**CHANNEL_CHILDREN, "items": no_check, "image": no_check}
    _check_children(channel, ctx, known, ("title", "link", "description", "items"))
    abouts = {channel.get(ABOUT)}
    for node in channel.iterdescendants():
        about = node.get(ABOUT) if isinstance(node.tag, str) else None
        if about is None:
            continue
        if about in abouts and split(node.tag)[0] != RSS11:
            ctx.report("DuplicateValue", node, value=about, element="rdf:about")
        abouts.add(about)


@rule(tag(RSS1, "item"), tag(RSS090, "item"), tag(RSS11, "item"))
def check_item(item: Element, ctx: Context) -> None:
    parent = item.getparent()
    if parent is None:
        return
    if parent.tag not in (RDF_ROOT, tag(RSS11, "items")):
        ctx.report("UndefinedElement", item)
        ctx.report("InvalidRDF", item, detail="an item inside the channel")
        return
    if _vocabulary(item) != RSS11 or item.get(ABOUT) is not None:
        _check_about(item, ctx)
    _check_children(item, ctx, ITEM_CHILDREN, ("title", "link"), generic_missing=True)


@rule(tag(RSS1, "image"), tag(RSS090, "image"), tag(RSS11, "image"))
def check_image(image: Element, ctx: Context) -> None:
    parent = image.getparent()
    if parent is None or parent.tag not in (RDF_ROOT, tag(RSS11, "Channel")):
        return
    if parent.tag == RDF_ROOT:
        _check_about(image, ctx)
        _check_children(image, ctx, IMAGE_CHILDREN, ("title", "url", "link"))
        return
    _check_children(image, ctx, IMAGE_CHILDREN, ("title", "url"))
    mine, theirs = image.find(tag(RSS11, "link")), parent.find(tag(RSS11, "link"))
    if mine is not None and theirs is not None and text_of(mine) != text_of(theirs):
        ctx.report("ImageLinkDoesntMatch", mine, value=text_of(mine))


@rule(tag(RSS1, "textinput"), tag(RSS090, "textinput"))
def check_textinput(textinput: Element, ctx: Context) -> None:
    if not _in_envelope(textinput):
        return
    _check_about(textinput, ctx)
    _check_children(textinput, ctx, TEXTINPUT_CHILDREN, ("title", "description", "name", "link"))
    # Unlike channel and item, an RSS 1.0 textinput takes no elements of unknown modules.
    for child in textinput:
        namespace = split(child.tag)[0] if isinstance(child.tag, str) else None
        if (
            namespace is not None
            and namespace != _vocabulary(textinput)
            and not is_known_namespace(namespace)
        ):
            ctx.report("UndefinedElement", child)


@rule(RDF_ROOT)
def check_envelope(envelope: Element, ctx: Context) -> None:
    if envelope.getparent() is not None:
        return
    counts: Counter[str] = Counter()
    vocabulary = None
    for child in envelope:
        if not isinstance(child.tag, str):
            continue
        namespace, local = split(child.tag)
        if namespace in VOCABULARIES:
            vocabulary = namespace
            counts[local] += 1
            if local not in ("channel", "item", "image", "textinput"):
                ctx.report("UndefinedElement", child)
            elif counts[local] > 1 and local != "item":
                ctx.report("DuplicateElement", child, element=local, parent="rdf:RDF")
        elif local == "channel":
            if not namespace:
                ctx.report("UndeterminableVocabulary", child)
            else:
                ctx.report("UnknownNamespace", child, value=namespace, detail=namespace)
    if vocabulary is None or counts["channel"] == 0:
        ctx.report("MissingElement", envelope, element="channel", parent="rdf:RDF")


@unknown_root_rule
def check_misplaced_channel(root_element: Element, ctx: Context) -> None:
    """An RSS 1.1 Channel root outside the RSS 1.1 namespace."""
    namespace, local = split(root_element.tag)
    if local == "Channel":
        code = "InvalidNamespace" if namespace else "MissingNamespace"
        ctx.report(code, root_element, value=namespace)
