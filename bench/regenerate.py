"""Benchmark regenerating existing feeds: the real corpus, one large feed, and URL sources.

    python bench/regenerate.py [--skip-large] [--large-mb 50] [--urls 100]

1. Every feed in ../shared/corpus/feeds/real regenerated (`feedtool build --source F --limit 0`,
   in one process, one feed after another), beside `feedparser.parse` of the same files in the
   same run: total and median seconds per feed, and the peak memory of each process.
2. A source feed of --large-mb MB (the aggregator's two articles, repeated with new links)
   regenerated with --limit 0: wall time and peak memory (the largest process, /usr/bin/time -v).
3. The same articles as a --large-mb MB JSON Feed, regenerated from the file and from
   standard input: wall time and peak memory.
4. --urls URL sources served by a local server on 127.0.0.1 (one small feed each, with an
   ETag): a build fetching them all with every answer 200, then again with every answer 304.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from build import timed_output

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REAL = SHARED / "corpus" / "feeds" / "real"
FEEDX = SHARED / "sources" / "feedx-nytimes.xml"

REGENERATE = """
import json, statistics, sys, time
from pathlib import Path
from feedtool.build import build
from feedtool.config import load_settings
work = Path(sys.argv[2])
times = []
for source in sorted(p for p in Path(sys.argv[1]).iterdir() if p.suffix != ".tsv"):
    start = time.perf_counter()
    out, cache = work / source.name, work / "cache"
    settings = load_settings(None, sources=[str(source)], out=out, cache=cache, limit=0)
    build(settings, jobs=1)
    times.append(time.perf_counter() - start)
print(json.dumps({"total": sum(times), "median": statistics.median(times), "feeds": len(times)}))
"""

# One way of reading each feed in the folder argv[1], timed alone: SETUP once, then READ with
# the feed's bytes in `data`.
READING = """
import json, statistics, sys, time
from pathlib import Path
SETUP
times = []
for source in sorted(p for p in Path(sys.argv[1]).iterdir() if p.suffix != ".tsv"):
    data = source.read_bytes()
    start = time.perf_counter()
    READ
    times.append(time.perf_counter() - start)
print(json.dumps({"total": sum(times), "median": statistics.median(times), "feeds": len(times)}))
"""

FEEDPARSER = READING.replace("SETUP", "import feedparser").replace(
    "READ", "feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)"
)

READ_ONLY = READING.replace(
    "SETUP", "from zoneinfo import ZoneInfo\nfrom feedtool.read.feeds import read_feed"
).replace("READ", 'list(read_feed(source.name, data, lambda url: ZoneInfo("UTC")).items())')


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak resident memory in MB (the largest process) and stdout."""
    figures, stdout = timed_output(command, dict(os.environ), cwd)
    return figures.wall, int(figures.peak_mb), stdout


def corpus(work: Path) -> None:
    print(f"1. {REAL} regenerated one feed after another, beside feedparser.parse of the same files")
    _, ours_mb, ours_out = timed([sys.executable, "-c", REGENERATE, str(REAL), str(work / "real")], work)
    _, theirs_mb, theirs_out = timed([sys.executable, "-c", FEEDPARSER, str(REAL)], work)
    _, read_mb, read_out = timed([sys.executable, "-c", READ_ONLY, str(REAL)], work)
    ours, theirs, reading = json.loads(ours_out), json.loads(theirs_out), json.loads(read_out)
    print(f"   feedtool build:  {ours['feeds']} feeds, {ours['total']:.1f} s in all, "
          f"median {ours['median'] * 1000:.0f} ms a feed, peak {ours_mb} MB")  # fmt: skip
    print(f"   feedparser.parse: {theirs['feeds']} feeds, {theirs['total']:.1f} s in all, "
          f"median {theirs['median'] * 1000:.0f} ms a feed, peak {theirs_mb} MB")  # fmt: skip
    print(f"   feedtool's reader alone: {reading['total']:.1f} s in all, "
          f"median {reading['median'] * 1000:.1f} ms a feed, peak {read_mb} MB "
          f"({theirs['total'] / reading['total']:.1f}x faster than feedparser.parse)")  # fmt: skip
    print(f"   ratio: regenerating (read, clean, write three formats and a page, validate) takes "
          f"{ours['total'] / theirs['total']:.1f}x feedparser's parse")  # fmt: skip


def large_feed(work: Path, megabytes: int) -> None:
    text = FEEDX.read_text("utf-8")
    items = re.findall(r"<item>.*?</item>", text, re.S)
    head = text[: text.index("<item>")]
    path = work / "large.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        size, n = 0, 0
        while size < megabytes * 1_000_000:
            for item in items:
                copy = item.replace("/</link>", f"/{n}/</link>", 1).replace("/</guid>", f"/{n}/</guid>", 1)
                out.write(copy)
                size += len(copy.encode("utf-8"))
                n += 1
        out.write("</channel></rss>\n")
    feedtool = [sys.executable, "-m", "feedtool"]
    print(f"2. a {path.stat().st_size / 1e6:.0f} MB source feed ({n} items), --limit 0")
    args = ["build", "--source", str(path), "--limit", "0", "--out", str(work / "large-out")]
    cold, cold_mb, _ = timed([*feedtool, *args, "--cache-dir", str(work / "large-cache")], work)
    print(f"   cold: {cold:.1f} s, peak {cold_mb} MB")
    warm, warm_mb, _ = timed([*feedtool, *args, "--cache-dir", str(work / "large-cache")], work)
    print(f"   again, nothing changed: {warm:.1f} s, peak {warm_mb} MB")
    os.utime(path)  # the same bytes, a new time: read again, every item from the cache
    touched, touched_mb, _ = timed([*feedtool, *args, "--cache-dir", str(work / "large-cache")], work)
    print(
        f"   source touched (read again, cleaned items from the cache): {touched:.1f} s, peak {touched_mb} MB"
    )


