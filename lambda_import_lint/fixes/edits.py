"""Text edits for one fix alone (SARIF's ``fixes``, the JSON ``edits``): the difference its rewrite
makes; ``line_edits`` gives the same line-level difference between any two texts (the language
server's quick fixes)."""

from __future__ import annotations

import dataclasses
import re

import libcst as cst

from lambda_import_lint.analysis.records import ModuleFacts
from lambda_import_lint.engine.results import Analysis, FileResult
from lambda_import_lint.fixes.rewrite import rewrite
from lambda_import_lint.rules.base import Fix, TextEdit


def with_edits(analysis: Analysis) -> FileResult:
    """The analysis's result with each fix's text edits attached."""
    findings = []
    for finding in analysis.result.findings:
        if finding.fix is not None:
            try:
                edits = fix_edits(analysis.facts, finding.fix)
            except Exception:  # an edit we cannot show is left out, never the finding
                edits = ()
            finding = dataclasses.replace(finding, fix=dataclasses.replace(finding.fix, edits=edits))
        findings.append(finding)
    return analysis.result._replace(findings=tuple(findings))


def fix_edits(facts: ModuleFacts, fix: Fix) -> tuple[TextEdit, ...]:
    """The line edits that applying ``fix`` alone makes."""
    module = cst.parse_module(rewrite(facts, [fix]))
    return line_edits(facts.module.code, module.code)


# Line breaks as Python's tokenizer and the Language Server Protocol count them (``str.splitlines``
# also breaks at form feeds and U+2028, which would shift every line after one).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, each with its line break."""
    return _LINE.findall(text)


def line_edits(before: str, after: str) -> tuple[TextEdit, ...]:
    """Whole-line edits turning ``before`` into ``after``: each replaces lines ``line`` up to
    ``end_line`` (exclusive; one past the last line at the end of the text), column 1."""
    import difflib

    old, new = split_lines(before), split_lines(after)
    edits = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag != "equal":
            edits.append(TextEdit(first + 1, 1, last + 1, 1, "".join(new[new_first:new_last])))
    return tuple(edits)
