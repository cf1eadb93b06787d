"""Atom Publishing Protocol documents (RFC 5023): service documents and category documents."""

from __future__ import annotations

import re

from feedtool.validate import values
from feedtool.validate.codes import define
from feedtool.validate.engine import Context, Element, name_of, rule
from feedtool.validate.namespaces import APP, ATOM, split, tag

SERVICE = tag(APP, "service")
WORKSPACE = tag(APP, "workspace")
COLLECTION = tag(APP, "collection")
CATEGORIES = tag(APP, "categories")
ACCEPT = tag(APP, "accept")
ATOM_TITLE = tag(ATOM, "title")

_MEDIA_RANGE = re.compile(r"(?:\*/\*|[\w.+-]+/\*|[\w.+-]+/[\w.+-]+)\Z")


def _children(element: Element, allowed_app: tuple[str, ...], ctx: Context) -> None:
    """App elements that do not belong here are undefined; Atom ones are questionable."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        namespace, local = split(child.tag)
        if namespace == APP and local not in allowed_app:
            ctx.report("UndefinedElement", child)
        elif namespace == ATOM and child.tag != ATOM_TITLE:
            ctx.report("QuestionableUsage", child)


def _require_title(element: Element, ctx: Context) -> None:
    if element.find(ATOM_TITLE) is None:
        ctx.report("MissingElement", element, element="atom:title", parent=name_of(element))


@rule(SERVICE)
def check_service(service: Element, ctx: Context) -> None:
    _children(service, ("workspace",), ctx)
    if service.find(ATOM_TITLE) is not None:
        ctx.report("QuestionableUsage", service.find(ATOM_TITLE))
    if service.find(WORKSPACE) is None:
        ctx.report("MissingElement", service, element="app:workspace", parent=name_of(service))


@rule(WORKSPACE)
def check_workspace(workspace: Element, ctx: Context) -> None:
    _children(workspace, ("collection",), ctx)
    _require_title(workspace, ctx)


@rule(COLLECTION)
def check_collection(collection: Element, ctx: Context) -> None:
    _children(collection, ("accept", "categories"), ctx)
    _require_title(collection, ctx)
    href = collection.get("href")
    if href is None:
        ctx.report("MissingAttribute", collection, attribute="href")
    else:
        code = values.check_iri(href)
        if code is not None:
            ctx.report(code, collection, value=href, attribute="href")


@rule(ACCEPT)
def check_accept(accept: Element, ctx: Context) -> None:
    for media_range in filter(None, (part.strip() for part in (accept.text or "").split(","))):
        kind, *parameters = (piece.strip() for piece in media_range.split(";"))
        if not _MEDIA_RANGE.match(kind):
            ctx.report("InvalidMIMEType", accept, value=media_range)
        for parameter in parameters:
            name = parameter.split("=", 1)[0].strip()
            if name != "type":
                ctx.report("UndefinedParam", accept, value=name)


@rule(CATEGORIES)
def check_categories(categories: Element, ctx: Context) -> None:
    fixed = categories.get("fixed")
    if fixed is not None and fixed not in ("yes", "no"):
        ctx.report("InvalidYesNo", categories, value=fixed, attribute="fixed")
    href = categories.get("href")
    if href is None:
        return
    code = values.check_iri(href)
    if code is not None:
        ctx.report(code, categories, value=href, attribute="href")
    for attribute in ("fixed", "scheme"):
        if categories.get(attribute) is not None:
            ctx.report("ConflictingCatAttr", categories, attribute=attribute)
    if any(isinstance(child.tag, str) for child in categories):
        ctx.report("ConflictingCatChildren", categories)


define(
    "UndefinedParam",
    "warning",
    "{element} uses the parameter {value!r}, which APP media ranges do not define",
    parents=["Warning"],
    why="APP clients match media ranges literally; quality values and other parameters "
    "are ignored or make the range unrecognisable.",
    fix="Drop the parameter (only type=entry on application/atom+xml has a meaning).",
    formats=("atom",),
)
define(
    "ConflictingCatAttr",
    "error",
    "{element} refers to an outside category document (href) and also has {attribute}",
    parents=["Error"],
    why="With href the categories live in another document; fixed and scheme belong there.",
    fix="Remove fixed and scheme, or list the categories inline without href.",
    formats=("atom",),
)
define(
    "ConflictingCatChildren",
    "error",
    "{element} refers to an outside category document (href) and also lists categories",
    parents=["Error"],
    why="Clients take the categories from the href document and ignore the inline ones.",
    fix="Either keep href, or list the categories inline without it.",
    formats=("atom",),
)
define(
    "QuestionableUsage",
    "warning",
    "{element} is allowed in {parent} but has no meaning there",
    parents=["Warning"],
    why="Clients ignore it; it usually means the element was meant for another place.",
    fix="Move the element where it means something, or remove it.",
    # Also Dublin Core, geo or atom:* elements in an RSS element that does not define them.
    formats=("atom", "rss", "rss1"),
)
