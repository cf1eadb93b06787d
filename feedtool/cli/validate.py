"""`feedtool validate`: argument parsing, printing and exit codes."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from feedtool.cli import status
from feedtool.errors import FeedtoolError

if TYPE_CHECKING:
    from feedtool.validate import Report

# The validator (and its rules) is imported when the command runs, so other subcommands and
# `--help` start without it; the format names are therefore repeated here, and a test keeps
# them equal to feedtool.validate.formats.FORMATS.
FORMATS = ("text", "json", "junit", "github")


EPILOG = """\
examples:
  feedtool validate dist/atom.xml dist/rss.xml
  cd dist && feedtool validate --base https://example.com/feeds/ atom.xml rss.xml
  feedtool validate --format github --ignore MissingSelf dist/
  curl -s https://example.com/feed.xml | feedtool validate --base https://example.com/feed.xml -
  feedtool validate --explain SelfDoesntMatchLocation

exit status: 0 no errors (warnings allowed), 1 errors found (with --strict: or warnings),
2 usage or I/O problem (unreadable file, unreachable URL, unknown code).
"""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "validate",
        help="check RSS, Atom and JSON feeds the way the W3C Feed Validation Service does",
        description="Validate feeds offline: files, folders (every feed in them), http(s) "
        "URLs, or - for stdin. Codes and severities follow the W3C Feed Validation Service.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help="file, folder, URL or -")
    parser.add_argument(
        "--base",
        metavar="URL",
        help="the address the feed is served at (self-link check, relative references); "
        "ending in / it is joined with each SOURCE path",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        dest="output_format",
        help="text (path:line:column: severity: message [Code]), json (JSON Lines, one "
        "object per SOURCE), junit (XML for CI test reports) or github (Actions annotations)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help="drop problems with this code or any kind of it (repeatable)",
    )
    parser.add_argument("--explain", metavar="CODE", help="explain a code and exit")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from feedtool.validate.codes import explain, without
    from feedtool.validate.formats import render
    from feedtool.validate.sources import expand, validate_source

    if args.explain:
        code = _known(args.explain)
        if code is None:
            return status.USAGE
        print(explain(code))
        return status.OK
    if not args.sources:
        print("feedtool validate: error: give at least one SOURCE (or --explain CODE)",
              file=sys.stderr)  # fmt: skip
        return status.USAGE
    ignored = [_known(code) for code in args.ignore]
    if None in ignored:
        return status.USAGE

    reports: list[Report] = []
    unreadable = False
    sources: list[str] = []
    for argument in args.sources:
        try:
            sources += expand(argument)
        except FeedtoolError as e:
            print(f"feedtool validate: {e}", file=sys.stderr)
            unreadable = True
    # A progress line for long runs on a terminal; never in pipes or CI logs.
    progress = sys.stderr.isatty() and len(sources) > 10
    for done, source in enumerate(sources, 1):
        if progress:
            print(f"\rvalidating {done}/{len(sources)}", end="", file=sys.stderr, flush=True)
        try:
            report = validate_source(source, base=args.base)
        except FeedtoolError as e:
            print(f"\rfeedtool validate: {e}", file=sys.stderr)
            unreadable = True
            continue
        reports.append(without(report, [c for c in ignored if c]))
    if progress:
        print("\r\033[K", end="", file=sys.stderr, flush=True)

    sys.stdout.write(render(reports, args.output_format, strict=args.strict))
    if unreadable:
        return status.USAGE
    failing = any(r.errors or (args.strict and r.warnings) for r in reports)
    return status.INPUT if failing else status.OK


def _known(code: str) -> str | None:
    from feedtool.validate.codes import CODES

    if code in CODES:
        return code
    matches = [name for name in CODES if name.lower() == code.lower()]
    if len(matches) == 1:
        return matches[0]
    print(f"feedtool validate: error: unknown code {code!r} (see --explain with a code "
          "from the output)", file=sys.stderr)  # fmt: skip
    return None
