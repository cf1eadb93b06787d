"""Report formats for `feedtool validate`: text, JSON Lines, JUnit XML, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from lxml import etree

from feedtool.validate.report import Problem, Report

FORMATS = ("text", "json", "junit", "github")


def render(reports: Sequence[Report], output_format: str, *, strict: bool = False) -> str:
    """All reports in one output format, ending with a newline (or empty)."""
    if output_format == "text":
        return render_text(reports)
    if output_format == "json":
        return "".join(json.dumps(report_dict(r), ensure_ascii=False) + "\n" for r in reports)
    if output_format == "junit":
        return render_junit(reports, strict=strict)
    if output_format == "github":
        return render_github(reports)
    raise ValueError(f"unknown output format {output_format!r}")


def report_dict(report: Report) -> dict[str, object]:
    return {
        "source": report.source,
        "location": report.location,
        "format": report.format,
        "problems": [asdict(p) for p in report.problems],
    }


def _where(report: Report, problem: Problem) -> str:
    parts = [report.source]
    if problem.line is not None:
        parts.append(str(problem.line))
        if problem.column is not None:
            parts.append(str(problem.column))
    return ":".join(parts)


def render_text(reports: Sequence[Report]) -> str:
    """One line per problem, identical problems of a source on one line, then a summary."""
    lines = [
        f"{_where(r, first)}: {first.severity}: {first.message} [{first.code}]{_repeats(first, others)}"
        for r in reports
        for first, others in _grouped(r.problems)
    ]
    lines.append(_summary(reports))
    return "\n".join(lines) + "\n"


MAX_LISTED_REPEATS = 5


def _grouped(problems: Sequence[Problem]) -> list[tuple[Problem, list[Problem]]]:
    """Problems with the same severity, code and message, in order of first appearance."""
    groups: dict[tuple[str, str, str], tuple[Problem, list[Problem]]] = {}
    for p in problems:
        key = (p.severity, p.code, p.message)
        if key in groups:
            groups[key][1].append(p)
        else:
            groups[key] = (p, [])
    return list(groups.values())


def _repeats(first: Problem, others: Sequence[Problem]) -> str:
    if not others:
        return ""
    lines = [str(p.line) for p in others if p.line is not None]
    text = f" ({len(others) + 1} times"
    if lines:
        listed = ", ".join(lines[:MAX_LISTED_REPEATS])
        more = len(lines) - MAX_LISTED_REPEATS
        text += f"; also at line{'s' * (len(lines) > 1)} {listed}" + (f" and {more} more" if more > 0 else "")
    return text + ")"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _summary(reports: Sequence[Report]) -> str:
    checked = [r for r in reports if r.readable]
    unread = len(reports) - len(checked)
    errors = sum(len(r.errors) for r in checked)
    warnings = sum(len(r.warnings) for r in checked)
    failing = sum(1 for r in checked if r.errors)
    if not checked:
        return f"no feed checked: {_plural(unread, 'source')} could not be read"
    text = f"{_plural(len(checked), 'feed')} checked: {_plural(errors, 'error')}, "
    text += _plural(warnings, "warning")
    if failing:
        text += f" ({failing} with errors)"
    if unread:
        text += f"; {_plural(unread, 'source')} could not be read"
    return text


def render_statistics(reports: Sequence[Report], output_format: str) -> str:
    """How often each code was reported over all reports, most frequent first: text lines
    `count  code  severity` (then the summary line) or JSON Lines."""
    counts: dict[str, int] = {}
    severities: dict[str, str] = {}
    for report in reports:
        for p in report.problems:
            counts[p.code] = counts.get(p.code, 0) + 1
            severities[p.code] = p.severity
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if output_format == "json":
        return "".join(
            json.dumps({"code": code, "severity": severities[code], "count": count}) + "\n"
            for code, count in ranked
        )
    count_width = max((len(str(count)) for _, count in ranked), default=1)
    code_width = max((len(code) for code, _ in ranked), default=0)
    lines = [f"{count:>{count_width}}  {code:<{code_width}}  {severities[code]}" for code, count in ranked]
    lines.append(_summary(reports))
    return "\n".join(lines) + "\n"


def render_junit(reports: Sequence[Report], *, strict: bool = False) -> str:
    """One testsuite, one testcase per source; a failure lists the problems that fail it, an
    error says why a source could not be checked at all."""
    suite = etree.Element("testsuite", name="feedtool validate", tests=str(len(reports)))
    failures = 0
    errors = 0
    for report in reports:
        case = etree.SubElement(suite, "testcase", classname="feedtool.validate", name=report.source)
        if not report.readable:
            errors += 1
            reason = report.problems[0]
            error = etree.SubElement(case, "error", type=reason.code, message=reason.message)
            error.text = f"{_where(report, reason)}: {reason.severity}: {reason.message} [{reason.code}]"
            continue
        failing = [p for p in report.problems if p.severity == "error"]
        if strict:
            failing += [p for p in report.problems if p.severity == "warning"]
        if failing:
            failures += 1
            failure = etree.SubElement(
                case,
                "failure",
                type=failing[0].code,
                message=f"{len(failing)} problem{'s' * (len(failing) != 1)}: {failing[0].message}",
            )
            failure.text = "\n".join(
                f"{_where(report, p)}: {p.severity}: {p.message} [{p.code}]" for p in failing
            )
        others = [p for p in report.problems if p not in failing]
        if others:
            out = etree.SubElement(case, "system-out")
            out.text = "\n".join(f"{_where(report, p)}: {p.severity}: {p.message} [{p.code}]" for p in others)
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    body = etree.tostring(suite, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(reports: Sequence[Report]) -> str:
    """GitHub Actions workflow commands, one annotation per problem."""
    lines = []
    for report in reports:
        for p in report.problems:
            props = [f"file={_github_escape(report.source, property_value=True)}"]
            if p.line is not None:
                props.append(f"line={p.line}")
                if p.column is not None:
                    props.append(f"col={p.column}")
            props.append(f"title={_github_escape(p.code, property_value=True)}")
            lines.append(
                f"::{_GITHUB_LEVEL[p.severity]} {','.join(props)}::{_github_escape(p.message)} [{p.code}]"
            )
    return "".join(line + "\n" for line in lines)
