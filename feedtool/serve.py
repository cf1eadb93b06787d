"""Serves a folder of built feeds over HTTP/1.1 from memory, with validators, gzip and reload."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import gzip
import hashlib
import mimetypes
import os
import re
import signal
import socket
import stat
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from feedtool import __version__
from feedtool.errors import FeedtoolError, shown

ATOM = "application/atom+xml"
RSS = "application/rss+xml"
JSON_FEED = "application/feed+json"
FEED_TYPES = (ATOM, RSS, JSON_FEED)

ALLOW = "GET, HEAD"
# A reader may keep a copy but must revalidate before reusing it: a 304 costs nothing, and
# feeds rebuilt by --watch reach every reader on its next poll.
CACHE_CONTROL = "no-cache"
MAX_HEAD_BYTES = 16 * 1024
MAX_DISCARDED_BODY = 1024 * 1024
# Pipelined requests answered per turn of the event loop, for one connection: enough to keep
# a pipelining client fast, few enough (a few milliseconds) that no other client waits on it.
PIPELINE_BATCH = 32
IDLE_SECONDS = 60.0  # a keep-alive connection with nothing to say is closed after this
HEAD_SECONDS = 20.0  # and so is one that takes longer than this to send a request head
POLL_SECONDS = 0.5
MIN_GZIP_BYTES = 256
SERVER = f"Server: feedtool/{__version__}\r\n".encode("ascii")
_STATUS_LINES = {200: b"HTTP/1.1 200 OK\r\n", 304: b"HTTP/1.1 304 Not Modified\r\n"}
_CONNECTION = {True: b"Connection: keep-alive\r\n\r\n", False: b"Connection: close\r\n\r\n"}

_COMPRESSIBLE = re.compile(r"^(text/|application/(.+\+)?(xml|json)|image/svg\+xml)")
_XML_ROOT = re.compile(
    rb"\s*(?:<\?xml(?P<decl>.*?)\?>\s*)?(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*"
    rb"<(?P<root>[A-Za-z_][\w:.-]*)",
    re.S,
)
_XML_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z][\w.-]*)["']""")
_ENTITY_TAG = re.compile(r'(?:W/)?"([^"]*)"')
_TOKEN = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_VERSION = re.compile(rb"^HTTP/(\d)\.(\d)$")


class ServeError(FeedtoolError):
    """A folder or address the server cannot use."""


@dataclass(frozen=True, slots=True)
class Representation:
    """One encoding of a file: the bytes sent and the header lines that describe them."""

    body: bytes
    etag: str
    headers: bytes  # the header fields of a 200 answer, but Date, Server and Connection
    not_modified_headers: bytes  # the subset a 304 repeats (RFC 9110, section 15.4.5)


@dataclass(frozen=True, slots=True)
class Resource:
    """A file of the served folder, read once and kept with its validators."""

    name: str
    media_type: str
    digest: str
    modified: int  # seconds since the epoch, compared with If-Modified-Since
    identity: Representation
    gzipped: Representation | None


@dataclass(frozen=True, slots=True)
class Site:
    """An immutable snapshot of the served folder; a reload builds a new one and swaps it in."""

    root: Path
    resources: Mapping[str, Resource]
    signature: tuple[tuple[str, int, int, int], ...]

    def feeds(self) -> list[Resource]:
        return [r for r in self.resources.values() if r.media_type.split(";")[0] in FEED_TYPES]


@dataclass(frozen=True, slots=True)
class Watch:
    """What --watch looks at, and how it rebuilds the served folder when that changes."""

    paths: tuple[Path, ...]
    rebuild: Callable[[], Sequence[str]]  # returns lines to log; raises FeedtoolError


