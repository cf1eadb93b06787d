"""Reads feedtool.toml and command-line overrides into one checked Settings value."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedtool import __version__
from feedtool.carry import xml_text
from feedtool.errors import ConfigError, shown
from feedtool.paths import kind_of
from feedtool.rules import NO_RULES, Rules, parse_rules

CONFIG_NAME = "feedtool.toml"


@dataclass(frozen=True, slots=True)
class FooterRule:
    """An aggregator footer: `pattern` matched against the end of an item's body."""

    name: str
    pattern: str

    def compiled(self) -> re.Pattern[str]:
        return re.compile(f"(?:{self.pattern})\\s*\\Z", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Settings:
    config_path: Path | None
    seeds_dir: Path
    out_dir: Path
    cache_dir: Path
    title: str
    subtitle: str
    site_url: str
    base_url: str
    language: str
    author: str
    limit: int
    timezone: str
    timezones: tuple[tuple[str, str], ...] = ()
    unwrap_image_proxy: bool = True
    builtin_footer_rules: bool = True
    footer_rules: tuple[FooterRule, ...] = ()
    feed_id: str = field(default="")
    rules: Rules = NO_RULES  # the [rules] table: what the user's rules do to the feed
    # Where the items come from: folders of item files, feed files, http(s) URLs, "-" (stdin).
    sources: tuple[str, ...] = ()
    # The [feed] keys feedtool.toml sets: the others come from the first source feed, if any.
    # Sorted, not a set: a build's signature is this value's repr, and a set's order changes
    # from one process to the next.
    configured: tuple[str, ...] = ()
    offline: bool = False  # URL sources from the cache only
    fetch_timeout: float = 30.0  # seconds for a whole answer
    fetch_max_bytes: int = 100 * 1024 * 1024
    # With [[feeds]]: one Settings per feed, each with its `name` (its folder under out_dir).
    feeds: tuple[Settings, ...] = ()
    name: str = ""

    def zone_for(self, url: str) -> ZoneInfo:
        """The time zone a site writes its naive <time> values in."""
        host = (urlsplit(url).hostname or "").lower()
        for name, zone in self.timezones:
            if host == name or host.endswith("." + name):
                return ZoneInfo(zone)
        return ZoneInfo(self.timezone)

    def cleaning_fingerprint(self) -> str:
        """Changes whenever reading or cleaning an unchanged file could give another Item."""
        parts = [
            __version__,
            self.language,
            self.timezone,
            repr(self.timezones),
            repr(self.unwrap_image_proxy),
            repr(self.builtin_footer_rules),
            repr(self.footer_rules),
            self.rules.fingerprint(),
        ]
        return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def _url(key: str, value: object, *, folder: bool = False) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be a string URL, got {type(value).__name__}")
    try:
        parts = urlsplit(value)
    except ValueError as e:
        raise ConfigError(f"{key} is not a URL ({e}): {value!r}") from e
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{key} must be an absolute http(s) URL, got {value!r}")
    if folder and not value.endswith("/"):
        raise ConfigError(f"{key} must end with '/' (the folder the feeds are served from): {value!r}")
    return value


def _zone(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be a time zone name such as 'Asia/Shanghai'")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(
            f"{key}: unknown time zone {value!r} (use an IANA name such as 'Asia/Shanghai')"
        ) from e
    return value


_KIND_NAMES = {int: "a whole number", str: "a string", bool: "true or false"}


def _typed(key: str, value: object, kind: type) -> Any:
    # bool is an int in Python; a limit of `true` is still a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{key} must be {_KIND_NAMES.get(kind, kind.__name__)}, got {value!r}")
    return value


def _seconds(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"{key} must be a number of seconds above 0, got {value!r}")
    return float(value)


def _positive(key: str, value: object) -> int:
    number = int(_typed(key, value, int))
    if number < 1:
        raise ConfigError(f"{key} must be a positive number, got {number}")
    return number


def _limit(key: str, value: object) -> int:
    number = _typed(key, value, int)
    if number < 0:
        raise ConfigError(f"{key} must be 0 (all items) or a positive number, got {number}")
    return int(number)


def _footer_rules(key: str, value: object) -> tuple[FooterRule, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{key} must be a list of tables with 'name' and 'pattern'")
    rules = []
    for n, entry in enumerate(value, 1):
        where = f"{key}[{n}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table with 'name' and 'pattern'")
        unknown = sorted(set(entry) - {"name", "pattern"})
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (expected 'name' and 'pattern')")
        if "pattern" not in entry:
            raise ConfigError(f"{where}: missing 'pattern'")
        rule = FooterRule(
            name=_typed(f"{where}.name", entry.get("name", f"rule {n}"), str),
            pattern=_typed(f"{where}.pattern", entry["pattern"], str),
        )
        try:
            rule.compiled()
        except re.error as e:
            raise ConfigError(f"{where}.pattern is not a valid regular expression: {e}") from e
        rules.append(rule)
    return tuple(rules)


def _timezones(key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key} must be a table of host = time zone")
    return tuple(sorted((str(host).lower(), _zone(f"{key}.{host}", zone)) for host, zone in value.items()))


def _text(key: str, value: object) -> str:
    text = str(_typed(key, value, str))
    # A user wrote it on purpose ("\u0001" in TOML): say so rather than drop it quietly.
    unfit = [c for c in text if not xml_text(c)]
    if unfit:
        raise ConfigError(f"{key} holds U+{ord(unfit[0]):04X}, a character no feed (no XML) can carry")
    return text


def _path(key: str, value: object) -> str:
    return str(_typed(key, value, str))


def check_source(key: str, value: object) -> str:
    """A source as written: a path, an http(s) URL, or "-" for standard input."""
    text = _typed(key, value, str).strip()
    if not text:
        raise ConfigError(f"{key}: a source must not be empty")
    scheme = text.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", text) else ""
    if scheme in ("http", "https"):
        _url(key, text)
    elif scheme and len(scheme) > 1:  # a drive letter is no scheme
        raise ConfigError(f"{key}: {text!r}: only http and https URLs can be fetched")
    return str(text)


def _sources(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f'{key} must be a list of sources, e.g. ["seeds", "https://example.com/feed.xml"]')
    return tuple(check_source(f"{key}[{n}]", entry) for n, entry in enumerate(value, 1))


# Every key the file may hold: section -> key -> (settings field, checker).
_SCHEMA: dict[str, dict[str, tuple[str, Any]]] = {
    "feed": {
        "title": ("title", _text),
        "subtitle": ("subtitle", _text),
        "site_url": ("site_url", _url),
        "base_url": ("base_url", lambda k, v: _url(k, v, folder=True)),
        "id": ("feed_id", _text),
        "language": ("language", _text),
        "author": ("author", _text),
        "limit": ("limit", _limit),
        "sources": ("sources", _sources),
    },
    "build": {
        "seeds": ("seeds_dir", _path),
        "out": ("out_dir", _path),
        "cache": ("cache_dir", _path),
    },
    "read": {
        "timezone": ("timezone", _zone),
        "timezones": ("timezones", _timezones),
    },
    "clean": {
        "unwrap_image_proxy": ("unwrap_image_proxy", lambda k, v: _typed(k, v, bool)),
        "builtin_footer_rules": ("builtin_footer_rules", lambda k, v: _typed(k, v, bool)),
        "footer_rules": ("footer_rules", _footer_rules),
    },
    "fetch": {
        "timeout": ("fetch_timeout", _seconds),
        "max_bytes": ("fetch_max_bytes", lambda k, v: _positive(k, v)),
    },
}

_FEED_FIELDS = frozenset(field for field, _ in _SCHEMA["feed"].values())


def _relative(root: Path, source: str) -> str:
    """A configured source: paths are relative to the configuration file."""
    if source == "-" or re.match(r"^https?://", source, re.I):
        return source
    return str(root / source)


_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _parse_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as e:
        raise ConfigError(f"{shown(path)}: cannot read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{shown(path)}: not UTF-8 at byte {e.start}") from e
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # tomllib puts the place at the end of its message: say it first, as every message does.
        place = _TOML_PLACE.search(str(e))
        if place is None:
            raise ConfigError(f"{shown(path)}: {e}") from e
        what = str(e)[: place.start()].rstrip()
        raise ConfigError(f"{shown(path)}:{place['line']}:{place['column']}: {what}") from e


_TOML_PLACE = re.compile(r"\(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def _from_table(path: Path, table: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for section, entries in table.items():
        if section == "rules":  # checked by rules.py, which also reads each [[feeds]] entry's rules
            values["rules"] = parse_rules(entries, f"{shown(path)}:rules")
            continue
        if section == "feeds":
            values["feeds"] = _feeds(path, entries)
            continue
        if section not in _SCHEMA:
            known = ", ".join(f"[{s}]" for s in (*_SCHEMA, "rules", "[feeds]"))
            raise ConfigError(f"{shown(path)}: unknown section [{section}] (known: {known})")
        if not isinstance(entries, dict):
            raise ConfigError(f"{shown(path)}: {section} must be a table [{section}]")
        for key, value in entries.items():
            if key not in _SCHEMA[section]:
                known = ", ".join(_SCHEMA[section])
                raise ConfigError(f"{shown(path)}: unknown key {key!r} in [{section}] (known: {known})")
            name, check = _SCHEMA[section][key]
            try:
                values[name] = check(f"{section}.{key}", value)
            except ConfigError as e:
                raise ConfigError(f"{shown(path)}: {e}") from e
    return values


# What a [[feeds]] entry may set: its folder, its sources and rules, and the [feed] keys that
# describe one feed (base_url is the site's: each feed is served at base_url + name + "/").
_FEED_ENTRY_KEYS = (
    "name", "sources", "rules", *(k for k in _SCHEMA["feed"] if k not in ("base_url", "sources"))
)  # fmt: skip
_FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
# [feed] keys that describe the site, not each feed: they are not [[feeds]] defaults.
_OWN_PER_FEED = frozenset({"title", "subtitle", "site_url", "feed_id", "sources"})


def _feeds(path: Path, value: object) -> list[dict[str, Any]]:
    """The [[feeds]] entries, checked: each a table with a unique folder name and sources."""
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{shown(path)}: feeds must be one or more [[feeds]] tables")
    entries: list[dict[str, Any]] = []
    names: set[str] = set()
    for n, entry in enumerate(value, 1):
        where = f"feeds[{n}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{shown(path)}: {where} must be a [[feeds]] table")
        unknown = sorted(set(entry) - set(_FEED_ENTRY_KEYS))
        if unknown:
            known = ", ".join(_FEED_ENTRY_KEYS)
            raise ConfigError(f"{shown(path)}: unknown key {unknown[0]!r} in {where} (known: {known})")
        name = entry.get("name")
        if not isinstance(name, str) or not _FOLDER_NAME.match(name) or name in (".", ".."):
            raise ConfigError(
                f"{shown(path)}: {where}.name must be a folder name such as 'world' (letters, digits, . _ -)"
            )
        if name in names:
            raise ConfigError(f"{shown(path)}: {where}.name {name!r} is used by another feed")
        names.add(name)
        if "sources" not in entry:
            raise ConfigError(f"{shown(path)}: {where} ({name}) has no sources")
        values: dict[str, Any] = {"name": name}
        for key, raw in entry.items():
            if key == "name":
                continue
            if key == "rules":
                values["rules"] = parse_rules(raw, f"{shown(path)}:{where}.rules")
                continue
            field_name, check = _SCHEMA["feed"][key]
            try:
                values[field_name] = check(f"{where}.{key}", raw)
            except ConfigError as e:
                raise ConfigError(f"{shown(path)}: {e}") from e
        entries.append(values)
    return entries


def _feed_settings(site: Settings, entry: dict[str, Any], configured: set[str], root: Path) -> Settings:
    """One [[feeds]] entry's settings: its own values, else the [feed] defaults."""
    name = entry["name"]
    own = {k: v for k, v in entry.items() if k not in ("name", "sources")}
    base_url = f"{site.base_url}{name}/"
    feed = replace(
        site,
        name=name,
        sources=tuple(_relative(root, source) for source in entry["sources"]),
        base_url=base_url,
        out_dir=site.out_dir / name,
        title=own.get("title", name),
        subtitle=own.get("subtitle", ""),
        site_url=own.get("site_url", base_url),
        feed_id=own.get("feed_id", ""),
        configured=tuple(sorted(((configured - _OWN_PER_FEED) | set(own)) & _FEED_FIELDS)),
        feeds=(),
        **{k: v for k, v in own.items() if k not in ("title", "subtitle", "site_url", "feed_id")},
    )
    if "author" not in own and "author" not in configured:
        feed = replace(feed, author=feed.title)
    return replace(feed, feed_id=feed.feed_id or feed.site_url)


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Settings from `config_path` (default ./feedtool.toml, if there is one) and flags.

    Overrides: seeds, out, cache (Path), base_url (str), limit (int); None means "not given".
    """
    explicit = config_path is not None
    path = Path(config_path) if config_path is not None else Path(CONFIG_NAME)
    values: dict[str, Any] = {}
    root = Path(".")
    found = explicit or kind_of(path) is not None
    if found:
        values = _from_table(path, _parse_file(path))
        root = path.parent
    flags = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(flags) - {"seeds", "out", "cache", "base_url", "limit", "sources", "offline"})
    if unknown:
        raise TypeError(f"load_settings() got unknown overrides {unknown}")
    if "base_url" in flags:
        values["base_url"] = _url("--base-url", flags["base_url"], folder=True)
    if "limit" in flags:
        values["limit"] = _limit("--limit", flags["limit"])
    base_url = values.get("base_url", "http://127.0.0.1:8000/")
    seeds_dir = Path(flags["seeds"]) if "seeds" in flags else root / values.get("seeds_dir", "seeds")
    if "sources" in flags:  # --source and --seeds, in the order given, replace the configured ones
        sources = tuple(check_source("--source", source) for source in flags["sources"])
    elif "seeds" in flags:
        sources = (str(seeds_dir),)
    else:
        sources = tuple(_relative(root, s) for s in values.get("sources", ())) or (str(seeds_dir),)
    settings = Settings(
        config_path=path if found else None,
        seeds_dir=seeds_dir,
        out_dir=Path(flags["out"]) if "out" in flags else root / values.get("out_dir", "dist"),
        cache_dir=Path(flags["cache"])
        if "cache" in flags
        else root / values.get("cache_dir", ".feedtool-cache"),
        title=values.get("title", "feedtool feed"),
        subtitle=values.get("subtitle", ""),
        site_url=values.get("site_url", base_url),
        base_url=base_url,
        language=values.get("language", "en"),
        author=values.get("author", values.get("title", "feedtool feed")),
        limit=values.get("limit", 50),
        timezone=values.get("timezone", "UTC"),
        timezones=values.get("timezones", ()),
        unwrap_image_proxy=values.get("unwrap_image_proxy", True),
        builtin_footer_rules=values.get("builtin_footer_rules", True),
        footer_rules=values.get("footer_rules", ()),
        feed_id=values.get("feed_id", ""),
        rules=values.get("rules", NO_RULES),
        sources=sources,
        configured=tuple(sorted(set(values) & _FEED_FIELDS)),
        offline=bool(flags.get("offline", False)),
        fetch_timeout=values.get("fetch_timeout", 30.0),
        fetch_max_bytes=values.get("fetch_max_bytes", 100 * 1024 * 1024),
    )
    if not _LANGUAGE.match(settings.language):
        raise ConfigError(
            f"{shown(path)}: feed.language must be a language tag such as 'zh-CN', got {settings.language!r}"
        )
    if not settings.title.strip():
        raise ConfigError(f"{shown(path)}: feed.title must not be empty")
    settings = replace(settings, feed_id=settings.feed_id or settings.site_url)
    if "feeds" in values and "sources" not in flags:  # --source builds one feed from what it names
        configured = set(values) & _FEED_FIELDS
        if "limit" in flags:
            configured.add("limit")
        entries = [dict(e, limit=values["limit"]) if "limit" in flags else e for e in values["feeds"]]
        feeds = tuple(_feed_settings(settings, entry, configured, root) for entry in entries)
        settings = replace(settings, feeds=feeds)
    return settings
