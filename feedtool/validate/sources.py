"""Where feeds come from: files, folders, http(s) URLs and stdin, turned into reports."""

from __future__ import annotations

import dataclasses
import http.client
import os
import re
import socket
import ssl
import sys
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit

from feedtool import __version__
from feedtool.errors import PathError, UnreadableSource, shown
from feedtool.paths import kind_of
from feedtool.validate import validate_bytes, validate_path, values
from feedtool.validate.codes import define, problem
from feedtool.validate.profiles import DEFAULT, Profile
from feedtool.validate.report import Report

FEED_SUFFIXES = frozenset((".xml", ".atom", ".rss", ".rdf", ".json", ".feed"))
TIMEOUT_SECONDS = 30.0
MAX_BYTES = 100 * 1024 * 1024
ERROR_BODY_BYTES = 64 * 1024


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
    if _kind(source) == "folder":
        try:  # rglob skips a folder it cannot read without a word: ask the top one first
            with os.scandir(path):
                pass
        except OSError as e:
            raise UnreadableSource(source, "IOError", f"cannot read folder: {e.strerror or e}") from e
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FEED_SUFFIXES)
        if not found:
            raise UnreadableSource(source, "IOError", "no feed files (*.xml, *.atom, *.rss, …) in folder")
        return [str(p) for p in found]
    return [source]


def base_problem(base: str) -> str | None:
    """Why `base` cannot be the address feeds are served at, or None when it can."""
    parts = values.split_url(base)
    if parts is None:
        return "not a valid URL (an IPv6 host's '[' is not closed)"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an absolute http(s) URL"
    try:
        parts.port  # noqa: B018 -- urlsplit checks the port only when asked
    except ValueError:
        return "the port is not a number from 0 to 65535"
    if not parts.hostname:
        return "no host name after the scheme"
    if values.check_uri(base, full=True, iri=True):
        return "not a valid URL (spaces and other characters must be percent-encoded)"
    return None


def location_of(source: str, base: str | None, root: str | None = None) -> str | None:
    """The address a source is checked as: `base`, or `base` joined with the source's path.

    A base ending in `/` names a folder: a file is checked at the folder joined with its path
    as given (or, with `root`, with its path inside the folder `root` that `base` names), a
    URL at its own (final) address, stdin at no address at all.
    """
    if base is None or not base.endswith("/"):
        return base
    if source == "-" or is_url(source):
        return None
    path = Path(source)
    if root is not None:
        path = Path(os.path.relpath(os.path.abspath(source), os.path.abspath(root)))
    relative = path.as_posix().removeprefix("./").lstrip("/")
    # Bytes of a name that are not UTF-8 are percent-encoded, as a URL carries them.
    return urljoin(base, _UNDECODED_BYTE.sub(lambda m: f"%{ord(m.group()) - 0xDC00:02X}", relative))


def inside(source: str, root: str) -> bool:
    """Whether the path `source` is in the folder `root` (or its subfolders)."""
    relative = os.path.relpath(os.path.abspath(source), os.path.abspath(root))
    return relative != ".." and not relative.startswith("../")


_UNDECODED_BYTE = re.compile("[\udc80-\udcff]")  # how Python holds a name's non-UTF-8 bytes


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES) -> Fetched:
    """GET `url`, following redirects, refusing bodies over `max_bytes`.

    Failures raise UnreadableSource with the code that names them: HttpError (a 4xx or 5xx
    answer), HttpErrorWithPossibleFeed (the same, with a feed as the body), HttpProtocolError
    (not HTTP), HttpsProtocolError (TLS), ValidatorLimit (too large) or IOError.
    """
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"feedtool/{__version__} (validate)",
            "Accept": "*/*",
            "Accept-Encoding": "gzip",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = _body(url, response, response.headers.get("Content-Encoding"), max_bytes)
            return Fetched(response.geturl(), data, response.headers.get("Content-Type"))
    except urllib.error.HTTPError as e:
        code = "HttpErrorWithPossibleFeed" if _looks_like_feed(_error_body(e)) else "HttpError"
        raise UnreadableSource(url, code, f"HTTP {e.code} {e.reason}") from e
    except urllib.error.URLError as e:
        raise _unreachable(url, e.reason) from e
    except http.client.HTTPException as e:  # before OSError: RemoteDisconnected is both
        raise _unreachable(url, e) from e
    except (OSError, ValueError) as e:
        raise _unreachable(url, e) from e


def _body(url: str, response: IO[bytes], encoding: str | None, max_bytes: int) -> bytes:
    limit = f"larger than {max_bytes // (1024 * 1024)} MB"
    data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnreadableSource(url, "ValidatorLimit", limit)
    if (encoding or "").strip().lower() not in ("gzip", "x-gzip"):
        return data
    inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflate.decompress(data, max_bytes + 1)
    except zlib.error as e:
        raise UnreadableSource(
            url, "IOError", f"the server says the body is gzip-compressed, but it is not ({e})"
        ) from e
    if len(data) > max_bytes:
        raise UnreadableSource(url, "ValidatorLimit", limit + " uncompressed")
    return data


