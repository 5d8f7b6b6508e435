"""The heavy-module catalogue: which imports are expensive and what each one loads.

The data lives in ``data/catalogue.json`` so it can be reviewed and extended without touching code.
"""

from __future__ import annotations

import fnmatch
import functools
import sys
from pathlib import Path
from typing import Iterable, NamedTuple


class Catalogue(NamedTuple):
    """Reference import costs, the packages each heavy package loads, SDK client factories, and the
    calls that import other libraries to patch them (X-Ray: Powertools' ``Tracer()``, ``patch_all``)."""

    costs_ms: dict[str, int]
    loads: dict[str, tuple[str, ...]]
    client_factories: frozenset[str]
    patchers: dict[str, tuple[str, ...]]
    patch_names: dict[str, tuple[str, ...]]  # X-Ray's module names → what patching each imports
    # What an entry loads in some releases or for some of the names imported from it, not all
    # (openai 0.x imports numpy, 1.x does not; a lazy package's names load different modules).
    may_load: dict[str, tuple[str, ...]]
    # An entry's figure when an optional package it loads is not installed (`jwt` without
    # `cryptography`), by that package: what a function whose requirements leave it out pays.
    without: dict[str, dict[str, int]]
    # Standard-library entries: loaded by heavy packages (the network stack boto3 and requests
    # load), priced so that a module loading them again is not charged twice, never heavy by default.
    stdlib: frozenset[str]
    # Distributions (normalised names) whose installation, without extras, installs none of the
    # optional packages `without` names: requirements listing only these leave those packages out.
    installs_no_optional: frozenset[str]


@functools.lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    import json  # (and no importlib.resources: start-up time matters, measured ~10 ms)

    raw = json.loads((Path(__file__).parent / "data" / "catalogue.json").read_text("utf-8"))
    modules: dict[str, dict[str, object]] = raw["modules"]
    costs = {name: int(str(entry["ms"])) for name, entry in modules.items()}
    loads = {name: tuple(map(str, entry["loads"])) for name, entry in modules.items()}  # type: ignore[call-overload]
    patchers = {name: tuple(map(str, modules)) for name, modules in raw["patchers"].items()}
    patch_names = {name: tuple(map(str, modules)) for name, modules in raw["patch_names"].items()}
    may_load = {
        name: tuple(map(str, entry["may_load"]))  # type: ignore[call-overload]
        for name, entry in modules.items() if "may_load" in entry
    }
    without = {
        name: {str(package): int(ms) for package, ms in entry["without"].items()}  # type: ignore[attr-defined]
        for name, entry in modules.items() if "without" in entry
    }
    stdlib = frozenset(name for name, entry in modules.items() if entry.get("stdlib"))
    return Catalogue(
        costs, loads, frozenset(raw["clients"]), patchers, patch_names, may_load, without, stdlib,
        frozenset(raw["installs_no_optional"]),
    )


DEFAULT_HEAVY_PATTERNS: tuple[str, ...] = ("langchain*",)


def default_heavy_modules() -> tuple[str, ...]:
    catalogue = load_catalogue()
    return tuple(name for name in catalogue.costs_ms if name not in catalogue.stdlib) + DEFAULT_HEAVY_PATTERNS


def optional_packages() -> frozenset[str]:
    """The optional packages some entry's figure depends on (`cryptography` for `jwt`)."""
    return frozenset(package for figures in load_catalogue().without.values() for package in figures)


