"""Handlers declared in deployment files: SAM/CloudFormation, Serverless Framework, CDK (Python and
TypeScript), Terraform and Dockerfiles, one module each. Every module offers readers of the same
shape (``Reader``: a file and a ``Found`` to add declarations and warnings to); ``discover`` finds
the files under the project root (``units``), reads each once, skips those whose bytes cannot
declare anything (``worth_reading``) and hands the rest to their readers (``read_unit``, a pure
function of the file's bytes and the filesystem answers it records, so the batch stage can cache
it by content and run it in worker processes).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from lambda_import_lint.config import PROJECT_MARKERS, marks_a_project, project_root
from lambda_import_lint.discovery.candidates import folder_candidates, is_candidate, is_dockerfile
from lambda_import_lint.discovery.declarations import DiscoveryWarning, HandlerDeclaration
from lambda_import_lint.discovery.deploy.common import (
    Found, Listings, Probe, Reader, Reading, is_virtual_environment, retired_depth,
    resolve_module,
)

__all__ = [
    "Ancestors", "Found", "Listings", "Parse", "Parsed", "Probe", "Reader", "Unit", "ancestor_candidates", "discover",
    "is_candidate", "project_root", "read_serially", "read_unit", "read_units", "resolve_module",
    "units", "worth_reading",
]


def _walk(
    root: str, excluded: Callable[[str], bool], suffixes: tuple[str, ...] = (), listings: Listings | None = None
) -> Iterator[str]:
    """Deployment-file candidates under ``root`` (or, with ``suffixes``, source files), as strings:
    one ``scandir`` per folder (none for a folder ``listings`` holds: the run's walk of the Python
    files listed it), virtual environments and excluded folders skipped."""
    entries = listings.get(root) if listings is not None else None
    if entries is None:
        try:
            entries = sorted(os.scandir(root), key=lambda entry: entry.name)
        except OSError:
            return
        if listings is not None:
            listings[root] = entries
    if is_virtual_environment(entry.name for entry in entries):
        return
    folders = []
    for entry in entries:
        path = os.path.join(root, entry.name)  # (= entry.path for a listing of root itself)
        try:
            if entry.is_dir(follow_symlinks=False):
                if not excluded(path):
                    folders.append(path)
            elif (entry.name.endswith(suffixes) if suffixes else is_candidate(entry.name)) and entry.is_file():
                yield path
        except OSError:
            continue
    for folder in folders:
        yield from _walk(folder, excluded, suffixes, listings)


def ancestor_candidates(paths: Iterable[str], root: Path, ancestors: Ancestors | None = None) -> list[str]:
    """Deployment-file candidates in the folders above the checked paths that the walk of
    ``root`` does not cover: each folder from a path up to the filesystem root or the first
    folder holding ``pyproject.toml`` or ``.git``. Only each folder's own entries are listed (one
    ``scandir``), so checking ``proj/sub/app.py`` finds ``proj/template.yaml`` (``CodeUri: sub/``)
    whatever the project root, for the price of a listing per folder. Real paths, in order.
    ``ancestors``: each folder listed, with what matters of it (``folder_candidates``)."""
    top = str(root)
    inside = top.rstrip(os.sep) + os.sep
    root_marked = marks_a_project(root)
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
                names = folder_candidates(folder)
                if ancestors is not None and names is not None:
                    ancestors[folder] = names
                names = names or ()
                found.extend(os.path.join(folder, name) for name in names if name not in PROJECT_MARKERS)
                stop = any(name in PROJECT_MARKERS for name in names)
            parent = os.path.dirname(folder)
            if stop or parent == folder:
                break
            folder = parent
    return found


Ancestors = dict[str, "tuple[str, ...]"]  # a folder above the project → its candidates and markers


class Unit(NamedTuple):
    """One deployment file to read: its reader (``serverless``, ``terraform``, ``dockerfile``,
    ``cloudformation``, ``ssm`` or ``cdk``), the file, and for a CDK source the app's folder (where
    ``cdk.json`` is), for a Terraform file of a child module the root module's folder. What a
    reading gives depends only on these, the file's bytes, the working folder (names are shown
    relative to it) and the ``Probe``s; what it needs of the other files is in the unit."""

    kind: str
    path: str
    app: str = ""
    # A Terraform file's: the functions of its module that only schedules of an hour or more
    # invoke, and why (``terraform.scheduled_functions``, read from every file of the folder).
    scheduled: tuple[tuple[str, str], ...] = ()
    # In a folder whose name retires its code (``common.in_retired_folder``): what it declares is
    # retired too, so a handler file only it names is deployed by nothing (``Declarations``).
    retired: bool = False


class Parsed(NamedTuple):
    """What reading one deployment file gave."""

    declarations: tuple[HandlerDeclaration, ...] = ()
    warnings: tuple[DiscoveryWarning, ...] = ()
    probes: tuple[Probe, ...] = ()  # the filesystem's answers it depends on


# Cheap before costly: what a file's bytes must hold for its reader to find anything (every
# spelling the readers take; layers and memory sizes of functions included, as the resources that
# declare them are named the same way). A file without it is not parsed: in a Terraform repository
# most `.tf` files declare networks, buckets, roles and outputs (`module.aws_lambda_function.arn` is
# a reference, not a resource). Serverless files are always read (few per repository; any key may
# matter).
WORTH_READING: dict[str, tuple[bytes, ...]] = {  # kind: substrings one of which must be there
    "terraform": (b"aws_lambda_function", b"aws_lambda_layer_version", b"terraform-aws-modules/lambda"),
    # The resource types sam.py reads (not the SAM Transform, nor AWS::Lambda::Permission, an
    # event source mapping or an API: a template holding only those declares nothing).
    "cloudformation": (
        b"AWS::Serverless::Function", b"AWS::Lambda::Function", b"AWS::Serverless::LayerVersion",
        b"AWS::Lambda::LayerVersion",
    ),
    "cdk": (b"Function", b"LayerVersion"),
    "dockerfile": (b"lambda/python", b"aws-lambda-python"),  # FROM lines are matched ignoring case
}
# A Terraform name counts only as the type of a resource or data block (`module.aws_lambda_function.arn`
# in an output is a reference): the pattern runs on the text before each occurrence, not on the file.
_TERRAFORM_BLOCK = re.compile(rb'(?:resource|data)\s+"?$')
_TERRAFORM_TYPE = re.compile(rb"aws_lambda_(?:function|layer_version)\b")


def worth_reading(unit: Unit, data: bytes) -> bool:
    """Whether a deployment file's bytes can declare anything its reader takes (no false
    negatives: each reader needs one of these to declare anything or warn about it)."""
    fragments = WORTH_READING.get(unit.kind)
    if fragments is None:
        return True
    if unit.kind == "dockerfile":
        data = data.lower()
    if not any(fragment in data for fragment in fragments):
        return False
    if unit.kind != "terraform" or b"terraform-aws-modules/lambda" in data:
        return True
    return any(
        _TERRAFORM_BLOCK.search(data, max(0, match.start() - 64), match.start())
        for match in _TERRAFORM_TYPE.finditer(data)
    )


def _reader(unit: Unit) -> Reader:
    from lambda_import_lint.discovery.deploy import cdk, dockerfile, sam, serverless, ssm, terraform

    if unit.kind == "cdk":
        read_cdk = cdk.cdk_python if unit.path.endswith(".py") else cdk.cdk_typescript
        app = Path(unit.app)
        return lambda path, found: read_cdk(path, app, found)
    if unit.kind == "terraform" and (unit.app or unit.scheduled):
        root = Path(unit.app) if unit.app else None
        scheduled = dict(unit.scheduled)
        return lambda path, found: terraform.terraform(path, found, root, scheduled)
    readers: dict[str, Reader] = {
        "serverless": serverless.serverless,
        "terraform": terraform.terraform,
        "dockerfile": dockerfile.dockerfile,
        "cloudformation": sam.cloudformation,
        "ssm": ssm.automation,
    }
    return readers[unit.kind]


def read_unit(unit: Unit, data: bytes) -> Parsed:
    """Declarations and warnings from one deployment file's bytes (``data``, as read by
    ``discover``), with the filesystem answers they depend on. Never raises on the file's content:
    any shape of data is a warning about the file."""
    path = Path(unit.path)
    found = Found()
    probes: list[Probe] = []
    Reading.content, Reading.probes = {unit.path: data}, probes
    try:
        _reader(unit)(path, found)
    except OSError as error:
        found.warn(path, f"cannot read: {error.strerror or error}", hint="check its permissions")
    except (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError) as error:
        # A file of the project may hold any shape of data (a list where a mapping belongs,
        # nesting deep enough to exhaust the stack): that is a warning about the file, never a
        # crash of the run.
        found.warn(path, f"cannot read: unexpected content ({type(error).__name__})", hint="check its syntax")
    finally:
        Reading.content, Reading.probes = {}, None
    return Parsed(tuple(found.declarations), tuple(found.warnings), tuple(probes))


def read_serially(items: Sequence[tuple[Unit, bytes]]) -> list[Parsed]:
    """``read_unit`` for each, in this process (the default ``Parse``)."""
    return [read_unit(unit, data) for unit, data in items]


Parse = Callable[[Sequence[tuple[Unit, bytes]]], "list[Parsed]"]  # many readings at once (cached, parallel)


def units(
    root: Path,
    excluded: Callable[[str], bool],
    candidates: Iterable[str] | None = None,
    above: Iterable[str] = (),
    listings: Listings | None = None,
) -> list[Unit]:
    """The deployment files to read, by name (a YAML file is a template only if its first bytes
    say so: ``sam.looks_like_template``, asked in ``discover``), deterministic order. ``listings``:
    folders the walk of the Python files listed (``files.iter_python_files``)."""
    inside = os.path.join(root, "")  # (a prefix cut: `relpath` costs ~20 µs a candidate)
    walked = candidates if candidates is not None else _walk(str(root), excluded, listings=listings)
    listed: list[tuple[str, str]] = []  # (candidate, the folder above its retired folder, or "")
    for candidate in walked:
        relative = candidate[len(inside):] if candidate.startswith(inside) else os.path.relpath(candidate, root)
        listed.append((candidate, _above_retired(candidate, relative)))
    listed.extend((candidate, "") for candidate in above)
    found: list[Unit] = []
    for candidate, retired_from in listed:
        name = os.path.basename(candidate)
        if retired_from:
            # Only Terraform, read from the folder its files were retired from (moving them into
            # `deprecated/` broke their relative paths): the handler files they named.
            if name.endswith(".tf"):
                found.append(Unit("terraform", candidate, retired_from, retired=True))
            continue
        if name in ("serverless.yml", "serverless.yaml"):
            found.append(Unit("serverless", candidate))
        elif name.endswith(".tf"):
            found.append(Unit("terraform", candidate))
        elif is_dockerfile(name):
            found.append(Unit("dockerfile", candidate))
        elif name == "cdk.json":
            app = os.path.dirname(candidate)
            for source in _walk(app, excluded, (".py", ".ts"), listings):
                if not source.endswith(".d.ts"):
                    found.append(Unit("cdk", source, app))
        elif name.endswith((".yaml", ".yml", ".template", ".json")):
            found.append(Unit("cloudformation", candidate))
    return found


def _above_retired(candidate: str, relative: str) -> str:
    """The folder holding the outermost retired folder (``common.retired_depth``) a candidate lies in
    (``infra/`` for ``infra/deprecated/old.tf``), or "" when it lies in none: what
    ``common.in_retired_folder`` asks, with where."""
    depth = retired_depth(relative)
    if depth is None:
        return ""
    folder = os.path.dirname(candidate)
    for _ in range(relative.replace("\\", "/").count("/") - depth):
        folder = os.path.dirname(folder)
    return folder


def discover(
    root: Path,
    excluded: Callable[[str], bool],
    candidates: Iterable[str] | None = None,
    above: Iterable[str] = (),
    parse: Parse | None = None,
) -> Found:
    """Every handler the deployment files under ``root`` declare (deterministic order).
    ``candidates``: the deployment-file candidates under ``root`` when a walk of the Python files
    already listed them (one walk of a tree instead of two). ``above``: candidates outside
    ``root``'s tree, in the folders above the checked paths (``ancestor_candidates``). ``parse``:
    how the files that pass ``worth_reading`` are read (default: ``read_serially``; the batch
    stage passes one that caches by content and uses worker processes)."""
    return read_units(units(root, excluded, candidates, above), parse)


def read_units(listed: Iterable[Unit], parse: Parse | None = None) -> Found:
    """``discover`` over files already listed (``units``)."""
    found = Found()
    contents: list[tuple[Unit, bytes]] = []
    for unit in listed:
        try:
            with open(unit.path, "rb") as handle:
                contents.append((unit, handle.read()))
        except OSError as error:
            if unit.kind != "cloudformation" or _named_template(unit.path):  # any YAML file may be a candidate
                found.warn(Path(unit.path), f"cannot read: {error.strerror or error}", hint="check its permissions")
    readable: list[tuple[Unit, bytes]] = []
    for unit, data in _with_terraform_context(contents):
        if unit.kind == "cloudformation" and not _looks_like_template(unit.path, data):
            if not _looks_like_automation(unit.path, data):
                continue
            unit = unit._replace(kind="ssm")
        if worth_reading(unit, data):
            readable.append((unit, data))
    if not readable:
        return found
    for (unit, _), parsed in zip(readable, (parse or read_serially)(readable)):
        if unit.retired:  # no handlers and nothing to warn about: only the files it named
            found.retired.extend(parsed.declarations)
            continue
        found.declarations.extend(parsed.declarations)
        found.warnings.extend(parsed.warnings)
    return found


def _with_terraform_context(contents: list[tuple[Unit, bytes]]) -> list[tuple[Unit, bytes]]:
    """Each Terraform file with what its reading needs of the other files (part of the unit, so of
    its cache key): for a folder another one calls as a local module, the root module's folder as
    its ``app`` (``terraform.root_folders``: its bare relative paths are read from there); the
    functions of its module that only schedules of an hour or more invoke
    (``terraform.scheduled_functions``)."""
    # (Retired files keep the folder they were retired from as their `app`, and neither call live
    # modules nor schedule live functions.)
    tf = [(unit.path, data) for unit, data in contents if unit.kind == "terraform" and not unit.retired]
    modules = any(b"module" in data for _, data in tf)
    schedules = any(b"schedule_expression" in data for _, data in tf)
    if not modules and not schedules:
        return contents
    from lambda_import_lint.discovery.deploy.terraform import root_folders, scheduled_functions

    roots = root_folders(tf) if modules else {}
    scheduled = scheduled_functions(tf, roots) if schedules else {}
    if not roots and not scheduled:
        return contents
    return [
        (
            unit._replace(
                app=roots.get(os.path.dirname(os.path.realpath(unit.path)), ""),
                scheduled=tuple(sorted(scheduled.get(os.path.dirname(unit.path), {}).items())),
            ),
            data,
        )
        if unit.kind == "terraform" and not unit.retired else (unit, data)
        for unit, data in contents
    ]


def _named_template(path: str) -> bool:
    name = os.path.basename(path)
    return name in ("template.yaml", "template.yml", "template.json") or name.endswith(".template")


def _looks_like_automation(path: str, data: bytes) -> bool:
    from lambda_import_lint.discovery.deploy import ssm

    return ssm.looks_like_automation(Path(path), data)


def _looks_like_template(path: str, data: bytes) -> bool:
    from lambda_import_lint.discovery.deploy import sam

    Reading.content = {path: data}
    try:
        return sam.looks_like_template(Path(path))
    finally:
        Reading.content = {}
