"""Terraform `aws_lambda_function` resources and the terraform-aws-modules/lambda module, read with
``hcl.loads`` (python-hcl2's document shape; ``tests/test_hcl.py`` compares the two on real files)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from lambda_import_lint.discovery.deploy import hcl
from lambda_import_lint.discovery.deploy.common import (
    ARCHIVE_HINT, NOT_INSPECTABLE, Found, declare, define_layer, external_layer, is_dir, is_file, is_python,
    only_schedules, read_text, resolve_module,
)
from lambda_import_lint.discovery.declarations import Layer, handlers_hint


def _unquote(value: object) -> object:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


class _Folders(NamedTuple):
    """Where a Terraform file's paths are read from: its module's folder (``path.module``) and the
    root module's (``path.root``; Terraform reads every bare relative path from the working folder,
    the root module's, in a child module too)."""

    module: Path
    root: Path


def _terraform_path(value: object, folders: _Folders) -> Path | None:
    value = _unquote(value)
    if not isinstance(value, str):
        return None
    value = value.replace("${path.module}", str(folders.module))
    value = value.replace("${path.root}", str(folders.root)).replace("${path.cwd}", str(folders.root))
    if "${" in value:
        return None
    beside = folders.module / value
    if folders.root != folders.module and not os.path.isabs(value):
        # A child module's relative path names a file of the root module's folder; one found only
        # beside the module is of a module also run as a root (read from there, as before).
        from_root = folders.root / value
        if _exists(from_root):
            return from_root
    return beside


def _exists(path: Path) -> bool:
    return is_file(path) or is_dir(path)


# `module "lambda" { source = "../modules/lambda" … }`: a call of a module in a local folder.
_LOCAL_MODULE = re.compile(rb'\bmodule\s+"[^"\n]*"\s*\{[^{}]*?\bsource\s*=\s*"(\.\.?/[^"\n]*)"')


def _folder_ignoring_case(path: str) -> str:
    """The real path of a module's folder, as Terraform on Windows or macOS (whose file systems
    ignore case, by default) finds it: `source = "../Modules/lambda"` names `modules/lambda` there.
    An exact match first; else each missing part matched ignoring case, when exactly one entry
    matches; else the path as given."""
    real = os.path.realpath(path)
    if os.path.isdir(real):
        return real
    found = os.sep
    for part in Path(os.path.normpath(os.path.abspath(path))).parts[1:]:
        candidate = os.path.join(found, part)
        if not os.path.isdir(candidate):
            try:
                matches = [name for name in os.listdir(found) if name.lower() == part.lower()]
            except OSError:
                return real
            if len(matches) != 1:
                return real
            candidate = os.path.join(found, matches[0])
        found = os.path.realpath(candidate)
    return found


