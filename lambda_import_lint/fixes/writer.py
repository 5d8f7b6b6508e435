"""Writing fixed files: atomically, keeping the file mode, never over a file changed meanwhile.

On Linux the new content is written to an unnamed file (``O_TMPFILE``) in the target's folder and
only then given a name and renamed over the target: a process killed while writing leaves no stray
temporary file behind, and one killed at any point leaves the old file or the new one, never a mix.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMPORARY_SUFFIX = ".lil-tmp"


class FileChangedError(Exception):
    """The file on disk no longer holds the bytes the fix was computed from."""


def write_atomically(path: Path, new: bytes, expected_old: bytes) -> None:
    """Replace ``path`` with ``new``; refuse when the file no longer holds ``expected_old``."""
    status = path.stat()
    _check_unchanged(path, expected_old)
    mode = status.st_mode & 0o7777
    descriptor, temporary = _unnamed_file(path.parent, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
            _check_unchanged(path, expected_old)  # last check, as close to the rename as we can
            if temporary is None:
                # Named only now: a kill between the link and the rename (two system calls) is the
                # one moment a stray temporary file can be left.
                temporary = _give_name(handle.fileno(), path)
            os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
        raise
    _fsync_folder(path.parent)


def _check_unchanged(path: Path, expected: bytes) -> None:
    if path.read_bytes() != expected:
        raise FileChangedError(f"{path} changed on disk while it was being fixed; left as it is")


def _unnamed_file(folder: Path, mode: int) -> tuple[int, str | None]:
    """An open file in ``folder``: unnamed (``O_TMPFILE``) where the system allows, else named."""
    flag = getattr(os, "O_TMPFILE", 0)
    if flag and Path("/proc/self/fd").is_dir():
        try:
            return os.open(folder, flag | os.O_WRONLY, mode), None
        except OSError:
            pass  # the filesystem does not support it
    descriptor, name = tempfile.mkstemp(prefix=".lil-", suffix=TEMPORARY_SUFFIX, dir=folder)
    return descriptor, name


def _give_name(descriptor: int, path: Path) -> str:
    """Link an O_TMPFILE file into its folder under a fresh temporary name (just before rename)."""
    # os.link calls linkat(AT_SYMLINK_FOLLOW) only when given a folder descriptor.
    proc = os.open("/proc/self/fd", os.O_RDONLY)
    try:
        for attempt in range(100):
            name = str(path.parent / f".{path.name}.{os.getpid()}.{attempt}{TEMPORARY_SUFFIX}")
            try:
                os.link(str(descriptor), name, src_dir_fd=proc, follow_symlinks=True)
                return name
            except FileExistsError:
                continue
    finally:
        os.close(proc)
    raise OSError(f"cannot create a temporary file next to {path}")


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
