"""Serverless Framework `serverless.yml`."""

from __future__ import annotations

from pathlib import Path

from lambda_import_lint.discovery.deploy.common import Found, declare, is_python, read_text, yaml_load
from lambda_import_lint.discovery.declarations import handlers_hint


def serverless(path: Path, found: Found) -> None:
    try:
        document = yaml_load(read_text(path))
    except Exception as error:
        found.warn(path, f"cannot read: {str(error).splitlines()[0]}", hint=f"fix it, or {handlers_hint()}")
        return
    if not isinstance(document, dict):
        return
    runtime = (document.get("provider") or {}).get("runtime") if isinstance(document.get("provider"), dict) else None
    functions = document.get("functions") or {}
    if not isinstance(functions, dict):
        return
    for name, function in functions.items():
        if not isinstance(function, dict) or not isinstance(function.get("handler"), str):
            continue
        if "${" in function["handler"]:
            continue  # a variable we cannot resolve: ignored, not fatal
        function_runtime = function.get("runtime", runtime)
        if not is_python(function_runtime) and not str(function_runtime).startswith("${"):
            continue
        provisioned = function.get("provisionedConcurrency")
        snap = function.get("snapStart")
        declare(
            found, path, name, path.parent, function["handler"],
            snap if isinstance(snap, bool) else None,
            bool(provisioned) if isinstance(provisioned, int) else None,
        )
