"""The pre-commit hook as a user meets it: `pre-commit try-repo` installs feedtool from this
repository into its own environment and runs the hook on a project's committed files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOOD_ATOM = (
    '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    "<id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id><title>t</title>"
    "<updated>2024-01-01T00:00:00Z</updated><author><name>a</name></author></feed>\n"
)
BAD_RSS = '<rss version="2.0"><channel><title>t</title></channel></rss>\n'
BAD_JSON = '{"version": "https://jsonfeed.org/version/1.1", "items": []}\n'

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not (REPO / ".git").exists(), reason="the checkout is not a git repository"),
]


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder, check=True, capture_output=True,
    )  # fmt: skip


def try_repo(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "feedtool-validate", "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_the_hook_fails_on_bad_feeds_and_passes_on_good_ones(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "good.xml").write_text(GOOD_ATOM, encoding="utf-8")
    (project / "bad.rss").write_text(BAD_RSS, encoding="utf-8")
    (project / "feed.json").write_text(BAD_JSON, encoding="utf-8")
    (project / "notes.md").write_text("<rss>not a feed</rss>\n", encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "feeds")
    home = tmp_path / "pre-commit-home"

    failed = try_repo(project, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "bad.rss:1: error:" in failed.stdout and "[MissingLink]" in failed.stdout
    assert "feed.json" in failed.stdout and "error" in failed.stdout
    assert "notes.md" not in failed.stdout  # not a feed file: the hook is not given it
    assert "good.xml: error" not in failed.stdout

    git(project, "rm", "-q", "bad.rss", "feed.json")
    git(project, "commit", "-q", "-m", "only the good feed")
    passed = try_repo(project, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "validate feeds" in passed.stdout and "Passed" in passed.stdout
