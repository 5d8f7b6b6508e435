"""What the deployment readers share: the ``Found`` collector, the project root, handler strings
resolved to files, and YAML with CloudFormation's short-form tags.

A declaration names a file that may not exist, or a function the file lacks: those become warnings,
never errors. PyYAML loads only when such a file is found.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from lambda_import_lint.discovery.candidates import is_candidate
from lambda_import_lint.discovery.declarations import DiscoveryWarning, HandlerDeclaration, Layer, handlers_hint


Reader = Callable[[Path, "Found"], None]  # one deployment file → declarations and warnings
Probe = tuple[str, str, bool]  # ("file" or "dir", path, the answer): what a reading asked the filesystem
# A run's folder listings, shared by its walks: absolute folder path → its entries, sorted by name.
Listings = dict[str, "list[os.DirEntry[str]]"]


class Reading:
    """The file being read (its bytes, read once by ``discover`` and hashed for the cache) and the
    questions the reader asked the filesystem meanwhile: a cached reading holds only while every
    answer is the same (a handler file created since makes its "not found" warning stale)."""

    content: dict[str, bytes] = {}
    probes: list[Probe] | None = None


def read_bytes(path: Path) -> bytes:
    """A deployment file's bytes: those ``discover`` read (and prefiltered, and hashed), else
    the disk's."""
    data = Reading.content.get(str(path))
    return data if data is not None else path.read_bytes()


def read_text(path: Path) -> str:
    """``read_bytes`` as text, as ``open`` would give it (UTF-8, errors replaced, universal newlines)."""
    return read_bytes(path).decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def is_file(path: Path) -> bool:
    """``path.is_file()``, recorded for the cache."""
    answer = path.is_file()
    if Reading.probes is not None:
        Reading.probes.append(("file", str(path), answer))
    return answer


def is_dir(path: Path) -> bool:
    """``path.is_dir()``, recorded for the cache."""
    answer = path.is_dir()
    if Reading.probes is not None:
        Reading.probes.append(("dir", str(path), answer))
    return answer


class Found:
    """What the readers collect over a run."""

    def __init__(self) -> None:
        self.declarations: list[HandlerDeclaration] = []
        self.warnings: list[DiscoveryWarning] = []
        self.retired: list[HandlerDeclaration] = []  # what deployment files in retired folders declare

    def warn(self, source: Path, cause: str, subject: str = "", hint: str | None = None) -> None:
        """Note what cannot be followed. ``cause`` must not name the function (``subject`` does),
        so that functions sharing a cause share one line; ``hint``: the next step (default: name
        the handlers in the configuration)."""
        warning = DiscoveryWarning(
            os.path.realpath(source), display(source), cause, subject, handlers_hint() if hint is None else hint
        )
        self.warnings.append(warning)


def resolve_module(code_root: Path, handler: str) -> tuple[Path, str] | None:
    """``"pkg/api.main"`` or ``"pkg.api.main"`` → (code_root/pkg/api.py, "main")."""
    if "." not in handler or "${" in handler:
        return None
    module, function = handler.rsplit(".", 1)
    module = module.removeprefix("./").replace(".", "/")
    candidate = code_root / f"{module}.py"
    if not is_file(candidate) and is_file(code_root / module / "__init__.py"):
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
    layers: tuple[Layer, ...] = (),
    rarely_invoked: str | None = None,
    awaited: bool = False,
    memory: object = None,
    single_file: bool = False,
    unattended: bool = False,
) -> None:
    """``single_file``: the function's package holds its handler's file alone (a Terraform
    ``archive_file`` of a ``source_file``), as it does when ``code_root`` is that file."""
    if not isinstance(handler, str):
        return
    for layer in layers:
        if layer.unknown:  # one line per layer, naming the functions that list it
            hint = LAYER_BUILD_HINT if layer.folder is not None else LAYER_HINT
            found.warn(source, f"layer {layer.name}: {layer.unknown}", label, hint)
    if code_root.suffix.lower() in ARCHIVES and not is_dir(code_root):
        found.warn(source, NOT_INSPECTABLE.format("a .zip archive"), label, ARCHIVE_HINT)
        return
    resolved = resolve_module(code_root, handler)
    if resolved is None:
        found.warn(source, f"cannot resolve handler {handler!r}")
        return
    path, function = resolved
    if code_root.suffix == ".py" and not is_dir(code_root):
        # The code is that one file (CodeUri: src/app.py): the handler string names its function.
        path, code_root, single_file = code_root, code_root.parent, True
    if not is_file(path):
        found.warn(
            source, f"handler {handler!r}: {display(path)} not found", label,
            f"fix the handler or its code folder, or {handlers_hint()}",
        )
    found.declarations.append(
        HandlerDeclaration(function, display(source), path=path, snapstart=snapstart,
                           provisioned_concurrency=provisioned, code_root=code_root, layers=layers,
                           rarely_invoked=rarely_invoked, awaited=awaited,
                           memory_mb=memory_mb(memory), single_file=single_file, unattended=unattended)
    )


