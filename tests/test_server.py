"""The language server end to end: a real server process driven over stdio by pytest-lsp's client,
its answers compared with what the command line does to the same text."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import AsyncIterator, Sequence

import pytest
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "lambda_import_lint", "server"]
FIX_ALL = "source.fixAll.lambda-import-lint"

# One LIL001 (pandas on one branch) whose fix is safe.
BRANCHY = textwrap.dedent(
    """\
    import json
    import pandas as pd


    def lambda_handler(event, context):
        if event["queryStringParameters"].get("report"):
            return pd.DataFrame(event["rows"]).to_dict()
        return json.dumps(event)
    """
)

# Two findings: pandas and requests, each needed on one branch only.
TWO = textwrap.dedent(
    """\
    import pandas as pd
    import requests


    def lambda_handler(event, context):
        if event["queryStringParameters"].get("report"):
            return pd.DataFrame(event["rows"]).to_dict()
        if event["queryStringParameters"].get("url"):
            return requests.get(event["url"]).text
        return None
    """
)


def capabilities(
    pull: bool = False, encodings: Sequence[str] | None = None, resolve: bool = False
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=list(encodings)) if encodings else None,
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
                    )
                ),
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None,
            ),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
        ),
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True) if pull else None,
        ),
    )


class Client(LanguageClient):
    """pytest-lsp's client, which also keeps every publishDiagnostics in order (its own keeps the
    last per file, and waiting for the next one misses those sent before the wait began)."""

    published: list[types.PublishDiagnosticsParams]
    registrations: list[types.Registration]


def make_client() -> Client:
    client = Client(converter_factory=default_converter)
    client.published = []
    client.registrations = []
    features = dict(DEFAULT_CLIENT_FEATURES)

    def publish(client: Client, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    def register(client: Client, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    return client


@contextlib.asynccontextmanager
async def session(
    root: Path,
    pull: bool = False,
    encodings: Sequence[str] | None = None,
    options: object = None,
    resolve: bool = False,
) -> AsyncIterator[tuple[Client, types.InitializeResult]]:
    client = make_client()
    env = {**os.environ, "LAMBDA_IMPORT_LINT_CACHE_DIR": str(root / ".cache")}
    await client.start_io(*SERVER, cwd=str(root), env=env)
    try:
        result = await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities(pull, encodings, resolve),
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="project")],
                initialization_options=options,
            )
        )
        yield client, result
        await asyncio.wait_for(client.shutdown_session(), timeout=30)
    finally:
        server = client._server
        if server is not None and server.returncode is None:
            server.kill()  # a failed test did not shut it down
        await client.stop()


def open_document(client: Client, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text))
    )
    return uri


def change_document(client: Client, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics_for(client: Client, uri: str, version: int | None = None) -> list[types.Diagnostic]:
    """The first diagnostics published for ``uri`` (for ``version``, when given) not yet taken."""
    async def published() -> list[types.Diagnostic]:
        while True:
            for position, params in enumerate(client.published):
                if params.uri == uri and (version is None or params.version == version):
                    del client.published[: position + 1]
                    return list(params.diagnostics)
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(published(), timeout=60)


def apply(text: str, edit: types.WorkspaceEdit) -> str:
    """Apply a WorkspaceEdit's text edits to ``text``, as an editor does (later edits first)."""
    edits: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit)
        edits.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    for changes in (edit.changes or {}).values():
        edits.extend(changes)
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: types.Position) -> int:  # UTF-16 units; the texts here are ASCII
        if position.line >= len(lines):
            return len(text)
        return offsets[position.line] + position.character

    for edit_ in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit_.range.start)] + edit_.new_text + text[offset(edit_.range.end):]
    return text


def cli_fix(root: Path, name: str, text: str, *flags: str) -> str:
    """What `check --fix --stdin-filename NAME -` prints for ``text``."""
    completed = subprocess.run(
        [sys.executable, "-m", "lambda_import_lint", "check", "--fix", *flags, "--no-cache", "--stdin-filename", name, "-"],
        input=text.encode(),
        capture_output=True,
        cwd=root,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return completed.stdout.decode()


async def actions(
    client: Client, uri: str, line: int, only: Sequence[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(line, 0), types.Position(line, 0)),
            context=types.CodeActionContext(diagnostics=[], only=list(only) if only is not None else None),
        )
    )
    return [action for action in result or [] if isinstance(action, types.CodeAction)]


