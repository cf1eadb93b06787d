"""The command line as a whole: every subcommand explains itself, and both entry points work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedtool import __version__
from feedtool.cli import SUBCOMMANDS, main, make_parser


def test_every_subcommand_has_help_with_a_real_example(capsys):
    names = [module.__name__.rsplit(".", 1)[1] for module in SUBCOMMANDS]
    assert names == ["build", "validate", "serve"]
    for name in names:
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        assert f"feedtool {name}" in text.split("examples:")[1], f"{name} --help shows no example"
    top = make_parser().format_help()
    assert all(name in top for name in names)


def test_python_dash_m_and_version():
    done = subprocess.run([sys.executable, "-m", "feedtool", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.strip() == f"feedtool {__version__}"


def test_unknown_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as done:
        main(["publish"])
    assert done.value.code == 2
    assert "invalid choice: 'publish'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["build", "validate", "serve"])
def test_an_unknown_flag_is_a_usage_error_named_by_its_subcommand(capsys, name):
    with pytest.raises(SystemExit) as done:
        main([name, "--frobnicate"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: feedtool {name} [-h]")
    assert err.endswith(f"feedtool {name}: error: unrecognized arguments: --frobnicate\n")


def test_validate_offers_exactly_the_report_formats_there_are():
    from feedtool.cli import validate
    from feedtool.validate.formats import FORMATS

    assert tuple(validate.FORMATS) == tuple(FORMATS)


def test_tests_and_the_processes_they_start_run_the_checkout():
    # A stale installed copy must never be what a test measures: in process and in a child
    # `python -m feedtool` alike, feedtool is this repository's feedtool/ folder.
    import feedtool

    checkout = Path(__file__).resolve().parent.parent / "feedtool" / "__init__.py"
    assert Path(feedtool.__file__).resolve() == checkout
    child = subprocess.run(
        [sys.executable, "-c", "import feedtool; print(feedtool.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    assert Path(child.stdout.strip()).resolve() == checkout


def test_dash_capital_v_prints_the_version():
    done = subprocess.run([sys.executable, "-m", "feedtool", "-V"], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, f"feedtool {__version__}")


@pytest.mark.parametrize(
    ("name", "statuses"),
    [
        ("build", ["0 built", "1 the input has errors", "2 usage, configuration or environment problem"]),
        ("validate", ["0 no errors", "1 errors found", "2 usage or I/O problem"]),
        ("serve", ["0 stopped by Ctrl-C or SIGTERM", "1 the first build failed", "2 usage, configuration"]),
    ],
)
def test_every_subcommand_help_lists_its_exit_statuses(capsys, name, statuses):
    with pytest.raises(SystemExit):
        main([name, "--help"])
    text = " ".join(capsys.readouterr().out.split())  # as one line, however argparse wraps it
    assert "exit status: " in text
    for status in statuses:
        assert status in text.split("exit status: ")[1]


def _as_users_run_it() -> dict[str, str]:
    # Python buffers stdout in a pipe unless PYTHONUNBUFFERED is set (as it may be on a build
    # machine): only buffered output can still be waiting when the reader has gone, so the
    # children here run buffered, as a user's shell runs feedtool.
    return {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--list-codes"],
        ["validate", "--explain", "NotHtml"],
        ["validate", "seeds"],
        ["validate", "--help"],
        ["build", "--help"],
        ["--version"],
    ],
    ids=" ".join,
)
def test_a_reader_that_goes_away_ends_the_command_quietly(argv: list[str]) -> None:
    # `feedtool validate --explain NotHtml | true`: the reader has left before feedtool writes
    # (its read end is closed here before the child has even started Python), and what feedtool
    # wrote is still in its buffer when it ends.
    root = Path(__file__).resolve().parent.parent
    child = subprocess.Popen(
        [sys.executable, "-m", "feedtool", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        env=_as_users_run_it(),
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    with child.stderr:
        errors = child.stderr.read().decode()
    # 141 = 128 + SIGPIPE: what a shell reports for any tool stopped by a closed pipe.
    assert (child.wait(), errors) == (141, "")


def test_head_dash_one_after_more_than_a_pipe_holds_ends_the_command_quietly(tmp_path: Path) -> None:
    # `feedtool validate feed.xml | head -1` with a report larger than the pipe (64 KiB on
    # Linux): feedtool is still writing when the reader takes its line and leaves.
    items = "".join(f"<item><title>{n}</title><pubDate>day {n}</pubDate></item>" for n in range(3000))
    feed = tmp_path / "feed.xml"
    feed.write_text(
        f'<rss version="2.0"><channel><title>t</title><link>https://example.com/</link>'
        f"<description>d</description>{items}</channel></rss>"
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "feedtool", "validate", str(feed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_as_users_run_it(),
    )
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline().decode()
    child.stdout.close()
    with child.stderr:
        errors = child.stderr.read().decode()
    assert first.startswith(f"{feed}:1:")
    assert (child.wait(), errors) == (141, "")
