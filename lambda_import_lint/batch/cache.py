"""The result cache and the folder it lives in: data only, in a folder that is ours or not used.

A repository being linted may hold anything, including a crafted ``.lambda-import-lint-cache``. So:
entries are JSON (loading them cannot run code) and are checked field by field against the shape of
a ``FileResult`` before they are served; anything else is ignored and overwritten. The folder (and
every folder below it) must be a real directory owned by the current user: a symlink, a file or
someone else's folder makes the run warn once and go on without a cache. Below the checked folder,
every name is opened relative to its parent's descriptor with ``O_NOFOLLOW``, so a symlink is never
followed, even one that appears during the run. ``--clean-cache`` deletes only names shaped like
our entries.
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple, cast

from lambda_import_lint import __version__

if TYPE_CHECKING:
    import hashlib

    from lambda_import_lint.engine.results import FileResult
    from lambda_import_lint.config import Config
    from lambda_import_lint.rules.base import Finding, Fix
    from lambda_import_lint.batch.tasks import Options, Task

CACHE_FOLDER = ".lambda-import-lint-cache"
CACHE_ENVIRONMENT = "LAMBDA_IMPORT_LINT_CACHE_DIR"
ENTRY_FORMAT = 4  # bumped when the JSON shape of an entry changes
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by lambda-import-lint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a planted FIFO must not block the run
_BINARY = getattr(os, "O_BINARY", 0)
# Descriptors relative to a checked folder where the platform has them (POSIX); elsewhere, paths
# checked with lstat just before use.
_BY_DESCRIPTOR = bool(_NOFOLLOW) and os.open in os.supports_dir_fd and os.scandir in os.supports_fd
_WARNED: set[str] = set()


class NotOurs(Exception):
    """A cache folder that is a symlink, not a folder, or another user's: not used."""


class Folder:
    """One folder of the cache, opened without following a symlink and checked to be ours."""

    def __init__(self, path: str, descriptor: int | None) -> None:
        self.path = path
        self.descriptor = descriptor

    @classmethod
    def open(cls, path: str, create: bool = False) -> Folder:
        """The folder at ``path``; FileNotFoundError when it is missing (and not ``create``),
        ``NotOurs`` when it is not ours. Folders above ``path`` are the user's choice."""
        return _open_folder(path, None, path, create)

    def child(self, name: str, create: bool = False) -> Folder:
        return _open_folder(name, self, os.path.join(self.path, name), create)

    def close(self) -> None:
        if self.descriptor is not None:
            os.close(self.descriptor)
            self.descriptor = None

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _name(self, name: str) -> str:
        """What to pass to ``os`` functions along with ``dir_fd=self.descriptor``."""
        if self.descriptor is not None:
            return name
        full = os.path.join(self.path, name)
        try:
            if stat.S_ISLNK(os.lstat(full).st_mode):
                raise NotOurs(f"{full} is a symbolic link")
        except FileNotFoundError:
            pass
        return full

    def read(self, name: str, limit: int = 64 << 20) -> bytes | None:
        """A regular file's bytes; None if it is missing, not a regular file, or a symlink."""
        try:
            flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY
            descriptor = os.open(self._name(name), flags, dir_fd=self.descriptor)
        except (OSError, NotOurs):
            return None
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            with os.fdopen(descriptor, "rb", closefd=False) as handle:
                return handle.read(limit)
        except OSError:
            return None
        finally:
            os.close(descriptor)

    def write(self, name: str, data: bytes) -> None:
        """Replace ``name`` atomically: a temporary file beside it, then a rename (readers in other
        runs see the old entry or the new one, never half of one)."""
        temporary = f".{name}.{os.getpid()}.tmp"
        self.unlink(temporary)  # left by a killed run that had this pid
        self._create(temporary, data)
        try:
            if self.descriptor is not None:
                # rename(2) replaces the target atomically on POSIX; os.replace takes no dir_fd here.
                os.rename(temporary, name, src_dir_fd=self.descriptor, dst_dir_fd=self.descriptor)
            else:
                os.replace(self._name(temporary), self._name(name))
        except OSError:
            self.unlink(temporary)
            raise

    def create_once(self, name: str, data: bytes) -> None:
        """Write ``name`` unless something by that name exists already."""
        try:
            self._create(name, data)
        except FileExistsError:
            pass

    def _create(self, name: str, data: bytes) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
        descriptor = os.open(self._name(name), flags, 0o666, dir_fd=self.descriptor)
        try:
            with os.fdopen(descriptor, "wb", closefd=False) as handle:
                handle.write(data)
        finally:
            os.close(descriptor)

    def unlink(self, name: str) -> None:
        try:
            os.unlink(self._name(name), dir_fd=self.descriptor)
        except (OSError, NotOurs):
            pass

    def remove_folder(self, name: str) -> None:
        """Remove an empty subfolder (one that still holds anything stays)."""
        try:
            os.rmdir(self._name(name), dir_fd=self.descriptor)
        except (OSError, NotOurs):
            pass

    def entries(self) -> Iterator[tuple[str, bool]]:
        """(name, is a real folder) for each name, symlinks never counted as folders; only
        regular files and real folders are listed."""
        try:
            with os.scandir(self.descriptor if self.descriptor is not None else self.path) as listing:
                for entry in listing:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            yield entry.name, True
                        elif entry.is_file(follow_symlinks=False):
                            yield entry.name, False
                    except OSError:
                        continue
        except OSError:
            return


