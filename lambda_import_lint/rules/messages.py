"""Wording shared by rule messages and fix titles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

import libcst as cst

from lambda_import_lint.catalogue import HeavyModules
from lambda_import_lint.analysis.records import FunctionInfo, ImportBinding
from lambda_import_lint.judgement.assessment import ImportJudgement, Status, catalogue_module, package_of

if TYPE_CHECKING:
    from lambda_import_lint.rules.base import RuleContext


def cost(module: str, heavy: HeavyModules) -> str:
    """The module's reference import cost, for a parenthesis after its name: "~260 ms, reference
    estimate" (the catalogue's figure, not a measurement of this project), or "cost unknown" for a
    module made heavy by configuration that the catalogue does not time."""
    ms = heavy.cost_ms(module)
    return f"~{ms} ms, reference estimate" if ms is not None else "cost unknown"


def judgement_cost(judgement: ImportJudgement, heavy: HeavyModules) -> str:
    """:func:`binding_cost`, or what the import costs beyond what stays loaded when that is less
    ("~40 ms beyond what stays loaded, reference estimate")."""
    if judgement.saving_ms is not None:
        return f"~{judgement.saving_ms} ms beyond what stays loaded, reference estimate"
    return binding_cost(judgement.binding, heavy)


def binding_cost(binding: ImportBinding, heavy: HeavyModules) -> str:
    """:func:`cost` of what the import loads (``from scipy import stats`` costs ``scipy.stats``)."""
    return cost(catalogue_module(binding, heavy), heavy)


def import_text(binding: ImportBinding) -> str:
    """The import statement for this one binding, as it would be written on its own."""
    statement = binding.statement
    lazy = "lazy " if binding.lazy else ""
    alias = binding.alias
    if alias is None:
        return f"{lazy}from {binding.module} import *"
    alias_text = cst.Module(body=[]).code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    if isinstance(statement, (cst.Import, cst.LazyImport)):
        return f"{lazy}import {alias_text}"
    return f"{lazy}from {binding.module} import {alias_text}"


def statement_text(bindings: Sequence[ImportBinding]) -> str:
    """One import statement for several bindings of one statement (``from pandas import
    DataFrame, Series``), as a fix title shows it."""
    if len(bindings) == 1:
        return import_text(bindings[0])
    first = bindings[0]
    module = cst.Module(body=[])
    names = ", ".join(
        module.code_for_node(binding.alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
        for binding in bindings
        if binding.alias is not None
    )
    lazy = "lazy " if first.lazy else ""
    if isinstance(first.statement, (cst.Import, cst.LazyImport)):
        return f"{lazy}import {names}"
    return f"{lazy}from {first.module} import {names}"


def function_list(functions: Iterable[FunctionInfo]) -> str:
    names = [f"`{function.qualname}`" for function in functions]
    if len(names) <= 3:
        return ", ".join(names)
    return ", ".join(names[:3]) + f" and {len(names) - 3} more"


NO_FIX_DEAD_BRANCH = (
    "a branch that never runs (on a module-level constant) still names it: moved or removed, the "
    "name would be undefined there"
)
NO_FIX_DYNAMIC = "the module reads names dynamically (`globals()`, `eval`, `exec`, `vars()`)"
NO_FIX_GUARD = "the import sits in a module-level block that holds more than imports moving together"
NO_FIX_GUARD_ANNOTATIONS = (
    "annotations outside the functions name it, and a guarded import has no single form to keep "
    "under `if TYPE_CHECKING:`"
)
NO_FIX_POSTPONE = (
    "postponing annotations would change what a class-body annotation refers to (the class binds "
    "the same name)"
)


def going_with(judgement: ImportJudgement, context: RuleContext) -> str:
    """Names the other imports that must leave module scope too for this one's saving to be real
    (``ImportJudgement.loaded_also_by``), and what their own findings ask: ", once line 3's
    `boto3.dynamodb.conditions` is removed too (while it stays, `boto3` is still imported),"; empty
    when there are none. (Round 39's blind review read "removing it, with line 3's `jwt`" as removing
    `jwt` too, which `verify_token` needs: line 3 was to move.)"""
    if not judgement.loaded_also_by:
        return ""
    statements: dict[int, tuple[str, str]] = {}  # line → the module its statement imports, what its fix does
    for other in context.assessment.judgements:
        if other.index in judgement.loaded_also_by:
            binding = other.binding
            line = context.line_of(binding.statement, binding.top_statement)
            statements.setdefault(line, (binding.module, _WHAT_ITS_FIX_DOES.get(other.status, "gone")))
    names = " and ".join(f"line {line}'s `{module}` is {done}" for line, (module, done) in sorted(statements.items()))
    package = package_of(catalogue_module(judgement.binding, context.heavy), context.heavy)
    those = "it stays" if len(statements) == 1 else "they stay"
    return f", once {names} too (while {those}, `{package}` is still imported),"


# What the finding of an import that goes with another asks of it (``DEFERRED_BY_FIXES``).
_WHAT_ITS_FIX_DOES = {
    Status.DEFERRABLE: "moved",
    Status.UNUSED: "removed",
    Status.ANNOTATION_ONLY: "moved under `if TYPE_CHECKING:`",
}
