"""Configuration: one immutable record, read from ``[tool.lambda-import-lint]`` in pyproject.toml.

The nearest ``pyproject.toml`` that has the table wins (walking up from the checked paths); command-line
flags override it. Unknown keys warn; a value of the wrong type fails with a message naming the key.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Mapping, NamedTuple

from lambda_import_lint.catalogue import HeavyModules, default_heavy_modules

TABLE = "lambda-import-lint"
TARGET_VERSIONS = ("py310", "py311", "py312", "py313", "py314", "py315")
DeferMode = Literal["conditional", "all"]

# Folders never walked into (explicitly named files are still checked). Virtual environments are
# also recognised by their ``pyvenv.cfg`` wherever they live.
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__",
    "build", "dist", ".eggs", "*.egg-info", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    "site-packages", ".aws-sam", "cdk.out", ".serverless", ".lambda-import-lint-cache",
)


class ConfigError(Exception):
    """A configuration value cannot be used; the message names the key."""


class Config(NamedTuple):
    """The effective settings of a run. Start-up records are NamedTuples, not dataclasses:
    ``dataclasses`` imports ``inspect`` and builds each class with ``exec``, ~25 ms of a 0.2 s run
    (measured); ``replace`` gives a changed copy."""

    heavy_modules: tuple[str, ...] | None = None  # None: the built-in catalogue
    extend_heavy_modules: tuple[str, ...] = ()
    light_modules: tuple[str, ...] = ()
    defer: DeferMode = "conditional"
    all_modules: bool = False
    library_paths: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    handler_names: tuple[str, ...] = ("lambda_handler", "handler")
    target_version: str = "py310"
    select: tuple[str, ...] | None = None  # None: every rule that is on by default
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    snapstart: bool | None = None  # None: from deployment files; true/false: every handler / none
    lint_rare_handlers: bool = False  # also lint rarely invoked handlers, and handlers nobody waits on, for latency
    unsafe_fixes: bool = False  # `--fix` (and an editor's fix-all) applies unsafe fixes too
    folder: Path | None = None  # the folder the config came from (None: the current folder)
    project: Path | None = None  # (not a setting) with no config file: the checked paths' project (`discover`)

    @property
    def root(self) -> Path:
        """The folder globs and handler paths are relative to."""
        return self.folder if self.folder is not None else Path(os.path.realpath(os.getcwd()))

    @property
    def project_folder(self) -> Path:
        """Where other files of the project are looked for (the tests that patch a module): the
        configuration's folder; else the project of the checked paths; else the current folder."""
        return self.folder or self.project or self.root

    @property
    def heavy(self) -> HeavyModules:
        base = self.heavy_modules if self.heavy_modules is not None else default_heavy_modules()
        return HeavyModules(tuple(base) + self.extend_heavy_modules, self.light_modules)

    @property
    def target_minor(self) -> int:
        return int(self.target_version[3:])

    def replace(self, **changes: Any) -> Config:
        return self._replace(**changes)


