"""`feedtool serve`: builds the feeds for the address it listens on, then serves them."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedtool.cli import status
from feedtool.errors import FeedtoolError, shown

if TYPE_CHECKING:
    from feedtool.serve import Site

# The server and the build are imported when the command runs: `feedtool --help` and the
# other subcommands start without loading them.


EPILOG = """\
examples:
  feedtool serve                      build seeds/ into dist/, serve it at http://127.0.0.1:8000/
  feedtool serve --watch              ... and rebuild whenever an item file or feedtool.toml changes
  feedtool serve --port 0 --dir /tmp/feeds   build into /tmp/feeds, serve on a free port (printed)

Point a feed reader at the printed addresses, e.g. `newsboat` with
http://127.0.0.1:8000/atom.xml in its urls file.

exit status: 0 stopped by Ctrl-C or SIGTERM, 1 the first build failed on bad input (without
--watch), 2 usage, configuration or environment problem (the port cannot be listened on, a
folder that cannot be read or written, a --seeds folder that does not exist).
"""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve the built feeds over HTTP to feed readers",
        description=(
            "Build the feeds (when the seeds folder exists) for the address this server listens\n"
            "on, then serve the output folder from memory with what feed readers expect: exact\n"
            "media types, ETag and Last-Modified answered with 304, gzip, HEAD and keep-alive."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8000, help="port to listen on; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder to build into and serve (default: the config's build.out, dist)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="rebuild when an item file or the config changes; a failed rebuild keeps the last good feeds",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="configuration file (default: ./feedtool.toml when it exists)",
    )
    parser.add_argument("--seeds", type=Path, default=None, metavar="DIR", help="item files to build from")
    parser.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="the URL the feeds say they live at (default: the address served, e.g. http://127.0.0.1:8000/)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no line per request; the addresses, rebuilds and problems are still printed",
    )
    parser.set_defaults(handler=run)


def _err(message: str) -> None:
    print(f"feedtool serve: {message}", file=sys.stderr, flush=True)


def _log(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


def _build_lines(args: argparse.Namespace, base_url: str, out: Path, jobs: int | None = None) -> list[str]:
    """Loads the settings afresh (the config may have changed) and builds; raises FeedtoolError."""
    from feedtool.build import build
    from feedtool.config import load_settings

    settings = load_settings(args.config, seeds=args.seeds, out=out, base_url=base_url)
    result = build(settings, jobs=jobs)
    changed = [path.relative_to(settings.out_dir).as_posix() for path in result.written]
    written = ", ".join(changed) or "nothing changed"
    lines = [f"built {result.count} items into {settings.out_dir}: {written}"]
    lines.extend(f"warning: {warning}" for warning in result.warnings)
    return lines


def _print_addresses(site: Site, served_at: str, base_url: str, watched: Sequence[Path]) -> None:
    from feedtool.serve import ATOM, JSON_FEED, RSS

    labels = {ATOM: "Atom", RSS: "RSS", JSON_FEED: "JSON Feed"}
    lines = [f"Serving {shown(site.root)} at {served_at}"]
    if base_url != served_at:
        lines[0] += f" (its feeds say they live at {base_url})"
    if "index.html" in site.resources:
        lines.append(f"  page       {served_at}")
    for resource in sorted(site.feeds(), key=lambda r: r.name):
        label = labels[resource.media_type.split(";")[0]]
        lines.append(f"  {label:<10} {served_at}{resource.name}")
    if watched:
        lines.append("Watching " + ", ".join(map(shown, watched)) + " for changes.")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    import asyncio

    from feedtool.config import load_settings
    from feedtool.errors import ConfigError
    from feedtool.paths import kind_of
    from feedtool.serve import ServeError, Watch, base_url_of, load_site, open_socket, serve
    from feedtool.sources import is_url

    if not 0 <= args.port <= 65535:
        _err(f"--port must be 0 (any free port) to 65535, got {args.port}")
        return status.USAGE
    # Until the server installs its own handlers, SIGTERM stops the build like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        listener = open_socket(args.host, args.port)
    except ServeError as e:
        _err(str(e))
        return status.USAGE
    try:
        served_at = base_url_of(listener)
        base_url = args.base_url or served_at
        try:
            settings = load_settings(args.config, seeds=args.seeds, out=args.dir, base_url=base_url)
        except ConfigError as e:
            _err(str(e))
            return status.USAGE
        out = settings.out_dir  # kept for rebuilds even if the config's build.out changes
        watched: list[Path] = []
        seeds = kind_of(settings.seeds_dir)
        if args.seeds is not None and seeds != "folder":
            # Without --seeds a prebuilt folder is served as it is; with it, a typo must not be.
            what = "no such folder" if seeds is None else f"a {seeds}, not a folder"
            _err(f"{shown(args.seeds)}: {what} of item files (--seeds)")
            return status.USAGE
        # What the feeds are built from: with [[feeds]] every feed's sources, else [feed]'s.
        sources = [source for feed in settings.feeds or (settings,) for source in feed.sources]
        local = [Path(s) for s in sources if s != "-" and not is_url(s) and kind_of(Path(s)) is not None]
        if local or any(map(is_url, sources)):
            watched = local
            if settings.config_path is not None:
                watched.append(settings.config_path)
            try:
                for line in _build_lines(args, base_url, out):
                    _log(f"{line}\n")
            except FeedtoolError as e:
                if not args.watch:
                    raise
                _err(f"build failed, serving the last good feeds in {shown(out)}: {e}")
        elif args.watch:
            _err(f"--watch needs item files to watch, and {shown(settings.seeds_dir)} is not a folder")
            return status.USAGE
        try:
            site = load_site(out)
        except ServeError as e:
            _err(str(e))
            return status.USAGE
        watch = None
        if args.watch:
            # Rebuilds run on a thread beside the event loop: no worker processes forked from
            # there, and the item cache makes a rebuild parse only the files that changed.
            watch = Watch(tuple(watched), lambda: _build_lines(args, base_url, out, jobs=1))
        listed = watched if args.watch else ()
        asyncio.run(
            serve(
                listener,
                site,
                _log,
                watch,
                on_ready=lambda: _print_addresses(site, served_at, base_url, listed),
                access_log=not args.quiet,
            )
        )
    finally:
        listener.close()
    _err("stopped")
    return status.OK
