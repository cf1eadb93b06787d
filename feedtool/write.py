"""The back half of a build: a feed's entries rendered, checked and written, each item once.

The front half (sources.py) leaves every cleaned item in the cache and hands over light
entries (a key, the item file, its times and title). Here each item is rendered once into its
Atom entry, RSS item, JSON Feed item and page entry (and their gzip pieces), and each entry is
checked once by feedtool's validator inside the feed's own head; the rendered entry and what
the validator found are cached together under the item's key and the feed's context. The
outputs are then written by joining pieces in order, one entry at a time, so a build holds a
window of entries whatever the feed's length.

A build after a few items changed copies the other entries out of the published outputs,
a run of entries at a time, where the last build noted they are (`Layout`, kept in the cache
with the files' stamps): each copied entry is checked against the CRC-32 of the bytes that
were written and checked then, so an entry whose bytes changed since is made again, never
published unchecked.

The feed-level rules (the head, ids and dates across entries) are checked on the feed with
every entry's article text left out: the articles are what the entry checks covered, and the
rest is small. That check is cached by what it checked. An error in either check stops the
build: a published feed has no error, however much came from the cache.

Gzip twins (`atom.xml.gz`…) are written beside each file for web servers that serve them
as they are (nginx's gzip_static): each piece is compressed on its own and ends on a byte
boundary (a zlib sync flush), so the pieces of a feed join into one deflate stream; the gzip
header carries no time, so the bytes depend on the content alone.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import hashlib
import html
import itertools
import json
import os
import pickle
import shutil
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from feedtool.errors import BuildError
from feedtool.model import FeedMeta, Item

if TYPE_CHECKING:  # a build that finds nothing changed starts no processes, nor imports what does
    from concurrent.futures import ProcessPoolExecutor

ATOM_FILE, RSS_FILE, JSON_FILE, PAGE_FILE = "atom.xml", "rss.xml", "feed.json", "index.html"
FEED_FILES = (ATOM_FILE, RSS_FILE, JSON_FILE)
OUTPUT_NAMES = (*FEED_FILES, PAGE_FILE)
GZIP_SUFFIX = ".gz"
GZIP_LEVEL = 6


def with_twins(names: Iterable[str]) -> list[str]:
    """Each output's name and its gzip twin's."""
    return [name + suffix for name in names for suffix in ("", GZIP_SUFFIX)]


# Entry checks run inside a head whose times are this fixed one, so that a new newest item
# (which moves the feed's own updated time) does not make every entry look new.
_CHECK_TIME = datetime(2000, 1, 1, tzinfo=UTC)
# What an entry's article text becomes in the feed-level check: short, and valid as HTML.
_LEFT_OUT = b"x"
_ARTICLE_ELEMENTS = {ATOM_FILE: (b"content", b"summary"), RSS_FILE: (b"description", b"content:encoded")}
# Where the feed-level check's documents are written, inside the feed's staging folder; removed
# before anything is published.
_CHECKING = ".checking"
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Entry:
    """An item as a feed lists it, without its text: the cache key of the cleaned item, where it
    came from (for messages), its times as the feeds give them, and its title (for -v)."""

    key: str
    source: str
    updated: datetime
    published: datetime
    title: str


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    severity: str
    code: str
    message: str


class Store:
    """Where cleaned items, rendered entries and what the validator found are kept (the cache).

    Rendered entries are kept by item and feed; their gzip pieces and what the validator found
    in them are kept by the hash of their exact bytes, so an entry whose bytes are not the
    ones that were checked is checked again."""

    def items(self, keys: Sequence[str]) -> dict[str, bytes]:
        """Cleaned items (rules.Cleaned), pickled."""
        raise NotImplementedError

    def rendered(self, keys: Sequence[str]) -> dict[str, bytes]:
        raise NotImplementedError

    def known(self, keys: Sequence[str]) -> set[str]:
        raise NotImplementedError

    def put_rendered(self, rows: dict[str, bytes]) -> None:
        raise NotImplementedError

    def pieces(self, hashes: Sequence[str]) -> dict[str, tuple[bytes, int, str]]:
        """By a piece's hash: its gzip piece, and the lines and hash of its feed-level stand-in."""
        raise NotImplementedError

    def put_pieces(self, rows: dict[str, tuple[bytes, int, str]]) -> None:
        raise NotImplementedError

    def checks(self, keys: Sequence[str]) -> dict[str, str]:
        """What the validator found (JSON), by what it checked."""
        raise NotImplementedError

    def put_checks(self, rows: dict[str, str]) -> None:
        raise NotImplementedError

    def written(self, key: str) -> bytes | None:
        """What a build published in a folder (see `remember`), pickled."""
        raise NotImplementedError

    def put_written(self, key: str, state: bytes) -> None:
        raise NotImplementedError


