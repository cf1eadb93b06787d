"""`feedtool build` end to end: outputs, determinism, the cache, --check, and bad input."""

from __future__ import annotations

import dataclasses
import gzip
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from items import FEEDX_FOOTER, SEEDS, body, write_config, write_item
from lxml import etree

from feedtool.cli import main


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder like the repository: feedtool.toml, seeds/ (the shipped seeds), dist/."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def built(project: Path, capsys) -> dict[str, tuple[bytes, int]]:
    assert main(["build"]) == 0, capsys.readouterr().err
    return snapshot(project / "dist")


def test_build_writes_every_output(project, capsys):
    outputs = built(project, capsys)
    names = ["atom.xml", "feed.json", "index.html", "rss.xml"]
    assert sorted(outputs) == sorted(names + [f"{name}.gz" for name in names])
    for name in names:  # gzip twins for web servers that serve them as they are
        packed = outputs[f"{name}.gz"][0]
        assert gzip.decompress(packed) == outputs[name][0]
        assert packed[4:8] == b"\0\0\0\0"  # no time in the header: the bytes follow the content
    err = capsys.readouterr().err
    assert "2 items -> dist/" in err
    assert "cleaning items [" not in err  # the progress bar is for terminals only


def test_building_twice_gives_byte_identical_files_and_keeps_them_untouched(project, capsys):
    first = built(project, capsys)
    shutil.rmtree(project / ".feedtool-cache")
    assert main(["build", "--out", "again"]) == 0
    assert {n: b for n, (b, _) in snapshot(project / "again").items()} == {
        n: b for n, (b, _) in first.items()
    }
    assert main(["build"]) == 0
    assert snapshot(project / "dist") == first  # same bytes, same mtimes: nothing was rewritten


def test_warm_build_parses_nothing_and_one_changed_file_parses_one(project, capsys):
    built(project, capsys)
    capsys.readouterr()
    assert main(["build"]) == 0
    assert "already up to date (0 parsed, 2 from cache)" in capsys.readouterr().err
    write_item(
        project / "seeds",
        "zz.txt",
        captured_ms=1700000000000,
        url="https://cn.nytimes.com/world/2023/new/",
        html=body(when="2023-11-01 08:00:00"),
    )
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "3 items" in err and "(1 parsed, 2 from cache)" in err


def test_check_passes_when_current_and_fails_when_not(project, capsys):
    built(project, capsys)
    assert main(["build", "--check"]) == 0
    atom = project / "dist" / "atom.xml"
    atom.write_text(atom.read_text("utf-8").replace("普京", "X"), encoding="utf-8")
    before = snapshot(project / "dist")
    capsys.readouterr()
    assert main(["build", "--check"]) == 1
    assert "dist/atom.xml: differs from what feedtool builds now" in capsys.readouterr().err
    assert snapshot(project / "dist") == before


def test_limit_keeps_the_newest_items_and_parses_only_those(project, capsys):
    assert main(["build", "--limit", "1"]) == 0
    atom = (project / "dist" / "atom.xml").read_text("utf-8")
    assert atom.count("<entry>") == 1
    assert "putin-kim-russia-north-korea" in atom  # 2023-09-14, the newer seed
    assert "(1 parsed, 0 from cache)" in capsys.readouterr().err


