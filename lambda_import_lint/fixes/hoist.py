"""Applier of ``Fix("hoist")`` (LIL102): an import inside a SnapStart or provisioned-concurrency
function moves to the module's import block, where INIT pays for it before traffic."""

from __future__ import annotations

import libcst as cst

from lambda_import_lint.fixes.plan import Plan
from lambda_import_lint.fixes.syntax import alias_of, end_of_import_block
from lambda_import_lint.rules.base import Fix
from lambda_import_lint.rules.messages import import_text


def add(plan: Plan, fix: Fix) -> None:
    local = plan.facts.function_imports[fix.binding]
    plan.drop.add(alias_of(local.binding))
    plan.local_lines.add(local.binding.line)
    text = import_text(local.binding)
    if text not in plan.hoisted:
        plan.hoisted.append(text)


def finish_module(plan: Plan, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """The hoisted imports, after the module's own import block."""
    if not plan.hoisted:
        return body
    anchor = end_of_import_block(body)
    new = [cst.parse_statement(text + "\n") for text in plan.hoisted]
    return [*body[:anchor], *new, *plan.spaced(body[anchor:])]