def _open_folder(name: str, parent: Folder | None, path: str, create: bool) -> Folder:
    at = parent.descriptor if parent is not None else None
    target = name if at is not None else path
    if create:
        try:
            os.mkdir(target, dir_fd=at)
        except FileExistsError:
            pass
    if not _BY_DESCRIPTOR:
        status = os.lstat(path)
        _check(path, status)
        return Folder(path, None)
    try:
        descriptor = os.open(target, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=at)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            # ELOOP: a symlink (O_NOFOLLOW); ENOTDIR: a file; some BSDs say EMLINK for a link.
            _check(path, os.lstat(target, dir_fd=at))
        raise
    try:
        _check(path, os.fstat(descriptor))
    except NotOurs:
        os.close(descriptor)
        raise
    return Folder(path, descriptor)


def _check(path: str, status: os.stat_result) -> None:
    if stat.S_ISLNK(status.st_mode):
        raise NotOurs(f"{path} is a symbolic link")
    if not stat.S_ISDIR(status.st_mode):
        raise NotOurs(f"{path} is not a folder")
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        raise NotOurs(f"{path} belongs to another user (uid {status.st_uid})")


def sha256(data: bytes = b"") -> hashlib._Hash:
    """``hashlib.sha256``, from CPython's own module when it has one: hashlib loads OpenSSL, ~3 ms
    of a warm run that takes ~50. The digests are the same."""
    try:
        from _sha256 import sha256 as builtin  # type: ignore[import-not-found]  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256 as builtin  # type: ignore[import-not-found]  # CPython 3.12+
        except ImportError:
            from hashlib import sha256 as builtin
    digest: hashlib._Hash = builtin(data)
    return digest


def new_run() -> None:
    """Forget the warnings given: each run warns once (tests run many in one process)."""
    _WARNED.clear()


def warn_once(message: str) -> None:
    """``lambda-import-lint: warning: …`` on stderr, once per message and run."""
    if message in _WARNED:
        return
    _WARNED.add(message)
    from lambda_import_lint.printing import printable

    print(f"lambda-import-lint: warning: {printable(message)}", file=sys.stderr)


def _not_used(problem: NotOurs) -> None:
    warn_once(f"cache folder {problem}; running without the cache")


def cache_folder(config: Config) -> Path:
    """``$LAMBDA_IMPORT_LINT_CACHE_DIR``, else ``.lambda-import-lint-cache`` beside the config."""
    override = os.environ.get(CACHE_ENVIRONMENT)
    return Path(override) if override else config.root / CACHE_FOLDER


def _descend(config: Config, names: Iterable[str], create: bool) -> Folder:
    """The cache folder, then each of ``names`` below it, every one checked to be ours (made as
    needed with ``create``; a new cache folder is tagged and ignored by git). Raises ``NotOurs``,
    FileNotFoundError when a folder is missing (and not ``create``), or another OSError."""
    folder = Folder.open(str(cache_folder(config)), create=create)
    if create:
        try:
            # Backup and archiving tools skip a tagged folder; git ignores everything in it.
            folder.create_once("CACHEDIR.TAG", CACHEDIR_TAG.encode())
            folder.create_once(".gitignore", b"*\n")
        except (OSError, NotOurs):
            pass
    for name in names:
        with folder:
            folder = folder.child(name, create=create)
    return folder


