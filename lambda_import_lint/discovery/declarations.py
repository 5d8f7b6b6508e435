"""Handler declarations: what the ``handlers`` setting and the deployment files say Lambda calls,
and the warnings met reading them.

A leaf of discovery: the deployment readers (``deploy/``) produce these records and everything after
discovery reads them; this module imports nothing of ours.
"""

from __future__ import annotations

import collections
import os
from pathlib import Path
from typing import Iterable, NamedTuple

from lambda_import_lint.discovery.candidates import is_dockerfile


class Layer(NamedTuple):
    """A Lambda layer a function lists: one defined in the deployment file with its content
    folder, or one defined elsewhere (an ARN, a parameter), known by name only."""

    name: str  # the resource, variable or layer name; the ARN (or expression) for an external one
    folder: Path | None = None  # the content folder; None: external, or code in S3
    # The folder holds the modules themselves and the deployment tool builds them into ``python/``
    # (SAM ``BuildMethod: python3.x``, CDK ``PythonLayerVersion``); else it is the layer's ``/opt``.
    built: bool = False
    unknown: str = ""  # why its code cannot be followed (a missing folder, S3), for a warning

    def import_roots(self) -> tuple[Path, ...]:
        """Where Lambda finds the layer's modules, in its order: ``/opt/python/lib/python3.X/
        site-packages`` then ``/opt/python`` (for a built layer, the folder is ``/opt/python``)."""
        if self.folder is None:
            return ()
        if self.built:
            return (self.folder,)
        python = self.folder / "python"
        site_packages = sorted(python.glob("lib/python3.*/site-packages"), reverse=True)
        return (*site_packages, python)


class HandlerDeclaration(NamedTuple):
    """One handler a source declares: a file (or a dotted module path) and a function."""

    function: str
    source: str  # "config", a deployment file path, or "heuristic"
    path: Path | None = None  # the file, when the source resolves it
    module: str | None = None  # dotted module ("app.handlers"), matched against file paths
    snapstart: bool | None = None
    provisioned_concurrency: bool | None = None
    code_root: Path | None = None  # the function's code folder (CodeUri, source_dir…), for LIL004
    # Why the function runs rarely, nearly always cold ("runs on a schedule: rate(1 day)", "an SSM
    # Automation script"), when its declaration says so: then neither deferral nor client reuse helps.
    rarely_invoked: str | None = None
    # Its declaration names an event source whose caller waits for the answer (an API, a function
    # URL, a Cognito sign-in): warm invocations exist, and a client built per invocation adds to a
    # wait, so reusing one across them helps. Not a queue, a stream or a schedule: nobody waits.
    awaited: bool = False
    # Its declaration names every source of its events, and none keeps anybody waiting, whatever its
    # event looks like: a WebSocket API's `$disconnect` route (the client has gone already).
    unattended: bool = False
    layers: tuple[Layer, ...] = ()  # the function's layers, in the order Lambda searches them
    memory_mb: int | None = None  # MemorySize / memorySize / memory_size, when the file says
    # Its package holds the handler's file alone (`CodeUri: src/app.py`, a Terraform archive of a
    # `source_file`): the other files of its code folder are not deployed with it.
    single_file: bool = False

    @property
    def warm(self) -> bool:
        """INIT runs before traffic (SnapStart snapshot, provisioned concurrency): deferral inverts."""
        return bool(self.snapstart or self.provisioned_concurrency)

    @property
    def packaged_elsewhere(self) -> bool:
        """Its packages may come from outside its requirements file: a layer, or the installs of
        the container image a Dockerfile builds."""
        return bool(self.layers) or is_dockerfile(Path(self.source).name)

    def matches_module(self, real_file: str) -> bool:
        """Whether a file (its real path) is this declaration's dotted module."""
        if self.module is None:
            return False
        suffix = self.module.replace(".", "/")
        posix = Path(real_file).with_suffix("").as_posix()
        return posix.endswith("/" + suffix) or posix == suffix


class ConfigHandlers:
    """The ``handlers`` setting: ``"src/app.py:handler"`` or a Lambda handler string
    ``"app.handler"`` (module path, then function), relative to the config's folder."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.entries = tuple(entries)

    def declarations(self, root: Path) -> Iterable[HandlerDeclaration]:
        for entry in self.entries:
            if ":" in entry:
                file, function = entry.rsplit(":", 1)
                yield HandlerDeclaration(function, "config", path=root / file)
            elif "." in entry:
                module, function = entry.rsplit(".", 1)
                yield HandlerDeclaration(function, "config", module=module)


def handlers_hint(example: str = "src/app.py:handler") -> str:
    """The next step when discovery cannot tell which functions Lambda calls: name them."""
    return f'set `handlers = ["{example}"]` in [tool.lambda-import-lint]'


class DiscoveryWarning(NamedTuple):
    """Something a deployment file declares that cannot be followed. Warnings with the same
    deployment file, cause and hint are shown as one line naming every function concerned: a
    template whose 46 functions all ship as a .zip is one problem, not 46."""

    source: str  # the deployment file's real path (to keep the warnings under the checked paths)
    shown: str  # the deployment file as users name it
    cause: str  # what is wrong, the same text for every function it concerns
    subject: str = ""  # the function (resource, label) concerned, if any
    hint: str = ""  # the next step


def render_warnings(warnings: Iterable[DiscoveryWarning]) -> list[str]:
    """One line per deployment file, cause and hint, in first-seen order."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for warning in warnings:
        subjects = groups.setdefault((warning.shown, warning.cause, warning.hint), [])
        if warning.subject not in subjects:
            subjects.append(warning.subject)
    lines = []
    for (shown, cause, hint), subjects in groups.items():
        named = [subject for subject in subjects if subject]
        if len(named) == 1:
            line = f"{shown}: {named[0]}: {cause}"
        elif named:
            listed = ", ".join(named[:3]) + (f" and {len(named) - 3} more" if len(named) > 3 else "")
            line = f"{shown}: {cause} ({len(named)} functions: {listed})"
        else:
            line = f"{shown}: {cause}"
        lines.append(f"{line}; {hint}" if hint else line)
    return lines


