"""How far `feedtool validate` agrees with the W3C Feed Validation Service, in figures.

Validates with the w3c profile (exactly the W3C's judgement, not feedtool's corrections).
Reads the W3C validator's own test suite and its verdicts from ../shared/corpus/w3c/, and the
real feeds with their W3C verdicts from ../shared/corpus/feeds/, and prints per folder and
per format:
- error agreement: "we report an error" equals "the W3C reports an error";
- verdict agreement: the same for the three verdicts error / warning-only / valid;
- Expect conformance: the share of the test cases' `Expect:` lines that hold for our codes
  (`X` holds when we report X or a kind of X, `!X` when we report none; expectations of
  `Valid*` and info codes are not counted; `!X{element:y}` holds when none of our X
  messages names y);
- on the real feeds, also code-set agreement: the share of files whose set of error and
  warning codes equals the W3C's, and every file where it differs, with the codes.
It ends with the targets of issue 8 and whether they are met. tests/test_validate_conformance.py
runs `measure()` and pins the figures measured today, so they cannot fall back.

Usage: python bench/conformance.py [--shared PATH] [--show FOLDER_OR_FORMAT] [--depth N]
`--show` lists every disagreement in the matching group (e.g. `atom/must` or `Atom 1.0`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from feedtool.validate import Report, validate_path  # noqa: E402
from feedtool.validate.codes import ancestors  # noqa: E402

TARGET_FORMATS = ("Atom 1.0", "RSS 2.0")
# (figure, at least): issue 8's targets.
TARGETS = (
    ("W3C suite, Atom 1.0 + RSS 2.0: Expect", 0.99),
    ("W3C suite, every folder: Expect", 0.98),
    ("W3C suite, every folder: error agreement", 0.995),
    ("W3C suite, every folder: verdict agreement", 0.995),
    ("real feeds: error agreement", 1.0),
    ("real feeds: code-set agreement", 0.92),
)


@dataclass
class Tally:
    files: int = 0
    error_agree: int = 0
    verdict_agree: int = 0
    expects: int = 0
    expects_held: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.files += other.files
        self.error_agree += other.error_agree
        self.verdict_agree += other.verdict_agree
        self.expects += other.expects
        self.expects_held += other.expects_held
        self.misses += other.misses

    def row(self, name: str) -> str:
        expect = f"{self.expects_held / self.expects:7.1%}" if self.expects else "      -"
        return (
            f"{name:<40} {self.files:5} {self.error_agree / self.files:8.1%} "
            f"{self.verdict_agree / self.files:8.1%} {expect} ({self.expects_held}/{self.expects})"
        )


def w3c_families(codes_path: Path) -> dict[str, dict[str, object]]:
    table = {}
    for line in codes_path.read_text().splitlines():
        entry = json.loads(line)
        table[entry["code"]] = entry
    return table


def family_of(code: str, w3c: dict[str, dict[str, object]]) -> frozenset[str]:
    """Our families of a code, plus the W3C's, so both vocabularies match."""
    names = set(ancestors(code))
    names |= set(w3c.get(code, {}).get("parents", ()))  # type: ignore[arg-type]
    return frozenset(names)


def expectation(expect: str, w3c: dict[str, dict[str, object]]) -> tuple[bool, str, str | None] | None:
    """(negated, code, element) of an Expect line, or None when it does not count. `element`
    is the `{element:…}` qualifier of a denial: `!X{element:y}` denies X about y only."""
    negated = expect.startswith("!")
    code = expect.lstrip("!").split("{", 1)[0].strip()
    severity = w3c.get(code, {}).get("severity")
    if not code or code.startswith("Valid") or severity in ("info", "success"):
        return None
    qualifiers = dict(
        part.split(":", 1) for part in expect.partition("{")[2].rstrip("}").split(",") if ":" in part
    )
    return negated, code, qualifiers.get("element") if negated else None


def run_case(path: Path, base: str | None) -> Report | str:
    try:
        return validate_path(path, base=base, profile="w3c")
    except Exception:  # a crash is a finding of this benchmark, reported as such
        return traceback.format_exc(limit=3)


def code_sets(report: Report | str, events: list[str], w3c: dict) -> tuple[set[str], set[str]]:
    """(ours, the W3C's): the error and warning codes each reports."""
    ours = set() if isinstance(report, str) else {p.code for p in report.problems if p.severity != "info"}
    theirs = {e for e in events if w3c.get(e, {}).get("severity") in ("error", "warning")}
    return ours, theirs


def judge(label: str, report: Report | str, verdict: str, expect: str | None, w3c: dict) -> Tally:
    tally = Tally(files=1)
    if isinstance(report, str):
        tally.misses.append(f"{label}: CRASH {report.strip().splitlines()[-1]}")
        return tally
    ours = report.verdict
    codes = sorted({p.code for p in report.problems})
    tally.error_agree = (ours == "error") == (verdict == "error")
    tally.verdict_agree = ours == verdict
    held = True
    if expect is not None and (parsed := expectation(expect, w3c)) is not None:
        negated, code, element = parsed
        about = re.compile(rf"(?<![\w:-]){re.escape(element)}(?![\w:-])") if element else None
        reported = any(
            code in family_of(p.code, w3c) and (about is None or about.search(p.message))
            for p in report.problems
        )
        held = reported != negated
        tally.expects, tally.expects_held = 1, int(held)
    if not (tally.verdict_agree and held):
        tally.misses.append(f"{label}: w3c={verdict} ours={ours} expect={expect} ours={','.join(codes)}")
    return tally


