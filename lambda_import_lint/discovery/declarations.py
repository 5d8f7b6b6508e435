"""Handler declarations: what the ``handlers`` setting and the deployment files say Lambda calls,
and the warnings met reading them.

A leaf of discovery: the deployment readers (``deploy/``) produce these records and everything after
discovery reads them; this module imports nothing of ours.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, NamedTuple


class HandlerDeclaration(NamedTuple):
    """One handler a source declares: a file (or a dotted module path) and a function."""

    function: str
    source: str  # "config", a deployment file path, or "heuristic"
    path: Path | None = None  # the file, when the source resolves it
    module: str | None = None  # dotted module ("app.handlers"), matched against file paths
    snapstart: bool | None = None
    provisioned_concurrency: bool | None = None
    code_root: Path | None = None  # the function's code folder (CodeUri, source_dir…), for LIL004
    memory_mb: int | None = None  # MemorySize / memorySize / memory_size, when the file says

    @property
    def warm(self) -> bool:
        """INIT runs before traffic (SnapStart snapshot, provisioned concurrency): deferral inverts."""
        return bool(self.snapstart or self.provisioned_concurrency)

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


class Declared(NamedTuple):
    """What the declarations say about one file."""

    functions: tuple[str, ...] = ()
    warm: frozenset[str] = frozenset()  # handlers with SnapStart or provisioned concurrency


_NOTHING_DECLARED = Declared()


class Declarations:
    """Every handler declaration of a run (config first, then deployment files) and the warnings
    met on the way. Computed once per run, and indexed by real path: ``for_file`` runs for every
    file, and a monorepo can declare hundreds of functions (one ``realpath`` per file, not one per
    file and declaration)."""

    def __init__(
        self, items: tuple[HandlerDeclaration, ...] = (), warnings: tuple[DiscoveryWarning, ...] = ()
    ) -> None:
        self.items = items
        self.warnings = warnings
        self._by_file: dict[str, list[int]] = {}  # real path → positions in items
        self._by_module: list[int] = []
        for position, declaration in enumerate(items):
            if declaration.path is not None:
                self._by_file.setdefault(os.path.realpath(declaration.path), []).append(position)
            elif declaration.module is not None:
                self._by_module.append(position)

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
            return _NOTHING_DECLARED
        functions = tuple(dict.fromkeys(d.function for d in matching))
        return Declared(functions, frozenset(d.function for d in matching if d.warm))

    def origin(self, file: str, function: str) -> HandlerDeclaration | None:
        return next((d for d in self.matching(file) if d.function == function), None)