# Lambda gives a function one full vCPU at this memory size, a share of one below it.
FULL_VCPU_MB = 1769

LayerRoot = tuple[str, str]  # (layer name, real path of a folder Lambda imports the layer's modules from)


class Declared(NamedTuple):
    """What the declarations say about one file."""

    functions: tuple[str, ...] = ()
    warm: frozenset[str] = frozenset()  # handlers with SnapStart or provisioned concurrency
    rare: frozenset[str] = frozenset()  # handlers every declaration of which says they run rarely
    busy: frozenset[str] = frozenset()  # handlers a declaration gives an event source whose caller waits
    # Handlers every declaration of which gives a full vCPU or more: a client costs a few ms to build.
    roomy: frozenset[str] = frozenset()
    layer_roots: tuple[LayerRoot, ...] = ()  # where its handlers' (a layer's module: its importers') imports resolve
    layer: str = ""  # the layer this file can be imported from (shared code), when it is not a handler module
    # Declared by nothing while folders beside its own hold declared handlers (`lambda/bjorn/`
    # next to the deployed `lambda/gizmo/`): an undeployed sibling, whose handler-shaped
    # functions are not handlers.
    undeployed: bool = False
    # Some declaration of its handlers takes packages from elsewhere than a requirements file (a
    # layer, a container image): what the function installs is not read from its requirements.
    packaged_elsewhere: bool = False
    # Handlers every declaration of which says nobody waits on them, whatever their code reads.
    unattended: frozenset[str] = frozenset()


_NOTHING_DECLARED = Declared()
_UNDEPLOYED = Declared(undeployed=True)


