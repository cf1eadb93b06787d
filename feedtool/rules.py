"""The rules users apply to the feeds they regenerate: drop items, strip elements, edit text.

Order, per item: `since` (the oldest publication time kept), the aggregator footers (clean.py),
`strip`, `filter`, `filterout`, then the feed's limit (build.py), `replace`, `convert`, and last
the sanitizer (clean.py). Every pattern is written against the source as the site publishes it:
filters and replacements come before the Chinese conversion, strip before the sanitizer drops
the `class` attributes selectors look for.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from feedtool.errors import ConfigError
from feedtool.model import FeedMeta, Item

if TYPE_CHECKING:
    import lxml.html
    from lxml.cssselect import CSSSelector
    from opencc import OpenCC

FILTER_FIELDS = ("title", "content", "author", "category", "link")
REPLACE_FIELDS = ("title", "content")
KEEP, DROP = "keep", "drop"
# Elements whose text is code or controls, not article text: the sanitizer drops them whole
# (clean.DROPPED_WITH_CONTENT), so no rule reads or edits what is inside them.
_NOT_TEXT = frozenset(
    {"script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
     "noscript", "noembed", "noframes", "textarea", "select", "button", "form", "svg", "math",
     "title", "head", "xmp", "plaintext"}
)  # fmt: skip
# Attributes that hold text a reader sees or hears; every other attribute is a URL or markup.
_TEXT_ATTRIBUTES = ("alt", "title")


@dataclass(frozen=True, slots=True)
class Example:
    """What a rule must make of `input`: a text or HTML, or for a filter the item's fields."""

    input: str | tuple[tuple[str, str], ...]
    output: str


@dataclass(frozen=True, slots=True)
class Filter:
    """An item matches when every pattern finds its field (any author, any category)."""

    key: str  # e.g. "filterout[2]": where the rule is, for messages
    name: str
    patterns: tuple[tuple[str, str], ...]  # (field, regular expression)
    drops: bool  # filterout: an item that matches is dropped; filter: one that does not
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True, slots=True)
class Strip:
    """Elements the CSS selector finds are removed from the content, with what is in them."""

    key: str
    name: str
    selector: str
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True, slots=True)
class Replace:
    """Every match of the pattern in the text of `fields` becomes the replacement (re.sub)."""

    key: str
    name: str
    pattern: str
    replacement: str
    fields: tuple[str, ...]
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True, slots=True)
class Convert:
    """Every text of the item converted between Chinese scripts by OpenCC."""

    key: str
    name: str
    config: str  # an OpenCC conversion, e.g. "s2t"
    examples: tuple[Example, ...] = ()


Rule = Filter | Strip | Replace | Convert


@dataclass(frozen=True, slots=True)
class Rules:
    """One feed's rules; `where` names them in messages ("feedtool.toml:rules")."""

    where: str = ""
    since: datetime | None = None
    filter: tuple[Filter, ...] = ()
    filterout: tuple[Filter, ...] = ()
    strip: tuple[Strip, ...] = ()
    replace: tuple[Replace, ...] = ()
    convert: Convert | None = None

    def all(self) -> tuple[Rule, ...]:
        """Every rule that reports when it matched nothing, in the order they apply."""
        convert = (self.convert,) if self.convert else ()
        return (*self.strip, *self.filter, *self.filterout, *self.replace, *convert)

    def label(self, rule: Rule) -> str:
        shown = f" ({rule.name})" if rule.name else ""
        return f"{self.where}.{rule.key}{shown}"

    def too_old(self, published: datetime) -> bool:
        return self.since is not None and published < self.since

    def fingerprint(self) -> str:
        """Changes whenever the rules could give another cleaned item (examples cannot)."""
        shaping = [
            repr(self.since),
            *(repr((rule.key, rule.patterns)) for rule in (*self.filter, *self.filterout)),
            *(repr((rule.key, rule.selector)) for rule in self.strip),
            *(repr((rule.key, rule.pattern, rule.replacement, rule.fields)) for rule in self.replace),
        ]
        if self.convert:
            from opencc import __version__ as opencc_version  # its dictionaries shape the text

            shaping.append(f"{self.convert.config} opencc {opencc_version}")
        return hashlib.blake2b("\0".join(shaping).encode(), digest_size=16).hexdigest()


