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
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urljoin

from lxml import etree

from feedtool.validate import codes, profiles
from feedtool.validate.codes import define
from feedtool.validate.namespaces import XML_BASE, split
from feedtool.validate.profiles import Profile
from feedtool.validate.report import FeedFormat, Problem, Report

Element = etree._Element
RuleFn = Callable[[Element, "Context"], None]
Declaration = tuple[str, str]  # (prefix, namespace URI); the prefix is "" for a default namespace
DeclarationRuleFn = Callable[[Element, list[Declaration], "Context"], None]
JsonRuleFn = Callable[[str, "Context"], None]
T = TypeVar("T")

CHUNK_SIZE = 1 << 16

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
    """Register a checker for JSON documents (JSON Feed): it receives the whole document,
    decoded from UTF-8 (a byte order mark removed)."""
    _JSON_RULES.append(fn)
    return fn


def _lookup(tag: str) -> tuple[RuleFn, ...]:
    found = _LOOKUP_CACHE.get(tag)
    if found is None:
        namespace, _ = split(tag)
        wildcard = f"{{{namespace}}}*" if namespace else ""
        found = (*_RULES.get(tag, ()), *_RULES.get(wildcard, ()), *_RULES.get("*", ()))
        _LOOKUP_CACHE[tag] = found
    return found


_LOOKUP_CACHE: dict[str, tuple[RuleFn, ...]] = {}


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
        self._problems: list[Problem] = []

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
        if not profiles.reports(self.profile, code, detail):
            return
        message_fields: dict[str, str] = {k: v for k, v in named.items() if v is not None}
        message_fields.update(fields)
        self._problems.append(codes.problem(code, message_fields, line, column))

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

    @property
    def reported(self) -> int:
        """How many problems have been reported so far."""
        return len(self._problems)

    def problems(self) -> tuple[Problem, ...]:
        order = sorted(range(len(self._problems)), key=lambda i: self._problems[i].line or 0)
        return tuple(self._problems[i] for i in order)


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
    is_json = _looks_like_json(head)
    if content_type:
        _check_media_type(content_type, ctx, is_json=is_json)
    if is_json:
        ctx.format = "json"
        text = _json_text(_prepend(head, stream), ctx)
        if text is not None:
            for fn in _JSON_RULES:
                fn(text, ctx)
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


def _json_text(chunks: Iterable[bytes], ctx: Context) -> str | None:
    """The JSON document as text, or None after reporting that it is not UTF-8.

    The bytes live only inside this function, so they are freed before the rules parse the
    text: on a 64 MB feed that is 64 MB less at the parser's peak.
    """
    document = b"".join(chunks)
    try:
        return document.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        ctx.report("JsonFeedNotUtf8", None, detail=str(e))
        return None


def _looks_like_json(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)


def _sniff(head: bytes) -> tuple[str | None, str | None]:
    """(encoding given by a byte order mark, encoding named in the XML declaration)."""
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    guess = bom
    if guess is None and head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        guess = "utf-16-le" if head[0] == 0x3C else "utf-16-be"
    text = head[:512].decode(guess or "latin-1", errors="replace").lstrip("\ufeff")
    match = _DECLARED.match(text)
    return bom, match.group(1) if match else None


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # unknown, or not even a name (a NUL inside)
        return None


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


_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^[>]*\[(.*?)\]\s*>", re.DOTALL)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY\s+(?:%\s+)?([^\s\"']+)\s+(SYSTEM|PUBLIC)?")


def _declared_entities(head: bytes, encoding: str | None) -> list[tuple[str, bool]]:
    """(name, external?) of the entities the document's internal subset declares, if visible
    in `head`; found here, they never reach the parser."""
    text = head.decode(encoding or "utf-8", errors="replace")
    subset = _INTERNAL_SUBSET.search(text)
    if subset is None:
        return []
    return [(m[1], bool(m[2])) for m in _ENTITY_DECLARATION.finditer(subset.group(1))]


def _report_entities(ctx: Context, entities: list[tuple[str, bool]]) -> None:
    # Entity declarations are how billion laughs, quadratic blowup and XXE work; a feed never
    # needs them, so the document is reported and not parsed any further.
    for name, external in entities:
        if external:
            ctx.report("ContainsSystemEntity", 1, name=name, url="external")
    ctx.report("EntityDeclaration", 1, names=", ".join(name for name, _ in entities[:5]))


