"""How far `feedtool validate` agrees with the W3C Feed Validation Service, in figures.

Validates with the w3c profile (exactly the W3C's judgement, not feedtool's corrections).
Reads the W3C validator's own test suite and its verdicts from ../shared/corpus/w3c/, and the
real feeds with their W3C verdicts from ../shared/corpus/feeds/, and prints per folder and
per format:
- error agreement: "we report an error" equals "the W3C reports an error";
- verdict agreement: the same for the three verdicts error / warning-only / valid;
- Expect conformance: the share of the test cases' `Expect:` lines that hold for our codes
  (`X` holds when we report X or a kind of X, `!X` when we report none; expectations of
  `Valid*` and info codes are not counted).

Usage: python bench/conformance.py [--shared PATH] [--show FOLDER_OR_FORMAT] [--depth N]
`--show` lists every disagreement in the matching group (e.g. `atom/must` or `Atom 1.0`).
"""

from __future__ import annotations

import argparse
import json
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

TARGETS = {"error": 0.98, "verdict": 0.95, "expect": 0.95}
TARGET_FORMATS = ("Atom 1.0", "RSS 2.0")


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


def expectation(expect: str, w3c: dict[str, dict[str, object]]) -> tuple[bool, str] | None:
    """(negated, code) of an Expect line, or None when it does not count."""
    negated = expect.startswith("!")
    code = expect.lstrip("!").split("{", 1)[0].strip()
    severity = w3c.get(code, {}).get("severity")
    if not code or code.startswith("Valid") or severity in ("info", "success"):
        return None
    return negated, code


def run_case(path: Path, base: str | None) -> Report | str:
    try:
        return validate_path(path, base=base, profile="w3c")
    except Exception:  # a crash is a finding of this benchmark, reported as such
        return traceback.format_exc(limit=3)


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
        negated, code = parsed
        reported = any(code in family_of(c, w3c) for c in codes)
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
        ours = {p.code for p in report.problems if p.severity != "info"}
        theirs = {e for e in events if w3c.get(e, {}).get("severity") in ("error", "warning")}
        for code in ours | theirs:
            self.counts[code][(code in theirs) + 2 * (code in ours) - 1] += 1

    def print_worst(self, limit: int) -> None:
        rows = sorted(self.counts.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
        print(f"{'code':<32} {'both':>6} {'only W3C':>9} {'only ours':>10}")
        for code, (only_w3c, only_ours, both) in rows[:limit]:
            print(f"{code:<32} {both:>6} {only_w3c:>9} {only_ours:>10}")


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
    w3c = w3c_families(corpus / "w3c" / "codes.jsonl")

    by_folder: dict[str, Tally] = defaultdict(Tally)
    by_format: dict[str, Tally] = defaultdict(Tally)
    code_tally = CodeTally()
    started = time.perf_counter()
    for line in (corpus / "w3c" / "verdicts.jsonl").read_text().splitlines():
        case = json.loads(line)
        report = run_case(corpus / "w3c" / "testcases" / case["path"], case["base"])
        tally = judge(case["path"], report, case["verdict"], case["expect"], w3c)
        code_tally.add(report, case["events"], w3c)
        by_folder["/".join(case["path"].split("/")[: args.depth])].add(tally)
        by_format[case["format"]].add(tally)
    elapsed = time.perf_counter() - started

    header = f"{'group':<40} {'files':>5} {'errors':>8} {'verdict':>8} {'expect':>7}"
    print(f"W3C test suite ({elapsed:.1f} s)\n{header}")
    for name in sorted(by_folder):
        print(by_folder[name].row(name))
    print(f"\n{header}")
    for name in sorted(by_format):
        print(by_format[name].row(name))

    target = Tally()
    for name in TARGET_FORMATS:
        target.add(by_format[name])
    print("\n" + target.row(" + ".join(TARGET_FORMATS)))
    shortfalls = [
        f"{key} {value:.1%} < {TARGETS[key]:.0%}"
        for key, value in (
            ("error", target.error_agree / target.files),
            ("verdict", target.verdict_agree / target.files),
            ("expect", target.expects_held / max(target.expects, 1)),
        )
        if value < TARGETS[key]
    ]
    print("targets: " + ("met" if not shortfalls else "NOT met: " + "; ".join(shortfalls)))

    real = Tally()
    crashes = 0
    verdicts = corpus / "feeds" / "real-w3c-verdicts.jsonl"
    for line in verdicts.read_text().splitlines():
        case = json.loads(line)
        report = run_case(corpus / "feeds" / "real" / case["path"], case["base"])
        crashes += isinstance(report, str)
        real.add(judge(case["path"], report, case["verdict"], None, w3c))
        code_tally.add(report, case["events"], w3c)
    print(f"\nReal feeds: {crashes} crashes\n{header}\n" + real.row("feeds/real"))
    print("disagreements (verdict):")
    for miss in real.misses:
        print("  " + miss)

    print("\nCodes (warnings and errors) with the most disagreement, W3C suite and real feeds:")
    code_tally.print_worst(15)

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
