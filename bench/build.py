"""Benchmark `feedtool build --limit 0` as the work grows, beside bleach alone on one core.

    python bench/build.py [--sizes 1000,10000,30000] [--memory 100000] [--repeat 3] [--keep DIR]

For each size, on synthetic item files shaped like the seeds (bench/items.py): a cold build (no
cache, no output), a warm one (nothing changed), one after an item file was only touched (its
time changed, not its bytes) and one after an item file's text changed; then the time bleach
alone needs to sanitize the same bodies on one core, which is what a user would otherwise run.
Each figure is the median of --repeat runs, each a fresh `python -m feedtool build` process:
wall seconds, CPU seconds (user + system, the build's worker processes included) and peak
memory (the largest process, from /usr/bin/time -v). With --memory N, one cold build of N items
gives a memory figure alone. The machine is shared: wall times move with its load, so each
ratio is taken from figures of the same run, and CPU seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from items import generate

BLEACH_ALONE = """
import sys, time, bleach
from pathlib import Path
from feedtool.clean import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS
bodies = [p.read_text("utf-8").split("\\n", 3)[3] for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
)
wall, cpu = time.perf_counter(), time.process_time()
for body in bodies:
    cleaner.clean(body)
print(f"{time.perf_counter() - wall:.3f} {time.process_time() - cpu:.3f}")
"""
CONFIG = (
    '[feed]\ntitle = "bench"\nsite_url = "https://cn.nytimes.com/"\nbase_url = "http://127.0.0.1:8000/"\n'
    'language = "zh-CN"\n[read.timezones]\n"cn.nytimes.com" = "Asia/Shanghai"\n'
)


@dataclass
class Figures:
    wall: float
    cpu: float
    peak_mb: float


def timed(command: list[str], env: dict[str, str], cwd: Path) -> Figures:
    """Wall and CPU seconds and peak resident memory (MB) of one run."""
    return timed_output(command, env, cwd)[0]


def timed_output(command: list[str], env: dict[str, str], cwd: Path) -> tuple[Figures, str]:
    """The figures of one run, and what it printed."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    err = result.stderr

    def field(label: str) -> str:
        found = re.search(rf"{re.escape(label)}: ([\d.:]+)", err)
        assert found, label
        return found.group(1)

    *hours_minutes, seconds = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    wall = float(seconds) + sum(int(part) * 60**n for n, part in enumerate(reversed(hours_minutes), 1))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return Figures(wall, cpu, int(field("Maximum resident set size (kbytes)")) / 1024), result.stdout


def median(runs: list[Figures]) -> Figures:
    return Figures(*(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "peak_mb")))


def newest(paths: list[Path]) -> Path:
    return max(paths, key=lambda p: p.read_text("utf-8").split('datetime="')[1][:19])