def _parse_xml(chunks: Iterable[bytes], head: bytes, ctx: Context) -> None:
    bom, declared = _sniff(head)
    ctx.declared_encoding = declared
    entities = _declared_entities(head, bom or _codec(declared or "utf-8"))
    if entities:
        _report_entities(ctx, entities)
        return
    if bom and declared and _family(_codec(declared)) != _family(bom):
        ctx.report("EncodingMismatch", 1, declared=declared, charset=f"{bom} (byte order mark)")
    # libxml2 detects UTF-32 only without a byte order mark: name it when there is one.
    override = {"utf-32-le": "UTF-32LE", "utf-32-be": "UTF-32BE"}.get(bom or "")
    charset = _charset(ctx.content_type)
    if charset and bom is None:
        if _codec(charset) is None:
            ctx.report("UnknownEncoding", 1, encoding=charset)
            return
        override = charset
        if declared and _codec(declared) != _codec(charset):
            ctx.report("EncodingMismatch", 1, declared=declared, charset=f"served as charset={charset}")
    parser = _safe_parser(override, ctx.location)
    if parser is None:
        ctx.report("UnknownEncoding", 1, encoding=override or "")
        return
    walker = _Walker(ctx)
    utf8 = _codec(override or bom or declared or "utf-8") == "utf-8"
    scan = _ByteScan(ctx, needs_ascii=bom is None and not head.startswith(b"<?xml"), utf8=utf8)
    etree.clear_error_log()
    try:
        for chunk in chunks:
            for offset in range(0, len(chunk), CHUNK_SIZE):
                piece = chunk[offset : offset + CHUNK_SIZE]
                scan.scan(piece)
                parser.feed(piece)
                if not walker.walk(parser.read_events()):
                    return
        parser.close()
        walker.walk(parser.read_events())
    except etree.XMLSyntaxError as e:
        _report_syntax_error(e, ctx)
    if walker.root is None and not ctx.problems():
        ctx.report("SAXError", 1, detail="the document has no root element")


_C1_IN_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


class _ByteScan:
    """Byte-level findings made while streaming: text outside ASCII in a document that does
    not say its encoding, C1 control characters (the trace of mis-decoded windows-1252), and
    the lines with hexadecimal character references."""

    def __init__(self, ctx: Context, *, needs_ascii: bool, utf8: bool) -> None:
        self.ctx = ctx
        self.needs_ascii = needs_ascii
        self.check_c1 = utf8
        self.line = 1

    def scan(self, piece: bytes) -> None:
        if self.needs_ascii and not piece.isascii():
            self.needs_ascii = False
            offset = next(i for i, byte in enumerate(piece) if byte >= 0x80)
            self.ctx.report("UnicodeError", self.line + piece.count(b"\n", 0, offset),
                            detail="non-ASCII text in a document without an XML declaration "
                            "naming its encoding")  # fmt: skip
        if self.check_c1:
            match = _C1_IN_UTF8.search(piece)
            if match:
                self.check_c1 = False
                self.ctx.report("BadCharacters", self.line + piece.count(b"\n", 0, match.start()))
        reference = piece.find(b"&#x")
        if reference >= 0:
            self._note_hex_references(piece, reference)
        self.line += piece.count(b"\n")

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

    def walk(self, events: Iterable[tuple[str, Any]]) -> bool:
        ctx = self.ctx
        for event, element in events:
            if event == "start":
                if self.root is None:
                    self.root = element
                    if not self._start_document(element):
                        return False
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
                continue
            tag = element.tag
            for fn in _lookup(tag):
                try:
                    fn(element, ctx)
                except Exception as e:  # a rule's bug must not cost the user the other findings
                    self._failed(fn, element, e)
            if tag in _STREAMED:
                element.clear(keep_tail=True)
        return True

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
            _report_entities(ctx, [(e.name or "", bool(e.system_url)) for e in entities])
            return False
        ctx.format = _ROOTS.get(str(root_element.tag))
        if ctx.format is None and root_element.tag not in _RULES:
            reported = ctx.reported
            for fn in _UNKNOWN_ROOT_RULES:
                fn(root_element, ctx)
            if ctx.reported == reported:
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
