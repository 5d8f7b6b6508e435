"""The collector: one walk over a module's LibCST tree, its visits grouped by concern.

| module | what its visits record |
|---|---|
| ``walk_base.py`` | the walk's state and dispatch; scopes, bindings, uses, call records |
| ``walk_statements.py`` | assignments, ``__all__``, ``global``; main-path conditionality of control flow |
| ``walk_imports.py`` | module-scope import bindings, imports inside functions |
| ``walk_definitions.py`` | functions, classes, lambdas, comprehensions and the scopes they open |
| ``walk_expressions.py`` | names, conditional operands, string annotations, calls, dynamic access |

Nothing is resolved during the walk: ``resolve.py`` ties each use and call to its binding when
every scope is complete (as pyflakes does in ``checkDeadScopes``).
"""

from __future__ import annotations

from lambda_import_lint.analysis.walk_definitions import DefinitionVisits
from lambda_import_lint.analysis.walk_expressions import ExpressionVisits
from lambda_import_lint.analysis.walk_imports import ImportVisits
from lambda_import_lint.analysis.walk_statements import StatementVisits


class Collector(StatementVisits, ImportVisits, DefinitionVisits, ExpressionVisits):
    """Walks a module once; child order and scope are controlled by hand where they matter."""