NO_RULES = Rules()


@dataclass(frozen=True, slots=True)
class Cleaned:
    """An item after cleaning: None when a rule dropped it; the keys of the rules that matched."""

    item: Item | None
    matched: frozenset[str] = frozenset()


# --- Reading the rules from feedtool.toml ------------------------------------------------------

_KINDS = ("since", "filter", "filterout", "strip", "replace", "convert")


def parse_rules(table: object, where: str) -> Rules:
    """The rules of a `[rules]` table (or a `[[feeds]]` entry's `rules`); a ConfigError names
    `where`, the rule and what is wrong."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: must be a table of rules ({', '.join(_KINDS)})")
    unknown = sorted(set(table) - set(_KINDS))
    if unknown:
        raise ConfigError(f"{where}: unknown rule {unknown[0]!r} (known: {', '.join(_KINDS)})")
    return Rules(
        where=where,
        since=_since(f"{where}.since", table["since"]) if "since" in table else None,
        filter=tuple(_filter(where, "filter", n, e) for n, e in _entries(where, "filter", table)),
        filterout=tuple(_filter(where, "filterout", n, e) for n, e in _entries(where, "filterout", table)),
        strip=tuple(_strip(where, f"strip[{n}]", e) for n, e in _entries(where, "strip", table)),
        replace=tuple(_replace(where, f"replace[{n}]", e) for n, e in _entries(where, "replace", table)),
        convert=_convert(where, table["convert"]) if "convert" in table else None,
    )


def _entries(where: str, kind: str, table: Mapping[str, Any]) -> list[tuple[int, object]]:
    value = table.get(kind, [])
    if not isinstance(value, list):
        raise ConfigError(f"{where}.{kind}: must be a list of rules, got {value!r}")
    return list(enumerate(value, 1))


def _since(where: str, value: object) -> datetime:
    # A bare date or a time without offset is read as UTC: a feed's items come from many places.
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ConfigError(f"{where}: must be a date or date-time, unquoted (since = 2023-09-01), got {value!r}")


def _table(where: str, value: object, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: must be a table with {', '.join(allowed)}")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(allowed)})")
    return value


def _string(where: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: must be a string, got {value!r}")
    return value


def _pattern(where: str, value: object) -> str:
    pattern = _string(where, value)
    try:
        _regex(pattern)
    except re.error as e:
        raise ConfigError(f"{where}: not a valid regular expression: {e}") from e
    return pattern


def _name(where: str, entry: Mapping[str, Any], default: str) -> str:
    return _string(f"{where}.name", entry["name"]) if "name" in entry else default


def _examples(
    where: str, value: object, check: Callable[[str, Mapping[str, Any]], Example]
) -> tuple[Example, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: must be a list of {{input = …, output = …}} tables")
    return tuple(check(f"{where}[{n}]", entry) for n, entry in enumerate(value, 1))


def _example_parts(where: str, entry: object) -> tuple[object, str]:
    table = _table(where, entry, ("input", "output"))
    if "input" not in table or "output" not in table:
        raise ConfigError(f"{where}: needs both input and output")
    return table["input"], _string(f"{where}.output", table["output"])


def _text_example(where: str, entry: object) -> Example:
    given, output = _example_parts(where, entry)
    return Example(_string(f"{where}.input", given), output)


def _filter(where: str, kind: str, n: int, entry: object) -> Filter:
    key = f"{kind}[{n}]"
    at = f"{where}.{key}"
    table = _table(at, entry, (*FILTER_FIELDS, "name", "examples"))
    patterns = tuple((f, _pattern(f"{at}.{f}", table[f])) for f in FILTER_FIELDS if f in table)
    if not patterns:
        raise ConfigError(f"{at}: needs a pattern for at least one of {', '.join(FILTER_FIELDS)}")
    fields = [f for f, _ in patterns]

    def example(ex_at: str, value: object) -> Example:
        given, output = _example_parts(ex_at, value)
        if isinstance(given, str) and len(fields) == 1:
            inputs: tuple[tuple[str, str], ...] = ((fields[0], given),)
        else:
            if not isinstance(given, Mapping):
                raise ConfigError(
                    f"{ex_at}.input: a rule on {' and '.join(fields)} needs a table of them as input"
                )
            _table(f"{ex_at}.input", given, FILTER_FIELDS)
            inputs = tuple((f, _string(f"{ex_at}.input.{f}", given[f])) for f in FILTER_FIELDS if f in given)
        if output not in (KEEP, DROP):
            raise ConfigError(f"{ex_at}.output: must be {KEEP!r} or {DROP!r}, got {output!r}")
        return Example(inputs, output)

    return Filter(
        key=key,
        name=_name(at, table, ""),
        patterns=patterns,
        drops=kind == "filterout",
        examples=_examples(f"{at}.examples", table.get("examples", []), example),
    )


def _strip(where: str, key: str, entry: object) -> Strip:
    at = f"{where}.{key}"
    table = (
        {"selector": entry} if isinstance(entry, str) else _table(at, entry, ("selector", "name", "examples"))
    )
    if "selector" not in table:
        raise ConfigError(f"{at}: needs a selector")
    selector = _string(f"{at}.selector", table["selector"])
    from cssselect import SelectorError
    from lxml.etree import XPathError

    try:
        _selector(selector)
    except (SelectorError, XPathError) as e:
        raise ConfigError(f"{at}: not a CSS selector lxml can use: {selector!r}: {e}") from e
    return Strip(
        key=key,
        name=_name(at, table, selector),
        selector=selector,
        examples=_examples(f"{at}.examples", table.get("examples", []), _text_example),
    )


def _replace(where: str, key: str, entry: object) -> Replace:
    at = f"{where}.{key}"
    table = _table(at, entry, ("pattern", "with", "in", "name", "examples"))
    if "pattern" not in table or "with" not in table:
        raise ConfigError(f'{at}: needs a pattern and what to replace it with (with = "…")')
    pattern = _pattern(f"{at}.pattern", table["pattern"])
    replacement = _string(f"{at}.with", table["with"])
    try:
        _expand_check(pattern, replacement)
    except re.error as e:
        raise ConfigError(f"{at}.with: not a valid replacement for this pattern: {e}") from e
    fields = table.get("in", list(REPLACE_FIELDS))
    fields = [fields] if isinstance(fields, str) else fields
    if not isinstance(fields, list) or not fields or any(f not in REPLACE_FIELDS for f in fields):
        raise ConfigError(f'{at}.in: must be "title", "content" or both as a list, got {table["in"]!r}')
    return Replace(
        key=key,
        name=_name(at, table, ""),
        pattern=pattern,
        replacement=replacement,
        fields=tuple(f for f in REPLACE_FIELDS if f in fields),
        examples=_examples(f"{at}.examples", table.get("examples", []), _text_example),
    )


def _expand_check(pattern: str, replacement: str) -> None:
    """Raises re.error if `replacement` refers to a group the pattern lacks or has a bad
    escape: re only finds out at the first match, which could be in the middle of a build."""
    # An empty alternative makes any pattern match "" while keeping its groups; the newline
    # ends a trailing comment of a verbose pattern.
    match = re.compile(pattern + "\n|").match("")
    assert match is not None
    match.expand(replacement)


def convert_names() -> tuple[str, ...]:
    """The conversions the installed OpenCC has, e.g. s2t (Simplified to Traditional)."""
    import opencc

    return tuple(sorted(name.removesuffix(".json") for name in opencc.CONFIGS))


def _convert(where: str, value: object) -> Convert:
    at = f"{where}.convert"
    table = {"to": value} if isinstance(value, str) else _table(at, value, ("to", "name", "examples"))
    if "to" not in table:
        raise ConfigError(f'{at}: needs the conversion, e.g. to = "s2t"')
    config = _string(f"{at}.to", table["to"])
    if config not in convert_names():
        raise ConfigError(f"{at}: unknown conversion {config!r} (known: {', '.join(convert_names())})")
    return Convert(
        key="convert",
        name=_name(at, table, config),
        config=config,
        examples=_examples(f"{at}.examples", table.get("examples", []), _text_example),
    )


# --- Compiled forms, made once per process ----------------------------------------------------


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@functools.cache
def _selector(selector: str) -> CSSSelector:
    from lxml.cssselect import CSSSelector

    return CSSSelector(selector, translator="html")


@functools.cache
def _converter(config: str) -> OpenCC:
    from opencc import OpenCC

    return OpenCC(config)


# --- Applying the rules -----------------------------------------------------------------------


# Characters XML cannot carry (lxml refuses them; no feed could hold them anyway), and end
# tags of the page after which libxml2 would drop the rest of a body that carries them.
_UNPARSEABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|</\\s*(?:body|html)\\s*>", re.I)
# A browser (and html5lib, which the sanitizer uses) reads </br> as <br>; libxml2 drops it.
_END_BR = re.compile(r"</\s*br\s*>", re.I)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})  # fmt: skip


def _walk(root: Any) -> Iterator[tuple[bool, Any]]:
    """(True, node) when a node opens and (False, node) when it closes, in document order;
    without recursion, since bodies can nest deeply."""
    pending: list[tuple[bool, Any]] = [(True, root)]
    while pending:
        opening, node = pending.pop()
        yield opening, node
        if opening:
            pending.append((False, node))
            pending.extend((True, child) for child in reversed(node))


class _Content:
    """An item's HTML as a tree, parsed only if a rule needs it and written back only if a
    rule changed it: a body no rule touched keeps its exact bytes."""

    def __init__(self, html_text: str) -> None:
        self.source = html_text
        self._root: lxml.html.HtmlElement | None = None
        self.changed = False

    @property
    def root(self) -> lxml.html.HtmlElement:
        """The <body> of a page holding the content: `body > p` is a top-level paragraph."""
        if self._root is None:
            import lxml.html

            body = _END_BR.sub("<br>", _UNPARSEABLE.sub("", self.source))
            page = lxml.html.document_fromstring("<html><body>" + body)
            self._root = page.body
        assert self._root is not None  # the page was opened with a <body>
        return self._root

    def strip(self, selector: str) -> bool:
        import lxml.html

        selected = _selector(selector)(self.root)
        assert isinstance(selected, list)  # a CSS selector selects elements, never a value
        found = [e for e in selected if isinstance(e, lxml.html.HtmlElement) and e is not self.root]
        for element in found:
            element.drop_tree()  # keeps the text that follows the element
        self.changed = self.changed or bool(found)
        return bool(found)

    def text(self) -> str:
        return "".join(getattr(element, slot) for element, slot in self._text_slots())

    def edit_text(self, edit: Callable[[str], str], attributes: bool = False) -> bool:
        """Applies `edit` to every run of text (and to alt/title values if `attributes`)."""
        edited = False
        for element, slot in self._text_slots(attributes):
            before = element.get(slot) if slot in _TEXT_ATTRIBUTES else getattr(element, slot)
            after = edit(before)
            if after != before:
                edited = True
                if slot in _TEXT_ATTRIBUTES:
                    element.set(slot, after)
                else:
                    setattr(element, slot, after)
        self.changed = self.changed or edited
        return edited

    def _text_slots(self, attributes: bool = False) -> Iterator[tuple[Any, str]]:
        """(element, "text" | "tail" | an attribute) for each piece of readable text, in order:
        not inside comments or elements whose content is not text, such as scripts."""
        hidden = 0  # how many of the open nodes hide their content
        for opening, node in _walk(self.root):
            hides = not isinstance(node.tag, str) or node.tag in _NOT_TEXT
            if opening:
                hidden += hides
                if not hidden:
                    if attributes:
                        yield from ((node, a) for a in _TEXT_ATTRIBUTES if node.get(a))
                    if node.text:
                        yield node, "text"
            else:
                hidden -= hides
                if not hidden and node.tail and node is not self.root:
                    yield node, "tail"

    def written(self) -> str:
        """The tree as HTML. Not lxml's serializer: it
        percent-encodes URLs, and rules never change a URL. Comments are left out (the
        sanitizer drops them too)."""
        parts = []
        for opening, node in _walk(self.root):
            element = isinstance(node.tag, str)
            if opening and element:
                if node is not self.root:
                    attributes = "".join(f' {k}="{html.escape(v)}"' for k, v in node.items())
                    parts.append(f"<{node.tag}{attributes}>")
                parts.append(html.escape(node.text or "", quote=False))
            elif not opening and node is not self.root:
                if element and node.tag not in _VOID:
                    parts.append(f"</{node.tag}>")
                parts.append(html.escape(node.tail or "", quote=False))
        return "".join(parts)


# What each filter field is matched against: any of the texts.
_FIELD_TEXTS: dict[str, Callable[[Item, _Content], list[str]]] = {
    "title": lambda item, content: [item.title],
    "content": lambda item, content: [content.text(), item.summary],
    "author": lambda item, content: [person.name for person in item.authors],
    "category": lambda item, content: list(item.categories),
    "link": lambda item, content: [item.url],
}


def _filter_values(item: Item, content: _Content, filters: tuple[Filter, ...]) -> dict[str, list[str]]:
    """The texts of the fields `filters` read, and only those: the content's text needs a parse."""
    fields = {field for rule in filters for field, _ in rule.patterns}
    return {field: _FIELD_TEXTS[field](item, content) for field in fields}


