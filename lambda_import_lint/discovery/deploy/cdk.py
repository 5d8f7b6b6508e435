"""CDK apps: Python by syntax tree, TypeScript by careful patterns."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

from lambda_import_lint.discovery.deploy.common import Found, declare, read_bytes, read_text


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _attribute_path(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_attribute_path(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _asset_folder(node: ast.expr | None, app: Path) -> Path | None:
    """``Code.from_asset("dir")`` (relative to the CDK app folder)."""
    if isinstance(node, ast.Call) and _attribute_path(node.func).endswith("from_asset") and node.args:
        folder = _string(node.args[0])
        return app / folder if folder is not None else None
    return None


def cdk_python(path: Path, app: Path, found: Found) -> None:
    with warnings.catch_warnings():  # the app's own warnings are not ours to print
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(read_bytes(path))
        except (SyntaxError, ValueError):
            return
    warm_names: set[str] = set()
    functions: list[tuple[str | None, ast.Call]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1:
            target = node.targets[0]
            name = target.id if isinstance(target, ast.Name) else None
            if isinstance(target, ast.Attribute):
                name = target.attr
            functions.append((name, node.value))
        elif isinstance(node, ast.Call):
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            if "provisioned_concurrent_executions" in keywords:
                receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
                version = keywords.get("version")
                for candidate in (receiver, version.value if isinstance(version, ast.Attribute) else None):
                    if isinstance(candidate, (ast.Name, ast.Attribute)):
                        warm_names.add(_attribute_path(candidate).split(".")[-1])
            if not any(call is node for _, call in functions):
                functions.append((None, node))
    for variable, call in functions:
        kind = _attribute_path(call.func).split(".")[-1]
        if kind not in ("Function", "PythonFunction"):
            continue
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        runtime = _attribute_path(keywords["runtime"]) if "runtime" in keywords else ""
        if runtime and "PYTHON" not in runtime:
            continue
        snap = "ON_PUBLISHED_VERSIONS" in _attribute_path(keywords.get("snap_start", ast.Constant(None)))
        label = _string(call.args[1]) if len(call.args) > 1 else (variable or kind)
        if kind == "PythonFunction":
            entry = _string(keywords.get("entry"))
            if entry is None:
                continue
            index = (_string(keywords.get("index")) or "index.py").removesuffix(".py")
            handler = f"{index}.{_string(keywords.get('handler')) or 'handler'}"
            declare(found, path, str(label), app / entry, handler, snap, variable in warm_names)
            continue
        folder = _asset_folder(keywords.get("code"), app)
        if folder is None:
            continue
        declare(found, path, str(label), folder, _string(keywords.get("handler")), snap, variable in warm_names)


_TS_FUNCTION = re.compile(r"new\s+(?:\w+\.)*(Function|PythonFunction)\s*\(\s*this\s*,\s*(['\"`])([^'\"`]*)\2\s*,\s*\{")


def _balanced(text: str, start: int) -> str:
    depth = 0
    quote = ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == quote and text[index - 1] != "\\":
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start:index + 1]
    return text[start:]


def _ts_path(expression: str, source: Path, app: Path) -> Path | None:
    joined = re.match(r"\s*path\.(?:join|resolve)\(\s*__dirname\s*((?:,\s*['\"][^'\"]*['\"]\s*)+)\)", expression)
    if joined:
        return source.parent.joinpath(*re.findall(r"['\"]([^'\"]*)['\"]", joined.group(1)))
    plain = re.match(r"\s*['\"]([^'\"]+)['\"]", expression)
    return app / plain.group(1) if plain else None


def cdk_typescript(path: Path, app: Path, found: Found) -> None:
    text = read_text(path)
    for match in _TS_FUNCTION.finditer(text):
        kind, label = match.group(1), match.group(3)
        body = _balanced(text, match.end() - 1)
        runtime = re.search(r"runtime\s*:\s*(?:\w+\.)*Runtime\.(\w+)", body)
        if runtime and not runtime.group(1).startswith("PYTHON"):
            continue
        snap = bool(re.search(r"snapStart\s*:\s*(?:\w+\.)*SnapStartConf\.ON_PUBLISHED_VERSIONS", body))
        if kind == "PythonFunction":
            entry = re.search(r"entry\s*:\s*([^,\n}]+(?:\([^)]*\))?)", body)
            folder = _ts_path(entry.group(1), path, app) if entry else None
            index = re.search(r"index\s*:\s*['\"]([^'\"]+)['\"]", body)
            name = re.search(r"handler\s*:\s*['\"]([^'\"]+)['\"]", body)
            module = (index.group(1) if index else "index.py").removesuffix(".py")
            handler: str | None = f"{module}.{name.group(1) if name else 'handler'}"
        else:
            asset = re.search(r"Code\.fromAsset\(\s*(path\.(?:join|resolve)\([^)]*\)|['\"][^'\"]+['\"])", body)
            folder = _ts_path(asset.group(1), path, app) if asset else None
            handler_match = re.search(r"handler\s*:\s*['\"]([^'\"]+)['\"]", body)
            handler = handler_match.group(1) if handler_match else None
        if folder is not None and handler is not None:
            declare(found, path, label, folder, handler, snap)
