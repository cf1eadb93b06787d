"""Benchmark what the user's [rules] cost per item, and what a build without rules pays for them.

    python bench/rules.py [--items 2000] [--repeat 5]

Prints, for synthetic items shaped like the seeds (bench/items.py), on one core in this process:
the CPU time to clean one item (median of --repeat passes over every item: CPU time, so that
other work on a shared machine does not count) with no [rules], with
each kind of rule alone and with all of them, and the time the rules alone take (apply_rules);
what apply_rules costs a feed without rules (what every build pays for them). Then one cold
`feedtool build --limit 0` with and without the rules, each in its own process: wall time, CPU
time (user + system, of every process) and peak memory (/usr/bin/time -v).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from build import timed
from items import generate

BASE = '[feed]\ntitle = "bench"\nlanguage = "zh-CN"\n[read.timezones]\n"cn.nytimes.com" = "Asia/Shanghai"\n'
# Each matches in the synthetic items (the inline photo captions, the last byline, the bylines'
# 时报), except the filter, which must read every item's text and drop none.
RULES = {
    "strip (2 selectors)": '[rules]\nstrip = ["p > small", "footer p:last-child"]\n',
    "filterout on content": "[[rules.filterout]]\ncontent = '不会出现的词'\n",
    "replace (title, content)": "[[rules.replace]]\npattern = '时报'\nwith = '時報'\n",
    'convert = "s2t"': '[rules]\nconvert = "s2t"\n',
}
ALL = (
    '[rules]\nstrip = ["p > small", "footer p:last-child"]\nconvert = "s2t"\n'
    "[[rules.filterout]]\ncontent = '不会出现的词'\n"
    "[[rules.replace]]\npattern = '时报'\nwith = '時報'\n"
)


def per_item(configs: dict[str, Path], paths: list[Path], repeat: int) -> dict[str, tuple[float, float, int]]:
    """For each configuration: median seconds per item to clean it whole and to apply the rules
    alone, and how many items were kept. The configurations take turns in every pass, so that
    a machine busy with something else slows them all alike."""
    from feedtool.clean import clean_item
    from feedtool.config import load_settings
    from feedtool.read import read_item
    from feedtool.read.items import reshaped
    from feedtool.rules import apply_rules

    settings = {label: load_settings(config) for label, config in configs.items()}
    first = next(iter(settings.values()))
    items = [read_item(p, p.read_bytes(), first.zone_for, first.language) for p in paths]
    whole: dict[str, list[float]] = {label: [] for label in configs}
    alone: dict[str, list[float]] = {label: [] for label in configs}
    kept = {}
    for chosen in settings.values():
        clean_item(items[0], chosen)  # compiled selectors and OpenCC's dictionaries, once per process
    for _ in range(repeat):
        for label, chosen in settings.items():
            start = time.process_time()
            kept[label] = sum(clean_item(item, chosen).item is not None for item in items)
            whole[label].append((time.process_time() - start) / len(items))
            start = time.process_time()
            for item in items:
                apply_rules(item, chosen.rules, reshaped)
            alone[label].append((time.process_time() - start) / len(items))
    return {
        label: (statistics.median(whole[label]), statistics.median(alone[label]), kept[label])
        for label in configs
    }


def no_rules_call(paths: list[Path]) -> float:
    """Seconds per apply_rules call for a feed with no rules."""
    from feedtool.read import read_item
    from feedtool.read.items import reshaped
    from feedtool.rules import NO_RULES, apply_rules

    item = read_item(paths[0], paths[0].read_bytes(), lambda url: UTC, "zh-CN")
    calls = 200_000
    start = time.process_time()
    for _ in range(calls):
        apply_rules(item, NO_RULES, reshaped)
    return (time.process_time() - start) / calls


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="feedtool-bench-rules-"))
    try:
        paths = generate(work / "seeds", args.items)
        configs = {}
        for n, (label, rules) in enumerate({"no [rules]": "", **RULES, "all of them": ALL}.items()):
            configs[label] = work / f"feedtool-{n}.toml"
            configs[label].write_text(BASE + rules, encoding="utf-8")
        print(f"{args.items} items, {os.cpu_count()} cores; per item, median of {args.repeat} passes")
        print(f"{'rules':<28}{'clean ms':>9}{'x none':>8}{'rules alone ms':>16}{'kept':>6}")
        figures = per_item(configs, paths, args.repeat)
        plain = figures["no [rules]"][0]
        for label, (whole, alone, kept) in figures.items():
            print(f"{label:<28}{whole * 1e3:>9.3f}{whole / plain:>8.2f}{alone * 1e3:>16.3f}{kept:>6}")
        call = no_rules_call(paths)
        print(f"apply_rules with no rules: {call * 1e9:.0f} ns/item ({call / plain:.4%} of cleaning it)")
        code = work / "code"  # a frozen copy: the cache is keyed by feedtool's own source
        shutil.copytree(Path(__file__).resolve().parent.parent / "feedtool", code / "feedtool")
        env = dict(os.environ, PYTHONPATH=str(code))
        print(
            f"\n{'feedtool build --limit 0, cold':<34}{'wall s':>9}{'CPU s':>8}{'items/s':>10}{'peak MB':>9}"
        )
        cpu_seconds: dict[str, float] = {}
        for label in ("no [rules]", "all of them"):
            command = [sys.executable, "-m", "feedtool", "build", "--config", str(configs[label]),
                       "--seeds", str(work / "seeds"), "--out", str(work / f"dist-{len(cpu_seconds)}"),
                       "--cache-dir", str(work / f"cache-{len(cpu_seconds)}"), "--limit", "0"]  # fmt: skip
            run = timed(command, env, work)
            cpu_seconds[label] = run.cpu
            speed = args.items / run.wall
            print(f"{label:<34}{run.wall:>9.2f}{run.cpu:>8.2f}{speed:>10.0f}{run.peak_mb:>9.0f}")
        ratio = cpu_seconds["all of them"] / cpu_seconds["no [rules]"]
        print(f"CPU time with all the rules / without: {ratio:.2f}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