def _matches(rule: Filter, values: Mapping[str, list[str]]) -> bool:
    return all(any(_regex(p).search(v) for v in values[f]) for f, p in rule.patterns)


class _Edit:
    """A replace or convert rule as a function on text that counts the texts it changed."""

    def __init__(self, rule: Replace | Convert) -> None:
        self.rule = rule
        self.hits = 0

    def __call__(self, text: str) -> str:
        if isinstance(self.rule, Replace):
            after, count = _regex(self.rule.pattern).subn(self.rule.replacement, text)
        else:
            after = _converter(self.rule.config).convert(text)
            count = after != text
        self.hits += count
        return after

    def apply(self, item: Item, content: _Content) -> Item:
        """`item` with the edit applied to the text its rule reaches: the title; the article
        (the content's text, the summary, the image's caption and credit); for a conversion
        also the names of the authors, the categories and the content's alt and title
        attributes, so that the whole feed reads in one script. URLs and markup never change."""
        edit = self
        reach = self.rule.fields if isinstance(self.rule, Replace) else ("title", "content", "names")
        changes: dict[str, Any] = {}
        if "title" in reach:
            changes["title"] = edit(item.title)
        if "content" in reach:
            content.edit_text(edit, attributes="names" in reach)
            changes["summary"] = edit(item.summary)
            if item.image is not None:
                changes["image"] = replace(
                    item.image,
                    caption=item.image.caption and edit(item.image.caption),
                    credit=item.image.credit and edit(item.image.credit),
                )
        if "names" in reach:
            changes["authors"] = tuple(replace(person, name=edit(person.name)) for person in item.authors)
            changes["categories"] = tuple(edit(category) for category in item.categories)
        return replace(item, **changes)


