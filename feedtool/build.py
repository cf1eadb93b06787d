"""`feedtool build`: sources in (sources.py), cleaned items through the cache, feeds and a page out."""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from feedtool import __version__
from feedtool.cache import ItemCache
from feedtool.config import Settings
from feedtool.errors import BuildError, shown
from feedtool.model import Channel, FeedMeta, Item
from feedtool.publish import Staging
from feedtool.rules import check_examples, convert_feed
from feedtool.sources import Gathered, Listing, Progress, Workers, gather, local_inputs
from feedtool.write import (
    OUTPUT_NAMES,
    PAGE_FILE,
    Entry,
    Renderers,
    output_stamps,
    remember,
    stream_items,
    write_feed,
    write_twins,
)

# The stages' modules (bleach, feedgen, lxml, the validator) are imported where they are
# used: a build with nothing to do then starts in a fraction of the time.
INDEX = PAGE_FILE
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True, slots=True)
class BuildResult:
    meta: FeedMeta
    written: tuple[Path, ...]  # files replaced in the output folder (for --check: that differ)
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # problems of the files --keep-going left out
    parsed: int = 0  # items parsed and cleaned now, not taken from the cache
    up_to_date: bool = False  # nothing had changed: nothing was read, `items` is empty
    count: int = 0  # items in the feeds
    dropped: int = 0  # items read but dropped by the user's rules
    outputs: tuple[Path, ...] = field(default=())
    entries: tuple[Entry, ...] = ()  # the items in the feeds, newest first (none when up to date)


