"""Exit statuses every subcommand uses (the convention of pytest and ruff)."""

OK = 0
INPUT = 1  # the input has errors
USAGE = 2  # usage, configuration or environment problems
READER_GONE = 141  # stdout's reader went away; 128 + SIGPIPE, as shells report tools it stopped
