"""SAM and CloudFormation templates (YAML with short-form intrinsic tags, or JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lambda_import_lint.discovery.deploy.common import (
    ARCHIVE_HINT, NOT_INSPECTABLE, Found, declare, is_python, read_bytes, read_text, yaml_load,
)
from lambda_import_lint.discovery.declarations import handlers_hint


def _ref(value: object) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    if isinstance(value, str):
        return value
    return None


def cloudformation(path: Path, found: Found) -> None:
    text = read_text(path)
    try:
        template = json.loads(text) if path.suffix == ".json" else yaml_load(text)
    except Exception as error:  # a broken template is a warning, never a crash
        found.warn(path, f"cannot read template: {str(error).splitlines()[0]}", hint=f"fix it, or {handlers_hint()}")
        return
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        return
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    resources: dict[str, Any] = template["Resources"]
    provisioned_aliases = {
        _ref(resource.get("Properties", {}).get("FunctionName"))
        for resource in resources.values()
        if isinstance(resource, dict)
        and resource.get("Type") == "AWS::Lambda::Alias"
        and resource.get("Properties", {}).get("ProvisionedConcurrencyConfig")
    }
    for name, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        kind = resource.get("Type")
        properties = resource.get("Properties") or {}
        if kind == "AWS::Serverless::Function":
            merged = {**globals_, **properties}
            if merged.get("PackageType") == "Image" or "InlineCode" in merged or not is_python(merged.get("Runtime")):
                continue
            code_uri = merged.get("CodeUri", ".")
            if not isinstance(code_uri, str):
                found.warn(path, NOT_INSPECTABLE.format("S3 (CodeUri is not a local path)"), name, ARCHIVE_HINT)
                continue
            snap = (merged.get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions"
            provisioned = bool(merged.get("ProvisionedConcurrencyConfig"))
            declare(found, path, name, path.parent / code_uri, merged.get("Handler"), snap, provisioned)
        elif kind == "AWS::Lambda::Function":
            code = properties.get("Code")
            if not is_python(properties.get("Runtime")) or (isinstance(code, dict) and "ZipFile" in code):
                continue  # inline code lives in the template, not in a file
            if isinstance(code, dict) and "S3Bucket" in code:
                found.warn(path, NOT_INSPECTABLE.format("S3 (Code.S3Bucket)"), name, ARCHIVE_HINT)
                continue
            code_root = path.parent / code if isinstance(code, str) else path.parent
            snap = (properties.get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions"
            declare(found, path, name, code_root, properties.get("Handler"), snap, name in provisioned_aliases)


def looks_like_template(path: Path) -> bool:
    if path.name in ("template.yaml", "template.yml", "template.json") or path.suffix == ".template":
        return True
    if path.suffix not in (".yaml", ".yml"):
        return False
    try:
        head = read_bytes(path)[:65536]
    except OSError:
        return False
    return b"AWSTemplateFormatVersion" in head or b"AWS::Serverless" in head