BAD_FILES = {
    "header": ("<!--x-->\n[t](https://e.com/a)\n---\n" + body(), ":1: first line must be <!--EPOCH_MS-->"),
    "title": ("<!--1-->\n[t] https://e.com/a\n---\n" + body(), ":2: title line must look like"),
    "empty": ("<!--1-->\n[t](https://e.com/a)\n---\n\n", ":4: the HTML body is empty"),
    "time": (
        "<!--1-->\n[t](https://e.com/a)\n---\n" + body(when="9999-99-99"),
        ':4: <time datetime="9999-99-99">',
    ),
    "no-time": ("<!--1-->\n[t](https://e.com/a)\n---\n<p>正文</p>", ':4: no <time datetime="…">'),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_fails_the_build_and_leaves_dist_untouched(project, capsys, case):
    before = built(project, capsys)
    text, message = BAD_FILES[case]
    (project / "seeds" / "bad.txt").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert f"seeds/bad.txt{message}" in err
    assert "dist was left as it was" in err
    assert snapshot(project / "dist") == before


def test_non_utf8_body_fails_with_its_line(project, capsys):
    before = built(project, capsys)
    (project / "seeds" / "gbk.txt").write_bytes(
        b"<!--1-->\n[t](https://e.com/a)\n---\n" + body().encode("utf-8")[:40] + "\n中文".encode("gbk")
    )
    capsys.readouterr()
    assert main(["build"]) == 1
    assert "seeds/gbk.txt:5: not UTF-8" in capsys.readouterr().err
    assert snapshot(project / "dist") == before


def test_keep_going_builds_the_rest_and_lists_what_it_skipped(project, capsys):
    (project / "seeds" / "bad.txt").write_text("no header\n", encoding="utf-8")
    assert main(["build", "--keep-going"]) == 1
    err = capsys.readouterr().err
    assert "skipped: seeds/bad.txt:1: first line must be" in err
    assert (project / "dist" / "atom.xml").read_text("utf-8").count("<entry>") == 2


def test_same_article_twice_is_reported_and_the_later_capture_is_kept(project, capsys):
    url = "https://cn.nytimes.com/world/20230914/twice/"
    write_item(
        project / "seeds",
        "a.txt",
        captured_ms=1694675222000,
        title="旧标题",
        url=url,
        html=body(when="2023-09-14 10:00:00"),
    )
    write_item(
        project / "seeds",
        "b.txt",
        captured_ms=1694675999000,
        title="新标题",
        url=url,
        html=body(when="2023-09-14 10:00:00"),
    )
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert (
        f"seeds/a.txt:2: same article as seeds/b.txt ({url}); keeping seeds/b.txt, the copy captured last\n"
        in err
    )
    assert not (project / "dist").exists()
    assert main(["build", "--keep-going"]) == 1
    atom = (project / "dist" / "atom.xml").read_text("utf-8")
    assert "新标题" in atom and "旧标题" not in atom


def test_same_article_captured_at_the_same_time_keeps_the_first_file_name(project, capsys):
    url = "https://cn.nytimes.com/world/20230914/tie/"
    for name, title in (("b.txt", "后一个文件"), ("a.txt", "前一个文件")):
        write_item(project / "seeds", name, title=title, url=url, html=body(when="2023-09-14 10:00:00"))
    assert main(["build", "--keep-going"]) == 1
    kept = "keeping seeds/a.txt, the first by name"
    assert f"skipped: seeds/b.txt:2: same article as seeds/a.txt ({url}); {kept}\n" in capsys.readouterr().err
    atom = (project / "dist" / "atom.xml").read_text("utf-8")
    assert "前一个文件" in atom and "后一个文件" not in atom


def test_publication_after_capture_is_a_warning_naming_the_file(project, capsys):
    write_item(
        project / "seeds",
        "late.txt",
        captured_ms=1694675222000,  # 2023-09-14 07:07 UTC
        url="https://cn.nytimes.com/world/20230915/late/",
        html=body(when="2023-09-15 09:00:00"),
    )
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "warning: seeds/late.txt: published 2023-09-15T09:00:00+08:00 is after it was captured" in err


def test_aggregator_footer_never_reaches_the_feeds(project, capsys):
    write_item(
        project / "seeds",
        "ad.txt",
        url="https://cn.nytimes.com/world/x/ad/",
        html=body(footer=FEEDX_FOOTER, when="2023-09-14 12:00:00"),
    )
    assert main(["build"]) == 0
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert "获取更多RSS" not in (project / "dist" / name).read_text("utf-8")


def test_an_invalid_item_planted_in_the_cache_is_never_published(project, capsys):
    """Entries come from the cache, checked once when rendered: the guarantee that a published
    feed has no error must not depend on the cache holding only good items."""
    before = built(project, capsys)
    database = sqlite3.connect(project / ".feedtool-cache" / "items.sqlite")
    with database:
        for key, blob in database.execute("select key, item from items").fetchall():
            outcome = pickle.loads(blob)
            planted = dataclasses.replace(outcome, item=dataclasses.replace(outcome.item, id="not a uri"))
            database.execute("update items set item = ? where key = ?", (pickle.dumps(planted), key))
    database.close()
    capsys.readouterr()
    # Served somewhere else, the same items are rendered and checked again from the cache.
    assert main(["build", "--base-url", "https://feeds.example.org/"]) == 1
    err = capsys.readouterr().err
    assert "do not validate" in err and "dist was left as it was" in err
    seed = sorted(p.name for p in (project / "seeds").glob("*.txt"))[0]
    assert f"seeds/{seed}: in atom.xml:" in err
    assert snapshot(project / "dist") == before


def test_a_published_file_changed_by_hand_is_rewritten_even_when_no_item_changed(project, capsys):
    before = built(project, capsys)
    (project / "dist" / "atom.xml").write_bytes(b"<feed/>\n")  # edited in place
    seed = sorted((project / "seeds").glob("*.txt"))[0]
    os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 10**9))
    capsys.readouterr()
    assert main(["build"]) == 0
    assert "wrote atom.xml (" in capsys.readouterr().err
    after = snapshot(project / "dist")
    assert after["atom.xml"][0] == before["atom.xml"][0]
    assert {name: files for name, files in after.items() if name != "atom.xml"} == {
        name: files for name, files in before.items() if name != "atom.xml"
    }  # the others are the published files themselves: bytes and times kept


