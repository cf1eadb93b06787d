"""Remembers cleaned items by the hash of their file and the settings that shaped them.

The cache is an SQLite file of pickled Items in the build's own cache folder: it is written
only by feedtool, like Python's __pycache__, and a damaged or foreign one is rebuilt.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from feedtool.model import Item

SCHEMA_VERSION = 2


class ItemCache:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "items.sqlite"
        self._db: sqlite3.Connection | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = self._open()
        except (OSError, sqlite3.Error):
            self._db = None  # the build still works, only slower

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        try:
            if db.execute("pragma user_version").fetchone()[0] != SCHEMA_VERSION:
                db.execute("drop table if exists items")
                db.execute("drop table if exists outputs")
                db.execute("create table items (key text primary key, item blob not null)")
                db.execute("create table outputs (folder text primary key, state text not null)")
                db.execute(f"pragma user_version = {SCHEMA_VERSION}")
                db.commit()
        except sqlite3.DatabaseError:
            db.close()
            self.path.unlink(missing_ok=True)
            return self._open()
        return db

    def get_many(self, keys: Iterable[str]) -> dict[str, Item]:
        found: dict[str, Item] = {}
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
                    if isinstance(item, Item):
                        found[key] = item
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return {}
        return found

    def put_pickled(self, items: Mapping[str, bytes]) -> None:
        """Store items already pickled (by the worker that cleaned them)."""
        if self._db is None or not items:
            return
        try:
            with self._db:
                self._db.executemany("insert or replace into items values (?, ?)", items.items())
        except sqlite3.Error:
            pass

    def output_state(self, folder: Path) -> str | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "select state from outputs where folder = ?", (str(folder.resolve()),)
            ).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def set_output_state(self, folder: Path, state: str) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute(
                    "insert or replace into outputs values (?, ?)", (str(folder.resolve()), state)
                )
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
