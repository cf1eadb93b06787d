"""`feedtool build`: item files in, cleaned items through the cache, feeds and a page out."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from feedtool import __version__
from feedtool.cache import ItemCache
from feedtool.clean import clean_item
from feedtool.config import Settings
from feedtool.emit.feeds import ATOM, FEEDS, JSON_FEED, RSS, write_atom, write_json_feed, write_rss
from feedtool.emit.page import render_index
from feedtool.errors import BuildError, ConfigError, ItemError
from feedtool.model import FeedMeta, Item
from feedtool.read import ItemFile, read_item, scan_item

ITEM_SUFFIX = ".txt"
INDEX = "index.html"
# Below this many items to parse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class BuildResult:
    meta: FeedMeta
    items: tuple[Item, ...]
    written: tuple[Path, ...]  # files replaced in the output folder (for --check: that differ)
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # problems of the files --keep-going left out
    parsed: int = 0  # items parsed and cleaned now, not taken from the cache
    up_to_date: bool = False
    outputs: tuple[Path, ...] = field(default=())


def item_files(seeds: Path) -> list[Path]:
    if not seeds.is_dir():
        raise ConfigError(f"{seeds}: no such folder of item files (set [build] seeds or --seeds)")
    return sorted(p for p in seeds.iterdir() if p.suffix == ITEM_SUFFIX and p.is_file() and not p.name.startswith("."))


def _scan(paths: Iterable[Path], settings: Settings) -> tuple[list[ItemFile], list[ItemError]]:
    scanned, problems = [], []
    for path in paths:
        try:
            scanned.append(scan_item(path, path.read_bytes(), settings.zone_for))
        except ItemError as e:
            problems.append(e)
        except OSError as e:
            problems.append(ItemError(path, None, f"cannot read: {e.strerror or e}"))
    return scanned, problems


def _deduplicate(scanned: list[ItemFile]) -> tuple[list[ItemFile], list[ItemError]]:
    """One file per URL: the copy captured last wins (it has the latest edits); ties go to
    the first file name in sorted order."""
    by_url: dict[str, list[ItemFile]] = {}
    for entry in scanned:
        by_url.setdefault(entry.url, []).append(entry)
    kept, problems = [], []
    for copies in by_url.values():
        winner = max(copies, key=lambda c: (c.captured, [-ord(ch) for ch in str(c.path)]))
        kept.append(winner)
        for loser in copies:
            if loser is not winner:
                problems.append(
                    ItemError(
                        loser.path, 2, f"same article as {winner.path} ({loser.url}); keeping {winner.path}, "
                        "the copy captured last"
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


def _parse_and_clean(path: Path, settings: Settings | None = None) -> Item | ItemError:
    settings = settings or _worker_settings
    assert settings is not None
    try:
        data = path.read_bytes()
        return clean_item(read_item(path, data, settings.zone_for, settings.language), settings)
    except ItemError as e:
        return e
    except OSError as e:
        return ItemError(path, None, f"cannot read: {e.strerror or e}")


def _parse_all(paths: list[Path], settings: Settings, jobs: int, progress: Progress | None) -> Iterator[Item | ItemError]:
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        for done, path in enumerate(paths, 1):
            yield _parse_and_clean(path, settings)
            if progress:
                progress(done, len(paths))
        return
    chunk = max(1, min(64, len(paths) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(settings,)) as pool:
        for done, result in enumerate(pool.map(_parse_and_clean, paths, chunksize=chunk), 1):
            yield result
            if progress and (done % chunk == 0 or done == len(paths)):
                progress(done, len(paths))


def _cache_key(entry: ItemFile, fingerprint: str) -> str:
    return f"{entry.digest}:{fingerprint}"


@functools.cache
def code_fingerprint() -> str:
    """Changes with feedtool's own code, so a cache never outlives the code that filled it."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _meta(settings: Settings, items: list[Item]) -> FeedMeta:
    if not items:
        raise BuildError(f"{settings.seeds_dir}: no items to build a feed from")
    return FeedMeta(
        title=settings.title,
        subtitle=settings.subtitle,
        id=settings.feed_id,
        site_url=settings.site_url,
        base_url=settings.base_url,
        language=settings.language,
        updated=max(item.updated for item in items),
        author=settings.author,
        generator_version=__version__,
    )


def _render(meta: FeedMeta, items: list[Item], folder: Path) -> list[Path]:
    writers = {ATOM: write_atom, RSS: write_rss, JSON_FEED: write_json_feed}
    paths = []
    for kind in FEEDS:
        path = folder / kind[1]
        writers[kind](meta, items, path)
        paths.append(path)
    index = folder / INDEX
    index.write_text(render_index(meta, items, FEEDS), encoding="utf-8")
    paths.append(index)
    return paths