def media_type_of(name: str, body: bytes) -> str:
    """The Content-Type for a file: feeds are told apart by their root element, not their name."""
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    if suffix in ("xml", "atom", "rss", "rdf"):
        head = body[:4096].removeprefix(codecs.BOM_UTF8)
        match = _XML_ROOT.match(head)
        root = match.group("root").decode("ascii") if match else ""
        kind = {"feed": ATOM, "rss": RSS, "rdf:RDF": RSS}.get(root, "application/xml")
        declared = _XML_ENCODING.search(match.group("decl") or b"") if match else None
        charset = declared.group(1).decode("ascii").lower() if declared else "utf-8"
        return f"{kind}; charset={charset}"
    if suffix == "json":
        return JSON_FEED if b"jsonfeed.org/version/" in body[:1024] else "application/json"
    if suffix in ("html", "htm"):
        return "text/html; charset=utf-8"
    guessed = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


def _representation(
    body: bytes, etag: str, media_type: str, last_modified: str, *, gzipped: bool, varies: bool
) -> Representation:
    repeated = f"ETag: {etag}\r\nLast-Modified: {last_modified}\r\nCache-Control: {CACHE_CONTROL}\r\n"
    if varies:
        repeated += "Vary: Accept-Encoding\r\n"
    encoding = "Content-Encoding: gzip\r\n" if gzipped else ""
    headers = f"Content-Type: {media_type}\r\nContent-Length: {len(body)}\r\n{encoding}{repeated}"
    return Representation(body, etag, headers.encode("latin-1"), repeated.encode("latin-1"))


def _resource(name: str, body: bytes, modified: int) -> Resource:
    media_type = media_type_of(name, body)
    digest = hashlib.sha256(body).hexdigest()[:32]
    last_modified = http_date(modified)
    packed = None
    if len(body) >= MIN_GZIP_BYTES and _COMPRESSIBLE.match(media_type):
        # mtime=0 keeps the compressed bytes, and so their ETag, a function of the content.
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        if len(packed) >= len(body):
            packed = None
    varies = packed is not None
    identity = _representation(body, f'"{digest}"', media_type, last_modified, gzipped=False, varies=varies)
    gzipped = None
    if packed is not None:
        gzipped = _representation(
            packed, f'"{digest}-gzip"', media_type, last_modified, gzipped=True, varies=True
        )
    return Resource(name, media_type, digest, modified, identity, gzipped)


def _served_files(root: Path) -> Iterable[tuple[str, Path, os.stat_result]]:
    """Regular files under root that resolve inside it; dotfiles (temporaries) are skipped."""
    real_root = root.resolve()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for filename in sorted(files):
            if filename.startswith(".") or filename.endswith("~"):
                continue
            path = Path(folder, filename)
            try:
                real = path.resolve(strict=True)
                info = real.stat()
            except OSError:
                continue
            if not real.is_relative_to(real_root) or not stat.S_ISREG(info.st_mode):
                continue
            yield path.relative_to(root).as_posix(), real, info