@pytest.mark.asyncio
async def test_diagnostics_quick_fix_and_clearing(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(BRANCHY)
    async with session(tmp_path) as (client, result):
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
        uri = open_document(client, path, BRANCHY)
        diagnostics = await diagnostics_for(client, uri)
        assert [(d.code, d.range.start.line, d.source, d.severity) for d in diagnostics] == [
            ("LIL001", 1, "lambda-import-lint", types.DiagnosticSeverity.Warning)
        ]
        assert diagnostics[0].code_description is not None
        assert diagnostics[0].code_description.href.endswith("/docs/rules/LIL001.md")

        found = await actions(client, uri, 1)
        quick = [a for a in found if a.kind == types.CodeActionKind.QuickFix and not a.title.startswith("Ignore")]
        assert len(quick) == 1 and quick[0].is_preferred
        assert quick[0].edit is not None
        fixed = apply(BRANCHY, quick[0].edit)
        assert fixed == cli_fix(tmp_path, "app.py", BRANCHY)
        assert "    if event[\"queryStringParameters\"].get(\"report\"):\n        import pandas as pd\n" in fixed

        change_document(client, uri, fixed, 2)
        assert await diagnostics_for(client, uri, 2) == []

        change_document(client, uri, BRANCHY, 3)
        assert len(await diagnostics_for(client, uri, 3)) == 1
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
        assert await diagnostics_for(client, uri) == []


@pytest.mark.asyncio
async def test_fix_all_equals_check_fix(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(TWO)
    async with session(tmp_path) as (client, _):
        uri = open_document(client, path, TWO)
        assert len(await diagnostics_for(client, uri)) == 2
        found = await actions(client, uri, 0, only=[types.CodeActionKind.SourceFixAll])
        assert [a.kind for a in found] == [FIX_ALL]
        assert found[0].edit is not None
        expected = cli_fix(tmp_path, "app.py", TWO)
        assert expected != TWO
        assert apply(TWO, found[0].edit) == expected
        # Each quick fix in turn comes to the same text.
        text, version = TWO, 1
        for _ in range(2):
            quick = [a for a in await actions(client, uri, 0) + await actions(client, uri, 1)
                     if a.kind == types.CodeActionKind.QuickFix and not a.title.startswith("Ignore")]
            assert quick and quick[0].edit is not None
            text = apply(text, quick[0].edit)
            version += 1
            change_document(client, uri, text, version)
            await diagnostics_for(client, uri, version)
        assert text == expected


@pytest.mark.asyncio
async def test_noqa_action_adds_and_extends(tmp_path: Path) -> None:
    source = TWO.replace("import requests\n", "import requests  # noqa: E401\n")
    path = tmp_path / "app.py"
    path.write_text(source)
    async with session(tmp_path) as (client, _):
        uri = open_document(client, path, source)
        assert len(await diagnostics_for(client, uri)) == 2
        ignore = [a for a in await actions(client, uri, 1) if a.title == "Ignore LIL001 on this line"]
        assert len(ignore) == 1 and ignore[0].edit is not None
        extended = apply(source, ignore[0].edit)
        assert extended.splitlines()[1] == "import requests  # noqa: E401, LIL001"
        ignore = [a for a in await actions(client, uri, 0) if a.title == "Ignore LIL001 on this line"]
        assert ignore[0].edit is not None
        added = apply(extended, ignore[0].edit)
        assert added.splitlines()[0] == "import pandas as pd  # noqa: LIL001"
        change_document(client, uri, added, 2)
        assert await diagnostics_for(client, uri, 2) == []


@pytest.mark.asyncio
async def test_syntax_error_mid_typing_gives_no_stale_fix(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(BRANCHY)
    broken = BRANCHY.replace("return json.dumps(event)", "return json.dumps(event")
    async with session(tmp_path) as (client, _):
        uri = open_document(client, path, BRANCHY)
        assert len(await diagnostics_for(client, uri)) == 1
        change_document(client, uri, broken, 2)
        assert await diagnostics_for(client, uri, 2) == []
        assert await actions(client, uri, 1) == []
        change_document(client, uri, BRANCHY, 3)
        assert len(await diagnostics_for(client, uri, 3)) == 1
        assert any(a.kind == FIX_ALL for a in await actions(client, uri, 1))


@pytest.mark.asyncio
async def test_configuration_change_is_picked_up(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(BRANCHY)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.lambda-import-lint]\ndefer = "conditional"\n')
    async with session(tmp_path) as (client, _):
        uri = open_document(client, path, BRANCHY)
        assert len(await diagnostics_for(client, uri)) == 1
        pyproject.write_text('[tool.lambda-import-lint]\nignore = ["LIL001"]\n')
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams([types.FileEvent(pyproject.as_uri(), types.FileChangeType.Changed)])
        )
        assert await diagnostics_for(client, uri) == []
        # A deployment file declaring SnapStart turns the advice around: nothing to defer.
        pyproject.write_text("[tool.lambda-import-lint]\n")
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(pyproject.as_uri())))
        assert [d.code for d in await diagnostics_for(client, uri)] == ["LIL001"]
        (tmp_path / "template.yaml").write_text(
            textwrap.dedent(
                """\
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.lambda_handler
                      Runtime: python3.12
                      SnapStart:
                        ApplyOn: PublishedVersions
                """
            )
        )
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent((tmp_path / "template.yaml").as_uri(), types.FileChangeType.Created)]
            )
        )
        assert await diagnostics_for(client, uri) == []