def with_text(item: Item) -> Item:
    """An item with no text at all once cleaned (a link, a podcast episode) is summed up by its
    title: Atom asks every entry for some text. One with no link either (only an id) carries
    that text as its content, since an Atom entry needs a link or a content."""
    if not (item.content_html or item.summary):
        item = dataclasses.replace(item, summary=item.title)
    if not (item.content_html or item.url):
        item = dataclasses.replace(item, content_html=html.escape(item.summary, quote=False))
    return item


def distinct_updated(entries: Iterable[Entry]) -> list[Entry]:
    """Entries that share an updated time get it a microsecond apart, in feed order: Atom asks
    for distinct times (a feed dated to the day gives many items the same one), and no reader
    shows microseconds."""
    seen: set[datetime] = set()
    kept = []
    for entry in entries:
        updated = entry.updated
        while updated in seen:
            updated += timedelta(microseconds=1)
        seen.add(updated)
        kept.append(entry if updated == entry.updated else dataclasses.replace(entry, updated=updated))
    return kept


def _as_listed(blob: bytes, entry: Entry) -> Item:
    """The cleaned item as the feeds carry it: with some text, at the entry's updated time."""
    item = pickle.loads(blob).item
    assert item is not None, entry.source  # entries are made only for items the rules kept
    item = with_text(item)
    return item if item.updated == entry.updated else dataclasses.replace(item, updated=entry.updated)


def _blobs(store: Store, keys: Sequence[str]) -> dict[str, bytes]:
    found = store.items(keys)
    lost = [key for key in keys if key not in found]
    if lost:
        raise BuildError(f"the cache lost {len(lost)} cleaned items during the build; build again")
    return found


_CHUNK = 256  # entries fetched from the cache at a time


def stream_items(store: Store, entries: Sequence[Entry]) -> Iterator[Item]:
    """The entries' items, from the cache, a few at a time."""
    for start in range(0, len(entries), _CHUNK):
        chunk = entries[start : start + _CHUNK]
        blobs = _blobs(store, [entry.key for entry in chunk])
        for entry in chunk:
            yield _as_listed(blobs[entry.key], entry)


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
        self.packed_size = len(_GZIP_HEADER)

    def write(self, data: bytes, packed: bytes | None = None) -> None:
        packed = deflated(data) if packed is None else packed
        self.plain.write(data)
        self.packed.write(packed)
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.packed_size += len(packed)

    def copy_plain(self, data: memoryview) -> None:
        """Bytes of the plain file as they are (the twin gets their gzip form by `copy_packed`)."""
        self.plain.write(data)
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)

    def copy_packed(self, data: memoryview) -> None:
        self.packed.write(data)
        self.packed_size += len(data)

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


class Renderers:
    """The build's worker processes: they read and clean items (sources.py), and render and
    check entries, for every feed of a build. They are started (forked) when the build
    begins, before it holds any feed's entries, so that they do not carry a copy of them;
    each task says which feed (settings, FeedMeta) it is for."""

    def __init__(self, jobs: int) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.pool = ProcessPoolExecutor(jobs, context)
            self.pool.submit(int)  # the processes start now, while the build is small

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _hash_joined(pieces: Iterable[bytes]) -> str:
    """_hash(b"\\0".join(pieces)), without holding the joined bytes (or, given a generator,
    the pieces) all at once."""
    digest = hashlib.blake2b(digest_size=16)
    for n, piece in enumerate(pieces):
        digest.update(b"\0" + piece if n else piece)
    return digest.hexdigest()


