"""Handlers declared in deployment files: SAM/CloudFormation, Serverless Framework, CDK (Python and
TypeScript), Terraform and Dockerfiles. Each format is one small function from a file to
``HandlerDeclaration``s; ``DeploymentFiles`` finds the files under the project root.

A declaration names a file that may not exist, or a function the file lacks: those become warnings,
never errors. Parsers (PyYAML, python-hcl2) load only when such a file is found.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from lambda_import_lint.discovery.handlers import HandlerDeclaration


@dataclass
class Found:
    declarations: list[HandlerDeclaration] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (deployment file, message)

    def warn(self, source: Path, message: str) -> None:
        self.warnings.append((os.path.realpath(source), f"{_display(source)}: {message}"))


def project_root(paths: Iterable[str]) -> Path:
    """The nearest folder at or above the first path holding ``pyproject.toml`` or ``.git``;
    else the first path (its folder, for a file)."""
    first = Path(next(iter(paths), "."))
    start = Path(os.path.realpath(first))
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return start


def resolve_module(code_root: Path, handler: str) -> tuple[Path, str] | None:
    """``"pkg/api.main"`` or ``"pkg.api.main"`` → (code_root/pkg/api.py, "main")."""
    if "." not in handler or "${" in handler:
        return None
    module, function = handler.rsplit(".", 1)
    module = module.removeprefix("./").replace(".", "/")
    candidate = code_root / f"{module}.py"
    if not candidate.is_file() and (code_root / module / "__init__.py").is_file():
        candidate = code_root / module / "__init__.py"
    return candidate, function


def _display(path: Path) -> str:
    """A deployment file as users name it: relative to the working folder when under it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _declare(
    found: Found,
    source: Path,
    label: str,
    code_root: Path,
    handler: object,
    snapstart: bool | None = None,
    provisioned: bool | None = None,
) -> None:
    if not isinstance(handler, str):
        return
    resolved = resolve_module(code_root, handler)
    if resolved is None:
        found.warn(source, f"{label}: cannot resolve handler {handler!r}")
        return
    path, function = resolved
    if not path.is_file():
        found.warn(source, f"{label}: handler {handler!r}: {_display(path)} not found")
    found.declarations.append(
        HandlerDeclaration(function, _display(source), path=path, snapstart=snapstart,
                           provisioned_concurrency=provisioned, code_root=code_root)
    )


# -- SAM / CloudFormation -------------------------------------------------------------------------


def _yaml_load(text: str) -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
        # !Ref X → {"Ref": X}; !GetAtt A.B → {"Fn::GetAtt": ...}; the value is kept as data.
        if isinstance(node, yaml.ScalarNode):
            value: object = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", intrinsic)
    return yaml.load(text, Loader=Loader)  # noqa: S506 - SafeLoader subclass


def _is_python(runtime: object) -> bool:
    return runtime is None or (isinstance(runtime, str) and runtime.startswith("python"))


def _ref(value: object) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    if isinstance(value, str):
        return value
    return None


