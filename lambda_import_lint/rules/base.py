"""What a rule is and what it produces: Finding and Fix values, and the context rules read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Literal, Mapping, Sequence, cast

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import CodeRange

    from lambda_import_lint.analysis.external_references import Reference
    from lambda_import_lint.analysis.records import FunctionInfo, ModuleFacts
    from lambda_import_lint.catalogue import HeavyModules
    from lambda_import_lint.config import Config
    from lambda_import_lint.judgement.assessment import Assessment

Safety = Literal["safe", "unsafe"]
FixAction = Literal["move-into-functions", "lazy-import", "remove", "type-checking", "hoist"]


@dataclass(frozen=True)
class TextEdit:
    """Replace the text from (line, column) up to (end_line, end_column), 1-based, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class Fix:
    """A rewrite, as data. Bindings and functions are indexes into the module's facts, which are
    deterministic for a given source, so a fix can be applied later (or in another process)."""

    action: FixAction
    safety: Safety
    title: str
    binding: int  # index into ModuleFacts.imports (hoist: into ModuleFacts.function_imports)
    functions: tuple[int, ...] = ()  # indexes into ModuleFacts.functions (move: to their tops)
    blocks: tuple[int, ...] = ()  # indexes into ModuleFacts.branches (move: to the top of those blocks)
    add_future_annotations: bool = False  # type-checking: also postpone annotations (PEP 563)
    keep_for_annotations: bool = False  # move-into-functions: also import under TYPE_CHECKING
    # Other bindings of the same import statement that this fix takes along (``from pandas
    # import DataFrame, Series`` moves as one statement): see ``rules/grouping.py``.
    more_bindings: tuple[int, ...] = ()
    edits: tuple[TextEdit, ...] = ()  # filled on request (SARIF), by applying this fix alone

    @property
    def bindings(self) -> tuple[int, ...]:
        """Every binding the fix covers, the one it is reported at first."""
        return (self.binding, *self.more_bindings)

    def to_json(self) -> dict[str, str]:
        return {"safety": self.safety, "title": self.title}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    fix: Fix | None = None
    noqa_lines: tuple[int, int] = (0, 0)  # the statement's lines: a `# noqa` on any of them applies
    no_fix_reason: str | None = None  # why a finding that could have a fix has none

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.column, self.code)


@dataclass(frozen=True)
class Example:
    """A rule example: tests run every one, and the rule's doc page shows the first invalid one."""

    source: str
    findings: tuple[int, ...] = ()  # lines the rule reports; empty for a valid example
    fixed: str | None = None  # the source after `--fix` (and `--unsafe-fixes` when the fix is unsafe)
    settings: Mapping[str, object] = field(default_factory=dict)  # kebab-case config keys
    id: str = ""
    files: Mapping[str, str] = field(default_factory=dict)  # other files beside the module (LIL004)


@dataclass(frozen=True)
class Rule:
    """One entry of the registry: identity, docs, examples and the check itself."""

    code: str
    name: str
    summary: str
    what: str
    why: str
    fix_safety: str
    options: tuple[str, ...]
    check: Callable[[RuleContext], Iterable[Finding]]
    invalid: tuple[Example, ...]
    valid: tuple[Example, ...]
    default_enabled: bool = True


