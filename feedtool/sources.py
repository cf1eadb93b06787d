"""A feed's sources read into its items: folders of item files, feed files, http(s) URLs and
standard input; merged, de-duplicated, newest first, and cleaned through the cache.

This is the front half of `feedtool build`; build.py renders, validates and publishes what it
gathers. Reading is cheap and done for every item; parsing an item file's body and cleaning are
not, and are done only for the items a feed keeps, in worker processes when there are many.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import shutil
import sys
import tempfile
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from feedtool.cache import ItemCache
from feedtool.config import Settings
from feedtool.errors import ConfigError, FetchError, ItemError, SourceError, shown
from feedtool.model import Channel
from feedtool.paths import kind_of
from feedtool.rules import Cleaned, unmatched_warnings
from feedtool.write import PARALLEL_THRESHOLD, Entry, distinct_updated

if TYPE_CHECKING:  # imported where used: a build that finds nothing changed needs none of them
    from concurrent.futures import ProcessPoolExecutor

    from feedtool.read import ItemFile
    from feedtool.read.fetch import Copy, Fetched, SourceCopies

ITEM_SUFFIX = ".txt"
STDIN = "-"
FETCHES_AT_ONCE = 8

Progress = Callable[[int, int], None]
T = TypeVar("T")
Raw = str | bytes  # an item file's path (a str is smaller than a Path), or a feed's item as read (pickled)


@dataclass(frozen=True, slots=True)
class Candidate:
    """What reading tells of one item: enough to merge, order and cache it."""

    digest: str  # of what the item was read from: same digest, same cleaned item
    id: str
    url: str
    published: datetime
    updated: datetime
    order: tuple[int, int]  # (source, position in it): who wins ties
    raw: Raw


@dataclass
class Gathered:
    """A feed's items, newest first and cleaned (in the cache; here, how the feeds list them),
    with what the sources said along the way."""

    entries: list[Entry] = field(default_factory=list)
    channel: Channel | None = None  # what the first source feed says about itself
    warnings: list[str] = field(default_factory=list)
    problems: list[ItemError] = field(default_factory=list)  # inputs left out (--keep-going)
    parsed: int = 0  # items parsed and cleaned now, not taken from the cache
    feeds_read: int = 0  # sources that were feeds (an empty feed is then a feed, not an error)
    dropped: int = 0  # items the user's rules dropped
    undated: datetime | None = None  # the date of a feed with none of its own and no items


def is_url(source: str) -> bool:
    return re.match(r"^https?://", source, re.I) is not None


@dataclass(frozen=True, slots=True)
class Listing:
    """A folder's item files, by name in sorted order, each with its size, modification time
    and inode: what tells a build that a file changed. Taken once per build, for the signature
    that lets a build skip everything and then for the scans; a few numbers per file."""

    folder: Path
    names: list[str]
    stamps: array[int]  # size, mtime_ns and inode of each file in turn; -1s: it could not be looked at

    def stamp(self, n: int) -> tuple[int, int, int] | None:
        size, modified, inode = self.stamps[3 * n : 3 * n + 3]
        return None if size < 0 else (size, modified, inode)


def item_files(seeds: Path) -> Listing:
    found = kind_of(seeds)
    if found != "folder":
        what = "no such folder" if found is None else f"a {found}, not a folder"
        raise ConfigError(f"{shown(seeds)}: {what} of item files (set [build] seeds or --seeds)")
    try:
        with os.scandir(seeds) as listing:  # names and kinds in one pass
            entries = sorted(
                (e.name, e)
                for e in listing
                if e.name.endswith(ITEM_SUFFIX) and not e.name.startswith(".") and e.is_file()
            )
    except OSError as e:
        raise ConfigError(f"{shown(seeds)}: cannot list the item files: {e.strerror or e}") from e
    stamps = array("q")
    for _, entry in entries:
        try:
            info = entry.stat()
        except OSError:  # gone: scanning it says so
            stamps.extend((-1, -1, -1))
            continue
        stamps.extend((info.st_size, info.st_mtime_ns, info.st_ino))
    return Listing(seeds, [name for name, _ in entries], stamps)


def local_inputs(settings: Settings) -> list[Listing | Path] | None:
    """Every file the sources read (folders of item files as listed), for a build to tell by
    their size and time that nothing changed; None when a source cannot be told that way (a
    URL, standard input)."""
    found: list[Listing | Path] = []
    for source in settings.sources:
        if source == STDIN or is_url(source):
            return None
        path = Path(source)
        found.append(item_files(path) if kind_of(path) == "folder" else path)
    return found


# What a look at an item file found, besides its path (read.ItemFile's other fields: digest,
# url, captured, published): what worker processes send back and the cache keeps. The build
# pairs it with the Path it already holds from listing the folder, one per file, rather than
# unpickling a Path for every file.
ScanRow = tuple[str, str, datetime, datetime]


def _scan_one(name: Raw, settings: Settings) -> ScanRow | ItemError:
    from feedtool.read import scan_item

    path = Path(os.fsdecode(name))
    try:
        found = scan_item(path, path.read_bytes(), settings.zone_for)
    except ItemError as e:
        return e
    except OSError as e:
        return ItemError(path, None, f"cannot read: {e.strerror or e}")
    return (found.digest, found.url, found.captured, found.published)


def _deduplicate(scanned: list[ItemFile]) -> tuple[list[ItemFile], list[ItemError]]:
    """One file per URL: the copy captured last wins (it has the latest edits); ties go to
    the first file name in sorted order (`scanned` is in that order)."""
    by_url: dict[str, list[ItemFile]] = {}
    for entry in scanned:
        by_url.setdefault(entry.url, []).append(entry)
    kept, problems = [], []
    for copies in by_url.values():
        winner = max(copies, key=lambda c: c.captured)  # max keeps the first of equals
        kept.append(winner)
        for loser in copies:
            if loser is not winner:
                problems.append(
                    ItemError(
                        loser.path,
                        2,
                        f"same article as {winner.path} ({loser.url}); keeping {winner.path}, "
                        + (
                            "the copy captured last"
                            if winner.captured > loser.captured
                            else "the first by name"
                        ),
                    )
                )
    return kept, problems


def _time_warnings(scanned: Iterable[ItemFile]) -> list[str]:
    return [
        f"{entry.path}: published {entry.published.isoformat()} is after it was captured "
        f"({entry.captured.isoformat()}): a wrong time zone for this site, or bad data"
        for entry in scanned
        if entry.published > entry.captured
    ]


# What a build needs to know of a cleaned item without its text (pickled beside it in the
# cache): the rules that matched, and for an item the rules kept, how the feeds list it.
Facts = tuple[frozenset[str], "tuple[str, datetime, datetime, str] | None"]


def _facts(cleaned: Cleaned) -> Facts:
    item = cleaned.item
    listed = None if item is None else (item.source or item.url, item.updated, item.published, item.title)
    return cleaned.matched, listed


def _clean_one(raw: Raw, settings: Settings) -> tuple[bytes, bytes] | ItemError:
    """The cleaned item and its facts, pickled: that is how they cross to the main process
    and how the cache stores them, so the bytes are made once."""
    from feedtool.clean import clean_item
    from feedtool.read import read_item

    try:
        if isinstance(raw, str):
            path = Path(raw)
            item = read_item(path, path.read_bytes(), settings.zone_for, settings.language)
        else:
            item = pickle.loads(raw)
        cleaned = clean_item(item, settings)
    except ItemError as e:
        return e
    except OSError as e:
        return ItemError(str(raw), None, f"cannot read: {e.strerror or e}")
    return (
        pickle.dumps(cleaned, protocol=pickle.HIGHEST_PROTOCOL),
        pickle.dumps(_facts(cleaned), protocol=pickle.HIGHEST_PROTOCOL),
    )


class Workers:
    """Runs a function over inputs: in the build's worker processes (`pool`, shared with
    rendering; None when the build runs one job) when there are enough inputs to pay for
    sending them, else here."""

    def __init__(self, settings: Settings, jobs: int, pool: ProcessPoolExecutor | None) -> None:
        self.settings = settings
        self.jobs = jobs
        self.pool = pool

    def map(
        self, fn: Callable[..., T], inputs: Sequence[Raw], progress: Progress | None = None
    ) -> Iterator[T]:
        if self.pool is None or len(inputs) < PARALLEL_THRESHOLD:
            results: Iterable[T] = (fn(one, self.settings) for one in inputs)
            chunk = 1
        else:
            chunk = max(1, min(64, len(inputs) // (self.jobs * 8)))
            task = functools.partial(fn, settings=self.settings)
            results = _bounded(self.pool, task, inputs, chunk, in_flight=4 * self.jobs)
        for done, result in enumerate(results, 1):
            yield result
            if progress and (done % chunk == 0 or done == len(inputs)):
                progress(done, len(inputs))


def _each(fn: Callable[[Raw], T], inputs: Sequence[Raw]) -> list[T]:
    return [fn(one) for one in inputs]


def _bounded(
    pool: ProcessPoolExecutor, fn: Callable[[Raw], T], inputs: Sequence[Raw], chunk: int, in_flight: int
) -> Iterator[T]:
    """fn over inputs in the pool, in order, `chunk` inputs a task, with at most `in_flight`
    tasks submitted and not yet taken: results wait for the caller a few chunks at a time,
    never all at once however many inputs there are (Executor.map submits them all)."""
    pending: deque[Future[list[T]]] = deque()
    for start in range(0, len(inputs), chunk):
        pending.append(pool.submit(_each, fn, inputs[start : start + chunk]))
        if len(pending) >= in_flight:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


_SCAN_CHUNK = 1024  # item files whose stamps and scans are fetched from the cache at a time


def _scans(
    listing: Listing, workers: Workers, cache: ItemCache, fingerprint: str
) -> Iterator[ItemFile | ItemError]:
    """Each item file looked at, in order: from the cache when its size, time and inode are
    those it had then (and reading and cleaning are the same), else now. The cache is read a
    chunk of files at a time, once."""

    def stamp(n: int) -> str | None:
        found = listing.stamp(n)
        return None if found is None else "{}:{}:{}:".format(*found) + fingerprint

    folder = os.fsencode(listing.folder / "x")[:-1]  # keys in the cache: os.fsencode(folder / name)

    found: list[ScanRow | ItemError | None] = []  # in order; None: to look at now
    fresh: dict[int, str | None] = {}  # the files to look at now (by position), with their stamps
    for start in range(0, len(listing.names), _SCAN_CHUNK):
        some = listing.names[start : start + _SCAN_CHUNK]
        keys = [folder + os.fsencode(name) for name in some]
        stored = cache.scans(keys)
        for n, key in enumerate(keys, start):
            now, kept = stamp(n), stored.get(key)
            row = _scan_from(kept) if now is not None and kept is not None and kept[0] == now else None
            if row is None:
                fresh[n] = now
            found.append(row)
    from feedtool.read import ItemFile

    # Looked at now: stored a chunk at a time, as the worker processes send them back.
    rows: list[tuple[bytes, str, bytes]] = []
    names = [str(listing.folder / listing.names[n]) for n in fresh]
    for n, scan in zip(fresh, workers.map(_scan_one, names), strict=True):
        found[n] = scan
        if not isinstance(scan, ItemError) and (now := fresh[n]) is not None:
            key = folder + os.fsencode(listing.names[n])
            rows.append((key, now, pickle.dumps(scan, protocol=pickle.HIGHEST_PROTOCOL)))
            if len(rows) >= _SCAN_CHUNK:
                cache.put_scans(rows)
                rows = []
    cache.put_scans(rows)
    del rows, fresh, names
    for n, name in enumerate(listing.names):
        one, found[n] = found[n], None  # what was yielded is the caller's to keep or not
        assert one is not None
        yield one if isinstance(one, ItemError) else ItemFile(listing.folder / name, *one)


def _scan_from(stored: tuple[str, bytes] | None) -> ScanRow | None:
    if stored is None:
        return None
    try:
        found = pickle.loads(stored[1])
    except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None  # written by another feedtool: looked at again
    if not isinstance(found, tuple) or len(found) != 4:  # not a ScanRow
        return None
    return found


def _read_folder(
    listing: Listing, number: int, workers: Workers, gathered: Gathered, cache: ItemCache, fingerprint: str
) -> Iterator[Candidate]:
    scanned: list[ItemFile] = []
    for found in _scans(listing, workers, cache, fingerprint):
        if isinstance(found, ItemError):
            gathered.problems.append(found)
        else:
            scanned.append(found)
    unique, duplicates = _deduplicate(scanned)
    gathered.problems += duplicates
    gathered.warnings += _time_warnings(unique)
    # Within a folder, items published at the same moment are in the order of their URLs.
    for position, entry in enumerate(sorted(unique, key=lambda e: e.url)):
        when = entry.published
        yield Candidate(entry.digest, entry.url, entry.url, when, when, (number, position), str(entry.path))


def _read_feed(
    source: str, data: bytes | Path, number: int, settings: Settings, gathered: Gathered,
    *, charset: str | None = None, url: str | None = None, modified: datetime | None = None,
) -> Iterator[Candidate]:  # fmt: skip
    from feedtool.read.feeds import UNDATED, read_feed

    reader = read_feed(source, data, settings.zone_for, charset=charset, url=url, modified=modified)
    try:
        for position, item in enumerate(reader.items()):
            raw = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
            # Where in the file an item is does not change what it is: a feed that gained an
            # item at the top does not make the ones below it new.
            digest = hashlib.blake2b(
                pickle.dumps(replace(item, source=None), protocol=pickle.HIGHEST_PROTOCOL), digest_size=16
            ).hexdigest()
            yield Candidate(digest, item.id, item.url, item.published, item.updated, (number, position), raw)
    finally:
        gathered.warnings += reader.warnings
    gathered.feeds_read += 1
    if gathered.channel is None:
        gathered.channel = reader.channel
        gathered.undated = modified or UNDATED


def _changed(path: Path) -> datetime | None:
    """When a feed file last changed (the date of its undated items), if that can be known."""
    try:
        return datetime.fromtimestamp(int(path.stat().st_mtime), UTC)
    except OSError:
        return None


def _read_stdin(number: int, settings: Settings, gathered: Gathered) -> list[Candidate]:
    """Standard input, copied to a temporary file first: read as a stream, as a feed file is
    (in little memory whatever its size), with no time of its own."""
    try:
        with tempfile.TemporaryDirectory(prefix="feedtool-stdin-") as folder:
            spool = Path(folder) / "stdin"
            with spool.open("wb") as out:
                shutil.copyfileobj(sys.stdin.buffer, out, 1 << 16)
            return list(_read_feed("<stdin>", spool, number, settings, gathered))
    except OSError as e:
        raise SourceError("<stdin>", None, f"cannot read: {e.strerror or e}") from e


def _candidates(
    settings: Settings,
    workers: Workers,
    gathered: Gathered,
    keep_going: bool,
    cache: ItemCache,
    fingerprint: str,
    listings: Mapping[Path, Listing],
) -> list[Candidate]:
    from feedtool.read.fetch import SourceCopies

    found: list[Candidate] = []
    copies = SourceCopies(settings.cache_dir / "sources")
    fetched = _fetch_all(settings, copies, [s for s in settings.sources if is_url(s)])
    for number, source in enumerate(settings.sources):
        try:
            if source == STDIN:
                found += _read_stdin(number, settings, gathered)
            elif is_url(source):
                found += _read_url(source, fetched[source], copies, number, settings, gathered)
            elif (kind := kind_of(Path(source))) == "folder":
                listing = listings.get(Path(source)) or item_files(Path(source))
                found += _read_folder(listing, number, workers, gathered, cache, fingerprint)
            elif kind is not None:
                path = Path(source)
                found += _read_feed(source, path, number, settings, gathered, modified=_changed(path))
            else:
                raise ConfigError(f"{shown(source)}: no such folder of item files or feed file")
        except SourceError as e:
            if not keep_going:
                raise
            gathered.problems.append(e)
    return found


def _fetch_all(settings: Settings, copies: SourceCopies, urls: list[str]) -> dict[str, Fetched | FetchError]:
    """Every URL source fetched (several at a time: most of a fetch is waiting)."""
    from feedtool.read.fetch import Fetched, fetch

    def one(url: str) -> Fetched | FetchError:
        kept = copies.load(url)
        if settings.offline:
            if kept is None:
                return FetchError(f"{url}: no copy fetched before, and --offline fetches nothing")
            return Fetched(kept, fresh=False)
        try:
            return fetch(url, kept, timeout=settings.fetch_timeout, max_bytes=settings.fetch_max_bytes)
        except FetchError as e:
            return e

    if not urls:
        return {}
    with ThreadPoolExecutor(max_workers=min(FETCHES_AT_ONCE, len(urls))) as pool:
        return dict(zip(urls, pool.map(one, urls), strict=True))


def _read_url(
    url: str, got: Fetched | FetchError, copies: SourceCopies, number: int, settings: Settings,
    gathered: Gathered,
) -> list[Candidate]:  # fmt: skip
    """A URL source's items: from the copy just fetched; if that failed or is no feed, from the
    last good copy, with a warning; with none, a SourceError."""
    kept = copies.load(url)
    if isinstance(got, FetchError):
        if kept is None:
            raise SourceError(url, None, f"{str(got).removeprefix(url + ': ')}; and no copy fetched before")
        gathered.warnings.append(f"{got}: built from the copy fetched before")
        return _read_copy(kept, number, settings, gathered)
    try:
        found = _read_copy(got.copy, number, settings, gathered)
    except SourceError as e:
        if not got.fresh or kept is None:
            raise
        gathered.warnings.append(f"{e}: built from the copy fetched before")
        return _read_copy(kept, number, settings, gathered)
    if got.fresh:
        copies.save(got.copy)
    return found


def _read_copy(copy: Copy, number: int, settings: Settings, gathered: Gathered) -> list[Candidate]:
    from feedtool.read.feeds import parse_date

    changed = parse_date(copy.last_modified or copy.date or "", UTC)
    return list(
        _read_feed(
            copy.url, copy.body, number, settings, gathered,
            charset=copy.charset, url=copy.final_url, modified=changed,
        )
    )  # fmt: skip


def _newer(a: Candidate, b: Candidate) -> Candidate:
    """Of two copies of one item, the one updated last (it has the latest edits); on a tie,
    the one from the source listed first, and in one source the one that comes first."""
    if a.updated != b.updated:
        return a if a.updated > b.updated else b
    return a if a.order <= b.order else b


def merge(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One copy of each item: copies share an id or, failing that, a link."""
    by_id: dict[str, Candidate] = {}
    for candidate in candidates:
        known = by_id.get(candidate.id)
        by_id[candidate.id] = candidate if known is None else _newer(known, candidate)
    by_url: dict[str, Candidate] = {}
    kept: list[Candidate] = []
    for candidate in by_id.values():
        if not candidate.url:
            kept.append(candidate)
            continue
        known = by_url.get(candidate.url)
        by_url[candidate.url] = candidate if known is None else _newer(known, candidate)
    return kept + list(by_url.values())


