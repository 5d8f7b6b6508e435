"""What the user turned off for a file: ``# noqa`` comments and ``per-file-ignores``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lambda_import_lint.config import Config
from lambda_import_lint.discovery.files import matches_any
from lambda_import_lint.rules.registry import DEFAULT_ENABLED

if TYPE_CHECKING:
    from lambda_import_lint.rules.base import Finding

_NOQA = re.compile(
    r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)


def per_file_ignored(path: str, config: Config) -> frozenset[str]:
    """The codes ``per-file-ignores`` turns off for ``path``."""
    ignored: set[str] = set()
    for pattern, prefixes in config.per_file_ignores:
        if matches_any(path, (pattern,), config.root):
            ignored.update(code for code in DEFAULT_ENABLED if code.startswith(prefixes))
    return frozenset(ignored)


def noqa_codes(line: str) -> frozenset[str] | None:
    """The codes a line's ``# noqa`` names; empty set: every code; None: no noqa comment."""
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return frozenset(re.split(r"[,\s]+", codes.upper().strip())) if codes else frozenset()


def without_noqa(findings: list[Finding], lines: list[str]) -> list[Finding]:
    """The findings no ``# noqa`` on a line of their statement suppresses."""
    kept = []
    for finding in findings:
        first, last = finding.noqa_lines
        suppressed = False
        for number in range(first, last + 1):
            if 1 <= number <= len(lines) and "noqa" in lines[number - 1].lower():
                codes = noqa_codes(lines[number - 1])
                if codes is not None and (not codes or finding.code.startswith(tuple(codes))):
                    suppressed = True
                    break
        if not suppressed:
            kept.append(finding)
    return kept


def with_noqa(line: str, code: str) -> str:
    """``line`` (without its line break) with ``code`` added to its ``# noqa: …`` comment, or a
    ``# noqa: CODE`` comment added at its end. A bare ``# noqa`` already covers every code."""
    match = _NOQA.search(line)
    if match is None:
        return f"{line.rstrip()}  # noqa: {code}"
    codes = match.group("codes")
    if not codes:
        return line
    if code in re.split(r"[,\s]+", codes.upper()):
        return line
    end = match.end("codes")
    return f"{line[:end]}, {code}{line[end:]}"