def cloudformation(path: Path, found: Found) -> None:
    text = path.read_text("utf-8", errors="replace")
    try:
        template = json.loads(text) if path.suffix == ".json" else _yaml_load(text)
    except Exception as error:  # a broken template is a warning, never a crash
        found.warn(path, f"cannot read template: {str(error).splitlines()[0]}")
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
            if merged.get("PackageType") == "Image" or "InlineCode" in merged or not _is_python(merged.get("Runtime")):
                continue
            code_uri = merged.get("CodeUri", ".")
            if not isinstance(code_uri, str):
                found.warn(path, f"{name}: CodeUri is not a local folder; skipped")
                continue
            snap = (merged.get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions"
            provisioned = bool(merged.get("ProvisionedConcurrencyConfig"))
            _declare(found, path, name, path.parent / code_uri, merged.get("Handler"), snap, provisioned)
        elif kind == "AWS::Lambda::Function":
            code = properties.get("Code")
            if not _is_python(properties.get("Runtime")) or (isinstance(code, dict) and "ZipFile" in code):
                continue  # inline code lives in the template, not in a file
            code_root = path.parent / code if isinstance(code, str) else path.parent
            snap = (properties.get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions"
            _declare(found, path, name, code_root, properties.get("Handler"), snap, name in provisioned_aliases)


def _looks_like_template(path: Path) -> bool:
    if path.name in ("template.yaml", "template.yml", "template.json") or path.suffix == ".template":
        return True
    if path.suffix not in (".yaml", ".yml"):
        return False
    try:
        head = path.read_bytes()[:65536]
    except OSError:
        return False
    return b"AWSTemplateFormatVersion" in head or b"AWS::Serverless" in head


# -- Serverless Framework -------------------------------------------------------------------------


def serverless(path: Path, found: Found) -> None:
    try:
        document = _yaml_load(path.read_text("utf-8", errors="replace"))
    except Exception as error:
        found.warn(path, f"cannot read: {str(error).splitlines()[0]}")
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
        if not _is_python(function_runtime) and not str(function_runtime).startswith("${"):
            continue
        provisioned = function.get("provisionedConcurrency")
        snap = function.get("snapStart")
        _declare(
            found, path, name, path.parent, function["handler"],
            snap if isinstance(snap, bool) else None,
            bool(provisioned) if isinstance(provisioned, int) else None,
        )


# -- Dockerfile -----------------------------------------------------------------------------------

_FROM_LAMBDA = re.compile(r"^\s*FROM\s+\S*(lambda/python|aws-lambda-python)", re.IGNORECASE | re.MULTILINE)
_CMD = re.compile(r"^\s*CMD\s+(.+)$", re.IGNORECASE | re.MULTILINE)
_COPY = re.compile(r"^\s*(?:COPY|ADD)\s+(?:--\S+\s+)*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def dockerfile(path: Path, found: Found) -> None:
    text = path.read_text("utf-8", errors="replace")
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
    roots = [path.parent]
    for arguments in _COPY.findall(text):
        sources = arguments.split()[:-1]
        roots.extend(path.parent / source for source in sources if (path.parent / source).is_dir())
    for root in roots:
        resolved = resolve_module(root, handler) if isinstance(handler, str) else None
        if resolved is not None and resolved[0].is_file():
            _declare(found, path, "CMD", root, handler)
            return
    _declare(found, path, "CMD", path.parent, handler)


# -- Terraform ------------------------------------------------------------------------------------


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

        with open(path, encoding="utf-8", errors="replace") as handle:
            document = hcl2.load(handle)
    except Exception as error:
        found.warn(path, f"cannot read: {str(error).splitlines()[0] if str(error) else error!r}")
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
                if not _is_python(_unquote(body.get("runtime"))):
                    continue
                filename = str(body.get("filename", ""))
                match = re.search(r"data\.archive_file\.(\w+)\.output_path", filename)
                code_root = archives.get(match.group(1)) if match else None
                if code_root is None:
                    found.warn(path, f"aws_lambda_function.{_unquote(name)}: code folder unknown")
                    continue
                snap = any(_unquote(s.get("apply_on")) == "PublishedVersions" for s in body.get("snap_start", []))
                _declare(found, path, f"aws_lambda_function.{_unquote(name)}", code_root,
                         _unquote(body.get("handler")), snap)
    for block in document.get("module", []):
        for name, body in block.items():
            if "terraform-aws-modules/lambda/aws" not in str(_unquote(body.get("source"))):
                continue
            source_path = body.get("source_path")
            code_root = _terraform_path(source_path, path.parent) if isinstance(source_path, str) else None
            if code_root is None:
                found.warn(path, f"module.{_unquote(name)}: source_path unknown")
                continue
            snap = _unquote(body.get("snap_start")) in (True, "true")
            executions = _unquote(body.get("provisioned_concurrent_executions", 0))
            provisioned = executions not in (0, -1, "0", "-1", None)
            _declare(found, path, f"module.{_unquote(name)}", code_root, _unquote(body.get("handler")),
                     snap, provisioned)


# -- CDK ------------------------------------------------------------------------------------------


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
    try:
        tree = ast.parse(path.read_bytes())
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
            _declare(found, path, str(label), app / entry, handler, snap, variable in warm_names)
            continue
        folder = _asset_folder(keywords.get("code"), app)
        if folder is None:
            continue
        _declare(found, path, str(label), folder, _string(keywords.get("handler")), snap, variable in warm_names)


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
    text = path.read_text("utf-8", errors="replace")
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
            _declare(found, path, label, folder, handler, snap)


# -- finding the files ----------------------------------------------------------------------------


def _is_candidate(name: str) -> bool:
    return (
        name in ("serverless.yml", "serverless.yaml", "cdk.json", "Dockerfile")
        or name.endswith((".tf", ".template", ".yaml", ".yml", ".json", ".Dockerfile"))
        or name.startswith("Dockerfile.")
    )


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
            elif (entry.name.endswith(suffixes) if suffixes else _is_candidate(entry.name)) and entry.is_file():
                yield entry.path
        except OSError:
            continue
    for folder in folders:
        yield from _walk(folder, excluded, suffixes)


def _cdk_reader(app: Path, source: Path) -> Callable[[Path, Found], None]:
    reader = cdk_python if source.suffix == ".py" else cdk_typescript

    def read(path: Path, found: Found) -> None:
        reader(path, app, found)

    return read


def discover(root: Path, excluded: Callable[[str], bool]) -> Found:
    """Every handler the deployment files under ``root`` declare (deterministic order)."""
    found = Found()
    readers: list[tuple[Path, Callable[[Path, Found], None]]] = []
    for candidate in _walk(str(root), excluded):
        path = Path(candidate)
        name = path.name
        if name in ("serverless.yml", "serverless.yaml"):
            readers.append((path, serverless))
        elif name.endswith(".tf"):
            readers.append((path, terraform))
        elif name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile"):
            readers.append((path, dockerfile))
        elif name == "cdk.json":
            for source in _walk(str(path.parent), excluded, (".py", ".ts")):
                if not source.endswith(".d.ts"):
                    readers.append((Path(source), _cdk_reader(path.parent, Path(source))))
        elif _looks_like_template(path):
            readers.append((path, cloudformation))
    for path, reader in readers:
        try:
            reader(path, found)
        except OSError as error:
            found.warn(path, f"cannot read: {error.strerror or error}")
    return found
