"""How fast `feedtool validate` is next to `feedparser.parse` on one large feed, and its memory.

Builds (with feedgen) an Atom feed of 2,000 entries carrying ~3 KB of HTML each (~8 MB), then
times, in the same run, feedtool's validation and feedparser.parse on the same file (median
of a few runs each, CPU time and wall time: on a shared machine the wall time also counts the
time other processes take), and measures feedtool's peak memory in a fresh process. Also
validates a ~100 MB RSS feed streamed from disk and a 64 MB JSON Feed (time and peak memory),
and the hostile inputs feedtool's limits stop (a million attributes, late or BOM-less DOCTYPEs,
floods).

Every entry's HTML is its own (its numbers, links and images, and the order and kinds of its
blocks: paragraphs, headings, lists, quotations), so no cache of results for content seen
before could make feedtool look faster than it is on a real feed.

Usage: python bench/validate_speed.py [--runs N] [--entries N] [--no-huge]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import feedparser  # noqa: E402
from feedgen.feed import FeedGenerator  # noqa: E402

from feedtool.validate import validate_bytes, validate_path  # noqa: E402

# The blocks entries are made of; {n} is the entry, {k} the block's place in it.
BLOCKS = (
    '<p>Post {n} shows this paragraph with <a href="https://example.com/posts/{n}/more-{k}">a link to part '
    "{k}</a>, some <em>emphasis</em>, <strong>strong words</strong> and an image <img "
    'src="https://example.com/img/{n}-{k}.png" alt="picture {k} of post {n}" width="{w}" '
    'height="200"/>.</p>\n',
    "<h2>Section {k} of post {n}</h2>\n",
    "<ul><li>First point of list {k}, post {n}</li><li>Second point, with <code>value_{n}_{k}</code></li>"
    "<li>Third point: <b>bold</b> and <i>italic</i></li></ul>\n",
    "<blockquote><p>A quotation ({k}) from <cite>source number {n}</cite>, as it was <a "
    'href="https://example.org/quotes/{n}?part={k}">published</a>.</p></blockquote>\n',
    "<p>Plain paragraph {k} of post {n} &amp; friends: only text, then a line break<br/>and more "
    "text after it, {w} characters or so.</p>\n",
)


def entry_html(n: int, size: int = 3000) -> str:
    """About `size` characters of HTML that no other entry has: its own numbers, and blocks
    in an order of its own."""
    blocks: list[str] = []
    k = 0
    while sum(map(len, blocks)) < size:
        kind = (n * 7 + k * (3 + n % 4)) % len(BLOCKS)
        blocks.append(BLOCKS[kind].format(n=n, k=k, w=100 + (n * 31 + k) % 400))
        k += 1
    return "".join(blocks)


def build_feed(path: Path, entries: int) -> None:
    generator = FeedGenerator()
    generator.id("https://example.com/feed.xml")
    generator.title("A large feed")
    generator.author({"name": "Bench", "email": "bench@example.com"})
    generator.link(href="https://example.com/", rel="alternate")
    generator.link(href="https://example.com/feed.xml", rel="self")
    generator.language("en")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(entries):
        entry = generator.add_entry(order="append")
        entry.id(f"https://example.com/posts/{n}")
        entry.title(f"Post number {n}")
        entry.link(href=f"https://example.com/posts/{n}")
        entry.updated(start + timedelta(minutes=n))
        entry.published(start + timedelta(minutes=n))
        entry.summary(f"Summary of post {n}.")
        entry.content(entry_html(n), type="html")
    generator.atom_file(str(path), pretty=True)


def build_huge_rss(path: Path, megabytes: int) -> None:
    """A large RSS 2.0 feed written directly (feedgen holds everything in memory)."""
    item = (
        "<item><title>Item {n}</title><link>https://example.com/i/{n}</link>"
        '<guid isPermaLink="true">https://example.com/i/{n}</guid>'
        "<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate>"
        "<description>{html}</description></item>\n"
    )
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Huge</title>'
            "<link>https://example.com/</link><description>A very large feed</description>"
            '<atom:link rel="self" href="https://example.com/huge.xml" '
            'type="application/rss+xml"/>\n'
        )
        n = 0
        while out.tell() < megabytes * 1024 * 1024:
            html = entry_html(n, 1000).replace("&", "&amp;").replace("<", "&lt;")
            out.write(item.format(n=n, html=html))
            n += 1
        out.write("</channel></rss>\n")


def build_json_feed(path: Path, megabytes: int) -> None:
    """A large JSON Feed 1.1, written item by item."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"version": "https://jsonfeed.org/version/1.1", "title": "Huge", '
                  '"home_page_url": "https://example.com/", "feed_url": "https://example.com/feed.json", '
                  '"items": [\n')  # fmt: skip
        n = 0
        while out.tell() < megabytes * 1024 * 1024:
            item = {"id": f"https://example.com/i/{n}", "url": f"https://example.com/i/{n}",
                    "title": f"Item {n}", "content_html": entry_html(n, 1000),
                    "date_published": "2024-01-01T00:00:00Z"}  # fmt: skip
            out.write(("," if n else "") + json.dumps(item) + "\n")
            n += 1
        out.write("]}\n")


