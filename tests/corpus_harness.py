"""Stress the fixer on real code nobody here wrote.

For every file: fix with ``--all-modules --defer all --heavy-modules '*' --unsafe-fixes`` semantics,
then check that the result compiles, that pyflakes reports no new undefined or unused names, and that
fixing again changes nothing. Run it by hand over any folders (default: a few installed packages):

    python tests/corpus_harness.py [FOLDER ...]
"""

from __future__ import annotations

import collections
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lambda_import_lint.config import Config
from lambda_import_lint.api import fix_source

STRESS = Config(all_modules=True, defer="all", heavy_modules=("*",))
DEFAULT_PACKAGES = ("libcst", "flake8", "pyflakes", "pycodestyle", "_pytest", "pytest")


@dataclass
class Summary:
    files: int = 0
    rewritten: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # unparseable input (not our fault)
    broken: dict[str, str] = field(default_factory=dict)  # a rewrite that is wrong: must stay empty
    unfixed: collections.Counter[str] = field(default_factory=collections.Counter)  # reasons

    def line(self) -> str:
        return (
            f"files={self.files} rewritten={self.rewritten} broken={len(self.broken)} "
            f"errors={len(self.errors)} left-unfixed={sum(self.unfixed.values())}"
        )


def package_folders(names: Iterable[str] = DEFAULT_PACKAGES) -> list[Path]:
    import importlib.util

    folders = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            folders.append(Path(next(iter(spec.submodule_search_locations))))
    return folders


def corpus_files(folders: Iterable[Path]) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*.py") if path.is_file())


def _pyflakes_names(source: bytes, name: str) -> collections.Counter[tuple[str, str]]:
    from pyflakes import api, messages, reporter

    class Collect(reporter.Reporter):  # type: ignore[misc]
        def __init__(self) -> None:
            self.found: collections.Counter[tuple[str, str]] = collections.Counter()

        def flake(self, message: messages.Message) -> None:
            if isinstance(message, (messages.UndefinedName, messages.UndefinedLocal)):
                # A local read before assignment is UndefinedLocal while a global of that name
                # exists and UndefinedName once it is gone: the same fault either way.
                self.found[("UndefinedName", str(message.message_args[0]))] += 1
            elif isinstance(message, messages.UnusedImport):
                self.found[("UnusedImport", str(message.message_args[0]))] += 1

        def syntaxError(self, *args: object) -> None:
            pass

        def unexpectedError(self, *args: object) -> None:
            pass

    collector = Collect()
    api.check(source.decode("utf-8", errors="replace"), name, collector)
    return collector.found


def check_file(path: Path, summary: Summary, config: Config = STRESS) -> None:
    summary.files += 1
    source = path.read_bytes()
    outcome = fix_source(source, str(path), config, unsafe=True)
    if outcome.result.error is not None:
        summary.errors[str(path)] = outcome.result.error
        return
    if outcome.failure is not None:
        summary.unfixed[outcome.failure.split("`")[0] + ("`…`" if "`" in outcome.failure else "")] += 1
    for finding in outcome.result.findings:
        if finding.fix is None:
            summary.unfixed[f"{finding.code} without a fix: {finding.no_fix_reason}"] += 1
    if not outcome.changed:
        return
    summary.rewritten += 1
    new = outcome.source
    try:
        compile(new, str(path), "exec", dont_inherit=True)
    except SyntaxError as error:
        summary.broken[str(path)] = f"does not compile: {error}"
        return
    before = _pyflakes_names(source, str(path))
    after = _pyflakes_names(new, str(path))
    added = set(after) - set(before)  # names, not counts: pyflakes reports some faults once per scope
    if added:
        summary.broken[str(path)] = f"new pyflakes names: {sorted(added)}"
        return
    again = fix_source(new, str(path), config, unsafe=True)
    if again.changed:
        summary.broken[str(path)] = "a second run changes the file again"


def run(files: Iterable[Path]) -> Summary:
    summary = Summary()
    for path in files:
        check_file(path, summary)
    return summary


if __name__ == "__main__":
    folders = [Path(arg) for arg in sys.argv[1:]] or package_folders()
    result = run(corpus_files(folders))
    print(result.line())
    for path, reason in sorted(result.broken.items()):
        print(f"BROKEN {path}: {reason}")
    for reason, count in result.unfixed.most_common():
        print(f"unfixed {count:5}  {reason}")
    sys.exit(1 if result.broken else 0)