def root_folders(files: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """For each folder some Terraform file calls as a local module (by real path), the folder of
    the root module that runs it, as its files' paths give it: the working folder Terraform reads
    the module's bare relative paths from. A folder called from several takes the first caller in
    path order; calls of calls are followed up to a folder no file calls (a cycle stops there)."""
    callers: dict[str, tuple[str, str]] = {}  # called folder → (caller's real folder, caller's folder as given)
    for path, data in sorted(files):
        given = os.path.dirname(path)
        real = os.path.dirname(os.path.realpath(path))
        for match in _LOCAL_MODULE.finditer(data):
            called = _folder_ignoring_case(os.path.join(real, match.group(1).decode("utf-8", "replace")))
            if called != real:
                callers.setdefault(called, (real, given))
    roots: dict[str, str] = {}
    for called, (real, given) in callers.items():
        seen = {called}
        while real in callers and real not in seen:
            seen.add(real)
            real, given = callers[real]
        roots[called] = given
    return roots


def terraform(
    path: Path, found: Found, root: Path | None = None, scheduled: dict[str, str] | None = None,
) -> None:
    """``root``: the folder of the root module that runs this file's module as a child
    (``root_folders``), if one does; ``scheduled``: the functions of the file's module that only
    schedules of an hour or more invoke, with why (``scheduled_functions``)."""
    try:
        document = hcl.loads(read_text(path))
    except hcl.HclError as error:
        found.warn(path, f"cannot read: {error}", hint=f"fix it, or {handlers_hint()}")
        return
    declare_document(path, document, found, root, scheduled)


def declare_document(
    path: Path, document: dict[str, Any], found: Found, root: Path | None = None,
    scheduled: dict[str, str] | None = None,
) -> None:
    """The functions and layers a Terraform file's document (as ``hcl.loads`` or python-hcl2's
    ``loads`` gives it) declares."""
    folders = _Folders(path.parent, root if root is not None else path.parent)
    archives: dict[str, Path] = {}
    single_files: set[str] = set()  # archives of one file (`source_file`): nothing beside it is packaged
    for block in document.get("data", []):
        for kind, named in block.items():
            if _unquote(kind) != "archive_file":
                continue
            for name, body in named.items():
                source = body.get("source_dir") or body.get("source_file")
                folder = _terraform_path(source, folders)
                if folder is not None:
                    archives[str(_unquote(name))] = folder if body.get("source_dir") else folder.parent
                    if not body.get("source_dir"):
                        single_files.add(str(_unquote(name)))
    layers = _layers(folders, document, archives)
    for block in document.get("resource", []):
        for kind, named in block.items():
            if _unquote(kind) != "aws_lambda_function":
                continue
            for name, body in named.items():
                filename = str(body.get("filename", ""))
                match = re.search(r"data\.archive_file\.(\w+)\.output_path", filename)
                code_root = archives.get(match.group(1)) if match else None
                single_file = match is not None and match.group(1) in single_files
                runtime = _unquote(body.get("runtime"))
                if not is_python(runtime) and not _python_by_its_code(runtime, code_root, body.get("handler")):
                    continue
                label = f"aws_lambda_function.{_unquote(name)}"
                if code_root is None and str(_unquote(filename)).lower().endswith(".zip"):
                    found.warn(path, NOT_INSPECTABLE.format("a .zip archive"), label, ARCHIVE_HINT)
                    continue
                if code_root is None:
                    found.warn(path, "code folder unknown (`filename` is not an `archive_file`'s output)", label)
                    continue
                snap = any(_unquote(s.get("apply_on")) == "PublishedVersions" for s in body.get("snap_start", []))
                function_layers = _function_layers(body.get("layers"), layers)
                memory = _unquote(body.get("memory_size"))
                declare(
                    found, path, label, code_root, _unquote(body.get("handler")), snap, layers=function_layers,
                    memory=memory, rarely_invoked=(scheduled or {}).get(str(_unquote(name))),
                    single_file=single_file,
                )
    for block in document.get("module", []):
        for name, body in block.items():
            if "terraform-aws-modules/lambda/aws" not in str(_unquote(body.get("source"))):
                continue
            if _unquote(body.get("create_layer")) in (True, "true"):
                continue  # a layer (see _layers), not a function
            source_path = body.get("source_path")
            code_root = _terraform_path(source_path, folders) if isinstance(source_path, str) else None
            if code_root is None:
                found.warn(path, "`source_path` unknown", f"module.{_unquote(name)}")
                continue
            snap = _unquote(body.get("snap_start")) in (True, "true")
            executions = _unquote(body.get("provisioned_concurrent_executions", 0))
            provisioned = executions not in (0, -1, "0", "-1", None)
            label = f"module.{_unquote(name)}"
            function_layers = _function_layers(body.get("layers"), layers)
            memory = _unquote(body.get("memory_size"))
            declare(
                found, path, label, code_root, _unquote(body.get("handler")), snap, provisioned, function_layers,
                memory=memory,
            )


def _python_by_its_code(runtime: object, code_root: Path | None, handler: object) -> bool:
    """A runtime given by a variable (`runtime = var.lambda_runtime`) is Python when the handler
    names a Python file of the function's code folder."""
    if not (isinstance(runtime, str) and runtime.startswith("${var.")) or code_root is None:
        return False
    resolved = resolve_module(code_root, str(_unquote(handler)))
    return resolved is not None and is_file(resolved[0])


def _layers(folders: _Folders, document: dict[str, Any], archives: dict[str, Path]) -> dict[str, Layer]:
    """The layers the file defines, by the reference functions list them with:
    ``aws_lambda_layer_version.x`` (``filename`` from an ``archive_file``, whose ``source_dir`` is
    ``/opt``) and ``module.x`` of terraform-aws-modules/lambda/aws with ``create_layer = true``
    (its ``source_path`` is ``/opt``, or ``/opt/python`` given ``prefix_in_zip = "python"``)."""
    layers: dict[str, Layer] = {}
    for block in document.get("resource", []):
        for kind, named in block.items():
            if _unquote(kind) != "aws_lambda_layer_version":
                continue
            for name, body in named.items():
                reference = f"aws_lambda_layer_version.{_unquote(name)}"
                match = re.search(r"data\.archive_file\.(\w+)\.output_path", str(body.get("filename", "")))
                folder = archives.get(match.group(1)) if match else None
                if folder is None:
                    filename = _unquote(body.get("filename"))
                    folder = _terraform_path(filename, folders) if isinstance(filename, str) else None
                layers[reference] = (
                    Layer(reference, unknown="`filename` is not an `archive_file`'s output") if folder is None
                    else define_layer(reference, folder)
                )
    for block in document.get("module", []):
        for name, body in block.items():
            source = str(_unquote(body.get("source")))
            creates_layer = _unquote(body.get("create_layer")) in (True, "true")
            if "terraform-aws-modules/lambda/aws" not in source or not creates_layer:
                continue
            reference = f"module.{_unquote(name)}"
            folder, built = _module_source(body.get("source_path"), folders)
            unknown = Layer(reference, unknown="`source_path` unknown")
            layers[reference] = unknown if folder is None else define_layer(reference, folder, built)
    return layers


def _module_source(value: object, folders: _Folders) -> tuple[Path | None, bool]:
    """A module's ``source_path``: a folder, or a list of ``{path, prefix_in_zip}`` (the first)."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        entry = value[0]
        prefix = str(_unquote(entry.get("prefix_in_zip", ""))).strip("/")
        return _terraform_path(entry.get("path"), folders), prefix == "python"
    if isinstance(value, list) and value:
        value = value[0]
    return _terraform_path(value, folders), False


def _function_layers(value: object, layers: dict[str, Layer]) -> tuple[Layer, ...]:
    """``layers = [aws_lambda_layer_version.x.arn, module.y.lambda_layer_arn, "arn:…"]``."""
    if not isinstance(value, list):
        return ()
    found: list[Layer] = []
    for element in value:
        text = str(_unquote(element))
        match = re.fullmatch(r"\$\{((?:aws_lambda_layer_version|module)\.\w+)\.\w+\}", text)
        found.append(layers[match.group(1)] if match and match.group(1) in layers else external_layer(text))
    return tuple(found)


# Blocks that name a function without making anything invoke it: its log group, its alarms, the IAM
# policies a scheduler's role needs, its asynchronous-invocation settings. A permission is one only
# for the schedulers' principals (any other lets a caller in: an API, a bucket, a topic).
_BYSTANDERS = frozenset({
    "aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm", "aws_iam_policy", "aws_iam_role_policy",
    "aws_iam_policy_document", "aws_lambda_function_event_invoke_config",
})
_SCHEDULER_PRINCIPALS = frozenset({"events.amazonaws.com", "scheduler.amazonaws.com"})
_FUNCTION_REFERENCE = re.compile(r"\baws_lambda_function\.(\w+)\b")
_RULE_REFERENCE = re.compile(r"\$\{aws_cloudwatch_event_rule\.(\w+)\.(?:name|id)\}")


def scheduled_functions(files: Iterable[tuple[str, bytes]], called: Iterable[str] = ()) -> dict[str, dict[str, str]]:
    """By folder (as the files' paths give it), the ``aws_lambda_function`` resources of that
    folder's module that only schedules firing at most once an hour invoke, with why
    (``common.only_schedules``): every block of the module that names the function is its own, an
    ``aws_cloudwatch_event_target`` of such an ``aws_cloudwatch_event_rule`` (a schedule, no event
    pattern), an ``aws_scheduler_schedule`` targeting it, a permission for the schedulers or one of
    ``_BYSTANDERS``; anything else (an API integration, an event source mapping, a bucket
    notification, a state machine, a local, an output of a module others call: ``called``, by real
    folder) may invoke it. A folder with a file this reader cannot read proves nothing."""
    by_folder: dict[str, list[bytes]] = {}
    for path, data in files:
        by_folder.setdefault(os.path.dirname(path), []).append(data)
    calls = frozenset(called)
    found: dict[str, dict[str, str]] = {}
    for folder, contents in sorted(by_folder.items()):
        if not any(b"schedule_expression" in data for data in contents):
            continue
        try:
            documents = [hcl.loads(data.decode("utf-8")) for data in contents]
        except (hcl.HclError, UnicodeDecodeError, RecursionError):
            continue
        scheduled = _only_scheduled(documents, os.path.realpath(folder or ".") in calls)
        if scheduled:
            found[folder] = scheduled
    return found


def _only_scheduled(documents: list[dict[str, Any]], called: bool) -> dict[str, str]:
    rules: dict[str, object] = {}  # schedule rules, by name: their expression
    blocks: list[tuple[str, str, Any]] = []  # (block type, resource type or "", body)
    for document in documents:
        for kind, entries in document.items():
            for entry in entries if isinstance(entries, list) else [entries]:
                if kind in ("resource", "data") and isinstance(entry, dict):
                    for resource, named in entry.items():
                        for name, body in (named.items() if isinstance(named, dict) else ()):
                            blocks.append((kind, str(_unquote(resource)), (str(_unquote(name)), body)))
                else:
                    blocks.append((kind, "", ("", entry)))
    for kind, resource, (name, body) in blocks:
        if resource == "aws_cloudwatch_event_rule" and isinstance(body, dict) and "event_pattern" not in body:
            expression = _unquote(body.get("schedule_expression"))
            if expression is not None:
                rules[name] = expression
    expressions: dict[str, list[object]] = {}
    invoked_otherwise: set[str] = set()
    for kind, resource, (name, body) in blocks:
        named = set(_FUNCTION_REFERENCE.findall(repr(body)))
        if resource == "aws_lambda_function":
            named.discard(name)  # its own block (another function naming it may invoke it)
        if not named:
            continue
        trigger = _schedule_of(resource, body, rules) if kind == "resource" else None
        if trigger is not None:
            for function in named:
                expressions.setdefault(function, []).append(trigger)
        elif not _bystander(kind, resource, body, called):
            invoked_otherwise.update(named)
    return {
        function: reason
        for function, found in sorted(expressions.items())
        if function not in invoked_otherwise and (reason := only_schedules(found)) is not None
    }


def _schedule_of(resource: str, body: Any, rules: dict[str, object]) -> object | None:
    """The schedule expression of a block that invokes the functions it names on a schedule."""
    if not isinstance(body, dict):
        return None
    if resource == "aws_cloudwatch_event_target":
        match = _RULE_REFERENCE.fullmatch(str(body.get("rule", "")))
        return rules.get(match.group(1)) if match else None
    if resource == "aws_scheduler_schedule":
        return _unquote(body.get("schedule_expression"))
    return None


def _bystander(kind: str, resource: str, body: Any, called: bool) -> bool:
    if kind == "output":
        return not called
    if kind == "data" and resource == "aws_iam_policy_document":
        return True
    if kind != "resource":
        return False
    if resource == "aws_lambda_permission":
        return isinstance(body, dict) and _unquote(body.get("principal")) in _SCHEDULER_PRINCIPALS
    return resource in _BYSTANDERS
