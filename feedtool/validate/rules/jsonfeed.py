"""JSON Feed 1.0/1.1 rules: the document's shape, required members, URLs, dates, authors,
attachments and the HTML in content_html. Codes are ours (JsonFeed…), since the W3C
validator does not read JSON Feed; HTML findings use the shared HTML codes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from feedtool.jsonstream import VALUE_BUDGET as JSON_VALUE_BUDGET
from feedtool.jsonstream import JsonText, TooLarge
from feedtool.validate import values
from feedtool.validate.codes import define
from feedtool.validate.engine import Context, json_rule
from feedtool.validate.html import check_html

CURRENT_VERSION = "https://jsonfeed.org/version/1.1"
# Version 1 feeds were often published with http:, which readers accept.
VERSIONS = (
    "https://jsonfeed.org/version/1",
    CURRENT_VERSION,
    "http://jsonfeed.org/version/1",
    "http://jsonfeed.org/version/1.1",
)

define(
    "JsonFeedSyntax",
    "error",
    "the document is not valid JSON: {detail}",
    parents=["Error"],
    why="A JSON Feed is read with a JSON parser; one syntax error makes the whole feed unreadable.",
    fix="Fix the JSON at the given line and column (a missing comma or quote, a trailing comma).",
    formats=("json",),
)
define(
    "JsonFeedMissingMember",
    "error",
    "{path} must have a {member!r} member",
    parents=["Error"],
    why="JSON Feed requires this member; readers cannot show the feed or item without it.",
    fix="Add the member.",
    formats=("json",),
)
define(
    "JsonFeedInvalidType",
    "error",
    "{path} must be {expected}, not {actual}",
    parents=["Error"],
    why="Readers expect each member to have the type the specification gives it.",
    fix="Write the value with the right JSON type.",
    formats=("json",),
)
define(
    "JsonFeedUnknownVersion",
    "error",
    "{path} is {value!r}, which is not a JSON Feed version",
    parents=["Error"],
    why="Readers recognize a JSON Feed by its version URL.",
    fix=f'Write "version": "{CURRENT_VERSION}".',
    formats=("json",),
)
define(
    "JsonFeedInvalidUrl",
    "error",
    "{path} is not a valid URL: {value!r}",
    parents=["Error"],
    why="Readers follow or fetch this URL.",
    fix="Write an absolute URL and percent-encode spaces and other characters URLs do not allow.",
    formats=("json",),
)
define(
    "JsonFeedRelativeUrl",
    "warning",
    "{path} is a relative URL: {value!r}",
    parents=["Warning"],
    why="A JSON Feed has no base URL; readers resolve relative URLs differently or not at all.",
    fix="Write the absolute URL.",
    formats=("json",),
)
define(
    "JsonFeedInvalidDate",
    "error",
    "{path} is not an RFC 3339 date-time: {value!r}",
    parents=["Error"],
    why="Readers sort and show items by date; a date they cannot parse is dropped.",
    fix="Write the date like 2024-01-31T09:30:00Z or 2024-01-31T10:30:00+01:00.",
    formats=("json",),
)
define(
    "JsonFeedMissingContent",
    "error",
    "{path} has neither content_html nor content_text",
    parents=["JsonFeedMissingMember"],
    why="JSON Feed requires every item to carry its content in one of the two forms.",
    fix="Add content_html (HTML) or content_text (plain text).",
    formats=("json",),
)
define(
    "JsonFeedDuplicateId",
    "error",
    "{path} repeats the id {value!r}",
    parents=["Error"],
    why="Readers tell items apart by id: items with the same id are merged or dropped.",
    fix="Give every item its own id that never changes.",
    formats=("json",),
)
define(
    "JsonFeedIdNotString",
    "warning",
    "{path} is a number; ids should be strings",
    parents=["Warning"],
    why="JSON Feed ids are strings; readers that compare them as strings may see 1 and "
    '"1" as different items.',
    fix="Write the id in quotes.",
    formats=("json",),
)
define(
    "JsonFeedEmptyAuthor",
    "error",
    "{path} must have a name, url or avatar",
    parents=["Error"],
    why="An author object says nothing without one of them.",
    fix="Give the author a name (and a url or avatar if you have one).",
    formats=("json",),
)
define(
    "JsonFeedDeprecatedAuthor",
    "warning",
    "{path} is JSON Feed 1.0's author; version 1.1 uses the authors array",
    parents=["Warning"],
    why="JSON Feed 1.1 readers look for authors; author is kept only for old readers.",
    fix="Add an authors array (you may keep author beside it for 1.0 readers).",
    formats=("json",),
)
define(
    "JsonFeedUnknownMember",
    "warning",
    "{path} is not a JSON Feed member; extensions start with an underscore",
    parents=["Warning"],
    why="Readers ignore members they do not know, so a misspelled member is silently lost.",
    fix="Fix the spelling, or prefix your own members with an underscore (_myapp).",
    formats=("json",),
)

Json = Any  # a decoded JSON value

_TOP = {
    "version": "version", "title": "string", "home_page_url": "url", "feed_url": "url",
    "description": "string", "user_comment": "string", "next_url": "url", "icon": "url",
    "favicon": "url", "author": "author", "authors": "authors", "language": "language",
    "expired": "boolean", "hubs": "hubs", "items": "items",
}  # fmt: skip
_ITEM = {
    "id": "id", "url": "url", "external_url": "url", "title": "string", "content_html": "html",
    "content_text": "string", "summary": "string", "image": "url", "banner_image": "url",
    "date_published": "date", "date_modified": "date", "author": "author",
    "authors": "authors", "tags": "tags", "language": "language", "attachments": "attachments",
}  # fmt: skip
_AUTHOR = {"name": "string", "url": "url", "avatar": "url"}
_ATTACHMENT = {
    "url": "url", "mime_type": "mime", "title": "string", "size_in_bytes": "number",
    "duration_in_seconds": "number",
}  # fmt: skip
_HUB = {"type": "string", "url": "url"}
_TYPE_NAMES = {
    dict: "an object", list: "an array", str: "a string", bool: "true or false",
    int: "a number", float: "a number", type(None): "null",
}  # fmt: skip


class _Place:
    """The text a value was read from, so that messages give the line of each member."""

    def __init__(self, text: str, start: int, end: int, path: str, line: int) -> None:
        self.text, self.start, self.end, self.path, self.line = text, start, end, path, line
        self._lines: dict[str, int] | None = None

    def line_of(self, path: str) -> int | None:
        if self._lines is None:  # found only when there is something to report
            first = self.line + self.text.count("\n", 0, self.start)
            found = member_lines(self.text[self.start : self.end], self.path)
            self._lines = {member: first + line - 1 for member, line in found.items()}
        return self._lines.get(path)


class _Checker:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.place: _Place | None = None  # where the value being checked is written
        self.ids: set[str] = set()
        self.version = CURRENT_VERSION

    def report(
        self,
        code: str,
        path: str,
        *,
        value: str | None = None,
        detail: str | None = None,
        member: str = "",
        expected: str = "",
        actual: str = "",
    ) -> None:
        """Report `code` at the member `path` (`items[2].url`), which messages name."""
        line = 1 if path == "the feed" else self.place.line_of(path) if self.place else None
        self.ctx.report(code, line, element=path, path=path, value=value, detail=detail,
                        member=member, expected=expected, actual=actual)  # fmt: skip

    def expect(self, value: Json, kind: type | tuple[type, ...], expected: str, path: str) -> bool:
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            ok = False
        else:
            ok = isinstance(value, kind)
        if not ok:
            actual = _TYPE_NAMES.get(type(value), type(value).__name__)
            self.report("JsonFeedInvalidType", path, expected=expected, actual=actual)
        return ok

    def members(self, obj: dict[str, Json], known: dict[str, str], path: str) -> None:
        for key, value in obj.items():
            self.member(key, value, known, path)

    def member(self, key: str, value: Json, known: dict[str, str], path: str) -> None:
        where = member_path(path, key)
        kind = known.get(key)
        if kind is None:
            if not key.startswith("_"):
                self.report("JsonFeedUnknownMember", where)
        elif value is not None:  # readers treat null as an absent member
            self.value(kind, value, where)

    def value(self, kind: str, value: Json, path: str) -> None:
        check: Callable[[Json, str], None] = getattr(self, f"check_{kind}")
        check(value, path)

    def check_version(self, value: Json, path: str) -> None:
        if value not in VERSIONS:
            self.report("JsonFeedUnknownVersion", path, value=value)

    def check_string(self, value: Json, path: str) -> None:
        self.expect(value, str, "a string", path)

    def check_boolean(self, value: Json, path: str) -> None:
        self.expect(value, bool, "true or false", path)

    def check_number(self, value: Json, path: str) -> None:
        self.expect(value, (int, float), "a number", path)

    def check_url(self, value: Json, path: str) -> None:
        if not self.expect(value, str, "a URL string", path):
            return
        if values.is_relative_ref(value):
            if not value.strip() or values.check_iri(value):
                self.report("JsonFeedInvalidUrl", path, value=value)
            else:
                self.report("JsonFeedRelativeUrl", path, value=value)
        elif values.check_iri(value, full=True) not in (None, "SchemeNotIANARegistered"):
            self.report("JsonFeedInvalidUrl", path, value=value)

    def check_date(self, value: Json, path: str) -> None:
        if self.expect(value, str, "an RFC 3339 date string", path) and (
            values.parse_rfc3339_date(value) is None
        ):
            self.report("JsonFeedInvalidDate", path, value=value)

    def check_language(self, value: Json, path: str) -> None:
        if self.expect(value, str, "a language tag string", path):
            code = values.check_language(value)
            if code:
                self.report(code, path, value=value)

    def check_mime(self, value: Json, path: str) -> None:
        if self.expect(value, str, "a media type string", path) and values.check_mime_type(value):
            self.report("InvalidMIMEType", path, value=value)

    def check_html(self, value: Json, path: str) -> None:
        if self.expect(value, str, "a string of HTML", path):
            for finding in check_html(value):
                self.report(finding.code, path, detail=finding.detail)

    def check_id(self, value: Json, path: str) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.report("JsonFeedIdNotString", path)
            value = str(value)
        elif not self.expect(value, str, "a string", path):
            return
        if value in self.ids:
            self.report("JsonFeedDuplicateId", path, value=value)
        self.ids.add(value)

    def check_tags(self, value: Json, path: str) -> None:
        if self.expect(value, list, "an array of strings", path):
            for index, entry in enumerate(value):
                self.check_string(entry, f"{path}[{index}]")

    def check_author(self, value: Json, path: str) -> None:
        if self.version.endswith("/1.1"):
            self.report("JsonFeedDeprecatedAuthor", path)
        self.one_author(value, path)

    def one_author(self, value: Json, path: str) -> None:
        if not self.expect(value, dict, "an object", path):
            return
        self.members(value, _AUTHOR, path)
        if not any(key in value for key in _AUTHOR):
            self.report("JsonFeedEmptyAuthor", path)

    def check_authors(self, value: Json, path: str) -> None:
        if self.expect(value, list, "an array of author objects", path):
            for index, author in enumerate(value):
                self.one_author(author, f"{path}[{index}]")

    def check_hubs(self, value: Json, path: str) -> None:
        if not self.expect(value, list, "an array of hub objects", path):
            return
        for index, hub in enumerate(value):
            where = f"{path}[{index}]"
            if self.expect(hub, dict, "an object", where):
                self.required(hub, ("type", "url"), where)
                self.members(hub, _HUB, where)

    def check_attachments(self, value: Json, path: str) -> None:
        if not self.expect(value, list, "an array of attachment objects", path):
            return
        for index, attachment in enumerate(value):
            where = f"{path}[{index}]"
            if self.expect(attachment, dict, "an object", where):
                self.required(attachment, ("url", "mime_type"), where)
                self.members(attachment, _ATTACHMENT, where)

    def check_items(self, value: Json, path: str) -> None:
        if not self.expect(value, list, "an array of item objects", path):
            return
        for index, item in enumerate(value):
            self.item(item, f"{path}[{index}]")

    def item(self, item: Json, path: str) -> None:
        if not self.expect(item, dict, "an object", path):
            return
        self.required(item, ("id",), path)
        if "content_html" not in item and "content_text" not in item:
            self.report("JsonFeedMissingContent", path, member="content_html")
        self.members(item, _ITEM, path)

    def required(self, obj: dict[str, Json], names: tuple[str, ...], path: str) -> None:
        for name in names:
            if name not in obj:
                self.report("JsonFeedMissingMember", path, member=name)

    def feed(self, document: Json) -> None:
        if not self.expect(document, dict, "an object", "the feed"):
            return
        version = document.get("version")
        self.version = version if version in VERSIONS else CURRENT_VERSION
        self.required(document, ("version", "title", "items"), "the feed")
        self.members(document, _TOP, "feed")


@json_rule
def check_json_feed(pieces: Iterator[str], ctx: Context) -> None:
    """The feed is read as it streams: one top-level member, and one item, at a time."""
    text = JsonText(pieces, JSON_VALUE_BUDGET)
    try:
        if text.next_char() == "{":
            _check_streamed(text, ctx)
        else:  # not an object, so not a feed: read whole, as it is small or not worth more
            whole = text.rest()
            checker = _Checker(ctx)
            checker.place = _Place(whole, 0, len(whole), "feed", text.line)
            checker.feed(json.loads(whole))
    except json.JSONDecodeError as e:
        text.drain()  # bytes that are not UTF-8 anywhere are the document's first problem
        line, column = text.where(e)
        ctx.report("JsonFeedSyntax", line, column=column, detail=e.msg)
    except RecursionError:
        text.drain()
        ctx.report("JsonFeedSyntax", None, detail="nested too deeply")
    except TooLarge:
        text.drain()
        ctx.report("ValidatorLimit", None,
                   detail=f"a JSON value of more than {JSON_VALUE_BUDGET >> 20} MB")  # fmt: skip


def _check_streamed(text: JsonText, ctx: Context) -> None:
    """The checks of a whole document (see _Checker.feed), made member by member as the
    document is read: each member's findings are kept apart until the end, where they are
    reported in the order of the members, as a whole-document read reports them (a member
    given twice counts once, with its last value, as JSON readers take it)."""
    checker = _Checker(ctx)
    found: dict[str, Context] = {}  # each member's findings
    unversioned: list[str] = []  # members judged before the version was known
    version: Json = None
    for key in text.members():
        checker.ctx = found[key] = Context(ctx.source, ctx.location, ctx.content_type, ctx.profile)
        path = member_path("feed", key)
        if key == "items" and text.next_char() == "[":
            _check_items(text, checker, path)
        else:
            value, start, end = text.value()
            checker.place = _Place(text.text, start, end, path, text.line)
            if key == "version":
                version = value
                checker.version = value if value in VERSIONS else CURRENT_VERSION
            checker.member(key, value, _TOP, "feed")
        if version is None and key != "version":
            unversioned.append(key)
    if text.next_char():
        raise text.error("extra", text.next_char())
    # The whole document has been read: it is UTF-8 and JSON. Its own checks come first.
    checker.ctx = ctx
    checker.required(dict.fromkeys(found), ("version", "title", "items"), "the feed")
    if version in VERSIONS and not str(version).endswith("/1.1"):
        for key in unversioned:  # judged as 1.1, the version when none is given
            found[key].withdraw("JsonFeedDeprecatedAuthor")
    for findings in found.values():
        ctx.absorb(findings)


def _check_items(text: JsonText, checker: _Checker, path: str) -> None:
    """The items array, read and checked one item at a time."""
    checker.ids = set()  # ids of an items member given before a later one do not count
    for index, (value, start, end) in enumerate(text.elements()):
        where = f"{path}[{index}]"
        checker.place = _Place(text.text, start, end, where, text.line)
        checker.item(value, where)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def member_path(path: str, key: str) -> str:
    """How messages name member `key` of the object at `path`: `feed.items`, or in brackets
    when the key is not a plain name (`feed[""]`, `feed["a.b"]`), so that no two members of
    a document share a name."""
    return f"{path}.{key}" if _NAME.fullmatch(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"


_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]]|[^\s,:{}\[\]"]+|\n')


def member_lines(text: str, root: str = "feed") -> dict[str, int]:
    """The line where each member and array element of the JSON value `text` starts, keyed
    by the paths messages use (`feed.items[3].date_published`, when `root` is the value's
    path). The text is known to be valid JSON."""
    lines: dict[str, int] = {}
    # One frame per open container: [path, is_object, next array index, pending key].
    stack: list[list[Any]] = []
    line = 1

    def value_path() -> str | None:
        if not stack:
            return root
        frame = stack[-1]
        if frame[1]:
            key, frame[3] = frame[3], None
            return member_path(frame[0], key) if key is not None else None
        frame[2] += 1
        return f"{frame[0]}[{frame[2] - 1}]"

    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "}]":
            stack.pop()
        elif token[0] == '"' and stack and stack[-1][1] and stack[-1][3] is None:
            stack[-1][3] = json.loads(token)  # a key: its value comes next
        else:
            path = value_path()
            if path is not None:
                lines.setdefault(path, line)
            if token in "{[":
                stack.append([path or "", token == "{", 0, None])
    return lines