class _Renderer:
    """Renders and checks single items for one feed (in a worker process or here)."""

    def __init__(self, meta: FeedMeta) -> None:
        from feedtool.build import code_fingerprint
        from feedtool.emit import feeds
        from feedtool.emit.page import index_item

        self.given = meta
        self.meta = dataclasses.replace(meta, updated=_CHECK_TIME)
        self.atom = feeds.FeedFormat(self.meta, feeds.ATOM)
        self.rss = feeds.FeedFormat(self.meta, feeds.RSS)
        json_head, json_closing = feeds.json_parts(self.meta)
        self._json_item = feeds.json_item
        self._index_item = index_item
        self.frames = {  # the document each entry is checked in: head, closing
            ATOM_FILE: (self.atom.head, self.atom.closing),
            RSS_FILE: (self.rss.head, self.rss.closing),
            JSON_FILE: (json_head, json_closing),
        }
        code = code_fingerprint().encode()
        self.contexts = {  # what, besides an entry's bytes, its check depends on
            name: _hash(b"\0".join((code, name.encode(), self.meta.url_of(name).encode(), *frame)))
            for name, frame in self.frames.items()
        }

    def context(self) -> str:
        """Changes whenever an item's rendering could: the heads, the address, the code."""
        return _hash("\0".join((*self.contexts.values(), self.meta.language)).encode())

    def render(self, item: Item) -> dict[str, bytes]:
        return {
            ATOM_FILE: self.atom.entry(item),
            RSS_FILE: self.rss.entry(item),
            JSON_FILE: self._json_item(item),
            PAGE_FILE: self._index_item(item, self.meta.language).encode("utf-8"),
        }

    def check(self, name: str, piece: bytes) -> list[Finding]:
        """What the validator finds in one entry, checked inside the feed's head; problems of
        the head itself are the feed-level check's."""
        from feedtool.validate import validate_bytes

        head, closing = self.frames[name]
        report = validate_bytes(head + piece + closing, source=name, base=self.meta.url_of(name))
        first = head.count(b"\n") + 1
        last = first + piece.count(b"\n")
        return [
            Finding(name, p.severity, p.code, p.message)
            for p in report.problems
            if p.line is None or first <= p.line <= last
        ]

    def check_key(self, name: str, piece_hash: str) -> str:
        return f"{self.contexts[name]}:{piece_hash}"


@dataclass(frozen=True, slots=True)
class _Made:
    """An entry ready to be written: its pieces and their hashes, gzip pieces, the lines of its
    feed-level stand-ins, and what the validator found in it."""

    pieces: dict[str, bytes]
    hashes: dict[str, str]
    packed: dict[str, bytes]
    lines: dict[str, int]
    shapes: dict[str, str]  # the hash of each feed-level stand-in
    findings: tuple[Finding, ...]


def _made(
    renderer: _Renderer, rendered: list[dict[str, bytes]], store: Store | None
) -> list[tuple[_Made, dict[str, Any]]]:
    """Complete entries' pieces with what `store` knows of their bytes, making the rest:
    [(entry, what was made: gzip pieces and checks, to store)]."""
    hashes = [{name: _hash(piece) for name, piece in pieces.items()} for pieces in rendered]
    check_keys = [{name: renderer.check_key(name, h[name]) for name in FEED_FILES} for h in hashes]
    known = store.pieces([v for h in hashes for v in h.values()]) if store else {}
    checked = store.checks([v for k in check_keys for v in k.values()]) if store else {}
    results = []
    for pieces, piece_hashes, keys in zip(rendered, hashes, check_keys, strict=True):
        new: dict[str, Any] = {"pieces": {}, "checks": {}}
        packed, lines, shapes = {}, {}, {}
        findings: list[Finding] = []
        for name, piece in pieces.items():
            found = known.get(piece_hashes[name])
            if found is None:
                stand_in = _stand_in(name, piece) if name in FEED_FILES else b""
                found = (deflated(piece), stand_in.count(b"\n"), _hash(stand_in))
                new["pieces"][piece_hashes[name]] = found
            packed[name], lines[name], shapes[name] = found
            if name in FEED_FILES:
                text = checked.get(keys[name])
                if text is None:
                    rows = [dataclasses.astuple(f) for f in renderer.check(name, piece)]
                    text = new["checks"][keys[name]] = json.dumps(rows, ensure_ascii=False)
                if text != _NOTHING_FOUND:  # most entries: no need to read it
                    findings += [Finding(*row) for row in json.loads(text)]
        results.append((_Made(pieces, piece_hashes, packed, lines, shapes, tuple(findings)), new))
    return results


_NOTHING_FOUND = json.dumps([])


def _stand_in(name: str, piece: bytes) -> bytes:
    """The entry as the feed-level check sees it: everything but its article text. A JSON
    Feed item is checked member by member, and across items only their ids are compared
    (JsonFeedDuplicateId): its stand-in is its id, and the text a valid item needs. The JSON
    validator holds the whole document, so this keeps a long feed's check small."""
    if name == JSON_FILE:
        item = json.loads(piece)
        stand_in = {"id": item.get("id"), "content_text": _LEFT_OUT.decode()}
        return ("    " + json.dumps(stand_in, ensure_ascii=False, indent=2).replace("\n", "\n    ")).encode()
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


_renderer: _Renderer | None = None  # the last feed's, in this process


def _renderer_for(meta: FeedMeta) -> _Renderer:
    global _renderer
    if _renderer is None or _renderer.given != meta:
        _renderer = _Renderer(meta)
    return _renderer


def _render_blob(meta: FeedMeta, blob: bytes, entry: Entry) -> tuple[_Made, dict[str, Any]]:
    """A cleaned item (pickled) rendered and checked as `entry` lists it in the feed `meta`."""
    renderer = _renderer_for(meta)
    return _made(renderer, [renderer.render(_as_listed(blob, entry))], None)[0]


