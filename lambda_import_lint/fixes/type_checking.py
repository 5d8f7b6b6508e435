"""Applier of ``Fix("type-checking")`` (LIL003): the import moves under ``if TYPE_CHECKING:``
(an existing block, or a new one after the import block), with ``from __future__ import
annotations`` when annotations naming it would otherwise be evaluated."""

from __future__ import annotations

import libcst as cst

from lambda_import_lint.analysis.syntax import is_type_checking_test
from lambda_import_lint.fixes.carry import statements_for
from lambda_import_lint.fixes.plan import Plan
from lambda_import_lint.fixes.syntax import alias_of, end_of_import_block, insert_at_top
from lambda_import_lint.rules.base import Fix


def add(plan: Plan, fix: Fix) -> None:
    for index in fix.bindings:
        binding = plan.facts.imports[index]
        plan.drop.add(alias_of(binding))
        plan.type_checking.append(binding)
    plan.future_annotations |= fix.add_future_annotations


def finish_module(plan: Plan, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """The ``TYPE_CHECKING`` block (of this fix, or of a move that keeps a copy for annotations)
    and the ``__future__`` import."""
    if plan.type_checking:
        body = _add_block(plan, body)
    if plan.future_annotations and not plan.facts.postponed_annotations:
        body = insert_at_top(body, cst.parse_statement("from __future__ import annotations\n"))
    return body


def _add_block(plan: Plan, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    moved: list[cst.BaseStatement] = list(statements_for(plan.type_checking))
    for index, statement in enumerate(body):
        if (
            isinstance(statement, cst.If)
            and is_type_checking_test(statement.test)
            and statement.orelse is None
            and isinstance(statement.body, cst.IndentedBlock)
        ):
            # First in the block: code in the block may already use the names.
            block = statement.body.with_changes(body=[*moved, *statement.body.body])
            return [*body[:index], statement.with_changes(body=block), *body[index + 1:]]
    anchor = end_of_import_block(body)
    new: list[cst.BaseStatement] = []
    # Bound at module scope after this rewrite? Another fix of the same pass may move it away.
    removed = sum(1 for b in plan.facts.imports if b.name == "TYPE_CHECKING" and b.alias in plan.drop)
    if plan.facts.module_bindings.get("TYPE_CHECKING", 0) - removed <= 0:
        lines = [cst.EmptyLine()] if anchor else []
        new.append(cst.parse_statement("from typing import TYPE_CHECKING\n").with_changes(leading_lines=lines))
    new.append(
        cst.If(test=cst.Name("TYPE_CHECKING"), body=cst.IndentedBlock(body=moved), leading_lines=[cst.EmptyLine()])
    )
    return [*body[:anchor], *new, *plan.spaced(body[anchor:])]