def _string_list(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise ConfigError(f"`{key}` must be a list of strings, got {type(value).__name__}: {value!r}")


def _boolean(key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ConfigError(f"`{key}` must be true or false, got {type(value).__name__}: {value!r}")


def _defer(key: str, value: object) -> str:
    if value in ("conditional", "all"):
        return str(value)
    raise ConfigError(f"`{key}` must be \"conditional\" or \"all\", got {value!r}")


def _target(key: str, value: object) -> str:
    if isinstance(value, str) and value in TARGET_VERSIONS:
        return value
    raise ConfigError(f"`{key}` must be one of {', '.join(TARGET_VERSIONS)}, got {value!r}")


def _codes(key: str, value: object) -> tuple[str, ...]:
    codes = tuple(code.upper() for code in _string_list(key, value))
    for code in codes:
        if not re.fullmatch(r"[A-Z]{1,3}[0-9]{0,3}", code):
            raise ConfigError(f"`{key}`: {code!r} is not a rule code or prefix (like LIL001 or LIL)")
    return codes


def _per_file(key: str, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table of glob = [codes], got {type(value).__name__}")
    return tuple((str(pattern), _codes(f"{key}.{pattern}", codes)) for pattern, codes in value.items())


_KEYS: dict[str, tuple[str, Callable[[str, object], object]]] = {
    "heavy-modules": ("heavy_modules", _string_list),
    "extend-heavy-modules": ("extend_heavy_modules", _string_list),
    "light-modules": ("light_modules", _string_list),
    "defer": ("defer", _defer),
    "all-modules": ("all_modules", _boolean),
    "library-paths": ("library_paths", _string_list),
    "handlers": ("handlers", _string_list),
    "handler-names": ("handler_names", _string_list),
    "target-version": ("target_version", _target),
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "exclude": ("exclude", _string_list),
    "snapstart": ("snapstart", _boolean),
    "lint-rare-handlers": ("lint_rare_handlers", _boolean),
    "unsafe-fixes": ("unsafe_fixes", _boolean),
}


def parse_setting(key: str, value: object) -> tuple[str, object]:
    """Validate one kebab-case setting; returns the Config field name and the converted value."""
    field_name, convert = _KEYS[key]
    return field_name, convert(key, value)


def config_from_table(table: Mapping[str, object], root: Path, source: str) -> Config:
    values: dict[str, Any] = {"folder": root}
    for key, value in table.items():
        if key not in _KEYS:
            warnings.warn(f"{source}: unknown key `{key}` in [tool.{TABLE}] (ignored)", stacklevel=2)
            continue
        try:
            field_name, converted = parse_setting(key, value)
        except ConfigError as error:
            raise ConfigError(f"{source}: {error}") from None
        values[field_name] = converted
    return Config(**values)


def _requires_python_target(project: object) -> str | None:
    if not isinstance(project, dict):
        return None
    match = re.search(r">=\s*3\.(\d+)", str(project.get("requires-python", "")))
    if match is None:
        return None
    version = f"py3{match.group(1)}"
    return version if version in TARGET_VERSIONS else None


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's document; ``ConfigError`` naming the file when it cannot be read or parsed."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def load_file(path: Path) -> Config:
    """Read a pyproject.toml (or any TOML file with our table) into a Config."""
    document = read_toml(path)
    tool = document.get("tool", {})
    table = tool.get(TABLE, {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    config = config_from_table(table, Path(os.path.realpath(path.parent)), str(path))
    if "target-version" not in table:
        inferred = _requires_python_target(document.get("project"))
        if inferred is not None:
            config = config.replace(target_version=inferred)
    return config


def find_config_file(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.lambda-import-lint] table."""
    folder = Path(os.path.realpath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate_folder in (folder, *folder.parents):
        candidate = candidate_folder / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            return candidate
    return None


def _has_table(path: Path) -> bool:
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return False
    return f"tool.{TABLE}" in text or f'tool."{TABLE}"' in text


def discover(paths: list[Path], explicit: Path | None = None) -> Config:
    """The configuration for a run over ``paths``: ``explicit`` if given, else the nearest file;
    with neither, the defaults, bounded to the project of ``paths`` (never the working folder as
    such: run from a parent folder, it may hold anything)."""
    if explicit is not None:
        return load_file(explicit)
    start = paths[0] if paths else Path.cwd()
    found = find_config_file(start)
    if found is not None:
        return load_file(found)
    return Config(project=project_root([os.fspath(path) for path in paths] or ["."]))


def project_root(paths: Iterable[str]) -> Path:
    """The nearest folder at or above the first path holding ``pyproject.toml`` or ``.git``;
    else the first path (its folder, for a file)."""
    first = Path(next(iter(paths), "."))
    start = Path(os.path.realpath(first))
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if marks_a_project(folder):
            return folder
    return start


PROJECT_MARKERS = ("pyproject.toml", ".git")


def marks_a_project(folder: Path) -> bool:
    """Whether the folder holds ``pyproject.toml`` or ``.git``: a project's root."""
    return (folder / "pyproject.toml").is_file() or (folder / ".git").exists()
