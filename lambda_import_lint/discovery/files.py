"""Walk the paths given on the command line, the way ruff and flake8 do."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from lambda_import_lint.config import DEFAULT_EXCLUDE, Config


@dataclass(frozen=True)
class PathError:
    path: str
    message: str


def _excluded(path: Path, patterns: Iterable[str], root: Path) -> bool:
    name = path.name
    try:
        relative = Path(os.path.realpath(path)).relative_to(root).as_posix()
    except ValueError:
        relative = path.as_posix()
    return any(
        fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(relative, pattern.strip("/"))
        for pattern in patterns
    )


def iter_python_files(paths: Iterable[str], config: Config) -> Iterator[Path | PathError]:
    """Python files under ``paths``, sorted per folder; explicitly named files are always
    yielded. Symlinked folders are not followed (no loops); unreadable folders are reported."""
    patterns = (*DEFAULT_EXCLUDE, *config.exclude)
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if not path.exists():
            kind = "dangling symbolic link" if path.is_symlink() else "no such file or folder"
            yield PathError(given, kind)
            continue
        if not path.is_dir():
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                yield path
            continue
        yield from _walk(path, patterns, config, seen)


def _walk(top: Path, patterns: tuple[str, ...], config: Config, seen: set[str]) -> Iterator[Path | PathError]:
    errors: list[OSError] = []
    for folder, folders, files in os.walk(top, onerror=errors.append):
        folder_path = Path(folder)
        for error in errors:
            yield PathError(str(error.filename or folder), error.strerror or str(error))
        errors.clear()
        folders[:] = sorted(
            name
            for name in folders
            if not _excluded(folder_path / name, patterns, config.root)
            and not (folder_path / name / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = folder_path / name
            if _excluded(path, patterns, config.root):
                continue
            key = os.path.realpath(path)
            if key in seen:
                continue
            seen.add(key)
            yield path
    for error in errors:
        yield PathError(str(error.filename or top), error.strerror or str(error))