def test_an_invalid_entry_planted_in_the_rendered_cache_is_checked_and_never_published(project, capsys):
    """What the validator found in an entry is kept by the entry's exact bytes: an entry in the
    cache whose bytes are not the ones that were checked is checked again. The planted error is
    inside the article text, which the feed-level check leaves out, so only the entry check
    can catch it: the guarantee is the one validating the whole file gives."""
    before = built(project, capsys)
    database = sqlite3.connect(project / ".feedtool-cache" / "items.sqlite")
    with database:
        rows = database.execute("select key, row from rendered").fetchall()
        assert len(rows) == 2
        for key, row in rows:
            pieces = pickle.loads(row)
            atom = pieces["atom.xml"]
            assert atom.count(b'<content type="html">') == 1
            planted = atom.replace(b'<content type="html">', b'<content type="html"><b>planted</b>')
            pieces["atom.xml"] = planted
            database.execute("update rendered set row = ? where key = ?", (pickle.dumps(pieces), key))
    database.close()
    # An older article arrives, and the feeds go to a new folder: the two planted entries come
    # from the cache (into dist/, they would be copied from the published files).
    write_item(
        project / "seeds", "older.txt", url="https://cn.nytimes.com/world/20230101/older/",
        html=body(when="2023-01-01 08:00:00"),
    )  # fmt: skip
    capsys.readouterr()
    assert main(["build", "--out", "elsewhere"]) == 1
    err = capsys.readouterr().err
    assert "do not validate" in err and "elsewhere was left as it was" in err
    assert "in atom.xml: " in err and "[UndefinedElement]" in err
    assert not (project / "elsewhere").exists()
    assert snapshot(project / "dist") == before


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[feed]\ntitel = "x"\n', "unknown key 'titel' in [feed]"),
        ("[feedz]\n", "unknown section [feedz]"),
        ("[feeds]\n", "feeds must be one or more [[feeds]] tables"),
        ("[feed]\nlimit = -1\n", "feed.limit must be 0 (all items) or a positive number"),
        ('[feed]\nbase_url = "https://e.com/feeds"\n', "feed.base_url must end with '/'"),
        ('[read]\ntimezone = "Mars/Olympus"\n', "read.timezone: unknown time zone 'Mars/Olympus'"),
        ('[[clean.footer_rules]]\npattern = "(["\n', "clean.footer_rules[1].pattern is not a valid regular"),
        ("[feed\n", "feedtool.toml:1:6: Expected ']' at the end of a table declaration\n"),
        ('[feed]\ntitle = "x"\nlimit = 5 5\n', "feedtool.toml:3:11: Expected newline or end of document"),
        ('[feed]\ntitle = "a\\u0001b"\n', "feed.title holds U+0001, a character no feed (no XML) can carry"),
        ('[feed]\nauthor = "x\\ufffe"\n', "feed.author holds U+FFFE"),
    ],
)
def test_bad_config_is_a_usage_error_naming_the_key(tmp_path, monkeypatch, capsys, config, message):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "feedtool.toml").write_text(config, encoding="utf-8")
    assert main(["build"]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()


def test_flags_override_the_config(project, capsys):
    assert main(["build", "--base-url", "https://example.org/f/", "--out", "elsewhere", "--limit", "0"]) == 0
    atom = (project / "elsewhere" / "atom.xml").read_text("utf-8")
    assert 'href="https://example.org/f/atom.xml" rel="self"' in atom
    assert not (project / "dist").exists()


def test_missing_seeds_folder_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--seeds", "nowhere"]) == 2
    assert "nowhere: no such folder of item files" in capsys.readouterr().err


def test_unreadable_seeds_folder_is_a_usage_error_naming_it(project, capsys, monkeypatch):
    # Root reads any folder, so the refusal is simulated where the folder is listed.
    listing = os.scandir

    def refuse_seeds(folder):
        if Path(folder).name == "seeds":
            raise PermissionError(13, "Permission denied", str(folder))
        return listing(folder)

    monkeypatch.setattr(os, "scandir", refuse_seeds)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "seeds" in err and "Permission denied" in err
    assert not (project / "dist").exists()


@pytest.mark.slow
def test_a_large_build_uses_worker_processes_and_gives_the_same_bytes(project, capsys, monkeypatch):
    """From 64 items up (README), parsing, rendering and validating run in other
    processes; the output must not depend on that."""
    import concurrent.futures

    tasks: list[str] = []

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            tasks.append(getattr(fn, "__name__", type(fn).__name__))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountingPool)
    for n in range(70):
        write_item(
            project / "seeds", f"gen{n:03d}.txt", captured_ms=1700000000000 + n,
            url=f"https://cn.nytimes.com/world/2023/n{n}/",
            html=body(when=f"2023-10-{1 + n // 24:02d} {n % 24:02d}:00:00", footer=FEEDX_FOOTER),
        )  # fmt: skip
    assert main(["build", "--limit", "0", "--jobs", "2", "--out", "parallel"]) == 0
    assert [task for task in tasks if task != "int"], "no work went to the worker processes"
    assert main(["build", "--limit", "0", "--jobs", "1", "--out", "serial", "--cache-dir", "c1"]) == 0
    parallel, serial = snapshot(project / "parallel"), snapshot(project / "serial")
    assert {n: b for n, (b, _) in parallel.items()} == {n: b for n, (b, _) in serial.items()}
    assert parallel["atom.xml"][0].count(b"<entry>") == 72  # and the two of the project's seeds


