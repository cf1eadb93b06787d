"""`feedtool build`: argument parsing, progress, printing and exit codes for the build."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from feedtool.cli import status
from feedtool.errors import ConfigError, FeedtoolError, PathError, shown

EPILOG = """\
examples:
  feedtool build                         seeds/*.txt -> dist/atom.xml, rss.xml, feed.json, index.html
  feedtool build --check                 exit 1 if dist/ is not what the code builds now (for CI)
  feedtool build --limit 0 --out /tmp/all   every item, into another folder
  feedtool build --base-url https://example.com/feeds/   feeds that will be served there
  feedtool build --keep-going            build what can be built, list the files left out
  feedtool build --source feed.xml --out clean/   an existing feed in, a clean one out
  feedtool build -q                      say nothing unless something is wrong
  feedtool build --base-url https://example.com/feeds/ --nginx-conf /etc/nginx/conf.d/feeds.conf
                                         and nginx serves them (README: "Publishing behind nginx")

exit status: 0 built (with --check: the output is current), 1 the input has errors (bad item
files, also with --keep-going after building the rest; with --check: the output is out of
date), 2 usage, configuration or environment problem (unknown key, bad value, a path that
cannot be read or written).
"""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "build",
        help="regenerate clean, valid Atom, RSS and JSON feeds from scraped item files",
        description="Read every item file in the seeds folder, strip aggregator footers, sanitize "
        "the HTML, and write Atom 1.0, RSS 2.0, JSON Feed 1.1 and an index page into the output "
        "folder. The output folder is only changed when the whole build succeeds and validates.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="configuration file (default: ./feedtool.toml)"
    )
    parser.add_argument(
        "--source",
        dest="sources",
        action="append",
        metavar="SRC",
        help="where items come from, replacing [feed] sources for this run: a folder of item files, "
        "a feed file (RSS, Atom, JSON Feed), an http(s) URL, or - for standard input; repeatable",
    )
    parser.add_argument(
        "--seeds", dest="sources", action="append", metavar="DIR", help="a folder of item files (as --source)"
    )
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: dist)")
    parser.add_argument(
        "--cache-dir", type=Path, metavar="DIR", help="cache of cleaned items (default: .feedtool-cache)"
    )
    parser.add_argument(
        "--base-url", metavar="URL", help="the address the output folder is served at, ending in /"
    )
    parser.add_argument(
        "--limit", type=int, metavar="N", help="newest items per feed, 0 for all (default: 50)"
    )
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    parser.add_argument(
        "--offline", action="store_true", help="fetch nothing: build URL sources from their last good copy"
    )
    parser.add_argument("--keep-going", action="store_true", help="leave bad files out instead of stopping")
    parser.add_argument(
        "--nginx-conf",
        type=Path,
        metavar="FILE",
        help="also write an nginx configuration that serves the output folder at the base URL",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the output is not current"
    )
    chatter = parser.add_mutually_exclusive_group()
    chatter.add_argument(
        "-q", "--quiet", action="store_true", help="print only errors: no warnings, progress or summary"
    )
    chatter.add_argument(
        "-v", "--verbose", action="store_true", help="also list the items in the feeds, newest first"
    )
    parser.set_defaults(handler=run)


class _ProgressBar:
    """A one-line bar on a terminal; nothing at all when stderr is a file or a pipe."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\rcleaning items [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


def run(args: argparse.Namespace) -> int:
    from feedtool.build import build
    from feedtool.config import load_settings

    try:
        settings = load_settings(
            args.config,
            sources=args.sources,
            offline=args.offline or None,
            out=args.out,
            cache=args.cache_dir,
            base_url=args.base_url,
            limit=args.limit,
        )
    except ConfigError as e:
        print(f"feedtool build: {e}", file=sys.stderr)
        return status.USAGE
    if args.jobs is not None and args.jobs < 1:
        print("feedtool build: --jobs must be at least 1", file=sys.stderr)
        return status.USAGE
    if args.nginx_conf is not None and (problem := _conf_place_problem(args.nginx_conf)):
        print(f"feedtool build: --nginx-conf {shown(args.nginx_conf)}: {problem}", file=sys.stderr)
        return status.USAGE  # said before building, so a bad path never follows a publish
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.quiet else None
    try:
        result = build(settings, keep_going=args.keep_going, check=args.check, jobs=args.jobs, progress=bar)
    except ConfigError as e:
        if bar:
            bar.close()
        print(f"feedtool build: {e}", file=sys.stderr)
        return status.USAGE
    except FeedtoolError as e:  # the input: an item file, a source feed, a rule's example
        if bar:
            bar.close()
        print(str(e), file=sys.stderr)
        print(f"feedtool build: failed; {shown(settings.out_dir)} was left as it was", file=sys.stderr)
        return status.INPUT
    if bar:
        bar.close()

    def say(line: str) -> None:  # what the person running the build reads, unless --quiet
        if not args.quiet:
            print(line, file=sys.stderr)

    for warning in result.warnings:
        say(f"warning: {warning}")
    for problem in result.skipped:
        print(f"skipped: {problem}", file=sys.stderr)
    out = shown(settings.out_dir)
    if args.check:
        if result.written:
            for path in result.written:
                print(f"{shown(path)}: differs from what feedtool builds now", file=sys.stderr)
            print(f"feedtool build --check: {out} is out of date; run `feedtool build`", file=sys.stderr)
            return status.INPUT
        say(f"feedtool build --check: {out} is current ({result.count} items)")
        return status.INPUT if result.skipped else status.OK
    if result.up_to_date:
        what = "already up to date"
    elif result.written:
        what = "wrote " + ", ".join(p.relative_to(settings.out_dir).as_posix() for p in result.written)
    else:
        what = "nothing changed"
    dropped = f"; the rules dropped {result.dropped}" if result.dropped else ""
    say(
        f"feedtool build: {result.count} items -> {out}/: {what} "
        f"({result.parsed} parsed, {result.count + result.dropped - result.parsed} from cache{dropped})"
    )
    if args.nginx_conf is not None:
        try:
            _write_nginx_conf(args.nginx_conf, settings.out_dir, settings.base_url, result.outputs)
        except ConfigError as e:
            print(f"feedtool build: {e}", file=sys.stderr)
            return status.USAGE
        say(f"feedtool build: nginx configuration -> {shown(args.nginx_conf)}")
    if args.verbose:
        if result.up_to_date:
            say("  (nothing was read: the item files and the output are as the last build left them)")
        for entry in result.entries:
            say(f"  {entry.published.isoformat()}  {shown(entry.source)}  {entry.title}")
    return status.INPUT if result.skipped else status.OK


def _conf_place_problem(path: Path) -> str | None:
    """Why the nginx configuration cannot be written at `path`, or None when it can be."""
    from feedtool.paths import kind_of

    try:
        folder = kind_of(path.parent)
        if folder is None:
            return f"there is no folder {shown(path.parent)} to write it in"
        if folder != "folder":
            return f"{shown(path.parent)} is a {folder}, not a folder"
        here = kind_of(path)
    except PathError as e:
        return str(e)
    return None if here in (None, "file") else f"a {here} is there, not a file"


def _write_nginx_conf(path: Path, out_dir: Path, base_url: str, outputs: Sequence[Path]) -> None:
    """Write the configuration whole or not at all (temp file + rename)."""
    from feedtool.nginx import nginx_conf
    from feedtool.publish import replace_whole

    text = nginx_conf(out_dir, base_url, [p.relative_to(out_dir).as_posix() for p in outputs])
    try:
        replace_whole(path, text.encode("utf-8"), mode=0o644)
    except OSError as e:
        raise ConfigError(f"{shown(path)}: cannot write the nginx configuration: {e.strerror or e}") from e