def newest_first(candidates: Iterable[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (-c.published.timestamp(), c.order))


def gather(
    settings: Settings,
    cache: ItemCache,
    workers: Workers,
    fingerprint: str,
    *,
    keep_going: bool = False,
    progress: Progress | None = None,
    listings: Mapping[Path, Listing] | None = None,
) -> Gathered:
    """The feed's items: every source read, merged, and the newest `limit` that the user's
    rules keep, cleaned (through the cache). Inputs that could not be read are in `problems`,
    for the caller to stop on or (keep_going) to list. Folders in `listings` are taken as
    listed there (by `local_inputs`, earlier in the build)."""
    gathered = Gathered()
    found = _candidates(settings, workers, gathered, keep_going, cache, fingerprint, listings or {})
    newest = newest_first(merge(found))
    del found
    if gathered.problems and not keep_going:
        return gathered
    newest = [c for c in newest if not settings.rules.too_old(c.published)]
    entries, matched, outcomes = _clean_newest(
        newest, settings.limit, fingerprint, cache, workers, gathered, progress
    )
    gathered.warnings += unmatched_warnings(settings.rules, matched, outcomes, settings.name)
    gathered.dropped = outcomes - len(entries)
    gathered.entries = distinct_updated(entries)
    return gathered


def _clean_newest(
    candidates: list[Candidate],
    limit: int,
    fingerprint: str,
    cache: ItemCache,
    workers: Workers,
    gathered: Gathered,
    progress: Progress | None,
) -> tuple[list[Entry], frozenset[str], int]:
    """How the feeds list the newest `limit` items the rules keep (0: all of them), cleaned
    now or earlier: the entries, the rules that matched, and how many items were looked at.
    Only as many items are cleaned as the feed holds, and more only when the user's filters
    drop some. Cleaned items go to the cache, and the candidates are taken a window at a time:
    a build never holds every item, nor every item's key."""
    entries: list[Entry] = []
    matched: set[str] = set()
    outcomes = kept = done = 0

    def keys_of(window: Sequence[Candidate]) -> list[str]:
        return [f"{c.digest}:{fingerprint}" for c in window]

    while done < len(candidates) and (not limit or kept < limit):
        wanted = limit - kept if limit else len(candidates)
        if kept:  # as many more as the filters have let through so far suggests are needed
            wanted = wanted * done // kept
        elif done:
            wanted = len(candidates)
        batch = candidates[done : done + wanted]
        done += len(batch)
        windows = [batch[start : start + _WINDOW] for start in range(0, len(batch), _WINDOW)]
        total = 0  # items to clean now, for the progress bar
        if progress is not None:
            total = sum(len(w) - len(cache.cleaned(keys_of(w))) for w in windows)
        cleaned_before = 0
        for window in windows:
            keys = keys_of(window)
            facts = cache.facts(keys)
            missing = [(c, key) for c, key in zip(window, keys, strict=True) if key not in facts]
            shown = None
            if progress is not None:
                shown = functools.partial(_progress_from, progress, cleaned_before, total)
            cleaned_before += len(missing)
            fresh: set[str] = set()
            rows: list[tuple[str, bytes, bytes]] = []
            for (_, key), outcome in zip(
                missing, workers.map(_clean_one, [c.raw for c, _ in missing], shown), strict=True
            ):
                if isinstance(outcome, ItemError):
                    gathered.problems.append(outcome)
                    continue
                fresh.add(key)
                facts[key] = pickle.loads(outcome[1])
                rows.append((key, *outcome))
                if len(rows) >= _STORE_EVERY:
                    cache.put_items(rows)
                    rows = []
            cache.put_items(rows)
            for candidate, key in zip(window, keys, strict=True):
                if key not in facts or (limit and kept >= limit):
                    continue
                rules, listed = facts[key]
                outcomes += 1
                gathered.parsed += key in fresh
                matched |= rules
                if listed is not None:
                    source, updated, published, title = listed
                    # An item file's cleaned item is kept by what the file holds, whatever its
                    # name then: the file is named as it is called now.
                    source = candidate.raw if isinstance(candidate.raw, str) else source
                    entries.append(Entry(key, source, updated, published, title))
                    kept += 1
            del facts
            if limit and kept >= limit:
                break
    return entries, frozenset(matched), outcomes


def _progress_from(progress: Progress, before: int, total: int, done: int, _: int) -> None:
    progress(before + done, total)


_WINDOW = 8192  # candidates cleaned (in the worker processes) and listed at a time
_STORE_EVERY = 256  # cleaned items stored, and facts fetched, at a time
