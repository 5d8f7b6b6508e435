"""The records of a batch run: a file to check (``Task``), how (``Options``), what came of it
(``Outcome``). Plain NamedTuples: the command line builds them at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # (a replayed run builds Options only: these load when a file is read or checked)
    from lambda_import_lint.config import Config
    from lambda_import_lint.discovery.declarations import LayerRoot
    from lambda_import_lint.discovery.sources import SourceError
    from lambda_import_lint.engine.request import Request
    from lambda_import_lint.engine.results import FileResult


class Task(NamedTuple):
    path: str
    declared: tuple[str, ...] = ()
    source: bytes | SourceError | None = None  # None: read the file; bytes: stdin; SourceError: no file
    warm: frozenset[str] = frozenset()  # declared handlers with SnapStart or provisioned concurrency
    rare: frozenset[str] = frozenset()  # declared handlers that run rarely (schedules, SSM scripts)
    busy: frozenset[str] = frozenset()  # declared handlers whose caller waits (an API, a function URL…)
    roomy: frozenset[str] = frozenset()  # declared handlers with a full vCPU or more (≥ 1,769 MB)
    layer_roots: tuple[LayerRoot, ...] = ()  # the folders of its handlers' layers (imports resolve there)
    layer: str = ""  # the declared layer the file belongs to (checked as shared code)
    undeployed: bool = False  # nothing declares it, but folders beside its own hold declared handlers
    packaged_elsewhere: bool = False  # a declaration gives it a layer or a container image
    unattended: frozenset[str] = frozenset()  # declared handlers nobody waits on (a `$disconnect` route)

    def read(self) -> bytes | SourceError:
        """The file's bytes (stdin's, when given), or why there are none."""
        from lambda_import_lint.discovery.sources import read_source

        return self.source if self.source is not None else read_source(self.path)

    def request(self, config: Config, codes: frozenset[str] | None = None) -> Request:
        from lambda_import_lint.engine.request import Request

        return Request(
            self.path, config, self.declared, self.warm, codes, rare=self.rare, busy=self.busy,
            roomy=self.roomy, layer_roots=self.layer_roots, layer=self.layer, undeployed=self.undeployed,
            packaged_elsewhere=self.packaged_elsewhere, unattended=self.unattended,
        )


class Options(NamedTuple):
    config: Config
    codes: frozenset[str]
    fix: bool = False
    unsafe: bool = False
    with_edits: bool = False


class Outcome(NamedTuple):
    result: FileResult
    original: bytes | None = None
    fixed: bytes | None = None  # the new content, when fixing changed the file
    fixed_count: int = 0
    failure: str | None = None  # why fixable findings were left unfixed
    dependencies: frozenset[tuple[str, int, int]] = frozenset()  # other files the result read
