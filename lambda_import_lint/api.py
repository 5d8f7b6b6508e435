"""The public Python API: check or fix one module's source, as the command line does.

A thin adapter like ``cli.py``: it builds a ``Request`` from keyword arguments and calls the
engine (``engine/check.py``) or the fixer (``fixes/fixer.py``).

    >>> from lambda_import_lint.api import check_source
    >>> check_source(b"import pandas\\n\\ndef handler(event, context):\\n    pass\\n", "app.py").findings
"""

from __future__ import annotations

from typing import Sequence

from lambda_import_lint.config import Config
from lambda_import_lint.engine import check
from lambda_import_lint.engine.request import Request
from lambda_import_lint.engine.results import Analysis, FileResult
from lambda_import_lint.fixes.fixer import FixOutcome, fix_source as _fix_source


def check_source(
    source: bytes | str,
    path: str,
    config: Config | None = None,
    declared: Sequence[str] = (),
    codes: frozenset[str] | None = None,
    noqa: bool = True,
    warm: frozenset[str] = frozenset(),
) -> FileResult:
    """Lint one module. ``declared``: handler functions known from config or deployment files;
    ``codes``: the selected rules (default: from the config); ``warm``: declared handlers with
    SnapStart or provisioned concurrency."""
    request = Request(path, config or Config(), tuple(declared), warm, codes, noqa)
    return check.check_source(source, request)


def analyse(source: bytes | str, path: str, config: Config | None = None) -> Analysis | FileResult:
    """The parsed module, its facts and its result (a FileResult alone when it was not parsed)."""
    return check.analyse(source, Request(path, config or Config()))


def fix_source(
    source: bytes,
    path: str,
    config: Config | None = None,
    declared: Sequence[str] = (),
    codes: frozenset[str] | None = None,
    unsafe: bool = False,
    warm: frozenset[str] = frozenset(),
) -> FixOutcome:
    """Apply the module's safe fixes (and unsafe ones with ``unsafe``); writes nothing."""
    return _fix_source(source, Request(path, config or Config(), tuple(declared), warm, codes), unsafe)


__all__ = ["Analysis", "Config", "FileResult", "FixOutcome", "Request", "analyse", "check_source", "fix_source"]