def large_json_feed(work: Path, megabytes: int) -> None:
    """The large feed's items as a JSON Feed, as a file and from standard input."""
    from email.utils import parsedate_to_datetime

    from lxml import etree

    channel = etree.parse(str(FEEDX), etree.XMLParser(resolve_entities=False)).getroot().find("channel")
    assert channel is not None
    content = "{http://purl.org/rss/1.0/modules/content/}encoded"
    items = [
        {
            "title": item.findtext("title"),
            "url": item.findtext("link"),
            "date_published": parsedate_to_datetime(item.findtext("pubDate") or "").isoformat(),
            "content_html": item.findtext(content) or item.findtext("description"),
        }
        for item in channel.iter("item")
    ]
    path = work / "large.json"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"version": "https://jsonfeed.org/version/1.1", "title": ')
        out.write(json.dumps(channel.findtext("title"), ensure_ascii=False))
        out.write(', "home_page_url": ' + json.dumps(channel.findtext("link")) + ', "items": [\n')
        size, n = 0, 0
        while size < megabytes * 1_000_000:
            for item in items:
                url = f"{item['url']}{n}/"
                copy = json.dumps(item | {"id": url, "url": url}, ensure_ascii=False)
                out.write(("," if n else "") + copy + "\n")
                size += len(copy.encode("utf-8"))
                n += 1
        out.write("]}\n")
    feedtool = [sys.executable, "-m", "feedtool"]
    print(f"3. the same articles as a {path.stat().st_size / 1e6:.0f} MB JSON Feed ({n} items), --limit 0")
    args = ["build", "--limit", "0", "--cache-dir", str(work / "json-cache")]
    from_file = [*feedtool, *args, "--source", str(path), "--out", str(work / "json-out")]
    cold, cold_mb, _ = timed(from_file, work)
    print(f"   a file, cold: {cold:.1f} s, peak {cold_mb} MB")
    piped = ["sh", "-c", f'exec "$0" -m feedtool "$@" < "{path}"', sys.executable, *args, "--source", "-"]
    stdin, stdin_mb, _ = timed([*piped, "--out", str(work / "stdin-out")], work)
    print(f"   from standard input (cleaned items from the cache): {stdin:.1f} s, peak {stdin_mb} MB")


def url_sources(work: Path, count: int) -> None:
    bodies = {
        f"/feed{n}.xml": (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {n}</title><link>https://site{n}.example/</link><description>d</description>"
            f"<item><title>Item {n}</title><link>https://site{n}.example/1</link>"
            "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>Text.</description></item>"
            "</channel></rss>"
        ).encode()
        for n in range(count)
    }
    answers = {"200": 0, "304": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                self.send_error(404)
                return
            etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
            if self.headers.get("If-None-Match") == etag:
                answers["304"] += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            answers["200"] += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        sources = [f"http://127.0.0.1:{port}{path}" for path in bodies]
        config = work / "urls.toml"
        config.write_text(
            '[feed]\ntitle = "URLs"\nsources = [' + ", ".join(f'"{s}"' for s in sources) + "]\n", "utf-8"
        )
        feedtool = [
            sys.executable,
            "-m",
            "feedtool",
            "build",
            "--config",
            str(config),
            "--out",
            str(work / "urls"),
        ]
        print(f"4. {count} URL sources from a local server (one build of one feed merging them all)")
        for label in ("every answer 200", "every answer 304"):
            before = dict(answers)
            start = time.perf_counter()
            result = subprocess.run(feedtool, capture_output=True, text=True, cwd=work, check=False)
            elapsed = time.perf_counter() - start
            if result.returncode != 0:
                sys.exit(result.stderr[-2000:])
            got = {k: answers[k] - before[k] for k in answers}
            print(f"   {label}: {elapsed:.2f} s for the whole build ({got['200']} × 200, {got['304']} × 304)")
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--large-mb", type=int, default=50)
    parser.add_argument("--urls", type=int, default=100)
    parser.add_argument("--skip-large", action="store_true", help="leave out the large feed (minutes)")
    args = parser.parse_args()
    if not REAL.is_dir() or not FEEDX.is_file():
        sys.exit(f"needs {REAL} and {FEEDX}")
    work = Path(tempfile.mkdtemp(prefix="feedtool-bench-"))
    try:
        corpus(work)
        if not args.skip_large:
            large_feed(work, args.large_mb)
            large_json_feed(work, args.large_mb)
        url_sources(work, args.urls)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
