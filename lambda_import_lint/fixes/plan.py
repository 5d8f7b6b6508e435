"""The plan of one module's fixes, and the two passes every applier shares: the module body (drop
or convert import statements, keep their comments) and function bodies (add statements at the top,
drop imports hoisted out).
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from lambda_import_lint.analysis.records import ImportBinding, ModuleFacts
from lambda_import_lint.fixes.carry import attached_comments, without_attached_comments
from lambda_import_lint.fixes.syntax import (
    IMPORTS,
    is_declaration_or_import,
    is_docstring,
    lazy_form,
    leading_lines,
    merge_leading_lines,
    newline_of,
    with_names,
    with_newline,
    without_last_semicolon,
)


class Plan:
    """What the fixes of one module change, collected before anything is rewritten: each applier
    (``move.py``, ``lazy.py``, ``type_checking.py``, ``hoist.py``, ``remove.py``) adds to it, then
    ``rewrite.py`` rewrites the module once."""

    def __init__(self, facts: ModuleFacts) -> None:
        self.facts = facts
        self.drop: set[cst.ImportAlias] = set()
        self.lazy: set[cst.ImportAlias] = set()
        self.drop_guards: list[cst.BaseCompoundStatement] = []
        self.inserts: dict[cst.FunctionDef, list[cst.BaseStatement]] = {}
        # Statements for the top of a conditional block (an `if`/`except`/`case` body), by node.
        self.block_inserts: dict[cst.BaseSuite, list[cst.BaseStatement]] = {}
        self.type_checking: list[ImportBinding] = []
        self.future_annotations = False
        self.hoisted: list[str] = []  # import statements to add to the module's import block
        self.local_lines: set[cst.CSTNode] = set()  # function-level lines losing an import
        # Module-level statements that moved whole: the comments directly above them (and a line's
        # trailing comment) went with them, so the module body does not keep them.
        self.comments_moved: set[cst.BaseStatement | cst.SimpleStatementSuite] = set()
        # move.py: bindings of one statement moving to the same functions, and which inserted
        # statement holds them (by id: LibCST nodes compare by value), to merge later fixes in.
        self.moved_together: dict[tuple[int, tuple[int, ...], tuple[int, ...]], list[ImportBinding]] = {}
        self.moved_from: dict[int, tuple[int, tuple[int, ...], tuple[int, ...]]] = {}

    def rewrite_module_body(self, module: cst.Module) -> cst.Module:
        """The module with the planned imports dropped or made lazy, and the comments above
        removed statements kept."""
        body: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []  # comment lines of removed statements
        removed_at_top = False
        for statement in module.body:
            replacement = self.rewrite_statement(statement)
            if not replacement:
                moved = statement in self.comments_moved
                carried.extend(without_attached_comments(statement) if moved else leading_lines(statement))
                removed_at_top |= not body
                continue
            first, *rest = replacement
            leading = merge_leading_lines(carried, list(leading_lines(first)))
            carried = []
            if removed_at_top and not body:
                while leading and leading[0].comment is None:
                    leading.pop(0)  # no blank lines left at the very top of the file
            if leading != list(leading_lines(first)):
                first = self.with_leading_lines(first, leading)
            body.append(first)
            body.extend(rest)
        footer = [*(line for line in carried if line.comment is not None), *module.footer]
        return module.with_changes(body=body, footer=footer)

    def rewrite_statement(self, statement: cst.BaseStatement) -> list[cst.BaseStatement]:
        if statement in self.drop_guards:
            return []
        if not isinstance(statement, cst.SimpleStatementLine):
            return [statement]
        kept: list[cst.BaseSmallStatement] = []
        made_lazy: list[cst.BaseSmallStatement] = []
        for small in statement.body:
            if not isinstance(small, IMPORTS) or isinstance(small.names, cst.ImportStar):
                kept.append(small)
                continue
            names = list(small.names)
            remaining = [alias for alias in names if alias not in self.drop and alias not in self.lazy]
            lazy = [alias for alias in names if alias in self.lazy]
            if len(remaining) == len(names):
                kept.append(small)
                continue
            if remaining:
                kept.append(with_names(small, remaining))
            if lazy:
                made_lazy.append(lazy_form(with_names(small, lazy)))
        if not made_lazy and len(kept) == len(statement.body) and all(a is b for a, b in zip(kept, statement.body)):
            return [statement]
        lines: list[cst.BaseStatement] = []
        if kept:
            lines.append(statement.with_changes(body=without_last_semicolon(kept)))
        if made_lazy:
            lazy_line = statement.with_changes(body=without_last_semicolon(made_lazy))
            if lines:
                lazy_line = lazy_line.with_changes(leading_lines=[])
            lines.append(lazy_line)
        return lines

    def with_leading_lines(self, statement: cst.BaseStatement, lines: Sequence[cst.EmptyLine]) -> cst.BaseStatement:
        replacement = statement.with_changes(leading_lines=lines)
        if isinstance(statement, cst.FunctionDef) and statement in self.inserts:
            # The function rewriter finds defs by identity: follow the replacement.
            self.inserts[cst.ensure_type(replacement, cst.FunctionDef)] = self.inserts.pop(statement)
        return replacement

    def spaced(self, rest: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        """The statements after an inserted block, the first one separated from it as PEP 8 asks
        (two blank lines before a def or class, one otherwise) if it has no blank line of its own."""
        if not rest or leading_lines(rest[0]):
            return list(rest)
        blank = 2 if isinstance(rest[0], (cst.FunctionDef, cst.ClassDef)) else 1
        return [self.with_leading_lines(rest[0], [cst.EmptyLine()] * blank), *rest[1:]]


class FunctionRewriter(cst.CSTTransformer):
    """Adds statements at the top of function bodies (after the docstring, ``global``/``nonlocal``
    declarations and the function's own imports, before any other code) and of conditional blocks
    inside them, and removes hoisted imports from them."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.inserts = plan.inserts

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        if original_node not in self.plan.local_lines:
            return updated_node
        kept = self.plan.rewrite_statement(original_node)
        return kept[0] if kept else cst.RemovalSentinel.REMOVE

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        statements = self.plan.block_inserts.get(original_node)
        if statements:
            return _with_statements_at_top(updated_node, statements, after_declarations=False)
        if not updated_node.body:  # a body whose only statement was hoisted
            return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])
        return updated_node

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.BaseSuite:
        statements = self.plan.block_inserts.get(original_node)
        if not statements:
            return updated_node
        return _with_statements_at_top(as_block(updated_node), statements, after_declarations=False)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        statements = self.inserts.get(original_node)
        if not statements:
            return updated_node
        body = updated_node.body
        if isinstance(body, cst.SimpleStatementSuite):  # def f(): return x  →  a block
            body = as_block(body)
        assert isinstance(body, cst.IndentedBlock)
        return updated_node.with_changes(body=_with_statements_at_top(body, statements, after_declarations=True))