def apply_rules(item: Item, rules: Rules, reshape: Callable[[Item, str], Item]) -> Cleaned:
    """The item with the rules applied to its content as the site wrote it (the aggregator's
    footer already gone, not yet sanitized), or None as the item if a rule drops it.
    `reshape(item, html)` takes again, from the HTML `strip` left, what the item took from its
    HTML (summary, lead image), before the filters, replacements and conversion."""
    if rules.too_old(item.published):
        return Cleaned(None)
    if not (rules.strip or rules.filter or rules.filterout or rules.replace or rules.convert):
        return Cleaned(item)
    content = _Content(item.content_html)
    matched = {rule.key for rule in rules.strip if content.strip(rule.selector)}
    if matched:
        item = reshape(item, content.written())
    if rules.filter or rules.filterout:
        values = _filter_values(item, content, (*rules.filter, *rules.filterout))
        matched.update(rule.key for rule in rules.filter if _matches(rule, values))
        if rules.filter and not matched.intersection(rule.key for rule in rules.filter):
            return Cleaned(None, frozenset(matched))
        matched.update(rule.key for rule in rules.filterout if _matches(rule, values))
        if matched.intersection(rule.key for rule in rules.filterout):
            return Cleaned(None, frozenset(matched))
    for rule in (*rules.replace, *((rules.convert,) if rules.convert else ())):
        edit = _Edit(rule)
        item = edit.apply(item, content)
        if edit.hits:
            matched.add(rule.key)
    if content.changed:
        item = replace(item, content_html=content.written())
    return Cleaned(item, frozenset(matched))


