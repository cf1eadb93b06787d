"""The engine: parses a feed safely as a stream and hands each finished element to its rules.

Rules are plain functions `(element, ctx) -> None` registered with `@rule(tag, ...)` for
Clark names (`{namespace}local`), for every element of a namespace (`{namespace}*`) or for
every element (`*`). The engine calls them when the element's end tag is parsed, so the whole
subtree is there (children before parents, in document order). Elements registered with
`streamed(tag)` (entries, items) are emptied right after their rules ran, which keeps memory
bounded however long the feed is; a parent's rule still sees them, empty, as children.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urljoin

from lxml import etree

from feedtool.boms import byte_order_mark
from feedtool.jsonstream import looks_like_json
from feedtool.validate import codes, limits, profiles
from feedtool.validate.codes import define
from feedtool.validate.namespaces import XML_BASE, split
from feedtool.validate.profiles import Profile
from feedtool.validate.report import FeedFormat, Problem, Report

Element = etree._Element
RuleFn = Callable[[Element, "Context"], None]
Declaration = tuple[str, str]  # (prefix, namespace URI); the prefix is "" for a default namespace
DeclarationRuleFn = Callable[[Element, list[Declaration], "Context"], None]
JsonRuleFn = Callable[[Iterator[str], "Context"], None]
T = TypeVar("T")

CHUNK_SIZE = 1 << 16
MAX_LISTED = 1000  # problems of one code listed per document; more are only counted
# What the parsed tree may hold at once, in bytes of memory (estimated): items and entries
# are emptied once checked, and everything else must fit. No feed comes near it.
MEMORY_BUDGET = 32 * 1024 * 1024
_ELEMENT_COST = 350  # a libxml2 element node and a text node
_ATTRIBUTE_COST = 300  # an attribute node with its text node
_NAMESPACE_COST = 400  # a namespace declaration, its prefix and URI, and what rules note of it

_RULES: dict[str, list[RuleFn]] = {}
_ROOTS: dict[str, FeedFormat] = {}
_STREAMED: set[str] = set()
_JSON_RULES: list[JsonRuleFn] = []
_UNKNOWN_ROOT_RULES: list[RuleFn] = []
_DECLARATION_RULES: list[DeclarationRuleFn] = []


def rule(*tags: str) -> Callable[[RuleFn], RuleFn]:
    """Register the decorated function for elements with these Clark names (or wildcards)."""

    def register(fn: RuleFn) -> RuleFn:
        for t in tags:
            _RULES.setdefault(t, []).append(fn)
        _LOOKUP_CACHE.clear()
        return fn

    return register


def root(tag: str, feed_format: FeedFormat) -> None:
    """Declare that a document whose root element is `tag` is a feed of `feed_format`."""
    _ROOTS[tag] = feed_format


def streamed(*tags: str) -> None:
    """Declare elements (entries, items) that are emptied once their rules have run."""
    _STREAMED.update(tags)


def unknown_root_rule(fn: RuleFn) -> RuleFn:
    """Register a rule for documents whose root no module claims (a misspelled namespace…).

    It is called at the root's start tag (children not parsed yet) and reports what it
    recognizes; when no such rule reports anything, the root is reported as undefined.
    """
    _UNKNOWN_ROOT_RULES.append(fn)
    return fn


def declaration_rule(fn: DeclarationRuleFn) -> DeclarationRuleFn:
    """Register a rule for namespace declarations (`xmlns:prefix="uri"`), used or not.

    It is called at the start tag of each element that declares namespaces (its children
    not parsed yet, the document's format known), with the (prefix, uri) pairs it declares.
    """
    _DECLARATION_RULES.append(fn)
    return fn


def json_rule(fn: JsonRuleFn) -> JsonRuleFn:
    """Register the checker of JSON documents (JSON Feed). It receives the document's text as
    it streams, in pieces decoded from UTF-8 (a byte order mark removed), and reads them
    all: the pieces raise JsonNotUtf8 where the bytes are not UTF-8, and the engine then
    reports that alone (a checker reports into a context of its own until it has read
    everything, see Context.absorb). One checker reads a document."""
    _JSON_RULES.append(fn)
    return fn


def _lookup(tag: str) -> tuple[RuleFn, ...]:
    found = _LOOKUP_CACHE.get(tag)
    if found is None:
        namespace, _ = split(tag)
        wildcard = f"{{{namespace}}}*" if namespace else ""
        found = (*_RULES.get(tag, ()), *_RULES.get(wildcard, ()), *_RULES.get("*", ()))
        if len(_LOOKUP_CACHE) >= _LOOKUP_CACHE_SIZE:  # a document of a million names
            _LOOKUP_CACHE.clear()
        _LOOKUP_CACHE[tag] = found
    return found


_LOOKUP_CACHE: dict[str, tuple[RuleFn, ...]] = {}
_LOOKUP_CACHE_SIZE = 4096  # feeds use a few dozen element names


@dataclass(frozen=True, slots=True)
class Doctype:
    """The document type declaration, if any (never loaded, only looked at)."""

    name: str
    public_id: str | None
    system_url: str | None


class Context:
    """What rules see besides the element: the source, its address, and a way to report."""

    def __init__(
        self,
        source: str,
        location: str | None,
        content_type: str | None,
        profile: Profile = profiles.DEFAULT,
    ) -> None:
        self.source = source
        self.location = location
        self.content_type = content_type
        self.profile = profile
        self.format: FeedFormat | None = None
        self.doctype: Doctype | None = None
        self.declared_encoding: str | None = None
        # Scratch space for rules that gather facts across elements (ids seen, …), one
        # key per rule module.
        self.state: dict[str, Any] = {}
        # Lines of the source with a hexadecimal character reference (`&#x26;`): how the RSS
        # Profile asks publishers to write `&` and `<` in plain text.
        self.hex_reference_lines: set[int] = set()
        # The line of the document's first C1 control character, found in the bytes before the
        # parser reads them, until an element rule reports the text holding it (see
        # report_bad_characters); reported on its own at the end if none does.
        self.c1_line: int | None = None
        # A namespace the document's elements are read as if they had none: a feed whose root
        # is in a namespace its format does not have (<rss xmlns="...">), read as that format.
        self.unnamespaced: str | None = None
        self._problems: list[Problem] = []
        self._counts: dict[str, int] = {}  # problems reported per code, listed or not

    def facts(self, owner: str, make: Callable[[], T]) -> T:
        """The facts rule module `owner` gathers across elements, made on first use."""
        if owner not in self.state:
            self.state[owner] = make()
        return self.state[owner]  # type: ignore[no-any-return]

    def report(
        self,
        code: str,
        at: Element | int | None = None,
        *,
        column: int | None = None,
        element: str | None = None,
        parent: str | None = None,
        attribute: str | None = None,
        value: str | None = None,
        detail: str | None = None,
        **fields: str,
    ) -> None:
        """Record a problem `code` at an element (its line) or a line number.

        The keywords fill the code's message. At an element, `element` and `parent` default
        to the names of the element and its parent as written in the feed; `fields` are the
        message fields few codes use (`declared`, `path`, …). The profile drops what it does
        not report (see profiles.py).
        """
        if isinstance(at, etree._Element):
            line = at.sourceline
            if element is None:
                element = name_of(at)
            if parent is None:
                above = at.getparent()
                parent = name_of(above) if above is not None else ""
        else:
            line = at
        named = {
            "element": element,
            "parent": parent,
            "attribute": attribute,
            "value": value,
            "detail": detail,
        }
        if not profiles.reports(self.profile, code, detail, parent):
            return
        count = self._counts[code] = self._counts.get(code, 0) + 1
        if count > MAX_LISTED:  # a flood of one problem is counted, not kept (memory)
            return
        message_fields: dict[str, str] = {k: v for k, v in named.items() if v is not None}
        message_fields.update(fields)
        self._problems.append(codes.problem(code, message_fields, line, column))

    def report_bad_characters(self, element: Element) -> None:
        """Report BadCharacters at an element whose text has them: one report per character,
        so the byte scan's finding is not reported again when it lies in this text (a text
        with a C1 control on that line; double-encoded text alone is another finding)."""
        self.report("BadCharacters", element)
        first = element.sourceline
        if self.c1_line is not None and first is not None:
            text = (element.text or "") if len(element) == 0 else "".join(element.itertext())
            if first <= self.c1_line <= first + text.count("\n") and _C1_TEXT.search(text):
                self.c1_line = None

    def base(self, element: Element) -> str | None:
        """The base URI in effect at `element`: its xml:base chain over the feed's address."""
        bases = []
        node: Element | None = element
        while node is not None:
            value = node.get(XML_BASE)
            if value is not None:
                bases.append(value.strip())
            node = node.getparent()
        base = self.location
        for value in reversed(bases):
            try:
                base = urljoin(base, value) if base else value
            except ValueError:  # not a URI at all ("http://["): the value is reported elsewhere
                base = value
        return base

    def absorb(self, other: Context) -> None:
        """Take the problems `other` recorded, after this context's own, as if they had been
        reported here (the JSON checker reports into contexts of its own until it knows that
        the document is readable and which member values count)."""
        listed: dict[str, int] = {}
        for problem in other._problems:
            listed[problem.code] = listed.get(problem.code, 0) + 1
            count = self._counts[problem.code] = self._counts.get(problem.code, 0) + 1
            if count <= MAX_LISTED:
                self._problems.append(problem)
        for code, count in other._counts.items():  # the ones `other` only counted
            self._counts[code] = self._counts.get(code, 0) + count - listed.get(code, 0)

    def withdraw(self, code: str) -> None:
        """Forget every problem `code` reported so far (a judgement that proved wrong)."""
        self._problems = [p for p in self._problems if p.code != code]
        self._counts.pop(code, None)

    @property
    def reported(self) -> int:
        """How many problems have been reported so far."""
        return len(self._problems)

    def problems(self) -> tuple[Problem, ...]:
        """The problems in line order, then one line for each code reported more than
        MAX_LISTED times, saying how many more there were."""
        order = sorted(range(len(self._problems)), key=lambda i: self._problems[i].line or 0)
        unlisted = tuple(
            Problem(codes.CODES[code].severity, code,
                    f"{count - MAX_LISTED:,} more like the above (feedtool lists the first {MAX_LISTED:,})")
            for code, count in self._counts.items()
            if count > MAX_LISTED
        )  # fmt: skip
        return tuple(self._problems[i] for i in order) + unlisted


