"""Remembers what builds made, so the next build makes only what changed.

The cache is an SQLite file in the build's own cache folder, written only by feedtool, like
Python's __pycache__; a damaged or foreign one is rebuilt. It keeps:
- items: cleaning outcomes (an Item, or none when the user's rules dropped it, and the rules
  that matched), pickled, by the hash of their file and the settings that shaped them;
- scans: what a cheap look at an item file found, by its path, size, mtime and inode;
- rendered: each item rendered into every output and checked, by item and feed (write.py);
- checks: the feed-level validator findings, by the bytes they were found in;
- outputs: the last build of each output folder, to tell when nothing changed.
A cache that cannot be used (a full disk, a read-only folder) is set aside for the rest of the
build, which goes on with what it made in memory; `problem` then says why.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from feedtool.rules import Cleaned
from feedtool.write import Store

SCHEMA_VERSION = 3
_TABLES = {
    "items": "key text primary key, item blob not null",
    "scans": "path text primary key, stat text not null, scan blob not null",
    "rendered": "key text primary key, row blob not null",
    "checks": "key text primary key, findings text not null",
    "outputs": "folder text primary key, state text not null",
}
_CHUNK = 500


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
        # Without a usable database, what this build makes is kept here until it ends.
        self._memory: dict[str, dict[str, Any]] = {table: {} for table in _TABLES}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = self._open()
        except (OSError, sqlite3.Error) as e:
            self._give_up(e)

    def _give_up(self, error: OSError | sqlite3.Error) -> None:
        """The build goes on without the cache; `problem` says why, once."""
        if self._db is not None:
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
                if db.execute("pragma user_version").fetchone()[0] != SCHEMA_VERSION:
                    for table, columns in _TABLES.items():
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

    def _select(self, table: str, column: str, keys: Sequence[Any], key: str = "key") -> dict[Any, Any]:
        if self._db is None:
            memory = self._memory[table]
            return {k: memory[k] for k in keys if k in memory}
        found: dict[Any, Any] = {}
        try:
            for start in range(0, len(keys), _CHUNK):
                chunk = list(keys[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                query = f"select {key}, {column} from {table} where {key} in ({marks})"
                found.update(self._db.execute(query, chunk))
        except sqlite3.Error as e:
            self._give_up(e)
            return self._select(table, column, keys, key)
        return found

    def _insert(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        rows = list(rows)
        if not rows:
            return
        if self._db is not None:
            try:
                with self._db:
                    marks = ",".join("?" * len(rows[0]))
                    self._db.executemany(f"insert or replace into {table} values ({marks})", rows)
                return
            except sqlite3.Error as e:
                self._give_up(e)
        memory = self._memory[table]
        for row in rows:
            memory[row[0]] = row[1] if len(row) == 2 else row[1:]

    def get_many(self, keys: Iterable[str]) -> dict[str, Cleaned]:
        found: dict[str, Cleaned] = {}
        for key, blob in self._select("items", "item", list(keys)).items():
            try:
                item = pickle.loads(blob)
            except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
                continue  # written by another feedtool: cleaned again, and stored anew
            if isinstance(item, Cleaned):
                found[key] = item
        return found

    def put_items(self, items: Mapping[str, bytes]) -> None:
        """Store items already pickled (by the worker that cleaned them)."""
        self._insert("items", items.items())

    put_pickled = put_items

    def scans(self, paths: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        if self._db is None:
            memory = self._memory["scans"]
            return {p: memory[p] for p in paths if p in memory}
        found = {}
        try:
            for start in range(0, len(paths), _CHUNK):
                chunk = list(paths[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                for path, stat, scan in self._db.execute(
                    f"select path, stat, scan from scans where path in ({marks})", chunk
                ):
                    found[path] = (stat, scan)
        except sqlite3.Error as e:
            self._give_up(e)
            return {}
        return found

    def put_scans(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        self._insert("scans", rows)

    def rendered(self, keys: Sequence[str]) -> dict[str, bytes]:
        return self._select("rendered", "row", keys)

    def known(self, keys: Sequence[str]) -> set[str]:
        return set(self._select("rendered", "1", keys))

    def put_rendered(self, rows: dict[str, bytes]) -> None:
        self._insert("rendered", rows.items())

    def check(self, key: str) -> str | None:
        found: str | None = self._select("checks", "findings", [key]).get(key)
        return found

    def put_check(self, key: str, findings: str) -> None:
        self._insert("checks", [(key, findings)])

    def output_state(self, folder: Path) -> str | None:
        # The folder's name as bytes: a name that is not UTF-8 is no SQLite text.
        name = os.fsencode(folder.resolve())
        found: str | None = self._select("outputs", "state", [name], key="folder").get(name)
        return found

    def set_output_state(self, folder: Path, state: str) -> None:
        if self._db is not None:
            self._insert("outputs", [(os.fsencode(folder.resolve()), state)])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
