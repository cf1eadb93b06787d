"""Byte order marks: the encoding the first bytes of a document name, for reader and validator."""

from __future__ import annotations

import codecs

# The marks and the codecs they name; UTF-32 LE's before UTF-16 LE's, which is its prefix.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def byte_order_mark(head: bytes) -> tuple[str, int] | None:
    """The codec the byte order mark `head` starts with names, and the mark's length; None
    when it starts with none."""
    for mark, codec in BOMS:
        if head.startswith(mark):
            return codec, len(mark)
    return None
