"""`feedtool build`: item files in, cleaned items through the cache, feeds and a page out."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import multiprocessing
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from feedtool import __version__
from feedtool.cache import ItemCache
from feedtool.config import Settings
from feedtool.errors import BuildError, ConfigError, ItemError
from feedtool.model import FeedMeta, Item
from feedtool.publish import Staging
from feedtool.rules import Cleaned, check_examples, unmatched_warnings

if TYPE_CHECKING:
    from feedtool.read import ItemFile

# The stages' modules (bleach, feedgen, lxml, the validator) are imported where they are
# used: a build with nothing to do then starts in a fraction of the time.
FEED_FILES = (("atom.xml", "write_atom"), ("rss.xml", "write_rss"), ("feed.json", "write_json_feed"))

ITEM_SUFFIX = ".txt"
INDEX = "index.html"
OUTPUT_NAMES = (*(name for name, _ in FEED_FILES), INDEX)
# Below this many items to parse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64

Progress = Callable[[int, int], None]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BuildResult:
    meta: FeedMeta
    items: tuple[Item, ...]
    written: tuple[Path, ...]  # files replaced in the output folder (for --check: that differ)
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # problems of the files --keep-going left out
    parsed: int = 0  # items parsed and cleaned now, not taken from the cache
    up_to_date: bool = False  # nothing had changed: nothing was read, `items` is empty
    count: int = 0  # items in the feeds
    dropped: int = 0  # items read but dropped by the user's rules
    outputs: tuple[Path, ...] = field(default=())


def item_files(seeds: Path) -> list[Path]:
    if not seeds.is_dir():
        raise ConfigError(f"{seeds}: no such folder of item files (set [build] seeds or --seeds)")
    try:
        names = list(seeds.iterdir())
    except OSError as e:
        raise ConfigError(f"{seeds}: cannot list the item files: {e.strerror or e}") from e
    return sorted(p for p in names if p.suffix == ITEM_SUFFIX and p.is_file() and not p.name.startswith("."))


def _scan_one(path: Path, settings: Settings | None = None) -> ItemFile | ItemError:
    from feedtool.read import scan_item

    settings = settings or _worker_settings
    assert settings is not None
    try:
        return scan_item(path, path.read_bytes(), settings.zone_for)
    except ItemError as e:
        return e
    except OSError as e:
        return ItemError(path, None, f"cannot read: {e.strerror or e}")


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


def _newest_first(entries: Iterable[ItemFile]) -> list[ItemFile]:
    return sorted(entries, key=lambda e: (-e.published.timestamp(), e.url))


_worker_settings: Settings | None = None


def _init_worker(settings: Settings) -> None:
    global _worker_settings
    _worker_settings = settings


def _parse_and_clean(path: Path, settings: Settings | None = None) -> bytes | ItemError:
    """The cleaned item, pickled: that is how it crosses to the main process and how the
    cache stores it, so the bytes are made once."""
    from feedtool.clean import clean_item
    from feedtool.read import read_item

    settings = settings or _worker_settings
    assert settings is not None
    try:
        item = clean_item(read_item(path, path.read_bytes(), settings.zone_for, settings.language), settings)
    except ItemError as e:
        return e
    except OSError as e:
        return ItemError(path, None, f"cannot read: {e.strerror or e}")
    return pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)


class _Workers:
    """Runs a function over paths: in worker processes when there are enough of them to pay
    for starting the processes, else here."""

    def __init__(self, settings: Settings, jobs: int, count: int) -> None:
        self.settings = settings
        self.pool = (
            ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(settings,))
            if jobs > 1 and count >= PARALLEL_THRESHOLD
            else None
        )
        self.jobs = jobs

    def map(self, fn: Callable[..., T], paths: list[Path], progress: Progress | None = None) -> Iterator[T]:
        if self.pool is None or len(paths) < PARALLEL_THRESHOLD:
            results: Iterable[T] = (fn(path, self.settings) for path in paths)
            chunk = 1
        else:
            chunk = max(1, min(64, len(paths) // (self.jobs * 8)))
            results = self.pool.map(fn, paths, chunksize=chunk)
        for done, result in enumerate(results, 1):
            yield result
            if progress and (done % chunk == 0 or done == len(paths)):
                progress(done, len(paths))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _cache_key(entry: ItemFile, fingerprint: str) -> str:
    return f"{entry.digest}:{fingerprint}"


def _clean_newest(
    entries: list[ItemFile],
    limit: int,
    fingerprint: str,
    cache: ItemCache,
    workers: _Workers,
    problems: list[ItemError],
    progress: Progress | None,
) -> tuple[list[Cleaned], int]:
    """Cleaning outcomes of `entries` (newest first), from the cache or parsed now, up to the
    `limit`-th item kept (0: all of them); and how many of those were parsed now. Only as many
    items are parsed as the feed holds, and more only when the user's filters drop some."""
    outcomes: list[Cleaned] = []
    parsed = kept = done = 0
    while done < len(entries) and (not limit or kept < limit):
        wanted = limit - kept if limit else len(entries)
        if kept:  # as many more as the filters have let through so far suggests are needed
            wanted = wanted * done // kept
        elif done:
            wanted = len(entries)
        batch = entries[done : done + wanted]
        done += len(batch)
        keys = [_cache_key(entry, fingerprint) for entry in batch]
        cached = cache.get_many(keys)
        missing = [entry for entry, key in zip(batch, keys, strict=True) if key not in cached]
        fresh: dict[str, bytes] = {}
        for entry, outcome in zip(
            missing, workers.map(_parse_and_clean, [entry.path for entry in missing], progress), strict=True
        ):
            if isinstance(outcome, ItemError):
                problems.append(outcome)
            else:
                key = _cache_key(entry, fingerprint)
                fresh[key] = outcome
                cached[key] = pickle.loads(outcome)
        cache.put_pickled(fresh)
        for key in keys:
            if key in cached and (not limit or kept < limit):
                outcomes.append(cached[key])
                parsed += key in fresh
                kept += cached[key].item is not None
    return outcomes, parsed


