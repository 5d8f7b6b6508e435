"""What a function installs, read from its ``requirements.txt``: which optional packages it leaves
out, so that an import they would make costlier is priced without them (PyJWT imports
``cryptography`` only when it is installed: ~120 ms with it, ~85 without, ~7 beside a boto3 that
stays).

The file read is the nearest ``requirements.txt`` above the checked module, up to the project root:
the one SAM, Chalice and serverless-python-requirements install from the function's folder or
the service's. Nothing is proven when any folder on the way holds another way of declaring
dependencies first (a ``Pipfile``, ``setup.py``, ``setup.cfg``, a ``pyproject.toml`` with
dependencies), when the file holds a line we cannot read as a requirement (an editable install, a
URL, a path, an unreadable include), or when one of its requirements is not known to leave the
package out (`Catalogue.installs_no_optional`; a requirement with extras, `PyJWT[crypto]`, never
is). Every file looked at or for is recorded for the result cache. Nothing read is executed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

from lambda_import_lint.analysis.local_modules import note_dependency
from lambda_import_lint.catalogue import load_catalogue, optional_packages
from lambda_import_lint.config import PROJECT_MARKERS, ConfigError, marks_a_project, project_root, read_toml

REQUIREMENTS = "requirements.txt"
# Files that declare a folder's dependencies some other way: the requirements file above them,
# if any, is not what the function installs.
_OTHER_DECLARATIONS = ("Pipfile", "setup.py", "setup.cfg")
_MAX_SIZE = 1 << 20
_MAX_INCLUDES = 8
# `name`, `name[extra, …]`, then a version specifier, markers or nothing.
_REQUIREMENT = re.compile(r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(?:[=<>!~;(]|$)")
# pip options that change where packages come from or how, not which are installed.
_HARMLESS_OPTIONS = (
    "-i", "--index-url", "--extra-index-url", "--no-index", "-f", "--find-links", "--trusted-host",
    "--pre", "--prefer-binary", "--only-binary", "--no-binary", "--require-hashes", "-c", "--constraint",
    "--use-feature",
)


class Unknown(Exception):
    """The requirements do not say what is installed."""


def packages_left_out(path: str, root: Path) -> frozenset[str]:
    """The optional packages of the catalogue (`optional_packages`) that the requirements of the
    function holding ``path`` prove it does not install; empty when nothing is proven."""
    optional = optional_packages()
    if not optional or path in ("", "-"):
        return frozenset()
    folder = os.path.realpath(Path(path).parent)
    real_root = _top(folder, os.path.realpath(root))
    try:
        requirements = list(_requirements(_requirements_file(Path(folder), real_root), real_root))
    except Unknown:
        return frozenset()
    known = load_catalogue().installs_no_optional
    if any(extras or name not in known for name, extras in requirements):
        return frozenset()
    named = {name for name, _ in requirements}
    return frozenset(package for package in optional if normalise(package) not in named)


def normalise(name: str) -> str:
    """A distribution's name as PEP 503 compares it (`PyJWT` → `pyjwt`, `python_dateutil` →
    `python-dateutil`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements_file(folder: Path, real_root: str) -> Path:
    """The nearest ``requirements.txt`` from ``folder`` up to the project's root."""
    current = Path(os.path.realpath(folder))
    while _inside(str(current), real_root):
        for name in _OTHER_DECLARATIONS:
            note_dependency(str(current / name))
            if (current / name).exists():
                raise Unknown
        if _declares_dependencies(current / "pyproject.toml"):
            raise Unknown
        candidate = current / REQUIREMENTS
        note_dependency(str(candidate))
        if candidate.is_file() and not candidate.is_symlink():
            return candidate
        if str(current) == real_root or current.parent == current:
            break
        current = current.parent
    raise Unknown


def _top(folder: str, project: str) -> str:
    """How far up the requirements file is looked for: the project's folder when ``folder`` is in
    it, else the project ``folder`` is in (``config.project_root``: a run checking two projects),
    whose markers are recorded for the cache on the way up."""
    if _inside(folder, project):
        return project
    top = project_root([folder])
    found = marks_a_project(top)  # (else ``folder`` alone, and a marker above may appear later)
    for current in (Path(folder), *Path(folder).parents):
        for marker in PROJECT_MARKERS:
            note_dependency(str(current / marker))
        if found and current == top:
            break
    return str(top)


def _inside(path: str, real_root: str) -> bool:
    return path == real_root or path.startswith(real_root.rstrip(os.sep) + os.sep)


def _declares_dependencies(pyproject: Path) -> bool:
    """Whether a ``pyproject.toml`` lists dependencies (PEP 621 or Poetry); an unreadable one may."""
    note_dependency(str(pyproject))
    if not pyproject.is_file():
        return False
    try:
        data = read_toml(pyproject)
    except (ConfigError, UnicodeDecodeError):
        return True
    project = data.get("project")
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    return bool(
        isinstance(project, dict) and (project.get("dependencies") or "dependencies" in project.get("dynamic", ()))
        or isinstance(poetry, dict) and poetry.get("dependencies")
    )


def _requirements(file: Path, real_root: str, depth: int = 0) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(normalised name, extras) of each requirement of ``file`` and the files it includes (`-r`,
    inside the project only)."""
    if depth > _MAX_INCLUDES or file.is_symlink() or not _inside(os.path.realpath(file), real_root):
        raise Unknown
    try:
        with open(file, "rb") as stream:
            data = stream.read(_MAX_SIZE + 1)
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise Unknown from None
    if len(data) > _MAX_SIZE:
        raise Unknown
    note_dependency(str(file))
    for line in _logical_lines(text):
        if line.startswith("-"):
            option, _, value = line.partition(" ") if " " in line else line.partition("=")
            if option in ("-r", "--requirement"):
                yield from _requirements(file.parent / value.strip(), real_root, depth + 1)
            elif option not in _HARMLESS_OPTIONS:
                raise Unknown  # `-e`, and anything we do not know
            continue
        match = _REQUIREMENT.match(line)
        if match is None or "://" in line or "@" in line.split(";")[0]:
            raise Unknown  # a URL, a path, a direct reference
        extras = tuple(sorted(filter(None, (e.strip() for e in (match.group(2) or "[]")[1:-1].split(",")))))
        yield normalise(match.group(1)), extras


def _logical_lines(text: str) -> Iterator[str]:
    """Lines without comments, continuations joined, blanks dropped."""
    pending = ""
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw).rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            yield line
    if pending.strip():
        yield pending.strip()