class Declarations:
    """Every handler declaration of a run (config first, then deployment files) and the warnings
    met on the way. Computed once per run, and indexed by real path: ``for_file`` runs for every
    file, and a monorepo can declare hundreds of functions (one ``realpath`` per file, not one per
    file and declaration)."""

    def __init__(
        self,
        items: tuple[HandlerDeclaration, ...] = (),
        warnings: tuple[DiscoveryWarning, ...] = (),
        retired: tuple[HandlerDeclaration, ...] = (),
    ) -> None:
        """``retired``: what Terraform files in retired folders (``deprecated/``…) declare: a
        handler file nothing else declares is deployed by nothing (round 46: a dynamic-DNS function
        whose only Terraform had moved to `terraform/deprecated/`; both reviewers "no")."""
        self.items = items
        self.warnings = warnings
        self._retired = frozenset(
            os.path.realpath(declaration.path) for declaration in retired if declaration.path is not None
        )
        self._by_file: dict[str, list[int]] = {}  # real path → positions in items
        self._by_module: list[int] = []
        self._layer_roots: dict[Layer, tuple[LayerRoot, ...]] = {}
        layer_folders: dict[str, str] = {}  # real path of a folder a layer's modules import from → layer name
        for position, declaration in enumerate(items):
            if declaration.path is not None:
                self._by_file.setdefault(os.path.realpath(declaration.path), []).append(position)
            elif declaration.module is not None:
                self._by_module.append(position)
            for layer in declaration.layers:
                if layer.folder is not None and layer not in self._layer_roots:
                    self._layer_roots[layer] = roots = tuple(
                        (layer.name, os.path.realpath(root)) for root in layer.import_roots() if root.is_dir()
                    )
                    # Layer code is what a handler can import from it: not an extension in the
                    # layer's `extensions/` (a process of its own), nor files Lambda never sees.
                    for name, root in roots:
                        layer_folders.setdefault(root, name)
        # Longest first: a layer folder inside another one names its own files.
        self._layer_folders = sorted(layer_folders.items(), key=lambda item: -len(item[0]))
        # The folders of the handler files deployment files declare, and the folders holding them:
        # a file nothing declares in a folder beside two of those or more is an undeployed sibling.
        self._declared_folders = {
            os.path.dirname(os.path.realpath(declaration.path))
            for declaration in items
            if declaration.path is not None and declaration.source not in ("config", "heuristic")
        }
        code_roots = [
            (os.path.realpath(declaration.code_root).rstrip(os.sep) + os.sep, declaration.single_file)
            for declaration in items if declaration.code_root is not None
        ]
        self._code_roots = tuple(root for root, _ in code_roots)
        # Code folders only single-file packages take a file from (`single_file`): a file below one
        # of them that nothing declares and no other function's folder holds is deployed by nothing.
        whole = {root for root, single_file in code_roots if not single_file}
        self._whole_roots = tuple(sorted(whole))
        self._single_roots = tuple(sorted(set(self._code_roots) - whole))
        # A folder holding two declared functions' folders or more: one declaration alone (a
        # Dockerfile beside CDK functions our reader missed) says nothing of its neighbours.
        beside = collections.Counter(os.path.dirname(folder) for folder in self._declared_folders)
        self._parents = {parent for parent, count in beside.items() if count >= 2}

    def warnings_under(self, paths: Iterable[str]) -> list[str]:
        """Warnings about deployment files under the checked paths (not the whole project), one
        line per cause."""
        prefixes = [os.path.realpath(path) for path in paths]
        return render_warnings(
            warning
            for warning in self.warnings
            if any(
                warning.source == prefix or warning.source.startswith(prefix.rstrip(os.sep) + os.sep)
                for prefix in prefixes
            )
        )

    def matching(self, file: str | os.PathLike[str]) -> tuple[HandlerDeclaration, ...]:
        """The declarations naming ``file``, in declaration order."""
        if not self.items:
            return ()
        real = os.path.realpath(file)
        positions = self._by_file.get(real, [])
        by_module = [position for position in self._by_module if self.items[position].matches_module(real)]
        if by_module:
            positions = sorted([*positions, *by_module])
        return tuple(self.items[position] for position in positions)

    def for_file(self, file: str) -> Declared:
        matching = self.matching(file)
        if not matching:  # the common case
            root = self._layer_root_of(file)
            if root is not None:  # (its root: where the modules importing it resolve their other imports)
                return Declared(layer_roots=(root,), layer=root[0])
            undeployed = (
                self._undeployed_sibling(file) or self._left_out_of_single_files(file)
                or os.path.realpath(file) in self._retired
            )
            return _UNDEPLOYED if undeployed else _NOTHING_DECLARED
        functions = tuple(dict.fromkeys(d.function for d in matching))
        warm = frozenset(d.function for d in matching if d.warm)
        rare = frozenset(
            function for function in functions
            if all(d.rarely_invoked for d in matching if d.function == function)
        )
        roots = tuple(dict.fromkeys(
            root for item in matching for layer in item.layers for root in self._layer_roots.get(layer, ())
        ))
        busy = frozenset(d.function for d in matching if d.awaited)
        unattended = frozenset(
            function for function in functions if all(d.unattended for d in matching if d.function == function)
        )
        roomy = frozenset(
            function for function in functions
            if all((d.memory_mb or 0) >= FULL_VCPU_MB for d in matching if d.function == function)
        )
        packaged_elsewhere = any(d.packaged_elsewhere for d in matching)
        return Declared(
            functions, warm, rare, busy, roomy, roots, packaged_elsewhere=packaged_elsewhere, unattended=unattended,
        )

    def _undeployed_sibling(self, file: str) -> bool:
        """Whether nothing declares ``file`` while two folders or more beside its own hold declared
        handler files (blind reviews: such modules were worth a finding 2 times in 9 — a
        half-renamed copy of a deployed function, scaffolding nothing deploys — and one of the two
        was a handler the readers missed; with one declared neighbour only, a project whose CDK
        functions the reader missed lost 4 findings judged worth it). Not a file inside a declared
        function's code folder: its helpers'."""
        if not self._parents:
            return False
        folder = os.path.dirname(os.path.realpath(file))
        if folder in self._declared_folders or os.path.dirname(folder) not in self._parents:
            return False
        inside = folder.rstrip(os.sep) + os.sep
        return not any(inside.startswith(root) for root in self._code_roots)

    def _left_out_of_single_files(self, file: str) -> bool:
        """Whether nothing declares ``file``, which sits in (or below) the code folder of functions
        whose packages each hold their handler's file alone, and in no other function's code folder
        (round 41: drafts beside the two files a Terraform module zips one by one, `delete2.py`
        next to the deployed `delete_function.py`; both reviewers "no" on each)."""
        if not self._single_roots:
            return False
        real = os.path.realpath(file)
        return any(real.startswith(root) for root in self._single_roots) and not any(
            real.startswith(root) for root in self._whole_roots
        )

    def layer_of(self, file: str) -> str:
        """The name of the declared layer ``file`` can be imported from ("" for none)."""
        root = self._layer_root_of(file)
        return root[0] if root is not None else ""

    def _layer_root_of(self, file: str) -> LayerRoot | None:
        """(the declared layer ``file`` can be imported from, the folder it is imported from)."""
        if not self._layer_folders:
            return None
        real = os.path.realpath(file)
        for folder, name in self._layer_folders:
            if real.startswith(folder.rstrip(os.sep) + os.sep):
                return name, folder
        return None

    def origin(self, file: str, function: str) -> HandlerDeclaration | None:
        return next((d for d in self.matching(file) if d.function == function), None)
