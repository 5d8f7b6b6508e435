"""``report --measure``: which interpreter, what it has installed, and what its imports cost.

Every figure comes from ``-X importtime`` runs of a fixed script in a fresh subprocess of the chosen
interpreter (median of several runs). The script is always the same text; the modules come as
arguments, dotted names only (``_TARGET``), so nothing read from the project becomes code. It runs
in an empty temporary folder, with the project's folders dropped from ``PYTHONPATH``.

Figures are cached under the key of what decides them: the interpreter, its ``sys.path`` (and when
each folder on it last changed), the distributions installed there (names and versions, read in
that interpreter), the statements measured and the number of runs. Installing a package into the
measured environment changes the key.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from lambda_import_lint.config import Config

MARKER = "LIL-MEASURE"
# What the subprocess runs: always this text. The modules come as arguments ("pkg.mod", or
# "pkg.mod:name" for ``from pkg.mod import name``), so nothing read from the project becomes code.
# ``__import__`` with a fromlist is what the import statements do (importlib.import_module would
# bypass the interpreter's -X importtime accounting for the module itself). A failure is written
# as one line (``ascii``), never swallowed: a module that cannot be imported costs nothing only
# because the handler would fail.
MEASURE_SCRIPT = f"""
import sys
for index, target in enumerate(sys.argv[1:]):
    sys.stderr.write("{MARKER} %d\\n" % index)
    module, _, name = target.partition(":")
    try:
        __import__(module, fromlist=[name] if name else [])
        if name:
            getattr(sys.modules[module], name)
    except BaseException as error:
        sys.stderr.write("{MARKER} error %d %s\\n" % (index, ascii("%s: %s" % (type(error).__name__, error))))
sys.stderr.write("{MARKER} end\\n")
"""
# What decides the figures, read in the measured interpreter (fixed text too).
IDENTITY_SCRIPT = """
import json, os, sys
try:
    from importlib import metadata
    found = {(str(d.metadata["Name"] or ""), str(d.version or "")) for d in metadata.distributions()}
except Exception as error:
    found = {("?", repr(error))}
stamps = []
for entry in sys.path:
    try:
        stamps.append(os.stat(entry or ".").st_mtime_ns if entry else 0)
    except OSError:
        stamps.append(None)
print(json.dumps({"executable": sys.executable, "version": sys.version, "path": sys.path,
                  "stamps": stamps, "distributions": sorted(found)}))
"""
_TARGET_PATTERN = r"(?!\d)\w+(\.(?!\d)\w+)*(:(?!\d)\w+)?"
CACHE_VERSION = 2  # the shape of a cache entry; entries of another shape are ignored
MAX_TREE_DEPTH = 3  # levels of "what each import loads" kept for the report


class InterpreterError(Exception):
    """The interpreter to measure with is missing or broken: a usage error."""


@dataclass(frozen=True)
class Interpreter:
    executable: str
    chosen_by: str  # "--python", "$VIRTUAL_ENV", "the project's .venv", "the running interpreter"
    identity: str  # the hash of what decides its figures

    def to_json(self) -> dict[str, object]:
        return {"executable": self.executable, "chosen_by": self.chosen_by}


@dataclass(frozen=True)
class Load:
    """One module an import loads, with what it loads in turn (from ``-X importtime``)."""

    module: str
    ms: float
    loads: tuple[Load, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"module": self.module, "ms": round(self.ms, 1), "loads": [load.to_json() for load in self.loads]}


@dataclass(frozen=True)
class Timing:
    """What one import statement added: milliseconds, what it loaded, or why it failed."""

    ms: float
    loads: tuple[Load, ...] = ()
    error: str | None = None


def _venv_python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def choose_python(explicit: str | None, project_root: Path) -> tuple[str, str]:
    """The interpreter ``--measure`` uses, and why: ``--python``, else ``$VIRTUAL_ENV``'s, else the
    project's ``.venv``, else the one running the tool."""
    if explicit:
        return explicit, "--python"
    active = os.environ.get("VIRTUAL_ENV")
    if active and _venv_python(Path(active)).is_file():
        return str(_venv_python(Path(active))), "$VIRTUAL_ENV"
    project = _venv_python(project_root / ".venv")
    if project.is_file():
        return str(project), "the project's .venv"
    return sys.executable, "the running interpreter"


