"""Fixing one file: analyse, apply the chosen fixes in one rewrite, verify, and repeat until nothing
is left to fix. Never writes files (``writer.py`` does, for the command line).

A rewrite is accepted only if it passes ``verify`` and converges: fixing the output again changes
nothing. Otherwise the source is returned untouched with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from lambda_import_lint.engine.check import analyse
from lambda_import_lint.engine.request import Request
from lambda_import_lint.engine.results import Analysis, FileResult
from lambda_import_lint.fixes.rewrite import rewrite
from lambda_import_lint.fixes.verify import verify
from lambda_import_lint.rules.base import Finding

MAX_PASSES = 8  # a fix can enable another (as in ruff); more passes than this means a bug


@dataclass(frozen=True)
class FixOutcome:
    source: bytes  # the fixed source, or the original when nothing was (or could be) fixed
    changed: bool
    fixed: int  # how many findings the rewrite fixed
    result: FileResult  # what remains after fixing
    failure: str | None = None  # why fixable findings were left unfixed


def fix_source(source: bytes, request: Request, unsafe: bool = False, first: Analysis | None = None) -> FixOutcome:
    """Apply every safe fix (and unsafe ones with ``unsafe``) of one module. ``first``: the
    analysis of ``source`` with ``request``, when the caller has it already (the cost report)."""
    current = source
    fixed = 0
    for _ in range(MAX_PASSES):
        analysis = first if first is not None and current is source else analyse(current, request)
        if isinstance(analysis, FileResult):
            return FixOutcome(current, current != source, fixed, analysis)
        chosen = [f for f in analysis.result.findings if _wanted(f, unsafe)]
        if not chosen:
            return FixOutcome(current, current != source, fixed, analysis.result)
        try:
            rewritten = rewrite(analysis.facts, [f.fix for f in chosen if f.fix is not None])
        except Exception as error:  # a bug of ours must not cost the user the file
            return _untouched(source, request, f"internal error while fixing: {error!r}")
        problem = verify(current, rewritten, analysis, chosen)
        if problem is not None:
            return _untouched(source, request, problem)
        current = rewritten
        fixed += len(chosen)
    return _untouched(source, request, f"fixes did not settle after {MAX_PASSES} passes")


def fix_finding(source: bytes, request: Request, finding: Finding) -> tuple[bytes, str | None]:
    """Apply one finding's fix alone (an editor's quick fix for one diagnostic), verified like
    ``fix_source``'s: the new source, or the source untouched and why."""
    analysis = analyse(source, request)
    if isinstance(analysis, FileResult):
        return source, analysis.error or "nothing to fix"
    if finding.fix is None or finding not in analysis.result.findings:
        return source, "the finding is no longer there"
    try:
        rewritten = rewrite(analysis.facts, [finding.fix])
    except Exception as error:  # a bug of ours must not cost the user the buffer
        return source, f"internal error while fixing: {error!r}"
    problem = verify(source, rewritten, analysis, [finding])
    return (source, problem) if problem is not None else (rewritten, None)


def _wanted(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (finding.fix.safety == "safe" or unsafe)


def _untouched(source: bytes, request: Request, reason: str) -> FixOutcome:
    result = analyse(source, request)
    file_result = result if isinstance(result, FileResult) else result.result
    return FixOutcome(source, False, 0, file_result, failure=reason)
