"""The back half of a build: a feed's items rendered, checked and written, each item once.

Each item is rendered once into its Atom entry, RSS item, JSON Feed item and page entry
(and their gzip pieces), and each entry is checked once by feedtool's validator inside the
feed's own head; the rendered entry and what the validator found are cached together under
the item's key. A build then writes the feeds by joining cached pieces, holding one entry at
a time, and checks the feed-level rules (the head, ids and dates across entries) on the feed
with every entry's article text left out: the articles are what the entry checks covered,
and the rest is small. That check is cached by the bytes it checked. An error in either
check stops the build: a published feed has no error, however much came from the cache.

Gzip twins (`atom.xml.gz`…) are written beside each file for web servers that serve them
as they are (nginx's gzip_static): each piece is compressed on its own and ends on a byte
boundary (a zlib sync flush), so the pieces of a feed join into one deflate stream; the gzip
header carries no time, so the bytes depend on the content alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from feedtool.errors import BuildError, ItemError
from feedtool.model import FeedMeta, Item

ATOM_FILE, RSS_FILE, JSON_FILE, PAGE_FILE = "atom.xml", "rss.xml", "feed.json", "index.html"
FEED_FILES = (ATOM_FILE, RSS_FILE, JSON_FILE)
OUTPUT_NAMES = (*FEED_FILES, PAGE_FILE)
GZIP_SUFFIX = ".gz"
GZIP_LEVEL = 6
# Entry checks run inside a head whose times are this fixed one, so that a new newest item
# (which moves the feed's own updated time) does not make every entry look new.
_CHECK_TIME = datetime(2000, 1, 1, tzinfo=UTC)
# What an entry's article text becomes in the feed-level check: short, and valid as HTML.
_LEFT_OUT = b"x"
_ARTICLE_ELEMENTS = {ATOM_FILE: (b"content", b"summary"), RSS_FILE: (b"description", b"content:encoded")}
_ARTICLE_KEYS = ("content_html", "content_text", "summary")
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Entry:
    """An item as the back half knows it before it is needed: a key that changes whenever the
    item may have (the cache's key), where it came from (for messages), and its updated time."""

    key: str
    source: str
    updated: datetime
    published: datetime
    title: str  # for listing the feed's items (build -v)


# What the front half hands over for an entry whose rendering is not cached: the item, or a
# picklable function that makes it in a worker process (reading and cleaning a file), which
# may return an ItemError instead.
Recipe = Item | Callable[[], "Item | ItemError"]
Maker = Callable[[Sequence["Entry"]], Iterator[tuple["Entry", Recipe]]]


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    severity: str
    code: str
    message: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Rendered:
    """One item in every output: plain bytes, gzip pieces, the feed-level stand-ins, and what
    the validator found in each entry."""

    pieces: dict[str, bytes]
    packed: dict[str, bytes]
    stand_ins: dict[str, bytes]
    findings: tuple[Finding, ...]


class Store:
    """Where rendered entries and feed-level findings are kept (the build's cache)."""

    def rendered(self, keys: Sequence[str]) -> dict[str, bytes]:
        raise NotImplementedError

    def known(self, keys: Sequence[str]) -> set[str]:
        raise NotImplementedError

    def put_rendered(self, rows: dict[str, bytes]) -> None:
        raise NotImplementedError

    def put_items(self, items: dict[str, bytes]) -> None:
        raise NotImplementedError

    def check(self, key: str) -> str | None:
        raise NotImplementedError

    def put_check(self, key: str, findings: str) -> None:
        raise NotImplementedError


def deflated(data: bytes) -> bytes:
    """A piece of a deflate stream that ends on a byte boundary, so pieces can be joined."""
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, unknown system
_LAST_BLOCK = b"\x03\x00"  # an empty final block


class _Twins:
    """A file and its gzip twin, written piece by piece."""

    def __init__(self, path: Path) -> None:
        self.plain: BinaryIO = path.open("wb")
        self.packed: BinaryIO = path.with_name(path.name + GZIP_SUFFIX).open("wb")
        self.packed.write(_GZIP_HEADER)
        self.crc = 0
        self.size = 0

    def write(self, data: bytes, packed: bytes | None = None) -> None:
        self.plain.write(data)
        self.packed.write(deflated(data) if packed is None else packed)
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)

    def close(self) -> None:
        trailer = self.crc.to_bytes(4, "little") + (self.size & 0xFFFFFFFF).to_bytes(4, "little")
        self.packed.write(_LAST_BLOCK + trailer)
        self.plain.close()
        self.packed.close()


