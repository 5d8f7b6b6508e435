"""What checking one file produces: a ``FileResult`` always, an ``Analysis`` when it was parsed."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import libcst as cst

    from lambda_import_lint.analysis.records import ModuleFacts
    from lambda_import_lint.judgement.assessment import Assessment
    from lambda_import_lint.rules.base import Finding


# How a syntax error's message starts: settled by the file's bytes alone, so such a result is cached
# like findings (a sample repository with a broken file must not pay for LibCST on every warm run).
SYNTAX_ERROR = "syntax error at "


class FileResult(NamedTuple):
    path: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None  # the file could not be read or parsed (exit status 2)
    handlers: tuple[str, ...] = ()
    parsed: bool = False  # False when the prefilter showed the file cannot matter

    @property
    def cacheable(self) -> bool:
        """Whether the result depends only on what the cache key holds: no error but a syntax error."""
        return self.error is None or self.error.startswith(SYNTAX_ERROR)

    @property
    def fixable(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.fix is not None)


class Analysis(NamedTuple):
    """A parsed module with what the rules found; the fixer needs the tree and the facts."""

    module: cst.Module
    facts: ModuleFacts
    result: FileResult
    handlers: tuple[str, ...] = ()
    assessment: Assessment | None = None  # None for a module with no handler
