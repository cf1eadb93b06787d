"""Offline feed validation that agrees with the W3C Feed Validation Service.

Public API: `validate_bytes`, `validate_path`, `Report`, `Problem`, and the `PROFILES`
(`feedtool`, the default, or `w3c`: exactly the W3C validator's judgement; see profiles.py).

How the pieces fit:
- `engine.py` parses safely (no DTD, no entities, no network) and as a stream, and calls the
  rule functions registered for each element when its end tag is read (children first).
- `codes.py` is the vocabulary: every code with its severity, families and explanation.
- `rules/` holds the rules, one module per format or namespace. Every module in that package
  is imported automatically (in name order), so a new module needs no edit elsewhere.

Adding rules, in a module of your own in `feedtool/validate/rules/`:

    from feedtool.validate.codes import define
    from feedtool.validate.engine import Context, Element, root, rule, streamed
    from feedtool.validate.namespaces import tag

    RSS_ITEM = tag("", "item")
    root(tag("", "rss"), "rss")          # a document whose root is <rss> is an "rss" feed
    streamed(RSS_ITEM)                   # items are emptied after their rules ran

    define("MissingGuid", "warning", "{element} has no guid", parents=["Warning"],
           why="...", fix="...")

    @rule(RSS_ITEM)
    def check_item(item: Element, ctx: Context) -> None:
        if item.find("guid") is None:
            ctx.report("MissingGuid", item)

A rule is called with the finished element (its whole subtree) and the context; it reports
with `ctx.report(code, at, ...)`, where `at` is the element (or a line number) and keywords
fill the code's message: `element` and `parent` (by default the names of `at` and its parent
as written in the feed), `attribute`, `value`, `detail`, and any other field the message
names (`declared="utf-8"`), each a string. `column=` gives the column when known.
`ctx.format` is the detected format, `ctx.location` the feed's address (`--base`),
`ctx.base(element)` the base URI in effect, and `ctx.state` scratch space for facts gathered
across elements (key it by your module's name). Tags may be wildcards: `{namespace}*` for
every element of a namespace, `*` for every element. JSON documents go to functions
registered with `@json_rule`, which read the text as it streams (the engine decodes it as
UTF-8 and reports a document that is not) with the context; roots no module claims (a misspelled
namespace) go to `@unknown_root_rule` functions at the start tag; namespace declarations
(`xmlns:p="uri"`, used or not) go to `@declaration_rule` functions at the start tag of the
element that declares them.

Codes are shared: `define()` returns the existing code when another module defined the same
name with the same kind and parents. `html.py` judges HTML for every format (`check_html`
for escaped HTML, `check_xhtml` for inline XHTML), `values.py` judges dates, URIs, e-mail
addresses, languages and numbers, and `examples.py` holds `--explain` examples for codes
defined without their own.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from feedtool.errors import UnreadableSource
from feedtool.validate import rules
from feedtool.validate.engine import CHUNK_SIZE, validate_chunks
from feedtool.validate.profiles import DEFAULT, PROFILES, Profile
from feedtool.validate.report import Problem, Report

__all__ = ["PROFILES", "Problem", "Profile", "Report", "validate_bytes", "validate_path"]

for _module in sorted(m.name for m in pkgutil.iter_modules(rules.__path__)):
    importlib.import_module(f"{rules.__name__}.{_module}")


def validate_bytes(
    data: bytes,
    *,
    source: str,
    base: str | None = None,
    content_type: str | None = None,
    profile: Profile = DEFAULT,
) -> Report:
    """Validate a feed held in memory. `base` is its address, `content_type` its HTTP type,
    `profile` whose judgement to give (feedtool's, or exactly the W3C's)."""
    return validate_chunks((data,), source=source, location=base, content_type=content_type, profile=profile)


def validate_path(path: Path, *, base: str | None = None, profile: Profile = DEFAULT) -> Report:
    """Validate a feed file, read in chunks so memory stays bounded for any size."""
    try:
        handle = path.open("rb")
    except OSError as e:
        raise UnreadableSource(str(path), "IOError", f"cannot read: {e.strerror or e}") from e
    with handle:
        return validate_chunks(
            _chunks(handle, path), source=str(path), location=base, content_type=None, profile=profile
        )


def _chunks(handle: BinaryIO, path: Path) -> Iterator[bytes]:
    while True:
        try:
            chunk = handle.read(CHUNK_SIZE)
        except OSError as e:
            raise UnreadableSource(str(path), "IOError", f"cannot read: {e.strerror or e}") from e
        if not chunk:
            return
        yield chunk
