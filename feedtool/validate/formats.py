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
    lines = [f"{_where(r, p)}: {p.severity}: {p.message} [{p.code}]" for r in reports for p in r.problems]
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    failing = sum(1 for r in reports if r.errors)
    feeds = f"{len(reports)} feed" + ("" if len(reports) == 1 else "s")
    lines.append(
        f"{feeds} checked: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}" + (f" ({failing} with errors)" if failing else "")
    )
    return "\n".join(lines) + "\n"


def render_junit(reports: Sequence[Report], *, strict: bool = False) -> str:
    """One testsuite, one testcase per source; a failure lists the problems that fail it."""
    suite = etree.Element("testsuite", name="feedtool validate", tests=str(len(reports)))
    failures = 0
    for report in reports:
        case = etree.SubElement(suite, "testcase", classname="feedtool.validate", name=report.source)
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
    suite.set("errors", "0")
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
