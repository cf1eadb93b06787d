"""Publishing the output folder: wholly old or wholly new at every instant, whatever kills the build."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from items import SEEDS, body, write_config, write_item

import feedtool.publish
from feedtool.cli import main

NEW_URL = "https://cn.nytimes.com/world/20231101/the-new-one/"
FEEDS = ("atom.xml", "rss.xml", "feed.json", "index.html")


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def add_new_item(project: Path) -> None:
    write_item(
        project / "seeds", "new.txt", captured_ms=1700000000000, url=NEW_URL,
        html=body(when="2023-11-01 08:00:00"),
    )  # fmt: skip


def generation(folder: Path) -> str:
    """'old' or 'new' when every output agrees on whether the new item is in it; else a
    description of the mix."""
    has_new = {name: NEW_URL in (folder / name).read_text("utf-8") for name in FEEDS}
    if all(has_new.values()):
        return "new"
    if not any(has_new.values()):
        return "old"
    return f"mixed: {has_new}"


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".dist"))


def test_a_build_that_fails_while_publishing_leaves_the_folder_wholly_old(project, monkeypatch, capsys):
    assert main(["build"]) == 0
    add_new_item(project)
    calls = []
    real_replace, real_rename = os.replace, os.rename

    def fail_after_the_first(real):
        def move(*args, **kwargs):
            calls.append(args)
            if len(calls) > 1:
                raise OSError(28, "No space left on device")
            return real(*args, **kwargs)

        return move

    monkeypatch.setattr(os, "replace", fail_after_the_first(real_replace))
    monkeypatch.setattr(os, "rename", fail_after_the_first(real_rename))
    main(["build"])
    assert generation(project / "dist") in ("old", "new")


def test_publishing_swaps_the_whole_folder_and_keeps_what_did_not_change(project, capsys):
    assert main(["build"]) == 0
    dist = project / "dist"
    (dist / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    before = {name: (dist / name).stat() for name in FEEDS}
    # A new last paragraph: the feeds carry the whole article, the page only its summary.
    seed = sorted((project / "seeds").glob("*.txt"))[0]
    text = seed.read_text("utf-8")
    seed.write_text(text.replace("</section>", "<p>补充的最后一段。</p></section>", 1), "utf-8")
    assert main(["build"]) == 0
    after = {name: (dist / name).stat() for name in FEEDS}
    assert after["atom.xml"].st_mtime_ns != before["atom.xml"].st_mtime_ns
    assert "补充的最后一段" in (dist / "atom.xml").read_text("utf-8")
    page_before, page_after = before["index.html"], after["index.html"]
    assert (page_after.st_ino, page_after.st_mtime_ns) == (page_before.st_ino, page_before.st_mtime_ns)
    assert (dist / "robots.txt").read_text("utf-8") == "User-agent: *\n"
    assert leftovers(project) == []


def test_staging_folders_of_killed_builds_are_removed_but_not_a_running_builds(project, capsys):
    killed = project / ".dist.k1ll3d"
    (killed / "deep").mkdir(parents=True)
    (killed / "deep" / "atom.xml").write_bytes(b"x" * 1000)
    running = project / ".dist.runn1ng"
    running.mkdir()
    handle = os.open(running, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        assert main(["build"]) == 0
        assert leftovers(project) == [".dist.runn1ng"]
    finally:
        os.close(handle)
    add_new_item(project)
    assert main(["build"]) == 0
    assert leftovers(project) == []


def test_without_the_exchange_call_a_build_killed_between_renames_is_finished_by_the_next(
    project, monkeypatch, capsys
):
    assert main(["build"]) == 0
    add_new_item(project)
    monkeypatch.setattr(feedtool.publish, "_renameat2", lambda: None)
    real_rename = os.rename

    class Killed(BaseException):
        pass

    def rename(source, destination):
        real_rename(source, destination)
        if Path(destination).name == "dist" or Path(source).name == "dist":
            raise Killed  # dies right after the first rename of the swap

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(Killed):
        main(["build"])
    monkeypatch.setattr(os, "rename", real_rename)
    # Meanwhile a reader finds no folder, never a mix.
    assert not (project / "dist").exists() or generation(project / "dist") in ("old", "new")
    assert main(["build"]) == 0
    assert generation(project / "dist") == "new"
    assert leftovers(project) == []


def test_without_the_exchange_call_publishing_still_swaps_the_folder(project, monkeypatch, capsys):
    monkeypatch.setattr(feedtool.publish, "_renameat2", lambda: None)
    assert main(["build"]) == 0
    add_new_item(project)
    assert main(["build"]) == 0
    assert generation(project / "dist") == "new"
    assert leftovers(project) == []


def test_kill_9_at_any_moment_leaves_the_folder_wholly_old_or_new(project, capsys):
    for n in range(40):
        write_item(
            project / "seeds", f"more{n:02d}.txt", captured_ms=1690000000000 + n,
            url=f"https://cn.nytimes.com/world/2023/more-{n}/",
            html=body(when=f"2023-07-{1 + n % 28:02d} 08:00:00"),
        )  # fmt: skip
    command = [sys.executable, "-m", "feedtool", "build", "--jobs", "1", "--cache-dir", "no-cache"]
    environment = dict(os.environ)  # PYTHONPATH: the checkout (conftest)
    assert main(["build", "--jobs", "1"]) == 0
    shutil.copytree(project / "dist", project / "old")
    add_new_item(project)
    started = time.monotonic()
    subprocess.run(command, cwd=project, env=environment, stderr=subprocess.DEVNULL, check=True)
    whole = time.monotonic() - started
    for n in range(12):
        shutil.rmtree(project / "no-cache", ignore_errors=True)
        shutil.rmtree(project / "dist")
        shutil.copytree(project / "old", project / "dist")
        process = subprocess.Popen(command, cwd=project, env=environment, stderr=subprocess.DEVNULL)
        time.sleep(whole * (0.45 + n * 0.05))  # from reading the items to the end of publishing
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = generation(project / "dist")
        assert state in ("old", "new"), f"killed after {n}: {state}"
    assert main(["build"]) == 0
    assert generation(project / "dist") == "new"
    assert leftovers(project) == []
