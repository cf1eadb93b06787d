"""Every real feed in ../shared/corpus/feeds/real regenerates (`--source FILE --limit 0`) into
feeds that feedtool's validator passes without an error or a warning, and that feedparser (the
parser feed readers build on) reads back as the same items: title, link, time, authors and
enclosures. JSON Feed sources, which feedparser does not read, are compared with their JSON."""

from __future__ import annotations

import html
import json
import re
from calendar import timegm
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import feedparser
import pytest
from dateutil import parser as dateparser

from feedtool.build import build
from feedtool.config import load_settings
from feedtool.errors import SourceError

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "feeds" / "real"
FEEDS = sorted(p for p in REAL.iterdir() if p.suffix != ".tsv") if REAL.is_dir() else []
pytestmark = pytest.mark.skipif(not FEEDS, reason="needs ../shared/corpus/feeds/real")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


def regenerate(source: Path, out: Path, cache: Path):
    settings = load_settings(None, sources=[str(source)], out=out, cache=cache, limit=0)
    return build(settings, jobs=1)


def parse(data: bytes):
    return feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)


# The documented rules, written out here on their own (README, "Reading feeds"), so the test does
# not take the reader's word for them.
def normal_link(url: str) -> str:
    """Links are written in their normal form: scheme and host in lower case, no default port,
    at least "/" as the path, hex escapes in capitals, escapes of unreserved characters undone."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    path = re.sub(r"%([0-9A-Fa-f]{2})", _unescape_unreserved, parts.path or "/")
    url = urlunsplit((parts.scheme.lower(), netloc, path, parts.query, parts.fragment))
    return re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), url)


def _unescape_unreserved(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if re.match(r"[A-Za-z0-9._~-]", char) else match.group(0).upper()


def plain(text: str) -> str:
    """Titles and names are plain text: markup is removed, references read, spaces collapsed."""
    for _ in range(3):
        if not re.search(r"</[A-Za-z][A-Za-z0-9]*\s*>|&#?\w+;?", text):
            break
        shown = html.unescape(re.sub(r"<[^>]*>", "", text))
        if shown == text:
            break
        text = shown
    return " ".join(text.split())


# Zone names RSS dates use, for the second reading of a date below.
ZONES = {"UT": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
         "PST": -8, "PDT": -7, "CET": 1, "CEST": 2}  # fmt: skip


def instant(entry) -> int | None:
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    return timegm(when) if when else None


def instants(entry) -> set[int]:
    """What the source's date means: feedparser's reading, and dateutil's (feedparser reads
    "8:56 am PST" as 8:56 UTC)."""
    found = {instant(entry)}
    raw = entry.get("published") or entry.get("updated") or ""
    try:
        moment = dateparser.parse(raw, tzinfos={k: v * 3600 for k, v in ZONES.items()})
        if moment.tzinfo is not None:
            found.add(int(moment.timestamp()))
    except (ValueError, OverflowError):
        pass
    return found


def people(entry) -> list[str]:
    """Each author as the source wrote them (name, e-mail address and all)."""
    found = [" ".join(filter(None, (a.get("name"), a.get("email")))) for a in entry.get("authors", [])]
    return [plain(text).casefold() for text in [*found, entry.get("author", "")] if text.strip()]


def enclosures(entry) -> dict[str, str]:
    return {normal_link(e.get("href", "")): e.get("type", "") for e in entry.get("enclosures", [])}


def by_link(entries):
    """Entries by link (or id): of copies, the one dated last, else the first (the merge rule)."""
    found = {}
    for entry in entries:
        key = normal_link(entry["link"]) if entry.get("link", "").startswith("http") else entry.get("id")
        if key not in found or (instant(entry) or 0) > (instant(found[key]) or 0):
            found[key] = entry
    return found


def same_people(out, entry) -> None:
    """Every author kept, none invented: each name written is one the source gave (feedparser
    splits "a@example.industries (A Name)" at odd places, so names are looked for in the text)."""
    written = [plain(a.get("name", "")).casefold() for a in out.get("authors", [])]
    given = people(entry)
    assert all(any(name in text for text in given) for name in written), (written, given)
    assert all(any(name in text for name in written) for text in given if "@" not in text), (written, given)


def same_enclosures(out, entry, *, all_of_them: bool) -> None:
    got, wanted = enclosures(out), enclosures(entry)
    if all_of_them:
        assert set(got) == set(wanted)
    else:  # RSS has room for one: the first
        assert list(got) == list(wanted)[:1]
    for url, kind in got.items():
        assert kind and kind == (wanted[url] or kind)  # a type the source left out is guessed


@pytest.mark.parametrize("source", FEEDS, ids=[p.name for p in FEEDS])
def test_a_real_feed_regenerates_valid_and_reads_back_the_same(source, tmp_path, cache):
    result = regenerate(source, tmp_path / "out", cache)
    problems = [w for w in result.warnings if w.endswith("]")]  # the validator's, each with its code
    assert problems == [], "\n".join(problems)  # errors would have stopped the build
    atom = parse((tmp_path / "out" / "atom.xml").read_bytes())
    rss = parse((tmp_path / "out" / "rss.xml").read_bytes())
    assert not atom.bozo and not rss.bozo
    if source.suffix == ".json":
        compare_json(source, atom)
        return
    original = parse(source.read_bytes())
    if not original.entries:
        assert atom.entries == [] and rss.entries == []
        return
    wanted = by_link(original.entries)
    for written in (atom, rss):
        got = by_link(written.entries)
        assert set(got) >= {k for k, e in wanted.items() if e.get("link", "").startswith("http")}
        for key, entry in wanted.items():
            if key not in got:
                continue
            out = got[key]
            if entry.get("title"):
                assert out.title == plain(entry.title)
            if instant(entry) is not None:
                assert instant(out) in instants(entry)
            if people(entry):
                same_people(out, entry)
            same_enclosures(out, entry, all_of_them=written is atom)


def compare_json(source: Path, atom) -> None:
    document = json.loads(source.read_text("utf-8"))
    if "rss" in document:  # RSS in JSON
        items = document["rss"]["channel"].get("item", [])
        links = {normal_link(i["link"]) for i in items if i.get("link")}
    else:
        items = document["items"]
        links = {normal_link(i.get("url") or i.get("external_url")) for i in items if i.get("url")}
        for item in items:
            out = by_link(atom.entries).get(normal_link(item["url"])) if item.get("url") else None
            if out is None:
                continue
            if item.get("title"):
                assert out.title == plain(item["title"])
            given = item.get("authors") or ([item["author"]] if item.get("author") else [])
            if given:
                written = {plain(a["name"]).casefold() for a in out.get("authors", [])}
                assert written == {plain(p["name"]).casefold() for p in given if p.get("name")}
            attachments = {normal_link(a["url"]): a.get("mime_type", "") for a in item.get("attachments", [])}
            assert enclosures(out) == attachments
    assert set(by_link(atom.entries)) >= links


FEEDS_DIR = REAL.parent
HARD = [
    p
    for folder in ("illformed", "encodings")
    if (FEEDS_DIR / folder).is_dir()
    for p in sorted((FEEDS_DIR / folder).iterdir())
    if p.is_file()
]


@pytest.mark.parametrize("source", HARD, ids=[f"{p.parent.name}/{p.name}" for p in HARD])
def test_an_ill_formed_or_oddly_encoded_feed_builds_clean_or_is_refused_by_name(source, tmp_path, cache):
    """Read as far as it goes into feeds the validator passes without a warning, or refused as
    "path:line: not a feed: …" (a BuildError or SourceError, never a traceback)."""
    try:
        result = regenerate(source, tmp_path / "out", cache)
    except SourceError as e:
        assert str(e).startswith(f"{source}:") and ": not a feed: " in str(e)
        assert not (tmp_path / "out").exists()
        return
    problems = [w for w in result.warnings if w.endswith("]")]
    assert problems == [], "\n".join(problems)
