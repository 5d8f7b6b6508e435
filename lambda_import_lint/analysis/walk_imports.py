"""Import statements: module-scope ``ImportBinding``s and the imports inside functions.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from lambda_import_lint.analysis.records import ImportBinding, ImportStatement
from lambda_import_lint.analysis.syntax import dotted_name, relative_prefix
from lambda_import_lint.analysis.walk_base import WalkerBase


class ImportVisits(WalkerBase):
    """Visits of import statements."""

    def _record_import(self, node: ImportStatement) -> None:
        at_module = self.scope.kind == "module"
        lazy = isinstance(node, (cst.LazyImport, cst.LazyImportFrom))
        if isinstance(node, (cst.Import, cst.LazyImport)):
            for alias in node.names:
                module = dotted_name(alias.name) or ""
                if alias.asname is not None:
                    name = cst.ensure_type(alias.asname.name, cst.Name).value
                    qualified = module
                else:
                    name = module.split(".")[0]
                    qualified = name
                self._import_binding(node, alias, name, module, qualified, at_module, lazy)
            return
        module = relative_prefix(node) + ((dotted_name(node.module) or "") if node.module else "")
        if module == "__future__" and isinstance(node.names, Sequence):
            if any(alias.name.value == "annotations" for alias in node.names if isinstance(alias.name, cst.Name)):
                self.postponed = True
            return
        if isinstance(node.names, cst.ImportStar):
            if at_module:
                self._import_binding(node, None, "*", module, module + ".*", at_module, lazy)
            return
        separator = "" if module.endswith(".") else "."
        for alias in node.names:
            imported = dotted_name(alias.name) or ""
            name = cst.ensure_type(alias.asname.name, cst.Name).value if alias.asname else imported
            self._import_binding(node, alias, name, module, module + separator + imported, at_module, lazy)

    def _import_binding(
        self,
        node: ImportStatement,
        alias: cst.ImportAlias | None,
        name: str,
        module: str,
        qualified: str,
        at_module: bool,
        lazy: bool,
    ) -> None:
        if name != "*":
            self.bind(name)
        if self.current_line is None:
            return
        if not at_module:
            if self.scope.kind == "function" and self.function is not None and alias is not None:
                binding = ImportBinding(
                    name, module, qualified, node, self.current_line, alias, lazy, None, False, False
                )
                self.function_imports.append((self.function, binding, self.scope))
            return
        self.imports.append(
            ImportBinding(
                name=name,
                module=module,
                qualified=qualified,
                statement=node,
                line=self.current_line,
                alias=alias,
                lazy=lazy,
                guard=self.guard,
                type_checking=self.type_checking,
                guarded_by_import_error=self.import_error_guard,
            )
        )

    def visit_Import(self, node: cst.Import) -> bool:
        self._record_import(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._record_import(node)
        return False

    def visit_LazyImport(self, node: cst.LazyImport) -> bool:
        self._record_import(node)
        return False

    def visit_LazyImportFrom(self, node: cst.LazyImportFrom) -> bool:
        self._record_import(node)
        return False
