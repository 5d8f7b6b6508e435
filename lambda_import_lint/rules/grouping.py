"""One finding per import statement: ``from pandas import DataFrame, Series`` used alike is one
finding naming both (``DataFrame``, ``Series`` from ``pandas``) with one Fix over both bindings, so
the fix moves one statement instead of splitting it into one-name imports.

LIL001, LIL002 and LIL003 judge each binding, then hand their (judgement, message, fix) triples
here. Bindings group when they come from the same statement and module and their fixes are alike:
the same action, safety, target functions and flags, and the same title but for the import text
(so a name that a test patches, whose title says so, stays apart from its siblings).
"""

from __future__ import annotations

import dataclasses
from typing import Hashable, Iterable, Iterator, NamedTuple

from lambda_import_lint.analysis.records import ImportBinding
from lambda_import_lint.judgement.assessment import ImportJudgement
from lambda_import_lint.rules.base import Finding, Fix, RuleContext
from lambda_import_lint.rules.messages import import_text, statement_text


class Candidate(NamedTuple):
    """What a rule would report about one binding on its own."""

    judgement: ImportJudgement
    message: str
    fix: Fix | str  # a Fix, or why there is none


def per_statement(context: RuleContext, code: str, candidates: Iterable[Candidate]) -> Iterator[Finding]:
    """The findings of one rule, one per group of alike bindings of a statement, in input order."""
    groups: dict[Hashable, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(_key(candidate), []).append(candidate)
    # The groups of each statement and module: more than one when its names are used apart.
    apart: dict[tuple[int, str], list[list[Candidate]]] = {}
    for group in groups.values():
        binding = group[0].judgement.binding
        apart.setdefault((id(binding.statement), binding.module), []).append(group)
    for group in groups.values():
        first = group[0]
        binding = first.judgement.binding
        bindings = [candidate.judgement.binding for candidate in group]
        message, fix = first.message, first.fix
        siblings = [
            candidate.judgement.binding for other in apart[(id(binding.statement), binding.module)]
            if other is not group for candidate in other
        ]
        if len(group) > 1 or siblings:
            message = _named(message, binding, bindings) + _reported_apart(siblings)
        if len(group) > 1:
            if isinstance(fix, Fix):
                fix = dataclasses.replace(
                    fix,
                    title=fix.title.replace(import_text(binding), statement_text(bindings), 1),
                    more_bindings=tuple(candidate.judgement.index for candidate in group[1:]),
                )
        yield context.finding(code, binding.node, message, fix, binding.line, binding.top_statement)


def _key(candidate: Candidate) -> Hashable:
    binding = candidate.judgement.binding
    fix = candidate.fix
    if binding.star or binding.guard is not None:
        return id(binding)  # a guard already moves as one (see lil001); a star import binds nothing
    if isinstance(fix, str):
        alike: Hashable = fix
    else:
        alike = (
            fix.action,
            fix.safety,
            fix.functions,
            fix.blocks,
            fix.add_future_annotations,
            fix.keep_for_annotations,
            fix.title.replace(import_text(binding), "", 1),
        )
    return (id(binding.statement), binding.module, alike, candidate.message.replace(f"`{binding.module}`", "", 1))


def _named(message: str, first: ImportBinding, bindings: list[ImportBinding]) -> str:
    """``\\`pandas\\` (~260 ms) is imported…`` → ``\\`DataFrame\\`, \\`Series\\` from \\`pandas\\` (~260 ms)
    are imported…``: every message of these rules opens with the module's name and one verb."""
    names = ", ".join(f"`{binding.name}`" for binding in bindings)
    subject = f"{names} from `{first.module}`" if not _plain_import(first) else names
    renamed = message.replace(f"`{first.module}`", subject, 1)
    return renamed.replace(" is ", " are ", 1) if len(bindings) > 1 else renamed


def _reported_apart(siblings: list[ImportBinding]) -> str:
    """What a finding for some names of a statement says of the others of the same module, reported
    beside it because they are used elsewhere (`from PIL import Image, ImageOps`: `ImageOps` in
    one function, `Image` in two): the module stays loaded while they stay (round 27's
    blind review read `PIL` … only used inside one function as the whole statement, and wrong)."""
    if not siblings:
        return ""
    names = ", ".join(f"`{binding.name}`" for binding in siblings)
    verb = "stays" if len(siblings) == 1 else "stay"
    return f" (`{siblings[0].module}` stays loaded while {names}, reported beside it, {verb} at module scope)"


def _plain_import(binding: ImportBinding) -> bool:
    import libcst as cst

    return isinstance(binding.statement, (cst.Import, cst.LazyImport))