def as_block(suite: cst.SimpleStatementSuite) -> cst.IndentedBlock:
    """``if x: return y`` → the same statements as an indented block."""
    line = cst.SimpleStatementLine(body=without_last_semicolon(list(suite.body)))
    header = suite.trailing_whitespace
    if header.comment is not None and not header.whitespace.value:
        header = header.with_changes(whitespace=cst.SimpleWhitespace("  "))
    return cst.IndentedBlock(body=[line], header=header)


def _with_statements_at_top(
    body: cst.IndentedBlock, statements: Sequence[cst.BaseStatement], after_declarations: bool
) -> cst.IndentedBlock:
    """``statements`` first in the block; in a function body, after its docstring and its
    ``global``/``nonlocal`` declarations and imports."""
    existing = list(body.body)
    position = 0
    if after_declarations:
        if existing and is_docstring(existing[0]):
            position = 1
        while position < len(existing) and is_declaration_or_import(existing[position]):
            position += 1
    newline = newline_of(existing[position]) if position < len(existing) else None
    # An inserted statement keeps only the comments directly above it (see carry.py).
    new = [
        with_newline(statement.with_changes(leading_lines=attached_comments(statement)), newline)
        for statement in statements
    ]
    return body.with_changes(body=[*existing[:position], *new, *existing[position:]])
