"""Deployment files read many at once: each reading cached by content, the misses parsed in the
run's worker processes when there are enough of them.

``discovery.deploy.read_unit`` turns one file's bytes into declarations, warnings and the
filesystem answers those depend on (``Probe``). A reading is stored under a key made of the file's
bytes, its reader, its path (as given and real), the working folder (warnings name files relative
to it), the tool version and the shape of the records; it is served only while every probe still
gets the same answer, so neither an edited template nor a handler file created since is ever
answered from the cache.

Entries are JSON written from the records' own fields (``_fields``: a field added to
``HandlerDeclaration`` needs no change here) and read back against their annotations, field by
field: the cache folder is part of the repository being linted, and an entry of any other shape is
ignored (and overwritten), never trusted.
"""

from __future__ import annotations

import functools
import hashlib
import os
import types
import typing
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence

from lambda_import_lint import __version__
from lambda_import_lint.batch.cache import probes_hold
from lambda_import_lint.discovery.declarations import DiscoveryWarning, HandlerDeclaration
from lambda_import_lint.discovery.deploy import Parsed, Probe, Unit, read_serially, read_unit

if TYPE_CHECKING:
    from lambda_import_lint.batch.cache import Store

ENTRY_FORMAT = 1  # bumped when the JSON shape of an entry changes (the records' fields are keyed anyway)
# Worker processes pay when the parsing would take longer than starting them and loading the parsers
# in each (~0.2 s on 2 cores); parse time estimated per byte and reader, as measured on the 28
# repositories of the real-code corpus (`read_unit` in one process, 2026-11-28): Terraform through
# our HCL reader ~0.34 µs a byte (python-hcl2, before it, ~10 µs), Serverless ~0.14, templates,
# SSM documents and CDK sources ~0.09 (libyaml's events, ast and regular expressions), rounded up.
PARALLEL_SECONDS = 0.4
SECONDS_PER_BYTE = 1.5e-7
SECONDS_PER_BYTE_OF = {"terraform": 5e-7, "serverless": 2e-7}

# Hands a list of readings to worker processes and gives their results in order, or None when
# there are too few to be worth it (``runner.Workers.map_readings``).
InProcesses = Callable[[Sequence[tuple[Unit, bytes]]], "list[Parsed] | None"]


class CachedReadings:
    """A ``discovery.deploy.Parse``: readings from ``store`` when it holds them, the others by
    ``read_unit`` (in worker processes through ``in_processes`` when given), then stored (unless
    not ``write``: commands that promise to write nothing only read the cache)."""

    def __init__(self, store: Store | None, in_processes: InProcesses | None = None, write: bool = True) -> None:
        self.store = store
        self.in_processes = in_processes
        self.write = write
        self.parsed = 0  # files parsed (not served from the cache) this run
        self.probes: list[Probe] = []  # the filesystem answers every reading of the run depends on

    def __call__(self, items: Sequence[tuple[Unit, bytes]]) -> list[Parsed]:
        results: list[Parsed | None] = [None] * len(items)
        keys = [reading_key(unit, data) for unit, data in items]
        missing: list[int] = []
        for index, key in enumerate(keys):
            data = self.store.read(key) if self.store is not None else None
            cached = decode_reading(data) if data is not None else None
            if cached is not None and probes_hold(cached.probes):
                results[index] = cached
            else:
                missing.append(index)
        if missing:
            todo = [items[index] for index in missing]
            fresh = None
            if self.in_processes is not None and estimated_seconds(todo) >= PARALLEL_SECONDS:
                fresh = self.in_processes(todo)
            if fresh is None:
                fresh = read_serially(todo)
            self.parsed += len(todo)
            for index, parsed in zip(missing, fresh):
                results[index] = parsed
                if self.store is not None and self.write:
                    self.store.write(keys[index], encode_reading(parsed))
        readings = [parsed for parsed in results if parsed is not None]
        for parsed in readings:
            self.probes.extend(parsed.probes)
        return readings


def estimated_seconds(items: Sequence[tuple[Unit, bytes]]) -> float:
    """How long parsing ``items`` in one process may take (a rough guide: only the order of
    magnitude matters)."""
    return sum(len(data) * SECONDS_PER_BYTE_OF.get(unit.kind, SECONDS_PER_BYTE) for unit, data in items)


def read_one(item: tuple[Unit, bytes]) -> Parsed:
    """``read_unit`` on a pair: what worker processes run."""
    return read_unit(*item)


@functools.lru_cache(maxsize=1)
def _schema() -> str:
    """The records' fields and annotations: entries written for other fields are never read."""
    records = (HandlerDeclaration, DiscoveryWarning)
    shapes = [(record.__name__, record._fields, record.__annotations__) for record in records]
    return repr((ENTRY_FORMAT, __version__, shapes))


def reading_key(unit: Unit, data: bytes) -> str:
    digest = hashlib.sha256(b"deployment\0")
    digest.update(repr((_schema(), tuple(unit), os.path.realpath(unit.path), os.getcwd())).encode())
    digest.update(data)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------- JSON