def only_schedules(expressions: list[object]) -> str | None:
    """Why a function whose every trigger is one of these schedule expressions runs rarely, or
    None: rare when each fires at most once an hour (``rate(1 day)``, ``rate(90 minutes)``, a
    ``cron(...)`` with one minute of the hour, a one-time ``at(...)``). Lambda reclaims an idle
    execution environment well within an hour, so each run of such a function is a cold start."""
    if not expressions or not all(isinstance(e, str) and _at_most_hourly(e) for e in expressions):
        return None
    return f"runs only on a schedule ({', '.join(str(e) for e in expressions)})"


def _at_most_hourly(expression: str) -> bool:
    text = expression.strip()
    rate = re.fullmatch(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)", text)
    if rate is not None:
        return not rate.group(2).startswith("minute") or int(rate.group(1)) >= 60
    cron = re.fullmatch(r"cron\(\s*(\S+)\s+.*\)", text)
    if cron is not None:
        return cron.group(1).isdigit()
    return re.fullmatch(r"at\(.*\)", text) is not None


def define_layer(name: str, folder: Path | None, built: bool = False) -> Layer:
    """A layer the deployment file defines. Its content is followed only from a local folder: a
    missing one, or code in S3 or a .zip, leaves it unknown, which ``declare`` says once for the
    Python functions that list it (a Java function's layer is none of our business)."""
    if folder is None:
        return Layer(name, unknown="its code is in S3, which cannot be inspected")
    if folder.suffix.lower() in ARCHIVES and not is_dir(folder):
        return Layer(name, unknown=NOT_INSPECTABLE.format("a .zip archive"))
    if not is_dir(folder):
        return Layer(name, folder, built, f"folder {display(folder)} not found")
    return Layer(name, folder, built)


def external_layer(reference: object) -> Layer:
    """A layer defined elsewhere, named as written (an ARN, or the expression that gives one)."""
    return Layer(reference if isinstance(reference, str) else _expression(reference))


def _expression(value: object) -> str:
    """A CloudFormation intrinsic as short text: ``!Sub arn:…``, ``!Ref Name``, ``!GetAtt A.B``."""
    if isinstance(value, dict) and len(value) == 1:
        (key, argument), = value.items()
        tag = "!Ref" if key == "Ref" else "!" + str(key).removeprefix("Fn::")
        if isinstance(argument, list):
            argument = ".".join(str(part) for part in argument) if tag == "!GetAtt" else str(argument[0])
        return f"{tag} {argument}"
    return str(value)


LAYER_HINT = "imports into its modules are not followed"
LAYER_BUILD_HINT = "build the layer before checking, or fix its path; until then, imports into it are not followed"


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
    """A YAML document as PyYAML's safe loader gives it, CloudFormation's short-form tags as data
    (``!Ref X`` → ``{"Ref": "X"}``, ``!GetAtt A.B`` → ``{"Fn::GetAtt": "A.B"}``)."""
    import yaml

    loader = _loader()(text)
    try:
        return _from_events(loader)
    except _FullLoaderNeeded:
        pass
    finally:
        loader.dispose()
    return yaml.load(text, Loader=_loader())  # noqa: S506 - SafeConstructor subclass


class _FullLoaderNeeded(Exception):
    """What ``_from_events`` leaves to PyYAML's own composer and constructor."""


_LOADERS: dict[bool, type[Any]] = {}  # by whether libyaml is there


def _loader() -> type[Any]:
    """PyYAML's safe loader with the short-form tags; libyaml's parser when PyYAML was built with
    it (the wheels are): about ten times faster than the pure-Python one, which took 0.5 s for a
    template declaring 300 functions."""
    import yaml

    with_libyaml = bool(yaml.__with_libyaml__)
    if with_libyaml in _LOADERS:
        return _LOADERS[with_libyaml]
    safe: type[Any] = yaml.CSafeLoader if with_libyaml else yaml.SafeLoader

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
        return _intrinsic(suffix, value)

    Loader.add_multi_constructor("!", intrinsic)
    _LOADERS[with_libyaml] = Loader
    return Loader


def _intrinsic(suffix: str, value: object) -> dict[str, object]:
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


def _short_form(tag: str | None) -> bool:
    return tag is not None and tag.startswith("!") and tag != "!"


