"""A JSON document read as it streams: one value at a time, by json's own scanner (in C).

`JsonText(pieces, budget)` holds a window of the document's text (`pieces`: its text, a piece
at a time); `value()` reads the value at the reading position, reading more pieces while it is
cut short, and drops what is before it. Errors are those Python's JSON reader gives reading the
document whole, at the same line and column (`where`). A value of more than `budget`
characters raises TooLarge: memory stays bounded whatever the document's size.
Used by the feed reader (read/feeds.py) and the validator (validate/rules/jsonfeed.py).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# (value, end) of the JSON value at an index, as json.loads reads it (in C)
_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_SCANSTRING: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


def _learned(document: str, char_at: int) -> tuple[str, bool]:
    """The message Python's JSON reader gives for the error in `document`, and whether it
    points at the character at `char_at` (True) or at the comma before it (False)."""
    try:
        json.loads(document)
    except json.JSONDecodeError as e:
        return e.msg, e.pos == char_at
    raise AssertionError(f"{document!r} is valid JSON")


# What the reader says where the streamed structure breaks, learned from the reader itself
# so that messages are exactly those of reading the document whole.
_ERRORS = {
    "key": _learned("{x", 1),
    "key after comma": _learned('{"a":1,x', 7),
    "trailing comma in object": _learned('{"a":1,}', 7),
    "colon": _learned('{"a"x', 4),
    "comma in object": _learned('{"a":1x', 6),
    "comma in array": _learned("[1x", 2),
    "trailing comma in array": _learned("[1,]", 3),
    "extra": _learned("{}x", 2),
}


def looks_like_json(head: bytes) -> bool:
    """Whether a document starting with `head` is JSON (not XML): after a UTF-8 byte order
    mark and whitespace, it opens an object or an array."""
    return head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] in (b"{", b"[")


# The most characters of one value (a feed's member, an item) the reader and the validator
# hold at once: the figure the README gives for both.
VALUE_BUDGET = 32 * 1024 * 1024


class TooLarge(Exception):
    """One value of a JSON document is larger than the reader's budget."""


class JsonText:
    """A JSON document's text as it streams in: a window of it, and where that window is."""

    def __init__(self, pieces: Iterator[str], budget: int) -> None:
        self._pieces = pieces
        self.budget = budget  # characters held at once, at most, past the reading position
        self.text = ""  # the window
        self.pos = 0  # the reading position in it
        self.line = 1  # the line of the window's first character
        self.column = 0  # and its column (0 is the line's first)
        self.comma = 0  # where the last comma read was
        self.eof = False

    def _read(self) -> bool:
        """Add the next piece to the window, dropping what is before `pos`; False at the end."""
        piece = next(self._pieces, None)
        if piece is None:
            self.eof = True
            return False
        if self.pos:
            newlines = self.text.count("\n", 0, self.pos)
            if newlines:
                self.line += newlines
                self.column = self.pos - self.text.rfind("\n", 0, self.pos) - 1
            else:
                self.column += self.pos
            self.comma -= self.pos
            self.text = self.text[self.pos :]
            self.pos = 0
        if len(self.text) > self.budget:
            raise TooLarge
        self.text += piece
        return True

    def next_char(self) -> str:
        """The next character after whitespace, moving to it ("" at the end)."""
        while True:
            self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                char = self.text[self.pos]
                if char == ",":
                    self.comma = self.pos
                return char
            if not self._read():
                return ""

    def value(self) -> tuple[Any, int, int]:
        """The JSON value at `pos`, with where it starts and ends; moves past it."""
        while True:
            start = self.pos
            try:
                value, end = _SCAN(self.text, start)
            except StopIteration as stop:  # as json.loads says it
                self._judge(json.JSONDecodeError("Expecting value", self.text, stop.value))
            except json.JSONDecodeError as e:
                self._judge(e)
            else:
                # Only a character after it shows that a number (or the window) was complete.
                if end < len(self.text) or self.eof:
                    self.pos = end
                    return value, start, end
                self._read()

    def key(self) -> str:
        """The member name at `pos` (a string); moves past it."""
        while True:
            try:
                key, end = _SCANSTRING(self.text, self.pos + 1, True)
            except json.JSONDecodeError as e:
                self._judge(e)
            else:
                self.pos = end
                return key

    def members(self) -> Iterator[str]:
        """The member names of the object whose `{` is at `pos`, one at a time: each is given
        with `pos` at its value, which the caller reads (value(), elements()) before asking
        for the next. Moves past the closing `}`."""
        self.pos += 1  # the {
        char = self.next_char()
        first = True
        while char != "}":
            if char != '"':
                raise self.error("key" if first else "key after comma", char)
            key = self.key()
            if self.next_char() != ":":
                raise self.error("colon", self.next_char())
            self.pos += 1
            self.next_char()  # to the value
            yield key
            first = False
            char = self.next_char()
            if char == ",":
                self.pos += 1
                char = self.next_char()
                if char == "}":
                    raise self.error("trailing comma in object", char)
            elif char != "}":
                raise self.error("comma in object", char)
        self.pos += 1

    def elements(self) -> Iterator[tuple[Any, int, int]]:
        """The values of the array whose `[` is at `pos`, one at a time, each as value() gives
        it. Moves past the closing `]`."""
        self.pos += 1  # the [
        if self.next_char() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            char = self.next_char()
            if char == "]":
                self.pos += 1
                return
            if char != ",":
                raise self.error("comma in array", char)
            self.pos += 1
            if self.next_char() == "]":
                raise self.error("trailing comma in array", "]")

    def _judge(self, error: json.JSONDecodeError) -> None:
        """Raise `error` when it is one in the document, not the window's end cutting a value
        short (which only ever shows in its last characters, or as an unterminated string);
        else read on."""
        certain = error.pos < len(self.text) - 16 and not error.msg.startswith("Unterminated string")
        if self.eof or certain:
            raise error
        self._read()

    def error(self, where: str, char: str) -> json.JSONDecodeError:
        """The error Python's reader gives where the document breaks at `pos` (`char`)."""
        message, at_char = _ERRORS[where]
        return json.JSONDecodeError(message, self.text, self.pos if at_char or not char else self.comma)

    def where(self, error: json.JSONDecodeError) -> tuple[int, int]:
        """The line and column in the document of `error`, an error in the window."""
        return self.line + error.lineno - 1, error.colno + (self.column if error.lineno == 1 else 0)

    def rest(self) -> str:
        """The window with everything after it: the rest of the document (which must then be
        small enough to hold)."""
        while self._read():
            pass
        return self.text

    def drain(self) -> None:
        """Read to the end without keeping anything (the pieces check that it is UTF-8)."""
        for _ in self._pieces:
            pass