T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """What `fn()` returns, with the CPU time and the wall time it took."""
    started, started_cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.process_time() - started_cpu, time.perf_counter() - started


def median_seconds(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """The median CPU time and the median wall time of `runs` calls of `fn`."""
    runs_timed = [timed(fn) for _ in range(runs)]
    return statistics.median(r[1] for r in runs_timed), statistics.median(r[2] for r in runs_timed)


_HIGH_WATER = (
    "print(next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM')))"
)


def peak_memory_mb(path: Path, base: str | None) -> tuple[float, float]:
    """Peak resident memory of a fresh process validating `path`, and its excess over import.

    VmHWM (Linux) is per process image, unlike ru_maxrss, which a child inherits from the
    parent it was forked from.
    """
    setup = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
    setup += "from feedtool.validate import validate_path; "
    run = f"validate_path(Path({str(path)!r}), base={base!r}); "
    peak = int(subprocess.check_output([sys.executable, "-c", setup + run + _HIGH_WATER]))
    baseline = int(subprocess.check_output([sys.executable, "-c", setup + _HIGH_WATER]))
    return peak / 1024, (peak - baseline) / 1024


def attack_figures(shared: Path) -> None:
    """Time and traced memory for every XML attack in the shared corpus, worst first."""
    attacks = shared / "corpus" / "xml-attacks"
    if not attacks.is_dir():
        print(f"(no XML attack corpus at {attacks})")
        return
    rows = []
    for line in (attacks / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, attack = line.split("\t")[0], line.split("\t")[5]
        if not name.endswith(".xml"):
            continue
        data = (attacks / name).read_bytes()
        tracemalloc.start()
        started = time.perf_counter()
        report = validate_bytes(data, source=name)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append((elapsed, peak, name, attack, report.verdict))
    rows.sort(reverse=True)
    print(f"XML attacks: {len(rows)} files, slowest {rows[0][0] * 1000:.1f} ms ({rows[0][2]}), "
          f"largest traced peak {max(r[1] for r in rows) / 1024:.0f} KiB; "
          f"{sum(r[4] == 'error' for r in rows)} reported as errors")  # fmt: skip


_LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + ']>\n<rss version="2.0" a="&l9;"><channel><title>&l9;</title></channel></rss>\n'
)
_CHANNEL = '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title><link>https://e.com/</link>'


def hostile_inputs(folder: Path) -> list[tuple[str, Path]]:
    """The hostile documents feedtool's own limits stop (issue 9), written into `folder`."""
    end = "</channel></rss>"
    text = "<description>" + "x" * 9_000_000 + "</description>"
    attributes = "".join(f' a{i}="x"' for i in range(1_000_000))
    declarations = "".join(f'<n{i}:x xmlns:n{i}="urn:x:{i}"/>' for i in range(200_000))
    documents = {
        "1,000,000 attributes on one element": _CHANNEL.replace("<channel>", f"<channel{attributes}>") + end,
        "entities after 64 KiB of whitespace": '<?xml version="1.0"?>\n' + " " * 70_000 + _LAUGHS,
        "entities after 64 KiB of comments": '<?xml version="1.0"?>\n' + "<!-- x -->\n" * 7_000 + _LAUGHS,
        "entities in UTF-16BE without a BOM": '<?xml version="1.0" encoding="UTF-16"?>\n' + _LAUGHS,
        "1,000,000 elements in the channel": _CHANNEL + "<x/>" * 1_000_000 + end,
        "1,000,000 elements in one item": _CHANNEL + "<item>" + "<x/>" * 1_000_000 + "</item>" + end,
        "1,500,000 comments": _CHANNEL + "<!---->" * 1_500_000 + end,
        "12 texts of 9 MB in the channel": _CHANNEL + text * 12 + end,
        "200,000 namespace declarations": _CHANNEL + declarations + end,
    }
    written = []
    for number, (name, text) in enumerate(documents.items()):
        path = folder / f"hostile-{number}.xml"
        path.write_bytes(text.encode("utf-16-be" if "UTF-16" in name else "utf-8"))
        written.append((name, path))
    return written


def hostile_figures(folder: Path) -> None:
    """Time and peak memory (a fresh process each) for every hostile input, and what it says."""
    print("Hostile inputs (peak memory of a fresh process; the limit is 100 MB):")
    for name, path in hostile_inputs(folder):
        report, _, elapsed = timed(partial(validate_path, path))
        peak, _ = peak_memory_mb(path, None)
        codes = ",".join(sorted({p.code for p in report.problems if p.severity == "error"}))
        size = path.stat().st_size / 1e6
        print(f"  {name:<40} {size:6.1f} MB  {elapsed:5.2f} s  peak {peak:4.0f} MB  {codes}")
        path.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--no-huge", action="store_true", help="skip the 100 MB feed")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "large.xml"
        build_feed(feed, args.entries)
        size_mb = feed.stat().st_size / 1e6
        base = "https://example.com/feed.xml"
        report = validate_path(feed, base=base)
        print(f"feed: {args.entries} entries, {size_mb:.1f} MB; feedtool verdict: "
              f"{report.verdict} ({len(report.problems)} problems)")  # fmt: skip
        ours, ours_wall = median_seconds(lambda: validate_path(feed, base=base), args.runs)
        theirs, theirs_wall = median_seconds(lambda: feedparser.parse(str(feed)), args.runs)
        print(f"feedtool validate: CPU {ours:.3f} s, wall {ours_wall:.3f} s  ({size_mb / ours:.1f} MB/s of "
              f"CPU, median of {args.runs})")  # fmt: skip
        print(f"feedparser.parse:  CPU {theirs:.3f} s, wall {theirs_wall:.3f} s  "
              f"({size_mb / theirs:.1f} MB/s)")  # fmt: skip
        print(f"speed-up: {theirs / ours:.1f}x in CPU time, {theirs_wall / ours_wall:.1f}x in wall time "
              "(target >= 16x)")  # fmt: skip
        peak, above = peak_memory_mb(feed, base)
        print(f"peak memory (fresh process): {peak:.0f} MB, {above:.0f} MB above import")
        if not args.no_huge:
            huge = Path(tmp) / "huge.xml"
            build_huge_rss(huge, 100)
            huge_report, cpu, wall = timed(lambda: validate_path(huge, base="https://example.com/huge.xml"))
            peak, above = peak_memory_mb(huge, "https://example.com/huge.xml")
            print(f"100 MB RSS feed: CPU {cpu:.1f} s, wall {wall:.1f} s, verdict {huge_report.verdict}, "
                  f"peak memory {peak:.0f} MB ({above:.0f} MB above import); target < 15 s, "
                  "< 100 MB")  # fmt: skip
            huge.unlink()
            big_json = Path(tmp) / "big.json"
            build_json_feed(big_json, 64)
            json_report, cpu, wall = timed(
                lambda: validate_path(big_json, base="https://example.com/feed.json")
            )
            peak, above = peak_memory_mb(big_json, "https://example.com/feed.json")
            print(f"64 MB JSON Feed: CPU {cpu:.1f} s, wall {wall:.1f} s, verdict {json_report.verdict}, "
                  f"peak memory {peak:.0f} MB ({above:.0f} MB above import)")  # fmt: skip
            big_json.unlink()
        hostile_figures(Path(tmp))
    attack_figures(args.shared)
    print(f"({os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