def _validate_file(path: Path, url: str) -> Found:
    from feedtool.validate import validate_path

    report = validate_path(path, base=url)
    return [(p.severity, p.code, p.message, p.line) for p in report.problems]


Found = list[tuple[str, str, str, int | None]]  # severity, code, message, line

# Below this many items to parse or entries to render, starting worker processes costs more
# than it saves (sources.py parses with the same pool).
PARALLEL_THRESHOLD = 64
_WINDOW = 256  # entries in flight: bounds the memory the pool's queues hold


@dataclass
class Written:
    """What writing a feed found: warnings for the user, and the entries it wrote."""

    warnings: list[str]
    entries: list[Entry]
    rendered: int  # entries rendered now, not taken from the cache
    assembly: str  # changes whenever the outputs' bytes, or the warnings' text, may
    layout: Layout  # where each entry is in the outputs


_KEY_SIZE = 16  # bytes of a row key, and of a stand-in's hash, in a Layout


@dataclass
class Layout:
    """Where each entry's bytes are in a feed's written outputs (and their twins), and what the
    entry check found in them: what lets the next build copy the entries that did not change
    out of the published files instead of making them again. A few numbers per entry, never
    its bytes."""

    keys: bytearray  # each entry's row key (_KEY_SIZE bytes), in the feed's order
    starts: dict[str, array[int]]  # by file, twins too: where each entry starts, then the closing
    # By file: the CRC-32 of each entry's bytes (without the separator before it). A copied
    # entry must be the one that was written and checked, whatever happened to the file since.
    crcs: dict[str, array[int]]
    lines: dict[str, array[int]]  # by feed file: the lines of each entry's feed-level stand-in
    shapes: dict[str, bytearray]  # by feed file: each entry's stand-in's hash (_KEY_SIZE bytes)
    findings: dict[int, list[list[str]]]  # what the entry check found, by entry (most: nothing)

    @classmethod
    def empty(cls) -> Layout:
        files = with_twins(OUTPUT_NAMES)
        return cls(
            bytearray(),
            {file: array("q") for file in files},
            {file: array("I") for file in files},
            {name: array("i") for name in FEED_FILES},
            {name: bytearray() for name in FEED_FILES},
            {},
        )

    def __len__(self) -> int:
        return len(self.keys) // _KEY_SIZE


def write_feed(
    meta: FeedMeta,
    entries: Sequence[Entry],
    folder: Path,
    *,
    store: Store,
    workers: Renderers | None = None,
    progress: Progress | None = None,
    published: Path | None = None,
) -> Written:
    """Write one feed's outputs into `folder`: atom.xml, rss.xml, feed.json, index.html and
    their .gz twins, entries in the order given (their items are in `store`). `published` is
    where the feed's outputs are published (see `remember`): entries found there unchanged
    are copied from there.

    A validator error raises BuildError: nothing is written that could be published.
    """
    renderer = _renderer_for(meta)
    context = renderer.context()
    row_keys = [_row_key(entry, context) for entry in entries]
    parts = _parts(meta, entries)
    heads = [context.encode(), *(b"".join(p) for p in parts.values())]
    # The item files are named too: the warnings name them, and a renamed file keeps its key.
    sources = (entry.source.encode("utf-8", "surrogatepass") for entry in entries)
    assembly = _hash_joined(itertools.chain(heads, map(str.encode, row_keys), sources))
    previous = _published(store, published) if published is not None else None
    if previous is not None and previous.assembly == assembly and _link(previous.folder, folder):
        return Written(previous.warnings, list(entries), 0, assembly, previous.layout)
    job = _Job(meta, renderer, entries, row_keys, parts, folder, store, workers, progress)
    if previous is not None:
        with contextlib.suppress(_Altered):  # then made again, as if nothing was published
            return job.write(assembly, _Splice(previous.layout, previous.folder))
    return job.write(assembly, None)


@dataclass
class _Job:
    """What writing one feed takes."""

    meta: FeedMeta
    renderer: _Renderer
    entries: Sequence[Entry]
    row_keys: list[str]
    parts: Parts
    folder: Path
    store: Store
    workers: Renderers | None
    progress: Progress | None

    def write(self, assembly: str, splice: _Splice | None) -> Written:
        """The outputs, with the entries `splice` has copied from the published ones and the
        others made (from the cache, or rendered now)."""
        keys = [bytes.fromhex(key) for key in self.row_keys]
        to_make = [n for n, key in enumerate(keys) if splice is None or splice.find(key) is None]
        entries, row_keys = [self.entries[n] for n in to_make], [self.row_keys[n] for n in to_make]
        known = self.store.known(row_keys)
        missing = sum(key not in known for key in row_keys)
        pool = self.workers.pool if self.workers is not None and missing >= PARALLEL_THRESHOLD else None
        made = _in_order(
            self.meta, self.renderer, entries, row_keys, known, self.store, pool, self.progress, missing
        )
        with contextlib.ExitStack() as stack:
            if splice is not None:
                stack.callback(splice.close)
            warnings, errors, layout = _assemble(
                self.meta, self.entries, keys, made, self.parts, self.folder, self.store, pool, splice
            )
        if errors:
            raise BuildError(
                "the built feeds do not validate, so the output folder was left as it was:\n"
                + "\n".join(errors)
            )
        return Written(warnings, list(self.entries), missing, assembly, layout)


