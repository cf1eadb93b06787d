"""The code registry: every problem code, its severity, its family and its explanation.

Codes are the W3C Feed Validation Service's names and severities where it has a message for
the same problem (so users can look them up); the message and explanation texts are ours.
A code's parents are its families: an expectation of `MissingElement` is met by
`MissingTitle`, and `--ignore InvalidValue` drops every kind of invalid value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from feedtool.validate import profiles
from feedtool.validate.examples import EXAMPLES, Example
from feedtool.validate.meanings import MEANINGS
from feedtool.validate.report import FeedFormat, Problem, Report, Severity

Kind = Literal["error", "warning", "info", "family"]
XML_FORMATS: tuple[FeedFormat, ...] = ("atom", "rss", "rss1")

ROOT_OF_SEVERITY = {"error": "Error", "warning": "Warning", "info": "Info"}


@dataclass(frozen=True, slots=True)
class Code:
    """A problem code. `message` is a `str.format` template filled from the rule's fields."""

    name: str
    kind: Kind
    parents: tuple[str, ...]
    message: str
    why: str = ""
    fix: str = ""
    formats: tuple[FeedFormat, ...] = XML_FORMATS
    # What goes wrong and what is right, in words, for codes no feed document can show (a
    # server's answer, a rule's own failure); other codes have example feeds in examples.py.
    bad: str = ""
    good: str = ""

    @property
    def severity(self) -> Severity:
        if self.kind == "family":
            raise ValueError(f"{self.name} is a family of codes, never reported itself")
        return self.kind


CODES: dict[str, Code] = {}


def define(
    name: str,
    kind: Kind,
    message: str,
    *,
    parents: Iterable[str] = (),
    why: str = "",
    fix: str = "",
    formats: Iterable[FeedFormat] = XML_FORMATS,
    bad: str = "",
    good: str = "",
) -> Code:
    """Register a code (or return the same code registered by another module).

    Parents must be defined first; the severity root (Error, Warning, Info) is implied.
    `formats` are the formats whose feeds may have the problem. Its bad and good example
    feeds go in examples.py; `bad` and `good` describe them in words only for codes that no
    feed can show (HTTP answers).
    """
    parents = tuple(parents)
    for parent in parents:
        if parent not in CODES:
            raise ValueError(f"code {name}: parent {parent} is not defined")
    existing = CODES.get(name)
    if existing is not None:
        # Two rule modules may share a code (NotBlank, DangerousStyleAttr…): the first
        # definition stands, provided both agree on what the code is.
        if (existing.kind, existing.parents) != (kind, parents):
            raise ValueError(f"code {name} is defined twice, differently")
        return existing
    code = Code(name, kind, parents, message, why, fix, tuple(formats), bad, good)
    CODES[name] = code
    return code


