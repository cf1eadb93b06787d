"""Mutation runs only: lets a child process that a test starts in another folder run mutants.

tests/conftest.py puts this folder on the children's PYTHONPATH when mutmut runs the suite.
mutmut's mutated modules read mutmut's settings from pyproject.toml in the current folder, the
first time one is imported; tests start builds, servers and worker processes in scratch
folders, so the settings are loaded here, once, from the mutants folder.
"""

import contextlib
import os

with contextlib.suppress(KeyError, ImportError):
    _root = os.environ["FEEDTOOL_MUTANTS_ROOT"]
    _here = os.getcwd()
    os.chdir(_root)
    try:
        from mutmut.configuration import config

        config()
    finally:
        os.chdir(_here)
