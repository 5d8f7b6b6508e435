"""What the deployment readers share: the ``Found`` collector, the project root, handler strings
resolved to files, and YAML with CloudFormation's short-form tags.

A declaration names a file that may not exist, or a function the file lacks: those become warnings,
never errors. Parsers (PyYAML, python-hcl2) load only when such a file is found.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable

from lambda_import_lint.discovery.declarations import DiscoveryWarning, HandlerDeclaration, handlers_hint


Reader = Callable[[Path, "Found"], None]  # one deployment file → declarations and warnings


class Found:
    """What the readers collect over a run."""

    def __init__(self) -> None:
        self.declarations: list[HandlerDeclaration] = []
        self.warnings: list[DiscoveryWarning] = []

    def warn(self, source: Path, cause: str, subject: str = "", hint: str | None = None) -> None:
        """Note what cannot be followed. ``cause`` must not name the function (``subject`` does),
        so that functions sharing a cause share one line; ``hint``: the next step (default: name
        the handlers in the configuration)."""
        warning = DiscoveryWarning(
            os.path.realpath(source), display(source), cause, subject, handlers_hint() if hint is None else hint
        )
        self.warnings.append(warning)


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


def display(path: Path) -> str:
    """A deployment file as users name it: relative to the working folder when under it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def declare(
    found: Found,
    source: Path,
    label: str,
    code_root: Path,
    handler: object,
    snapstart: bool | None = None,
    provisioned: bool | None = None,
    memory: object = None,
) -> None:
    if not isinstance(handler, str):
        return
    if code_root.suffix.lower() in ARCHIVES and not code_root.is_dir():
        found.warn(source, NOT_INSPECTABLE.format("a .zip archive"), label, ARCHIVE_HINT)
        return
    resolved = resolve_module(code_root, handler)
    if resolved is None:
        found.warn(source, f"cannot resolve handler {handler!r}")
        return
    path, function = resolved
    if code_root.suffix == ".py" and not code_root.is_dir():
        # The code is that one file (CodeUri: src/app.py): the handler string names its function.
        path, code_root = code_root, code_root.parent
    if not path.is_file():
        found.warn(
            source, f"handler {handler!r}: {display(path)} not found", label,
            f"fix the handler or its code folder, or {handlers_hint()}",
        )
    found.declarations.append(
        HandlerDeclaration(function, display(source), path=path, snapstart=snapstart,
                           provisioned_concurrency=provisioned, code_root=code_root, memory_mb=memory_mb(memory))
    )


def memory_mb(value: object) -> int | None:
    """A function's memory in MB as a deployment file writes it (``512``, ``"512"``), or None for
    what cannot be read statically (a parameter, a variable) or is out of Lambda's range."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 128 <= value <= 10240 else None


ARCHIVES = (".zip", ".jar")
NOT_INSPECTABLE = "code deployed from {}, which cannot be inspected"
ARCHIVE_HINT = f"to check the source it is built from, {handlers_hint()}"


def yaml_load(text: str) -> Any:
    import yaml

    # libyaml's parser when PyYAML was built with it (the wheels are): about ten times faster
    # than the pure-Python one, which took 0.5 s for a template declaring 300 functions.
    safe: type[Any] = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

    class Loader(safe):  # type: ignore[misc]
        pass

    def intrinsic(loader: Any, suffix: str, node: yaml.Node) -> object:
        # !Ref X → {"Ref": X}; !GetAtt A.B → {"Fn::GetAtt": ...}; the value is kept as data.
        if isinstance(node, yaml.ScalarNode):
            value: object = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", intrinsic)
    return yaml.load(text, Loader=Loader)  # noqa: S506 - SafeLoader subclass


def is_python(runtime: object) -> bool:
    return runtime is None or (isinstance(runtime, str) and runtime.startswith("python"))


def is_candidate(name: str) -> bool:
    """Whether a file name may be a deployment file (the file walk collects these too). JSON only
    by the names a reader takes (``sam.looks_like_template`` reads no other ``.json``): a
    ``package.json`` must not make a run load the readers."""
    return (
        name in ("serverless.yml", "serverless.yaml", "cdk.json", "template.json", "Dockerfile")
        or name.endswith((".tf", ".template", ".yaml", ".yml", ".Dockerfile"))
        or name.startswith("Dockerfile.")
    )
