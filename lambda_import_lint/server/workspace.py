"""What the language server knows between requests, without the protocol: each folder's
configuration and handler declarations (found as ``check`` finds them, then kept until a watched
file changes), and linting and fixing one buffer's text. No pygls here.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lambda_import_lint.config import Config, ConfigError, discover
from lambda_import_lint.engine.request import Request
from lambda_import_lint.engine.results import FileResult

if TYPE_CHECKING:
    from lambda_import_lint.discovery.declarations import Declarations
    from lambda_import_lint.rules.base import Finding


@dataclass(frozen=True)
class Linted:
    """One buffer's text and what checking it found (``error``: it could not be checked)."""

    text: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    request: Request | None = None
    # The buffer after each fix computed so far (None: that fix cannot be applied), by finding
    # index or "all"/"all-unsafe": an editor asks for the actions on every cursor move.
    fixed: dict[int | str, str | None] = field(default_factory=dict, compare=False)


class Project:
    """Settings and handler declarations per folder, read once and kept until ``forget``: the
    server re-reads them when a ``pyproject.toml`` or a deployment file changes."""

    def __init__(self) -> None:
        self._configs: dict[str, Config] = {}
        self._declarations: dict[str, Declarations] = {}
        self.messages: list[str] = []  # configuration warnings not yet shown to the user

    def forget(self) -> None:
        """Drop what was read from disk: settings, declarations, and the other modules."""
        self._configs.clear()
        self._declarations.clear()
        self.forget_modules()

    def forget_modules(self) -> None:
        """Drop what the analysis read of other modules (local modules for LIL004, files that
        patch a module's names): a ``.py`` file changed on disk."""
        for memo in ("lambda_import_lint.analysis.local_modules", "lambda_import_lint.analysis.external_references"):
            if memo in sys.modules:
                sys.modules[memo].new_run()

    def request(self, path: str) -> Request:
        """The Request ``check --stdin-filename PATH -`` would build. Raises ``ConfigError``."""
        from lambda_import_lint.discovery.handlers import discover_declarations
        from lambda_import_lint.rules.registry import check_rule_codes, selected_codes

        folder = os.path.dirname(os.path.abspath(path))
        config = self._configs.get(folder)
        if config is None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                config = discover([Path(path)])
            self.messages.extend(str(warning.message) for warning in caught)
            check_rule_codes(config, None)
            self._configs[folder] = config
        declarations = self._declarations.get(folder)
        if declarations is None:
            declarations = self._declarations[folder] = discover_declarations(config, [path])
            self.messages.extend(declarations.warnings_under([folder]))
        declared = declarations.for_file(path)
        codes = selected_codes(config.select, config.ignore)
        return Request.declared_as(path, config, declared, codes)

    def lint(self, path: str, text: str) -> Linted:
        """Check one buffer as ``check`` checks the file; never raises."""
        from lambda_import_lint.engine.check import check_source

        try:
            request = self.request(path)
        except ConfigError as error:
            return Linted(text, error=str(error))
        result: FileResult = check_source(encode(text), request)
        return Linted(text, result.findings, result.error, request)


def fix_all(linted: Linted, unsafe: bool) -> str | None:
    """The buffer after ``check --fix`` (``--unsafe-fixes`` with ``unsafe``); None: no change."""
    from lambda_import_lint.fixes.fixer import fix_source

    key = "all-unsafe" if unsafe else "all"
    if key not in linted.fixed:
        fixed = None
        if linted.request is not None and linted.error is None:
            outcome = fix_source(encode(linted.text), linted.request, unsafe)
            fixed = decode(outcome.source) if outcome.changed else None
        linted.fixed[key] = fixed
    return linted.fixed[key]


def fix_one(linted: Linted, index: int) -> str | None:
    """The buffer after the fix of finding number ``index`` alone; None when it cannot be applied."""
    if index not in linted.fixed:
        linted.fixed[index] = _fix_one(linted, linted.findings[index])
    return linted.fixed[index]


def _fix_one(linted: Linted, finding: Finding) -> str | None:
    from lambda_import_lint.fixes.fixer import fix_finding

    if linted.request is None or linted.error is not None:
        return None
    source = encode(linted.text)
    fixed, _ = fix_finding(source, linted.request, finding)
    return decode(fixed) if fixed != source else None


_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


def encode(text: str) -> bytes:
    """A buffer's bytes as they would be saved: in its ``coding`` declaration's encoding, if it
    has one on its first two lines and can be written in it, else UTF-8 (so the fixes see what
    ``check`` would read from the saved file)."""
    head = b"".join(text.encode("utf-8", "surrogateescape").splitlines(keepends=True)[:2])
    match = _CODING.search(head)
    if match is not None:
        try:
            return text.encode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeError):
            pass
    return text.encode("utf-8", "surrogateescape")


def decode(source: bytes) -> str:
    from lambda_import_lint.discovery.sources import decode as decode_source

    return decode_source(source)
