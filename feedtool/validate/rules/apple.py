"""Apple Podcasts' current requirements for a show and its episodes, beyond the iTunes checks
the W3C validator makes (rules/itunes.py): artwork declared as a JPEG or PNG, an enclosure of
a type Apple plays with its size in every episode, a title per episode, GUIDs and enclosure
addresses used once, episode numbers in serial shows, descriptions within 4000 bytes.

A feed is a podcast for these checks when it is RSS and uses an iTunes element before the
episode is read (Apple's own elements are how a feed asks to be listed there). feedtool's own
codes, so `--profile w3c` does not report them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from feedtool.validate import profiles, values
from feedtool.validate.codes import define
from feedtool.validate.engine import Context, Element, name_of, rule
from feedtool.validate.examples import EXAMPLES, Example, after_items, podcast
from feedtool.validate.namespaces import ITUNES, split, tag

ITUNES_NAMESPACES = (ITUNES, "http://www.itunes.com/DTDs/Podcast-1.0.dtd")
# The enclosure types Apple Podcasts lists as playable, and audio/mp4, the registered type of
# its .m4a files (RFC 4337).
MEDIA_TYPES = frozenset(
    {
        "audio/mpeg",
        "audio/x-m4a",
        "audio/mp4",
        "video/mp4",
        "video/x-m4v",
        "video/quicktime",
        "application/pdf",
    }
)
ARTWORK_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_DESCRIPTION_BYTES = 4000


@dataclass
class Show:
    """What the checks gather while a podcast's episodes stream past."""

    serial: bool = False
    guids: dict[str, int] = field(default_factory=dict)  # value -> line of first use
    enclosures: dict[str, int] = field(default_factory=dict)
    unnumbered: list[int] = field(default_factory=list)  # lines of episodes without itunes:episode


def _is_podcast(ctx: Context) -> bool:
    return ctx.format == "rss" and __name__ in ctx.state


def _itunes(element: Element, local: str) -> Element | None:
    for namespace in ITUNES_NAMESPACES:
        found = element.find(tag(namespace, local))
        if found is not None:
            return found
    return None


def _text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


@rule(*(f"{{{namespace}}}*" for namespace in ITUNES_NAMESPACES))
def note_itunes(element: Element, ctx: Context) -> None:
    show = ctx.facts(__name__, Show)
    if split(element.tag)[1] == "type" and _text(element) == "serial":
        show.serial = True


@rule(tag("", "item"))
def check_episode(item: Element, ctx: Context) -> None:
    if not _is_podcast(ctx):
        return
    show = ctx.facts(__name__, Show)
    if item.find("title") is None and _itunes(item, "title") is None:
        ctx.report("ApplePodcastsMissingElement", item, element="title", parent=name_of(item))
    enclosure = item.find("enclosure")
    if enclosure is None:
        ctx.report("ApplePodcastsMissingElement", item, element="enclosure", parent=name_of(item))
    else:
        _check_enclosure(enclosure, ctx, show)
    guid = _text(item.find("guid"))
    if guid:
        _once(ctx, item.find("guid"), show.guids, guid, "ApplePodcastsDuplicateGuid")
    if _itunes(item, "episode") is None:
        show.unnumbered.append(item.sourceline or 0)
    _check_description(item, ctx)