@pytest.mark.asyncio
async def test_pull_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(BRANCHY)
    async with session(tmp_path, pull=True) as (client, result):
        assert result.capabilities.diagnostic_provider is not None
        uri = open_document(client, path, BRANCHY)
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert [d.code for d in report.items] == ["LIL001"]
        assert uri not in client.diagnostics  # nothing pushed to a client that pulls


@pytest.mark.parametrize(
    ("encodings", "negotiated"),
    [
        (None, types.PositionEncodingKind.Utf16),
        ([types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8], types.PositionEncodingKind.Utf8),
        ([types.PositionEncodingKind.Utf32, types.PositionEncodingKind.Utf16], types.PositionEncodingKind.Utf16),
    ],
    ids=["default-utf16", "utf8-when-offered", "utf32-not-chosen"],
)
@pytest.mark.asyncio
async def test_position_encoding(tmp_path: Path, encodings: list[str] | None, negotiated: str) -> None:
    # Before the reported name on the same line, a character outside the BMP (2 UTF-16 units,
    # 4 UTF-8 bytes); inside it, one in the BMP (1 unit, 2 bytes).
    source = BRANCHY.replace("import pandas as pd", 'x = "😀"; import pandas as pé').replace("pd.", "pé.")
    path = tmp_path / "app.py"
    path.write_text(source, encoding="utf-8")

    def units(text: str) -> int:
        if negotiated == types.PositionEncodingKind.Utf8:
            return len(text.encode("utf-8"))
        return len(text.encode("utf-16-le")) // 2

    async with session(tmp_path, encodings=encodings) as (client, result):
        assert result.capabilities.position_encoding == negotiated
        uri = open_document(client, path, source)
        [diagnostic] = await diagnostics_for(client, uri)
        line = source.splitlines()[1]
        start, end = line.index("pandas"), line.index("pé") + len("pé")
        assert diagnostic.range == types.Range(types.Position(1, units(line[:start])), types.Position(1, units(line[:end])))
        # The fix moves the whole statement line, emoji and all, like `check --fix`.
        [fix_all] = await actions(client, uri, 1, only=[FIX_ALL])
        assert fix_all.edit is not None
        assert apply(source, fix_all.edit) == cli_fix(tmp_path, "app.py", source)


@pytest.mark.asyncio
async def test_edits_resolved_when_the_client_asks_for_them(tmp_path: Path) -> None:
    """A client that resolves actions gets them at once, and each edit when the user picks it."""
    path = tmp_path / "app.py"
    path.write_text(TWO)
    async with session(tmp_path, resolve=True) as (client, _):
        uri = open_document(client, path, TWO)
        assert len(await diagnostics_for(client, uri)) == 2
        found = await actions(client, uri, 0)
        fixes = [a for a in found if not a.title.startswith("Ignore")]
        assert [a.kind for a in fixes] == [types.CodeActionKind.QuickFix, FIX_ALL]
        assert all(a.edit is None and a.data is not None for a in fixes)
        resolved = await client.code_action_resolve_async(fixes[1])
        assert resolved.edit is not None
        assert apply(TWO, resolved.edit) == cli_fix(tmp_path, "app.py", TWO)
        one = await client.code_action_resolve_async(fixes[0])
        assert one.edit is not None and "import pandas" not in apply(TWO, one.edit).splitlines()[0]
        # Once the buffer has changed, an action offered before it resolves to no edit.
        change_document(client, uri, TWO.replace("return None", "return 0"), 2)
        await diagnostics_for(client, uri, 2)
        assert (await client.code_action_resolve_async(fixes[0])).edit is None