def unsupported_fields(record: Any) -> list[str]:
    """The fields of a record whose annotation the codec cannot read back (an entry holding one
    is never served: the cache would only cost). Tests assert there are none."""
    return [name for name, hint in _hints(record).items() if not _supported(hint)]


def _supported(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType, tuple, frozenset):
        return all(argument is Ellipsis or _supported(argument) for argument in typing.get_args(hint))
    if origin is typing.Literal:
        return all(type(choice) in (str, int, bool) for choice in typing.get_args(hint))
    if isinstance(hint, type) and issubclass(hint, tuple) and hasattr(hint, "_fields"):
        return not unsupported_fields(hint)
    return hint in (type(None), str, bool, int, float) or (isinstance(hint, type) and issubclass(hint, PurePath))


def encode_reading(parsed: Parsed) -> bytes:
    import json

    entry = {
        "format": ENTRY_FORMAT,
        "declarations": [_encode_record(item) for item in parsed.declarations],
        "warnings": [_encode_record(item) for item in parsed.warnings],
        "probes": [list(probe) for probe in parsed.probes],
    }
    return json.dumps(entry, separators=(",", ":")).encode()


def _encode_record(record: NamedTuple) -> dict[str, object]:
    return {name: _encode_value(value) for name, value in zip(record._fields, record)}


def _encode_value(value: object) -> object:
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a record inside a record
        return _encode_record(value)  # type: ignore[arg-type]
    if isinstance(value, (tuple, list)):
        return [_encode_value(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_encode_value(item) for item in value), key=repr)
    return value


class _Malformed(Exception):
    pass


def decode_reading(data: bytes) -> Parsed | None:
    """The reading an entry holds, or None unless it has exactly the shape ``encode_reading``
    writes for today's records."""
    import json

    try:
        entry = json.loads(data)
        _expect(isinstance(entry, dict) and entry.get("format") == ENTRY_FORMAT)
        declarations = tuple(_decode_record(HandlerDeclaration, item) for item in _list(entry.get("declarations")))
        warnings = tuple(_decode_record(DiscoveryWarning, item) for item in _list(entry.get("warnings")))
        probes = tuple(_probe(item) for item in _list(entry.get("probes")))
    except (ValueError, RecursionError, _Malformed):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    return Parsed(declarations, warnings, probes)  # type: ignore[arg-type]  # each record checked above


def _expect(condition: bool) -> None:
    if not condition:
        raise _Malformed


def _list(value: object) -> list[Any]:
    _expect(isinstance(value, list))
    assert isinstance(value, list)
    return value


def _probe(value: object) -> Probe:
    items = _list(value)
    _expect(len(items) == 3)
    kind, path, answer = items
    _expect(kind in ("file", "dir") and isinstance(path, str) and "\0" not in path and type(answer) is bool)
    return kind, path, answer


@functools.lru_cache(maxsize=None)
def _hints(record: type) -> dict[str, Any]:
    return typing.get_type_hints(record)


def _decode_record(record: Any, value: object) -> NamedTuple:
    _expect(isinstance(value, dict) and list(value) == list(record._fields))
    assert isinstance(value, dict)
    hints = _hints(record)
    decoded: NamedTuple = record(*(_decode_value(value[name], hints[name]) for name in record._fields))
    return decoded


def _decode_value(value: object, hint: Any) -> object:
    """``value`` as the annotation ``hint`` says, or ``_Malformed``. Types the encoder does not
    write (anything but None, bool, int, float, str, paths, tuples and frozensets of those, and
    literals) are never accepted."""
    origin = typing.get_origin(hint)
    if hint is type(None):
        _expect(value is None)
        return None
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                return _decode_value(value, option)
            except _Malformed:
                continue
        raise _Malformed
    if origin is typing.Literal:
        _expect(any(type(value) is type(choice) and value == choice for choice in typing.get_args(hint)))
        return value
    if origin is tuple:
        items = _list(value)
        arguments = typing.get_args(hint)
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_decode_value(item, arguments[0]) for item in items)
        _expect(len(items) == len(arguments))
        return tuple(_decode_value(item, argument) for item, argument in zip(items, arguments))
    if origin is frozenset:
        (argument,) = typing.get_args(hint)
        return frozenset(_decode_value(item, argument) for item in _list(value))
    if isinstance(hint, type) and issubclass(hint, PurePath):
        _expect(isinstance(value, str) and "\0" not in value)
        assert isinstance(value, str)
        return Path(value)
    if isinstance(hint, type) and issubclass(hint, tuple) and hasattr(hint, "_fields"):
        return _decode_record(hint, value)
    if hint in (str, bool, int):
        _expect(type(value) is hint)  # a bool is not an int here, nor an int a bool
        return value
    if hint is float:
        _expect(type(value) in (int, float))
        return value
    raise _Malformed  # a type this codec does not know: never served from the cache
