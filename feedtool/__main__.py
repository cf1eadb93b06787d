"""Lets `python -m feedtool` run the command line."""

import sys

from feedtool.cli import main

sys.exit(main())