@functools.cache
def code_fingerprint() -> str:
    """Changes with feedtool's own code, so a cache never outlives the code that filled it."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _meta(settings: Settings, updated: datetime) -> FeedMeta:
    return FeedMeta(
        title=settings.title,
        subtitle=settings.subtitle,
        id=settings.feed_id,
        site_url=settings.site_url,
        base_url=settings.base_url,
        language=settings.language,
        updated=updated,
        author=settings.author,
        generator_version=__version__,
    )


# Set just before forking the rendering workers, which inherit the items instead of
# receiving tens of megabytes of them through a pipe.
_publishing: tuple[FeedMeta, list[Item], Path] | None = None


def _render_one(name: str) -> None:
    from feedtool.emit import feeds
    from feedtool.emit.page import render_index

    assert _publishing is not None
    meta, items, folder = _publishing
    path = folder / name
    if name == INDEX:
        path.write_text(render_index(meta, items, feeds.FEEDS), encoding="utf-8")
    else:
        getattr(feeds, dict(FEED_FILES)[name])(meta, items, path)


Found = tuple[list[str], list[str]]  # a feed's errors and warnings, as lines for the user


def _problem_lines(url: str, problems: Iterable[tuple[str, str, str, int | None]]) -> Found:
    errors, warnings = [], []
    for severity, message, code, line in problems:
        text = f"{url}:{line or 0}: {severity}: {message} [{code}]"
        if severity == "error":
            errors.append(text)
        elif severity == "warning":
            warnings.append(text)
    return errors, warnings


def _validate_here(path: Path, url: str) -> Found:
    from feedtool.validate import validate_path

    report = validate_path(path, base=url)
    return _problem_lines(url, ((p.severity, p.message, p.code, p.line) for p in report.problems))


def _validate_apart(paths: list[Path], urls: list[str]) -> list[Found]:
    """Validate each feed in a fresh `feedtool validate` process, all at once: they need only
    the files, and do not carry the items' memory as forked workers would."""
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "feedtool", "validate", "--format", "json", "--base", url, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for path, url in zip(paths, urls, strict=True)
    ]
    results: list[Found] = []
    for process, url in zip(running, urls, strict=True):
        out, err = process.communicate()
        try:
            report = json.loads(out)
            problems = [(p["severity"], p["message"], p["code"], p["line"]) for p in report["problems"]]
        except (ValueError, KeyError, TypeError) as e:
            why = err.decode(errors="replace")[-500:]
            raise BuildError(f"{url}: the validator did not run: {why}") from e
        results.append(_problem_lines(url, problems))
    return results


def write_feed(meta: FeedMeta, items: list[Item], folder: Path, jobs: int) -> list[str]:
    """The back half of a build: one feed's items rendered into `folder` (atom.xml, rss.xml,
    feed.json, index.html), each feed checked by feedtool's own validator.

    A feed with an error raises BuildError, so it is never published; warnings are returned
    for the user (two items published in the same second are a warning no build can fix).
    """
    global _publishing
    feeds = [folder / name for name, _ in FEED_FILES]
    urls = [meta.url_of(path.name) for path in feeds]
    _publishing = (meta, items, folder)
    try:
        if jobs > 1 and len(items) >= PARALLEL_THRESHOLD:
            # Rendering forks: the workers inherit the items.
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                list(pool.map(_render_one, OUTPUT_NAMES))
            results = _validate_apart(feeds, urls)
        else:
            for name in OUTPUT_NAMES:
                _render_one(name)
            results = [_validate_here(path, url) for path, url in zip(feeds, urls, strict=True)]
    finally:
        _publishing = None
    errors = [line for found, _ in results for line in found]
    if errors:
        raise BuildError(
            "the built feeds do not validate, so the output folder was left as it was:\n" + "\n".join(errors)
        )
    return [line for _, found in results for line in found]


