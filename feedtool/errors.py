"""The exceptions feedtool raises for bad input, each naming where the problem is."""

from __future__ import annotations

import os
from pathlib import Path


def shown(path: str | os.PathLike[str]) -> str:
    """`path` as text for messages: the bytes of a name that are not UTF-8 are written as
    \\xNN, so the name can be printed, put in JSON or XML, and told apart from its neighbours."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class FeedtoolError(Exception):
    """Root of every error feedtool reports to its users without a traceback."""


class ItemError(FeedtoolError):
    """An item file that cannot be read: names the file and, where known, the line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = shown(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class SourceError(ItemError):
    """A source (a feed file, a URL, standard input) that is not a feed or cannot be read."""


class ConfigError(FeedtoolError):
    """A configuration file or flag with an unknown key or a bad value."""


class PathError(ConfigError):
    """A path the user gave that cannot be used: `path: reason` (permission denied, name too
    long, no such folder)."""


class FetchError(FeedtoolError):
    """A URL that could not be fetched (unreachable, too large, bad status)."""


class BuildError(FeedtoolError):
    """A build that cannot produce valid output (its inputs are listed in the message)."""


class UnreadableSource(FeedtoolError):
    """A feed to validate that cannot be read at all (no such file, HTTP error, unknown host).

    `code` names the reason in the validator's vocabulary (IOError, HttpError, …), so that
    reports can carry it like any other problem; `detail` says what happened.
    """

    def __init__(self, source: str, code: str, detail: str) -> None:
        self.source = source
        self.code = code
        self.detail = detail
        super().__init__(f"{source}: {detail}")
