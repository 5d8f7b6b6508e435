"""``lambda-import-lint server``: the language server, an adapter like ``cli.py``.

The protocol needs pygls (the ``lsp`` extra), so the command line and the flake8 plugin stay lean:
this module only checks that it is installed; ``server/protocol.py`` is the server itself.
"""

from __future__ import annotations

import sys

INSTALL = "python -m pip install 'lambda-import-lint[lsp]'"


def main() -> int:
    """Serve over stdin/stdout until the client says exit; 2 without the ``lsp`` extra."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError as error:
        print(
            f"lambda-import-lint: error: the language server needs the `lsp` extra ({error.name} is missing): "
            f"{INSTALL}",
            file=sys.stderr,
        )
        return 2
    from lambda_import_lint.server.protocol import serve

    return serve()