def measure(size: int, seeds: Path, work: Path, env: dict[str, str], repeat: int) -> dict[str, Figures]:
    config = work / "feedtool.toml"
    config.write_text(CONFIG, encoding="utf-8")
    cache, out = work / "cache", work / "dist"
    command = [sys.executable, "-m", "feedtool", "build", "--config", str(config), "--seeds", str(seeds),
               "--out", str(out), "--cache-dir", str(cache), "--limit", "0", "-q"]  # fmt: skip
    paths = sorted(seeds.glob("*.txt"))
    target = newest(paths)
    runs: dict[str, list[Figures]] = {}
    for n in range(repeat):
        for folder in (cache, out):
            shutil.rmtree(folder, ignore_errors=True)
        runs.setdefault("cold", []).append(timed(command, env, work))
        runs.setdefault("warm (nothing changed)", []).append(timed(command, env, work))
        stat = target.stat()
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        runs.setdefault("one file touched", []).append(timed(command, env, work))
        text = target.read_text("utf-8")
        target.write_text(text.replace("<section><p>", f"<section><p>改{n}", 1), "utf-8")
        runs.setdefault("one file changed", []).append(timed(command, env, work))
    bleach = work / "bleach_alone.py"
    bleach.write_text(BLEACH_ALONE, encoding="utf-8")
    alone = []
    for _ in range(repeat):
        command = [sys.executable, str(bleach), str(seeds)]
        printed = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=work)
        wall, cpu = printed.stdout.split()
        alone.append(Figures(float(wall), float(cpu), float("nan")))
    runs["bleach alone, one core"] = alone
    return {label: median(figures) for label, figures in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,30000", help="item counts, comma-separated")
    parser.add_argument("--memory", type=int, default=100_000, help="one cold build for memory (0: none)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    work = args.keep or Path(tempfile.mkdtemp(prefix="feedtool-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    # A frozen copy of the code: the build's cache is keyed by feedtool's own source, which
    # must not change under the benchmark while someone edits the working tree.
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(Path(__file__).resolve().parent.parent / "feedtool", code / "feedtool")
    # Compiled, as an installed package is (pip writes the .pyc files): where Python is told to
    # write none (PYTHONDONTWRITEBYTECODE), every run would compile feedtool's modules anew.
    compileall.compile_dir(code, quiet=1)
    env = dict(os.environ, PYTHONPATH=str(code))
    largest = max([*sizes, args.memory])
    everything = work / "all"
    if len(list(everything.glob("*.txt"))) != largest:
        shutil.rmtree(everything, ignore_errors=True)
        generate(everything, largest)  # the first N of them are the same for any larger N
    all_paths = sorted(everything.glob("*.txt"))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; medians of {args.repeat} runs")
    print(f"{'items':>7}  {'run':<24}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'/ cold':>8}{'/ bleach':>10}")
    results: dict[int, dict[str, Figures]] = {}
    for size in sizes:
        folder = work / f"n{size}"
        shutil.rmtree(folder, ignore_errors=True)
        seeds = folder / "seeds"
        seeds.mkdir(parents=True)
        for path in all_paths[:size]:
            shutil.copy2(path, seeds / path.name)
        figures = results[size] = measure(size, seeds, folder, env, args.repeat)
        cold, bleach = figures["cold"], figures["bleach alone, one core"]
        for label, f in figures.items():
            peak = f"{f.peak_mb:9.0f}" if f.peak_mb == f.peak_mb else f"{'':>9}"
            print(f"{size:>7}  {label:<24}{f.wall:>9.2f}{f.cpu:>9.2f}{peak}"
                  f"{f.wall / cold.wall:>8.3f}{f.wall / bleach.wall:>10.2f}")  # fmt: skip
    if args.memory:
        folder = work / f"n{args.memory}"
        shutil.rmtree(folder, ignore_errors=True)
        seeds = folder / "seeds"
        seeds.mkdir(parents=True)
        for path in all_paths[: args.memory]:
            os.link(path, seeds / path.name)
        (folder / "feedtool.toml").write_text(CONFIG, encoding="utf-8")
        f = timed([sys.executable, "-m", "feedtool", "build", "--config", str(folder / "feedtool.toml"),
                   "--seeds", str(seeds), "--out", str(folder / "dist"), "--cache-dir", str(folder / "cache"),
                   "--limit", "0", "-q"], env, folder)  # fmt: skip
        print(f"{args.memory:>7}  {'cold (memory)':<24}{f.wall:>9.2f}{f.cpu:>9.2f}{f.peak_mb:9.0f}")
    print("\ntargets (issue 11):")
    for size, figures in results.items():
        cold, bleach = figures["cold"], figures["bleach alone, one core"]
        changed, warm = figures["one file changed"], figures["warm (nothing changed)"]
        print(f"  {size:>6} items: peak {cold.peak_mb:.0f} MB (< 250); one changed / cold "
              f"{changed.wall / cold.wall:.3f} (<= 0.05; CPU {changed.cpu / cold.cpu:.3f}); nothing "
              f"changed {warm.wall:.2f} s (<= 0.3 at 10,000; CPU {warm.cpu:.2f} s); cold / bleach "
              f"alone {cold.wall / bleach.wall:.2f} (<= 0.8 at 10,000; "
              f"CPU {cold.cpu / bleach.cpu:.2f})")  # fmt: skip
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