def open_folder(config: Config, *names: str, create: bool = True) -> Folder | None:
    """A folder of the cache (``names`` below the cache folder), or None: after a warning when it
    is not ours, quietly when it is missing (and not ``create``) or cannot be made."""
    try:
        return _descend(config, names, create)
    except NotOurs as problem:
        _not_used(problem)
    except OSError:
        pass
    return None


class Store:
    """Entries by key, one file each in ``<folder>/<version>/<key[:2]>/<key>``; the folder is made on
    the first write. Bytes only: whoever reads an entry checks its shape."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._folder: Folder | None = None
        self._state = "absent"  # "open", "absent" (made on the first write) or "off"
        try:
            self._folder, self._state = _descend(config, (__version__,), create=False), "open"
        except FileNotFoundError:
            pass
        except NotOurs as problem:
            _not_used(problem)
            self._state = "off"
        except OSError:
            self._state = "off"

    def _open(self, create: bool) -> Folder | None:
        if self._state == "absent" and create:
            self._folder = open_folder(self.config, __version__)
            self._state = "open" if self._folder is not None else "off"
        return self._folder

    @property
    def enabled(self) -> bool:
        return self._state != "off"

    def close(self) -> None:
        if self._folder is not None:
            self._folder.close()
            self._folder = None
        self._state = "off"

    def read(self, key: str) -> bytes | None:
        """The entry's bytes, if there is one (``key``: 64 hex digits)."""
        folder = self._open(create=False)
        if folder is None:
            return None
        try:
            with folder.child(key[:2]) as shard:
                return shard.read(key)
        except NotOurs as problem:
            _not_used(problem)
            self.close()
        except OSError:
            pass
        return None

    def write(self, key: str, data: bytes) -> None:
        folder = self._open(create=True)
        if folder is None:
            return
        try:
            with folder.child(key[:2], create=True) as shard:
                shard.write(key, data)
        except NotOurs as problem:
            _not_used(problem)
            self.close()
        except OSError:
            pass  # a cache that cannot be written only costs speed


class Cache(Store):
    """Results keyed by content hash + effective configuration + path + tool version, one JSON
    file per entry in ``<folder>/<version>/<key[:2]>/<key>``. A changed file, setting or version
    gives a new key, so a stale result is never served."""

    def __init__(self, config: Config, options: Options) -> None:
        fingerprint = repr((config, config.root, sorted(options.codes), options.with_edits, sys.version_info[:2]))
        self.salt = sha256(fingerprint.encode()).hexdigest()
        # (size, mtime in ns) of each dependency stat'ed this run: entries of one project share most
        # of theirs (the same missing ``__future__.py`` in every folder above), and a Cache lives
        # for one run.
        self._states: dict[str, tuple[int, int]] = {}
        # The dependencies of every result served or stored: what a run record must check too.
        self.dependencies: set[tuple[str, int, int]] = set()
        super().__init__(config)

    def key(self, task: Task, source: bytes) -> str:
        digest = sha256(self.salt.encode())
        declared = (
            task.path, task.declared, sorted(task.warm), sorted(task.rare), sorted(task.busy), sorted(task.roomy),
            task.layer_roots,
            task.layer,
            task.undeployed,
            task.packaged_elsewhere,
            sorted(task.unattended),
        )
        digest.update(repr(declared).encode())
        digest.update(source)
        return digest.hexdigest()

    def get(self, key: str, path: str) -> FileResult | None:
        """The cached result for the file at ``path``, if the entry is well formed and every
        other file it depends on is unchanged."""
        data = self.read(key)
        if data is None:
            return None
        decoded = decode_entry(data, path)
        if decoded is None:
            return None
        result, dependencies = decoded
        if not self._unchanged(dependencies):
            return None
        self.dependencies.update(dependencies)
        return result

    def _unchanged(self, dependencies: Iterable[tuple[str, int, int]]) -> bool:
        """Whether recorded files are as they were: the same (size, mtime) as
        ``analysis.local_modules.dependency`` records, (-1, -1) for a path that is not there."""
        states = self._states
        for path, size, mtime in dependencies:
            state = states.get(path)
            if state is None:
                try:
                    status = os.stat(path)
                    state = (status.st_size, status.st_mtime_ns)
                except (OSError, ValueError):  # ValueError: a NUL byte in a tampered entry
                    state = (-1, -1)
                states[path] = state
            if state != (size, mtime):
                return False
        return True

    def put(self, key: str, result: FileResult, dependencies: Iterable[tuple[str, int, int]] = ()) -> None:
        dependencies = tuple(dependencies)
        self.dependencies.update(dependencies)
        self.write(key, encode_entry(result, dependencies))

    # ------------------------------------------------------------------------- whole runs

    def run_key(self, run: object) -> RunKey:
        """Where a run's record is kept, and what identifies the run: this cache's salt
        (configuration, codes, Python, tool version) and ``run`` (the command line, the working
        folder, the checked paths' real paths). Records share ``RUN_SLOTS`` entries per salt and
        working folder, each holding the last run whose identity falls there: a hook that checks
        a different list of files on every commit does not grow the cache by a record each time."""
        identity = sha256(self.salt.encode() + b"run\0" + repr(run).encode()).hexdigest()
        slot = int(identity[:8], 16) % RUN_SLOTS
        key = sha256(f"{self.salt}\0run-slot\0{os.getcwd()}\0{slot}".encode()).hexdigest()
        return key, identity

    def replay(self, run: RunKey, listing: Listing | None = None) -> RunRecord | None:
        """The record of an earlier run with the same key, if every file it read is as it was
        then (same listing of files, each with the same size, times, inode and device), every
        question it asked the filesystem gets the same answer, and every file its results depend
        on is unchanged; else None. Without ``listing`` (nothing walked yet): if every folder the
        earlier run listed is as it was too, no walk could list anything else (a folder's times
        change when an entry is added, removed or renamed in it), so its own listing is checked.
        With ``listing``, a record that answers although a folder changed (a file no result
        depends on was added, the cache folder was created) is kept again with the folders as
        they are now: else every later run would walk before the record answered."""
        key, identity = run
        data = self.read(key)
        if data is None:
            return None
        decoded = decode_run(data, identity, listing)
        if decoded is None:
            return None
        listed, checks, record = decoded
        if listing is None and not _unmoved(listed):
            return None
        # Files that were not there below folders listed as they were then are still not there;
        # after a walk, which compares files but not folders, they are asked again.
        absent = () if listing is None else ((path, -1, -1) for path in checks.absent)
        if not self._unchanged(itertools.chain(checks.dependencies, absent)):
            return None
        if not probes_hold(checks.probes) or not _layers_hold(checks.layers) or not _real_paths_hold(checks.real):
            return None
        if listing is not None and listed[4:] != listing[4:]:
            self.record(run, listing, checks, record)
        return record

    def record(self, run: RunKey, listing: Listing, checks: Checks, record: RunRecord) -> None:
        """Store a run's record, unless it cannot be trusted later: a file that could not be
        stat'ed, a result that is not cacheable, or a file changed so recently (within
        ``RACY_NS`` of the run's start) that a change after it was read might not show in its
        status."""
        if not self.enabled or not all(_printable(text) for _, text in record.output):
            return
        recent = listing.started - RACY_NS
        for state in (*listing.states, *listing.folder_states):
            if state is None or state[1] >= recent or state[2] >= recent:
                return
        if any(mtime >= recent for _, _, mtime in checks.dependencies):
            return
        key, identity = run
        self.write(key, encode_run(identity, listing, _absent_apart(checks, listing.folders), record))


# ---------------------------------------------------------------------------------- run records

RUN_FORMAT = 3  # bumped when the JSON shape of a run record changes
# How long before a run a file must have last changed for the run to be recorded. File times are
# coarse (a kernel tick on Linux, 1-2 s on FAT, HFS+ and some network filesystems): a file changed
# in the same tick as it was read could change again, with the same size, without its status
# showing it. Such a run is not recorded; the next one, when the file has settled, is.
RACY_NS = 2_000_000_000
RUN_SLOTS = 8  # records kept per configuration and working folder
RunKey = tuple[str, str]  # (the entry's key, the run's identity)

State = tuple[int, int, int, int, int]  # (size, mtime ns, ctime ns, inode, device) of a file, followed


def file_state(path: str) -> State | None:
    """A file's status (symlinks followed), None when it cannot be had."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)


class Listing(NamedTuple):
    """What a run finds before it reads anything: the Python files to check (in order), the
    deployment files to read (``discovery.deploy.Unit`` as (kind, path, app)), and the status of
    each (files first), taken before either was read; ``started``: when (``time.time_ns``), before
    the first status."""

    files: tuple[str, ...]
    units: tuple[tuple[str, str, str], ...]
    states: tuple[State | None, ...]
    started: int = 0
    folders: tuple[str, ...] = ()  # every folder the run's walks listed in the project
    folder_states: tuple[State | None, ...] = ()  # and the status of each
    # The folders above the project listed for deployment files, with what matters of each
    # (``discovery.candidates.folder_candidates``): their times change with anything in them (/tmp).
    above: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _unmoved(listing: Listing) -> bool:
    """Whether every folder a recorded run listed, and every file it found, has the status it had
    then (``decode_run`` checked there is one status per path), and the folders above the project
    hold the same candidates and markers."""
    paths = (*listing.folders, *listing.files, *(path for _, path, _ in listing.units))
    if not all(file_state(path) == state for path, state in zip(paths, (*listing.folder_states, *listing.states))):
        return False
    from lambda_import_lint.discovery.candidates import folder_candidates

    return all(folder_candidates(folder) == names for folder, names in listing.above)


class Checks(NamedTuple):
    """What else a run's results depend on: the questions deployment readers asked the filesystem
    (``Probe``), the local files results read (LIL004, fix safety), each declared layer's folder
    with the roots it gave (``Layer.import_roots``: (path, real path, is a folder)), and the real
    path of each declared handler file (declarations match files by real path: a symlinked folder
    pointed elsewhere changes which file a declaration names). ``absent``: files results depend
    on not being there whose nearest folder that is there was listed by the run (``_absent_apart``:
    most of a run's dependencies are module names tried in each folder above a handler; a record
    checked before the walk knows them from those folders' statuses)."""

    probes: tuple[tuple[str, str, bool], ...] = ()
    dependencies: tuple[tuple[str, int, int], ...] = ()
    layers: tuple[tuple[str, bool, tuple[tuple[str, str, bool], ...]], ...] = ()
    real: tuple[tuple[str, str], ...] = ()
    absent: tuple[str, ...] = ()


def _absent_apart(checks: Checks, folders: Iterable[str]) -> Checks:
    """``checks`` with the dependencies on files not there whose nearest folder that is there is
    among ``folders`` moved to ``Checks.absent``: a file cannot appear below such a folder without
    an entry of it being added, which changes its status. Each folder between is looked up once."""
    listed = frozenset(folders)
    there: dict[str, bool] = {}

    def anchored(path: str) -> bool:
        folder = os.path.dirname(path)
        while folder not in listed:
            if folder not in there:
                there[folder] = os.path.lexists(folder)
            parent = os.path.dirname(folder)
            if there[folder] or parent == folder:
                return False
            folder = parent
        return True

    kept: list[tuple[str, int, int]] = []
    absent: list[str] = []
    # (A record kept again after a walk was split over the folders it was made with: again.)
    for dependency in (*checks.dependencies, *((path, -1, -1) for path in checks.absent)):
        if dependency[1:] == (-1, -1) and anchored(dependency[0]):
            absent.append(dependency[0])
        else:
            kept.append(dependency)
    return checks._replace(dependencies=tuple(kept), absent=tuple(absent))


class RunRecord(NamedTuple):
    """What a run printed, as ("out" or "err", text) pieces in order (warnings, errors, the report,
    the summary), and its exit status."""

    output: tuple[tuple[str, str], ...]
    status: int


def layer_roots(folder: str, built: bool) -> tuple[tuple[str, str, bool], ...]:
    """A declared layer's import roots as ``Declarations`` resolves them: (path, real path, is a
    folder)."""
    from lambda_import_lint.discovery.declarations import Layer

    return tuple(
        (str(root), os.path.realpath(root), root.is_dir()) for root in Layer("", Path(folder), built).import_roots()
    )


def probes_hold(probes: Iterable[tuple[str, str, bool]]) -> bool:
    """Whether the filesystem still answers each question a deployment reader asked
    (``discovery.deploy.Probe``: is this a file, is this a folder) as it did."""
    return all((os.path.isfile if kind == "file" else os.path.isdir)(path) == answer for kind, path, answer in probes)


def _layers_hold(layers: Iterable[tuple[str, bool, tuple[tuple[str, str, bool], ...]]]) -> bool:
    try:
        return all(layer_roots(folder, built) == roots for folder, built, roots in layers)
    except (OSError, ValueError):  # ValueError: a NUL byte in a tampered record
        return False


def _real_paths_hold(paths: Iterable[tuple[str, str]]) -> bool:
    try:
        return all(os.path.realpath(path) == real for path, real in paths)
    except (OSError, ValueError):  # ValueError: a NUL byte in a tampered record
        return False


def encode_run(identity: str, listing: Listing, checks: Checks, record: RunRecord) -> bytes:
    """A run record as JSON: the listing's units, states and dependencies as flat arrays (a
    repository's record lists thousands; they are compared, not rebuilt, when read)."""
    import json

    entry = {
        "format": RUN_FORMAT,
        "identity": identity,
        "files": list(listing.files),
        "units": [part for unit in listing.units for part in unit],
        "states": [number for state in listing.states if state is not None for number in state],
        "folders": list(listing.folders),
        "folder_states": [number for state in listing.folder_states if state is not None for number in state],
        "above": [[folder, list(names)] for folder, names in listing.above],
        "probes": [list(probe) for probe in checks.probes],
        "dependencies": [part for dependency in sorted(checks.dependencies) for part in dependency],
        "absent": sorted(checks.absent),
        "layers": [[folder, built, [list(root) for root in roots]] for folder, built, roots in checks.layers],
        "real": [part for pair in checks.real for part in pair],
        "output": [list(piece) for piece in record.output],
        "status": record.status,
    }
    return json.dumps(entry, separators=(",", ":")).encode()


def decode_run(data: bytes, identity: str, listing: Listing | None) -> tuple[Listing, Checks, RunRecord] | None:
    """What a run record holds (the listing it was made over, what else it was checked against,
    what it printed), or None unless it was written for the run ``identity`` names, has the shape
    ``encode_run`` writes and, when this run has walked, was made over exactly ``listing`` (the
    same files and deployment files, each with the same status)."""
    import json

    if listing is not None and any(state is None for state in listing.states):
        return None
    try:
        entry = json.loads(data)
        _expect(isinstance(entry, dict) and entry.get("format") == RUN_FORMAT)
        _expect(entry.get("identity") == identity)  # (another run kept in the same slot)
        files, units = _strings(entry.get("files")), _strings(entry.get("units"))
        _expect(len(units) % 3 == 0)
        states = _states(entry.get("states"), len(files) + len(units) // 3)
        folders = _strings(entry.get("folders"))
        folder_states = _states(entry.get("folder_states"), len(folders))
        above = tuple(_above(item) for item in _list(entry.get("above")))
        listed = Listing(
            tuple(files), tuple(zip(units[0::3], units[1::3], units[2::3])), states, 0, tuple(folders), folder_states,
            above,
        )
        if listing is not None:  # compared with what this run found: equal, or the record is not for this run
            _expect(listed[:3] == listing[:3])
        probes = tuple(_probe(probe) for probe in _list(entry.get("probes")))
        dependencies = _flat_dependencies(entry.get("dependencies"))
        absent = tuple(_strings(entry.get("absent")))
        layers = tuple(_layer(layer) for layer in _list(entry.get("layers")))
        real = _list(entry.get("real"))
        _expect(len(real) % 2 == 0 and all(isinstance(path, str) for path in real))
        output = tuple(_output(piece) for piece in _list(entry.get("output")))
        status = entry.get("status")
        _expect(status in (0, 1, 2) and type(status) is int)
        assert isinstance(status, int)
    except (ValueError, RecursionError, _Malformed):
        return None
    pairs = tuple(zip(cast("list[str]", real[0::2]), cast("list[str]", real[1::2])))
    return listed, Checks(probes, dependencies, layers, pairs, absent), RunRecord(output, status)


def _strings(value: object) -> list[str]:
    items = _list(value)
    _expect(all(isinstance(item, str) for item in items))
    return cast("list[str]", items)


def _above(value: object) -> tuple[str, tuple[str, ...]]:
    folder, names = _list(value, 2)
    return _string(folder), tuple(_strings(names))


def _states(value: object, count: int) -> tuple[State, ...]:
    """``count`` statuses stored flat (five integers each)."""
    numbers = _list(value)
    _expect(len(numbers) == 5 * count and all(type(number) is int for number in numbers))
    flat = cast("list[int]", numbers)
    return tuple(cast(State, tuple(flat[index:index + 5])) for index in range(0, len(flat), 5))


def _printable(text: str) -> bool:
    """Whether ``text`` is lines of printable characters, as everything a run prints is (names read
    from the project are escaped, ``printing.printable``): a record holding anything else, such
    as a terminal escape, was not written by a run and is never printed."""
    return all(line.isprintable() for line in text.split("\n"))


def _output(value: object) -> tuple[str, str]:
    stream, text = _list(value, 2)
    _expect(stream in ("out", "err") and isinstance(text, str) and _printable(text))
    assert isinstance(stream, str) and isinstance(text, str)
    return stream, text


def _flat_dependencies(value: object) -> tuple[tuple[str, int, int], ...]:
    """``[path, size, mtime, path, size, mtime, ...]``, checked in one loop."""
    items = _list(value)
    _expect(len(items) % 3 == 0)
    paths, sizes, mtimes = items[0::3], items[1::3], items[2::3]
    _expect(
        all(isinstance(path, str) for path in paths)
        and all(type(size) is int for size in sizes)
        and all(type(mtime) is int for mtime in mtimes)
    )
    return tuple(zip(cast("list[str]", paths), cast("list[int]", sizes), cast("list[int]", mtimes)))


def _probe(value: object) -> tuple[str, str, bool]:
    kind, path, answer = _list(value, 3)
    _expect(kind in ("file", "dir"))
    return _string(kind), _string(path), _flag(answer)


def _layer(value: object) -> tuple[str, bool, tuple[tuple[str, str, bool], ...]]:
    folder, built, roots = _list(value, 3)
    checked = []
    for root in _list(roots):
        path, real, answer = _list(root, 3)
        checked.append((_string(path), _string(real), _flag(answer)))
    return _string(folder), _flag(built), tuple(checked)


def encode_entry(result: FileResult, dependencies: Iterable[tuple[str, int, int]]) -> bytes:
    """A result as JSON: findings as arrays in ``Finding``'s field order (compact and quick to
    read back), fixes likewise, text edits as arrays. The path is not stored: the key holds it."""
    import json

    def fix(value: Fix | None) -> object:
        if value is None:
            return None
        edits = [[e.line, e.column, e.end_line, e.end_column, e.text] for e in value.edits]
        return [
            value.action, value.safety, value.title, value.binding, list(value.functions), list(value.blocks),
            value.add_future_annotations, value.keep_for_annotations, list(value.more_bindings), edits,
        ]

    findings = [
        [
            f.code, f.message, f.line, f.column, f.end_line, f.end_column, fix(f.fix),
            list(f.noqa_lines), f.no_fix_reason,
        ]
        for f in result.findings
    ]
    entry = {
        "format": ENTRY_FORMAT,
        "findings": findings,
        "handlers": list(result.handlers),
        "parsed": result.parsed,
        "error": result.error,
        "dependencies": [list(d) for d in sorted(dependencies)],
    }
    return json.dumps(entry, separators=(",", ":")).encode()


class _Malformed(Exception):
    pass


def decode_entry(data: bytes, path: str) -> tuple[FileResult, tuple[tuple[str, int, int], ...]] | None:
    """The result and dependencies an entry holds, or None unless it has exactly the shape
    ``encode_entry`` writes: every field of the expected type, every literal from its set."""
    import json

    from lambda_import_lint.engine.results import SYNTAX_ERROR, FileResult

    try:
        entry = json.loads(data)
        _expect(isinstance(entry, dict) and entry.get("format") == ENTRY_FORMAT)
        findings = tuple(_finding(item) for item in _list(entry.get("findings")))
        handlers = tuple(_string(name) for name in _list(entry.get("handlers")))
        parsed = entry.get("parsed")
        _expect(type(parsed) is bool)
        error = _optional_string(entry.get("error"))
        _expect(error is None or error.startswith(SYNTAX_ERROR))  # the only error ever stored
        dependencies = _dependencies(entry.get("dependencies"))
    except (ValueError, RecursionError, _Malformed):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    return FileResult(path, findings, error, handlers, bool(parsed)), dependencies


def _expect(condition: bool) -> None:
    if not condition:
        raise _Malformed


def _list(value: object, length: int | None = None) -> list[object]:
    _expect(isinstance(value, list) and (length is None or len(value) == length))
    assert isinstance(value, list)
    return value


def _int(value: object) -> int:
    _expect(type(value) is int)  # not bool, which is an int too
    assert isinstance(value, int)
    return value


def _string(value: object) -> str:
    _expect(isinstance(value, str))
    assert isinstance(value, str)
    return value


def _optional_string(value: object) -> str | None:
    return None if value is None else _string(value)


def _flag(value: object) -> bool:
    _expect(type(value) is bool)
    return bool(value)


def _dependencies(value: object) -> tuple[tuple[str, int, int], ...]:
    """``[[path, size, mtime], ...]``, checked in one loop: an entry may list thousands."""
    checked: list[tuple[str, int, int]] = []
    for item in _list(value):
        _expect(isinstance(item, list) and len(item) == 3)
        assert isinstance(item, list)
        path, size, mtime = item
        _expect(isinstance(path, str) and type(size) is int and type(mtime) is int)  # not bool
        checked.append((path, size, mtime))
    return tuple(checked)


def _finding(value: object) -> Finding:
    from lambda_import_lint.rules.base import Finding

    code, message, line, column, end_line, end_column, fix, noqa_lines, reason = _list(value, 9)
    first, last = _list(noqa_lines, 2)
    return Finding(
        _string(code), _string(message), _int(line), _int(column), _int(end_line), _int(end_column),
        None if fix is None else _fix(fix), (_int(first), _int(last)), _optional_string(reason),
    )


def _fix(value: object) -> Fix:
    from typing import get_args

    from lambda_import_lint.rules.base import Fix, FixAction, Safety, TextEdit

    action, safety, title, binding, functions, blocks, future, keep, more, edits = _list(value, 10)
    _expect(action in get_args(FixAction) and safety in get_args(Safety))
    text_edits = []
    for edit in _list(edits):
        line, column, end_line, end_column, text = _list(edit, 5)
        text_edits.append(TextEdit(_int(line), _int(column), _int(end_line), _int(end_column), _string(text)))
    return Fix(
        action,  # type: ignore[arg-type]  # checked against the Literal's values above
        safety,  # type: ignore[arg-type]
        _string(title),
        _int(binding),
        functions=tuple(_int(index) for index in _list(functions)),
        blocks=tuple(_int(index) for index in _list(blocks)),
        add_future_annotations=_flag(future),
        keep_for_annotations=_flag(keep),
        more_bindings=tuple(_int(index) for index in _list(more)),
        edits=tuple(text_edits),
    )


_ENTRY_NAME = r"[0-9a-f]{64}"


def clean_cache(config: Config) -> None:
    """Delete our entries (and folders left empty): only regular files named like an entry or a
    temporary entry, in folders shaped like ours; nothing through a symlink, nothing else."""
    import re

    entry = re.compile(rf"{_ENTRY_NAME}|\.{_ENTRY_NAME}\.[0-9]+\.tmp")
    measurement = re.compile(rf"{_ENTRY_NAME}\.json|\.{_ENTRY_NAME}\.json\.[0-9]+\.tmp")
    shard = re.compile(r"[0-9a-f]{2}")
    version = re.compile(r"[0-9][0-9A-Za-z.+_-]*")
    folder = open_folder(config, create=False)
    if folder is None:
        return

    def clear(parent: Folder, name: str, names: re.Pattern[str], shards: bool) -> None:
        """Our files in ``parent/name`` (in its shard folders, with ``shards``), then the folder
        itself if that left it empty."""
        try:
            with parent.child(name) as inner:
                for child, is_folder in list(inner.entries()):
                    if shards and is_folder and shard.fullmatch(child):
                        clear(inner, child, names, shards=False)
                    elif not shards and not is_folder and names.fullmatch(child):
                        inner.unlink(child)
        except (OSError, NotOurs):
            return
        parent.remove_folder(name)

    with folder:
        for name, is_folder in list(folder.entries()):
            if not is_folder:
                continue
            if name == "measure":
                clear(folder, name, measurement, shards=False)
            elif version.fullmatch(name):
                clear(folder, name, entry, shards=True)
