"""Text edits for one fix alone (SARIF's ``fixes``): the difference its rewrite makes."""

from __future__ import annotations

import dataclasses

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
    import difflib

    before = facts.module.code.splitlines(keepends=True)
    module = cst.parse_module(rewrite(facts, [fix]))
    after = module.code.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag != "equal":
            edits.append(TextEdit(first + 1, 1, last + 1, 1, "".join(after[new_first:new_last])))
    return tuple(edits)