def name_of(element: Element) -> str:
    """How messages name an element: `prefix:local` as written in the feed, or `local`."""
    _, local = split(element.tag)
    return f"{element.prefix}:{local}" if element.prefix else local


def first_children(element: Element) -> dict[str, Element]:
    """The first child element of each tag: what `element.find(tag)` returns, for rules
    that ask about many children (one pass instead of one ElementPath search each)."""
    children: dict[str, Element] = {}
    for child in element:
        if isinstance(child.tag, str):
            children.setdefault(child.tag, child)
    return children


def has_xml_base(element: Element) -> bool:
    """Whether an xml:base on the element or an ancestor gives relative references a base."""
    node: Element | None = element
    while node is not None:
        if node.get(XML_BASE) is not None:
            return True
        node = node.getparent()
    return False


def validate_chunks(
    chunks: Iterable[bytes],
    *,
    source: str,
    location: str | None,
    content_type: str | None,
    profile: Profile = profiles.DEFAULT,
) -> Report:
    """Validate a document given as a stream of byte chunks, judged by `profile`."""
    ctx = Context(source, location, content_type, profile)
    stream = iter(chunks)
    head = b""
    for chunk in stream:
        head += chunk
        if len(head) >= 1024:
            break
    is_json = looks_like_json(head)
    if content_type:
        _check_media_type(content_type, ctx, is_json=is_json)
    if is_json:
        ctx.format = "json"
        (check_json,) = _JSON_RULES
        try:
            check_json(_json_pieces(_prepend(head, stream)), ctx)
        except JsonNotUtf8 as e:
            ctx.report("JsonFeedNotUtf8", None, detail=str(e))
    else:
        _parse_xml(_prepend(head, stream), head, ctx)
    return Report(source, location, ctx.format, ctx.problems())


