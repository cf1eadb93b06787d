"""Bounds on what a document can make the validator do, checked on the bytes before libxml2
sees them: entity declarations wherever the document type declaration stands and in
whatever encoding the document is in, and start tags with more attributes than any feed has
(a million attributes on one element would cost libxml2 360 MB).

`InputGuard.check(piece)` is called with each piece of the document just before the parser
is fed it, and returns a `Stop` when the piece must not be parsed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from feedtool.boms import byte_order_mark

MAX_ATTRIBUTES = 10_000

# A regex finds these (by the "<" first) several times faster than bytes.count does.
_COMMENT_OR_INSTRUCTION = re.compile(rb"<!--|<\?")
_DOCTYPE_STOP = re.compile(r"[\[>\"']")
_SUBSET_STOP = re.compile(r"<!--|<\?|<!ENTITY|[\"'\]]")
# What ends the comment or processing instruction each state of _Prolog is in.
_CLOSE = {"comment": "-->", "subset-comment": "-->", "pi": "?>", "subset-pi": "?>"}
_ENTITY_DECLARATION = re.compile(r"<!ENTITY\s+(?:%\s+)?([^\s\"'>]+)(?:\s+(SYSTEM|PUBLIC)\b)?")


@dataclass(frozen=True, slots=True)
class Stop:
    """Why the document is not parsed any further: `entities` declared (name, external?), or
    a start tag at `line` with more than MAX_ATTRIBUTES attributes."""

    entities: tuple[tuple[str, bool], ...] = ()
    attributes_line: int | None = None


def _bomless(head: bytes) -> str | None:
    """UTF-16 and UTF-32 without a byte order mark, told by where the first character's zero
    bytes are (any ASCII character: "<", a space), and EBCDIC, by "<?xm" in it."""
    first = head[:4]
    if len(first) == 4 and first[:3] == b"\0\0\0" and first[3]:
        return "utf-32-be"
    if len(first) == 4 and first[0] and first[1:] == b"\0\0\0":
        return "utf-32-le"
    if len(first) >= 2 and not first[0] and first[1]:
        return "utf-16-be"
    if len(first) >= 2 and first[0] and not first[1]:
        return "utf-16-le"
    return "cp037" if first == b"\x4c\x6f\xa7\x94" else None


def prolog_codec(head: bytes, charset: str | None) -> str:
    """The codec to read the document's first characters with, as the parser does: the one
    a byte order mark shows, else the HTTP `charset`, else the one the first bytes show, else
    UTF-8. An XML declaration cannot change it where it matters: the markup after it is ASCII."""
    marked = byte_order_mark(head)
    if marked is not None:
        return marked[0]
    if charset:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            codec = ""
        if codec and codec not in ("utf-16", "utf-32"):  # their byte order comes from the bytes
            return codec
    return _bomless(head) or "utf-8"


def _byte_transparent(codec: str) -> bool:
    """Whether `<`, `=`, quotes and `>` are the same single bytes in `codec` and never part of
    another character (true of UTF-8, single-byte and the EUC/GBK/Big5/Shift_JIS families;
    false of UTF-16/32, EBCDIC and the ISO-2022 and UTF-7 escape encodings)."""
    if codec.startswith(("iso2022", "utf-7", "utf_7", "hz")):
        return False
    try:
        return "<=>\"'!-?[]".encode(codec) == b"<=>\"'!-?[]"
    except (UnicodeEncodeError, LookupError):
        return False


class InputGuard:
    """Checks each piece of a document before it is parsed (see the module's docstring)."""

    def __init__(self, head: bytes, charset: str | None) -> None:
        codec = prolog_codec(head, charset)
        # Byte-transparent encodings are scanned as bytes (through latin-1 for the prolog's
        # text); the others are decoded as they stream, and their tags scanned as UTF-8.
        self._transparent = _byte_transparent(codec)
        self._decoder = codecs.getincrementaldecoder("latin-1" if self._transparent else codec)(
            errors="replace"
        )
        self._prolog: _Prolog | None = _Prolog()
        self._tags = _Tags()
        # Comments and processing instructions in the last piece checked: nodes of the tree
        # that no parse event announces. And its line breaks, for whoever counts lines too.
        self.other_nodes = 0
        self.newlines = 0

    def check(self, piece: bytes) -> Stop | None:
        if self._prolog is not None or not self._transparent:
            text = self._decoder.decode(piece)
            if not self._transparent:
                piece = text.encode("utf-8")
            if self._prolog is not None:
                entities = self._prolog.scan(text)
                if entities:
                    return Stop(entities=tuple(entities))
                if self._prolog.done:
                    self._prolog = None
        self.other_nodes = len(_COMMENT_OR_INSTRUCTION.findall(piece))
        line = self._tags.scan(piece)
        self.newlines = self._tags.newlines
        return Stop(attributes_line=line) if line is not None else None


class _Prolog:
    """Follows the document's prolog (declaration, comments, processing instructions, the
    document type declaration) as text arrives, until the root element starts; finds entity
    declarations in the internal subset, and nowhere else (a comment may mention one)."""

    def __init__(self) -> None:
        self.state = "prolog"
        self.quote = ""
        self.carry = ""
        self.done = False

    def scan(self, text: str) -> list[tuple[str, bool]]:
        text = self.carry + text
        self.carry = ""
        i = 0
        while i < len(text) and not self.done:
            state = self.state
            if state == "prolog":
                start = text.find("<", i)
                if start < 0:
                    return []
                if len(text) - start < 9:
                    self.carry = text[start:]
                    return []
                if text.startswith("<!--", start):
                    self.state, i = "comment", start + 4
                elif text.startswith("<?", start):
                    self.state, i = "pi", start + 2
                elif text.startswith("<!DOCTYPE", start):
                    self.state, i = "doctype", start + 9
                else:
                    self.done = True  # the root element (or markup the parser will refuse)
            elif state in _CLOSE:  # in a comment or processing instruction
                close = _CLOSE[state]
                end = text.find(close, i)
                if end < 0:
                    self.carry = text[1 - len(close) :]  # the start of a `close` cut in two
                    return []
                self.state, i = ("subset" if state.startswith("subset-") else "prolog"), end + len(close)
            elif state in ("doctype-literal", "subset-literal"):
                end = text.find(self.quote, i)
                if end < 0:
                    return []
                self.state, i = state.removesuffix("-literal"), end + 1
            elif state == "doctype":
                match = _DOCTYPE_STOP.search(text, i)
                if match is None:
                    return []
                found = match.group()
                if found == "[":
                    self.state = "subset"
                elif found == ">":
                    self.state = "prolog"
                else:
                    self.state, self.quote = "doctype-literal", found
                i = match.end()
            else:  # in the internal subset
                match = _SUBSET_STOP.search(text, i)
                if match is None:
                    self.carry = text[-7:]
                    return []
                found = match.group()
                if found == "<!ENTITY":
                    return [
                        (m[1], bool(m[2])) for m in _ENTITY_DECLARATION.finditer(text, match.start())
                    ] or [("?", False)]
                if found == "<!--":
                    self.state = "subset-comment"
                elif found == "<?":
                    self.state = "subset-pi"
                elif found == "]":
                    self.state = "doctype"
                else:
                    self.state, self.quote = "subset-literal", found
                i = match.end()
        return []


_QUOTE_OR_END = re.compile(rb"[\"'>]")


class _StartTag:
    """Follows one start tag (from after its `<`) piece by piece, counting its attributes
    (each has one quoted value) until the `>` that ends it (outside quotes)."""

    def __init__(self, start: bytes) -> None:
        # An end tag, comment, processing instruction or CDATA section has no attributes.
        self.ended = start[:1] in (b"/", b"!", b"?")
        self.quote = 0
        self.attributes = 0

    def feed(self, data: bytes) -> None:
        position = 0
        while not self.ended:
            if self.quote:
                end = data.find(self.quote.to_bytes(1, "big"), position)
                if end < 0:
                    return
                self.quote, self.attributes, position = 0, self.attributes + 1, end + 1
                continue
            match = _QUOTE_OR_END.search(data, position)
            if match is None:
                return
            if match.group() == b">":
                self.ended = True
            else:
                self.quote = data[match.start()]
            position = match.end()


class _Tags:
    """Counts the attributes of every start tag, cheaply: a tag cannot contain `<`, so the
    `=` signs between two `<` bound its attributes, and a tag is only followed closely when
    that bound passes MAX_ATTRIBUTES."""

    def __init__(self) -> None:
        self.open: list[bytes] = []  # the segment after the last `<`, while only counted
        self.open_eq = 0
        self.open_line = 1
        self.open_tag: _StartTag | None = None  # once followed closely
        self.open_safe = True  # before the first `<`, and once the open tag has ended
        self.line = 1
        self.newlines = 0  # in the last piece scanned

    def scan(self, piece: bytes) -> int | None:
        """The line of a start tag with too many attributes, if this piece has or ends one."""
        self.newlines = piece.count(b"\n")
        line, self.line = self.line, self.line + self.newlines
        first = piece.find(b"<")
        if not self.open_safe and self._continue_open(piece if first < 0 else piece[:first]):
            return self.open_line
        if first < 0:
            return None
        last = piece.rfind(b"<")
        if piece.count(b"=", first, last) > MAX_ATTRIBUTES:
            position = first
            for segment in piece[first + 1 : last].split(b"<"):
                if segment.count(b"=") > MAX_ATTRIBUTES and _attributes(segment) > MAX_ATTRIBUTES:
                    return line + piece.count(b"\n", 0, position)
                position += len(segment) + 1
        self.open, self.open_eq, self.open_tag, self.open_safe = [], 0, None, False
        self.open_line = self.line - piece.count(b"\n", last)  # counting the short end only
        return self.open_line if self._continue_open(piece[last + 1 :]) else None

    def _continue_open(self, data: bytes) -> bool:
        """Add `data` to the open segment; True when its tag has too many attributes."""
        tag = self.open_tag
        if tag is None:
            self.open.append(data)
            self.open_eq += data.count(b"=")
            if self.open_eq <= MAX_ATTRIBUTES:
                return False
            # The bound passed: follow the tag closely from its start, from now on.
            segment = b"".join(self.open)
            tag = self.open_tag = _StartTag(segment)
            self.open = []
            data = segment
        tag.feed(data)
        if tag.attributes > MAX_ATTRIBUTES:
            return True
        if tag.ended:  # the `=` that follow are in text
            self.open_tag, self.open_safe = None, True
        return False


def _attributes(segment: bytes) -> int:
    """How many attributes the start tag at the beginning of `segment` (after its `<`) has."""
    tag = _StartTag(segment)
    tag.feed(segment)
    return tag.attributes