def _validate(paths: list[Path], meta: FeedMeta) -> list[str]:
    """A build never publishes a feed its own validator finds an error in; warnings are
    returned for the user to see (two items published in the same second are a warning
    no build can fix)."""
    from feedtool.validate import validate_path

    errors, warnings = [], []
    for path in paths:
        if path.name in (ATOM[1], RSS[1], JSON_FEED[1]):
            url = meta.url_of(path.name)
            for p in validate_path(path, base=url).problems:
                line = f"{url}:{p.line or 0}: {p.severity}: {p.message} [{p.code}]"
                if p.severity == "error":
                    errors.append(line)
                elif p.severity == "warning":
                    warnings.append(line)
    if errors:
        raise BuildError("the built feeds do not validate, so the output folder was left as it was:\n" + "\n".join(errors))
    return warnings


def _same_bytes(a: Path, b: Path) -> bool:
    if not b.exists() or a.stat().st_size != b.stat().st_size:
        return False
    return a.read_bytes() == b.read_bytes()


def _state(inputs: str, folder: Path, names: Iterable[str]) -> str:
    """What the output folder holds: the inputs that made it, and each file's size and mtime."""
    parts = [inputs]
    for name in sorted(names):
        try:
            stat = (folder / name).stat()
        except OSError:
            return ""
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


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
    scanned, problems = _scan(item_files(settings.seeds_dir), settings)
    unique, duplicates = _deduplicate(scanned)
    problems += duplicates
    warnings = _time_warnings(unique)
    if problems and not keep_going:
        raise BuildError("\n".join(str(p) for p in problems))
    selected = _newest_first(unique)
    if settings.limit:
        selected = selected[: settings.limit]

    fingerprint = f"{settings.cleaning_fingerprint()}:{code_fingerprint()}"
    keys = [_cache_key(entry, fingerprint) for entry in selected]
    cache = ItemCache(settings.cache_dir)
    try:
        names = [kind[1] for kind in FEEDS] + [INDEX]
        inputs = hashlib.blake2b(
            "\n".join([repr(settings), *keys]).encode(), digest_size=16
        ).hexdigest()
        recorded = cache.output_state(settings.out_dir)
        if not check and not problems and recorded and recorded == _state(inputs, settings.out_dir, names):
            cached = cache.get_many(keys)
            if len(cached) == len(keys):
                items = [cached[key] for key in keys]
                return BuildResult(
                    _meta(settings, items), tuple(items), (), tuple(warnings), up_to_date=True,
                    outputs=tuple(settings.out_dir / n for n in names),
                )
        cached = cache.get_many(keys)
        missing = [entry for entry, key in zip(selected, keys, strict=True) if key not in cached]
        fresh: dict[str, Item] = {}
        parsed = _parse_all([entry.path for entry in missing], settings, jobs, progress)
        for entry, result in zip(missing, parsed, strict=True):
            if isinstance(result, ItemError):
                problems.append(result)
            else:
                fresh[_cache_key(entry, fingerprint)] = result
        if problems and not keep_going:
            raise BuildError("\n".join(str(p) for p in problems))
        cache.put_many(fresh)
        cached.update(fresh)
        items = [cached[key] for key in keys if key in cached]
        meta = _meta(settings, items)
        written, feed_warnings = _publish(meta, items, settings.out_dir, check)
        warnings += feed_warnings
        if not check:
            cache.set_output_state(settings.out_dir, _state(inputs, settings.out_dir, names))
        return BuildResult(
            meta,
            tuple(items),
            tuple(written),
            tuple(warnings),
            tuple(str(p) for p in problems),
            parsed=len(fresh),
            outputs=tuple(settings.out_dir / n for n in names),
        )
    finally:
        cache.close()


def _publish(meta: FeedMeta, items: list[Item], out_dir: Path, check: bool) -> tuple[list[Path], list[str]]:
    """Render into a staging folder beside out_dir, validate, then swap changed files in."""
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    except OSError as e:
        raise ConfigError(f"{out_dir}: cannot write there: {e.strerror or e}") from e
    try:
        rendered = _render(meta, items, staging)
        warnings = _validate(rendered, meta)
        changed = [out_dir / p.name for p in rendered if not _same_bytes(p, out_dir / p.name)]
        if not check and changed:
            out_dir.mkdir(parents=True, exist_ok=True)
            for path in rendered:
                target = out_dir / path.name
                if target in changed:
                    os.replace(path, target)
        return changed, warnings
    except OSError as e:
        raise ConfigError(f"{out_dir}: cannot write there: {e.strerror or e}") from e
    finally:
        shutil.rmtree(staging, ignore_errors=True)
