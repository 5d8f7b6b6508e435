"""Small LibCST helpers the fix appliers share: import statements, docstrings, blank lines."""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from lambda_import_lint.analysis.records import ImportBinding

IMPORTS = (cst.Import, cst.ImportFrom, cst.LazyImport, cst.LazyImportFrom)


def merge_leading_lines(removed: list[cst.EmptyLine], kept: list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Leading lines for the statement after removed ones: comments above a removed import stay
    (as ruff leaves them), and a blank line that separated blocks is not lost."""
    if any(line.comment is not None for line in removed):
        if kept and kept[0].comment is None:
            # The next statement brings its own blank lines: the removed ones would add to them.
            while removed and removed[-1].comment is None:
                removed = removed[:-1]
        return [*removed, *kept]
    return kept if kept else removed


def leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return statement.leading_lines


def alias_of(binding: ImportBinding) -> cst.ImportAlias:
    assert binding.alias is not None, "fixes never target star imports"
    return binding.alias


def with_names(statement: cst.BaseSmallStatement, names: list[cst.ImportAlias]) -> cst.BaseSmallStatement:
    """The import statement with only ``names`` (in their order), formatted as it was."""
    parenthesized = isinstance(statement, (cst.ImportFrom, cst.LazyImportFrom)) and statement.lpar is not None
    if not parenthesized:
        names = [*names[:-1], names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
        return statement.with_changes(names=names)
    assert isinstance(statement, (cst.ImportFrom, cst.LazyImportFrom)) and statement.rpar is not None
    original = statement.names
    assert not isinstance(original, cst.ImportStar)
    last = original[-1]
    if names[-1] is last:
        return statement.with_changes(names=names)
    # The new last name takes over the whitespace before `)` (the closing parenthesis stays where
    # it was) and keeps its own trailing comment: `DataFrame,  # rows` then `)` on its own line.
    closing = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else statement.rpar.whitespace_before
    comma = names[-1].comma
    own = comma.whitespace_after if isinstance(comma, cst.Comma) else None
    if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(closing, cst.ParenthesizedWhitespace):
        closing = own.with_changes(last_line=closing.last_line)
    new_comma = comma.with_changes(whitespace_after=closing) if isinstance(comma, cst.Comma) else cst.Comma(
        whitespace_after=closing
    )
    rpar = statement.rpar
    if not isinstance(last.comma, cst.Comma):
        rpar = rpar.with_changes(whitespace_before=cst.SimpleWhitespace(""))
    return statement.with_changes(names=[*names[:-1], names[-1].with_changes(comma=new_comma)], rpar=rpar)


def without_last_semicolon(statements: list[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
    return [*statements[:-1], statements[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]


def is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, IMPORTS) for small in statement.body
    )


def end_of_import_block(body: Sequence[cst.BaseStatement]) -> int:
    """Index just after the module's leading docstring and imports."""
    end = 0
    for index, statement in enumerate(body):
        if index == 0 and is_docstring(statement):
            end = 1
        elif is_import_line(statement):
            end = index + 1
        else:
            break
    return end


def insert_at_top(body: list[cst.BaseStatement], statement: cst.BaseStatement) -> list[cst.BaseStatement]:
    index = 1 if body and is_docstring(body[0]) else 0
    if index == 0 and body:
        # The file's leading comments (licence, shebang-adjacent notes) stay first.
        first = body[0]
        statement = statement.with_changes(leading_lines=leading_lines(first))
        body = [first.with_changes(leading_lines=[]), *body[1:]]
    return [*body[:index], statement, *body[index:]]


def newline_of(statement: cst.BaseStatement) -> cst.Newline | None:
    """The line ending of a statement's first line (files with mixed endings keep them local)."""
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.trailing_whitespace.newline
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return body.header.newline
    return None


def with_newline(statement: cst.BaseStatement, newline: cst.Newline | None) -> cst.BaseStatement:
    if newline is None or not isinstance(statement, cst.SimpleStatementLine):
        return statement
    return statement.with_changes(trailing_whitespace=statement.trailing_whitespace.with_changes(newline=newline))


def is_declaration_or_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Global, cst.Nonlocal, *IMPORTS)) for small in statement.body
    )


def lazy_form(statement: cst.BaseSmallStatement) -> cst.BaseSmallStatement:
    if isinstance(statement, cst.Import):
        return cst.LazyImport(names=statement.names, whitespace_after_import=statement.whitespace_after_import)
    if isinstance(statement, cst.ImportFrom):
        return cst.LazyImportFrom(
            module=statement.module,
            names=statement.names,
            relative=statement.relative,
            lpar=statement.lpar,
            rpar=statement.rpar,
            whitespace_after_from=statement.whitespace_after_from,
            whitespace_before_import=statement.whitespace_before_import,
            whitespace_after_import=statement.whitespace_after_import,
        )
    return statement
