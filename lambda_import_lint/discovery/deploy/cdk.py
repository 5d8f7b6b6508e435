"""CDK apps: Python by syntax tree, TypeScript by careful patterns."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

from lambda_import_lint.discovery.deploy.common import (
    Found, declare, define_layer, external_layer, read_bytes, read_text,
)
from lambda_import_lint.discovery.declarations import Layer


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _attribute_path(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_attribute_path(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _asset_folder(node: ast.expr | None, app: Path) -> Path | None:
    """``Code.from_asset("dir")``, or CDK v1's ``Code.asset("dir")`` (relative to the CDK app folder)."""
    if isinstance(node, ast.Call) and _attribute_path(node.func).endswith(("from_asset", "Code.asset")) and node.args:
        folder = _string(node.args[0])
        return app / folder if folder is not None else None
    return None


def _assigned(node: ast.expr, assigned: dict[str, list[ast.expr]]) -> ast.expr:
    """A keyword's value, or the one value the variable it names (``lambda_code``, ``self.code``)
    is assigned in the file: functions often share one (round 47: twenty functions of one stack
    passing ``runtime=lambda_runtime, code=lambda_code``, so none was declared). A variable assigned
    more than once stays as it is (unknown)."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        values = assigned.get(node.id if isinstance(node, ast.Name) else node.attr, [])
        if len(values) == 1:
            return values[0]
    return node


def _memory(keywords: dict[str | None, ast.expr]) -> object:
    value = keywords.get("memory_size")
    return value.value if isinstance(value, ast.Constant) else None


def cdk_python(path: Path, app: Path, found: Found) -> None:
    with warnings.catch_warnings():  # the app's own warnings are not ours to print
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(read_bytes(path))
        except (SyntaxError, ValueError):
            return
    warm_names: set[str] = set()
    functions: list[tuple[str | None, ast.Call]] = []
    layers: dict[str, Layer] = {}
    # What variables are assigned (`code = Code.from_asset("src")`, then `Function(code=code, …)`).
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            name = target.id if isinstance(target, ast.Name) else None
            if isinstance(target, ast.Attribute):
                name = target.attr
            if name is not None:
                assigned.setdefault(name, []).append(node.value)
            if isinstance(node.value, ast.Call):
                functions.append((name, node.value))
                layer = _python_layer(node.value, name, app)
                if layer is not None and name is not None:
                    layers[name] = layer
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
        keywords = {keyword.arg: _assigned(keyword.value, assigned) for keyword in call.keywords}
        runtime = _attribute_path(keywords["runtime"]) if "runtime" in keywords else ""
        if runtime and "PYTHON" not in runtime:
            continue
        snap = "ON_PUBLISHED_VERSIONS" in _attribute_path(keywords.get("snap_start", ast.Constant(None)))
        label = _string(call.args[1]) if len(call.args) > 1 else (variable or kind)
        listed = keywords.get("layers")
        function_layers = tuple(
            _function_layer(element, layers, app)
            for element in (listed.elts if isinstance(listed, (ast.List, ast.Tuple)) else ())
        )
        if kind == "PythonFunction":
            entry = _string(keywords.get("entry"))
            if entry is None:
                continue
            index = (_string(keywords.get("index")) or "index.py").removesuffix(".py")
            handler = f"{index}.{_string(keywords.get('handler')) or 'handler'}"
            declare(
                found, path, str(label), app / entry, handler, snap, variable in warm_names, function_layers,
                memory=_memory(keywords),
            )
            continue
        folder = _asset_folder(keywords.get("code"), app)
        if folder is None:
            continue
        declare(
            found, path, str(label), folder, _string(keywords.get("handler")), snap, variable in warm_names,
            function_layers, memory=_memory(keywords),
        )


_UNKNOWN_FOLDER = "code folder unknown (not a literal path)"


def _python_layer(call: ast.Call, variable: str | None, app: Path) -> Layer | None:
    """``LayerVersion(code=Code.from_asset("layer"))`` (the folder is ``/opt``),
    ``PythonLayerVersion(entry="layer")`` (built: its modules go to ``python/``), or
    ``LayerVersion.from_layer_version_arn(self, "Id", "arn:…")`` (defined elsewhere)."""
    kind = _attribute_path(call.func).split(".")[-1]
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    name = _string(call.args[1]) if len(call.args) > 1 else None
    name = name or variable or kind
    if kind in ("from_layer_version_arn", "from_layer_version_attributes"):
        arn = call.args[2] if len(call.args) > 2 else keywords.get("layer_version_arn")
        return external_layer(_string(arn) or name)
    if kind == "LayerVersion":
        folder = _asset_folder(keywords.get("code"), app)
        return define_layer(name, folder) if folder is not None else Layer(name, unknown=_UNKNOWN_FOLDER)
    if kind == "PythonLayerVersion":
        entry = _string(keywords.get("entry"))
        return Layer(name, unknown=_UNKNOWN_FOLDER) if entry is None else define_layer(name, app / entry, built=True)
    return None


def _function_layer(element: ast.expr, layers: dict[str, Layer], app: Path) -> Layer:
    if isinstance(element, (ast.Name, ast.Attribute)):
        variable = element.id if isinstance(element, ast.Name) else element.attr
        if variable in layers:
            return layers[variable]
    if isinstance(element, ast.Call):
        layer = _python_layer(element, None, app)
        if layer is not None:
            return layer
    return external_layer(ast.unparse(element))


# `new lambda.Function(this, "Id", {` — the id a literal, or an expression without commas
# (`this.resourceName("Id")`), then shown as written.
_TS_FUNCTION = re.compile(
    r"new\s+(?:\w+\.)*(Function|PythonFunction)\s*\(\s*this\s*,\s*(?:(['\"`])([^'\"`]*)\2|([^,{};]+?))\s*,\s*\{"
)


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


def _ts_path(expression: str, source: Path, app: Path, text: str = "") -> Path | None:
    """The folder a TypeScript path expression names: a literal (relative to the CDK app),
    ``path.join(__dirname, "…")``, or ``path.join(lambdasPath, "x")`` where the same file assigns
    ``const lambdasPath = path.join(__dirname, "…")`` (round 14: a stack whose every function the
    reader missed)."""
    joined = re.match(r"\s*path\.(?:join|resolve)\(\s*(\w+)\s*((?:,\s*['\"][^'\"]*['\"]\s*)+)\)", expression)
    if joined:
        parts = re.findall(r"['\"]([^'\"]*)['\"]", joined.group(2))
        if joined.group(1) == "__dirname":
            return source.parent.joinpath(*parts)
        assigned = re.search(
            r"(?:const|let|var)\s+" + re.escape(joined.group(1))
            + r"\s*(?::\s*string\s*)?=\s*(path\.(?:join|resolve)\(\s*__dirname[^)]*\))",
            text,
        )
        base = _ts_path(assigned.group(1), source, app) if assigned else None
        return base.joinpath(*parts) if base is not None else None
    plain = re.match(r"\s*['\"]([^'\"]+)['\"]", expression)
    return app / plain.group(1) if plain else None


_TS_LAYER = re.compile(
    r"(?:(?:const|let|var)\s+(\w+)\s*(?::\s*[\w.]+\s*)?=|this\.(\w+)\s*=)\s*"
    r"(?:new\s+(?:\w+\.)*(LayerVersion|PythonLayerVersion)\s*\(\s*this\s*,\s*(['\"`])([^'\"`]*)\4\s*,\s*\{"
    r"|(?:\w+\.)*LayerVersion\.fromLayerVersionArn\(\s*this\s*,\s*[^,]+,\s*(['\"`])([^'\"`]*)\6)"
)


# `Code.fromAsset("dir")`, or CDK v1's `Code.asset("dir")`, with a literal folder or path.join(...).
_TS_ASSET = re.compile(r"Code\.(?:fromAsset|asset)\(\s*(path\.(?:join|resolve)\([^)]*\)|['\"][^'\"]+['\"])")


def _ts_layers(text: str, path: Path, app: Path) -> dict[str, Layer]:
    """Layers assigned to a variable or field: ``new LayerVersion(this, "Id", {code:
    Code.fromAsset(...)})``, ``new PythonLayerVersion(this, "Id", {entry: ...})`` (built), or
    ``LayerVersion.fromLayerVersionArn(this, "Id", "arn:…")`` (defined elsewhere)."""
    layers: dict[str, Layer] = {}
    for match in _TS_LAYER.finditer(text):
        variable = match.group(1) or match.group(2)
        if match.group(7) is not None:
            layers[variable] = external_layer(match.group(7))
            continue
        kind, name = match.group(3), match.group(5) or variable
        body = _balanced(text, match.end() - 1)
        if kind == "PythonLayerVersion":
            entry = re.search(r"entry\s*:\s*([^,\n}]+(?:\([^)]*\))?)", body)
            folder = _ts_path(entry.group(1), path, app, text) if entry else None
        else:
            asset = _TS_ASSET.search(body)
            folder = _ts_path(asset.group(1), path, app, text) if asset else None
        built = kind == "PythonLayerVersion"
        layers[variable] = Layer(name, unknown=_UNKNOWN_FOLDER) if folder is None else define_layer(name, folder, built)
    return layers


def _ts_function_layers(body: str, layers: dict[str, Layer]) -> tuple[Layer, ...]:
    listed = re.search(r"\blayers\s*:\s*\[([^\]]*)\]", body)
    if listed is None:
        return ()
    names = [element.strip() for element in listed.group(1).split(",") if element.strip()]
    return tuple(layers.get(name.removeprefix("this."), external_layer(name)) for name in names)


def cdk_typescript(path: Path, app: Path, found: Found) -> None:
    text = read_text(path)
    layers = _ts_layers(text, path, app) if "LayerVersion" in text else {}
    for match in _TS_FUNCTION.finditer(text):
        kind, label = match.group(1), match.group(3) if match.group(2) else match.group(4)
        body = _balanced(text, match.end() - 1)
        runtime = re.search(r"runtime\s*:\s*(?:\w+\.)*Runtime\.(\w+)", body)
        if runtime and not runtime.group(1).startswith("PYTHON"):
            continue
        snap = bool(re.search(r"snapStart\s*:\s*(?:\w+\.)*SnapStartConf\.ON_PUBLISHED_VERSIONS", body))
        if kind == "PythonFunction":
            entry = re.search(r"entry\s*:\s*([^,\n}]+(?:\([^)]*\))?)", body)
            folder = _ts_path(entry.group(1), path, app, text) if entry else None
            index = re.search(r"index\s*:\s*['\"]([^'\"]+)['\"]", body)
            name = re.search(r"handler\s*:\s*['\"]([^'\"]+)['\"]", body)
            module = (index.group(1) if index else "index.py").removesuffix(".py")
            handler: str | None = f"{module}.{name.group(1) if name else 'handler'}"
        else:
            asset = _TS_ASSET.search(body)
            folder = _ts_path(asset.group(1), path, app, text) if asset else None
            handler_match = re.search(r"handler\s*:\s*['\"]([^'\"]+)['\"]", body)
            handler = handler_match.group(1) if handler_match else None
        memory = re.search(r"memorySize\s*:\s*(\d+)\s*[,}\n]", body)
        if folder is not None and handler is not None:
            declare(
                found, path, label, folder, handler, snap, layers=_ts_function_layers(body, layers),
                memory=memory.group(1) if memory else None,
            )
