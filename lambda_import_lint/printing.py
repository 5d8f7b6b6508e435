"""Text read from the project, made safe to print: every stage that prints a file name uses this."""

from __future__ import annotations

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, keep: str = "") -> str:
    """``text`` with every non-printable character escaped (``\\n``, ``\\x1b``, ``\\u202e``…) but
    those in ``keep``: a file name (or a message quoting one) cannot start a new output line,
    rewrite one with a carriage return, or send a terminal escape sequence."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char in keep else _ESCAPES.get(char) or repr(char)[1:-1] for char in text
    )
