"""Extensions that ride on Atom feeds: FeedSync (sx), feed history (RFC 5005, fh), the
Atom Publishing Protocol's app:edited/app:control, and the xhtml:meta robots element."""

from __future__ import annotations

import re

from feedtool.validate import values
from feedtool.validate.codes import define
from feedtool.validate.engine import Context, Element, name_of, rule
from feedtool.validate.namespaces import APP, ATOM, XHTML, split, tag

SX = "http://feedsync.org/2007/feedsync"
FH = "http://purl.org/syndication/history/1.0"
FEED = tag(ATOM, "feed")
ENTRY = tag(ATOM, "entry")

# RFC 2141 namespace-specific string characters: what sx ids and "by" values may use.
_NSS = re.compile(r"(?:[a-zA-Z0-9()+,\-.:=@;$_!*']|%[0-9a-fA-F]{2})+\Z")
_MAX_INT32 = 2**31 - 1
ROBOTS_WORDS = frozenset(
    ["index", "noindex", "follow", "nofollow", "noarchive", "nosnippet", "noodp", "all", "none"]
)


def _date_attribute(element: Element, ctx: Context, name: str) -> None:
    value = element.get(name)
    if value is not None and values.parse_rfc3339_date(value) is None:
        ctx.report("InvalidRFC3339Date", element, value=value, attribute=name)


def _positive_attribute(element: Element, ctx: Context, name: str) -> None:
    value = element.get(name)
    if value is None:
        ctx.report("MissingAttribute", element, attribute=name)
    elif values.check_positive_integer(value):
        ctx.report("InvalidPositiveInteger", element, value=value, attribute=name)
    elif int(value) > _MAX_INT32:
        ctx.report("IntegerOverflow", element, value=value, attribute=name)


def _nss_attribute(element: Element, ctx: Context, name: str) -> None:
    value = element.get(name)
    if value is None:
        return
    if not value.strip():
        ctx.report("NotBlank", element, attribute=name)
    elif values.html_in_text(value) or re.search(r"<\w", value):
        ctx.report("ContainsHTML", element, value=value, attribute=name)
    if not _NSS.match(value):
        ctx.report("InvalidNSS", element, value=value, attribute=name)


@rule(tag(SX, "sharing"))
def check_sharing(sharing: Element, ctx: Context) -> None:
    for name in ("since", "until", "expires"):
        _date_attribute(sharing, ctx, name)
    since, until = sharing.get("since"), sharing.get("until")
    if until is not None and since is None:
        ctx.report("MissingAttribute", sharing, attribute="since")
    if since is not None and until is not None:
        start, end = values.parse_rfc3339_date(since), values.parse_rfc3339_date(until)
        if start and end and start > end:
            ctx.report("SinceAfterUntil", sharing, value=f"{since} > {until}")


@rule(tag(SX, "related"))
def check_related(related: Element, ctx: Context) -> None:
    link = related.get("link")
    if link is None:
        ctx.report("MissingAttribute", related, attribute="link")
    else:
        code = values.check_uri(link, full=True) if link.strip() else "InvalidFullLink"
        if code == "UriNotIri":
            code = "InvalidFullLink"  # an IRI where FeedSync wants a URI
        if code is not None:
            ctx.report(code, related, value=link, attribute="link")
    title = related.get("title")
    if title is not None:
        if not title.strip():
            ctx.report("NotBlank", related, attribute="title")
        elif values.html_in_text(title) or re.search(r"<\w", title):
            ctx.report("ContainsHTML", related, value=title, attribute="title")
    if related.get("type") not in ("complete", "aggregated"):
        ctx.report("InvalidSseType", related, value=related.get("type") or "")