class CodeTally:
    """Per code: files where both report it, only the W3C does, only we do."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, report: Report | str, events: list[str], w3c: dict) -> None:
        if isinstance(report, str):
            return
        ours, theirs = code_sets(report, events, w3c)
        for code in ours | theirs:
            self.counts[code][(code in theirs) + 2 * (code in ours) - 1] += 1

    def print_worst(self, limit: int) -> None:
        rows = sorted(self.counts.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
        print(f"{'code':<32} {'both':>6} {'only W3C':>9} {'only ours':>10}")
        for code, (only_w3c, only_ours, both) in rows[:limit]:
            print(f"{code:<32} {both:>6} {only_w3c:>9} {only_ours:>10}")


@dataclass
class Measurement:
    """Everything the benchmark measures, grouped as it prints it."""

    by_folder: dict[str, Tally]
    by_format: dict[str, Tally]
    suite: Tally
    real: Tally
    real_crashes: int
    real_code_sets_equal: int
    real_code_set_differences: list[str]
    codes: CodeTally
    seconds: float

    def figures(self) -> dict[str, float]:
        target = Tally()
        for name in TARGET_FORMATS:
            target.add(self.by_format[name])
        return {
            "W3C suite, Atom 1.0 + RSS 2.0: Expect": target.expects_held / max(target.expects, 1),
            "W3C suite, every folder: Expect": self.suite.expects_held / max(self.suite.expects, 1),
            "W3C suite, every folder: error agreement": self.suite.error_agree / self.suite.files,
            "W3C suite, every folder: verdict agreement": self.suite.verdict_agree / self.suite.files,
            "real feeds: error agreement": self.real.error_agree / self.real.files,
            "real feeds: code-set agreement": self.real_code_sets_equal / self.real.files,
        }


def measure(corpus: Path, depth: int = 2) -> Measurement:
    """Validate the W3C suite and the real feeds of `corpus` and compare with the W3C's."""
    w3c = w3c_families(corpus / "w3c" / "codes.jsonl")
    by_folder: dict[str, Tally] = defaultdict(Tally)
    by_format: dict[str, Tally] = defaultdict(Tally)
    suite = Tally()
    code_tally = CodeTally()
    started = time.perf_counter()
    for line in (corpus / "w3c" / "verdicts.jsonl").read_text().splitlines():
        case = json.loads(line)
        report = run_case(corpus / "w3c" / "testcases" / case["path"], case["base"])
        tally = judge(case["path"], report, case["verdict"], case["expect"], w3c)
        code_tally.add(report, case["events"], w3c)
        by_folder["/".join(case["path"].split("/")[:depth])].add(tally)
        by_format[case["format"]].add(tally)
        suite.add(tally)
    seconds = time.perf_counter() - started

    real = Tally()
    crashes = equal = 0
    differences = []
    for line in (corpus / "feeds" / "real-w3c-verdicts.jsonl").read_text().splitlines():
        case = json.loads(line)
        report = run_case(corpus / "feeds" / "real" / case["path"], case["base"])
        crashes += isinstance(report, str)
        real.add(judge(case["path"], report, case["verdict"], None, w3c))
        code_tally.add(report, case["events"], w3c)
        ours, theirs = code_sets(report, case["events"], w3c)
        if ours == theirs and not isinstance(report, str):
            equal += 1
        else:
            differences.append(
                f"{case['path']}: only W3C {sorted(theirs - ours)}, only ours {sorted(ours - theirs)}"
            )
    return Measurement(by_folder, by_format, suite, real, crashes, equal, differences, code_tally, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--show", action="append", default=[], help="list disagreements")
    parser.add_argument("--depth", type=int, default=2, help="folder depth of the groups")
    args = parser.parse_args()
    corpus = args.shared / "corpus"
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    found = measure(corpus, args.depth)
    by_folder, by_format = found.by_folder, found.by_format

    header = f"{'group':<40} {'files':>5} {'errors':>8} {'verdict':>8} {'expect':>7}"
    print(f"W3C test suite ({found.seconds:.1f} s)\n{header}")
    for name in sorted(by_folder):
        print(by_folder[name].row(name))
    print(f"\n{header}")
    for name in sorted(by_format):
        print(by_format[name].row(name))
    target = Tally()
    for name in TARGET_FORMATS:
        target.add(by_format[name])
    print("\n" + target.row(" + ".join(TARGET_FORMATS)))
    print(found.suite.row("every folder"))

    real = found.real
    print(f"\nReal feeds: {found.real_crashes} crashes\n{header}\n" + real.row("feeds/real"))
    print(f"code-set agreement: {found.real_code_sets_equal}/{real.files} "
          f"= {found.real_code_sets_equal / real.files:.1%}")  # fmt: skip
    print("disagreements (verdict):")
    for miss in real.misses:
        print("  " + miss)
    print("files whose error and warning codes differ from the W3C's:")
    for difference in found.real_code_set_differences:
        print("  " + difference)

    print("\nCodes (warnings and errors) with the most disagreement, W3C suite and real feeds:")
    found.codes.print_worst(15)

    print("\nTargets (issue 8):")
    figures = found.figures()
    for name, least in TARGETS:
        mark = "met" if figures[name] >= least else "NOT met"
        print(f"  {name:<45} {figures[name]:8.2%}  (>= {least:.1%}: {mark})")

    for wanted in args.show:
        group = by_folder.get(wanted) or by_format.get(wanted)
        if group is None:
            group = Tally()
            for name, tally in by_folder.items():
                if name.startswith(wanted):
                    group.add(tally)
        print(f"\nDisagreements in {wanted}:")
        for miss in group.misses:
            print("  " + miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
