"""Latency of the language server's diagnostics after an edit, against the command line on the
same buffer (issue 14: no slower than `check --no-cache --stdin-filename F -`).

    python benchmarks/server_latency.py [--runs 15] [--lines 3000]

Generates a handler module of about ``--lines`` lines (a handler dispatching on the event to many
helpers, two of which use heavy modules imported at module scope: two LIL001 findings), starts
`lambda-import-lint server` over stdio with pygls's client, opens the buffer, then alternates:
one edit of the buffer (a changed line in a helper), timed from `didChange` sent to the
`publishDiagnostics` for that version received; and the command line on the same text, timed as a
whole process (interpreter start-up included, as an editor plugin running the CLI pays it); then
the fix-all code action on the new text (edit included) against `check --fix` on it. Prints
min / median / max of each and of their ratios (server / CLI). Needs the `lsp` extra.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

PYTHON = sys.executable


def handler_module(lines: int) -> str:
    """A module of about ``lines`` lines: a router over helpers of 20 lines each."""
    helpers = max(2, lines // 21)
    out = ["import json", "import pandas as pd", "import requests", "", ""]
    for index in range(helpers):
        body = [f"def helper_{index}(event):", f'    """Route {index}."""', "    total = 0"]
        for step in range(15):
            body.append(f"    total += len(str(event.get('k{step}', {index})))")
        if index == 1:
            body.append("    return pd.DataFrame([event]).to_dict()")
        elif index == 2:
            body.append("    return requests.get(event['url']).text")
        else:
            body.append("    return total")
        out.extend(body + ["", ""])
    out.append("def lambda_handler(event, context):")
    out.append("    route = event.get('route')")
    for index in range(helpers):
        out.append(f"    if route == {index}:")
        out.append(f"        return helper_{index}(event)")
    out.append("    return json.dumps(event)")
    return "\n".join(out) + "\n"


def cli_seconds(folder: Path, text: str, fix: bool = False) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        [PYTHON, "-m", "lambda_import_lint", "check", *(["--fix"] if fix else []), "--no-cache", "-q",
         "--stdin-filename", "app.py", "-"],
        input=text.encode(),
        capture_output=True,
        cwd=folder,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if fix:  # the fixed buffer: pandas no longer imported before the first function
        expected = b"import pandas" not in completed.stdout.split(b"def ")[0]
    else:
        expected = completed.stdout.count(b"LIL001") == 2
    if completed.returncode != 1 or not expected:
        raise SystemExit(f"unexpected CLI result ({completed.returncode}): {completed.stdout[-500:]!r}")
    return elapsed


async def measure(folder: Path, text: str, runs: int) -> dict[str, list[float]]:
    client = LanguageClient("latency-benchmark", "1")
    published: dict[int, float] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None and len(params.diagnostics) == 2:
            published[params.version] = time.perf_counter()
            arrived.set()

    env = {**os.environ, "LAMBDA_IMPORT_LINT_CACHE_DIR": str(folder / ".cache")}
    await client.start_io(PYTHON, "-m", "lambda_import_lint", "server", cwd=str(folder), env=env)
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=folder.as_uri())
    )
    client.initialized(types.InitializedParams())
    uri = (folder / "app.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
    )
    await asyncio.wait_for(arrived.wait(), 120)  # the first check loads LibCST: not timed
    line = text.splitlines().index("    total = 0")  # the first helper's line
    times: dict[str, list[float]] = {"server": [], "cli": [], "fix_all": [], "cli_fix": []}
    for version in range(2, runs + 2):
        arrived.clear()
        new_line = f"    total = {version}"
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [
                    types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(line, 0), types.Position(line, len("    total = 0") + 3)),
                        text=new_line,
                    )
                ],
            )
        )
        while version not in published:
            await asyncio.wait_for(arrived.wait(), 120)
            arrived.clear()
        times["server"].append(published[version] - sent)
        edited = text.splitlines(keepends=True)
        edited[line] = new_line + "\n"
        text = "".join(edited)
        times["cli"].append(await asyncio.to_thread(cli_seconds, folder, text))
        # The fix-all action on the new text (this client resolves nothing: the edit comes with
        # the action) against `check --fix` printing the fixed buffer.
        started = time.perf_counter()
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(types.Position(1, 0), types.Position(1, 0)),
                context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.lambda-import-lint"]),
            )
        )
        times["fix_all"].append(time.perf_counter() - started)
        if not actions or not isinstance(actions[0], types.CodeAction) or actions[0].edit is None:
            raise SystemExit(f"no fix-all action: {actions!r}")
        times["cli_fix"].append(await asyncio.to_thread(cli_seconds, folder, text, True))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def spread(values: list[float]) -> str:
    return f"min {min(values):.3f}  median {statistics.median(values):.3f}  max {max(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--lines", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        text = handler_module(args.lines)
        (folder / "app.py").write_text(text)
        times = asyncio.run(measure(folder, text, args.runs))
    ratios = [server / cli for server, cli in zip(times["server"], times["cli"])]
    fix_ratios = [server / cli for server, cli in zip(times["fix_all"], times["cli_fix"])]
    print(f"buffer: {len(text.splitlines())} lines, {args.runs} edits, alternating server and CLI")
    print(f"server, didChange → publishDiagnostics (s):       {spread(times['server'])}")
    print(f"check --no-cache --stdin-filename F - (s):         {spread(times['cli'])}")
    print(f"ratio server / CLI:                                {spread(ratios)}")
    print(f"server, fix-all code action with its edit (s):     {spread(times['fix_all'])}")
    print(f"check --fix --no-cache --stdin-filename F - (s):   {spread(times['cli_fix'])}")
    print(f"ratio server / CLI:                                {spread(fix_ratios)}")


if __name__ == "__main__":
    main()
