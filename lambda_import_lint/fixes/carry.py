"""What travels with an import that moves: the statement as it was written (one statement for the
names that move together, parentheses and the comments inside them kept), and, when the whole
line moves, its trailing comment and the comment lines directly above it (no blank line between).
A reviewer reads ``import pandas as pd  # only the export path`` in its new place, not a comment
left dangling where the import was.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from lambda_import_lint.analysis.records import ImportBinding
from lambda_import_lint.fixes.syntax import leading_lines, with_names


def attached_comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    """The comment lines directly above a statement: the last run of its leading lines with no
    blank line between them and the statement."""
    lines = list(leading_lines(statement))
    start = len(lines)
    while start and lines[start - 1].comment is not None:
        start -= 1
    return lines[start:]


def without_attached_comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    """The leading lines of a statement that stay when it moves away (blank lines, and comments
    separated from it by one)."""
    lines = list(leading_lines(statement))
    return lines[: len(lines) - len(attached_comments(statement))]


def moves_whole_line(bindings: Sequence[ImportBinding]) -> bool:
    """Whether these bindings are every name of their line's only statement."""
    first = bindings[0]
    line = first.line
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return False
    statement = first.statement
    if isinstance(statement.names, cst.ImportStar):
        return False
    return {id(alias) for alias in statement.names} == {id(binding.alias) for binding in bindings}


def moved_statement(bindings: Sequence[ImportBinding]) -> cst.SimpleStatementLine:
    """One import statement for bindings of one statement, formatted as the original; with the
    line's comments when the whole line moves."""
    first = bindings[0]
    statement = first.statement
    assert not isinstance(statement.names, cst.ImportStar), "fixes never move star imports"
    moving = {id(binding.alias) for binding in bindings}
    aliases = [alias for alias in statement.names if id(alias) in moving]
    small = with_names(statement, aliases) if len(aliases) != len(statement.names) else statement
    small = small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    if moves_whole_line(bindings):
        line = cst.ensure_type(first.line, cst.SimpleStatementLine)
        return line.with_changes(body=[small], leading_lines=attached_comments(line))
    return cst.SimpleStatementLine(body=[small])


def statements_for(bindings: Sequence[ImportBinding]) -> list[cst.SimpleStatementLine]:
    """One statement per original statement, for bindings listed in any order (the copies kept
    under ``if TYPE_CHECKING:``), without the line's comments: those travel with the move."""
    groups: dict[int, list[ImportBinding]] = {}
    for binding in bindings:
        groups.setdefault(id(binding.statement), []).append(binding)
    statements = []
    for group in groups.values():
        statement = moved_statement(group)
        statements.append(
            statement.with_changes(leading_lines=[], trailing_whitespace=cst.TrailingWhitespace())
        )
    return statements
