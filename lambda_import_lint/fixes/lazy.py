"""Applier of ``Fix("lazy-import")`` (LIL001 for py315 targets): the import stays where it is and
becomes a PEP 810 ``lazy import``, which loads the module at its first use."""

from __future__ import annotations

from lambda_import_lint.fixes.plan import Plan
from lambda_import_lint.fixes.syntax import alias_of
from lambda_import_lint.rules.base import Fix


def add(plan: Plan, fix: Fix) -> None:
    for index in fix.bindings:
        plan.lazy.add(alias_of(plan.facts.imports[index]))
