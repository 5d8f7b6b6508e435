"""Turn results into text for people and machines. Reporters never analyse anything."""

from __future__ import annotations

import json
from typing import Iterable, TextIO

from lambda_import_lint.api import FileResult
from lambda_import_lint.rules.base import Finding

FORMATS = ("text", "json")


def _rows(results: Iterable[FileResult]) -> Iterable[tuple[str, Finding]]:
    for result in results:
        for finding in result.findings:
            yield result.path, finding


def write_text(results: Iterable[FileResult], out: TextIO) -> None:
    """``path:line:col: CODE message``, flake8's format."""
    for path, finding in _rows(results):
        out.write(f"{path}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n")


def finding_json(path: str, finding: Finding) -> dict[str, object]:
    return {
        "path": path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "message": finding.message,
        "fix": finding.fix.to_json() if finding.fix is not None else None,
    }


def write_json(results: Iterable[FileResult], out: TextIO) -> None:
    json.dump([finding_json(path, finding) for path, finding in _rows(results)], out, indent=2)
    out.write("\n")


WRITERS = {"text": write_text, "json": write_json}


def summary(findings: int, fixable: int, errors: int, fixed: int = 0) -> str:
    parts = []
    if fixed:
        parts.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
    if findings:
        line = f"Found {findings} finding{'s' if findings != 1 else ''}"
        if fixable:
            line += f" ({fixable} fixable with `--fix`)"
        parts.append(line + ".")
    elif not fixed:
        parts.append("All checks passed!")
    if errors:
        parts.append(f"{errors} file{'s' if errors != 1 else ''} could not be checked.")
    return " ".join(parts)