def _signature(settings: Settings, paths: list[Path]) -> str:
    """Changes when any input may have: settings, code, or an item file's name, size or mtime.
    Equal signatures let a build skip even reading the item files, as make does."""
    digest = hashlib.blake2b(f"{settings!r}\n{code_fingerprint()}".encode(), digest_size=16)
    for path in paths:
        stat = path.stat()
        digest.update(f"\n{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _outputs_now(folder: Path) -> dict[str, list[int]] | None:
    sizes = {}
    for name in OUTPUT_NAMES:
        try:
            stat = (folder / name).stat()
        except OSError:
            return None
        sizes[name] = [stat.st_size, stat.st_mtime_ns]
    return sizes


def _up_to_date(settings: Settings, cache: ItemCache, signature: str) -> BuildResult | None:
    """The previous build's result when neither its inputs nor its outputs have changed."""
    try:
        state = json.loads(cache.output_state(settings.out_dir) or "null")
        if not state or state["signature"] != signature or state["outputs"] != _outputs_now(settings.out_dir):
            return None
        return BuildResult(
            _meta(settings, datetime.fromisoformat(state["updated"])),
            (),
            (),
            tuple(state["warnings"]),
            tuple(state["skipped"]),
            up_to_date=True,
            count=int(state["count"]),
            outputs=tuple(settings.out_dir / name for name in OUTPUT_NAMES),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _record(settings: Settings, cache: ItemCache, signature: str, result: BuildResult) -> None:
    state = {
        "signature": signature,
        "outputs": _outputs_now(settings.out_dir),
        "updated": result.meta.updated.isoformat(),
        "count": result.count,
        "warnings": list(result.warnings),
        "skipped": list(result.skipped),
    }
    cache.set_output_state(settings.out_dir, json.dumps(state, ensure_ascii=False))


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
    paths = item_files(settings.seeds_dir)
    cache = ItemCache(settings.cache_dir)
    workers: _Workers | None = None
    try:
        signature = _signature(settings, paths)
        if not check:
            previous = _up_to_date(settings, cache, signature)
            if previous is not None and (keep_going or not previous.skipped):
                return previous
        examples_failed = check_examples(settings.rules)
        if examples_failed:
            raise BuildError("\n".join(examples_failed))
        workers = _Workers(settings, jobs, len(paths))
        scanned: list[ItemFile] = []
        problems: list[ItemError] = []
        for found in workers.map(_scan_one, paths):
            if isinstance(found, ItemError):
                problems.append(found)
            else:
                scanned.append(found)
        unique, duplicates = _deduplicate(scanned)
        problems += duplicates
        warnings = _time_warnings(unique)
        if problems and not keep_going:
            raise BuildError("\n".join(str(p) for p in problems))
        newest = [entry for entry in _newest_first(unique) if not settings.rules.too_old(entry.published)]
        fingerprint = f"{settings.cleaning_fingerprint()}:{code_fingerprint()}"
        outcomes, parsed = _clean_newest(
            newest, settings.limit, fingerprint, cache, workers, problems, progress
        )
        workers.close()
        if problems and not keep_going:
            raise BuildError("\n".join(str(p) for p in problems))
        items = [outcome.item for outcome in outcomes if outcome.item is not None]
        matched = frozenset().union(*(outcome.matched for outcome in outcomes))
        warnings += unmatched_warnings(settings.rules, matched, len(outcomes))
        if not items:
            dropped = (
                f" (the rules in {settings.rules.where} dropped all {len(outcomes)})" if outcomes else ""
            )
            raise BuildError(
                "\n".join(
                    [*map(str, problems), f"{settings.seeds_dir}: no items to build a feed from{dropped}"]
                )
            )
        meta = _meta(settings, max(item.updated for item in items))
        written, feed_warnings = _publish(meta, items, settings.out_dir, check, jobs)
        result = BuildResult(
            meta,
            tuple(items),
            tuple(written),
            tuple(warnings + feed_warnings),
            tuple(str(p) for p in problems),
            parsed=parsed,
            count=len(items),
            dropped=len(outcomes) - len(items),
            outputs=tuple(settings.out_dir / name for name in OUTPUT_NAMES),
        )
        if not check:
            _record(settings, cache, signature, result)
        if cache.problem:
            result = dataclasses.replace(result, warnings=(*result.warnings, cache.problem))
        return result
    finally:
        if workers is not None:
            workers.close()
        cache.close()


def _publish(
    meta: FeedMeta, items: list[Item], out_dir: Path, check: bool, jobs: int
) -> tuple[list[Path], list[str]]:
    """Render and validate into a staging folder, then publish it whole (or, for --check,
    only compare it with the output folder)."""
    with Staging(out_dir) as staging:
        warnings = write_feed(meta, items, staging.folder, jobs)
        return (staging.changed() if check else staging.publish()), warnings