@rule(tag(SX, "sync"))
def check_sync(sync: Element, ctx: Context) -> None:
    sync_id = sync.get("id")
    quoted = any(a.tag == tag(SX, "conflicts") for a in sync.iterancestors())
    if sync_id is None:
        ctx.report("MissingAttribute", sync, attribute="id")
    else:
        _nss_attribute(sync, ctx, "id")
        seen: set[str] = ctx.state.setdefault(f"{__name__}.sync-ids", set())
        if sync_id in seen and not quoted:
            ctx.report("DuplicateValue", sync, value=sync_id, attribute="id")
        if not quoted:
            seen.add(sync_id)
    _positive_attribute(sync, ctx, "updates")
    for name in ("deleted", "noconflicts"):
        value = sync.get(name)
        if value is not None and value not in ("true", "false"):
            ctx.report("InvalidTrueFalse", sync, value=value, attribute=name)
    if sync.find(tag(SX, "history")) is None:
        ctx.report("MissingElement", sync, element="sx:history", parent=name_of(sync))


@rule(tag(SX, "history"))
def check_history(history: Element, ctx: Context) -> None:
    _positive_attribute(history, ctx, "sequence")
    _date_attribute(history, ctx, "when")
    _nss_attribute(history, ctx, "by")
    has_when, has_by = history.get("when") is not None, history.get("by") is not None
    if not has_when and not has_by:
        ctx.report("MissingByAndWhenAttrs", history)
    elif not (has_when and has_by):
        missing = "by" if has_when else "when"
        ctx.report("MissingRecommendedAttribute", history, attribute=missing)


@rule(FEED)
def check_feed_history(feed: Element, ctx: Context) -> None:
    """RFC 5005: complete feeds have no paging links, archives point at the current feed."""
    complete = feed.find(tag(FH, "complete")) is not None
    archive = feed.find(tag(FH, "archive")) is not None
    links: dict[str, str] = {}
    for link in feed.iterchildren(tag(ATOM, "link")):
        links.setdefault(link.get("rel") or "alternate", (link.get("href") or "").strip())
    if complete:
        for rel in ("first", "last", "next", "previous"):
            if rel in links:
                ctx.report("FeedRelInCompleteFeed", feed, value=rel)
        if "current" in links and links["current"] != links.get("self"):
            ctx.report("CurrentNotSelfInCompleteFeed", feed, value=links["current"])
    elif archive:
        if "current" not in links:
            ctx.report("MissingCurrentInArchive", feed)
        if "prev-archive" not in links and "next-archive" not in links:
            ctx.report("ArchiveIncomplete", feed)
    self_href = links.get("self")
    if self_href:
        for rel, end in (("next", "last"), ("previous", "first")):
            if rel in links and links.get(end) == self_href:
                ctx.report("LinkPastEnd", feed, value=rel, detail=end)


@rule(tag(XHTML, "meta"))
def check_meta(meta: Element, ctx: Context) -> None:
    parent = meta.getparent()
    if parent is None or split(parent.tag)[0] != ATOM:
        return
    name, content = meta.get("name"), meta.get("content")
    if name is None:
        ctx.report("MissingAttribute", meta, attribute="name")
    elif name.lower() != "robots":
        ctx.report("InvalidMetaName", meta, value=name, attribute="name")
    if content is None:
        ctx.report("MissingAttribute", meta, attribute="content")
        return
    words = {word.strip().lower() for word in content.split(",")}
    contradictory = {"index", "noindex"} <= words or {"follow", "nofollow"} <= words
    if not words <= ROBOTS_WORDS or contradictory:
        ctx.report("InvalidMetaContent", meta, value=content, attribute="content")


@rule(tag(APP, "edited"), tag(APP, "control"))
def check_app_placement(element: Element, ctx: Context) -> None:
    """app:edited and app:control describe an entry; anywhere else in a feed they mean nothing."""
    parent = element.getparent()
    if parent is not None and split(parent.tag)[0] == ATOM and parent.tag != ENTRY:
        ctx.report("UndefinedElement", element)


@rule(tag(APP, "edited"))
def check_app_edited(edited: Element, ctx: Context) -> None:
    value = (edited.text or "").strip()
    code = values.check_rfc3339_date(value)
    if code is not None:
        ctx.report(code, edited, value=value)


