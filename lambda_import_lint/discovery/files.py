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


@dataclass(frozen=True)
class _Exclusions:
    """Folder and file patterns: plain names (``node_modules``, ``*.egg-info``) match any path
    component cheaply; patterns with a ``/`` match the path relative to the config's folder."""

    names: tuple[str, ...]
    paths: tuple[str, ...]
    root: Path

    @classmethod
    def from_config(cls, config: Config) -> _Exclusions:
        patterns = (*DEFAULT_EXCLUDE, *config.exclude)
        names = tuple(p for p in patterns if "/" not in p.strip("/"))
        paths = tuple(p.strip("/") for p in patterns if "/" in p.strip("/"))
        return cls(tuple(n.strip("/") for n in names), paths, config.root)

    def __call__(self, path: Path) -> bool:
        name = path.name
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.names):
            return True
        if not self.paths:
            return False
        try:
            relative = Path(os.path.realpath(path)).relative_to(self.root).as_posix()
        except ValueError:
            relative = path.as_posix()
        return any(
            fnmatch.fnmatchcase(relative, pattern) or relative.startswith(pattern + "/") for pattern in self.paths
        )


def iter_python_files(paths: Iterable[str], config: Config) -> Iterator[Path | PathError]:
    """Python files under ``paths``, sorted per folder; explicitly named files are always
    yielded. Symlinked folders are not followed (no loops); unreadable folders are reported."""
    excluded = _Exclusions.from_config(config)
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
        yield from _walk(path, excluded, seen)


def _walk(top: Path, excluded: _Exclusions, seen: set[str]) -> Iterator[Path | PathError]:
    errors: list[OSError] = []
    for folder, folders, files in os.walk(top, onerror=errors.append):
        folder_path = Path(folder)
        for error in errors:
            yield PathError(str(error.filename or folder), error.strerror or str(error))
        errors.clear()
        folders[:] = sorted(
            name
            for name in folders
            if not excluded(folder_path / name) and not os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = folder_path / name
            if excluded(path):
                continue
            key = os.path.realpath(path)
            if key in seen:
                continue
            seen.add(key)
            yield path
    for error in errors:
        yield PathError(str(error.filename or top), error.strerror or str(error))
