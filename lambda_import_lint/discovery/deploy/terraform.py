"""Terraform `aws_lambda_function` resources and the terraform-aws-modules/lambda module, read with
python-hcl2."""

from __future__ import annotations

import re
from pathlib import Path

from lambda_import_lint.discovery.deploy.common import (
    ARCHIVE_HINT, NOT_INSPECTABLE, Found, declare, is_python, read_text,
)
from lambda_import_lint.discovery.declarations import handlers_hint


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
        import hcl2

        document = hcl2.loads(read_text(path))
    except Exception as error:
        reason = str(error).splitlines()[0] if str(error) else repr(error)
        found.warn(path, f"cannot read: {reason}", hint=f"fix it, or {handlers_hint()}")
        return
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
                declare(found, path, label, code_root, _unquote(body.get("handler")), snap)
    for block in document.get("module", []):
        for name, body in block.items():
            if "terraform-aws-modules/lambda/aws" not in str(_unquote(body.get("source"))):
                continue
            source_path = body.get("source_path")
            code_root = _terraform_path(source_path, path.parent) if isinstance(source_path, str) else None
            if code_root is None:
                found.warn(path, "`source_path` unknown", f"module.{_unquote(name)}")
                continue
            snap = _unquote(body.get("snap_start")) in (True, "true")
            executions = _unquote(body.get("provisioned_concurrent_executions", 0))
            provisioned = executions not in (0, -1, "0", "-1", None)
            label = f"module.{_unquote(name)}"
            declare(found, path, label, code_root, _unquote(body.get("handler")), snap, provisioned)