def probe(python: str, chosen_by: str, project_root: Path) -> Interpreter:
    """Run the identity script in ``python``; an ``InterpreterError`` (one line) when it cannot."""
    try:
        with tempfile.TemporaryDirectory() as folder:
            completed = subprocess.run(
                [python, "-c", IDENTITY_SCRIPT], capture_output=True, text=True, cwd=folder,
                env=environment(project_root), timeout=120,
            )
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise InterpreterError(f"cannot run {python} ({chosen_by}): {reason}") from None
    except subprocess.TimeoutExpired:
        raise InterpreterError(f"{python} ({chosen_by}) did not answer within 120 s") from None
    try:
        identity = json.loads(completed.stdout)
        executable = str(identity["executable"])
    except (ValueError, KeyError, TypeError):
        last = (completed.stderr.strip().splitlines() or [f"exit status {completed.returncode}"])[-1]
        raise InterpreterError(f"{python} ({chosen_by}) is not a working Python: {last}") from None
    digest = hashlib.sha256(json.dumps([os.path.realpath(python), identity], sort_keys=True).encode()).hexdigest()
    return Interpreter(executable or python, chosen_by, digest)


def environment(project_root: Path) -> dict[str, str]:
    """This process's environment for the measuring interpreter, minus ``PYTHONPATH`` entries in
    the project (CI often sets ``PYTHONPATH`` to the checkout, which would make its modules
    importable under third-party names); relative entries resolve in the empty folder."""
    result = dict(os.environ)
    entries = result.get("PYTHONPATH", "").split(os.pathsep)
    root = os.path.realpath(project_root)
    kept = [
        entry for entry in entries
        if entry and not (os.path.isabs(entry) and _inside(os.path.realpath(entry), root))
    ]
    if kept:
        result["PYTHONPATH"] = os.pathsep.join(kept)
    else:
        result.pop("PYTHONPATH", None)
    return result


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def is_target(name: str) -> bool:
    import re

    return re.fullmatch(_TARGET_PATTERN, name) is not None


