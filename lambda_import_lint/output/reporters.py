"""Turn results into text for people and machines. Reporters never analyse anything."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, TextIO

from lambda_import_lint import __version__
from lambda_import_lint.printing import printable

if TYPE_CHECKING:
    from lambda_import_lint.engine.results import FileResult
    from lambda_import_lint.rules.base import Finding

FORMATS = ("text", "json", "github", "sarif")
INFORMATION_URI = "https://github.com/lambda-import-lint/lambda-import-lint"


def _rows(results: Iterable[FileResult]) -> Iterable[tuple[str, Finding]]:
    for result in results:
        for finding in result.findings:
            yield result.path, finding


def write_text(results: Iterable[FileResult], out: TextIO) -> None:
    """``path:line:col: CODE message``, flake8's format."""
    for path, finding in _rows(results):
        out.write(f"{printable(path)}:{finding.line}:{finding.column}: {finding.code} {printable(finding.message)}\n")


def finding_json(path: str, finding: Finding) -> dict[str, object]:
    item: dict[str, object] = {
        "path": path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "message": finding.message,
        "fix": _fix_json(finding),
    }
    if finding.no_fix_reason is not None:
        item["no_fix_reason"] = finding.no_fix_reason  # why a finding that could have a fix has none
    return item


def _fix_json(finding: Finding) -> dict[str, object] | None:
    """The fix's title and safety, and its text edits (1-based, end exclusive, like the findings)."""
    if finding.fix is None:
        return None
    item: dict[str, object] = dict(finding.fix.to_json())
    item["edits"] = [
        {
            "content": edit.text,
            "location": {"line": edit.line, "column": edit.column},
            "end_location": {"line": edit.end_line, "column": edit.end_column},
        }
        for edit in finding.fix.edits
    ]
    return item


def rule_url(code: str) -> str:
    """The rule's documentation page."""
    return f"{INFORMATION_URI}/blob/main/docs/rules/{code}.md"


def write_json(results: Iterable[FileResult], out: TextIO) -> None:
    import json  # only for this format: start-up time

    json.dump([finding_json(path, finding) for path, finding in _rows(results)], out, indent=2)
    out.write("\n")


def _escape_data(text: str) -> str:
    """The message of a workflow command. GitHub decodes %25, %0D and %0A back, so a line break
    stays part of the value; other control characters are shown escaped."""
    return printable(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(results: Iterable[FileResult], out: TextIO) -> None:
    """GitHub Actions workflow commands: annotations on the pull request's lines."""
    for path, finding in _rows(results):
        properties = ",".join(
            (
                f"file={_escape_property(path)}",
                f"line={finding.line}",
                f"col={finding.column}",
                f"endLine={finding.end_line}",
                f"endColumn={finding.end_column}",
                f"title={finding.code}",
            )
        )
        out.write(f"::warning {properties}::{_escape_data(f'{finding.code} {finding.message}')}\n")


def relative_uri(path: str) -> str:
    """A path relative to the working folder, with forward slashes (SARIF artifact URIs)."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        relative = path
    return Path(relative).as_posix()


def sarif_log(results: Iterable[FileResult]) -> dict[str, object]:
    from lambda_import_lint.output.docs import render_rule
    from lambda_import_lint.rules.registry import all_rules

    registered = all_rules()
    codes = list(registered)
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.what},
            "help": {"text": f"{rule.what}\n\n{rule.why}", "markdown": render_rule(rule)},
            "helpUri": rule_url(rule.code),
            "defaultConfiguration": {"level": "warning"},
        }
        for rule in registered.values()
    ]
    sarif_results = []
    for path, finding in _rows(results):
        uri = relative_uri(path)
        item: dict[str, object] = {
            "ruleId": finding.code,
            "ruleIndex": codes.index(finding.code),
            "level": "warning",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": finding.line,
                            "startColumn": finding.column,
                            "endLine": finding.end_line,
                            "endColumn": finding.end_column,
                        },
                    }
                }
            ],
        }
        if finding.fix is not None and finding.fix.edits:
            item["fixes"] = [
                {
                    "description": {"text": finding.fix.title},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": uri},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": edit.line,
                                        "startColumn": edit.column,
                                        "endLine": edit.end_line,
                                        "endColumn": edit.end_column,
                                    },
                                    "insertedContent": {"text": edit.text},
                                }
                                for edit in finding.fix.edits
                            ],
                        }
                    ],
                }
            ]
        sarif_results.append(item)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lambda-import-lint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }


def write_sarif(results: Iterable[FileResult], out: TextIO) -> None:
    import json

    json.dump(sarif_log(results), out, indent=2)
    out.write("\n")


WRITERS: dict[str, Callable[[Iterable[FileResult], TextIO], None]] = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
    "sarif": write_sarif,
}


HANDLERS_HINT = (
    'see `lambda-import-lint handlers` or set `handlers = ["src/app.py:handler"]` in [tool.lambda-import-lint]'
)


def nothing_checked(python_files: int) -> str:
    """The summary of a run that checked no handler module: "All checks passed!" would read as a
    clean bill of health for code that was never looked at."""
    if not python_files:
        return f"No Python files found; {HANDLERS_HINT}."
    return f"No handler modules found in {_plural(python_files, 'Python file')}; {HANDLERS_HINT}."


class Tally(NamedTuple):
    """What a run found and fixed, for the summary line."""

    findings: int = 0  # findings left (after fixing, when fixing)
    fixable: int = 0  # of those, fixes `--fix` would apply now (unsafe ones too with `--unsafe-fixes`)
    unsafe_only: int = 0  # more that only `--unsafe-fixes` would apply
    errors: int = 0  # files that could not be checked
    fixed: int = 0  # findings fixed, or with `--diff` that would be
    unchecked: int | None = None  # when no handler module (or shared code) was checked: the Python files read


def summary(tally: Tally, diff: bool = False, fix_requested: bool = False) -> str:
    """The line on stderr after a run. ``diff``: fixes were shown, not written (``fix_requested``:
    ``--fix`` was given too, and nothing was written all the same)."""
    parts = []
    if tally.fixed:
        if diff:
            line = f"Would fix {_plural(tally.fixed, 'finding')}"
            if fix_requested:
                line += "; nothing written (`--diff` only shows the fixes)"
            parts.append(line + ".")
        else:
            parts.append(f"Fixed {_plural(tally.fixed, 'finding')}.")
    if tally.findings:
        counts = []
        if tally.fixable:
            counts.append(f"{tally.fixable} fixable with `--fix`")
        if tally.unsafe_only:
            counts.append(f"{tally.unsafe_only} more with `--unsafe-fixes`")
        line = f"Found {_plural(tally.findings, 'finding')}"
        parts.append(line + (f" ({', '.join(counts)})" if counts else "") + ".")
    elif not tally.fixed:
        if tally.unchecked is None:
            parts.append("All checks passed!")
        elif tally.unchecked or not tally.errors:  # every file unreadable: the error count says it all
            parts.append(nothing_checked(tally.unchecked))
    if tally.errors:
        parts.append(f"{_plural(tally.errors, 'file')} could not be checked.")
    return " ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"
