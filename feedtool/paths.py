"""Paths users name on the command line or in feedtool.toml, looked at with a one-line reason
when they cannot be."""

from __future__ import annotations

import stat
from pathlib import Path

from feedtool.errors import PathError, shown

_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISREG, "file"),
    (stat.S_ISFIFO, "pipe"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


def kind_of(path: Path) -> str | None:
    """What is at `path` ("folder", "file", "pipe", "character device", …), or None when there
    is nothing there. Raises PathError when the path cannot be looked at: a name too long for
    the system, a folder on the way that the user may not enter, a file where a folder is."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as e:
        raise PathError(f"{shown(path)}: {e.strerror or e}") from e
    return next((name for test, name in _KINDS if test(mode)), "special file")