def write_twins(path: Path, data: bytes) -> None:
    """A whole file and its gzip twin."""
    twins = _Twins(path)
    try:
        twins.write(data)
    finally:
        twins.close()


class _Renderer:
    """Renders and checks single items for one feed (in a worker process or here)."""

    def __init__(self, meta: FeedMeta) -> None:
        from feedtool.emit import feeds
        from feedtool.emit.page import index_item

        self.meta = dataclasses.replace(meta, updated=_CHECK_TIME)
        self.atom = feeds.FeedFormat(self.meta, feeds.ATOM)
        self.rss = feeds.FeedFormat(self.meta, feeds.RSS)
        self.json_head, self.json_closing = feeds.json_parts(self.meta)
        self._json_item = feeds.json_item
        self._index_item = index_item

    def context(self) -> str:
        """Changes whenever an item's rendering or its checks could: the heads, the address."""
        digest = hashlib.blake2b(digest_size=16)
        for part in (self.atom.head, self.rss.head, self.json_head, self.meta.base_url.encode(),
                     self.meta.language.encode()):  # fmt: skip
            digest.update(part + b"\0")
        return digest.hexdigest()

    def render(self, item: Item) -> Rendered:
        pieces = {
            ATOM_FILE: self.atom.entry(item),
            RSS_FILE: self.rss.entry(item),
            JSON_FILE: self._json_item(item),
            PAGE_FILE: self._index_item(item, self.meta.language).encode("utf-8"),
        }
        heads = {
            ATOM_FILE: (self.atom.head, self.atom.closing),
            RSS_FILE: (self.rss.head, self.rss.closing),
            JSON_FILE: (self.json_head, self.json_closing),
        }
        findings = []
        for name, (head, closing) in heads.items():
            findings += _check_entry(name, head, pieces[name], closing, self.meta.url_of(name))
        return Rendered(
            pieces,
            {name: deflated(piece) for name, piece in pieces.items()},
            {name: _stand_in(name, pieces[name]) for name in FEED_FILES},
            tuple(findings),
        )


def _check_entry(name: str, head: bytes, piece: bytes, closing: bytes, url: str) -> list[Finding]:
    """What the validator finds in one entry, checked inside the feed's head; problems of the
    head itself are the feed-level check's."""
    from feedtool.validate import validate_bytes

    report = validate_bytes(head + piece + closing, source=name, base=url)
    first = head.count(b"\n") + 1
    last = first + piece.count(b"\n")
    return [
        Finding(name, p.severity, p.code, p.message, None)
        for p in report.problems
        if p.line is None or first <= p.line <= last
    ]


