"""One request: a file to check and everything that decides how, in one frozen value.

Built once at the edge (the command line's tasks, the flake8 plugin, the public API) and handed
through the engine and the fixer unchanged, instead of the same parameters on every signature.
"""

from __future__ import annotations

from typing import NamedTuple

from lambda_import_lint.config import Config
from lambda_import_lint.discovery.declarations import Declared, LayerRoot


class Request(NamedTuple):  # (not a dataclass: built on the start-up path, see architecture.md)
    path: str
    config: Config
    declared: tuple[str, ...] = ()  # handler functions known from the config or deployment files
    warm: frozenset[str] = frozenset()  # declared handlers with SnapStart or provisioned concurrency
    codes: frozenset[str] | None = None  # the selected rules (None: from the config)
    noqa: bool = True  # honour `# noqa` comments (flake8 does that itself)
    full: bool = False  # skip the prefilters: a cost report lists every handler, heavy imports or not
    rare: frozenset[str] = frozenset()  # declared handlers that run rarely (schedules, SSM scripts)
    busy: frozenset[str] = frozenset()  # declared handlers whose caller waits (an API, a function URL…)
    roomy: frozenset[str] = frozenset()  # declared handlers with a full vCPU or more (≥ 1,769 MB)
    layer_roots: tuple[LayerRoot, ...] = ()  # where imports resolve after the file's folder: its layers'
    layer: str = ""  # the declared layer the file belongs to: shared code, checked as `library-paths` are
    undeployed: bool = False  # nothing declares it, but folders beside its own hold declared handlers
    packaged_elsewhere: bool = False  # a declaration gives it a layer or a container image
    unattended: frozenset[str] = frozenset()  # declared handlers nobody waits on (a `$disconnect` route)

    @classmethod
    def declared_as(
        cls, path: str, config: Config, declared: Declared, codes: frozenset[str] | None = None, noqa: bool = True
    ) -> Request:
        """The request for a file with what the declarations say of it (``Declarations.for_file``)."""
        return cls(
            path, config, declared.functions, declared.warm, codes, noqa, rare=declared.rare, busy=declared.busy,
            roomy=declared.roomy, layer_roots=declared.layer_roots, layer=declared.layer,
            undeployed=declared.undeployed, packaged_elsewhere=declared.packaged_elsewhere,
            unattended=declared.unattended,
        )

    def selected_codes(self) -> frozenset[str]:
        """The rules to run on this file: the selection less the file's ``per-file-ignores``."""
        from lambda_import_lint.engine.suppression import per_file_ignored

        return self._selection() - per_file_ignored(self.path, self.config)

    def wants(self, code: str) -> bool:
        """Whether ``code`` is selected before per-file ignores (enough for the prefilters)."""
        return code in self._selection()

    def _selection(self) -> frozenset[str]:
        from lambda_import_lint.rules.registry import selected_codes

        return self.codes if self.codes is not None else selected_codes(self.config.select, self.config.ignore)
