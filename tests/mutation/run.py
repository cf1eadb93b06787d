"""Mutation-test one of feedtool's core modules against the tests that exercise it.

    python tests/mutation/run.py                    # lists the modules and their tests
    python tests/mutation/run.py clean              # every mutant of clean.py
    python tests/mutation/run.py clean survivors    # only the mutants that survived last time
    python tests/mutation/run.py clean results      # what survived (mutmut results)
    python tests/mutation/run.py clean show NAME    # one mutant's change (mutmut show)
    python tests/mutation/run.py clean --max-children 1   # one mutant at a time (shared machine)

Each module gets its own mutmut folder, `.mutation/MODULE/`, whose configuration mutates that
module alone and runs only the test files listed for it below. mutmut learns, once per folder,
which of those tests reach each function (later runs only add the tests that are new), and
runs a mutant against those tests alone: a module takes minutes instead of the hours a run of
the whole suite takes. Survivors that change no behaviour are listed, with the reason, in
tests/mutation/equivalent.md; the scores are in tests/mutation/scores.md.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# module -> (files mutated, test files run against them). The tests are those that exercise
# the module's behaviour directly; a test elsewhere may kill more, so a score is a floor.
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "clean": (
        ["feedtool/clean.py"],
        ["tests/test_clean.py", "tests/test_sanitize_safety.py"],
    ),
    "read.items": (
        ["feedtool/read/items.py"],
        ["tests/test_read_items.py", "tests/test_clean.py", "tests/test_read_feeds.py"],
    ),
    "read.feeds": (
        ["feedtool/read/feeds.py"],
        [
            "tests/test_read_feeds.py",
            "tests/test_parser_hardening.py",
            "tests/test_feeds.py",
            "tests/test_carry.py",
        ],
    ),
    "read.fetch": (
        ["feedtool/read/fetch.py"],
        ["tests/test_fetch.py", "tests/test_read_feeds.py"],
    ),
    "emit": (
        ["feedtool/emit/feeds.py", "feedtool/emit/page.py"],
        [
            "tests/test_emit.py",
            "tests/test_emit_fields.py",
            "tests/test_emit_podcast.py",
            "tests/test_emit_page.py",
            "tests/test_roundtrip.py",
            "tests/test_carry.py",
            "tests/test_serve_page.py",
        ],
    ),
    "build": (
        ["feedtool/build.py", "feedtool/sources.py", "feedtool/write.py", "feedtool/publish.py"],
        [
            "tests/test_build.py",
            "tests/test_build_promises.py",
            "tests/test_cache.py",
            "tests/test_publish.py",
            "tests/test_sources.py",
            "tests/test_feeds.py",
            "tests/test_write.py",
        ],
    ),
    "serve": (
        ["feedtool/serve.py"],
        [
            "tests/test_serve_http.py",
            "tests/test_serve_headers.py",
            "tests/test_serve_cli.py",
            "tests/test_serve_rules.py",
        ],
    ),
    "validate.engine": (
        ["feedtool/validate/engine.py"],
        [
            "tests/test_validate_engine.py",
            "tests/test_validate_limits.py",
            "tests/test_parser_hardening.py",
            "tests/test_validate_safety.py",
            "tests/test_validate_fixtures.py",
        ],
    ),
}

# What the tests read from the checkout's top folder besides feedtool/ and tests/.
LINKED = [
    "seeds",
    "feedtool.toml",
    "dist",
    "README.md",
    ".pre-commit-hooks.yaml",
    "bench",
    "feedtool",
    "tests",
]


def workspace(module: str) -> Path:
    """The module's mutmut folder: links to the checkout and a pyproject.toml of its own."""
    mutated, tests = MODULES[module]
    work = ROOT / ".mutation" / module
    work.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = work / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    # The tests look for the shared corpora beside the checkout that holds them (mutants/..).
    shared = (ROOT / "shared") if (ROOT / "shared").exists() else ROOT.parent / "shared"
    if shared.exists() and not (work / "shared").is_symlink():
        (work / "shared").symlink_to(shared.resolve())
    (work / "pyproject.toml").write_text(configured(mutated, tests), encoding="utf-8")
    return work


def configured(mutated: list[str], tests: list[str]) -> str:
    """The checkout's pyproject.toml with [tool.mutmut] narrowed to one module and its tests."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = re.search(r"^\[tool\.mutmut\]\n(.*?)(?=^\[)", text, flags=re.MULTILINE | re.DOTALL)
    if section is None:
        raise SystemExit("pyproject.toml has no [tool.mutmut] section")
    lines = [
        line
        for line in section.group(1).splitlines()
        if line.startswith(("source_paths", "also_copy", "pytest_add_cli_args ", "pytest_add_cli_args="))
    ]
    lines += [
        f"only_mutate = {mutated!r}".replace("'", '"'),
        f"pytest_add_cli_args_test_selection = {tests!r}".replace("'", '"'),
    ]
    return text[: section.start(1)] + "\n".join(lines) + "\n\n" + text[section.end(1) :]


def mutmut(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    program = Path(sys.executable).with_name("mutmut")
    command = [str(program) if program.exists() else "mutmut", *args]
    return subprocess.run(
        command, cwd=work, text=True, stdout=subprocess.PIPE if args[:1] == ("results",) else None
    )


def survivors(work: Path, patterns: list[str]) -> list[str]:
    listed = mutmut(work, "results").stdout or ""
    names = [
        line.split(":")[0].strip() for line in listed.splitlines() if line.rstrip().endswith(": survived")
    ]
    return [name for name in names if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in MODULES:
        for module, (mutated, tests) in MODULES.items():
            print(f"{module}: mutates {' '.join(mutated)}; runs {' '.join(tests)}")
        return 0 if not argv else 2
    module, command = argv[0], argv[1:]
    options: list[str] = []  # for `mutmut run`: how many mutants run at once
    if "--max-children" in command[:-1]:
        at = command.index("--max-children")
        options, command = command[at : at + 2], command[:at] + command[at + 2 :]
    work = workspace(module)
    patterns = [Path(path).with_suffix("").as_posix().replace("/", ".") + ".*" for path in MODULES[module][0]]
    if not command:
        return mutmut(work, "run", *options, *patterns).returncode
    if command == ["survivors"]:
        names = survivors(work, patterns)
        if not names:
            print("no survivors")
            return 0
        # Tests added since mutmut learned which tests reach each function would not be run
        # against the survivors: it learns again (a run of the module's tests).
        (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
        return mutmut(work, "run", *options, *names).returncode
    if command == ["results"]:
        print(mutmut(work, "results").stdout, end="")
        return 0
    if command[0] == "show":
        return mutmut(work, *command).returncode
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
