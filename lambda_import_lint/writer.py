"""Writing fixed files: atomically, keeping the file mode, never over a file changed meanwhile."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class FileChangedError(Exception):
    """The file on disk no longer holds the bytes the fix was computed from."""


def write_atomically(path: Path, new: bytes, expected_old: bytes) -> None:
    """Replace ``path`` with ``new`` via a temporary file in the same folder, fsync and
    ``os.replace``: a reader (or a crash) sees the old file or the new one, never a mix.
    Refuses when the file no longer holds ``expected_old``."""
    status = path.stat()
    if path.read_bytes() != expected_old:
        raise FileChangedError(f"{path} changed on disk while it was being fixed; left as it is")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".lil-tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, status.st_mode & 0o7777)
        if path.read_bytes() != expected_old:  # last check, as close to the replace as we can
            raise FileChangedError(f"{path} changed on disk while it was being fixed; left as it is")
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(path.parent)


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
