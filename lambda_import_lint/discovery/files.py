"""Walk the paths given on the command line, the way ruff and flake8 do."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from lambda_import_lint.config import DEFAULT_EXCLUDE, Config
from lambda_import_lint.discovery.candidates import is_candidate
from lambda_import_lint.discovery.deploy.common import Listings, in_retired_folder, is_virtual_environment


class PathError(NamedTuple):
    path: str
    message: str


class _Exclusions:
    """Folder and file patterns: plain names (``node_modules``, ``*.egg-info``) match any path
    component cheaply; patterns with a ``/`` match the path relative to the config's folder."""

    def __init__(self, names: tuple[str, ...], paths: tuple[str, ...], root: Path) -> None:
        self.names = names
        self.paths = paths
        self.root = root
        # One compiled expression for all name patterns: this runs for every file and folder.
        self._names = re.compile("|".join(fnmatch.translate(pattern) for pattern in names) or "(?!)")

    @classmethod
    def from_config(cls, config: Config) -> _Exclusions:
        patterns = (*DEFAULT_EXCLUDE, *config.exclude)
        names = tuple(p for p in patterns if "/" not in p.strip("/"))
        paths = tuple(p.strip("/") for p in patterns if "/" in p.strip("/"))
        return cls(tuple(n.strip("/") for n in names), paths, config.root)

    def name(self, name: str) -> bool:
        return self._names.match(name) is not None

    def __call__(self, path: Path) -> bool:
        if self.name(path.name):
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


def folder_exclusions(config: Config) -> Callable[[str], bool]:
    """Whether a folder path is excluded (the walk of deployment files uses the same rules)."""
    excluded = _Exclusions.from_config(config)

    def test(path: str) -> bool:
        return excluded.name(os.path.basename(path)) or bool(excluded.paths and excluded(Path(path)))

    return test


def iter_python_files(
    paths: Iterable[str], config: Config, others: list[str] | None = None, listings: Listings | None = None
) -> Iterator[str | PathError]:
    """Python files under ``paths``, sorted per folder; explicitly named files are always
    yielded. Symlinked folders are not followed (no loops); unreadable folders are reported.
    ``others``: if given, collects the deployment-file candidates met on the way; ``listings``:
    each folder's entries, for another walk of the same run (``discovery.deploy.units``)."""
    excluded = _Exclusions.from_config(config)
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if not path.exists():
            kind = "dangling symbolic link" if path.is_symlink() else "no such file or folder"
            yield PathError(given, kind)
            continue
        if not path.is_dir():
            key = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                yield given
            continue
        # "." lists as "app.py", not "./app.py" (as ruff prints paths)
        top = os.path.normpath(given)
        yield from _walk(top, os.path.abspath(top), excluded, seen, others=others, listings=listings)


def _walk(
    top: str,
    absolute: str,
    excluded: _Exclusions,
    seen: set[str],
    root: bool = True,
    others: list[str] | None = None,
    listings: Listings | None = None,
) -> Iterator[str | PathError]:
    """Files of a folder (sorted), then its subfolders, like ``os.walk`` top-down, with one
    ``scandir`` per folder and plain strings (pathlib objects cost more than the scan here). A
    virtual environment shows by the ``pyvenv.cfg`` in its listing (``is_virtual_environment``).
    ``absolute``: ``top`` made absolute (``os.path.abspath`` asks ``os.getcwd``: once per walk,
    not once per file)."""
    try:
        entries = sorted(os.scandir(top), key=lambda entry: entry.name)
    except OSError as error:
        yield PathError(top, error.strerror or str(error))
        return
    if listings is not None:
        listings[absolute] = entries
    if not root and is_virtual_environment(entry.name for entry in entries):
        return
    folders = []
    for entry in entries:
        path = entry.name if top == "." else entry.path
        try:
            if entry.is_dir(follow_symlinks=False):
                if not excluded.name(entry.name) and not (excluded.paths and excluded(Path(path))):
                    folders.append((path, entry.name))
                continue
            if not entry.name.endswith(".py"):
                if others is not None and is_candidate(entry.name) and entry.is_file():
                    others.append(os.path.join(absolute, entry.name))  # = os.path.abspath(entry.path)
                continue
            if excluded.name(entry.name):
                continue
            linked = entry.is_symlink()
            if linked and entry.is_dir():
                continue  # a linked folder is never followed (no loops)
        except OSError:
            linked = True  # a loop or a dangling link: reading it reports the problem
        if excluded.paths and excluded(Path(path)):
            continue
        key = os.path.realpath(path) if linked else os.path.join(absolute, entry.name)  # (= abspath)
        if key in seen:
            continue
        seen.add(key)
        yield path
    for folder, name in folders:
        yield from _walk(folder, os.path.join(absolute, name), excluded, seen, False, others, listings)


def is_library_file(path: str, config: Config) -> bool:
    if config.all_modules:
        return True
    return bool(config.library_paths) and matches_any(path, config.library_paths, config.root)


def relative_to_root(path: str, root: Path) -> str:
    """The path relative to the project root (``/`` separators), or as given when outside it."""
    candidate = Path(path)
    try:
        return Path(os.path.realpath(candidate)).relative_to(root).as_posix()
    except (ValueError, OSError):
        return candidate.as_posix()


def matches_any(path: str, patterns: Iterable[str], root: Path) -> bool:
    candidate = Path(path)
    relative = relative_to_root(path, root)
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if (
            fnmatch.fnmatchcase(relative, pattern)
            or fnmatch.fnmatchcase(relative, pattern + "/*")
            or relative.startswith(pattern + "/")
            or fnmatch.fnmatchcase(candidate.name, pattern)
        ):
            return True
    return False


_TEST_OR_DOCS_FOLDERS = frozenset({"tests", "test", "docs", "doc", "examples", "example"})
# `test-terraform/`, `tests_integration/`, `lambda-tests/` (round 12: scratch handlers in a
# `test-terraform/` folder that nothing deploys).
_TEST_FOLDER = re.compile(r"(?:tests?[-_].+|.+[-_]tests?)", re.IGNORECASE)


def is_unimportable(path: str) -> bool:
    """A file no handler string can name: its name has a dot before ``.py`` (``main.2.py``,
    ``app.old.py``), which Lambda's runtime would read as a package and a submodule. Such files are
    backups or drafts next to the real handler."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.endswith(".py") and "." in name[: -len(".py")]


def is_test_or_docs(path: str, root: Path | None = None) -> bool:
    """A file of a test suite or of the documentation, by its path below the project root: a
    folder named ``tests``, ``test``, ``docs``, ``doc``, ``examples`` or ``example`` (round 9: a
    `context/examples/` handler nothing deploys) or, below the root, ``test-…``, ``…_tests`` and the
    like, or a file named ``test_*.py``, ``*_test.py`` or ``conftest.py``; also retired code, in a
    folder named ``deprecated``, ``obsolete``, ``archive`` or ``archived`` below the root. Folders
    above the root do not count (a project checked out in ``~/test/``)."""
    relative = relative_to_root(path, root) if root is not None else path
    parts = relative.replace("\\", "/").split("/")
    name = parts[-1]
    # Below the root, folder names as `test-terraform/` too; a path outside it (no project marker
    # above a file checked from elsewhere) may run through any folder of the machine.
    below = root is not None and not Path(relative).is_absolute()
    return (
        any(
            part in _TEST_OR_DOCS_FOLDERS
            or (below and _TEST_FOLDER.fullmatch(part) is not None)
            for part in parts[:-1]
        )
        or (below and in_retired_folder(relative))
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )
