"""Handlers declared in deployment files: SAM/CloudFormation, Serverless Framework, CDK (Python and
TypeScript), Terraform and Dockerfiles, one module each. Every module offers readers of the same
shape (``Reader``: a file and a ``Found`` to add declarations and warnings to); ``discover`` finds
the files under the project root and hands each to its reader.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

from lambda_import_lint.discovery.deploy.common import Found, Reader, is_candidate, project_root, resolve_module

__all__ = ["Found", "Reader", "ancestor_candidates", "discover", "is_candidate", "project_root", "resolve_module"]


def _walk(root: str, excluded: Callable[[str], bool], suffixes: tuple[str, ...] = ()) -> Iterator[str]:
    """Deployment-file candidates under ``root`` (or, with ``suffixes``, source files), as strings:
    one ``scandir`` per folder, virtual environments and excluded folders skipped."""
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError:
        return
    if any(entry.name == "pyvenv.cfg" for entry in entries):
        return
    folders = []
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if not excluded(entry.path):
                    folders.append(entry.path)
            elif (entry.name.endswith(suffixes) if suffixes else is_candidate(entry.name)) and entry.is_file():
                yield entry.path
        except OSError:
            continue
    for folder in folders:
        yield from _walk(folder, excluded, suffixes)


def _holds_project_marker(names: Iterable[str]) -> bool:
    return any(name in ("pyproject.toml", ".git") for name in names)


def ancestor_candidates(paths: Iterable[str], root: Path) -> list[str]:
    """Deployment-file candidates in the folders above the checked paths that the walk of
    ``root`` does not cover: each folder from a path up to the filesystem root or the first
    folder holding ``pyproject.toml`` or ``.git``. Only each folder's own entries are listed (one
    ``scandir``), so checking ``proj/sub/app.py`` finds ``proj/template.yaml`` (``CodeUri: sub/``)
    whatever the project root, for the price of a listing per folder. Real paths, in order."""
    top = str(root)
    inside = top.rstrip(os.sep) + os.sep
    root_marked = (root / "pyproject.toml").is_file() or (root / ".git").exists()
    visited: set[str] = set()
    found: list[str] = []
    for given in paths:
        folder = os.path.realpath(given)
        if not os.path.isdir(folder):
            folder = os.path.dirname(folder)
        while folder not in visited:  # a folder seen before: the folders above it were seen too
            visited.add(folder)
            if folder == top or folder.startswith(inside):
                stop = folder == top and root_marked  # the walk of the root lists these
            else:
                stop = _list_candidates(folder, found)
            parent = os.path.dirname(folder)
            if stop or parent == folder:
                break
            folder = parent
    return found


def _list_candidates(folder: str, found: list[str]) -> bool:
    """Add a folder's own deployment-file candidates to ``found``; whether it is a project root."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return False
    for entry in entries:
        try:
            if is_candidate(entry.name) and entry.is_file():
                found.append(entry.path)
        except OSError:
            continue
    return _holds_project_marker(entry.name for entry in entries)


def _cdk_reader(app: Path, source: Path) -> Reader:
    from lambda_import_lint.discovery.deploy import cdk

    reader = cdk.cdk_python if source.suffix == ".py" else cdk.cdk_typescript

    def read(path: Path, found: Found) -> None:
        reader(path, app, found)

    return read


def discover(
    root: Path,
    excluded: Callable[[str], bool],
    candidates: Iterable[str] | None = None,
    above: Iterable[str] = (),
) -> Found:
    """Every handler the deployment files under ``root`` declare (deterministic order).
    ``candidates``: the deployment-file candidates under ``root`` when a walk of the Python files
    already listed them (one walk of a tree instead of two). ``above``: candidates outside
    ``root``'s tree, in the folders above the checked paths (``ancestor_candidates``)."""
    found = Found()
    listed = list(candidates if candidates is not None else _walk(str(root), excluded))
    listed.extend(above)
    if not listed:
        return found
    # The readers (and PyYAML, python-hcl2) load only now: most trees have no deployment files.
    from lambda_import_lint.discovery.deploy import dockerfile, sam, serverless, ssm, terraform

    readers: list[tuple[Path, Reader]] = []
    for candidate in listed:
        path = Path(candidate)
        name = path.name
        if name in ("serverless.yml", "serverless.yaml"):
            readers.append((path, serverless.serverless))
        elif name.endswith(".tf"):
            readers.append((path, terraform.terraform))
        elif name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile"):
            readers.append((path, dockerfile.dockerfile))
        elif name == "cdk.json":
            for source in _walk(str(path.parent), excluded, (".py", ".ts")):
                if not source.endswith(".d.ts"):
                    readers.append((Path(source), _cdk_reader(path.parent, Path(source))))
        elif sam.looks_like_template(path):
            readers.append((path, sam.cloudformation))
        elif ssm.looks_like_automation(path):
            readers.append((path, ssm.automation))
    for path, reader in readers:
        try:
            reader(path, found)
        except OSError as error:
            found.warn(path, f"cannot read: {error.strerror or error}", hint="check its permissions")
        except (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError) as error:
            # A file of the project may hold any shape of data (a list where a mapping belongs,
            # nesting deep enough to exhaust the stack): that is a warning about the file, never a
            # crash of the run.
            found.warn(path, f"cannot read: unexpected content ({type(error).__name__})", hint="check its syntax")
    return found