_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_COLLECTIONS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _from_events(loader: Any) -> Any:
    """The document built straight from the parser's events: PyYAML's composer (a node object per
    value, resolver hooks per node) and constructor took twice as long as libyaml's parsing on
    SAM templates. Plain scalars are resolved and constructed by PyYAML itself, so the data is the
    same; whatever is rarer (merge keys, recursive or duplicate anchors, unhashable keys, other
    tags on collections, several documents) raises ``_FullLoaderNeeded`` for the loader to read the
    text again its own way (and report what it reports)."""
    import yaml

    scalar_node, resolve, construct = yaml.ScalarNode, loader.resolve, loader.construct_object
    # The first characters of the plain scalars PyYAML's resolver may give another tag than str
    # (digits, signs, `t`/`f`/`y`/`n`/`o` of booleans, `~`, `<<`...): any other is a string.
    implicit = loader.yaml_implicit_resolvers
    maybe_typed = "" if None in implicit else "".join(key for key in implicit if key)
    anchors: dict[str, object] = {}
    # Open collections: [the list or dict, its tag, its anchor, the key read, whether one was read]
    stack: list[list[Any]] = []
    document: object = None
    documents = 0
    while True:
        event = loader.get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            tag, value = event.tag, event.value
            if tag is None or tag == "!":
                plain = event.implicit[0]
                if not plain or (value and maybe_typed and value[0] not in maybe_typed):
                    tag = _STR
                else:
                    tag = resolve(scalar_node, value, event.implicit)
            if tag == _STR:
                item: object = value
            elif tag == _INT and value.isdigit() and (value[0] != "0" or value == "0"):
                item = int(value)
            elif tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
                raise _FullLoaderNeeded
            else:  # PyYAML's own constructor for the rest (booleans, null, floats, dates)
                node = scalar_node(tag, value, event.start_mark, event.end_mark, event.style)
                try:
                    item = construct(node, deep=True)
                except yaml.YAMLError:  # a tag it refuses: the error the full loader meets first
                    raise _FullLoaderNeeded from None
            anchor = event.anchor
        elif kind is yaml.AliasEvent:
            if event.anchor not in anchors:
                raise _FullLoaderNeeded  # undefined, or an anchor still being built (recursive)
            item, anchor = anchors[event.anchor], None
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag not in _COLLECTIONS and not _short_form(event.tag):
                raise _FullLoaderNeeded
            stack.append([{} if kind is yaml.MappingStartEvent else [], event.tag, event.anchor, None, False])
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            collection, tag, anchor, _, _ = stack.pop()
            item = _intrinsic(tag[1:], collection) if _short_form(tag) else collection
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _FullLoaderNeeded
            continue
        elif kind is yaml.StreamEndEvent:
            return document
        else:  # the stream's start, a document's end
            continue
        if anchor is not None:
            if anchor in anchors:
                raise _FullLoaderNeeded
            anchors[anchor] = item
        if not stack:
            document = item
            continue
        top = stack[-1]
        if isinstance(top[0], list):
            top[0].append(item)
        elif top[4]:
            top[0][top[3]] = item
            top[4] = False
        else:
            if isinstance(item, (dict, list)):
                raise _FullLoaderNeeded  # an unhashable key: the constructor's error
            top[3], top[4] = item, True


def is_python(runtime: object) -> bool:
    return runtime is None or (isinstance(runtime, str) and runtime.startswith("python"))


def is_virtual_environment(names: Iterable[str]) -> bool:
    """Whether a folder holding these entries is a virtual environment: it holds ``pyvenv.cfg``
    and no deployment file. A project folder someone also made a virtual environment in (``python
    -m venv .`` beside a SAM ``template.yaml``: round 21's Ptarmigan, whose handlers a check of
    the repository skipped) is walked, its installed packages still skipped (``site-packages``)."""
    found = False
    for name in names:
        if is_candidate(name):
            return False
        found = found or name == "pyvenv.cfg"
    return found


# Folders whose name retires the code in them (seed 23's blind review: a `deprecated/` folder the
# README calls "code no longer maintained").
_RETIRED_FOLDERS = frozenset({"deprecated", "obsolete", "archive", "archived"})


def in_retired_folder(relative: str) -> bool:
    """Whether a path below the project root runs through a folder whose name retires its code
    (``deprecated/``, ``obsolete/``, ``archive/``, ``archived/``): neither its handler-shaped
    functions nor its deployment files declare handlers."""
    return retired_depth(relative) is not None


def retired_depth(relative: str) -> int | None:
    """How many folders deep the outermost retired folder (``_RETIRED_FOLDERS``) of a relative
    file path lies (0 for ``deprecated/old.tf``), or None when it lies in none."""
    parts = relative.replace("\\", "/").split("/")[:-1]
    return next((index for index, part in enumerate(parts) if part.lower() in _RETIRED_FOLDERS), None)
