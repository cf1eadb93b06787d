"""Test-wide settings: every process a test starts imports the same feedtool as the test;
property tests explore at random locally and repeat one fixed exploration in CI, so a
submission's CI run is reproducible; and in CI nothing is skipped."""

import os
from pathlib import Path

import pytest
from hypothesis import settings

# pytest puts the checkout first on sys.path (pyproject: pythonpath); child processes
# (`python -m feedtool ...`) get it the same way, so no test runs an installed copy instead.
CHECKOUT = str(Path(__file__).resolve().parent.parent)
_children_path = [CHECKOUT]
if "MUTANT_UNDER_TEST" in os.environ:  # mutmut runs the suite in its mutants/ copy
    os.environ["FEEDTOOL_MUTANTS_ROOT"] = CHECKOUT
    _children_path.append(str(Path(CHECKOUT) / "tests" / "mutation" / "child"))
_inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in _children_path]
os.environ["PYTHONPATH"] = os.pathsep.join(_children_path + _inherited)

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Tests skip, with the reason, where newsboat, Chromium, a CJK font or ../shared are
    # missing. CI provides all of them (.ci/run), so a skip there means a test that did not
    # run while CI passed: report it as a failure instead.
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where everything the tests need is provided: {reason}"


@pytest.fixture(autouse=True)
def _fresh_caches_under_mutation():
    # mutmut runs each mutant in a process forked after the suite ran once, and learns which
    # tests reach a function by running them: what feedtool caches (a sanitizer built once,
    # rule tables) would hide the function from every test but the first, and keep the
    # original code's results. Clearing before each test lets every mutant's code run.
    if "MUTANT_UNDER_TEST" in os.environ:
        import sys

        for name, module in list(sys.modules.items()):
            if name == "feedtool" or name.startswith("feedtool."):
                for value in list(vars(module).values()):
                    if callable(getattr(value, "cache_clear", None)):
                        value.cache_clear()
    yield