def measure(
    interpreter: Interpreter, targets: Sequence[str], runs: int, config: Config | None = None, cache: bool = True
) -> dict[str, Timing]:
    """What each import target adds (``pkg.mod`` or ``pkg.mod:name``), in order (a dependency
    shared with an earlier target counts for the earlier one), as the median of ``runs`` fresh
    interpreters. A target that is not a dotted name is not imported. ``config``: the project (its
    root is kept off ``PYTHONPATH``; its cache folder keeps the figures, unless not ``cache``)."""
    config = config if config is not None else Config()
    wanted = list(dict.fromkeys(name for name in targets if is_target(name)))
    if not wanted:
        return {}
    key = _cache_name(interpreter, wanted, runs)
    if cache:
        cached = _cache_get(key, wanted, config)
        if cached is not None:
            return cached
    samples: list[list[Timing]] = []
    for _ in range(runs):
        sample = _one_run(interpreter, wanted, config)
        samples.append(sample)
        if any(timing.error and timing.error.startswith(UNFINISHED) for timing in sample):
            cache = False  # a run that did not finish says nothing worth keeping
            break
    result = {}
    for index, name in enumerate(wanted):
        runs_of_it = [sample[index] for sample in samples]
        middle = sorted(runs_of_it, key=lambda timing: timing.ms)[len(runs_of_it) // 2]
        error = next((timing.error for timing in runs_of_it if timing.error), None)
        result[name] = Timing(statistics.median(t.ms for t in runs_of_it), middle.loads, error)
    if cache:
        _cache_put(key, result, config)
    return result


UNFINISHED = "the measuring interpreter"
TIMEOUT_S = 300


def _one_run(interpreter: Interpreter, targets: Sequence[str], config: Config) -> list[Timing]:
    """One fresh interpreter importing every target; a run cut short (a module that exits the
    interpreter, crashes it or hangs) marks the target it was importing and those after it."""
    with tempfile.TemporaryDirectory() as folder:  # nothing local is importable from here
        try:
            completed = subprocess.run(
                [interpreter.executable, "-X", "importtime", "-c", MEASURE_SCRIPT, *targets],
                capture_output=True, text=True, cwd=folder, env=environment(config.root), timeout=TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as expired:
            stderr = expired.stderr.decode(errors="replace") if isinstance(expired.stderr, bytes) else ""
            return _cut_short(stderr, len(targets), f"{UNFINISHED} did not finish within {TIMEOUT_S} s")
        except OSError as error:
            return _cut_short("", len(targets), f"{UNFINISHED} could not run: {error.strerror or error}")
    if f"{MARKER} end" not in completed.stderr:
        return _cut_short(
            completed.stderr, len(targets), f"{UNFINISHED} exited (status {completed.returncode}) while importing it"
        )
    return timings(completed.stderr, len(targets))


def _cut_short(stderr: str, count: int, reason: str) -> list[Timing]:
    started = [int(tag) for tag in _markers(stderr) if tag.isdigit() and int(tag) < count]
    cut = max(started, default=0)
    partial = timings(stderr, count)
    return [
        timing if index < cut else Timing(timing.ms if index == cut else 0.0, timing.loads, reason)
        for index, timing in enumerate(partial)
    ]


def _markers(stderr: str) -> list[str]:
    return [line[len(MARKER):].strip() for line in stderr.splitlines() if line.startswith(MARKER)]


def timings(stderr: str, count: int) -> list[Timing]:
    """Per statement from ``-X importtime`` output: between the markers written before each
    statement, the cumulative times of the top-level entries (nested imports are indented further
    and already counted in their parent's), the tree of what they loaded, and any failure."""
    totals = [0.0] * count
    trees: list[list[Load]] = [[] for _ in range(count)]
    errors: list[str | None] = [None] * count
    current: int | None = None
    pending: dict[int, list[Load]] = {}  # depth → loads seen whose parent is not printed yet
    for line in stderr.splitlines():
        if line.startswith(MARKER):
            tag = line[len(MARKER):].strip()
            if tag.startswith("error "):
                index, _, message = tag[len("error "):].partition(" ")
                if index.isdigit() and int(index) < count:
                    errors[int(index)] = _unquote(message)
                continue
            current = int(tag) if tag.isdigit() and int(tag) < count else None
            pending = {}
            continue
        if current is None or not line.startswith("import time:") or line.count("|") < 2:
            continue
        _, cumulative, name = line.split("|", 2)
        try:
            ms = float(cumulative) / 1000
        except ValueError:
            continue  # the header line
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        # -X importtime prints a module after everything it loaded, one level deeper.
        children = tuple(pending.pop(depth + 1, [])) if depth + 1 < MAX_TREE_DEPTH else ()
        pending.pop(depth + 1, None)
        load = Load(name.strip(), ms, children)
        if depth == 0:
            totals[current] += ms
            trees[current].append(load)
        else:
            pending.setdefault(depth, []).append(load)
    return [Timing(totals[i], tuple(trees[i]), errors[i]) for i in range(count)]


def per_statement(stderr: str, count: int) -> list[float]:
    """Milliseconds per statement (see ``timings``)."""
    return [timing.ms for timing in timings(stderr, count)]


def _unquote(text: str) -> str:
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else text


def _cache_name(interpreter: Interpreter, targets: Sequence[str], runs: int) -> str:
    identity = json.dumps([CACHE_VERSION, interpreter.identity, MEASURE_SCRIPT, list(targets), runs])
    return hashlib.sha256(identity.encode()).hexdigest() + ".json"


def _load_from_json(value: object, depth: int = 0) -> Load | None:
    if depth > MAX_TREE_DEPTH or not isinstance(value, list) or len(value) != 3:
        return None
    module, ms, loads = value
    if not isinstance(module, str) or not is_target(module) or not isinstance(loads, list):
        return None
    if type(ms) not in (int, float):
        return None
    if not 0 <= ms < 1e7:
        return None
    children = [_load_from_json(item, depth + 1) for item in loads]
    if any(child is None for child in children):
        return None
    return Load(module, float(ms), tuple(child for child in children if child is not None))


def _load_to_json(load: Load) -> list[object]:
    return [load.module, load.ms, [_load_to_json(child) for child in load.loads]]


def _cache_get(key: str, targets: Sequence[str], config: Config) -> dict[str, Timing] | None:
    """Figures measured before, if the cache has a well-formed entry for every target."""
    from lambda_import_lint.batch.cache import open_folder

    folder = open_folder(config, "measure", create=False)
    if folder is None:
        return None
    with folder:
        data = folder.read(key)
    try:
        value = json.loads(data) if data is not None else None
    except ValueError:
        return None
    if not isinstance(value, dict) or sorted(value) != sorted(targets):
        return None
    result = {}
    for name in targets:
        entry = value[name]
        if not isinstance(entry, dict) or set(entry) != {"ms", "loads", "error"}:
            return None
        ms, loads, error = entry["ms"], entry["loads"], entry["error"]
        if type(ms) not in (int, float) or not 0 <= ms < 1e7 or not isinstance(loads, list):
            return None
        if error is not None and not isinstance(error, str):
            return None
        tree = [_load_from_json(item) for item in loads]
        if any(load is None for load in tree):
            return None
        result[name] = Timing(float(ms), tuple(load for load in tree if load is not None), error)
    return result


def _cache_put(key: str, result: dict[str, Timing], config: Config) -> None:
    from lambda_import_lint.batch.cache import NotOurs, open_folder

    folder = open_folder(config, "measure")
    if folder is None:
        return
    entry = {
        name: {"ms": timing.ms, "loads": [_load_to_json(load) for load in timing.loads], "error": timing.error}
        for name, timing in result.items()
    }
    with folder:
        try:
            folder.write(key, json.dumps(entry).encode())
        except (OSError, NotOurs):
            pass