def _written_key(published: Path) -> str:
    return "written:" + _hash(os.fsencode(published.resolve()))


def output_stamps(folder: Path, names: Iterable[str]) -> dict[str, list[int]] | None:
    """Each of the outputs' (and their twins') size, time and inode in `folder`: what tells
    that nobody changed them; None when one is missing."""
    found = {}
    for name in with_twins(names):
        try:
            info = (folder / name).stat()
        except OSError:
            return None
        found[name] = [info.st_size, info.st_mtime_ns, info.st_ino]
    return found


def remember(store: Store, published: Path, written: Written) -> None:
    """After publishing: the outputs in `published` are what `written` made, so a build that
    would make the same bytes can take them as they are, and one that makes some of the same
    entries can copy those."""
    stamps = output_stamps(published, OUTPUT_NAMES)
    if stamps is not None:
        layout = {field.name: getattr(written.layout, field.name) for field in dataclasses.fields(Layout)}
        state = {
            "assembly": written.assembly,
            "stamps": stamps,
            "warnings": written.warnings,
            "layout": layout,
        }
        store.put_written(_written_key(published), pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


@dataclass(frozen=True, slots=True)
class _Previous:
    """The published outputs of a feed, untouched since the build that wrote them."""

    folder: Path
    assembly: str
    warnings: list[str]
    layout: Layout


def _published(store: Store, published: Path) -> _Previous | None:
    blob = store.written(_written_key(published))
    if blob is None:
        return None
    try:
        state = pickle.loads(blob)
        if state["stamps"] != output_stamps(published, OUTPUT_NAMES):
            return None
        layout = Layout(**state["layout"])
        return _Previous(published, str(state["assembly"]), [str(line) for line in state["warnings"]], layout)
    except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, KeyError):
        return None  # written by another feedtool


def _link(published: Path, folder: Path) -> bool:
    """The published outputs linked into `folder`, when the build would write exactly them (the
    same entries, rendered the same way, around the same heads)."""
    try:
        for name in with_twins(OUTPUT_NAMES):
            os.link(published / name, folder / name)
        return True
    except OSError:
        for name in with_twins(OUTPUT_NAMES):
            (folder / name).unlink(missing_ok=True)
        return False


class _Altered(Exception):
    """A published file no longer holds what its layout says it does."""


_COPY_CHUNK = 1 << 20  # bytes copied from a published file at a time


class _Splice:
    """Entries copied out of the published outputs, where their layout says they are; each
    entry's bytes, and the separators between them, are checked against what was written."""

    def __init__(self, layout: Layout, folder: Path) -> None:
        self.layout = layout
        self.folder = folder
        keys = layout.keys
        self.index = {
            bytes(keys[at : at + _KEY_SIZE]): n for n, at in enumerate(range(0, len(keys), _KEY_SIZE))
        }
        self.files: dict[str, int] = {}  # opened when first copied from
        self.buffer = bytearray(_COPY_CHUNK)  # the bytes being copied (one buffer: no page faults)

    def find(self, key: bytes) -> int | None:
        return self.index.get(key)

    def copy(
        self, name: str, twins: _Twins, first: int, count: int, separators: tuple[bytes, bytes], into: Layout
    ) -> None:
        """Entries first.. of the published `name` (and its twin) onto the end of `twins`, with
        the separators between them; where they land goes `into` the new layout."""
        for file, separator, base, write in (
            (name, separators[0], twins.size, twins.copy_plain),
            (name + GZIP_SUFFIX, separators[1], twins.packed_size, twins.copy_packed),
        ):
            starts = self.layout.starts[file]
            into.starts[file].extend(base + starts[n] - starts[first] for n in range(first, first + count))
            into.crcs[file].extend(self.layout.crcs[file][first : first + count])
            self._copy(file, separator, first, first + count - 1, write)

    def _copy(
        self, file: str, separator: bytes, first: int, last: int, write: Callable[[memoryview], None]
    ) -> None:
        starts, crcs = self.layout.starts[file], self.layout.crcs[file]
        listed = len(starts) - 1

        def end(n: int) -> int:
            return starts[n + 1] - (len(separator) if n + 1 < listed else 0)

        if file not in self.files:
            try:
                self.files[file] = os.open(self.folder / file, os.O_RDONLY)
            except OSError as e:
                raise _Altered(file) from e
        source = self.files[file]
        n = first
        while n <= last:  # a chunk of whole entries, with the separators after all but the last
            upto = n
            while upto < last and starts[upto + 1] - starts[n] < _COPY_CHUNK:
                upto += 1
            begin = starts[n]
            stop = starts[upto + 1] if upto < last else end(last)
            if len(self.buffer) < stop - begin:
                self.buffer = bytearray(stop - begin)
            view = memoryview(self.buffer)[: stop - begin]
            if os.preadv(source, [view], begin) != len(view):
                raise _Altered(file)
            for k in range(n, upto + 1):
                entry_end = end(k) - begin
                if zlib.crc32(view[starts[k] - begin : entry_end]) != crcs[k]:
                    raise _Altered(file)
                if k < last and view[entry_end : starts[k + 1] - begin] != separator:
                    raise _Altered(file)
            write(view)
            n = upto + 1

    def close(self) -> None:
        for source in self.files.values():
            os.close(source)