def _check_enclosure(enclosure: Element, ctx: Context, show: Show) -> None:
    media_type = str(enclosure.get("type") or "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in MEDIA_TYPES:
        ctx.report("ApplePodcastsMediaType", enclosure, value=media_type)
    if str(enclosure.get("length") or "").strip() == "0":
        ctx.report("ApplePodcastsZeroLength", enclosure)
    url = str(enclosure.get("url") or "").strip()
    if url:
        _once(ctx, enclosure, show.enclosures, url, "ApplePodcastsReusedEnclosure")


def _once(ctx: Context, element: Element | None, seen: dict[str, int], value: str, code: str) -> None:
    line = element.sourceline if element is not None else None
    first = seen.setdefault(value, line or 0)
    if first != (line or 0):
        ctx.report(code, element, value=value, first=str(first))


def _check_description(host: Element, ctx: Context) -> None:
    description = host.find("description")
    if description is not None:
        size = len(_text(description).encode("utf-8"))
        if size > MAX_DESCRIPTION_BYTES:
            ctx.report("ApplePodcastsDescriptionTooLong", description, detail=str(size))


@rule(tag("", "channel"))
def check_show(channel: Element, ctx: Context) -> None:
    if not _is_podcast(ctx):
        return
    show = ctx.facts(__name__, Show)
    image = _itunes(channel, "image")
    if image is None:
        ctx.report("ApplePodcastsMissingElement", channel, element="itunes:image", parent=name_of(channel))
    else:
        href = str(image.get("href") or "").strip()
        parts = values.split_url(href)  # one that cannot be split is an InvalidURLAttribute
        if parts and not parts.path.lower().endswith(ARTWORK_SUFFIXES):
            ctx.report("ApplePodcastsArtworkFormat", image, value=href)
    _check_description(channel, ctx)
    if show.serial:
        for line in show.unnumbered:
            ctx.report("ApplePodcastsSerialWithoutNumber", line)


WHY_APPLE = "the W3C validator predates Apple Podcasts' current requirements"
define("ApplePodcasts", "family", "any Apple Podcasts requirement a podcast feed does not meet")
_FAMILY = ["Warning", "ApplePodcasts"]
define(
    "ApplePodcastsMissingElement",
    "warning",
    "{parent} has no {element}, which Apple Podcasts requires",
    parents=_FAMILY,
    why="Apple Podcasts refuses a show without artwork (itunes:image), and leaves out an "
    "episode without a title or an enclosure.",
    fix="Add the element: itunes:image with the artwork's address in the channel, a title and "
    "an enclosure (url, length, type) in every episode.",
    formats=("rss",),
)
define(
    "ApplePodcastsArtworkFormat",
    "warning",
    "{element} {value!r} is not a .jpg or .png file, which Apple Podcasts requires for artwork",
    parents=_FAMILY,
    why="Apple accepts show and episode artwork as JPEG or PNG only, and judges the file by the "
    "extension in its address.",
    fix="Publish the artwork as JPEG or PNG (1400 to 3000 pixels square, RGB) under a name "
    "ending in .jpg or .png.",
    formats=("rss",),
)
define(
    "ApplePodcastsMediaType",
    "warning",
    "the enclosure's type {value!r} is not one Apple Podcasts plays (audio/mpeg, audio/x-m4a, "
    "video/mp4, video/x-m4v, video/quicktime, application/pdf)",
    parents=_FAMILY,
    why="Apple Podcasts leaves out episodes whose files it cannot play; other apps rely on the "
    "type to choose a player.",
    fix="Publish MP3, M4A, MP4, M4V, MOV or PDF files and give their type (audio/mpeg for MP3).",
    formats=("rss",),
)
define(
    "ApplePodcastsZeroLength",
    "warning",
    "the enclosure's length is 0; Apple Podcasts needs the file's size in bytes",
    parents=_FAMILY,
    why="Apps use the size to show downloads and check them; Apple asks for the real size.",
    fix="Write the file's size in bytes in the length attribute.",
    formats=("rss",),
)
define(
    "ApplePodcastsDuplicateGuid",
    "warning",
    "the guid {value!r} is already the guid of the episode at line {first}",
    parents=_FAMILY,
    why="Apple Podcasts tells episodes apart by their GUID: episodes that share one are shown "
    "as one, or as duplicates, and their statistics mix.",
    fix="Give every episode its own GUID, and never change it once published.",
    formats=("rss",),
)
define(
    "ApplePodcastsReusedEnclosure",
    "warning",
    "the enclosure {value!r} is already the enclosure of the episode at line {first}",
    parents=_FAMILY,
    why="Apple Podcasts ignores an episode whose file address another episode already used.",
    fix="Give every episode its own file (and address).",
    formats=("rss",),
)
define(
    "ApplePodcastsSerialWithoutNumber",
    "warning",
    "this episode of a serial show (itunes:type serial) has no itunes:episode number",
    parents=_FAMILY,
    why="Apple Podcasts presents a serial show oldest first, in the order of its episode "
    "numbers; it requires a number for every episode.",
    fix="Add <itunes:episode>N</itunes:episode> to every episode, or make the show episodic.",
    formats=("rss",),
)
define(
    "ApplePodcastsDescriptionTooLong",
    "warning",
    "{element} is {detail} bytes long; Apple Podcasts keeps at most 4000",
    parents=_FAMILY,
    why="Apple Podcasts cuts show and episode descriptions after 4000 bytes.",
    fix="Shorten the description, and link to full show notes instead.",
    formats=("rss",),
)
profiles.own(
    "ApplePodcastsMissingElement",
    "ApplePodcastsArtworkFormat",
    "ApplePodcastsMediaType",
    "ApplePodcastsZeroLength",
    "ApplePodcastsDuplicateGuid",
    "ApplePodcastsReusedEnclosure",
    "ApplePodcastsSerialWithoutNumber",
    "ApplePodcastsDescriptionTooLong",
    reason=WHY_APPLE,
)

_MP3 = '<enclosure url="https://example.com/{n}.mp3" length="{length}" type="{type}"/>'
_EPISODE_2 = {
    "title": "<title>Post 2</title>",
    "link": "<link>https://example.com/posts/2</link>",
    "guid": "<guid>https://example.com/posts/2</guid>",
    "enclosure": _MP3.format(n=2, length=23456, type="audio/mpeg"),
}


def _two_episodes(**second: str) -> Example:
    """A podcast whose second episode has the `second` changes."""
    return after_items(podcast(), "<item>" + "".join({**_EPISODE_2, **second}.values()) + "</item>")


_SERIAL = {"itunes:type": "<itunes:type>serial</itunes:type>"}
_NUMBER = {"itunes:episode": "<itunes:episode>1</itunes:episode>"}
EXAMPLES.update(
    {
        "ApplePodcastsMissingElement": (
            podcast({"itunes:image": None}),
            podcast(),
        ),
        "ApplePodcastsArtworkFormat": (
            podcast({"itunes:image": '<itunes:image href="https://example.com/cover.webp"/>'}),
            podcast({"itunes:image": '<itunes:image href="https://example.com/cover.png"/>'}),
        ),
        "ApplePodcastsMediaType": (
            podcast(item={"enclosure": _MP3.format(n=1, length=12345, type="audio/ogg")}),
            podcast(item={"enclosure": _MP3.format(n=1, length=12345, type="audio/mpeg")}),
        ),
        "ApplePodcastsZeroLength": (
            podcast(item={"enclosure": _MP3.format(n=1, length=0, type="audio/mpeg")}),
            podcast(item={"enclosure": _MP3.format(n=1, length=12345, type="audio/mpeg")}),
        ),
        "ApplePodcastsDuplicateGuid": (
            _two_episodes(guid="<guid>https://example.com/posts/1</guid>"),
            _two_episodes(),
        ),
        "ApplePodcastsReusedEnclosure": (
            _two_episodes(enclosure=_MP3.format(n=1, length=12345, type="audio/mpeg")),
            _two_episodes(),
        ),
        "ApplePodcastsSerialWithoutNumber": (
            podcast(_SERIAL),
            podcast(_SERIAL, _NUMBER),
        ),
        "ApplePodcastsDescriptionTooLong": (
            podcast(item={"description": "<description>" + "Notes. " * 600 + "</description>"}),
            podcast(item={"description": "<description>" + "Notes. " * 500 + "</description>"}),
        ),
    }
)  # fmt: skip
