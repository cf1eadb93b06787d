"""Whole-value round trips: a small project's feeds, read back by feedparser (Atom, RSS) and
json (JSON Feed), must equal, field by field, values written by hand from its item files
(tests/fixtures/roundtrip/expected.py, like lemon24/reader's feed + .py sidecars)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import feedparser
import pytest

import feedtool
from feedtool.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "roundtrip"


def _load_expected() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec((FIXTURE / "expected.py").read_text(encoding="utf-8"), namespace)
    return namespace


EXPECTED = _load_expected()


def plain(value: Any) -> Any:
    """feedparser's result as plain values: dicts, lists, and UTC times as ISO strings."""
    if isinstance(value, time.struct_time):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("roundtrip")
    shutil.copytree(FIXTURE, project, dirs_exist_ok=True)
    assert main(["build", "--config", str(project / "feedtool.toml"), "--cache-dir", str(project / "c")]) == 0
    return project / "dist"


def read_back(path: Path) -> dict[str, Any]:
    # Raw values: feedparser's own sanitizing and URL resolving would hide what was written.
    parsed = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    feed = plain(dict(parsed.feed))
    # The generator's version is feedtool's own, whatever it is at the time.
    assert feed.get("generator_detail", {}).pop("version", feedtool.__version__) == feedtool.__version__
    return {"version": parsed.version, "feed": feed, "entries": [plain(dict(e)) for e in parsed.entries]}


@pytest.mark.parametrize(("name", "expected"), [("atom.xml", "ATOM"), ("rss.xml", "RSS")])
def test_feedparser_reads_back_every_field_as_written_down(dist: Path, name: str, expected: str) -> None:
    got, want = read_back(dist / name), EXPECTED[expected]
    assert got["version"] == want["version"]
    assert got["feed"] == want["feed"]
    assert len(got["entries"]) == len(want["entries"])
    for entry, wanted in zip(got["entries"], want["entries"], strict=True):
        for key in sorted(set(entry) | set(wanted)):
            assert entry.get(key) == wanted.get(key), f"{name} {wanted['id']}: {key}"


def test_json_feed_is_the_document_written_down(dist: Path) -> None:
    document = json.loads((dist / "feed.json").read_text(encoding="utf-8"))
    want = EXPECTED["JSON"]
    for key in sorted(set(document) | set(want)):
        if key != "items":
            assert document.get(key) == want.get(key), key
    assert len(document["items"]) == len(want["items"])
    for item, wanted in zip(document["items"], want["items"], strict=True):
        for key in sorted(set(item) | set(wanted)):
            assert item.get(key) == wanted.get(key), f"{wanted['id']}: {key}"