def _stand_in(name: str, piece: bytes) -> bytes:
    """The entry as the feed-level check sees it: everything but its article text."""
    if name == JSON_FILE:
        item = json.loads(piece)
        for key in _ARTICLE_KEYS:
            if item.get(key):
                item[key] = _LEFT_OUT.decode()
        return ("    " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")).encode()
    for tag in _ARTICLE_ELEMENTS[name]:
        start = piece.find(b"<" + tag)
        while start >= 0 and piece[start + 1 + len(tag) : start + 2 + len(tag)] not in (b">", b" "):
            start = piece.find(b"<" + tag, start + 1)
        if start < 0:
            continue
        text_start = piece.index(b">", start) + 1
        if piece[text_start - 2 : text_start] == b"/>":
            continue
        end = piece.index(b"</" + tag + b">", text_start)
        piece = piece[:text_start] + _LEFT_OUT + piece[end:]
    return piece


_worker_renderer: _Renderer | None = None


def _init_worker(meta: FeedMeta) -> None:
    global _worker_renderer
    _worker_renderer = _Renderer(meta)


def _render_recipe(recipe: Recipe) -> tuple[bytes | None, bytes] | ItemError:
    """(the item pickled if it was made here, the pickled Rendered), or the item's error."""
    assert _worker_renderer is not None
    made = None
    if not isinstance(recipe, Item):
        outcome = recipe()
        if isinstance(outcome, ItemError):
            return outcome
        recipe = outcome
        made = pickle.dumps(recipe, protocol=pickle.HIGHEST_PROTOCOL)
    rendered = _worker_renderer.render(recipe)
    return made, pickle.dumps(rendered, protocol=pickle.HIGHEST_PROTOCOL)


# Below this many entries to render, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64
_WINDOW = 256  # tasks in flight: bounds the memory the pool's queues hold


def _bounded(
    pool: ProcessPoolExecutor, tasks: Iterable[tuple[Entry, Recipe]]
) -> Iterator[tuple[Entry, object]]:
    pending: list[tuple[Entry, Future[object]]] = []
    for entry, recipe in tasks:
        pending.append((entry, pool.submit(_render_recipe, recipe)))
        if len(pending) >= _WINDOW:
            done, future = pending.pop(0)
            yield done, future.result()
    for done, future in pending:
        yield done, future.result()


@dataclass
class Written:
    """What writing a feed found: warnings for the user, and the items it could not read."""

    warnings: list[str]
    problems: list[ItemError]
    parsed: int
    entries: list[Entry]  # those in the feeds, newest first
    updated: datetime | None


def write_feed(
    meta: FeedMeta,
    entries: Sequence[Entry],
    folder: Path,
    *,
    make: Maker,
    store: Store,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Written:
    """Write one feed's outputs into `folder`: atom.xml, rss.xml, feed.json, index.html and
    their .gz twins, entries in the order given.

    `make` is asked only for the entries whose rendering is not cached, and streams them.
    Entries it answers with an ItemError are left out and returned; the feed's updated time
    is the newest written entry's. A validator error raises BuildError: nothing is written
    that could be published.
    """
    renderer = _Renderer(meta)
    context = renderer.context()
    keys = {entry.key: f"{entry.key}:{context}" for entry in entries}
    known = store.known(list(keys.values()))
    missing = [entry for entry in entries if keys[entry.key] not in known]
    problems: list[ItemError] = []
    failed: set[str] = set()
    parsed = 0
    pool = None
    if jobs > 1 and len(missing) >= PARALLEL_THRESHOLD:
        pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(meta,))
    else:
        _init_worker(meta)
    try:
        tasks = make(missing) if missing else iter(())
        results = _bounded(pool, tasks) if pool else ((e, _render_recipe(r)) for e, r in tasks)
        rows: dict[str, bytes] = {}
        made: dict[str, bytes] = {}
        for done, (entry, outcome) in enumerate(results, 1):
            if isinstance(outcome, ItemError):
                problems.append(outcome)
                failed.add(entry.key)
            else:
                item, row = typing.cast(tuple[bytes | None, bytes], outcome)
                if item is not None:
                    made[entry.key] = item
                rows[keys[entry.key]] = row
            if len(rows) >= 500:
                store.put_rendered(rows)
                store.put_items(made)
                rows, made = {}, {}
            if progress:
                progress(done, len(missing))
        store.put_rendered(rows)
        store.put_items(made)
        parsed = len(missing) - len(failed)
    finally:
        if pool is not None:
            pool.shutdown()
    kept = [entry for entry in entries if entry.key not in failed]
    if kept:
        meta = dataclasses.replace(meta, updated=max(entry.updated for entry in kept))
    warnings, errors = _assemble(meta, kept, [keys[e.key] for e in kept], folder, store)
    if errors:
        raise BuildError(
            "the built feeds do not validate, so the output folder was left as it was:\n" + "\n".join(errors)
        )
    return Written(warnings, problems, parsed, kept, meta.updated)


def _rows(store: Store, keys: Sequence[str]) -> Iterator[Rendered]:
    for start in range(0, len(keys), 256):
        chunk = keys[start : start + 256]
        found = store.rendered(chunk)
        for key in chunk:
            yield pickle.loads(found[key])


def _assemble(
    meta: FeedMeta, entries: Sequence[Entry], keys: Sequence[str], folder: Path, store: Store
) -> tuple[list[str], list[str]]:
    """Write the outputs from cached pieces and run the feed-level check; (warnings, errors)."""
    from feedtool.emit import feeds
    from feedtool.emit.page import index_parts

    atom, rss = feeds.FeedFormat(meta, feeds.ATOM), feeds.FeedFormat(meta, feeds.RSS)
    json_head, json_closing = feeds.json_parts(meta)
    page_head, page_closing, no_items = index_parts(meta, feeds.FEEDS)
    heads = {
        ATOM_FILE: (atom.head, atom.closing, b""),
        RSS_FILE: (rss.head, rss.closing, b""),
        JSON_FILE: (json_head.removesuffix(b"" if entries else b"[\n"), json_closing, feeds.JSON_SEPARATOR),
        PAGE_FILE: (page_head.encode(), page_closing.encode(), b"\n"),
    }
    empty = {  # the closing of a feed without entries
        ATOM_FILE: atom.closing,
        RSS_FILE: rss.closing,
        JSON_FILE: feeds.json_empty(b"", json_closing),
        PAGE_FILE: (no_items + page_closing).encode(),
    }
    files = {name: _Twins(folder / name) for name in OUTPUT_NAMES}
    stand_ins: dict[str, list[bytes]] = {name: [] for name in FEED_FILES}
    entry_lines: list[tuple[str, str]] = []
    separators = {name: deflated(separator) for name, (_, _, separator) in heads.items() if separator}
    try:
        for name, twins in files.items():
            twins.write(heads[name][0])
        for n, (entry, rendered) in enumerate(zip(entries, _rows(store, keys), strict=True)):
            for name, twins in files.items():
                separator = heads[name][2]
                if n and separator:
                    twins.write(separator, separators[name])
                twins.write(rendered.pieces[name], rendered.packed[name])
            for name in FEED_FILES:
                stand_ins[name].append(rendered.stand_ins[name])
            entry_lines += [_line(entry.source, finding) for finding in rendered.findings]
        for name, twins in files.items():
            twins.write(heads[name][1] if entries else empty[name])
    finally:
        for twins in files.values():
            twins.close()
    feed_lines: list[tuple[str, str]] = []
    for name in FEED_FILES:
        head, closing, separator = heads[name]
        closing = closing if entries else empty[name]
        feed_lines += _check_feed(meta, name, head, stand_ins[name], separator, closing, entries, store)
    lines = list(dict.fromkeys(entry_lines + feed_lines))
    errors = [text for severity, text in lines if severity == "error"]
    warnings = [text for severity, text in lines if severity == "warning"]
    return warnings, errors


def _line(source: str, finding: Finding) -> tuple[str, str]:
    return finding.severity, f"{source}: in {finding.file}: {finding.message} [{finding.code}]"


def _check_feed(
    meta: FeedMeta,
    name: str,
    head: bytes,
    stand_ins: list[bytes],
    separator: bytes,
    closing: bytes,
    entries: Sequence[Entry],
    store: Store,
) -> list[tuple[str, str]]:
    """The feed-level rules, on the feed with every entry's article text left out; what they
    find is cached by the bytes they checked."""
    from feedtool.build import code_fingerprint

    body = separator.join(stand_ins)
    url = meta.url_of(name)
    digest = hashlib.blake2b(digest_size=16)
    for part in (code_fingerprint().encode(), url.encode(), head, body, closing):
        digest.update(part + b"\0")
    key = f"feed:{digest.hexdigest()}"
    cached = store.check(key)
    found: list[tuple[str, str, str, int | None]]
    if cached is None:
        from feedtool.validate import validate_bytes

        report = validate_bytes(head + body + closing, source=name, base=url)
        found = [(p.severity, p.code, p.message, p.line) for p in report.problems]
        store.put_check(key, json.dumps(found, ensure_ascii=False))
    else:
        found = [tuple(row) for row in json.loads(cached)]
    starts = []  # the first line of each entry in the checked document
    line = head.count(b"\n") + 1
    for stand_in in stand_ins:
        starts.append(line)
        line += stand_in.count(b"\n") + separator.count(b"\n")
    lines: list[tuple[str, str]] = []
    for severity, code, message, at in found:
        index = _entry_at(starts, at)
        where = f"{entries[index].source}: in {name}" if index is not None else f"{url}:{at or 0}"
        lines.append((severity, f"{where}: {message} [{code}]"))
    return lines


def _entry_at(starts: list[int], line: int | None) -> int | None:
    import bisect

    if line is None or not starts or line < starts[0]:
        return None
    return bisect.bisect_right(starts, line) - 1


def keyed(items: Iterable[Item]) -> tuple[list[Entry], Maker]:
    """Entries and their maker for items already in memory (keyed by their pickled bytes)."""
    by_key: dict[str, Item] = {}
    entries = []
    for item in items:
        pickled = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        key = hashlib.blake2b(pickled, digest_size=16).hexdigest()
        by_key[key] = item
        entries.append(Entry(key, item.source or item.url, item.updated, item.published, item.title))

    def make(missing: Sequence[Entry]) -> Iterator[tuple[Entry, Recipe]]:
        return ((entry, by_key[entry.key]) for entry in missing)

    return entries, make
