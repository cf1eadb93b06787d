"""What the README promises about rebuilding, each shown the way a user would notice it: the
up-to-date check notices deleted and edited outputs, the cache never serves items cleaned with
other settings, and publishing replaces files (a reader holding the old file keeps it whole)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from items import FEEDX_FOOTER, SEEDS, body, write_config, write_item

from feedtool.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["build", *args]) == 0
    return capsys.readouterr().err


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml", "feed.json", "index.html"])
def test_a_deleted_output_is_written_again(project: Path, capsys, name: str) -> None:
    write_config(project)
    build(capsys)
    first = (project / "dist" / name).read_bytes()
    (project / "dist" / name).unlink()
    err = build(capsys)
    assert "up to date" not in err
    assert (project / "dist" / name).read_bytes() == first


def test_an_edited_output_is_written_again(project: Path, capsys) -> None:
    write_config(project)
    build(capsys)
    atom = project / "dist" / "atom.xml"
    first = atom.read_bytes()
    atom.write_bytes(first.replace(b"<title>", b"<title>edited ", 1))
    build(capsys)
    assert atom.read_bytes() == first


def test_an_untouched_build_is_up_to_date(project: Path, capsys) -> None:
    write_config(project)
    build(capsys)
    assert "already up to date" in build(capsys)


@pytest.mark.parametrize(
    ("setting", "flipped"),
    [
        ("[clean]\nunwrap_image_proxy = true\n", "[clean]\nunwrap_image_proxy = false\n"),
        ("[clean]\nbuiltin_footer_rules = true\n", "[clean]\nbuiltin_footer_rules = false\n"),
        ('[read]\ntimezone = "UTC"\n', '[read]\ntimezone = "America/New_York"\n'),
    ],
    ids=["unwrap_image_proxy", "builtin_footer_rules", "timezone"],
)
def test_the_cache_never_serves_items_cleaned_with_other_settings(
    project: Path, capsys, setting: str, flipped: str
) -> None:
    # Built warm with one setting and then with the other, the feeds are what a cold build
    # with the second setting writes, and not what the first wrote.
    write_item(project / "seeds", "zz_footer.txt", captured_ms=1800000000000,
               url="https://example.com/world/footer/", html=body(footer=FEEDX_FOOTER))  # fmt: skip
    config = write_config(project)
    # No per-site zone, so [read] timezone decides the items' times.
    text = config.read_text(encoding="utf-8").split("[read.timezones]")[0]
    config.write_text(text + setting, encoding="utf-8")
    build(capsys)
    first = (project / "dist" / "atom.xml").read_bytes()
    config.write_text(text + flipped, encoding="utf-8")
    build(capsys)
    warm = (project / "dist" / "atom.xml").read_bytes()
    assert warm != first
    shutil.rmtree(project / ".feedtool-cache")
    build(capsys, "--out", "cold")
    assert warm == (project / "cold" / "atom.xml").read_bytes()


def test_a_reader_holding_the_old_file_keeps_reading_it_whole(project: Path, capsys) -> None:
    # Publishing replaces files by renaming: what a reader (a server answering, a feed
    # reader mid-download) already opened stays the old bytes, never a mix or an empty file.
    write_config(project)
    build(capsys)
    atom = project / "dist" / "atom.xml"
    old = atom.read_bytes()
    old_inode = atom.stat().st_ino
    with atom.open("rb") as held:
        write_item(project / "seeds", "zz_new.txt", captured_ms=1800000000000,
                   url="https://example.com/world/new/", html=body(when="2026-01-01 08:00:00"))  # fmt: skip
        build(capsys)
        assert held.read() == old
    new = atom.read_bytes()
    assert new != old and b"https://example.com/world/new/" in new
    assert atom.stat().st_ino != old_inode
