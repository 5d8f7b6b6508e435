"""Apply Fix values with LibCST, verify the result, and repeat until nothing is left to fix.

A rewrite is accepted only if the new source parses, compiles (when the original did), leaves no
moved or removed name undefined where it is used, and converges: fixing the output again changes
nothing. Otherwise the source is returned untouched with the reason.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Sequence

import libcst as cst

from lambda_import_lint.api import Analysis, FileResult, analyse
from lambda_import_lint.config import Config
from lambda_import_lint.facts import ImportBinding, ModuleFacts, collect_facts, is_type_checking_test
from lambda_import_lint.rules.base import Finding, Fix, TextEdit
from lambda_import_lint.rules.messages import import_text

MAX_PASSES = 8  # a fix can enable another (as in ruff); more passes than this means a bug

_IMPORTS = (cst.Import, cst.ImportFrom, cst.LazyImport, cst.LazyImportFrom)


@dataclass(frozen=True)
class FixOutcome:
    source: bytes  # the fixed source, or the original when nothing was (or could be) fixed
    changed: bool
    fixed: int  # how many findings the rewrite fixed
    result: FileResult  # what remains after fixing
    failure: str | None = None  # why fixable findings were left unfixed


def fix_source(
    source: bytes,
    path: str,
    config: Config,
    declared: Sequence[str] = (),
    codes: frozenset[str] | None = None,
    unsafe: bool = False,
    warm: frozenset[str] = frozenset(),
) -> FixOutcome:
    current = source
    fixed = 0
    for _ in range(MAX_PASSES):
        analysis = analyse(current, path, config, declared, codes, warm=warm)
        if isinstance(analysis, FileResult):
            return FixOutcome(current, current != source, fixed, analysis)
        chosen = [f for f in analysis.result.findings if _wanted(f, unsafe)]
        if not chosen:
            return FixOutcome(current, current != source, fixed, analysis.result)
        try:
            rewritten = rewrite(analysis.facts, [f.fix for f in chosen if f.fix is not None])
        except Exception as error:  # a bug of ours must not cost the user the file
            return _untouched(source, path, config, declared, codes, warm, f"internal error while fixing: {error!r}")
        problem = verify(current, rewritten, analysis, chosen)
        if problem is not None:
            return _untouched(source, path, config, declared, codes, warm, problem)
        current = rewritten
        fixed += len(chosen)
    return _untouched(source, path, config, declared, codes, warm, f"fixes did not settle after {MAX_PASSES} passes")


def _wanted(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (finding.fix.safety == "safe" or unsafe)


def _untouched(
    source: bytes,
    path: str,
    config: Config,
    declared: Sequence[str],
    codes: frozenset[str] | None,
    warm: frozenset[str],
    reason: str,
) -> FixOutcome:
    result = analyse(source, path, config, declared, codes, warm=warm)
    file_result = result if isinstance(result, FileResult) else result.result
    return FixOutcome(source, False, 0, file_result, failure=reason)


def fix_edits(facts: ModuleFacts, fix: Fix) -> tuple[TextEdit, ...]:
    """The line edits that applying ``fix`` alone makes (for SARIF's ``fixes``)."""
    import difflib

    before = facts.module.code.splitlines(keepends=True)
    module = cst.parse_module(rewrite(facts, [fix]))
    after = module.code.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag != "equal":
            edits.append(TextEdit(first + 1, 1, last + 1, 1, "".join(after[new_first:new_last])))
    return tuple(edits)


# -- verification ---------------------------------------------------------------------------------


def verify(before: bytes, after: bytes, analysis: Analysis, chosen: Sequence[Finding]) -> str | None:
    """Why ``after`` must not replace ``before``, or None when it is sound."""
    try:
        module = cst.parse_module(after)
    except Exception as error:
        return f"the fixed code would not parse ({error.__class__.__name__})"
    # CPython before 3.15 cannot compile PEP 810 `lazy import`: LibCST's parse above vouches for it.
    lazy_syntax = any(f.fix is not None and f.fix.action == "lazy-import" for f in chosen)
    if (sys.version_info >= (3, 15) or not lazy_syntax) and _compiles(before) and not _compiles(after):
        return "the fixed code would not compile"
    facts = collect_facts(module, analysis.facts.postponed_annotations)
    for finding in chosen:
        assert finding.fix is not None
        name = _binding_of(analysis.facts, finding.fix).name
        if _bound_at_run_time(facts, name):
            continue
        for use in facts.uses.get(name, ()):
            if use.runtime:
                return f"`{name}` would be undefined where it is used"
    return None


def _binding_of(facts: ModuleFacts, fix: Fix) -> ImportBinding:
    if fix.action == "hoist":
        return facts.function_imports[fix.binding].binding
    return facts.imports[fix.binding]


def _compiles(source: bytes) -> bool:
    import warnings

    # The user's own code may warn (`"a" is 1`): not ours to print, under a made-up file name.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<fixed>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


def _bound_at_run_time(facts: ModuleFacts, name: str) -> bool:
    type_only = sum(1 for binding in facts.imports if binding.name == name and binding.type_checking)
    return facts.module_bindings.get(name, 0) > type_only


# -- rewriting ------------------------------------------------------------------------------------


def rewrite(facts: ModuleFacts, fixes: Sequence[Fix]) -> bytes:
    """All fixes of one module in one rewrite; returns the new source bytes."""
    plan = _Plan(facts)
    for fix in fixes:
        plan.add(fix)
    module = plan.rewrite_module_body(facts.module)
    if plan.inserts or plan.local_lines:
        module = module.visit(_FunctionRewriter(plan))
    return module.bytes


class _Plan:
    def __init__(self, facts: ModuleFacts) -> None:
        self.facts = facts
        self.drop: set[cst.ImportAlias] = set()
        self.lazy: set[cst.ImportAlias] = set()
        self.drop_guards: list[cst.BaseCompoundStatement] = []
        self.inserts: dict[cst.FunctionDef, list[cst.BaseStatement]] = {}
        self.type_checking: list[ImportBinding] = []
        self.future_annotations = False
        self.hoisted: list[str] = []  # import statements to add to the module's import block
        self.local_lines: set[cst.CSTNode] = set()  # function-level lines losing an import

    def add(self, fix: Fix) -> None:
        if fix.action == "hoist":
            local = self.facts.function_imports[fix.binding]
            self.drop.add(_alias(local.binding))
            self.local_lines.add(local.binding.line)
            text = import_text(local.binding)
            if text not in self.hoisted:
                self.hoisted.append(text)
            return
        binding = self.facts.imports[fix.binding]
        if fix.action == "lazy-import":
            self.lazy.add(_alias(binding))
            return
        if fix.action == "move-into-functions":
            targets = [self.facts.functions[index].node for index in fix.functions]
            if binding.guard is not None:
                if binding.guard in self.drop_guards:
                    return  # another binding of the same guard already moved it
                self.drop_guards.append(binding.guard)
                for target in targets:
                    self.inserts.setdefault(target, []).append(binding.guard)
                return
            self.drop.add(_alias(binding))
            for target in targets:
                self.inserts.setdefault(target, []).append(cst.parse_statement(import_text(binding) + "\n"))
            if fix.keep_for_annotations:
                self.type_checking.append(binding)
            return
        self.drop.add(_alias(binding))
        if fix.action == "type-checking":
            self.type_checking.append(binding)
            self.future_annotations |= fix.add_future_annotations

    def rewrite_module_body(self, module: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []  # comment lines of removed statements
        removed_at_top = False
        for statement in module.body:
            replacement = self._rewrite_statement(statement)
            if not replacement:
                carried.extend(_leading_lines(statement))
                removed_at_top |= not body
                continue
            first, *rest = replacement
            leading = _merge_leading_lines(carried, list(_leading_lines(first)))
            carried = []
            if removed_at_top and not body:
                while leading and leading[0].comment is None:
                    leading.pop(0)  # no blank lines left at the very top of the file
            if leading != list(_leading_lines(first)):
                first = self._with_leading_lines(first, leading)
            body.append(first)
            body.extend(rest)
        footer = [*(line for line in carried if line.comment is not None), *module.footer]
        if self.hoisted:
            anchor = _end_of_import_block(body)
            new = [cst.parse_statement(text + "\n") for text in self.hoisted]
            body = [*body[:anchor], *new, *self._spaced(body[anchor:])]
        if self.type_checking:
            body = self._add_type_checking_block(body)
        if self.future_annotations and not self.facts.postponed_annotations:
            body = _insert_at_top(body, cst.parse_statement("from __future__ import annotations\n"))
        return module.with_changes(body=body, footer=footer)

    def _rewrite_statement(self, statement: cst.BaseStatement) -> list[cst.BaseStatement]:
        if statement in self.drop_guards:
            return []
        if not isinstance(statement, cst.SimpleStatementLine):
            return [statement]
        kept: list[cst.BaseSmallStatement] = []
        made_lazy: list[cst.BaseSmallStatement] = []
        for small in statement.body:
            if not isinstance(small, _IMPORTS) or isinstance(small.names, cst.ImportStar):
                kept.append(small)
                continue
            names = list(small.names)
            remaining = [alias for alias in names if alias not in self.drop and alias not in self.lazy]
            lazy = [alias for alias in names if alias in self.lazy]
            if len(remaining) == len(names):
                kept.append(small)
                continue
            if remaining:
                kept.append(_with_names(small, remaining))
            if lazy:
                made_lazy.append(_lazy(_with_names(small, lazy)))
        if not made_lazy and len(kept) == len(statement.body) and all(a is b for a, b in zip(kept, statement.body)):
            return [statement]
        lines: list[cst.BaseStatement] = []
        if kept:
            lines.append(statement.with_changes(body=_without_last_semicolon(kept)))
        if made_lazy:
            lazy_line = statement.with_changes(body=_without_last_semicolon(made_lazy))
            if lines:
                lazy_line = lazy_line.with_changes(leading_lines=[])
            lines.append(lazy_line)
        return lines

    def _with_leading_lines(self, statement: cst.BaseStatement, lines: Sequence[cst.EmptyLine]) -> cst.BaseStatement:
        replacement = statement.with_changes(leading_lines=lines)
        if isinstance(statement, cst.FunctionDef) and statement in self.inserts:
            # The function rewriter finds defs by identity: follow the replacement.
            self.inserts[cst.ensure_type(replacement, cst.FunctionDef)] = self.inserts.pop(statement)
        return replacement

    def _spaced(self, rest: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        """The statements after an inserted block, the first one separated from it as PEP 8 asks
        (two blank lines before a def or class, one otherwise) if it has no blank line of its own."""
        if not rest or _leading_lines(rest[0]):
            return list(rest)
        blank = 2 if isinstance(rest[0], (cst.FunctionDef, cst.ClassDef)) else 1
        return [self._with_leading_lines(rest[0], [cst.EmptyLine()] * blank), *rest[1:]]

    def _add_type_checking_block(self, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        moved = [cst.parse_statement(import_text(binding) + "\n") for binding in self.type_checking]
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
        anchor = _end_of_import_block(body)
        new: list[cst.BaseStatement] = []
        # Bound at module scope after this rewrite? Another fix of the same pass may move it away.
        removed = sum(1 for b in self.facts.imports if b.name == "TYPE_CHECKING" and b.alias in self.drop)
        if self.facts.module_bindings.get("TYPE_CHECKING", 0) - removed <= 0:
            lines = [cst.EmptyLine()] if anchor else []
            new.append(cst.parse_statement("from typing import TYPE_CHECKING\n").with_changes(leading_lines=lines))
        new.append(
            cst.If(test=cst.Name("TYPE_CHECKING"), body=cst.IndentedBlock(body=moved), leading_lines=[cst.EmptyLine()])
        )
        return [*body[:anchor], *new, *self._spaced(body[anchor:])]


def _merge_leading_lines(removed: list[cst.EmptyLine], kept: list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Leading lines for the statement after removed ones: comments above a removed import stay
    (as ruff leaves them), and a blank line that separated blocks is not lost."""
    if any(line.comment is not None for line in removed):
        return [*removed, *kept]
    return kept if kept else removed


def _leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return statement.leading_lines


def _alias(binding: ImportBinding) -> cst.ImportAlias:
    assert binding.alias is not None, "fixes never target star imports"
    return binding.alias


def _with_names(statement: cst.BaseSmallStatement, names: list[cst.ImportAlias]) -> cst.BaseSmallStatement:
    parenthesized = isinstance(statement, (cst.ImportFrom, cst.LazyImportFrom)) and statement.lpar is not None
    if not parenthesized:
        names = [*names[:-1], names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return statement.with_changes(names=names)


def _lazy(statement: cst.BaseSmallStatement) -> cst.BaseSmallStatement:
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


def _without_last_semicolon(statements: list[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
    return [*statements[:-1], statements[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, _IMPORTS) for small in statement.body
    )


def _end_of_import_block(body: Sequence[cst.BaseStatement]) -> int:
    """Index just after the module's leading docstring and imports."""
    end = 0
    for index, statement in enumerate(body):
        if index == 0 and _is_docstring(statement):
            end = 1
        elif _is_import_line(statement):
            end = index + 1
        else:
            break
    return end


def _insert_at_top(body: list[cst.BaseStatement], statement: cst.BaseStatement) -> list[cst.BaseStatement]:
    index = 1 if body and _is_docstring(body[0]) else 0
    if index == 0 and body:
        # The file's leading comments (licence, shebang-adjacent notes) stay first.
        first = body[0]
        statement = statement.with_changes(leading_lines=_leading_lines(first))
        body = [first.with_changes(leading_lines=[]), *body[1:]]
    return [*body[:index], statement, *body[index:]]


class _FunctionRewriter(cst.CSTTransformer):
    """Adds statements at the top of function bodies (after the docstring, ``global``/``nonlocal``
    declarations and the function's own imports, before any other code) and removes hoisted
    imports from them."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.inserts = plan.inserts

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        if original_node not in self.plan.local_lines:
            return updated_node
        kept = self.plan._rewrite_statement(original_node)
        return kept[0] if kept else cst.RemovalSentinel.REMOVE

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not updated_node.body:  # a body whose only statement was hoisted
            return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])
        return updated_node

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        statements = self.inserts.get(original_node)
        if not statements:
            return updated_node
        body = updated_node.body
        if isinstance(body, cst.SimpleStatementSuite):  # def f(): return x  →  a block
            line = cst.SimpleStatementLine(body=_without_last_semicolon(list(body.body)))
            header = body.trailing_whitespace
            if header.comment is not None and not header.whitespace.value:
                header = header.with_changes(whitespace=cst.SimpleWhitespace("  "))
            body = cst.IndentedBlock(body=[line], header=header)
        assert isinstance(body, cst.IndentedBlock)
        existing = list(body.body)
        position = 0
        if existing and _is_docstring(existing[0]):
            position = 1
        while position < len(existing) and _is_declaration_or_import(existing[position]):
            position += 1
        newline = _newline_of(existing[position]) if position < len(existing) else None
        new = [_with_newline(statement.with_changes(leading_lines=[]), newline) for statement in statements]
        block = body.with_changes(body=[*existing[:position], *new, *existing[position:]])
        return updated_node.with_changes(body=block)


def _newline_of(statement: cst.BaseStatement) -> cst.Newline | None:
    """The line ending of a statement's first line (files with mixed endings keep them local)."""
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.trailing_whitespace.newline
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return body.header.newline
    return None


def _with_newline(statement: cst.BaseStatement, newline: cst.Newline | None) -> cst.BaseStatement:
    if newline is None or not isinstance(statement, cst.SimpleStatementLine):
        return statement
    return statement.with_changes(trailing_whitespace=statement.trailing_whitespace.with_changes(newline=newline))


def _is_declaration_or_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Global, cst.Nonlocal, *_IMPORTS)) for small in statement.body
    )