def _error_body(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read(ERROR_BODY_BYTES)
    except (OSError, http.client.HTTPException):
        return b""


_FEED_START = re.compile(rb"<(?:rss|feed|(?:[\w.-]+:)?RDF)[\s>/]|jsonfeed\.org/version/")


def _looks_like_feed(body: bytes) -> bool:
    return _FEED_START.search(body[:4096]) is not None


def _unreachable(url: str, reason: object) -> UnreadableSource:
    if isinstance(reason, ssl.SSLError):
        return UnreadableSource(url, "HttpsProtocolError", _describe(reason))
    if isinstance(reason, http.client.HTTPException):
        return UnreadableSource(url, "HttpProtocolError", _describe(reason))
    if isinstance(reason, socket.gaierror):
        return UnreadableSource(url, "IOError", f"unknown host {urlsplit(url).hostname}")
    if isinstance(reason, TimeoutError):
        return UnreadableSource(url, "IOError", f"no answer within {TIMEOUT_SECONDS:.0f} s")
    if isinstance(reason, OSError) and reason.strerror:
        return UnreadableSource(url, "IOError", reason.strerror)
    return UnreadableSource(url, "IOError", _describe(reason))


def _describe(reason: object) -> str:
    if type(reason) is http.client.BadStatusLine:  # not its subclass RemoteDisconnected
        return f"status line {str(reason.args[0]).strip()!r}"
    text = str(reason).strip()
    return text if text and text != "None" else type(reason).__name__


def validate_source(
    source: str, *, base: str | None = None, profile: Profile = DEFAULT, root: str | None = None
) -> Report:
    """Validate one expanded source, judged by `profile`, at its address under `base` (see
    location_of). One that cannot be read gives a report whose only problem says why
    (IOError, HttpError, …), with `readable` False."""
    try:
        report = _validate(source, location_of(source, base, root), profile)
    except UnreadableSource as e:
        return unreadable(e)
    return dataclasses.replace(report, source=shown(report.source))


def unreadable(error: UnreadableSource) -> Report:
    """The report of a source that could not be read."""
    found = problem(error.code, {"detail": error.detail}, None, None)
    return Report(shown(error.source), None, None, (found,), readable=False)


def _validate(source: str, location: str | None, profile: Profile) -> Report:
    if source == "-":
        try:
            data = sys.stdin.buffer.read()
        except OSError as e:
            raise UnreadableSource("-", "IOError", f"cannot read standard input: {e.strerror or e}") from e
        return validate_bytes(data, source="-", base=location, profile=profile)
    if is_url(source):
        fetched = fetch(source)
        return validate_bytes(
            fetched.data,
            source=source,
            base=location or fetched.url,
            content_type=fetched.content_type,
            profile=profile,
        )
    scheme = _OTHER_SCHEME.match(source)
    if scheme:
        raise UnreadableSource(
            source, "IOError", f"{scheme.group(1)}: addresses are not supported (http and https are)"
        )
    found = _kind(source)
    if found is None:
        raise UnreadableSource(source, "IOError", "no such file")
    if found not in ("file", "pipe"):  # a pipe: `feedtool validate <(curl …)`
        raise UnreadableSource(source, "IOError", f"a {found}, not a feed file")
    return validate_path(Path(source), base=location, profile=profile)


_OTHER_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*)://")


def _kind(source: str) -> str | None:
    """What the path `source` names (see feedtool.paths.kind_of); UnreadableSource when it
    cannot be looked at."""
    try:
        return kind_of(Path(source))
    except PathError as e:
        raise UnreadableSource(source, "IOError", str(e).removeprefix(f"{shown(source)}: ")) from e


define(
    "IOError",
    "error",
    "the feed could not be read: {detail}",
    parents=["Error"],
    why="Nothing can be checked in a feed that cannot be read; readers fail the same way.",
    fix="Check the path or the address; for a URL, open it in a browser and make sure the "
    "server answers it with the feed. A server that says its answer is gzip-compressed must "
    "compress it.",
    bad="feedtool validate https://example.com/feed.xml   (the host does not exist)",
    good="feedtool validate https://www.example.com/feed.xml",
)
define(
    "HttpError",
    "error",
    "the server answered {detail}",
    parents=["Error"],
    why="Readers get the same answer and cannot subscribe. 404 usually means a wrong address, "
    "403 a server or firewall that refuses the reader's User-Agent.",
    fix="Open the address in a browser; fix the URL or the server's permissions (allow feed "
    "readers' User-Agents through a web application firewall).",
    bad="HTTP/1.1 404 Not Found",
    good="HTTP/1.1 200 OK\nContent-Type: application/rss+xml; charset=utf-8",
)
define(
    "HttpErrorWithPossibleFeed",
    "error",
    "the server answered {detail}, with a body that looks like a feed",
    parents=["Error"],
    why="Readers trust the status, not the body: they will not subscribe, although a "
    "browser may show the feed and hide the problem.",
    fix="Look at the response's status line and headers, and make the server answer 200.",
    bad='HTTP/1.1 404 Not Found\nContent-Type: application/rss+xml\n\n<rss version="2.0">…</rss>',
    good='HTTP/1.1 200 OK\nContent-Type: application/rss+xml\n\n<rss version="2.0">…</rss>',
)
define(
    "HttpProtocolError",
    "error",
    "the server's answer is not valid HTTP: {detail}",
    parents=["Error"],
    why="Some readers refuse a response they cannot parse and never see the feed.",
    fix="Fix the server or the software in front of it so that it sends a valid status line "
    "and valid headers.",
    bad="HTTP/1.1 OK  (no status code)",
    good="HTTP/1.1 200 OK",
)
define(
    "HttpsProtocolError",
    "error",
    "the HTTPS connection failed: {detail}",
    parents=["Error"],
    why="Readers that verify certificates, as they should, cannot fetch the feed.",
    fix="Serve the full certificate chain (with its intermediate certificates) for the host "
    "name in the address; an SSL checking tool shows what is missing.",
    bad="a certificate for www.example.com served at https://example.com/feed.xml",
    good="a certificate whose names include example.com, with its intermediate certificates",
)