FEED_MEDIA_TYPES = frozenset(
    ("application/atom+xml", "application/rss+xml", "application/rdf+xml", "application/feed+json")
)


def _check_media_type(content_type: str, ctx: Context, *, is_json: bool) -> None:
    """The HTTP Content-Type a feed was served with, as readers and the W3C judge it."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in FEED_MEDIA_TYPES or (is_json and media_type == "application/json"):
        return
    if media_type == "text/xml":
        ctx.report("TextXml", None, value=media_type)
    elif media_type == "application/xml":
        ctx.report("NonSpecificMediaType", None, value=media_type)
    else:
        ctx.report("UnexpectedContentType", None, value=media_type)


def _prepend(head: bytes, stream: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from stream


class JsonNotUtf8(Exception):
    """The bytes of a JSON document are not UTF-8 (the message says where, as Python does)."""


def _json_pieces(chunks: Iterable[bytes]) -> Iterator[str]:
    """The JSON document as text, a piece at a time, decoded from UTF-8 (a byte order mark
    removed); raises JsonNotUtf8 at the first bytes that are not UTF-8, naming their position
    in the document (after the byte order mark) as decoding it whole would."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0  # bytes given to the decoder so far
    for number, chunk in enumerate(chunks):
        if number == 0 and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
        start = fed - len(decoder.getstate()[0])  # where the bytes it decodes now begin
        fed += len(chunk)
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as e:
            raise JsonNotUtf8(_decode_error(e, start)) from e
        if text:
            yield text
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as e:
        raise JsonNotUtf8(_decode_error(e, fed - len(e.object))) from e


def _decode_error(error: UnicodeDecodeError, start: int) -> str:
    """Python's message for `error`, its positions counted from the document's start."""
    if error.end - error.start == 1:
        where = f"byte 0x{error.object[error.start]:02x} in position {start + error.start}"
    else:
        where = f"bytes in position {start + error.start}-{start + error.end - 1}"
    return f"'{error.encoding}' codec can't decode {where}: {error.reason}"


_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)


def _sniff(head: bytes) -> tuple[str | None, str | None]:
    """(encoding given by a byte order mark, encoding named in the XML declaration)."""
    marked = byte_order_mark(head)
    bom = marked[0] if marked is not None else None
    guess = bom
    if guess is None and head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        guess = "utf-16-le" if head[0] == 0x3C else "utf-16-be"
    text = head[:512].decode(guess or "latin-1", errors="replace").lstrip("\ufeff")
    match = _DECLARED.match(text)
    return bom, match.group(1) if match else None


def _codec(name: str) -> str | None:
    """Python's codec for an encoding name, including the names web browsers know."""
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # unknown, or not even a name (a NUL inside)
        web = _WEB_LABELS.get(name.strip().lower())
        return codecs.lookup(web).name if web else None