def _row_key(entry: Entry, context: str) -> str:
    return _hash(f"{entry.key}\0{entry.updated.isoformat()}\0{context}".encode())


class _Stored:
    """What a build made, stored in batches."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: dict[str, bytes] = {}
        self.pieces: dict[str, tuple[bytes, int, str]] = {}
        self.checks: dict[str, str] = {}

    def add(self, key: str | None, made: _Made, new: dict[str, Any]) -> None:
        if key is not None:
            self.rows[key] = pickle.dumps(made.pieces, protocol=pickle.HIGHEST_PROTOCOL)
        self.pieces.update(new["pieces"])
        self.checks.update(new["checks"])
        if len(self.rows) + len(self.pieces) >= 4 * _CHUNK:
            self.flush()

    def flush(self) -> None:
        self.store.put_rendered(self.rows)
        self.store.put_pieces(self.pieces)
        self.store.put_checks(self.checks)
        self.rows, self.pieces, self.checks = {}, {}, {}


def _in_order(
    meta: FeedMeta,
    renderer: _Renderer,
    entries: Sequence[Entry],
    row_keys: Sequence[str],
    known: set[str],
    store: Store,
    pool: ProcessPoolExecutor | None,
    progress: Progress | None,
    missing: int,
) -> Iterator[_Made]:
    """Every entry made, in order: from the cache, or rendered now (in `pool`), a window of
    entries at a time; what is made is stored."""
    pending: deque[tuple[str | None, Future[tuple[_Made, dict[str, Any]]]]] = deque()
    stored = _Stored(store)
    done = 0

    def resolve(key: str | None, future: Future[tuple[_Made, dict[str, Any]]]) -> _Made:
        nonlocal done
        made, new = future.result()
        stored.add(key, made, new)
        if key is not None:
            done += 1
            if progress:
                progress(done, missing)
        return made

    for start in range(0, len(entries), _CHUNK):
        chunk = range(start, min(start + _CHUNK, len(entries)))
        cached = store.rendered([row_keys[n] for n in chunk if row_keys[n] in known])
        to_render = [n for n in chunk if row_keys[n] not in cached]
        blobs = _blobs(store, [entries[n].key for n in to_render]) if to_render else {}
        # A cached entry's gzip pieces and checks are looked up by its bytes.
        from_cache = iter(
            _made(
                renderer, [pickle.loads(cached[row_keys[n]]) for n in chunk if row_keys[n] in cached], store
            )
        )
        for n in chunk:
            key = row_keys[n]
            future: Future[tuple[_Made, dict[str, Any]]] = Future()
            if key in cached:
                future.set_result(next(from_cache))
                pending.append((None, future))
                continue
            if pool is not None:
                future = pool.submit(_render_blob, meta, blobs[entries[n].key], entries[n])
            else:  # rendered here, now
                future.set_result(_render_blob(meta, blobs[entries[n].key], entries[n]))
            pending.append((key, future))
        del cached, blobs, from_cache
        while len(pending) > _WINDOW:
            yield resolve(*pending.popleft())
    while pending:
        yield resolve(*pending.popleft())
    stored.flush()


Parts = dict[str, tuple[bytes, bytes, bytes]]  # each output's head, closing, separator


def _parts(meta: FeedMeta, entries: Sequence[Entry]) -> Parts:
    """What each output has around and between its entries."""
    from feedtool.emit import feeds
    from feedtool.emit.page import index_parts

    atom, rss = feeds.FeedFormat(meta, feeds.ATOM), feeds.FeedFormat(meta, feeds.RSS)
    json_head, json_closing = feeds.json_parts(meta)
    page_head, page_closing, no_items = index_parts(meta, feeds.FEEDS)
    parts = {  # head, closing, separator between entries
        ATOM_FILE: (atom.head, atom.closing, b""),
        RSS_FILE: (rss.head, rss.closing, b""),
        JSON_FILE: (
            json_head if entries else json_head.removesuffix(b"[\n"),
            json_closing if entries else feeds.json_empty(b"", json_closing),
            feeds.JSON_SEPARATOR,
        ),
        PAGE_FILE: (
            page_head.encode(),
            (page_closing if entries else no_items + page_closing).encode(),
            b"\n",
        ),
    }
    return parts


class _Outputs:
    """A feed's outputs and their twins, written entry by entry in the feed's order; with where
    each entry lands (the new layout), the line each entry's feed-level stand-in starts on, the
    hashes the feed-level check is cached by, and what the entry checks found."""

    def __init__(self, meta: FeedMeta, parts: Parts, folder: Path) -> None:
        from feedtool.build import code_fingerprint

        self.parts = parts
        # The feed-level check of each feed is cached by what it checks: the code, the address,
        # the head and closing, and each entry's stand-in (by its hash): an article's text can
        # change without the feed being checked again.
        self.digests = {}
        for name in FEED_FILES:
            self.digests[name] = hashlib.blake2b(digest_size=16)
            for part in (code_fingerprint().encode(), meta.url_of(name).encode(), *parts[name]):
                self.digests[name].update(part + b"\0")
        self.layout = Layout.empty()
        self.starts: dict[str, array[int]] = {name: array("q") for name in FEED_FILES}  # stand-ins' lines
        self.lines = {name: parts[name][0].count(b"\n") + 1 for name in FEED_FILES}
        self.separators = {
            name: (parts[name][2], deflated(parts[name][2]) if parts[name][2] else b"")
            for name in OUTPUT_NAMES
        }
        self.found: list[tuple[str, str]] = []  # what the entry checks found, as lines for the user
        self.files = {name: _Twins(folder / name) for name in OUTPUT_NAMES}
        for name, twins in self.files.items():
            twins.write(parts[name][0])

    def _separate(self, name: str, twins: _Twins) -> None:
        separator, packed = self.separators[name]
        if separator:
            twins.write(separator, packed)
            if name in self.lines:
                self.lines[name] += separator.count(b"\n")

    def made(self, n: int, entry: Entry, key: bytes, one: _Made) -> None:
        """The n-th entry, made now (or from the cache)."""
        layout = self.layout
        for name, twins in self.files.items():
            if n:
                self._separate(name, twins)
            piece, packed = one.pieces[name], one.packed[name]
            layout.starts[name].append(twins.size)
            layout.starts[name + GZIP_SUFFIX].append(twins.packed_size)
            layout.crcs[name].append(zlib.crc32(piece))
            layout.crcs[name + GZIP_SUFFIX].append(zlib.crc32(packed))
            if name in self.starts:
                self.starts[name].append(self.lines[name])
                self.lines[name] += one.lines[name]
                layout.lines[name].append(one.lines[name])
                shape = bytes.fromhex(one.shapes[name])
                layout.shapes[name] += shape
                self.digests[name].update(shape)
            twins.write(piece, packed)
        if one.findings:
            layout.findings[n] = [list(dataclasses.astuple(finding)) for finding in one.findings]
        self.found += [_line(entry.source, finding) for finding in one.findings]
        layout.keys += key

    def copied(
        self, n: int, entries: Sequence[Entry], keys: Sequence[bytes], splice: _Splice, first: int
    ) -> None:
        """Entries n.. (as many as `entries` holds), copied from the published outputs, where
        they are entries first.. (in the same order)."""
        count, old, layout = len(entries), splice.layout, self.layout
        for name, twins in self.files.items():
            if n:
                self._separate(name, twins)
            splice.copy(name, twins, first, count, self.separators[name], layout)
            if name in self.starts:
                between = self.parts[name][2].count(b"\n")
                for k in range(first, first + count):
                    self.lines[name] += between if k > first else 0
                    self.starts[name].append(self.lines[name])
                    self.lines[name] += old.lines[name][k]
                layout.lines[name] += old.lines[name][first : first + count]
                shapes = old.shapes[name][first * _KEY_SIZE : (first + count) * _KEY_SIZE]
                layout.shapes[name] += shapes
                self.digests[name].update(shapes)
        for k, entry in enumerate(entries):
            rows = old.findings.get(first + k)
            if rows:
                layout.findings[n + k] = rows
                self.found += [_line(entry.source, Finding(*row)) for row in rows]
        layout.keys += b"".join(keys)

    def finish(self) -> None:
        for name, twins in self.files.items():
            self.layout.starts[name].append(twins.size)
            self.layout.starts[name + GZIP_SUFFIX].append(twins.packed_size)
            twins.write(self.parts[name][1])

    def close(self) -> None:
        for twins in self.files.values():
            twins.close()


def _assemble(
    meta: FeedMeta,
    entries: Sequence[Entry],
    keys: Sequence[bytes],
    made: Iterator[_Made],
    parts: Parts,
    folder: Path,
    store: Store,
    pool: ProcessPoolExecutor | None,
    splice: _Splice | None,
) -> tuple[list[str], list[str], Layout]:
    """Write the outputs from the entries' pieces (runs of entries that `splice` finds copied
    from the published outputs, the others from `made`), then run the feed-level check;
    (warnings, errors, where each entry was written)."""
    outputs = _Outputs(meta, parts, folder)
    try:
        n = 0
        while n < len(entries):
            first = splice.find(keys[n]) if splice is not None else None
            if first is None:
                outputs.made(n, entries[n], keys[n], next(made))
                n += 1
                continue
            assert splice is not None
            count = 1  # the entries that follow each other here as they did there
            while n + count < len(entries) and splice.find(keys[n + count]) == first + count:
                count += 1
            outputs.copied(n, entries[n : n + count], keys[n : n + count], splice, first)
            n += count
        left = next(made, None)  # the end of `made`, where it stores what it made
        assert left is None, "more entries made than listed"
        outputs.finish()
    finally:
        outputs.close()
    layout, starts = outputs.layout, outputs.starts
    check_keys = {name: f"feed:{digest.hexdigest()}" for name, digest in outputs.digests.items()}
    found = {name: json.loads(text) for name, text in store.checks(list(check_keys.values())).items()}
    unchecked = [name for name in FEED_FILES if check_keys[name] not in found]
    if unchecked:
        checked = _check_feeds(unchecked, parts, layout, folder, meta, pool)
        for name, problems in checked.items():
            found[check_keys[name]] = problems
        store.put_checks(
            {check_keys[name]: json.dumps(checked[name], ensure_ascii=False) for name in unchecked}
        )
    feed_lines: list[tuple[str, str]] = []
    for name in FEED_FILES:
        feed_lines += _attributed(found[check_keys[name]], starts[name], entries, name, meta.url_of(name))
    lines_found = list(dict.fromkeys(outputs.found + feed_lines))
    errors = [text for severity, text in lines_found if severity == "error"]
    warnings = [text for severity, text in lines_found if severity == "warning"]
    return warnings, errors, layout


def _check_feeds(
    names: list[str],
    parts: dict[str, tuple[bytes, bytes, bytes]],
    layout: Layout,
    folder: Path,
    meta: FeedMeta,
    pool: ProcessPoolExecutor | None,
) -> dict[str, Found]:
    """The feed-level check of the feeds written in `folder`: each made again with its
    entries' article text left out (from the written file), and validated (in the pool's
    processes when there is one)."""
    checking = folder / _CHECKING
    checking.mkdir(exist_ok=True)
    try:
        paths = {}
        count = len(layout)
        for name in names:
            head, closing, separator = parts[name]
            paths[name] = checking / name
            starts = layout.starts[name]
            with (folder / name).open("rb") as written, paths[name].open("wb") as out:
                out.write(head)
                for n in range(count):
                    end = starts[n + 1] - (len(separator) if n + 1 < count else 0)
                    written.seek(starts[n])
                    piece = written.read(end - starts[n])
                    out.write((separator if n else b"") + _stand_in(name, piece))
                out.write(closing)
        if pool is None:
            return {name: _validate_file(path, meta.url_of(name)) for name, path in paths.items()}
        futures = {name: pool.submit(_validate_file, path, meta.url_of(name)) for name, path in paths.items()}
        return {name: future.result() for name, future in futures.items()}
    finally:
        shutil.rmtree(checking, ignore_errors=True)


def _line(source: str, finding: Finding) -> tuple[str, str]:
    return finding.severity, f"{source}: in {finding.file}: {finding.message} [{finding.code}]"


def _attributed(
    found: Iterable[Sequence[Any]], starts: array[int], entries: Sequence[Entry], name: str, url: str
) -> list[tuple[str, str]]:
    """Feed-level findings as lines for the user, an entry's named by its item file."""
    lines = []
    for severity, code, message, at in found:
        index = None if at is None or not starts or at < starts[0] else bisect.bisect_right(starts, at) - 1
        where = f"{entries[index].source}: in {name}" if index is not None else f"{url}:{at or 0}"
        lines.append((severity, f"{where}: {message} [{code}]"))
    return lines
