"""The build's cache when it cannot be used: a full disk, a read-only folder, a file in its place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from items import SEEDS, write_config

from feedtool.cli import main


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build_with_cache_on_a_file_system(project: Path, options: str, fill: bool) -> subprocess.CompletedProcess:
    """`feedtool build` with its cache folder on a small file system of its own (a tmpfs
    mounted in a private mount namespace, gone when the build ends)."""
    cache = project / "cache"
    cache.mkdir()
    filling = 'dd if=/dev/zero of="$1/filler" bs=4k count=64 2>/dev/null; ' if fill else ""
    script = (
        f'mount -t tmpfs -o {options} tmpfs "$1" || exit 99; '
        f'{filling}exec "$2" -m feedtool build --cache-dir "$1"'
    )
    namespace = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        namespace.append("--map-root-user")
    probe = subprocess.run([*namespace, "true"], capture_output=True, check=False)
    if probe.returncode != 0 or not shutil.which("unshare"):
        pytest.skip(f"cannot mount a small file system here (unshare: {probe.stderr.decode().strip()})")
    result = subprocess.run(
        [*namespace, "sh", "-c", script, "sh", str(cache), sys.executable],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(os.environ),  # PYTHONPATH: the checkout (conftest)
        check=False,
    )
    assert result.returncode != 99, result.stderr
    return result


def assert_built_without_the_cache(project: Path, returncode: int, err: str) -> None:
    assert returncode == 0, err
    assert "Traceback" not in err and "RecursionError" not in err
    lines = [line for line in err.splitlines() if "cache" in line and "from cache" not in line]
    assert len(lines) == 1, err
    assert lines[0].startswith("warning: ") and lines[0].count("warning") == 1
    assert "cannot use the cache" in lines[0] and "building without it" in lines[0]
    assert (project / "dist" / "atom.xml").read_text("utf-8").count("<entry>") == 2


def test_a_cache_on_a_full_disk_is_one_warning_and_the_build_goes_on(project):
    result = build_with_cache_on_a_file_system(project, "size=16k", fill=True)
    assert_built_without_the_cache(project, result.returncode, result.stderr)
    assert "full" in result.stderr


def test_a_cache_on_a_read_only_file_system_is_one_warning_and_the_build_goes_on(project):
    result = build_with_cache_on_a_file_system(project, "ro", fill=False)
    assert_built_without_the_cache(project, result.returncode, result.stderr)


def test_a_file_where_the_cache_folder_should_be_is_one_warning(project, capsys):
    (project / "not-a-folder").write_text("mine\n", encoding="utf-8")
    code = main(["build", "--cache-dir", "not-a-folder"])
    assert_built_without_the_cache(project, code, capsys.readouterr().err)
    assert (project / "not-a-folder").read_text("utf-8") == "mine\n"


def test_a_damaged_cache_is_rebuilt_silently(project, capsys):
    cache = project / ".feedtool-cache"
    cache.mkdir()
    (cache / "items.sqlite").write_bytes(b"not a database at all" * 100)
    assert main(["build"]) == 0
    assert "cache" not in capsys.readouterr().err.replace("from cache", "")
    assert main(["build"]) == 0
    assert "already up to date" in capsys.readouterr().err
