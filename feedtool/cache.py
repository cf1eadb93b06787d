"""Remembers cleaned items by the hash of their file and the settings that shaped them.

The cache is an SQLite file of pickled cleaning outcomes (an Item, or none when the user's rules
dropped it, and the rules that matched) in the build's own cache folder: it is written
only by feedtool, like Python's __pycache__, and a damaged or foreign one is rebuilt. A cache
that cannot be used (a full disk, a read-only folder) is set aside for the rest of the build:
`problem` then says why, and the build goes on without it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from feedtool.rules import Cleaned

SCHEMA_VERSION = 2


def _damaged(error: sqlite3.Error) -> bool:
    """A file that is not (or no longer) a database, as opposed to one that cannot be
    written or opened: OperationalError is SQLite's word for full, read-only and I/O."""
    return isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError)


class ItemCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "items.sqlite"
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
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
                    db.execute("drop table if exists items")
                    db.execute("drop table if exists outputs")
                    db.execute("create table items (key text primary key, item blob not null)")
                    db.execute("create table outputs (folder text primary key, state text not null)")
                    db.execute(f"pragma user_version = {SCHEMA_VERSION}")
                    db.commit()
                return db
            except sqlite3.Error as e:
                db.close()
                if attempt == 2 or not _damaged(e):
                    raise
                self.path.unlink(missing_ok=True)  # a damaged or foreign file: start afresh
        raise AssertionError("unreachable")

    def get_many(self, keys: Iterable[str]) -> dict[str, Cleaned]:
        found: dict[str, Cleaned] = {}
        if self._db is None:
            return found
        wanted = list(keys)
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(
                    f"select key, item from items where key in ({marks})", chunk
                ):
                    item = pickle.loads(blob)
                    if isinstance(item, Cleaned):
                        found[key] = item
        except sqlite3.Error as e:
            self._give_up(e)
            return {}
        except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return {}  # written by another feedtool: cleaned again, and stored anew
        return found

    def put_pickled(self, items: Mapping[str, bytes]) -> None:
        """Store items already pickled (by the worker that cleaned them)."""
        if self._db is None or not items:
            return
        try:
            with self._db:
                self._db.executemany("insert or replace into items values (?, ?)", items.items())
        except sqlite3.Error as e:
            self._give_up(e)

    def output_state(self, folder: Path) -> str | None:
        if self._db is None:
            return None
        try:
            # The folder's name as bytes: a name that is not UTF-8 is no SQLite text.
            row = self._db.execute(
                "select state from outputs where folder = ?", (os.fsencode(folder.resolve()),)
            ).fetchone()
        except sqlite3.Error as e:
            self._give_up(e)
            return None
        return row[0] if row else None

    def set_output_state(self, folder: Path, state: str) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute(
                    "insert or replace into outputs values (?, ?)", (os.fsencode(folder.resolve()), state)
                )
        except sqlite3.Error as e:
            self._give_up(e)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
