"""Remembers what builds made, so the next build makes only what changed.

The cache is an SQLite file in the build's own cache folder, written only by feedtool, like
Python's __pycache__; a damaged or foreign one is rebuilt. It keeps:
- scans: what a quick look at an item file found (sources.ItemFile), by its path, with the
  file's size, time and inode and the settings it was looked at with;
- items: cleaning outcomes (an Item, or none when the user's rules dropped it, and the rules
  that matched), pickled, with their light facts (sources.Facts) beside them, by the hash of
  their source and the settings and code that shaped them;
- rendered: each item rendered into every output, by item and feed (write.py);
- pieces: a rendered piece's gzip twin and its feed-level stand-in's lines and hash, by its bytes;
- checks: what the validator found in an entry or a feed, by the bytes it checked;
- written: where each entry is in the outputs last published in a folder, and the files'
  stamps then (write.remember);
- outputs: the last build of each output folder, to tell when nothing changed.
A cache that cannot be written (a full disk, a read-only folder) keeps what this build makes
in memory until it ends, and one that cannot be read is set aside; `problem` then says why.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedtool.write import Store

if TYPE_CHECKING:
    from feedtool.sources import Facts

SCHEMA_VERSION = 7
_TABLES = {
    "items": ("key", "key text primary key, item blob not null, facts blob not null"),
    "scans": ("path", "path blob primary key, stamp text not null, scan blob not null"),
    "rendered": ("key", "key text primary key, row blob not null"),
    "pieces": (
        "key",
        "key text primary key, packed blob not null, lines integer not null, shape text not null",
    ),
    "checks": ("key", "key text primary key, findings text not null"),
    "written": ("key", "key text primary key, state blob not null"),
    "outputs": ("folder", "folder text primary key, state text not null"),
}
_CHUNK = 500
_PRESENT = "1"  # the column to select to learn only which keys are there


def _damaged(error: sqlite3.Error) -> bool:
    """A file that is not (or no longer) a database, as opposed to one that cannot be
    written or opened: OperationalError is SQLite's word for full, read-only and I/O."""
    return isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError)