@dataclass
class RuleContext:
    """Everything a rule may read about one module. Rules do no I/O."""

    path: str
    facts: ModuleFacts
    config: Config
    handlers: tuple[FunctionInfo, ...]  # functions Lambda calls (empty in library mode)
    library_mode: bool  # every function is an entry point; LIL001 uses `defer all`
    assessment: Assessment
    statement_lines: Sequence[int] | None = None  # first line of each module-level statement
    # LIL001: what reaches an import's name through the module object (tests patching
    # `app.requests`, `sys.modules[__name__]`…), by import index; searched only for deferrable imports.
    outside_references: Mapping[int, tuple[Reference, ...]] = field(default_factory=dict)
    _line_offsets: dict[cst.BaseStatement, int] | None = None
    _positions: dict[cst.BaseStatement, Mapping[cst.CSTNode, CodeRange]] = field(default_factory=dict)

    @property
    def heavy(self) -> HeavyModules:
        """The heavy modules and their figures as the judgement used them (`Assessment.heavy`)."""
        return self.assessment.heavy or self.config.heavy

    def finding(
        self,
        code: str,
        node: cst.CSTNode,
        message: str,
        fix: Fix | str | None = None,
        statement: cst.CSTNode | None = None,
        top: cst.BaseStatement | None = None,
    ) -> Finding:
        """A finding at ``node``; ``fix`` is a Fix, or a string saying why there is none.
        ``statement``: the lines a ``# noqa`` may sit on; ``top``: the module-level statement
        holding ``node`` (positions are computed for that statement only)."""
        top = top if top is not None else self._top_of(statement or node)
        start, end = self._span(node, top)
        noqa_start, noqa_end = self._span(statement, top) if statement is not None else (start, end)
        return Finding(
            code=code,
            message=message,
            line=start[0],
            column=start[1] + 1,
            end_line=end[0],
            end_column=end[1] + 1,
            fix=fix if isinstance(fix, Fix) else None,
            noqa_lines=(noqa_start[0], noqa_end[0]),
            no_fix_reason=fix if isinstance(fix, str) else None,
        )

    def line_of(self, node: cst.CSTNode, top: cst.BaseStatement) -> int:
        """The 1-based line ``node`` starts on (``top``: the module-level statement holding it)."""
        return self._span(node, top)[0][0]

    def _top_of(self, node: cst.CSTNode) -> cst.BaseStatement:
        if node in self.facts.module.body:
            return node  # type: ignore[return-value]
        raise ValueError("finding() needs the module-level statement that holds the node")

    def _span(self, node: cst.CSTNode, top: cst.BaseStatement) -> tuple[tuple[int, int], tuple[int, int]]:
        # LibCST's PositionProvider over a whole module costs more than parsing it (measured:
        # 9.6 s against 7.1 s for 1 MB), yet only a few nodes are ever reported. So positions are
        # computed within the one module-level statement that holds the node, and shifted by the
        # number of lines before that statement (from a plain codegen, much cheaper).
        positions = self._positions.get(top)
        if positions is None:
            module = self.facts.module
            alone = module.with_changes(body=[top], header=[], footer=[])
            positions = self._positions[top] = _positions_of(alone)
        offset = self._lines_before(top)
        code_range = positions[node]
        return (
            (code_range.start.line + offset, code_range.start.column),
            (code_range.end.line + offset, code_range.end.column),
        )

    def _lines_before(self, top: cst.BaseStatement) -> int:
        if self._line_offsets is None:
            module = self.facts.module
            offsets: dict[cst.BaseStatement, int] = {}
            if self.statement_lines is not None:
                # The stdlib parser already knows where each statement starts; LibCST's positions
                # within the statement also count its leading blank and comment lines.
                for statement, first in zip(module.body, self.statement_lines):
                    offsets[statement] = first - 1 - len(getattr(statement, "leading_lines", ()))
            else:
                line = len(module.header)
                for statement in module.body:
                    offsets[statement] = line
                    line += _count_lines(module.code_for_node(statement))
            self._line_offsets = offsets
        return self._line_offsets[top]


def _count_lines(code: str) -> int:
    return code.count("\n") + code.count("\r") - code.count("\r\n")


def _positions_of(module: cst.Module, private: bool = True) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position in ``module``. The provider runs on its own (``MetadataWrapper.resolve``
    would also walk the whole statement once for batchable providers, of which there are none here:
    as long again); that uses two private members of LibCST's, so a LibCST that no longer has them
    gets the public way, slower but the same."""
    import libcst.metadata as metadata

    provider = metadata.PositionProvider()
    if private and hasattr(provider, "_gen_impl") and hasattr(provider, "_computed"):
        provider._gen_impl(module)
        return cast("Mapping[cst.CSTNode, CodeRange]", provider._computed)
    wrapper = metadata.MetadataWrapper(module, unsafe_skip_copy=True)
    return cast("Mapping[cst.CSTNode, CodeRange]", wrapper.resolve(metadata.PositionProvider))
