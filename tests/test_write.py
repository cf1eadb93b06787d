"""A build after a few items changed: the entries that did not change are copied out of the
published outputs, and what it writes is what a build from nothing writes, byte for byte."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest
from items import body, write_config, write_item

import feedtool.cache
from feedtool.cli import main

OUTPUTS = [
    f"{name}{suffix}" for name in ("atom.xml", "rss.xml", "feed.json", "index.html") for suffix in ("", ".gz")
]
COUNT = 12


def item(folder: Path, n: int, *, day: int | None = None, words: str = "正文") -> Path:
    """The n-th item: published on day n of October 2023 (or `day`). Item 3's text holds a C1
    control character (windows-1252 text decoded as something else): the validator warns
    about it in every build, and only the entry's own check sees it (the feed-wide check
    leaves article text out). Item 9's title reads as HTML: both checks warn about it, the
    feed-wide one by the line it is on."""
    day = n + 1 if day is None else day
    return write_item(
        folder, f"item{n:02d}.txt", captured_ms=1700000000000 + n,
        title=f"标题 <b>{n}</b>" if n == 9 else f"标题{n}",
        url=f"https://cn.nytimes.com/world/2023/item-{n}/",
        html=body(
            when=f"2023-10-{day:02d} 08:00:00", paragraphs=(f"第{n}篇。{words}", "第二段。"),
            extra="<p>x\u0085y</p>" if n == 3 else "",
        ),
    )  # fmt: skip


@pytest.fixture
def project(tmp_path, monkeypatch):
    write_config(tmp_path)
    for n in range(COUNT):
        item(tmp_path / "seeds", n)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build(capsys, *args: str) -> list[str]:
    """Build; the warnings it printed."""
    capsys.readouterr()
    assert main(["build", "--limit", "0", *args]) == 0, capsys.readouterr().err
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]


def from_nothing(project: Path, capsys) -> tuple[dict[str, bytes], list[str]]:
    """What a build of the same item files gives with no cache and nothing published."""
    shutil.rmtree(project / "fresh", ignore_errors=True)
    warnings = build(capsys, "--out", "fresh", "--cache-dir", "fresh-cache")
    return {name: (project / "fresh" / name).read_bytes() for name in OUTPUTS}, warnings


def fetched_from_cache(monkeypatch) -> list[str]:
    """The rendered entries a build asks the cache for."""
    asked: list[str] = []
    rendered = feedtool.cache.ItemCache.rendered

    def counted(self, keys):  # type: ignore[no-untyped-def]
        asked.extend(keys)
        return rendered(self, keys)

    monkeypatch.setattr(feedtool.cache.ItemCache, "rendered", counted)
    return asked


def change_text(seeds: Path) -> None:
    item(seeds, 5, words="改过的正文，长了一些。")


def change_newest(seeds: Path) -> None:
    item(seeds, COUNT - 1, words="改")


def change_oldest(seeds: Path) -> None:
    item(seeds, 0, words="改")


def add_one_between(seeds: Path) -> None:
    write_item(
        seeds, "between.txt", captured_ms=1700000000999, url="https://cn.nytimes.com/world/2023/between/",
        html=body(when="2023-10-06 20:00:00"),
    )  # fmt: skip


def remove_one(seeds: Path) -> None:
    (seeds / "item06.txt").unlink()


def remove_a_newer_one(seeds: Path) -> None:
    """(After remove_one, in a run of builds: no entry is made, only where they are moves.)"""
    (seeds / "item10.txt").unlink()


def move_oldest_to_the_top(seeds: Path) -> None:
    item(seeds, 0, day=28)


def swap_two(seeds: Path) -> None:
    item(seeds, 4, day=9)
    item(seeds, 8, day=5)


CHANGES = [
    change_text,
    change_newest,
    change_oldest,
    add_one_between,
    remove_one,
    remove_a_newer_one,
    move_oldest_to_the_top,
    swap_two,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__.replace("_", "-") for change in CHANGES])
def test_after_a_change_the_build_copies_the_rest_and_writes_what_a_build_from_nothing_writes(
    project, capsys, monkeypatch, change
):
    build(capsys)
    change(project / "seeds")
    asked = fetched_from_cache(monkeypatch)
    warnings = build(capsys)
    assert asked == []  # every unchanged entry came from the published files
    expected, expected_warnings = from_nothing(project, capsys)
    for name in OUTPUTS:
        assert (project / "dist" / name).read_bytes() == expected[name], name
    for name in OUTPUTS[::2]:
        assert gzip.decompress((project / "dist" / f"{name}.gz").read_bytes()) == expected[name], name
    assert warnings == expected_warnings
    assert any("seeds/item03.txt: in atom.xml: " in line and "[BadCharacters]" in line for line in warnings)


def test_warnings_name_a_renamed_item_file_by_its_name_now(project, capsys):
    """A renamed item file holds the same item: its entries are not made again, but the
    warnings name the file as it is called now."""
    build(capsys)
    (project / "seeds" / "item03.txt").rename(project / "seeds" / "renamed.txt")
    warnings = build(capsys)
    assert any(line.startswith("warning: seeds/renamed.txt: in atom.xml: ") for line in warnings), warnings
    assert not any("item03.txt" in line for line in warnings), warnings


def test_a_run_of_builds_keeps_writing_what_a_build_from_nothing_writes(project, capsys):
    """Each build copies from outputs that were themselves partly copied. Items 3 and 9 are
    never changed: every build names them, and them alone, in its warnings."""
    first = build(capsys)
    assert {line.split(": in ")[0] for line in first} == {
        "warning: seeds/item03.txt",
        "warning: seeds/item09.txt",
    }
    for change in CHANGES:
        change(project / "seeds")
        assert build(capsys) == first, change.__name__
    expected, expected_warnings = from_nothing(project, capsys)
    assert {name: (project / "dist" / name).read_bytes() for name in OUTPUTS} == expected
    assert first == expected_warnings


def plant(path: Path, old: bytes, new: bytes) -> None:
    """Edit a published file in place (where `old` last appears), keeping its size and its
    times, as a careless tool (or a disk) might: nothing on the outside says it changed."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    assert data.count(old) >= 1, old
    with path.open("r+b") as out:
        out.seek(data.rindex(old))
        out.write(new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


PLANTED = ["atom.xml", "atom.xml.gz", "feed.json", "feed.json separator", "index.html.gz"]


@pytest.mark.parametrize(
    "where", PLANTED, ids=[where.replace(".", "-").replace(" ", "-") for where in PLANTED]
)
def test_bytes_planted_in_a_published_file_are_never_published_again(project, capsys, where):
    """Entries are copied from the published files only as they were written and checked: an
    entry whose bytes changed since (whatever the file's size and times say) is made again."""
    build(capsys)
    published = project / "dist" / where.split()[0]
    data = published.read_bytes()
    if where.endswith(".gz"):  # a byte of the compressed stream, in the middle of the entries
        at = len(data) // 2
        planted = (data[at : at + 1], bytes([data[at] ^ 0x55]))
        plant(published, data[: at + 1], data[:at] + planted[1])
    elif where == "atom.xml":  # no longer well-formed XML
        plant(published, "<title>标题7</title>".encode(), "<title>标题7</titlX>".encode())
    elif where == "feed.json separator":  # between the oldest two items: no longer JSON
        plant(published, b"    },\n    {", b"    } \n    {")
    else:  # a JSON Feed item whose id is no longer the one the other entries do not share
        plant(
            published,
            b'"id": "https://cn.nytimes.com/world/2023/item-7/"',
            b'"id": "https://cn.nytimes.com/world/2023/item-8/"',
        )
    change_text(project / "seeds")
    build(capsys)
    expected, _ = from_nothing(project, capsys)
    for name in OUTPUTS:
        assert (project / "dist" / name).read_bytes() == expected[name], name
