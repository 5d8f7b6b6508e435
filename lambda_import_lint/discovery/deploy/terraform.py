"""Terraform `aws_lambda_function` resources and the terraform-aws-modules/lambda module, read with
``hcl.loads`` (python-hcl2's document shape; ``tests/test_hcl.py`` compares the two on real files)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lambda_import_lint.discovery.deploy import hcl
from lambda_import_lint.discovery.deploy.common import (
    ARCHIVE_HINT, NOT_INSPECTABLE, Found, declare, define_layer, external_layer, is_python, read_text,
)
from lambda_import_lint.discovery.declarations import Layer, handlers_hint


def _unquote(value: object) -> object:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _terraform_path(value: object, module_folder: Path) -> Path | None:
    value = _unquote(value)
    if not isinstance(value, str):
        return None
    value = value.replace("${path.module}", str(module_folder)).replace("${path.root}", str(module_folder))
    if "${" in value:
        return None
    return module_folder / value


def terraform(path: Path, found: Found) -> None:
    try:
        document = hcl.loads(read_text(path))
    except hcl.HclError as error:
        found.warn(path, f"cannot read: {error}", hint=f"fix it, or {handlers_hint()}")
        return
    declare_document(path, document, found)


def declare_document(path: Path, document: dict[str, Any], found: Found) -> None:
    """The functions and layers a Terraform file's document (as ``hcl.loads`` or python-hcl2's
    ``loads`` gives it) declares."""
    archives: dict[str, Path] = {}
    for block in document.get("data", []):
        for kind, named in block.items():
            if _unquote(kind) != "archive_file":
                continue
            for name, body in named.items():
                source = body.get("source_dir") or body.get("source_file")
                folder = _terraform_path(source, path.parent)
                if folder is not None:
                    archives[str(_unquote(name))] = folder if body.get("source_dir") else folder.parent
    layers = _layers(path, document, archives)
    for block in document.get("resource", []):
        for kind, named in block.items():
            if _unquote(kind) != "aws_lambda_function":
                continue
            for name, body in named.items():
                if not is_python(_unquote(body.get("runtime"))):
                    continue
                filename = str(body.get("filename", ""))
                match = re.search(r"data\.archive_file\.(\w+)\.output_path", filename)
                code_root = archives.get(match.group(1)) if match else None
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
                    memory=memory,
                )
    for block in document.get("module", []):
        for name, body in block.items():
            if "terraform-aws-modules/lambda/aws" not in str(_unquote(body.get("source"))):
                continue
            if _unquote(body.get("create_layer")) in (True, "true"):
                continue  # a layer (see _layers), not a function
            source_path = body.get("source_path")
            code_root = _terraform_path(source_path, path.parent) if isinstance(source_path, str) else None
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


def _layers(path: Path, document: dict[str, Any], archives: dict[str, Path]) -> dict[str, Layer]:
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
                    folder = _terraform_path(filename, path.parent) if isinstance(filename, str) else None
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
            folder, built = _module_source(body.get("source_path"), path.parent)
            unknown = Layer(reference, unknown="`source_path` unknown")
            layers[reference] = unknown if folder is None else define_layer(reference, folder, built)
    return layers


def _module_source(value: object, module_folder: Path) -> tuple[Path | None, bool]:
    """A module's ``source_path``: a folder, or a list of ``{path, prefix_in_zip}`` (the first)."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        entry = value[0]
        prefix = str(_unquote(entry.get("prefix_in_zip", ""))).strip("/")
        return _terraform_path(entry.get("path"), module_folder), prefix == "python"
    if isinstance(value, list) and value:
        value = value[0]
    return _terraform_path(value, module_folder), False


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
