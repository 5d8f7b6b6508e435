"""Applier of ``Fix("remove")`` (LIL002): the unused import is dropped; comments above it stay."""

from __future__ import annotations

from lambda_import_lint.fixes.plan import Plan
from lambda_import_lint.fixes.syntax import alias_of
from lambda_import_lint.rules.base import Fix


def add(plan: Plan, fix: Fix) -> None:
    for index in fix.bindings:
        plan.drop.add(alias_of(plan.facts.imports[index]))
