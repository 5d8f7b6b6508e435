"""The flake8 plugin (code prefix ``LIL``): the same core as the CLI, fed by flake8.

flake8 imports this module at start-up for every run, so it imports nothing heavy: LibCST loads
only when a file passes the byte-level prefilter.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

from lambda_import_lint import __version__
from lambda_import_lint.config import Config, discover, parse_setting
from lambda_import_lint.rules.registry import DEFAULT_ENABLED

if TYPE_CHECKING:
    from lambda_import_lint.discovery.declarations import Declarations

# flake8 option → our setting, with how flake8 should parse it.
_OPTIONS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("--lil-heavy-modules", "heavy-modules", {"comma_separated_list": True}),
    ("--lil-extend-heavy-modules", "extend-heavy-modules", {"comma_separated_list": True}),
    ("--lil-light-modules", "light-modules", {"comma_separated_list": True}),
    ("--lil-defer", "defer", {"choices": ("conditional", "all")}),
    ("--lil-all-modules", "all-modules", {"action": "store_true"}),
    ("--lil-library-paths", "library-paths", {"comma_separated_list": True}),
    ("--lil-handlers", "handlers", {"comma_separated_list": True}),
    ("--lil-handler-names", "handler-names", {"comma_separated_list": True}),
    ("--lil-lint-rare-handlers", "lint-rare-handlers", {"action": "store_true"}),
    ("--lil-target-version", "target-version", {"choices": ("py310", "py311", "py312", "py313", "py314", "py315")}),
)


class Plugin:
    name = "lambda-import-lint"
    version = __version__
    config: ClassVar[Config] = Config()
    declarations: ClassVar[Declarations | None] = None  # discovered once per flake8 run
    honour_noqa: ClassVar[bool] = False  # flake8 applies `# noqa` itself (and `--disable-noqa`)

    def __init__(self, tree: ast.AST, lines: list[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        for flag, key, extra in _OPTIONS:
            manager.add_option(
                flag,
                default=None,
                parse_from_config=True,
                help=f"lambda-import-lint `{key}` (overrides [tool.lambda-import-lint] in pyproject.toml)",
                **extra,
            )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        """flake8's options (command line, setup.cfg, tox.ini, .flake8) over the pyproject table
        found, as the CLI finds it, from the paths flake8 checks."""
        paths = _checked_paths(options)
        config = discover([Path(path) for path in paths])
        overrides: dict[str, object] = {}
        for flag, key, _ in _OPTIONS:
            value = getattr(options, flag[2:].replace("-", "_"), None)
            if value is None or value is False or value == []:
                continue
            field_name, converted = parse_setting(key, value)
            overrides[field_name] = converted
        cls.config = config.replace(**overrides)
        from lambda_import_lint.analysis import external_references, local_modules

        # Here, not on the first file: flake8 parses options before it forks its workers, so they
        # inherit one discovery instead of each walking the project for deployment files.
        cls.declarations = _declarations(cls.config, paths)
        local_modules.new_run()
        external_references.new_run()

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        from lambda_import_lint.engine.check import check_source
        from lambda_import_lint.engine.request import Request

        config = self.config
        if Plugin.declarations is None:  # run without parse_options (flake8's API used directly)
            Plugin.declarations = _declarations(config, [self.filename])
        declared = Plugin.declarations.for_file(self.filename)
        # flake8 selects and ignores codes itself, so every rule runs here.
        request = Request.declared_as(self.filename, config, declared, frozenset(DEFAULT_ENABLED), self.honour_noqa)
        result = check_source("".join(self.lines), request)
        for finding in result.findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)


def _checked_paths(options: argparse.Namespace) -> list[str]:
    """The paths flake8 was given (standard input as its display name, when it has one): where
    the project root, the configuration and the deployment files are looked for, as by the CLI.
    Never the working folder as such: from a folder that is not the project, walking it could
    mean every file below it."""
    filenames = [str(name) for name in getattr(options, "filenames", None) or ["."]]
    display = getattr(options, "stdin_display_name", "stdin")
    paths = [(display if display != "stdin" else ".") if name == "-" else name for name in filenames]
    return list(dict.fromkeys(paths))


def _declarations(config: Config, paths: list[str]) -> Declarations:
    """Handler declarations for a flake8 run over ``paths``, deployment files read through the
    cache: the CLI's (beside the configuration), else one at the project root when a
    ``pyproject.toml`` or ``.git`` marks it. Never a cache folder made in a folder that is not a
    project."""
    import os

    from lambda_import_lint.batch.cache import CACHE_ENVIRONMENT, Store
    from lambda_import_lint.batch.deployments import CachedReadings
    from lambda_import_lint.config import marks_a_project, project_root
    from lambda_import_lint.discovery.handlers import discover_declarations

    store: Store | None = None
    if config.folder is not None or os.environ.get(CACHE_ENVIRONMENT):
        store = Store(config)
    else:
        root = project_root(paths)
        if marks_a_project(root):
            store = Store(config.replace(folder=root))
    try:
        return discover_declarations(config, paths, parse=CachedReadings(store))
    finally:
        if store is not None:
            store.close()
