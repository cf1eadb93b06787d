"""Benchmark `feedtool build` on 10,000 synthetic items against bleach alone on one core.

    python bench/build.py [--items 10000] [--keep DIR]

Prints, for --limit 0 (every item) and the default limit: cold, warm (nothing changed) and
after one file changed, with items/s, wall time and peak memory (the largest process, from
/usr/bin/time -v); then the time bleach alone takes to sanitize the same bodies on one core.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
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
start = time.perf_counter()
for body in bodies:
    cleaner.clean(body)
print(f"{time.perf_counter() - start:.3f}")
"""


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak resident memory in MB, and stderr of one run."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    wall = re.search(
        r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr
    )
    assert wall
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return seconds, peak_kb // 1024, result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="feedtool-bench-"))
    seeds = work / "seeds"
    if seeds.exists():
        shutil.rmtree(seeds)
    paths = generate(seeds, args.items)
    size = sum(p.stat().st_size for p in paths)
    config = work / "feedtool.toml"
    config.write_text(
        '[feed]\ntitle = "bench"\nsite_url = "https://cn.nytimes.com/"\nbase_url = "http://127.0.0.1:8000/"\n'
        'language = "zh-CN"\n[read.timezones]\n"cn.nytimes.com" = "Asia/Shanghai"\n',
        encoding="utf-8",
    )
    # A frozen copy of the code, run from the work folder so that `-m feedtool` finds it: the
    # build's cache is keyed by feedtool's own source, which must not change under the
    # benchmark while someone edits the working tree.
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(Path(__file__).resolve().parent.parent / "feedtool", code / "feedtool")
    env = dict(os.environ, PYTHONPATH=str(code))
    print(f"{args.items} items, {size / 1e6:.1f} MB, {os.cpu_count()} cores")
    print(f"{'run':<34}{'wall s':>9}{'items/s':>10}{'peak MB':>9}")
    figures: dict[str, float] = {}
    for limit in ("0", "50"):
        cache, out = work / f"cache-{limit}", work / f"dist-{limit}"
        for folder in (cache, out):
            shutil.rmtree(folder, ignore_errors=True)
        command = [sys.executable, "-m", "feedtool", "build", "--config", str(config), "--seeds", str(seeds),
                   "--out", str(out), "--cache-dir", str(cache), "--limit", limit]  # fmt: skip
        for label in ("cold", "warm (nothing changed)", "one file changed"):
            if label == "one file changed":
                newest = max(paths, key=lambda p: p.read_text("utf-8").split("datetime=")[1][:21])
                newest.write_text(
                    newest.read_text("utf-8").replace("<section><p>", "<section><p>改", 1), "utf-8"
                )
            wall, peak, _ = timed(command, env, work)
            figures[f"{limit} {label}"] = wall
            print(f"--limit {limit:<3} {label:<24}{wall:>9.2f}{args.items / wall:>10.0f}{peak:>9}")
    bleach_script = work / "bleach_alone.py"
    bleach_script.write_text(BLEACH_ALONE, encoding="utf-8")
    _, peak, _ = timed([sys.executable, str(bleach_script), str(seeds)], env, work)
    result = subprocess.run(
        [sys.executable, str(bleach_script), str(seeds)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=work,
    )
    wall = float(result.stdout)  # sanitizing only: no start-up, no reading
    print(f"{'bleach alone, one core':<34}{wall:>9.2f}{args.items / wall:>10.0f}{peak:>9}")
    cold = figures["0 cold"]
    print(f"cold --limit 0 / bleach alone: {cold / wall:.2f} (target <= 1.00)")
    print(f"warm / cold (--limit 0): {figures['0 warm (nothing changed)'] / cold:.3f} (target < 0.05)")
    print(f"default-limit cold / --limit 0 cold: {figures['50 cold'] / cold:.3f}")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
