"""Which functions Lambda calls.

Sources, in order of authority: the ``handlers`` setting, deployment files (``discovery/deploy``),
then the heuristic. A file that any declaration names uses the declared functions only.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

from lambda_import_lint.config import Config

if TYPE_CHECKING:  # facts import LibCST, which the byte-level prefilter must not pay for
    from lambda_import_lint.facts import FunctionInfo, ModuleFacts


class HandlerDeclaration(NamedTuple):
    """One handler a source declares: a file (or a dotted module path) and a function."""

    function: str
    source: str  # "config", a deployment file path, or "heuristic"
    path: Path | None = None  # the file, when the source resolves it
    module: str | None = None  # dotted module ("app.handlers"), matched against file paths
    snapstart: bool | None = None
    provisioned_concurrency: bool | None = None
    code_root: Path | None = None  # the function's code folder (CodeUri, source_dir…), for LIL004

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


def discover_declarations(
    config: Config, paths: Iterable[str], candidates: list[str] | None = None
) -> Declarations:
    """Handlers from the ``handlers`` setting and from deployment files under the project root
    or in a folder above a checked path (so that results do not depend on which folder or file
    was named: a template one level up declares a checked file's handler either way).
    ``candidates``: deployment-file candidates a walk of ``paths`` collected, used when that walk
    covered the whole project root."""
    from lambda_import_lint.discovery import deploy as deployment
    from lambda_import_lint.discovery.files import folder_exclusions

    items = list(ConfigHandlers(config.handlers).declarations(config.root))
    paths = list(paths)
    root = deployment.project_root(paths)
    walked = [os.path.realpath(path) for path in paths if os.path.isdir(path)]
    covered = candidates is not None and str(root) in walked
    above = deployment.ancestor_candidates(paths, root)
    found = deployment.discover(root, folder_exclusions(config), candidates if covered else None, above)
    items.extend(found.declarations)
    return Declarations(tuple(items), tuple(found.warnings))


def _strip_underscore(name: str) -> str:
    return name[1:] if name.startswith("_") else name


def handler_shaped(name: str, positional: Sequence[str], handler_names: Iterable[str]) -> bool:
    """The heuristic on the names alone (LibCST's tree here, the stdlib's in the prescreen): named
    like a handler, or whose first two positional parameters are ``(event, context)``, each maybe
    with a leading underscore."""
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in handler_names):
        return True
    return [_strip_underscore(parameter) for parameter in positional[:2]] == ["event", "context"]


def looks_like_handler(function: FunctionInfo, handler_names: Iterable[str]) -> bool:
    """The heuristic: a module-level function named like a handler, or taking (event, context)."""
    if not function.module_level or function.class_name is not None:
        return False
    parameters = function.node.params
    positional = [param.name.value for param in (*parameters.posonly_params, *parameters.params)[:2]]
    return handler_shaped(function.name, positional, handler_names)


def resolve_handlers(
    facts: ModuleFacts, declared: Iterable[str], handler_names: Iterable[str]
) -> tuple[FunctionInfo, ...]:
    """The module's handlers: the declared functions if any are declared, else the heuristic."""
    declared = tuple(declared)
    if declared:
        found = (facts.function_named(name) for name in declared)
        return tuple(function for function in found if function is not None)
    return tuple(function for function in facts.functions if looks_like_handler(function, handler_names))


def could_have_handler(source: bytes, handler_names: Iterable[str]) -> bool:
    """A byte-level test with no false negatives for the heuristic (used before parsing): a
    ``def`` named like a handler, or one whose first parameter is ``event`` (comments allowed)."""
    names = tuple(handler_names)
    fragments = _handler_fragments(names)
    if fragments is not None and not any(fragment in source for fragment in fragments):
        return False  # plain substring tests first: several times faster than the pattern
    return _handler_pattern(names).search(source) is not None


@functools.lru_cache(maxsize=8)
def _handler_fragments(handler_names: tuple[str, ...]) -> tuple[bytes, ...] | None:
    """Substrings one of which any match of the pattern contains: ``event`` and the longest
    literal piece of each name glob (None when a glob has no literal piece to look for)."""
    fragments = [b"event"]
    for glob in handler_names:
        longest = max(re.split(r"[*?]", glob), key=len)
        if not longest or "[" in glob:  # character classes: the pattern takes any name
            return None
        fragments.append(longest.encode())
    return tuple(fragments)


def _name_pattern(glob: str) -> str:
    """A handler-name glob as a regular expression over identifier characters."""
    if "[" in glob:
        return r"\w+"  # character classes: any name may match (a superset is safe here)
    return re.escape(glob).replace(r"\*", r"\w*").replace(r"\?", r"\w")


@functools.lru_cache(maxsize=8)
def _handler_pattern(handler_names: tuple[str, ...]) -> re.Pattern[bytes]:
    named = "|".join(_name_pattern(name) for name in handler_names) or "(?!)"
    return re.compile(
        rb"def\s+(?:(?:" + named.encode() + rb")\s*[(\[]|\w+\s*(?:\[[^\]]*\])?\s*\(\s*(?:#[^\n]*\s*)*_?event\b)"
    )


__all__ = [
    "ConfigHandlers",
    "Declarations",
    "Declared",
    "DiscoveryWarning",
    "HandlerDeclaration",
    "could_have_handler",
    "discover_declarations",
    "handler_shaped",
    "handlers_hint",
    "looks_like_handler",
    "render_warnings",
    "resolve_handlers",
]
