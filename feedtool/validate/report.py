"""What a validation returns: a report per source, with one problem per finding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
FeedFormat = Literal["atom", "rss", "rss1", "json"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: its severity, stable code, our message, and where it is (1-based)."""

    severity: Severity
    code: str
    message: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """Everything found in one source (a file, a URL or stdin).

    `source` is what the user named; `location` is the address the feed was checked as
    (the `--base` URL, the fetched URL after redirects, or None). `readable` is False when
    the source could not be read at all (no such file, HTTP error…): its one problem says why.
    """

    source: str
    location: str | None
    format: FeedFormat | None
    problems: tuple[Problem, ...]
    readable: bool = True

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def verdict(self) -> Literal["error", "warning", "valid"]:
        """The W3C validator's three-way verdict: errors, only warnings, or valid."""
        if self.errors:
            return "error"
        return "warning" if self.warnings else "valid"