# An unused heavy import: LIL002, whose fix (removing it) is unsafe.
UNUSED = "import pandas\n\n\ndef lambda_handler(event, context):\n    return event\n"


@pytest.mark.parametrize("asked", ["option", "setting", "no"])
@pytest.mark.asyncio
async def test_unsafe_fixes_only_when_asked(tmp_path: Path, asked: str) -> None:
    path = tmp_path / "app.py"
    path.write_text(UNUSED)
    if asked == "setting":
        (tmp_path / "pyproject.toml").write_text("[tool.lambda-import-lint]\nunsafe-fixes = true\n")
    options = {"unsafeFixes": True} if asked == "option" else None
    async with session(tmp_path, options=options) as (client, _):
        uri = open_document(client, path, UNUSED)
        assert [d.code for d in await diagnostics_for(client, uri)] == ["LIL002"]
        found = await actions(client, uri, 0)
        fixes = [a for a in found if not a.title.startswith("Ignore")]
        assert any(a.title == "Ignore LIL002 on this line" for a in found)
        if asked == "no":
            assert fixes == []
            return
        assert [a.kind for a in fixes] == [types.CodeActionKind.QuickFix, FIX_ALL]
        assert fixes[0].title.endswith("(unsafe)") and not fixes[0].is_preferred
        expected = cli_fix(tmp_path, "app.py", UNUSED, "--unsafe-fixes")
        assert "import pandas" not in expected
        for action in fixes:
            assert action.edit is not None and apply(UNUSED, action.edit) == expected


@pytest.mark.asyncio
async def test_a_bad_setting_is_shown_and_nothing_reported(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(BRANCHY)
    (tmp_path / "pyproject.toml").write_text('[tool.lambda-import-lint]\nselect = ["LIL999"]\n')
    async with session(tmp_path) as (client, _):
        uri = open_document(client, path, BRANCHY)
        assert await diagnostics_for(client, uri) == []
        assert any("LIL999" in message.message for message in client.messages)
        assert client.messages[0].type == types.MessageType.Error


def test_server_version_and_help() -> None:
    version = subprocess.run([*SERVER[:-1], "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("lambda-import-lint ")
    helped = subprocess.run([*SERVER, "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0 and "--stdio" in helped.stdout
    own = subprocess.run([*SERVER, "--version"], capture_output=True, text=True, check=True)
    assert own.stdout == version.stdout


def test_server_leaves_when_its_client_goes() -> None:
    """stdin closed without `exit`: the server stops instead of waiting for ever."""
    completed = subprocess.run([*SERVER], capture_output=True, stdin=subprocess.DEVNULL, timeout=60, check=False)
    assert completed.returncode in (0, 1) and completed.stdout == b""


def test_server_without_pygls_exits_2_with_the_install_command(tmp_path: Path) -> None:
    # A module finder placed first on the path that refuses pygls, as an environment without the
    # extra would.
    (tmp_path / "sitecustomize.py").write_text(
        textwrap.dedent(
            """\
            import sys

            class NoPygls:
                def find_spec(self, name, path=None, target=None):
                    if name.split(".")[0] in ("pygls", "lsprotocol"):
                        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                    return None

            sys.meta_path.insert(0, NoPygls())
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    completed = subprocess.run([*SERVER], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert completed.returncode == 2
    assert "pip install 'lambda-import-lint[lsp]'" in completed.stderr
    assert "pygls" in completed.stderr or "lsprotocol" in completed.stderr
    assert completed.stdout == ""
    helped = subprocess.run([*SERVER, "--help"], capture_output=True, text=True, env=env)
    assert helped.returncode == 0 and "--stdio" in helped.stdout