class ItemCache(Store):
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "items.sqlite"
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        self._writable = True
        # What this build made and could not store, kept until it ends.
        self._memory: dict[str, dict[Any, dict[str, Any]]] = {table: {} for table in _TABLES}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = self._open()
        except (OSError, sqlite3.Error) as e:
            self._give_up(e)

    def _give_up(self, error: OSError | sqlite3.Error, *, reading: bool = True) -> None:
        """Stop writing to the database (and, for a read error, reading it); `problem` says
        why, once."""
        self._writable = False
        if reading and self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        if self.problem is None:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.problem = f"{self.folder}: cannot use the cache ({reason}); building without it"

    def _open(self) -> sqlite3.Connection:
        for attempt in (1, 2):
            db = sqlite3.connect(self.path)
            try:
                # A cache is remade when lost: no waiting for the disk at each commit.
                db.execute("pragma synchronous = off")
                if db.execute("pragma user_version").fetchone()[0] != SCHEMA_VERSION:
                    for table, (_, columns) in _TABLES.items():
                        db.execute(f"drop table if exists {table}")
                        db.execute(f"create table {table} ({columns})")
                    db.execute(f"pragma user_version = {SCHEMA_VERSION}")
                    db.commit()
                return db
            except sqlite3.Error as e:
                db.close()
                if attempt == 2 or not _damaged(e):
                    raise
                self.path.unlink(missing_ok=True)  # a damaged or foreign file: start afresh
        raise AssertionError("unreachable")

    def _select(self, table: str, columns: str, keys: Sequence[Any]) -> dict[Any, tuple[Any, ...]]:
        """Rows of `table` by key: (columns...) for each key found."""
        memory = self._memory[table]
        names = [name.strip() for name in columns.split(",")] if columns != _PRESENT else []
        found = {k: tuple(memory[k][name] for name in names) for k in keys if k in memory}
        if self._db is None:
            return found
        key = _TABLES[table][0]
        wanted = [k for k in keys if k not in found]
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    f"select {key}, {columns} from {table} where {key} in ({marks})", chunk
                ):
                    found[row[0]] = row[1:]
        except sqlite3.Error as e:
            self._give_up(e)
        return found

    def _insert(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        rows = list(rows)
        if not rows:
            return
        if self._db is not None and self._writable:
            try:
                with self._db:
                    marks = ",".join("?" * len(rows[0]))
                    self._db.executemany(f"insert or replace into {table} values ({marks})", rows)
                return
            except sqlite3.Error as e:
                self._give_up(e, reading=_damaged(e))
        memory = self._memory[table]
        names = [column.split()[0] for column in _TABLES[table][1].split(",")][1:]
        for row in rows:
            memory[row[0]] = dict(zip(names, row[1:], strict=True))

    # Cleaned items (sources.py)

    def put_items(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (key, pickled Cleaned, pickled Facts) rows, pickled by the worker that cleaned them."""
        self._insert("items", rows)

    def facts(self, keys: Sequence[str]) -> dict[str, Facts]:
        found = {}
        for key, (blob,) in self._select("items", "facts", keys).items():
            try:
                found[key] = pickle.loads(blob)
            except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
                continue  # written by another feedtool: cleaned again, and stored anew
        return found

    def cleaned(self, keys: Sequence[str]) -> set[str]:
        """The keys whose cleaned items are here."""
        return set(self._select("items", _PRESENT, keys))

    def items(self, keys: Sequence[str]) -> dict[str, bytes]:
        return {key: row[0] for key, row in self._select("items", "item", keys).items()}

    def scans(self, paths: Sequence[bytes]) -> dict[bytes, tuple[str, bytes]]:
        return {
            key: (str(row[0]), row[1]) for key, row in self._select("scans", "stamp, scan", paths).items()
        }

    def put_scans(self, rows: Iterable[tuple[bytes, str, bytes]]) -> None:
        self._insert("scans", rows)

    # Rendered entries and feed checks (write.py)

    def rendered(self, keys: Sequence[str]) -> dict[str, bytes]:
        return {key: row[0] for key, row in self._select("rendered", "row", keys).items()}

    def known(self, keys: Sequence[str]) -> set[str]:
        return set(self._select("rendered", _PRESENT, keys))

    def put_rendered(self, rows: dict[str, bytes]) -> None:
        self._insert("rendered", rows.items())

    def pieces(self, hashes: Sequence[str]) -> dict[str, tuple[bytes, int, str]]:
        found = self._select("pieces", "packed, lines, shape", hashes)
        return {key: (row[0], int(row[1]), str(row[2])) for key, row in found.items()}

    def put_pieces(self, rows: dict[str, tuple[bytes, int, str]]) -> None:
        self._insert("pieces", ((key, *row) for key, row in rows.items()))

    def checks(self, keys: Sequence[str]) -> dict[str, str]:
        return {key: str(row[0]) for key, row in self._select("checks", "findings", keys).items()}

    def put_checks(self, rows: dict[str, str]) -> None:
        self._insert("checks", rows.items())

    def written(self, key: str) -> bytes | None:
        found = self._select("written", "state", [key]).get(key)
        return None if found is None else bytes(found[0])

    def put_written(self, key: str, state: bytes) -> None:
        self._insert("written", [(key, state)])

    # The last build of each output folder (build.py)

    def output_state(self, folder: Path) -> str | None:
        # The folder's name as bytes: a name that is not UTF-8 is no SQLite text.
        name = os.fsencode(folder.resolve())
        found = self._select("outputs", "state", [name]).get(name)
        return None if found is None else str(found[0])

    def set_output_state(self, folder: Path, state: str) -> None:
        if self._db is not None and self._writable:
            self._insert("outputs", [(os.fsencode(folder.resolve()), state)])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