@rule(tag(APP, "draft"))
def check_app_draft(draft: Element, ctx: Context) -> None:
    value = (draft.text or "").strip()
    if value not in ("yes", "no"):
        ctx.report("InvalidYesNo", draft, value=value)


define(
    "InvalidNSS",
    "error",
    "the {attribute} of {element} has characters a URN name may not contain: {value!r}",
    parents=["Error"],
    why="FeedSync ids and authors are URN name strings; other characters break the "
    "synchronisation of copies.",
    fix="Use letters, digits and ()+,-.:=@;$_!*' or %-escapes only.",
)
define(
    "IntegerOverflow",
    "error",
    "the {attribute} of {element} is larger than 2147483647: {value}",
    parents=["Error"],
    why="FeedSync counters are 32-bit integers; larger values overflow in readers.",
    fix="Keep the counter below 2147483648.",
)
define(
    "SinceAfterUntil",
    "error",
    "{element} covers no time: since is after until ({value})",
    parents=["Error"],
    why="The sharing window would be empty, so readers cannot tell which items it covers.",
    fix="Swap or correct the since and until dates.",
)
define(
    "InvalidSseType",
    "error",
    '{element} has type={value!r}; use "complete" or "aggregated"',
    parents=["Error"],
    why="Readers decide how to merge the related feed from its type.",
    fix='Write type="complete" or type="aggregated" (lower case).',
)
define(
    "MissingByAndWhenAttrs",
    "error",
    "{element} must say who (by) or when (when) it changed",
    parents=["Error"],
    why="A FeedSync history entry without author and time cannot be ordered against others.",
    fix="Add when (an RFC 3339 date) and by (who made the change).",
)
define(
    "FeedRelInCompleteFeed",
    "error",
    "a complete feed (fh:complete) has a {value!r} paging link",
    parents=["Error"],
    why="A complete feed holds every entry; paging links make readers fetch pages that "
    "should not exist (RFC 5005).",
    fix="Remove the paging links, or remove fh:complete.",
    formats=("atom",),
)
define(
    "CurrentNotSelfInCompleteFeed",
    "error",
    "in a complete feed the current link must be the self link, not {value!r}",
    parents=["Error"],
    why="A complete feed is its own current version (RFC 5005).",
    fix="Point rel=current at the feed's own address, or drop it.",
    formats=("atom",),
)
define(
    "MissingCurrentInArchive",
    "warning",
    "{element} is an archive (fh:archive) without a link to the current feed",
    parents=["Warning"],
    why="Readers that land on an archive page need the way back to the live feed.",
    fix='Add <link rel="current" href="…"/> with the subscription address.',
    formats=("atom",),
)
define(
    "ArchiveIncomplete",
    "warning",
    "{element} is an archive page without prev-archive or next-archive links",
    parents=["Warning"],
    why="Readers walk archives through these links; without them the history is cut off.",
    fix='Add <link rel="prev-archive" href="…"/> (and next-archive where there is one).',
    formats=("atom",),
)
define(
    "LinkPastEnd",
    "error",
    "{element} has a {value} link although it is the {detail} page",
    parents=["Error"],
    why="Paging past the end sends readers in circles.",
    fix="Remove the link that points beyond the first or last page.",
    formats=("atom",),
)
define(
    "InvalidMetaName",
    "error",
    "xhtml:meta in a feed only knows name=robots, not {value!r}",
    parents=["InvalidValue"],
    why="Feed readers and search engines only honour the robots meta element in feeds.",
    fix='Write name="robots".',
)
define(
    "InvalidMetaContent",
    "error",
    "robots meta content {value!r} is not a consistent list of robots directives",
    parents=["InvalidValue"],
    why="Unknown or contradictory directives (index with noindex) are ignored by crawlers.",
    fix="Use index/noindex, follow/nofollow, noarchive…, each at most once, comma-separated.",
)
