"""Facts about one module, gathered in a single pass over its LibCST tree.

Nothing here judges: the walk (``walker.py``) records module-scope imports, every function, every
name use with the scope it resolves in, calls between functions and whether each use or call sits
on its function's *main path* (runs whenever the function runs); ``resolve.py`` ties them together
once every scope is complete. The records are in ``records.py``; ``judgement/`` reads them.
"""

from __future__ import annotations

import libcst as cst

from lambda_import_lint.analysis.records import ModuleFacts
from lambda_import_lint.analysis.resolve import resolve
from lambda_import_lint.analysis.walker import Collector


def collect_facts(module: cst.Module, postponed_annotations: bool = False) -> ModuleFacts:
    """Gather the facts of ``module``; ``postponed_annotations`` for targets ≥ py314 (PEP 649)."""
    collector = Collector(postponed_annotations)
    collector.walk(module)
    return resolve(module, collector)