def test_keep_going_with_every_file_bad_still_says_what_is_wrong_with_each(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("no header\n", encoding="utf-8")
    (tmp_path / "seeds" / "b.txt").write_text("<!--1-->\n[t](https://e.com/b)\n---\n\n", encoding="utf-8")
    assert main(["build", "--keep-going"]) == 1
    err = capsys.readouterr().err
    assert "seeds/a.txt:1: first line must be" in err
    assert "seeds/b.txt:4: the HTML body is empty" in err
    assert "no items to build a feed from" in err
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    "extra",
    [
        "<p>a&#1;b</p>",
        "<p>&#xFFFE;</p>",
        '<img src="https://images.weserv.nl/?url=example.com/a%03.jpg">',
    ],
    ids=["entity-1", "entity-fffe", "percent-03-in-proxy"],
)
def test_characters_xml_cannot_carry_do_not_break_the_build(project, capsys, extra):
    html = body(paragraphs=(), extra=extra)  # the article is exactly the fragment
    write_item(project / "seeds", "x.txt", url="https://cn.nytimes.com/world/x/", html=html)
    assert main(["build"]) == 0, capsys.readouterr().err
    for name in ("atom.xml", "rss.xml"):
        feed = etree.parse(project / "dist" / name)  # well-formed XML, or this raises
        assert len(feed.getroot().xpath("//*[local-name()='entry' or local-name()='item']")) == 3


# Items the reader used to accept that no valid feed can carry; each blocked every build.
UNCARRIABLE = {
    "math-host.txt": (
        ":2: the link 'https://cn<math>.nytimes.com/world/20230914/a/'",
        "https://cn<math>.nytimes.com/world/20230914/a/",
        body(),
    ),
    "year-0023.txt": (
        ':5: <time datetime="0023-09-14 02:49:21"> is before 1900',
        "https://cn.nytimes.com/world/20230914/old/",
        body(when="0023-09-14 02:49:21"),
    ),
    "empty.txt": (
        ": nothing is left of the body after sanitizing",
        "https://cn.nytimes.com/world/20230914/empty/",
        '<script><time datetime="2023-09-14 02:49:21"></script>',
    ),
}