def convert_feed(meta: FeedMeta, rules: Rules) -> FeedMeta:
    """The feed's own texts converted by the `convert` rule as its items are, so that the
    whole feed reads in one script: its title, subtitle and author (whether feedtool.toml
    or the source feed gives them), and a podcast's author and owner."""
    if rules.convert is None:
        return meta
    convert = _converter(rules.convert.config).convert
    podcast = meta.podcast
    if podcast is not None:
        owner = podcast.owner and replace(podcast.owner, name=convert(podcast.owner.name))
        podcast = replace(podcast, author=podcast.author and convert(podcast.author), owner=owner)
    return replace(
        meta,
        title=convert(meta.title),
        subtitle=convert(meta.subtitle),
        author=convert(meta.author),
        podcast=podcast,
    )


# --- Reporting --------------------------------------------------------------------------------


def unmatched_warnings(
    rules: Rules, matched: frozenset[str] | set[str], items: int, feed: str = ""
) -> list[str]:
    """A warning for each rule that matched none of the `items` a build read for `feed` (a
    [[feeds]] name; "" for the only feed): a rule that stops matching usually means the site
    changed its markup or wording."""
    read = f"the {items} item{'s' * (items != 1)} " + (f"of feed {feed!r}" if feed else "of this build")
    return [
        f"{rules.label(rule)}: matched nothing in {read}; has the site changed?"
        for rule in rules.all()
        if rule.key not in matched
    ]


def check_examples(rules: Rules) -> list[str]:
    """One line per example its rule does not turn into the expected output."""
    failures = []
    for rule in rules.all():
        for example in rule.examples:
            got = _run_example(rule, example)
            if got != _normal(rule, example.output):
                failures.append(f"{rules.label(rule)}: expected {example.output!r}, got {got!r}")
    return failures


def _normal(rule: Rule, output: str) -> str:
    """HTML is compared as a tree, written one way: quoting and <br> or <br/> do not matter."""
    return _Content(output).written() if isinstance(rule, Strip) else output


def _run_example(rule: Rule, example: Example) -> str:
    if isinstance(rule, Filter):
        assert isinstance(example.input, tuple)
        given = dict(example.input)
        values = {f: [given[f]] if f in given else [] for f in FILTER_FIELDS}
        hit = _matches(rule, values)
        return DROP if hit == rule.drops else KEEP
    assert isinstance(example.input, str)
    if isinstance(rule, Strip):
        content = _Content(example.input)
        content.strip(rule.selector)
        return content.written()
    return _Edit(rule)(example.input)
