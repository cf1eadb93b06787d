"""Where feeds come from: files, folders, http(s) URLs and stdin, turned into reports."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from feedtool import __version__
from feedtool.errors import FeedtoolError, FetchError
from feedtool.validate import validate_bytes, validate_path
from feedtool.validate.report import Report

FEED_SUFFIXES = frozenset((".xml", ".atom", ".rss", ".rdf", ".json", ".feed"))
TIMEOUT_SECONDS = 30.0
MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    data: bytes
    content_type: str | None


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def expand(source: str) -> list[str]:
    """The sources named by one argument: a folder becomes every feed file in it, sorted."""
    if source == "-" or is_url(source):
        return [source]
    path = Path(source)
    if path.is_dir():
        try:  # rglob skips a folder it cannot read without a word: ask the top one first
            with os.scandir(path):
                pass
        except OSError as e:
            raise FeedtoolError(f"{source}: cannot read folder: {e.strerror or e}") from e
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FEED_SUFFIXES)
        if not found:
            raise FeedtoolError(f"{source}: no feed files (*.xml, *.atom, *.rss, …) in folder")
        return [str(p) for p in found]
    return [source]


def location_of(source: str, base: str | None) -> str | None:
    """The address a source is checked as: `base`, or `base` joined with the source's path.

    A base ending in `/` names a folder: a file is checked at the folder joined with its path
    as given, a URL at its own (final) address, stdin at no address at all.
    """
    if base is None or not base.endswith("/"):
        return base
    if source == "-" or is_url(source):
        return None
    relative = Path(source).as_posix().removeprefix("./").lstrip("/")
    return urljoin(base, relative)


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES) -> Fetched:
    """GET `url`, following redirects, refusing bodies over `max_bytes`."""
    request = urllib.request.Request(
        url, headers={"User-Agent": f"feedtool/{__version__} (validate)", "Accept": "*/*"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise FetchError(f"{url}: larger than {max_bytes // (1024 * 1024)} MB")
            return Fetched(response.geturl(), data, response.headers.get("Content-Type"))
    except urllib.error.HTTPError as e:
        raise FetchError(f"{url}: HTTP {e.code} {e.reason}") from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise FetchError(f"{url}: cannot fetch: {reason}") from e


def validate_source(source: str, *, base: str | None = None) -> Report:
    """Validate one expanded source; raises FeedtoolError when it cannot be read."""
    location = location_of(source, base)
    if source == "-":
        return validate_bytes(sys.stdin.buffer.read(), source="-", base=location)
    if is_url(source):
        fetched = fetch(source)
        return validate_bytes(
            fetched.data,
            source=source,
            base=location or fetched.url,
            content_type=fetched.content_type,
        )
    path = Path(source)
    if not path.is_file():
        raise FeedtoolError(f"{source}: no such file")
    return validate_path(path, base=location)