def dotted_prefixes(module: str) -> Iterable[str]:
    """``a.b.c`` → ``a.b.c``, ``a.b``, ``a`` (longest first)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        yield ".".join(parts[:end])


def imports_known(module: str) -> bool:
    """Whether we know what importing ``module`` loads: the standard library (and ``__future__``),
    or a catalogue entry, whose loads are listed. Anything else may load anything."""
    top = module.split(".")[0]
    if not top or top in sys.stdlib_module_names or top == "__future__":
        return True
    costs = load_catalogue().costs_ms
    return any(prefix in costs for prefix in dotted_prefixes(module))


@functools.lru_cache(maxsize=65536)
def _is_heavy(heavy: HeavyModules, module: str) -> bool:
    # Called for every import the analysis meets (local-module searches included): exact names are
    # a set lookup per dotted prefix, and only glob patterns need matching.
    if module == "__future__" or not module:
        return False
    exact_light, glob_light, exact_heavy, glob_heavy, everything = _compiled(heavy)
    prefixes = list(dotted_prefixes(module))
    if any(prefix in exact_light for prefix in prefixes) or any(
        fnmatch.fnmatchcase(prefix, pattern) for pattern in glob_light for prefix in prefixes
    ):
        return False
    if module.startswith(".") and not everything:
        return False  # relative imports are local code; LIL004 follows those
    if everything or any(prefix in exact_heavy for prefix in prefixes):
        return True
    return any(fnmatch.fnmatchcase(prefix, pattern) for pattern in glob_heavy for prefix in prefixes)


@functools.lru_cache(maxsize=16)
def _compiled(heavy: HeavyModules) -> tuple[frozenset[str], tuple[str, ...], frozenset[str], tuple[str, ...], bool]:
    def split(patterns: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
        globs = tuple(p for p in patterns if any(char in p for char in "*?[") and p != "*")
        return frozenset(p for p in patterns if p not in globs and p != "*"), globs

    exact_light, glob_light = split(heavy.light)
    exact_heavy, glob_heavy = split(heavy.patterns)
    return exact_light, glob_light, exact_heavy, glob_heavy, "*" in heavy.patterns


class HeavyModules(NamedTuple):
    """Decides which imported modules are heavy, what they cost and what they already load."""

    patterns: tuple[str, ...]
    light: tuple[str, ...] = ()
    # Optional packages the checked module's function does not install (its requirements leave
    # them out): entries that would load them cost their `without` figure and do not load them.
    absent: frozenset[str] = frozenset()

    def is_heavy(self, module: str) -> bool:
        return _is_heavy(self, module)

    def cost_ms(self, module: str) -> int | None:
        catalogue = load_catalogue()
        entry = self.entry(module)
        cost = catalogue.costs_ms.get(entry)
        if cost is not None and self.absent:
            figures = catalogue.without.get(entry, {})
            cost = min([cost, *(ms for package, ms in figures.items() if package in self.absent)])
        return cost

    def priced_by_what_is_installed(self, module: str) -> bool:
        """Whether what importing ``module`` costs depends on an optional package being installed
        (its entry, or one it loads, has a `without` figure)."""
        without = load_catalogue().without
        return any(name in without for name in (self.entry(module), *self.loaded_by(module)))

    def may_load(self, module: str) -> frozenset[str]:
        """What importing ``module`` loads in some releases or for some names only (the catalogue's
        ``may_load`` of its entries)."""
        may_load = load_catalogue().may_load
        return frozenset(loaded for prefix in dotted_prefixes(module) for loaded in may_load.get(prefix, ()))

    def entry(self, module: str) -> str:
        """The catalogue entry a module belongs to (``google.cloud`` for google.cloud.storage), else
        its top-level package."""
        costs = load_catalogue().costs_ms
        for prefix in dotted_prefixes(module):
            if prefix in costs:
                return prefix
        return module.split(".")[0]

    def paid_by(self, module: str) -> frozenset[str]:
        """The entry ``module`` belongs to and every package that entry loads: what keeping an
        import of ``module`` pays for already (a submodule entry such as ``scipy.stats`` lists its
        package)."""
        return frozenset({self.entry(module), *self.loaded_by(module)})

    def loaded_by(self, module: str) -> frozenset[str]:
        """Every package importing ``module`` loads, by the catalogue (transitively), less the
        optional packages the function does not install."""
        loads = load_catalogue().loads
        seen: set[str] = set()
        pending = [prefix for prefix in dotted_prefixes(module) if prefix in loads]
        while pending:
            name = pending.pop()
            for loaded in loads.get(name, ()):
                if loaded not in seen and loaded.split(".")[0] not in self.absent:
                    seen.add(loaded)
                    pending.append(loaded)
        return frozenset(seen)
