"""Every path the command line touches: a name too long for the system, a folder the user may
not enter, a name that is not UTF-8. Each is one line `path: reason` and exit status 2 (or,
for the cache, a warning), never a traceback; names that are not UTF-8 print in every format."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from items import REPO, SEEDS, write_config
from lxml import etree

LONG = "a" * 300  # longer than any file name Linux allows (255 bytes)
NOT_UTF8 = os.fsdecode(b"caf\xe9")  # what Python makes of the bytes "caf\xe9" in a name
NOT_UTF8_SHOWN = "caf\\xe9"
# Root enters any folder; without these two capabilities it is refused like anyone else.
AS_A_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


def feedtool(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """`feedtool ARGS` as a user who may not enter `locked/`, in a UTF-8 locale."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}  # PYTHONPATH: the checkout (conftest)
    return subprocess.run(
        [*AS_A_USER, sys.executable, "-m", "feedtool", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=timeout,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Seeds, a config and a built feed, and the same again inside `locked/` (mode 000)."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path)
    shutil.copyfile(REPO / "dist" / "atom.xml", tmp_path / "atom.xml")
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copytree(SEEDS, locked / "seeds")
    write_config(locked)
    shutil.copyfile(REPO / "dist" / "atom.xml", locked / "atom.xml")
    locked.chmod(0)
    yield tmp_path
    locked.chmod(0o755)


REFUSED = "Permission denied"
TOO_LONG = "File name too long"

# (arguments, the path the message must name, the reason it must give)
USAGE_ERRORS = [
    (["validate", f"{LONG}.xml"], f"{LONG}.xml", TOO_LONG),
    (["validate", "locked/atom.xml"], "locked/atom.xml", REFUSED),
    (["validate", "locked"], "locked", REFUSED),
    (["build", "--seeds", LONG], LONG, TOO_LONG),
    (["build", "--seeds", "locked/seeds"], "locked/seeds", REFUSED),
    (["build", "--config", f"{LONG}.toml"], f"{LONG}.toml", TOO_LONG),
    (["build", "--config", "locked/feedtool.toml"], "locked/feedtool.toml", REFUSED),
    (["build", "--source", f"{LONG}.xml"], f"{LONG}.xml", TOO_LONG),
    (["build", "--source", "locked/atom.xml"], "locked/atom.xml", REFUSED),
    (["build", "--out", LONG], LONG, TOO_LONG),
    (["build", "--out", "locked/out"], "locked/out", REFUSED),
    (["serve", "--port", "0", "--dir", LONG], LONG, TOO_LONG),
    (["serve", "--port", "0", "--dir", "locked/out"], "locked/out", REFUSED),
    (["serve", "--port", "0", "--seeds", LONG, "--dir", "out"], LONG, TOO_LONG),
    (["serve", "--port", "0", "--seeds", "locked/seeds", "--dir", "out"], "locked/seeds", REFUSED),
    (["serve", "--port", "0", "--config", f"{LONG}.toml"], f"{LONG}.toml", TOO_LONG),
    (["serve", "--port", "0", "--config", "locked/feedtool.toml"], "locked/feedtool.toml", REFUSED),
    (["serve", "--port", "0", "--dir", "out", "--seeds", "goood"], "goood", "no such folder"),
]


@pytest.mark.parametrize(
    ("args", "path", "reason"),
    USAGE_ERRORS,
    ids=[" ".join(a).replace(LONG, "LONG") for a, _, _ in USAGE_ERRORS],
)
def test_a_path_that_cannot_be_used_is_one_line_and_exit_2(project, args, path, reason):
    done = feedtool(*args, cwd=project)
    # validate reports a source it cannot read with the others, on stdout.
    err = done.stderr.decode() + done.stdout.decode()
    assert "Traceback" not in err, err
    assert done.returncode == 2, err
    lines = [line for line in err.splitlines() if path in line]
    assert len(lines) == 1, err
    assert f"{path}: " in lines[0] and reason in lines[0], err


@pytest.mark.parametrize("cache", [LONG, "locked/cache"], ids=["too-long", "locked"])
def test_a_cache_folder_that_cannot_be_used_is_a_warning_and_the_build_goes_on(project, cache):
    done = feedtool("build", "--cache-dir", cache, cwd=project)
    err = done.stderr.decode()
    assert b"Traceback" not in done.stderr, err
    assert done.returncode == 0, err
    assert [line for line in err.splitlines() if cache in line and line.startswith("warning: ")], err
    assert (project / "dist" / "atom.xml").is_file()


def test_validate_says_what_is_wrong_with_a_device_or_another_scheme(project):
    done = feedtool("validate", "/dev/null", "ftp://example.com/feed.xml", cwd=project)
    out = done.stdout.decode()
    assert done.returncode == 2
    assert "/dev/null: error: the feed could not be read: a character device, not a feed file" in out
    assert (
        "ftp://example.com/feed.xml: error: the feed could not be read: ftp: addresses are not supported"
        in out
    )
    assert "no such file" not in out


def test_validate_reads_a_pipe(project):
    # `feedtool validate <(curl -s URL)` names a pipe, not a file.
    pipe = project / "pipe"
    os.mkfifo(pipe)
    writer = subprocess.Popen(["sh", "-c", f"cat atom.xml > {pipe}"], cwd=project)
    done = feedtool("validate", "pipe", cwd=project)
    writer.wait(10)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert "1 feed checked: 0 errors" in done.stdout.decode()


@pytest.fixture
def odd_names(project: Path) -> Path:
    """A feed whose file name, and the folder around it, are not UTF-8."""
    folder = project / NOT_UTF8
    folder.mkdir()
    shutil.copyfile(project / "atom.xml", folder / f"{NOT_UTF8}.xml")
    return project


def test_names_that_are_not_utf8_print_in_every_format(odd_names):
    where = f"{NOT_UTF8_SHOWN}/{NOT_UTF8_SHOWN}.xml"
    # --ignore nothing, --select a warning the feed has, so each format has a problem to show.
    base = ["validate", "--base", "https://example.com/feeds/", NOT_UTF8]
    outputs = {}
    for fmt in ("text", "json", "junit", "github"):
        done = feedtool(*base, "--format", fmt, cwd=odd_names)
        assert b"Traceback" not in done.stderr, done.stderr.decode()
        assert done.returncode == 0, done.stderr.decode()
        outputs[fmt] = done.stdout.decode("utf-8")  # strict: every byte is UTF-8
    assert f"{where}:" in outputs["text"]
    report = json.loads(outputs["json"].splitlines()[0])
    assert report["source"] == where
    # The address keeps the name's bytes, percent-encoded as a URL carries them.
    assert report["location"] == "https://example.com/feeds/caf%E9/caf%E9.xml"
    suite = etree.fromstring(outputs["junit"].encode())
    assert [case.get("name") for case in suite.iter("testcase")] == [where]
    assert f"file={NOT_UTF8_SHOWN}/{NOT_UTF8_SHOWN}.xml" in outputs["github"]


def test_build_and_serve_use_folders_whose_names_are_not_utf8(project):
    seeds = project / f"seeds-{NOT_UTF8}"
    (project / "seeds").rename(seeds)
    done = feedtool("build", "--seeds", seeds.name, "--out", f"out-{NOT_UTF8}", cwd=project)
    assert done.returncode == 0, done.stderr.decode()
    assert f"out-{NOT_UTF8_SHOWN}/" in done.stderr.decode()
    assert (project / f"out-{NOT_UTF8}" / "atom.xml").is_file()
    again = feedtool("build", "--seeds", seeds.name, "--out", f"out-{NOT_UTF8}", cwd=project)
    assert "already up to date" in again.stderr.decode(), again.stderr.decode()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}  # PYTHONPATH: the checkout (conftest)
    server = subprocess.Popen(
        [sys.executable, "-m", "feedtool", "serve", "--port", "0", "--seeds", seeds.name,
         "--dir", f"srv-{NOT_UTF8}"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert server.stdout is not None
    first = server.stdout.readline().decode("utf-8")
    server.send_signal(signal.SIGTERM)
    _, err = server.communicate(timeout=30)
    assert first.startswith(f"Serving srv-{NOT_UTF8_SHOWN} at http://127.0.0.1:"), err.decode()
    assert server.returncode == 0, err.decode()


def readme_hook() -> tuple[str, list[str]]:
    """The `rev:` and `args:` of the README's pre-commit example, as a user copies them."""
    text = (REPO / "README.md").read_text("utf-8")
    block = text.split("```yaml\n- repo: <this repository>\n", 1)[1].split("```", 1)[0]
    rev = re.search(r"^\s*rev: (\S+)", block, re.M)
    args = re.search(r"^\s*args: \[(.*)\]", block, re.M)
    assert rev and args, block
    return rev.group(1), [a.strip().strip('"') for a in args.group(1).split(",")]


def test_the_readme_pre_commit_example_works_with_feeds_in_a_subfolder(tmp_path):
    # pre-commit runs the hook at the repository's top, naming files by their path there.
    feeds = tmp_path / "public" / "feeds"
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path, base_url="https://example.com/feeds/")
    assert feedtool("build", "--out", "public/feeds", cwd=tmp_path).returncode == 0
    _, args = readme_hook()
    done = feedtool("validate", *args, "public/feeds/atom.xml", "public/feeds/rss.xml", cwd=tmp_path)
    out = done.stdout.decode()
    assert done.returncode == 0, out
    assert "SelfDoesntMatchLocation" not in out and "2 feeds checked" in out
    # Without --root the feeds would be checked at https://example.com/feeds/public/feeds/….
    base_only = args[: args.index("--root")]
    assert "SelfDoesntMatchLocation" in feedtool("validate", *base_only, "public/feeds/atom.xml",
                                                 cwd=tmp_path).stdout.decode()  # fmt: skip
    outside = feedtool("validate", *args, "seeds/../public/feeds/atom.xml", "other.xml", cwd=tmp_path)
    assert outside.returncode == 2
    assert "other.xml is not inside --root public/feeds" in outside.stderr.decode()
    assert feeds.is_dir()


def test_the_readme_pre_commit_rev_is_a_tag_of_this_version():
    from feedtool import __version__

    rev, _ = readme_hook()
    assert rev == f"v{__version__}"
    pyproject = (REPO / "pyproject.toml").read_text("utf-8")
    assert f'\nversion = "{__version__}"\n' in pyproject
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text("utf-8")
    assert f"rev: {rev}" in hooks
