"""Publishes a build's output folder in one step: readers see the old folder or the new one.

A build writes every output into a staging folder beside the output folder (`.dist.XXXX`
for `dist`), then exchanges the two folders with Linux's `renameat2(RENAME_EXCHANGE)`, one
system call. Files whose bytes did not change are hard links to the published ones, so they
keep their modification times (and web servers their validators); other files of the output
folder (a robots.txt, a CNAME) are carried over the same way.

Where the exchange does not exist (another system, or a file system without it), the old
folder is renamed away and the new one into place, with a journal beside them: if the build
is killed between the two renames, the next build finishes the swap before doing anything
else. Readers then find no folder for an instant, never a mix of old and new files.

Staging folders left by killed builds are removed by the next build; a staging folder is
locked (flock) while its build runs, so a build never removes another running build's.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

from feedtool.errors import ConfigError, shown

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    function = getattr(libc, "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        function.restype = ctypes.c_int
    return function


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders' names in one step; False where the system cannot do that."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_whole(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `path` whole or not at all: a temporary file beside it, renamed over it (with
    `mode`, else the temporary file's private 0o600)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _unwritable(out: Path, error: OSError) -> ConfigError:
    """Why the output folder `out` cannot be written; a file standing where it or a folder
    on its way must be is named (the system says only "File exists" or "Not a directory")."""
    # os.path's tests answer False where the system cannot look (a name too long), not raise.
    blocker = next((p for p in (out, *out.parents) if os.path.exists(p) and not os.path.isdir(p)), None)
    reason = f"{shown(blocker)} is a file, not a folder" if blocker else error.strerror or str(error)
    return ConfigError(f"{out}: cannot write there: {reason}")


class Staging:
    """A locked staging folder for `out`; `publish()` swaps it in, `close()` removes it."""

    def __init__(self, out: Path) -> None:
        self.out = out
        try:
            self.target = out.resolve()
            self.parent = self.target.parent
            self.parent.mkdir(parents=True, exist_ok=True)
            recover(self.target)
            remove_leftovers(self.target)
            self.folder, self._lock = _locked_folder(self.parent, self.prefix)
            # mkdtemp makes a private folder; the published one is for web servers to read.
            os.chmod(self.folder, _mode(self.target))
        except OSError as e:
            raise _unwritable(out, e) from e

    @property
    def prefix(self) -> str:
        return f".{self.target.name}."

    def changed(self) -> list[Path]:
        """The output files (as paths in `out`) whose bytes the staged folder changes."""
        return [self.out / name for name in _differing(self.folder, self.target)]

    def publish(self) -> list[Path]:
        """Make the staged folder the output folder; returns the files that changed."""
        try:
            changed = _differing(self.folder, self.target)
            if not changed and self.target.is_dir():
                return []
            if self.target.is_dir():
                _carry_over(self.target, self.folder)
                if not exchange(self.folder, self.target):
                    _swap_with_journal(self.folder, self.target, self.prefix)
            else:
                os.rename(self.folder, self.target)
            _sync(self.parent)
        except OSError as e:
            raise _unwritable(self.out, e) from e
        return [self.out / name for name in changed]

    def close(self) -> None:
        # After an exchange the staging name holds the previous output folder.
        shutil.rmtree(self.folder, ignore_errors=True)
        os.close(self._lock)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _locked_folder(parent: Path, prefix: str) -> tuple[Path, int]:
    while True:
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(handle, fcntl.LOCK_EX)
        if os.fstat(handle).st_nlink > 0:  # not removed as a leftover before it was locked
            return folder, handle
        os.close(handle)


def _mode(target: Path) -> int:
    """The output folder's permissions, or what a new folder gets (0777 less the umask)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o777 & ~umask


def remove_leftovers(target: Path) -> None:
    """Remove the staging folders of builds into `target` that were killed."""
    prefix = f".{target.name}."
    for path in target.parent.glob(prefix + "*"):
        if path.name == prefix + "journal" or not path.is_dir() or path.is_symlink():
            continue
        try:
            handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a build that is running now
        else:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(handle)


def _journal(target: Path) -> Path:
    return target.parent / f".{target.name}.journal"


def _swap_with_journal(staged: Path, target: Path, prefix: str) -> None:
    away = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    journal = _journal(target)
    temporary = journal.with_name(journal.name + ".tmp")
    temporary.write_text(json.dumps({"old": away.name, "new": staged.name}), encoding="utf-8")
    os.replace(temporary, journal)
    _sync(target.parent)
    os.rename(target, away / target.name)
    os.rename(staged, target)
    # The staging name now holds the old folder, which close() removes.
    os.rename(away / target.name, staged)
    journal.unlink()
    away.rmdir()


def recover(target: Path) -> None:
    """Finish a journalled swap that a killed build left half done."""
    journal = _journal(target)
    try:
        names = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except ValueError:
        names = {}
    if not target.exists():
        new = target.parent / str(names.get("new", ""))
        old = target.parent / str(names.get("old", "")) / target.name
        if names.get("new") and new.is_dir():
            os.rename(new, target)
        elif names.get("old") and old.is_dir():
            os.rename(old, target)
    journal.unlink()


def _files(folder: Path) -> dict[str, os.stat_result]:
    found = {}
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            path = Path(root, name)
            found[path.relative_to(folder).as_posix()] = path.lstat()
    return found


def _same_bytes(a: Path, b: Path) -> bool:
    with a.open("rb") as first, b.open("rb") as second:
        while True:
            left, right = first.read(1 << 20), second.read(1 << 20)
            if left != right:
                return False
            if not left:
                return True


def _differing(staged: Path, target: Path) -> list[str]:
    """Staged files that are new or differ from the published ones; an identical one is
    replaced by a hard link to the published file, which keeps its modification time."""
    published = _files(target) if target.is_dir() else {}
    changed = []
    for name, info in sorted(_files(staged).items()):
        old = published.get(name)
        path, current = staged / name, target / name
        if old is None or old.st_size != info.st_size:
            changed.append(name)
            continue
        if (old.st_ino, old.st_dev) == (info.st_ino, info.st_dev):
            continue  # the published file itself, linked by the build: the same bytes
        if not _same_bytes(path, current):
            changed.append(name)
            continue
        link = path.with_name(f".{path.name}.link")
        with contextlib.suppress(OSError):  # hard links impossible: the copy stays
            os.link(current, link)
            os.replace(link, path)
    return changed


def _carry_over(target: Path, staged: Path) -> None:
    """Files of the output folder that the build does not write (a robots.txt) stay."""
    for name in _files(target):
        destination = staged / name
        if destination.exists() or destination.is_symlink():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        source = target / name
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
            continue
        try:
            os.link(source, destination)
        except OSError:
            shutil.copy2(source, destination)


def _sync(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
