"""Dockerfiles built on the Lambda Python base images: `CMD ["module.function"]`, the module found
where the file's `COPY` instructions take it from."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from lambda_import_lint.discovery.deploy.common import Found, declare, is_dir, is_file, read_text, resolve_module


_FROM_LAMBDA = re.compile(r"^\s*FROM\s+\S*(lambda/python|aws-lambda-python)", re.IGNORECASE | re.MULTILINE)
_CMD = re.compile(r"^\s*CMD\s+(.+)$", re.IGNORECASE | re.MULTILINE)
# COPY, ADD and WORKDIR in order, with their flags (`--chown=…`, `--from=build`) and arguments.
_INSTRUCTION = re.compile(r"^\s*(COPY|ADD|WORKDIR)\s+((?:--\S+\s+)*)(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
# Where the base images put the function's code, and their working folder.
TASK_ROOT = "/var/task"
_TASK_ROOT_VARIABLES = ("${LAMBDA_TASK_ROOT}", "$LAMBDA_TASK_ROOT")
_GLOB = re.compile(r"[*?\[]")


def dockerfile(path: Path, found: Found) -> None:
    text = read_text(path)
    if not _FROM_LAMBDA.search(text):
        return
    commands = _CMD.findall(text)
    if not commands:
        return
    command = commands[-1].strip()
    try:
        parsed = json.loads(command)
        handler = parsed[0] if isinstance(parsed, list) and parsed else None
    except json.JSONDecodeError:
        handler = command.split()[0] if command else None
    copies = _copies(text)
    context = _context(path.parent, copies)
    for root in (*_code_roots(context, copies), path.parent):
        resolved = resolve_module(root, handler) if isinstance(handler, str) else None
        if resolved is not None and is_file(resolved[0]):
            declare(found, path, "CMD", root, handler)
            return
    declare(found, path, "CMD", path.parent, handler)


def _copies(text: str) -> list[tuple[list[str], str]]:
    """Each `COPY`/`ADD` from the build context (not `--from` another stage or image): its sources
    and where they go, relative to the task root ("" for the root itself; copies elsewhere in the
    image are left out), with `WORKDIR` (the base images start in the task root) and
    `${LAMBDA_TASK_ROOT}` resolved."""
    copies: list[tuple[list[str], str]] = []
    workdir = TASK_ROOT
    for instruction, flags, arguments in _INSTRUCTION.findall(text):
        parts = _arguments(arguments)
        if instruction.upper() == "WORKDIR":
            workdir = _in_image(workdir, parts[0]) if len(parts) == 1 else workdir
            continue
        if "--from" in flags.lower() or len(parts) < 2:
            continue
        destination = _in_image(workdir, parts[-1])
        if destination == TASK_ROOT or destination.startswith(TASK_ROOT + "/"):
            copies.append((parts[:-1], destination[len(TASK_ROOT):].strip("/")))
    return copies


def _arguments(text: str) -> list[str]:
    """An instruction's arguments, in either form: `["a", "b"]` or `a b`."""
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            return []
        return [item for item in parsed if isinstance(item, str)] if isinstance(parsed, list) else []
    return text.split()


def _in_image(workdir: str, target: str) -> str:
    for variable in _TASK_ROOT_VARIABLES:
        target = target.replace(variable, TASK_ROOT)
    return posixpath.normpath(posixpath.join(workdir, target))


def _context(folder: Path, copies: list[tuple[list[str], str]]) -> Path:
    """The build context: the Dockerfile's folder, or the nearest folder above it (three at most)
    holding every source its `COPY` instructions name (`docker build -f src/query/Dockerfile src`
    for a file in `src/query` that copies `query` and `common`)."""
    sources = [source for found, _ in copies for source in found if not _GLOB.search(source) and "://" not in source]
    if not sources:
        return folder
    for candidate in (folder, *list(folder.parents)[:3]):
        if all(is_file(candidate / source) or is_dir(candidate / source) for source in sources):
            return candidate
    return folder


def _code_roots(context: Path, copies: list[tuple[list[str], str]]) -> list[Path]:
    """The folders of the context whose modules land in the task root: a folder copied there, the
    folder of Python files (or of a glob) copied there, the folder holding a folder copied to the
    same path below it (`COPY query ./query`, `COPY src/app ./app`: `src`)."""
    roots: list[Path] = []
    for sources, destination in copies:
        below = [part for part in destination.split("/") if part]
        for source in sources:
            parts = [part for part in posixpath.normpath(source.rstrip("/")).split("/") if part not in ("", ".")]
            if _GLOB.search(source):
                if not below and not any(_GLOB.search(part) for part in parts[:-1]):
                    roots.append(context.joinpath(*parts[:-1]))
            elif is_dir(context.joinpath(*parts)):
                if not below:
                    roots.append(context.joinpath(*parts))
                elif len(parts) >= len(below) and parts[len(parts) - len(below):] == below:
                    roots.append(context.joinpath(*parts[: len(parts) - len(below)]))
            elif not below and parts and parts[-1].endswith(".py"):
                roots.append(context.joinpath(*parts[:-1]))
    return list(dict.fromkeys(roots))
