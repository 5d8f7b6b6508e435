"""Wording shared by rule messages and fix titles."""

from __future__ import annotations

from typing import Iterable

import libcst as cst

from lambda_import_lint.catalogue import HeavyModules
from lambda_import_lint.facts import FunctionInfo, ImportBinding


def cost(module: str, heavy: HeavyModules) -> str:
    """The module's reference import cost, for a parenthesis after its name: "~330 ms", or "cost
    unknown" for a module made heavy by configuration that the catalogue does not time."""
    ms = heavy.cost_ms(module)
    return f"~{ms} ms" if ms is not None else "cost unknown"


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


def function_list(functions: Iterable[FunctionInfo]) -> str:
    names = [f"`{function.qualname}`" for function in functions]
    if len(names) <= 3:
        return ", ".join(names)
    return ", ".join(names[:3]) + f" and {len(names) - 3} more"


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
