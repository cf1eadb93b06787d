"""The `feedtool` command: parses arguments and hands each subcommand to its module."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from feedtool import __version__
from feedtool.cli import build, serve, status, validate
from feedtool.errors import ConfigError, FeedtoolError

SUBCOMMANDS = (build, validate, serve)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="feedtool",
        description="Regenerate clean, valid feeds from scraped items, validate any RSS, "
        "Atom or JSON feed offline, and serve feeds to feed readers.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"feedtool {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMANDS:
        module.register(commands)
    for command in commands.choices.values():
        command.set_defaults(usage_error=command.error)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _run(argv)
        finally:
            # Output still buffered would otherwise meet a closed pipe at exit, out of reach.
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`feedtool validate --list-codes | head -1`): end quietly,
        # as tools stopped by SIGPIPE do, and send what Python flushes at exit nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return status.READER_GONE


def _run(argv: Sequence[str] | None) -> int:
    parser = make_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the subcommand, with its usage: `feedtool build: error: …`
        args.usage_error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return int(args.handler(args))
    except ConfigError as e:  # a path, flag or setting: the same status from every command
        print(f"feedtool: error: {e}", file=sys.stderr)
        return status.USAGE
    except FeedtoolError as e:
        print(f"feedtool: error: {e}", file=sys.stderr)
        return status.INPUT
    except KeyboardInterrupt:
        print("feedtool: interrupted", file=sys.stderr)
        return 130