@functools.cache
def code_fingerprint() -> str:
    """Changes with feedtool's own code, so a cache never outlives the code that filled it."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _meta(
    settings: Settings, updated: datetime, channel: Channel | None = None, items: list[Item] | None = None
) -> FeedMeta:
    """The output feed's metadata: what feedtool.toml sets, else what the first source feed
    says about itself, else the defaults."""
    found = channel or Channel()

    def pick(field: str, from_source: str) -> str:
        value: str = getattr(settings, field)
        return value if field in settings.configured or not from_source else from_source

    title = pick("title", found.title)
    site_url = pick("site_url", found.site_url)
    language = found.language if _LANGUAGE_TAG.match(found.language) else ""
    author = found.author.name if found.author else title
    meta = FeedMeta(
        title=title,
        subtitle=pick("subtitle", found.subtitle),
        id=settings.feed_id if "feed_id" in settings.configured else site_url,
        site_url=site_url,
        base_url=settings.base_url,
        language=pick("language", language),
        updated=updated,
        author=settings.author if "author" in settings.configured else author,
        generator_version=__version__,
        icon=found.icon,
        logo=found.logo,
        podcast=found.podcast,
    )
    if meta.podcast is None:
        return meta
    from feedtool.emit.feeds import podcast_to_write

    return dataclasses.replace(meta, podcast=podcast_to_write(meta, items or []))


def _signature(settings: Settings, inputs: Sequence[Listing | Path]) -> str:
    """Changes when any input may have: settings, code, or an input file's name, size or mtime.
    Equal signatures let a build skip even reading the inputs, as make does."""
    digest = hashlib.blake2b(f"{settings!r}\n{code_fingerprint()}".encode(), digest_size=16)
    for found in inputs:
        if isinstance(found, Path):
            try:
                stat = found.stat()
            except OSError:  # gone: reading it will say so
                digest.update(b"\n" + os.fsencode(found) + b":missing")
                continue
            digest.update(b"\n" + os.fsencode(found) + f":{stat.st_size}:{stat.st_mtime_ns}".encode())
            continue
        folder = os.fsencode(found.folder) + b"/"  # bytes: a name need not be UTF-8
        for n, name in enumerate(found.names):
            stamp = found.stamp(n)
            digest.update(b"\n" + folder + os.fsencode(name))
            digest.update(b":missing" if stamp is None else f":{stamp[0]}:{stamp[1]}".encode())
    return digest.hexdigest()


def _inputs(feeds: Sequence[Settings]) -> list[Listing | Path] | None:
    """Every input file the feeds read (folders of item files as listed, a few numbers per
    file); None when a source is no file (a URL, standard input)."""
    found = [local_inputs(feed) for feed in feeds]
    if any(inputs is None for inputs in found):
        return None
    return [one for inputs in found for one in inputs or ()]


def _up_to_date(settings: Settings, cache: ItemCache, signature: str) -> BuildResult | None:
    """The previous build's result when neither its inputs nor its outputs have changed."""
    try:
        state = json.loads(cache.output_state(settings.out_dir) or "null")
        if not state or state["signature"] != signature:
            return None
        if state["outputs"] != output_stamps(settings.out_dir, output_names(settings)):
            return None
        return BuildResult(
            _meta(settings, datetime.fromisoformat(state["updated"])),
            (),
            tuple(state["warnings"]),
            tuple(state["skipped"]),
            up_to_date=True,
            count=int(state["count"]),
            dropped=int(state.get("dropped", 0)),
            outputs=tuple(settings.out_dir / name for name in output_names(settings)),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _record(settings: Settings, cache: ItemCache, signature: str, result: BuildResult) -> None:
    state = {
        "signature": signature,
        "outputs": output_stamps(settings.out_dir, output_names(settings)),
        "updated": result.meta.updated.isoformat(),
        "count": result.count,
        "dropped": result.dropped,
        "warnings": list(result.warnings),
        "skipped": list(result.skipped),
    }
    cache.set_output_state(settings.out_dir, json.dumps(state))


_MMAP_THRESHOLD = -3  # glibc's mallopt parameter M_MMAP_THRESHOLD


def _return_freed_memory() -> None:
    """Have large blocks (items crossing from worker processes, rows read from the cache) go
    back to the system when freed. glibc's malloc otherwise raises its threshold for that as
    such blocks are freed, and later ones come from a heap that only grows: a build of 20,000
    items held 180 MB where it used 50. Elsewhere than glibc, nothing changes."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_MMAP_THRESHOLD, 64 * 1024)


def build(
    settings: Settings,
    *,
    keep_going: bool = False,
    check: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the feeds into settings.out_dir; on any error the folder is left as it was.

    With check=True nothing is written: `written` lists the files that would change.
    """
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    feeds = settings.feeds or (settings,)
    inputs = _inputs(feeds)
    signature = _signature(settings, inputs) if inputs is not None else None
    listings = {found.folder: found for found in inputs or () if isinstance(found, Listing)}
    cache = ItemCache(settings.cache_dir)
    try:
        if not check and signature is not None:
            previous = _up_to_date(settings, cache, signature)
            if previous is not None and (keep_going or not previous.skipped):
                return previous
        _return_freed_memory()
        with Renderers(jobs) as renderers:  # started before the build holds anything
            built = [
                _gather_feed(feed, cache, jobs, renderers, keep_going, progress, listings) for feed in feeds
            ]
            written, feed_warnings, entries = _publish(settings, built, cache, check, renderers)
        result = BuildResult(
            _site_meta(settings, built) if settings.feeds else built[0].meta,
            tuple(written),
            tuple(w for feed in built for w in feed.gathered.warnings) + tuple(feed_warnings),
            tuple(str(p) for feed in built for p in feed.gathered.problems),
            parsed=sum(feed.gathered.parsed for feed in built),
            count=len(entries),
            dropped=sum(feed.gathered.dropped for feed in built),
            outputs=tuple(settings.out_dir / name for name in output_names(settings)),
            entries=tuple(entries),
        )
        if not check and signature is not None:
            _record(settings, cache, signature, result)
        if cache.problem:
            result = dataclasses.replace(result, warnings=(*result.warnings, cache.problem))
        return result
    finally:
        cache.close()


@dataclass(frozen=True, slots=True)
class _Built:
    """One feed gathered: what `_publish` renders into its folder."""

    name: str  # its folder under the output folder; "" for the output folder itself
    meta: FeedMeta
    entries: list[Entry]  # its items are in the cache
    gathered: Gathered


def _gather_feed(
    feed: Settings,
    cache: ItemCache,
    jobs: int,
    renderers: Renderers,
    keep_going: bool,
    progress: Progress | None,
    listings: Mapping[Path, Listing],
) -> _Built:
    examples_failed = check_examples(feed.rules)
    if examples_failed:
        raise BuildError("\n".join(examples_failed))
    fingerprint = f"{feed.cleaning_fingerprint()}:{code_fingerprint()}"
    workers = Workers(feed, jobs, renderers.pool)  # the build's processes: one set for every stage
    gathered = gather(
        feed, cache, workers, fingerprint, keep_going=keep_going, progress=progress, listings=listings
    )
    problems = gathered.problems
    if problems and not keep_going:
        raise BuildError("\n".join(str(p) for p in problems))
    entries = gathered.entries
    if not entries and (gathered.dropped or not gathered.feeds_read):
        where = ", ".join(map(shown, feed.sources))
        rules = feed.rules.where
        dropped = f" (the rules in {rules} dropped all {gathered.dropped})" if gathered.dropped else ""
        raise BuildError("\n".join([*map(str, problems), f"{where}: no items to build a feed from{dropped}"]))
    channel = gathered.channel
    # A feed without items is as new as it says, else as its source (never "now").
    own = (channel and channel.updated) or gathered.undated
    updated = max((entry.updated for entry in entries), default=own)
    assert updated is not None  # items, or a feed that was read
    # Whether a podcast's tags can be written depends on every episode (a feed read whole).
    podcast = channel is not None and channel.podcast is not None
    items = list(stream_items(cache, entries)) if podcast else []
    meta = convert_feed(_meta(feed, updated, channel, items), feed.rules)  # the whole feed in one script
    return _Built(feed.name, meta, entries, gathered)


def _site_meta(settings: Settings, built: list[_Built]) -> FeedMeta:
    """What the page of several feeds says: [feed]'s title and subtitle, the newest feed's time."""
    return _meta(settings, max(feed.meta.updated for feed in built))


def output_names(settings: Settings) -> list[str]:
    """The files a build writes, relative to the output folder."""
    if not settings.feeds:
        return list(OUTPUT_NAMES)
    return [f"{feed.name}/{name}" for feed in settings.feeds for name in OUTPUT_NAMES] + [INDEX]


def _publish(
    settings: Settings, built: list[_Built], cache: ItemCache, check: bool, renderers: Renderers
) -> tuple[list[Path], list[str], list[Entry]]:
    """Render and validate every feed into a staging folder (each [[feeds]] feed in its own
    subfolder, with a page listing them all), then publish it whole (or, for --check, only
    compare it with the output folder)."""
    with Staging(settings.out_dir) as staging:
        warnings: list[str] = []
        entries: list[Entry] = []
        counts = []
        made = []
        for feed in built:
            folder = staging.folder / feed.name
            folder.mkdir(exist_ok=True)
            published = settings.out_dir / feed.name
            written = write_feed(
                feed.meta, feed.entries, folder, store=cache, workers=renderers, published=published
            )
            made.append((published, written))
            warnings += written.warnings
            entries += written.entries
            counts.append(len(written.entries))
        if settings.feeds:
            from feedtool.emit.feeds import FEEDS
            from feedtool.emit.page import render_site_index

            listed = [(feed.meta, n) for feed, n in zip(built, counts, strict=True)]
            page = render_site_index(_site_meta(settings, built), listed, FEEDS)
            write_twins(staging.folder / INDEX, page.encode("utf-8"))
        if check:
            return staging.changed(), warnings, entries
        changed = staging.publish()
        for published, written in made:
            remember(cache, published, written)
        return changed, warnings, entries