def test_items_no_feed_can_carry_are_named_and_keep_going_publishes_the_rest(project, capsys):
    for name, (_, url, html) in UNCARRIABLE.items():
        write_item(project / "seeds", name, url=url, html=html)
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    # The header and the time are judged before any body is parsed.
    for name in ("math-host.txt", "year-0023.txt"):
        assert f"seeds/{name}{UNCARRIABLE[name][0]}" in err
    assert not (project / "dist").exists()
    assert main(["build", "--keep-going"]) == 1
    err = capsys.readouterr().err
    for name, (message, _, _) in UNCARRIABLE.items():
        assert f"skipped: seeds/{name}{message}" in err
    atom = (project / "dist" / "atom.xml").read_text("utf-8")
    assert atom.count("<entry>") == 2
    assert "cn.nytimes.com/asia-pacific/20230914/putin-kim-russia-north-korea/" in atom


def test_quiet_says_nothing_unless_something_is_wrong(project, capsys):
    write_item(
        project / "seeds",
        "late.txt",
        url="https://cn.nytimes.com/world/20230915/late/",
        html=body(when="2023-09-15 09:00:00"),  # after its capture: a warning
    )
    assert main(["build", "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert (project / "dist" / "atom.xml").is_file()
    (project / "seeds" / "bad.txt").write_text("no header\n", encoding="utf-8")
    assert main(["build", "-q"]) == 1
    assert "seeds/bad.txt:1: first line must be" in capsys.readouterr().err


def test_verbose_lists_the_items_in_the_feeds_newest_first(project, capsys):
    assert main(["build", "-v"]) == 0
    lines = capsys.readouterr().err.splitlines()
    listed = lines[lines.index(next(line for line in lines if "2 items -> dist/" in line)) + 1 :]
    assert listed == [
        "  2023-09-14T02:49:21+08:00  seeds/000_cf4f5c09dd1c36ac.txt  "
        + "普京与金正恩会面，患难时刻俄朝“拥抱”彼此",
        "  2023-07-26T10:23:22+08:00  seeds/004_2c39e4b47df88e38.txt  "
        + (SEEDS / "004_2c39e4b47df88e38.txt").read_text("utf-8").split("\n")[1][1:].rsplit("](", 1)[0],
    ]


def test_a_second_build_in_a_new_process_reads_nothing(project):
    # The build's signature must not depend on anything that differs between processes
    # (set order, which follows string hashing: a new seed each run).
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(
            subprocess.run(
                [sys.executable, "-m", "feedtool", "build"], env=env, capture_output=True, text=True
            )
        )
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert "already up to date (0 parsed, 2 from cache)" in runs[1].stderr, runs[1].stderr


def test_validator_findings_name_the_item_file_say_warning_once_and_match_the_whole_feed(project, capsys):
    for n in range(3):  # a title that reads as HTML: feeds carry it, validators warn about it
        write_item(
            project / "seeds", f"same{n}.txt", url=f"https://cn.nytimes.com/world/20230914/same-{n}/",
            html=body(when=f"2023-09-14 10:0{n}:00"), title=f"标题 <b>{n}</b>",
        )  # fmt: skip
    assert main(["build"]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")]
    assert lines, "expected the validator's warnings"
    for line in lines:
        assert line.count("warning") == 1, line
        assert line.startswith("warning: seeds/same"), line  # the item file, not a line of a staged feed
    # Checked entry by entry and then feed-wide, the build finds what validating the whole
    # published file finds.
    from feedtool.validate import validate_path

    for name in ("atom.xml", "rss.xml", "feed.json"):
        report = validate_path(project / "dist" / name, base=f"http://127.0.0.1:8000/{name}")
        whole = {(p.code, p.message) for p in report.problems if p.severity in ("error", "warning")}
        built_here = {
            (line.rsplit("[", 1)[1].rstrip("]"), line.split(f"in {name}: ", 1)[1].rsplit(" [", 1)[0])
            for line in lines
            if f"in {name}: " in line
        }
        assert built_here == whole, name


def test_a_build_after_one_file_changed_reads_only_that_file(project, capsys, monkeypatch):
    import feedtool.read

    assert main(["build"]) == 0, capsys.readouterr().err
    write_item(project / "seeds", "new.txt", url="https://cn.nytimes.com/world/20230914/new/")
    read: list[str] = []
    scan = feedtool.read.scan_item

    def counted(path, data, zone_for):
        read.append(Path(path).name)
        return scan(path, data, zone_for)

    monkeypatch.setattr(feedtool.read, "scan_item", counted)
    assert main(["build"]) == 0, capsys.readouterr().err
    assert read == ["new.txt"]
    read.clear()
    assert main(["build"]) == 0, capsys.readouterr().err
    assert read == []
