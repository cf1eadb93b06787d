"""Fetches the URL sources of a build, and keeps the last good copy of each.

A fetch has a deadline, a size limit (compressed and uncompressed), follows at most five
redirects, asks for gzip, keeps the charset the answer declares, and names feedtool and its
version in its User-Agent. It is conditional: the ETag and Last-Modified of the copy kept are
sent back, and a 304 answer means the kept copy is still the feed. The copy kept is the last one
that read as a feed; a source that fails later is built from it, with a warning.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import asdict, dataclass
from email.message import Message
from pathlib import Path
from typing import IO, Any

from feedtool import __version__
from feedtool.errors import FetchError
from feedtool.publish import replace_whole

USER_AGENT = f"feedtool/{__version__}"
TIMEOUT_SECONDS = 30.0
MAX_BYTES = 100 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Copy:
    """A URL source's feed as fetched: its bytes and what the answer said about them."""

    url: str  # the address asked for
    final_url: str  # where the feed was, after redirects: relative links are relative to it
    body: bytes
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    date: str | None = None  # when the server sent this copy (its Date header)


@dataclass(frozen=True, slots=True)
class Fetched:
    copy: Copy
    fresh: bool  # a new copy (200), not the kept one (304 or offline)


class SourceCopies:
    """The last good copy of every URL source, in the build's cache folder (one body file and
    one small JSON file per URL, each replaced atomically)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        name = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
        return self.folder / f"{name}.feed", self.folder / f"{name}.json"

    def load(self, url: str) -> Copy | None:
        body_path, meta_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            body = body_path.read_bytes()
            if meta.get("url") != url or meta.get("size") != len(body):
                return None
            fields = ("final_url", "charset", "etag", "last_modified", "date")
            return Copy(url=url, body=body, **{name: meta[name] for name in fields})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, copy: Copy) -> None:
        body_path, meta_path = self._paths(copy.url)
        meta = {k: v for k, v in asdict(copy).items() if k != "body"} | {"size": len(copy.body)}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            replace_whole(body_path, copy.body)
            replace_whole(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # the build goes on; the next one fetches again


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_Redirects())


def fetch(
    url: str,
    kept: Copy | None,
    *,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """GET `url`, conditionally on `kept`; a FetchError says why it failed."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", "Accept": _ACCEPT}
    if kept is not None and kept.etag:
        headers["If-None-Match"] = kept.etag
    if kept is not None and kept.last_modified:
        headers["If-Modified-Since"] = kept.last_modified
    request = urllib.request.Request(url, headers=headers)
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as response:
            body = _body(url, response, deadline, timeout, max_bytes)
            answer: Message = response.headers
            return Fetched(
                Copy(
                    url=url,
                    final_url=response.geturl(),
                    body=body,
                    charset=answer.get_content_charset(),
                    etag=answer.get("ETag"),
                    last_modified=answer.get("Last-Modified"),
                    date=answer.get("Date"),
                ),
                fresh=True,
            )
    except urllib.error.HTTPError as e:
        e.close()
        if e.code == 304 and kept is not None:
            return Fetched(kept, fresh=False)
        if e.code in (301, 302, 303, 307, 308):
            raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects, or a redirect loop") from e
        raise FetchError(f"{url}: HTTP {e.code} {e.reason}") from e
    except urllib.error.URLError as e:
        raise FetchError(f"{url}: {_why(e.reason, timeout)}") from e
    except (http.client.HTTPException, OSError, ValueError) as e:
        raise FetchError(f"{url}: {_why(e, timeout)}") from e


_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)


def _body(url: str, response: IO[bytes], deadline: float, timeout: float, max_bytes: int) -> bytes:
    """The answer's body, read against the deadline (a server sending a byte a second never
    ends otherwise) and the size limit, and gunzipped if it came compressed."""
    gzipped = (getattr(response, "headers", {}).get("Content-Encoding") or "").strip().lower() in (
        "gzip", "x-gzip")  # fmt: skip
    inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS) if gzipped else None
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: the whole answer did not come within {timeout:g} s")
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            break
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, max_bytes + 1 - size)
            except zlib.error as e:
                raise FetchError(f"{url}: the answer says it is gzip-compressed, but it is not ({e})") from e
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: larger than the {max_bytes:,} bytes a source may have")
        parts.append(chunk)
    return b"".join(parts)


def _why(reason: Any, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed ({reason.reason or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return str(reason.strerror)
    text = str(reason).strip()
    return text or type(reason).__name__