def _safe_parser(encoding: str | None, base_url: str | None) -> etree.XMLPullParser | None:
    """A parser that never loads DTDs, expands entities or touches the network, reading
    `encoding` (None: what the document says); None when libxml2 knows no name for it."""
    candidates = [encoding]
    if encoding is not None:
        codec = _codec(encoding) or ""
        # libxml2 (iconv) spells some encodings differently from Python: latin-1, cp1252.
        candidates += [codec, codec.replace("iso8859-", "ISO-8859-"), codec.replace("cp", "windows-")]
    for candidate in dict.fromkeys(candidates):
        try:
            return etree.XMLPullParser(
                events=("start", "end", "start-ns"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                dtd_validation=False,
                huge_tree=False,
                remove_comments=False,
                encoding=candidate,
                base_url=base_url,
            )
        except LookupError:
            continue
    return None


def _family(codec: str | None) -> str | None:
    """utf-16 for utf-16-le and utf-16-be: what a byte order mark and a declaration share."""
    return codec.removesuffix("-le").removesuffix("-be") if codec else codec


def _charset(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _report_stop(ctx: Context, stop: limits.Stop) -> None:
    # Entity declarations are how billion laughs, quadratic blowup and XXE work; a feed never
    # needs them, so the document is reported and not parsed any further.
    for name, external in stop.entities:
        if external:
            ctx.report("ContainsSystemEntity", 1, name=name, url="external")
    if stop.entities:
        ctx.report("EntityDeclaration", 1, names=", ".join(name for name, _ in stop.entities[:5]))
    if stop.attributes_line is not None:
        ctx.report("ValidatorLimit", stop.attributes_line,
                   detail=f"a start tag with more than {limits.MAX_ATTRIBUTES:,} attributes")  # fmt: skip


def _parse_xml(chunks: Iterable[bytes], head: bytes, ctx: Context) -> None:
    bom, declared = _sniff(head)
    ctx.declared_encoding = declared
    charset = _charset(ctx.content_type)
    # Checked before the parser sees a byte, wherever the DOCTYPE is and whatever the encoding.
    guard = limits.InputGuard(head, charset)
    stop = guard.check(head)
    if stop is not None:
        _report_stop(ctx, stop)
        return
    nodes_in_head = guard.other_nodes
    set_aside = _check_declaration(head, bom, ctx)
    if set_aside is not None:
        # The declaration cannot stay (libxml2 refuses it where it is, or its version): it
        # is blanked out (its lines kept, so positions stay right) and its encoding is
        # given to the parser instead.
        chunks = _replace_head(chunks, set_aside)
        head = set_aside
    if bom and declared and _family(_codec(declared)) != _family(bom):
        # The byte order mark's bytes are not text in the declared encoding (XML 1.0 4.3.3:
        # a fatal error); readers pick one of the two and may garble the rest.
        ctx.report(
            "UnicodeError", 1, detail=f"the byte order mark is {bom}, the XML declaration says {declared}"
        )
    # libxml2 detects UTF-32 only without a byte order mark: name it when there is one.
    override = {"utf-32-le": "UTF-32LE", "utf-32-be": "UTF-32BE"}.get(bom or "")
    if charset and bom is None:
        if _codec(charset) is None:
            ctx.report("UnknownEncoding", 1, encoding=charset)
            return
        override = charset
        if declared and _codec(declared) != _codec(charset):
            ctx.report("EncodingMismatch", 1, declared=declared, charset=f"served as charset={charset}")
    if not (declared or bom or charset):
        ctx.report("MissingEncoding", 1)
    if declared and not bom and not charset:
        _check_encoding_name(declared, ctx)
        # UTF-16 and UTF-32 without a byte order mark: libxml2 tells them by their bytes.
        unknown_or_utf16_or_32 = _family(_codec(declared)) in (None, "utf-16", "utf-32")
        if (set_aside is not None or not _libxml2_knows(declared)) and not unknown_or_utf16_or_32:
            override = declared
    if (
        override
        and not _libxml2_knows(override)
        and _family(_codec(override)) not in (None, "utf-16", "utf-32")
    ):
        # An encoding Python knows and libxml2 does not (mac-cyrillic): decoded here.
        chunks = _transcoded(chunks, override)
        override = "UTF-8"
    parser = _safe_parser(override, ctx.location)
    if parser is None:
        ctx.report("UnknownEncoding", 1, encoding=override or "")
        return
    walker = _Walker(ctx)
    walker.held += _ELEMENT_COST * nodes_in_head
    codec = _codec(override or bom or declared or "utf-8")
    needs_ascii = bom is None and charset is None and not head.startswith(b"<?xml")
    scan = _ByteScan(ctx, needs_ascii=needs_ascii, codec=codec)
    etree.clear_error_log()
    guarded = False  # the first chunk is the head, which the guard has seen
    try:
        for chunk in chunks:
            for offset in range(0, len(chunk), CHUNK_SIZE):
                piece = chunk[offset : offset + CHUNK_SIZE]
                if guarded:
                    if (stop := guard.check(piece)) is not None:
                        _report_stop(ctx, stop)
                        return
                    walker.held += _ELEMENT_COST * guard.other_nodes
                scan.scan(piece, guard.newlines if guarded else None)
                parser.feed(piece)
                walker.fed += len(piece)
                if not walker.within_budget():
                    return
                if not walker.walk(parser.read_events()):
                    return
            guarded = True
        parser.close()
        walker.walk(parser.read_events())
    except etree.XMLSyntaxError as e:
        # What was parsed before the error is checked as usual (the W3C does the same); the
        # error itself is reported after it.
        walker.walk(parser.read_events())
        _report_syntax_error(e, ctx)
        return  # the text of a document that cannot be read is not judged
    if ctx.c1_line is not None:  # in text no element rule judges (Atom text, attributes)
        ctx.report("BadCharacters", ctx.c1_line)
    if walker.root is None and not ctx.problems():
        ctx.report("SAXError", 1, detail="the document has no root element")


_C1_IN_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_C1_TEXT = re.compile("[\x80-\x9f]")  # the same characters, decoded
_HEX_REFERENCE = re.compile(rb"&#x")
_C1_BYTE = re.compile(rb"[\x80-\x9f]")
_XML_DECLARATION = re.compile(rb"<\?xml(?=[\s?])[^>]*\?>")
_VERSION = re.compile(rb"""\s+version\s*=\s*["']([^"']*)["']""")
_WORDPRESS = re.compile(rb"<(?:[\w.-]+:)?generator\b[^<]*wordpress", re.IGNORECASE)


def _check_declaration(head: bytes, bom: str | None, ctx: Context) -> bytes | None:
    """Report an XML declaration of another XML version than 1.0, or after blank lines in a
    WordPress feed; return `head` with that declaration blanked out, or None when it stays.

    Blank lines before the declaration make any document ill-formed (libxml2 then reports a
    SAXError and stops); WordPress prints them so often (a plugin or theme with a stray line
    break) that its feeds get their own code, and are checked on as readers that forgive
    the blank line would read them.
    """
    if bom not in (None, "utf-8"):
        return None  # UTF-16/32: libxml2 judges the declaration itself
    start = 3 if bom else 0
    match = _XML_DECLARATION.match(head, start + len(head[start:]) - len(head[start:].lstrip()))
    if match is None:
        return None
    blank_before = match.start() > start and _WORDPRESS.search(head) is not None
    if blank_before:
        ctx.report("WPBlankLine", 1 + head.count(b"\n", 0, match.start()))
    version = _VERSION.match(match.group(), 5)
    wrong_version = version is not None and version.group(1) != b"1.0"
    if wrong_version and version is not None:
        ctx.report("BadXmlVersion", 1, value=version.group(1).decode("latin-1"))
    if not (blank_before or wrong_version):
        return None
    blanked = re.sub(rb"[^\n]", b" ", match.group())
    return head[: match.start()] + blanked + head[match.end() :]


def _replace_head(chunks: Iterable[bytes], head: bytes) -> Iterator[bytes]:
    """The stream with its first chunk (the head) replaced."""
    stream = iter(chunks)
    if next(stream, None) is not None:
        yield head
    yield from stream


def _transcoded(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(_codec(encoding) or encoding)(errors="replace")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


@functools.lru_cache(maxsize=64)
def _libxml2_knows(encoding: str) -> bool:
    try:
        etree.XMLPullParser(encoding=encoding)
    except (LookupError, ValueError):  # unknown, or not even a name (a NUL inside)
        return False
    return True


# The encodings of the WHATWG Encoding Standard with their names (labels): what browsers, and
# the feed readers built on web engines, decode; keyed by Python's codec. Other encodings (and
# other names) Python knows are legal but obscure. UTF-32 is XML's own.
_WEB_ENCODINGS = {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859-2": "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2",
    "iso8859-3": "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3",
    "iso8859-4": "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4",
    "iso8859-5": "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
    "iso_8859-5:1988",
    "iso8859-6": "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 "
    "iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987",
    "iso8859-7": "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 "
    "iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek",
    "iso8859-8": "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 "
    "iso88598 iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical",
    "iso8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso8859-13": "iso-8859-13 iso8859-13 iso885913",
    "iso8859-14": "iso-8859-14 iso8859-14 iso885914",
    "iso8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso8859-16": "iso-8859-16",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8-u": "koi8-ru koi8-u",
    "mac-roman": "csmacintosh mac macintosh x-mac-roman",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
    "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 "
    "l5 latin5 windows-1254 x-cp1254",
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "gbk": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk",
    "gb18030": "gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
    "ksc_5601 windows-949",
    "utf-16-be": "unicodefffe utf-16be",
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16le",
    "utf-16": "utf-16",
    "utf-32": "utf-32 utf-32be utf-32le",
}
_WEB_LABELS = {label: codec for codec, labels in _WEB_ENCODINGS.items() for label in labels.split()}


def _check_encoding_name(declared: str, ctx: Context) -> None:
    """Report an encoding name few readers know, or one XML does not require them to know."""
    codec = _codec(declared)
    if codec is None:
        return  # UnknownEncoding, reported where the parser meets it
    if declared.strip().lower() not in _WEB_LABELS:
        ctx.report("ObscureEncoding", 1, value=declared)
    if _family(codec) not in ("utf-8", "utf-16"):
        ctx.report("NonstdEncoding", 1, value=declared)


class _ByteScan:
    """Byte-level findings made while streaming: text outside ASCII in a document that does
    not say its encoding, C1 control characters (the trace of text decoded with the wrong
    encoding: windows-1252 read as ISO-8859-1, UTF-8 read as a single-byte encoding), and the
    lines with hexadecimal character references."""

    def __init__(self, ctx: Context, *, needs_ascii: bool, codec: str | None) -> None:
        self.ctx = ctx
        self.needs_ascii = needs_ascii
        # Where C1 controls show in the bytes: as UTF-8 sequences, or as single bytes in
        # ISO-8859-1 (whose 0x80-0x9F are controls, not windows-1252's punctuation).
        self.c1 = {"utf-8": _C1_IN_UTF8, "iso8859-1": _C1_BYTE}.get(codec or "")
        self.line = 1

    def scan(self, piece: bytes, newlines: int | None = None) -> None:
        """Scan the next piece (`newlines`: its line breaks, when already counted)."""
        if self.needs_ascii and not piece.isascii():
            self.needs_ascii = False
            offset = next(i for i, byte in enumerate(piece) if byte >= 0x80)
            self.ctx.report("UnicodeError", self.line + piece.count(b"\n", 0, offset),
                            detail="non-ASCII text in a document without an XML declaration "
                            "naming its encoding")  # fmt: skip
            # Read as the single-byte encoding such a document is taken for, UTF-8 text
            # turns into C1 controls.
            self.c1 = _C1_BYTE
        if self.c1 is not None and not piece.isascii():  # C1 controls are never ASCII
            match = self.c1.search(piece)
            if match:
                self.c1 = None
                self.ctx.c1_line = self.line + piece.count(b"\n", 0, match.start())
        reference = _HEX_REFERENCE.search(piece)  # several times faster than bytes.find here
        if reference is not None:
            self._note_hex_references(piece, reference.start())
        self.line += piece.count(b"\n") if newlines is None else newlines

    def _note_hex_references(self, piece: bytes, reference: int) -> None:
        lines = self.ctx.hex_reference_lines
        line, counted = self.line, 0
        while reference >= 0:
            line += piece.count(b"\n", counted, reference)
            counted = reference
            lines.add(line)
            reference = piece.find(b"&#x", reference + 3)


class _Walker:
    """Dispatches parse events to rules; stops at entity declarations."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.root: Element | None = None
        self.declarations: list[Declaration] = []
        self.unnamespaced: str | None = None  # "{namespace}" of ctx.unnamespaced
        # The memory the tree holds (see MEMORY_BUDGET): `held` for what stays, and the input
        # read since an open item or entry started, or else since the last element ended
        # (text being read).
        self.held = 0
        self.fed = 0
        self.streamed_depth = 0
        self.held_at_start = 0
        self.fed_at_start = 0
        self.fed_at_end = 0

    def within_budget(self) -> bool:
        """False, after reporting it, when the document needs more memory than allowed."""
        pending = self.fed - (self.fed_at_start if self.streamed_depth else self.fed_at_end)
        if self.held + pending <= MEMORY_BUDGET:
            return True
        self.ctx.report("ValidatorLimit", None,
                        detail=f"the document holds more than {MEMORY_BUDGET >> 20} MB of elements, "
                        "attributes and text outside its items")  # fmt: skip
        return False

    def walk(self, events: Iterable[tuple[str, Any]]) -> bool:
        ctx = self.ctx
        streamed, rules_of = _STREAMED, _LOOKUP_CACHE  # (locals: read for every element)
        for event, element in events:
            if event == "start":
                if self.unnamespaced is not None and element.tag.startswith(self.unnamespaced):
                    element.tag = element.tag[len(self.unnamespaced) :]
                if self.root is None:
                    self.root = element
                    if not self._start_document(element):
                        return False
                if element.tag in streamed:
                    if not self.streamed_depth:
                        self.held_at_start, self.fed_at_start = self.held, self.fed
                    self.streamed_depth += 1
                if self.declarations:
                    for declared in _DECLARATION_RULES:
                        try:
                            declared(element, self.declarations, ctx)
                        except Exception as e:  # as below: one rule's bug costs only its findings
                            self._failed(declared, element, e)
                    self.declarations = []
                continue
            if event == "start-ns":  # comes before the start tag of the element declaring it
                prefix, uri = element
                self.declarations.append((prefix or "", uri))
                self.held += _NAMESPACE_COST
                continue
            tag = element.tag
            self.fed_at_end = self.fed
            for fn in rules_of.get(tag) or _lookup(tag):
                try:
                    fn(element, ctx)
                except Exception as e:  # a rule's bug must not cost the user the other findings
                    self._failed(fn, element, e)
            if tag in streamed:
                element.clear(keep_tail=True)
                self.streamed_depth -= 1
                if not self.streamed_depth:
                    self.held = self.held_at_start + self._placeholder(element, ctx)
            else:
                self.held += _ELEMENT_COST + _ATTRIBUTE_COST * len(element.attrib)
                if not self.streamed_depth:  # it stays: its text counts
                    self.held += len(element.text or "") + len(element.tail or "")
                if self.held > MEMORY_BUDGET and not self.within_budget():
                    return False
        return True

    @staticmethod
    def _placeholder(element: Element, ctx: Context) -> int:
        """What an emptied item costs once checked: nothing when it follows another emptied
        item where items belong (in a feed's channel, or its root), which it replaces: rules
        see an item there, and how many there were matters to none of them. Else one element."""
        previous = element.getprevious()
        parent = element.getparent()
        if (
            previous is not None
            and parent is not None
            and previous.tag == element.tag
            and not (previous.tail or "").strip()
            and ctx.format is not None
            and ((above := parent.getparent()) is None or above.getparent() is None)
        ):
            parent.remove(previous)
            return 0
        return _ELEMENT_COST

    def _failed(self, fn: Callable[..., None], element: Element, error: Exception) -> None:
        self.ctx.report(
            "ValidationFailure",
            element,
            element=name_of(element),
            rule=f"{fn.__module__}.{fn.__qualname__}",
            detail=f"{type(error).__name__}: {error}",
        )

    def _start_document(self, root_element: Element) -> bool:
        ctx = self.ctx
        info = root_element.getroottree().docinfo
        if info.doctype:
            ctx.doctype = Doctype(info.root_name or "", info.public_id, info.system_url)
        dtd = info.internalDTD
        entities = list(dtd.iterentities()) if dtd is not None else []
        if entities:
            _report_stop(
                ctx, limits.Stop(entities=tuple((e.name or "", bool(e.system_url)) for e in entities))
            )
            return False
        ctx.format = _ROOTS.get(str(root_element.tag))
        if ctx.format is None and root_element.tag not in _RULES:
            reported = ctx.reported
            for fn in _UNKNOWN_ROOT_RULES:
                fn(root_element, ctx)
            if ctx.unnamespaced is not None:  # a rule chose to read the feed without it
                self.unnamespaced = f"{{{ctx.unnamespaced}}}"
                root_element.tag = split(root_element.tag)[1]
                ctx.format = _ROOTS.get(root_element.tag)
            elif ctx.reported == reported:
                ctx.report(
                    "UndefinedElement",
                    root_element,
                    element=name_of(root_element),
                    parent="the document (not a feed)",
                )
        return True


def _report_syntax_error(error: etree.XMLSyntaxError, ctx: Context) -> None:
    # With resolve_entities=False lxml's exception can carry a placeholder message; the
    # (thread's, cleared before parsing) error log holds the real first error.
    entries = [e for e in error.error_log if e.level >= etree.ErrorLevels.ERROR]
    line: int | None
    column: int | None
    if entries:
        first = entries[0]
        kind, message, line, column = first.type_name, first.message, first.line, first.column
    else:
        kind, message = "", str(error.msg)
        line, column = error.position if error.position != (0, 0) else (None, None)
    if kind in ("ERR_UNDECLARED_ENTITY", "WAR_UNDECLARED_ENTITY"):
        ctx.report("UndefinedNamedEntity", line, column=column, detail=message)
    elif kind == "ERR_UNSUPPORTED_ENCODING":
        ctx.report("UnknownEncoding", line, column=column, encoding=ctx.declared_encoding or "")
    elif kind == "ERR_INVALID_ENCODING":
        ctx.report("UnicodeError", line, column=column, detail=message)
    else:
        ctx.report("SAXError", line, column=column, detail=message)


define(
    "UndefinedNamedEntity",
    "error",
    "undefined entity: {detail}",
    parents=["SAXError"],
    why="XML knows only five named entities (&amp; &lt; &gt; &quot; &apos;); HTML names "
    "such as &nbsp; make the whole feed unreadable to XML parsers.",
    fix="Use a numeric character reference (&#160;) or the character itself.",
)
define(
    "JsonFeedNotUtf8",
    "error",
    "a JSON Feed must be encoded in UTF-8: {detail}",
    parents=["Error"],
    why="JSON Feed readers decode the bytes as UTF-8.",
    fix="Save the feed as UTF-8.",
    formats=("json",),
)
define(
    "UnicodeError",
    "error",
    "bytes that are not valid in the document's encoding: {detail}",
    parents=["Error"],
    why="Readers cannot decode the text; most reject the whole feed.",
    fix="Save the feed in the encoding its XML declaration names (UTF-8 is best).",
)
define(
    "UnknownEncoding",
    "error",
    "unknown character encoding {encoding!r}",
    parents=["Error"],
    why="Readers cannot decode a feed whose encoding they do not know.",
    fix="Use UTF-8 and say so in the XML declaration.",
)
define(
    "EncodingMismatch",
    "warning",
    "the XML declaration says {declared!r} but the document is {charset}; readers follow the latter",
    parents=["Warning"],
    why="The HTTP charset wins over the XML declaration, so readers may decode the text wrongly.",
    fix="Make the server's Content-Type charset and the XML declaration agree.",
)
define(
    "ContainsSystemEntity",
    "info",
    "the document declares an external entity {name} ({url})",
    parents=["Info"],
    why="External entities make parsers read files or URLs (XXE); feed readers refuse them.",
    fix="Remove the entity declaration and write the text itself.",
)
define(
    "EntityDeclaration",
    "error",
    "the document declares entities ({names}); feedtool does not expand them and stops here",
    parents=["SAXError"],
    why="Entity declarations are how billion-laughs, quadratic-blowup and external-entity "
    "(XXE) attacks work; safe readers refuse documents that declare them.",
    fix="Remove the DOCTYPE's entity declarations and write the text (or numeric character "
    "references) directly.",
)
define(
    "BadCharacters",
    "warning",
    "the text contains C1 control characters (U+0080 to "
    "U+009F), usually windows-1252 text decoded as something else",
    parents=["Warning"],
    why="Readers show these as boxes or drop them; they mean the text was converted with "
    "the wrong encoding somewhere before publishing.",
    fix="Find the step that decodes windows-1252 text as ISO-8859-1 or UTF-8 and fix it; "
    "curly quotes should be U+2018/U+2019, not U+0091/U+0092.",
)
define(
    "ValidationFailure",
    "error",
    "feedtool could not finish checking {element}: {detail} (in {rule}; please report this)",
    parents=["Error"],
    why="A rule met input it did not expect; the element may hide other problems.",
    fix="Report the feed to feedtool's maintainers; meanwhile check the element by hand.",
    formats=("atom", "rss", "rss1", "json"),
    bad="(any input that makes a rule fail: a bug in feedtool)",
    good="(the same input, checked completely once the bug is fixed)",
)
define(
    "UnexpectedContentType",
    "warning",
    "the feed is served as {value}, which is not a feed media type",
    parents=["Warning"],
    why="Browsers and some readers decide what to do with a response by its Content-Type; "
    "text/html or text/plain feeds are shown as pages or ignored.",
    fix="Serve Atom as application/atom+xml, RSS as application/rss+xml, JSON Feed as application/feed+json.",
    formats=("atom", "rss", "rss1", "json"),
)
define(
    "NonSpecificMediaType",
    "warning",
    "the feed is served as {value}, which does not say it is a feed",
    parents=["Warning"],
    why="Generic XML types make browsers show the document instead of offering to subscribe.",
    fix="Use application/atom+xml or application/rss+xml.",
    formats=("atom", "rss", "rss1", "json"),
)
define(
    "TextXml",
    "info",
    "the feed is served as text/xml, whose default charset rules differ from the XML ones",
    parents=["Info"],
    why="Under RFC 3023 a text/xml document without a charset parameter is us-ascii, whatever "
    "its XML declaration says.",
    fix="Serve a feed media type, or at least add charset=utf-8.",
    formats=("atom", "rss", "rss1", "json"),
)
define(
    "WPBlankLine",
    "error",
    "the XML declaration is not at the very start of the document (blank lines before it)",
    parents=["SAXError"],
    why="XML allows nothing before <?xml … ?>, not even a blank line; strict parsers reject "
    "the whole feed. A stray line break printed by a blog plugin, theme or configuration file "
    "is the usual cause.",
    fix="Remove whatever is printed before the declaration (in PHP, the blank lines outside <?php "
    "… ?> and a closing ?> at the end of included files).",
)
define(
    "BadXmlVersion",
    "error",
    "the XML declaration gives version {value!r}; feeds are XML 1.0",
    parents=["Error"],
    why="RSS and Atom are defined on XML 1.0; parsers of other versions (or none) may refuse it.",
    fix='Write <?xml version="1.0" encoding="utf-8"?>.',
)
define(
    "ObscureEncoding",
    "warning",
    "the character encoding {value!r} is one few feed readers know",
    parents=["Warning"],
    why="Readers decode only the encodings (and the names) the web uses; with another one they "
    "show garbled text or refuse the feed.",
    fix='Save the feed as UTF-8 and declare encoding="utf-8".',
)
define(
    "NonstdEncoding",
    "info",
    "the character encoding {value!r} is not one every XML parser must read (UTF-8, UTF-16)",
    parents=["Info"],
    why="XML requires parsers to read UTF-8 and UTF-16 only; most read more, some do not.",
    fix="Use UTF-8 where you can.",
)
define(
    "MissingEncoding",
    "info",
    "nothing says the document's character encoding (no XML declaration naming it, no byte "
    "order mark, no HTTP charset); readers assume UTF-8",
    parents=["Info"],
    why="A document in any other encoding is then read as UTF-8 and its non-ASCII text garbled "
    "or refused; saying the encoding removes the guess.",
    fix='Start the feed with <?xml version="1.0" encoding="utf-8"?> (naming the encoding it is saved in).',
)
define(
    "ValidatorLimit",
    "error",
    "feedtool stops here, at one of its limits against hostile input: {detail}",
    parents=["Error"],
    why="Some documents are built to exhaust a parser's memory or time (millions of "
    "attributes on one element, a feed of several hundred megabytes); feedtool refuses them "
    "rather than let them take the machine down. No real feed comes near these limits.",
    fix="Check where the document came from; split a very large feed into pages, or "
    "download it and validate the file.",
    bad='<rss a1="1" a2="2" … a1000000="1000000"> (an element with a million attributes), or '
    "a 300 MB feed at https://example.com/feed.xml",
    good='<rss version="2.0">, and a feed of the newest 100 entries',
)
