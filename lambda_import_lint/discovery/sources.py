"""Reading a file's bytes and telling whether they are Python text at all.

Runs for every file of a run, before anything else, so it uses plain ``open`` and imports
``tokenize`` only for files whose coding declaration is not UTF-8.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple


class SourceError(NamedTuple):
    """Why a path has no source to check (exit status 2)."""

    path: str
    message: str


def as_bytes(source: bytes | str) -> bytes:
    """The bytes the byte-level scans read (text from flake8 or an editor is encoded back)."""
    return source.encode("utf-8", errors="surrogateescape") if isinstance(source, str) else source


def undecodable(source: bytes | str) -> str | None:
    """Why a file is not Python text at all (checked for every file, parsed or not)."""
    if isinstance(source, str):
        return "binary file (contains NUL bytes), not Python source" if "\x00" in source else None
    if b"\x00" in source:
        return "binary file (contains NUL bytes), not Python source"
    if _utf8_cookie_or_none(source) and not source.startswith(b"\xef\xbb\xbf"):
        try:
            source.decode("utf-8")  # the common case, at C speed
            return None
        except UnicodeDecodeError:
            pass
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        source.decode(encoding)
    except (SyntaxError, LookupError) as error:
        return f"cannot decode: {error}"
    except UnicodeDecodeError as error:
        return f"cannot decode as {error.encoding}: invalid byte at offset {error.start}"
    return None


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


def _utf8_cookie_or_none(source: bytes) -> bool:
    """Whether every PEP 263 coding declaration in the first two lines says UTF-8 (or there is
    none): then the file is UTF-8 whichever one ``tokenize`` would pick."""
    if b"coding" not in source[:400]:
        return True
    head = b"\n".join(source.split(b"\n", 2)[:2])
    names = (match.group(1).lower().replace(b"_", b"-") for match in _COOKIE.finditer(head))
    return all(name in (b"utf-8", b"utf8") or name.startswith(b"utf-8-") for name in names)


def decode(source: bytes) -> str:
    """Source text for display (diffs), honouring a BOM or coding cookie like Python does."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return source.decode("utf-8", errors="replace")


def read_source(path: str | os.PathLike[str]) -> bytes | SourceError:
    """The file's bytes, or why they cannot be read."""
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as error:
        name = os.fspath(path)
        if isinstance(error, IsADirectoryError) or os.path.isdir(name):
            return SourceError(name, "is a folder, not a Python file")
        return SourceError(name, f"cannot read: {error.strerror or error}")
