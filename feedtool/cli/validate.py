"""`feedtool validate`: argument parsing, printing and exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from feedtool.cli import status

if TYPE_CHECKING:
    from feedtool.validate import Report

# The validator (and its rules) is imported when the command runs, so other subcommands and
# `--help` start without it; the format names are therefore repeated here, and a test keeps
# them equal to feedtool.validate.formats.FORMATS.
FORMATS = ("text", "json", "junit", "github")
PROFILES = ("feedtool", "w3c")  # kept equal to feedtool.validate.profiles.PROFILES by a test
CR = "\r"  # back to the start of the progress line


EPILOG = """\
examples:
  feedtool validate dist/atom.xml dist/rss.xml
  cd dist && feedtool validate --base https://example.com/feeds/ atom.xml rss.xml
  feedtool validate --format github --ignore MissingSelf,UnknownNamespace dist/
  feedtool validate --statistics --select Warning feeds/
  curl -s https://example.com/feed.xml | feedtool validate --base https://example.com/feed.xml -
  feedtool validate --explain SelfDoesntMatchLocation
  feedtool validate --explain NotHtml --format json
  feedtool validate --list-codes

exit status: 0 no errors (warnings allowed), 1 errors found (with --strict: or warnings),
2 usage or I/O problem (unreadable file, unreachable URL, unknown code, invalid --base).
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
        "--root",
        metavar="DIR",
        help="the local folder that --base (ending in /) is the address of: each SOURCE is "
        "checked at --base joined with its path inside DIR (default: the current folder)",
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
        "--select",
        action="extend",
        type=_code_list,
        default=[],
        metavar="CODES",
        help="report only these codes and their kinds: comma-separated codes or families "
        "(InvalidValue, Warning…); repeatable",
    )
    parser.add_argument(
        "--ignore",
        action="extend",
        type=_code_list,
        default=[],
        metavar="CODES",
        help="drop these codes and their kinds (comma-separated, repeatable); wins over --select",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print how often each code was reported (most frequent first) instead of each "
        "problem; text or json",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default=PROFILES[0],
        help="feedtool (default: the W3C's rules with its known false positives fixed, plus "
        "Podcasting 2.0 and Apple Podcasts checks) or w3c (exactly the W3C validator's judgement)",
    )
    parser.add_argument(
        "--explain",
        metavar="CODE",
        help="explain a code (with a bad and a good example feed) and exit; with --format "
        "json as one object {code, severity, meaning, why, fix, bad, good, ...}",
    )
    parser.add_argument(
        "--list-codes",
        action="store_true",
        help="list every code with its severity, the formats it applies to and its meaning, and exit",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from feedtool.errors import UnreadableSource, shown
    from feedtool.validate.codes import explain, explain_json, filtered, listing
    from feedtool.validate.formats import render, render_statistics
    from feedtool.validate.sources import base_problem, expand, inside, is_url, unreadable, validate_source

    if args.explain:
        code = _known(args.explain)
        if code is None:
            return status.USAGE
        if args.output_format == "json":
            print(json.dumps(explain_json(code), ensure_ascii=False, indent=2))
        else:
            print(explain(code))
        return status.OK
    if args.list_codes:
        print("\n".join(listing()))
        return status.OK
    if not args.sources:
        return _usage("give at least one SOURCE (or --explain CODE, --list-codes)")
    if args.statistics and args.output_format not in ("text", "json"):
        return _usage("--statistics prints text or json, not " + args.output_format)
    if args.base is not None and (problem := base_problem(args.base)):
        return _usage(f"--base {args.base!r}: {problem}")
    if args.root is not None and (args.base is None or not args.base.endswith("/")):
        return _usage("--root names the folder that --base is the address of: give --base URL/ too")
    selected = [_known(code) for code in args.select]
    ignored = [_known(code) for code in args.ignore]
    if None in selected or None in ignored:
        return status.USAGE

    # Each argument in order: the sources it names, or the report saying it cannot be read.
    queue: list[str | Report] = []
    for argument in args.sources:
        try:
            queue += expand(argument)
        except UnreadableSource as e:
            queue.append(unreadable(e))
    if args.root is not None:
        files = [s for s in queue if isinstance(s, str) and s != "-" and not is_url(s)]
        outside = [s for s in files if not inside(s, args.root)]
        if outside:
            return _usage(f"{shown(outside[0])} is not inside --root {shown(args.root)}, which --base names")
    # A progress line for long runs on a terminal; never in pipes or CI logs.
    progress = sys.stderr.isatty() and len(queue) > 10
    reports: list[Report] = []
    for done, entry in enumerate(queue, 1):
        if progress:
            print(f"{CR}validating {done}/{len(queue)}", end="", file=sys.stderr, flush=True)
        report = (
            entry
            if not isinstance(entry, str)
            else validate_source(entry, base=args.base, profile=args.profile, root=args.root)
        )
        if not report.readable and args.output_format != "text":
            # Machine output goes to files and CI tools; the person running it reads stderr.
            reason = report.problems[0].message
            print(f"{CR if progress else ''}feedtool validate: {report.source}: {reason}", file=sys.stderr)
        reports.append(filtered(report, select=[c for c in selected if c], ignore=[c for c in ignored if c]))
    if progress:
        print(CR + "\033[K", end="", file=sys.stderr, flush=True)

    if args.statistics:
        sys.stdout.write(render_statistics(reports, args.output_format))
    else:
        sys.stdout.write(render(reports, args.output_format, strict=args.strict))
    if not all(r.readable for r in reports):
        return status.USAGE
    failing = any(r.errors or (args.strict and r.warnings) for r in reports)
    return status.INPUT if failing else status.OK


def _usage(message: str) -> int:
    print(f"feedtool validate: error: {message}", file=sys.stderr)
    return status.USAGE


def _code_list(value: str) -> list[str]:
    """`--select`/`--ignore` values: codes separated by commas (spaces allowed)."""
    return [code.strip() for code in value.split(",") if code.strip()]


def _known(code: str) -> str | None:
    from feedtool.validate.codes import CODES

    if code in CODES:
        return code
    matches = [name for name in CODES if name.lower() == code.lower()]
    if len(matches) == 1:
        return matches[0]
    _usage(f"unknown code {code!r} (`feedtool validate --list-codes` lists them)")
    return None