def folder_signature(root: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Cheap change detection: name, size, mtime and inode of every served file."""
    return tuple((name, info.st_size, info.st_mtime_ns, info.st_ino) for name, _, info in _served_files(root))


def load_site(root: Path, previous: Site | None = None) -> Site:
    """Reads the folder into memory; files whose bytes did not change keep their Last-Modified."""
    try:
        folder = root.is_dir()
    except OSError as e:  # a name too long, a folder on the way the user may not enter
        raise ServeError(f"{shown(root)}: {e.strerror or e}") from e
    if not folder:
        raise ServeError(f"{shown(root)}: no such folder to serve (run `feedtool build` first?)")
    resources: dict[str, Resource] = {}
    signature = []
    old = previous.resources if previous is not None else {}
    for name, path, info in _served_files(root):
        try:
            body = path.read_bytes()
        except OSError:
            continue  # removed between listing and reading: the next poll sees it gone
        digest = hashlib.sha256(body).hexdigest()[:32]
        kept = old.get(name)
        if kept is not None and kept.digest == digest:
            resources[name] = kept
        else:
            modified = min(int(info.st_mtime), int(time.time()))
            resources[name] = _resource(name, body, modified)
        signature.append((name, info.st_size, info.st_mtime_ns, info.st_ino))
    return Site(root, resources, tuple(signature))


def describe_changes(before: Site, after: Site) -> str:
    added = [name for name in after.resources if name not in before.resources]
    removed = [name for name in before.resources if name not in after.resources]
    changed = [
        name
        for name, resource in after.resources.items()
        if name in before.resources and before.resources[name].digest != resource.digest
    ]
    return _listing((("added", added), ("changed", changed), ("removed", removed))) or (
        "same bytes, nothing to swap"
    )


def _listing(groups: Iterable[tuple[str, list[str]]]) -> str:
    return "; ".join(f"{label} {', '.join(sorted(names))}" for label, names in groups if names)


def _source_state(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    state: dict[str, tuple[int, int]] = {}
    for top in paths:
        candidates = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in candidates:
            with contextlib.suppress(OSError):
                info = path.stat()
                if stat.S_ISREG(info.st_mode) and not path.name.startswith("."):
                    state[str(path)] = (info.st_size, info.st_mtime_ns)
    return state


SourceState = Mapping[str, tuple[int, int]]


def _diff_sources(before: SourceState, after: SourceState) -> str:
    added = [p for p in after if p not in before]
    removed = [p for p in before if p not in after]
    edited = [p for p in after if p in before and before[p] != after[p]]
    return _listing((("added", added), ("edited", edited), ("removed", removed)))


def accepts_gzip(accept_encoding: str) -> bool:
    """True when gzip has a non-zero quality in Accept-Encoding (explicitly or through *)."""
    star = None
    for part in accept_encoding.split(","):
        coding, _, params = part.partition(";")
        coding = coding.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding in ("gzip", "x-gzip"):
            return quality > 0
        if coding == "*":
            star = quality > 0
    return bool(star)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag.strip('"')
    return any(tag == opaque for tag in _ENTITY_TAG.findall(if_none_match))


def _parse_http_date(value: str) -> float | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return when.timestamp()


class BadRequest(Exception):
    """A request that cannot be parsed: answered with its status, then the connection closes."""

    def __init__(self, status: int = 400) -> None:
        super().__init__(status)
        self.status = status


_REASONS = {
    200: "OK",
    304: "Not Modified",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    431: "Request Header Fields Too Large",
    505: "HTTP Version Not Supported",
}


class FeedServer:
    """State shared by every connection: the current site, the clock and the access log."""

    def __init__(self, site: Site, log: Callable[[str], None], *, access_log: bool = True) -> None:
        self.site = site
        self.access_log = access_log
        self.routes: dict[bytes, Resource | None] = {}
        self._log = log
        self._pending_log: list[str] = []
        self._clock_second = -1
        self.date = b""
        self.log_time = ""
        self.connections: set[Connection] = set()
        self._gzip_memo: dict[bytes, bool] = {}

    def swap(self, site: Site) -> None:
        self.site = site
        self.routes = {}

    def tick(self) -> None:
        now = int(time.time())
        if now != self._clock_second:
            self._clock_second = now
            self.date = http_date(now).encode("ascii")
            self.log_time = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now))

    def log(self, line: str) -> None:
        # Lines are written once per turn of the event loop, not one system call per request.
        if not self._pending_log:
            asyncio.get_running_loop().call_soon(self.flush_log)
        self._pending_log.append(line + "\n")

    def flush_log(self) -> None:
        if self._pending_log:
            text, self._pending_log = "".join(self._pending_log), []
            with contextlib.suppress(OSError, ValueError):
                self._log(text)

    def accepts_gzip(self, accept_encoding: bytes) -> bool:
        hit = self._gzip_memo.get(accept_encoding)
        if hit is None:
            if len(self._gzip_memo) > 512:
                self._gzip_memo.clear()
            hit = accepts_gzip(accept_encoding.decode("latin-1"))
            self._gzip_memo[accept_encoding] = hit
        return hit

    def resolve(self, target: bytes) -> Resource | None:
        """The file a request target names; None for anything outside the folder or unknown."""
        try:
            return self.routes[target]
        except KeyError:
            pass
        found = self._lookup(target)
        if len(self.routes) > 1024:
            self.routes = {}
        self.routes[target] = found
        return found

    def _lookup(self, target: bytes) -> Resource | None:
        if any(b <= 0x20 or b >= 0x7F for b in target):
            raise BadRequest
        path = target.partition(b"?")[0]
        if path.startswith((b"http://", b"https://")):
            path = b"/" + path.split(b"/", 3)[3] if path.count(b"/") >= 3 else b"/"
        if not path.startswith(b"/"):
            raise BadRequest
        segments = []
        for raw in path[1:].split(b"/"):
            try:
                segment = unquote_to_bytes(raw).decode("utf-8")
            except UnicodeDecodeError as e:
                raise BadRequest from e
            if segment in (".", "..") or any(c in segment for c in "/\\\0"):
                return None
            segments.append(segment)
        if segments[-1] == "":
            segments[-1] = "index.html"
        if "" in segments:
            return None
        return self.site.resources.get("/".join(segments))


class Connection(asyncio.Protocol):
    """One client connection: parses pipelined HTTP/1.x requests and answers from memory."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.discard = 0
        self.peer = "-"
        self.last_active = time.monotonic()
        self.head_since: float | None = None
        self.closing = False
        self.reading = True
        self.write_paused = False  # the client does not read its answers
        self.next_batch: asyncio.Handle | None = None  # pipelined requests wait to be answered

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if peer else "-"
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.transport = None
        if self.next_batch is not None:
            self.next_batch.cancel()
            self.next_batch = None

    def pause_writing(self) -> None:
        # A client that does not read its answers gets no more of them, and is not read from:
        # it cannot pile up pipelined requests, or answers to them, in our memory.
        self.write_paused = True
        self._read_when_idle()

    def resume_writing(self) -> None:
        self.write_paused = False
        if self.next_batch is None:
            self._answer()

    def data_received(self, data: bytes) -> None:
        self.last_active = time.monotonic()
        self.buffer += data
        if self.next_batch is None:
            self._answer()

    def _answer(self) -> None:
        """Answers the next PIPELINE_BATCH requests; more wait for the next turn of the event
        loop, so one client pipelining thousands of requests delays the others by one batch.
        Until they are answered, the connection is not read from: what one client can make
        the server hold is one read (asyncio reads 256 KiB at most) of requests."""
        self.next_batch = None
        buffer = self.buffer
        if self.answer_requests(buffer, PIPELINE_BATCH) and not self.closing:
            self.next_batch = asyncio.get_running_loop().call_soon(self._answer)
        if not buffer:
            self.head_since = None
        elif self.head_since is None:
            self.head_since = self.last_active
        self._read_when_idle()

    def _read_when_idle(self) -> None:
        """Reads from the client only while it has nothing waiting to be answered and reads
        its answers."""
        wanted = not self.write_paused and self.next_batch is None and not self.closing
        if self.transport is not None and wanted != self.reading:
            self.reading = wanted
            if wanted:
                self.transport.resume_reading()
            else:
                self.transport.pause_reading()

    def answer_requests(self, buffer: bytearray, limit: int) -> bool:
        """Answers up to `limit` complete requests from `buffer`, and none once the client
        stops reading; True when it stopped at the limit (more may be waiting)."""
        answered = 0
        while not self.closing and not self.write_paused:
            if answered == limit:
                return True
            if self.discard:
                dropped = min(self.discard, len(buffer))
                del buffer[:dropped]
                self.discard -= dropped
                if self.discard:
                    return False
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD_BYTES:
                    self.fail(431, b"")
                return False
            if end > MAX_HEAD_BYTES:
                self.fail(431, b"")
                return False
            head = bytes(buffer[:end])
            del buffer[: end + 4]
            if not head:
                continue  # stray CRLF between requests (RFC 9112, section 2.2)
            answered += 1
            try:
                self.handle(head)
            except BadRequest as e:
                self.fail(e.status, head.partition(b"\r\n")[0])
        return False

    def fail(self, status: int, request_line: bytes) -> None:
        self.server.tick()
        self.respond_error(status, request_line, keep_alive=False, send_body=True)

    def handle(self, head: bytes) -> None:
        server = self.server
        server.tick()
        request_line, _, header_block = head.partition(b"\r\n")
        parts = request_line.split(b" ")
        if len(parts) != 3:
            raise BadRequest
        method, target, version = parts
        matched = _VERSION.match(version)
        if matched is None or not _TOKEN.match(method) or not target:
            raise BadRequest
        if matched.group(1) != b"1":
            raise BadRequest(505)
        headers: dict[bytes, bytes] = {}
        for line in header_block.split(b"\r\n") if header_block else ():
            name, colon, value = line.partition(b":")
            if not colon or not _TOKEN.match(name):
                raise BadRequest  # also rejects obsolete line folding
            key = name.lower()
            value = value.strip(b" \t")
            if key in headers:
                if key in (b"host", b"content-length"):
                    raise BadRequest
                headers[key] += b", " + value
            else:
                headers[key] = value
        http11 = matched.group(2) != b"0"
        if http11 and b"host" not in headers:
            raise BadRequest
        connection = headers.get(b"connection", b"").lower()
        keep_alive = (b"close" not in connection) if http11 else (b"keep-alive" in connection)
        if b"transfer-encoding" in headers:
            keep_alive = False  # we never read request bodies; closing is the safe way past one
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit():
                raise BadRequest
            self.discard = int(length)
            if self.discard > MAX_DISCARDED_BODY:
                keep_alive = False
        if method not in (b"GET", b"HEAD"):
            self.respond_error(405, request_line, keep_alive, send_body=True, headers=headers)
            return
        resource = server.resolve(target)
        if resource is None:
            self.respond_error(404, request_line, keep_alive, send_body=method == b"GET", headers=headers)
            return
        chosen = resource.identity
        accept_encoding = headers.get(b"accept-encoding")
        if (
            resource.gzipped is not None
            and accept_encoding is not None
            and server.accepts_gzip(accept_encoding)
        ):
            chosen = resource.gzipped
        status = 200
        if_none_match = headers.get(b"if-none-match")
        if if_none_match is not None:
            if etag_matches(if_none_match.decode("latin-1"), chosen.etag):
                status = 304  # RFC 9110, 13.2.2: If-Modified-Since is then ignored
        else:
            if_modified_since = headers.get(b"if-modified-since")
            if if_modified_since is not None:
                since = _parse_http_date(if_modified_since.decode("latin-1"))
                if since is not None and resource.modified <= since:
                    status = 304
        fields = chosen.not_modified_headers if status == 304 else chosen.headers
        head_out = b"".join(
            (_STATUS_LINES[status], SERVER, b"Date: ", server.date, b"\r\n", fields, _CONNECTION[keep_alive])
        )
        body = chosen.body if status == 200 and method == b"GET" else b""
        self.send(head_out + body if body else head_out, keep_alive)
        self.access(request_line, status, len(body), headers)

    def respond_error(
        self,
        status: int,
        request_line: bytes,
        keep_alive: bool,
        send_body: bool,
        headers: Mapping[bytes, bytes] | None = None,
    ) -> None:
        reason = _REASONS[status]
        body = f"{status} {reason}\n".encode("ascii")
        allow = f"Allow: {ALLOW}\r\n" if status == 405 else ""
        head = (
            f"HTTP/1.1 {status} {reason}\r\n{SERVER.decode('ascii')}"
            f"Date: {self.server.date.decode('ascii')}\r\n{allow}"
            f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            f"Cache-Control: no-store\r\nConnection: {'keep-alive' if keep_alive else 'close'}"
            "\r\n\r\n"
        ).encode("latin-1")
        self.send(head + body if send_body else head, keep_alive)
        self.access(request_line, status, len(body) if send_body else 0, headers or {})

    def send(self, data: bytes, keep_alive: bool) -> None:
        transport = self.transport
        if transport is None:
            return
        transport.write(data)
        if not keep_alive:
            self.closing = True
            transport.close()

    def access(self, request_line: bytes, status: int, size: int, headers: Mapping[bytes, bytes]) -> None:
        server = self.server
        if not server.access_log:
            return
        line = request_line.decode("latin-1").encode("unicode_escape").decode("ascii")
        referer = headers.get(b"referer", b"-").decode("latin-1").replace('"', "%22")
        agent = headers.get(b"user-agent", b"-").decode("latin-1").replace('"', "%22")
        server.log(
            f'{self.peer} - - [{server.log_time}] "{line}" {status} {size or "-"} "{referer}" "{agent}"'
        )

    def close_if_idle(self, now: float) -> None:
        slow_head = self.head_since is not None and now - self.head_since > HEAD_SECONDS
        if self.transport is not None and (slow_head or now - self.last_active > IDLE_SECONDS):
            self.closing = True
            self.transport.close()


def open_socket(host: str, port: int) -> socket.socket:
    """Binds the listening socket first, so --port 0 is known before the feeds are built for it."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listener = socket.socket(family, kind, proto)
    except OSError as e:
        raise ServeError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(1024)
    except OSError as e:
        listener.close()
        raise ServeError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    listener.setblocking(False)
    return listener


def base_url_of(listener: socket.socket) -> str:
    host, port = listener.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


async def _poll(server: FeedServer, watch: Watch | None, stop: asyncio.Event) -> None:
    """Reloads the site when the folder changes, and with --watch rebuilds it from its sources."""
    loop = asyncio.get_running_loop()
    sources = _source_state(watch.paths) if watch is not None else {}
    reload_problem = ""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), POLL_SECONDS)
        if stop.is_set():
            return
        now = time.monotonic()
        for connection in list(server.connections):
            connection.close_if_idle(now)
        if watch is not None:
            current = await loop.run_in_executor(None, _source_state, watch.paths)
            if current != sources:
                server.log(f"watch: {_diff_sources(sources, current)}: rebuilding")
                sources = current
                try:
                    for line in await loop.run_in_executor(None, watch.rebuild):
                        server.log(f"watch: {line}")
                except FeedtoolError as e:
                    server.log(f"watch: rebuild failed, still serving the last good feeds: {e}")
                except Exception:
                    server.log(
                        "watch: rebuild crashed, still serving the last good feeds:\n"
                        + "".join(traceback.format_exc()).rstrip()
                    )
        site = server.site
        try:
            signature = await loop.run_in_executor(None, folder_signature, site.root)
            if signature != site.signature:
                fresh = await loop.run_in_executor(None, load_site, site.root, site)
                server.swap(fresh)
                server.log(f"reload {site.root}: {describe_changes(site, fresh)}")
            reload_problem = ""
        except (OSError, ServeError) as e:
            if str(e) != reload_problem:  # said once, not twice a second
                reload_problem = str(e)
                server.log(f"reload: {e}; still serving the previous files")


def _describe_failure(context: dict[str, Any]) -> str:
    error = context.get("exception")
    trace = "".join(traceback.format_exception(error)).rstrip() if error is not None else ""
    return f"error: {context.get('message', 'unexpected failure')}\n{trace}".rstrip()


async def serve(
    listener: socket.socket,
    site: Site,
    log: Callable[[str], None],
    watch: Watch | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[], None] | None = None,
    access_log: bool = True,
) -> None:
    """Serves until `stop` is set, or SIGINT/SIGTERM arrive when running in the main thread.
    `log` gets a line per request (unless `access_log` is False) and per reload or problem."""
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    server = FeedServer(site, log, access_log=access_log)
    # A bug met while answering is logged where the access log goes, and the server goes on.
    loop.set_exception_handler(lambda _, context: server.log(_describe_failure(context)))
    handled: list[signal.Signals] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    listening = await loop.create_server(lambda: Connection(server), sock=listener)
    poller = asyncio.create_task(_poll(server, watch, stop))
    try:
        if on_ready is not None:
            on_ready()
        await stop.wait()
    finally:
        listening.close()
        for connection in list(server.connections):
            if connection.transport is not None:
                connection.transport.close()
        await listening.wait_closed()
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        server.flush_log()
        for signum in handled:
            loop.remove_signal_handler(signum)