def ancestors(name: str) -> frozenset[str]:
    """The code itself, all its families, and its severity root (`Error`, `Warning`, `Info`)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        code = CODES.get(current)
        if code is None:
            continue
        todo.extend(code.parents)
        if code.kind in ROOT_OF_SEVERITY:
            todo.append(ROOT_OF_SEVERITY[code.kind])
    return frozenset(seen)


def render(name: str, fields: Mapping[str, object]) -> str:
    """The message of `name` with its template filled; missing fields read as `?`."""
    message = CODES[name].message
    attribute = fields.get("attribute")
    if attribute and "{element}" in message and "attribute" not in message:
        # The problem is in an attribute the message does not speak of: name it, or the
        # reader is told the element is wrong and looks at its text.
        fields = {**fields, "element": f"the {attribute} attribute of {fields.get('element', '?')}"}
    return message.format_map(_Fields(fields))


class _Placeholders(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return f"<{key}>"


class _Fields(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


def filtered(report: Report, *, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Report:
    """`report` with only the problems whose code is (a kind of) one in `select` (every
    problem when it is empty) and none in `ignore`. The reason a source could not be read is
    kept whatever the filters: it is not a finding about a feed."""
    selected, ignored = frozenset(select), frozenset(ignore)
    if not report.readable:
        return report

    def kept(code: str) -> bool:
        families = ancestors(code)
        return (not selected or bool(families & selected)) and not families & ignored

    return replace(report, problems=tuple(p for p in report.problems if kept(p.code)))


def examples(name: str) -> tuple[Example, Example] | None:
    """The bad and the good example document of a code, if it has them."""
    return EXAMPLES.get(name)


def meaning(name: str) -> str:
    """What the code means, in one line (a family's: what it gathers)."""
    code = CODES[name]
    return code.message if code.kind == "family" else MEANINGS[name]


def template(name: str) -> str:
    """The code's message with its fields shown as `<field>`."""
    return CODES[name].message.format_map(_Placeholders())


def explain(name: str) -> str:
    """The `--explain` text: meaning, why it matters, how to fix, bad and good examples."""
    code = CODES[name]
    lines = [f"{code.name} ({code.kind})", ""]
    lines.append("Meaning: " + meaning(name))
    if code.kind != "family":
        lines.append("Message: " + template(name))
    families = [p for p in code.parents if p in CODES]
    if families:
        lines.append("Family: " + ", ".join(families))
    children = sorted(c.name for c in CODES.values() if name in c.parents)
    if children:
        lines.append("Kinds: " + ", ".join(children))
    if code.why:
        lines += ["", "Why it matters: " + code.why]
    if code.fix:
        lines += ["", "How to fix: " + code.fix]
    difference = profiles.difference(name)
    if difference:
        lines += ["", "Profiles: " + difference]
    pair = examples(name)
    if pair is not None:
        for label, example in zip(("Bad", "Good"), pair, strict=True):
            lines += ["", f"{label}:{_circumstances(example)}", _indent(example.document.rstrip("\n"))]
    elif code.bad:
        lines += ["", "Bad:", _indent(code.bad), "", "Good:", _indent(code.good)]
    return "\n".join(lines)


def _circumstances(example: Example) -> str:
    said = []
    if example.saved_as != "utf-8":
        said.append(f"saved as {example.saved_as}")
    if example.served_as:
        said.append(f"served as Content-Type: {example.served_as}")
    return f" ({', '.join(said)})" if said else ""


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def explain_json(name: str) -> dict[str, object]:
    """`--explain CODE --format json`: the explanation as one object. `bad` and `good` are
    complete feeds (`examples` is "feeds"), `base` the address they are checked at,
    `bad_served_as`/`bad_saved_as` the Content-Type and encoding when they are part of the
    problem, `profile` the profile that reports them; for codes no feed can show (`examples`
    is "words") they describe the case. `profiles` says how the two profiles differ, if they do."""
    code = CODES[name]
    found: dict[str, object] = {
        "code": code.name,
        "severity": code.kind,
        "meaning": meaning(name),
        "message": template(name),
        "why": code.why,
        "fix": code.fix,
        "formats": list(code.formats),
        "families": [p for p in code.parents if p in CODES],
    }
    difference = profiles.difference(name)
    if difference:
        found["profiles"] = difference
    pair = examples(name)
    if pair is None:
        found.update(examples="words" if code.bad else None, bad=code.bad or None, good=code.good or None)
        return found
    found["examples"] = "feeds"
    # A code only the W3C's judgement reports is shown in that profile.
    found["profile"] = profiles.DEFAULT if profiles.reports(profiles.DEFAULT, name, None) else "w3c"
    for label, example in zip(("bad", "good"), pair, strict=True):
        found[label] = example.document
        found["base"] = example.location
        if example.saved_as != "utf-8":
            found[f"{label}_saved_as"] = example.saved_as
        if example.served_as:
            found[f"{label}_served_as"] = example.served_as
    return found


def listing() -> list[str]:
    """`--list-codes`: one line per reportable code: name, severity, formats, meaning."""
    reportable = sorted((c for c in CODES.values() if c.kind != "family"), key=lambda c: c.name)
    width = max(len(c.name) for c in reportable)
    return [
        f"{c.name:<{width}}  {c.kind:<7}  {','.join(c.formats):<15}  {meaning(c.name)}" for c in reportable
    ]


def problem(name: str, fields: Mapping[str, object], line: int | None, column: int | None) -> Problem:
    return Problem(CODES[name].severity, name, render(name, fields), line, column)


# The families and roots: used for matching and ignoring, never reported themselves.
for _root in ("Error", "Warning", "Info"):
    define(_root, "family", f"any {_root.lower()}")
define(
    "SAXError",
    "error",
    "the document is not well-formed XML: {detail}",
    parents=["Error"],
    why="A feed that is not well-formed XML is rejected by every XML parser, so readers "
    "show nothing or an error.",
    fix="Fix the markup at the given line and column (an unclosed tag, a bare `&`, a stray "
    "`<`); escape text with &amp; &lt; or wrap it in CDATA.",
)
define(
    "InvalidValue",
    "error",
    "{element} has an invalid value {value!r}",
    parents=["Error"],
    why="Readers cannot interpret a value that does not follow the element's syntax.",
    fix="Use the value syntax the specification gives for this element.",
    formats=("atom", "rss", "rss1", "json"),
)
define(
    "InvalidLink",
    "error",
    "{element} is not a valid link: {value!r}",
    parents=["InvalidValue"],
    why="A link that is not a valid URI cannot be followed by readers.",
    fix="Percent-encode spaces and other characters not allowed in URIs.",
    formats=("atom", "rss", "rss1", "json"),
)
define(
    "MissingElement",
    "error",
    "{parent} is missing the required element {element}",
    parents=["Error"],
    why="The specification requires this element; readers rely on it.",
    fix="Add the element.",
    formats=("atom", "rss", "rss1", "json"),
)
define(
    "MissingAttribute",
    "error",
    "{element} must have a {attribute} attribute",
    parents=["Error"],
    why="The specification requires this attribute; without it the element means nothing.",
    fix="Add the attribute.",
)
define(
    "DuplicateElement",
    "error",
    "{parent} contains more than one {element}",
    parents=["Error"],
    why="The specification allows this element at most once here; readers keep one of the "
    "values and drop the others unpredictably.",
    fix="Keep one element and remove the others.",
)
define(
    "UndefinedElement",
    "error",
    "{element} is not defined in {parent}",
    parents=["Error"],
    why="Elements the format does not define in this place are ignored by readers, or "
    "point to a misspelling or a wrong namespace.",
    fix="Check the spelling and the namespace, or move the element where it is defined.",
)
define(
    "MissingNamespace",
    "error",
    "{element} is not in the namespace its format requires",
    parents=["SAXError"],
    why="Readers recognize feed elements by name and namespace together.",
    fix="Declare the format's namespace on the root element.",
)
define(
    "SecurityRisk",
    "warning",
    "{element} contains {detail}, which readers remove or which may run code in a reader",
    parents=["Warning"],
    why="Scripts, embedded objects, event handlers and style can attack readers, so reader "
    "software strips them; the content then looks different from what you intended.",
    fix="Remove scripts, event handler attributes (onclick, onload…), embedded objects and "
    "style from the HTML you publish.",
    formats=("atom", "rss", "rss1", "json"),
)
define(
    "SecurityRiskAttr",
    "warning",
    "{element} contains the attribute {detail}, which readers remove",
    parents=["SecurityRisk"],
    why="Event handler and style attributes can run code or disguise content in a reader.",
    fix="Remove the attribute.",
    formats=("atom", "rss", "rss1", "json"),
)
define(
    "ContainsHTML",
    "warning",
    "{element} contains HTML markup",
    parents=["Warning"],
    why="This element is plain text: readers show the markup literally.",
    fix="Remove the markup, or use an element (or a type) that carries HTML.",
)
define(
    "InvalidISO8601Date",
    "error",
    "{element} is not a valid ISO 8601 date: {value!r}",
    parents=["InvalidValue"],
    why="Readers sort and display entries by date; a date they cannot parse is dropped.",
    fix="Write the date as YYYY-MM-DDThh:mm:ssZ.",
)
define(
    "MissingSelf",
    "warning",
    '{element} has no link with rel="self"',
    parents=["Warning"],
    why="A self link tells readers and hubs the feed's own address, so subscriptions "
    "survive moves and copies.",
    fix='Add a link with rel="self" and the address the feed is served at.',
    formats=("atom",),
)
