"""Mutation-test a random sample of one module's mutants, when every mutant would take too long.

    python tests/mutation/sample.py serve 80 10      # 80 mutants of serve.py, seed 10
    python tests/mutation/sample.py serve 80 10 tally  # the sample's results, without running

The sample is drawn from the sorted names of every mutant of the module (those of
tests/mutation/run.py's MODULES table), so the same size and seed pick the same mutants again:
run it before and after adding tests, and the two scores are of the same mutants. Mutants the
module's tests never reach ("no tests") count as survivors. The score is of the sample; the
whole module's score is within a few points of it either way (80 mutants: about ±8 points).
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # tests/mutation/run.py: the module table and each module's folder


def statuses(work: Path) -> dict[str, str]:
    listed = run.mutmut(work, "results", "--all", "true").stdout or ""
    found = {}
    for line in listed.splitlines():
        name, colon, status = line.rpartition(":")
        if colon and "__mutmut_" in name:
            found[name.strip()] = status.strip()
    return found


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in run.MODULES:
        print(__doc__)
        return 2
    module, size, seed = argv[0], int(argv[1]), int(argv[2])
    work = run.workspace(module)
    patterns = [
        Path(path).with_suffix("").as_posix().replace("/", ".") + "." for path in run.MODULES[module][0]
    ]
    every = statuses(work)
    if not every:  # no mutants generated yet: mutmut makes them on its first run of anything
        subprocess.run(
            [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", "1", "none"], cwd=work
        )
        every = statuses(work)
    names = sorted(name for name in every if name.startswith(tuple(patterns)))
    chosen = sorted(random.Random(seed).sample(names, min(size, len(names))))
    if argv[3:] != ["tally"]:
        run.mutmut(work, "run", "--max-children", "2", *chosen)
        every = statuses(work)
    tally = Counter(every[name] for name in chosen)
    killed = tally["killed"] + tally["timeout"]
    print(f"{module}: {len(chosen)} of {len(names)} mutants (seed {seed}): {dict(tally)}")
    print(f"killed {killed} of {len(chosen)} = {100 * killed / len(chosen):.1f}%")
    for name in chosen:
        if every[name] not in ("killed", "timeout"):
            print(f"  {every[name]}: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
