"""The language server (pygls over stdio): diagnostics for open buffers, quick fixes, fix-all and
``# noqa`` actions, with the analysis and the configuration of ``check``.

Diagnostics are pushed (``publishDiagnostics``) shortly after each change, or pulled
(``textDocument/diagnostic``) when the client can; either way a buffer is checked once per text.
Analyses run one at a time on a worker thread (the engine pauses the process's cycle collector
while it works, and the memos of other files it reads are per process), so the protocol keeps
reading while a large module is analysed. A fix is computed for the text the client shows: when
the buffer changed in between, no action is offered rather than a stale one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from typing import Any, Callable, Generator, Sequence, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from lambda_import_lint import __version__
from lambda_import_lint.discovery.candidates import is_candidate
from lambda_import_lint.engine.suppression import with_noqa
from lambda_import_lint.fixes.edits import line_edits, split_lines
from lambda_import_lint.output.reporters import rule_url
from lambda_import_lint.rules.base import Finding
from lambda_import_lint.server.workspace import Linted, Project, fix_all, fix_one

NAME = "lambda-import-lint"
FIX_ALL = "source.fixAll.lambda-import-lint"
DEBOUNCE_SECONDS = 0.05  # after the last change, before a pushed check (the issue allows 100 ms)
WATCHED = ("**/pyproject.toml", "**/*.{yml,yaml,json,tf,template}", "**/Dockerfile*", "**/*.py")

T = TypeVar("T")


class _Protocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        # UTF-16 is every client's default; UTF-8 (Neovim, Helix, Zed offer it) spares the client
        # a conversion. pygls would take the client's first choice, UTF-32 included.
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            utf8, utf16 = types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16
            general.position_encodings = [utf8 if utf8 in general.position_encodings else utf16]
        return (yield from super().lsp_initialize(params))


class LintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(NAME, __version__, protocol_cls=_Protocol)
        self.project = Project()
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.analyses = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="lil-analysis")
        self.unsafe_fixes = False  # initializationOptions: {"unsafeFixes": true}
        self.shown: set[str] = set()

    # What the client can do.
    def pulls(self) -> bool:
        document = self.client_capabilities.text_document
        return document is not None and document.diagnostic is not None

    def refreshes(self) -> bool:
        workspace = self.client_capabilities.workspace
        diagnostics = workspace.diagnostics if workspace is not None else None
        return bool(diagnostics is not None and diagnostics.refresh_support)

    def resolves_edits(self) -> bool:
        document = self.client_capabilities.text_document
        action = document.code_action if document is not None else None
        support = action.resolve_support if action is not None else None
        return bool(support is not None and "edit" in support.properties)

    def versioned_edits(self) -> bool:
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace is not None else None
        return bool(edit is not None and edit.document_changes)

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return encoding.value if isinstance(encoding, types.PositionEncodingKind) else encoding

    # Checking buffers.
    def document(self, uri: str) -> TextDocument | None:
        document: TextDocument | None = self.workspace.text_documents.get(uri)
        if document is None or not uri.startswith("file:"):
            return None
        if document.language_id not in (None, "", "python") and not uri.endswith((".py", ".pyi")):
            return None
        return document

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.analyses, function, *args)

    async def lint(self, uri: str) -> Linted | None:
        """The buffer's findings, checked once per text."""
        document = self.document(uri)
        if document is None:
            return None
        text = document.source
        cached = self.linted.get(uri)
        if cached is not None and cached.text == text:
            return cached
        linted = await self.run(self.project.lint, to_fs_path(uri) or uri, text)
        if uri in self.workspace.text_documents:
            self.linted[uri] = linted
        self.tell(linted)
        return linted

    def tell(self, linted: Linted) -> None:
        """Configuration problems once each on the screen; a buffer that does not parse only in
        the log (it is mid-typing, and other tools point at the syntax error)."""
        messages = [(types.MessageType.Warning, message) for message in self.project.messages]
        self.project.messages.clear()
        if linted.error is not None:
            config_error = linted.request is None
            messages.append((types.MessageType.Error if config_error else types.MessageType.Log, linted.error))
        for kind, message in messages:
            if kind == types.MessageType.Log:
                self.window_log_message(types.LogMessageParams(kind, f"{NAME}: {message}"))
            elif message not in self.shown:
                self.shown.add(message)
                self.window_show_message(types.ShowMessageParams(kind, f"{NAME}: {message}"))

    def diagnostics(self, linted: Linted) -> list[types.Diagnostic]:
        lines = _lines(linted.text)
        return [self.diagnostic(finding, lines) for finding in linted.findings]

    def diagnostic(self, finding: Finding, lines: Sequence[str]) -> types.Diagnostic:
        return types.Diagnostic(
            range=self.range(lines, finding.line, finding.column, finding.end_line, finding.end_column),
            message=finding.message,
            severity=types.DiagnosticSeverity.Warning,
            code=finding.code,
            code_description=types.CodeDescription(href=rule_url(finding.code)),
            source=NAME,
        )

    def range(self, lines: Sequence[str], line: int, column: int, end_line: int, end_column: int) -> types.Range:
        """A 1-based range in characters as the client counts positions."""
        return types.Range(self.position(lines, line, column), self.position(lines, end_line, end_column))

    def position(self, lines: Sequence[str], line: int, column: int) -> types.Position:
        if line - 1 >= len(lines):  # past the last line: the end of the text
            if not lines:
                return types.Position(0, 0)
            return types.Position(len(lines) - 1, _units(lines[-1], len(lines[-1]), self.encoding))
        return types.Position(line - 1, _units(lines[line - 1], column - 1, self.encoding))

    def schedule(self, uri: str, delay: float = DEBOUNCE_SECONDS) -> None:
        """Push diagnostics ``delay`` after the last change (pull clients ask themselves)."""
        if self.pulls():
            return
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(delay, lambda: loop.create_task(self.publish(uri)))

    async def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        document = self.document(uri)
        if document is None:
            return
        version = document.version
        linted = await self.lint(uri)
        current = self.document(uri)
        if linted is None or current is None or current.source != linted.text:
            return  # the buffer changed meanwhile: its own check is scheduled
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=self.diagnostics(linted), version=version)
        )

    def recheck_all(self) -> None:
        """After a change on disk: every open buffer again (pull clients are asked to pull)."""
        self.linted.clear()
        if self.pulls():
            if self.refreshes():
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    def files_changed(self, paths: Sequence[str]) -> None:
        names = [os.path.basename(path) for path in paths]
        # On the analysis thread, like every use of the project: after the check under way,
        # before the checks scheduled next.
        if any(name == "pyproject.toml" or is_candidate(name) for name in names):
            self.analyses.submit(self.project.forget)
        elif any(name.endswith(".py") for name in names):
            self.analyses.submit(self.project.forget_modules)
        else:
            return
        self.recheck_all()

    # Edits.
    def workspace_edit(self, uri: str, document: TextDocument, before: str, after: str) -> types.WorkspaceEdit:
        lines = _lines(before)
        edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
            types.TextEdit(self.range(lines, edit.line, edit.column, edit.end_line, edit.end_column), edit.text)
            for edit in line_edits(before, after)
        ]
        return self.edit_of(uri, document, edits)

    def edit_of(
        self,
        uri: str,
        document: TextDocument,
        edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit],
    ) -> types.WorkspaceEdit:
        if self.versioned_edits():
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=document.version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, edits)])
        return types.WorkspaceEdit(changes={uri: [edit for edit in edits if isinstance(edit, types.TextEdit)]})

    def noqa_action(self, uri: str, document: TextDocument, linted: Linted, finding: Finding) -> types.CodeAction:
        lines = _lines(linted.text)
        number = finding.noqa_lines[1] or finding.line  # any line of the statement: its last
        text = lines[number - 1] if number - 1 < len(lines) else ""
        edit = types.TextEdit(
            self.range(lines, number, 1, number, len(text) + 1), with_noqa(text, finding.code)
        )
        return types.CodeAction(
            title=f"Ignore {finding.code} on this line",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[self.diagnostic(finding, lines)],
            edit=self.edit_of(uri, document, [edit]),
        )


def _lines(text: str) -> list[str]:
    return [line.rstrip("\r\n") for line in split_lines(text)]


def _units(line: str, column: int, encoding: str) -> int:
    """How many of the client's code units the first ``column`` characters of ``line`` take."""
    prefix = line[:column]
    if encoding == types.PositionEncodingKind.Utf8:
        return len(prefix.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(prefix)
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2


def _overlaps(a: types.Range, b: types.Range) -> bool:
    """Whether the two ranges share a line: a cursor anywhere on a diagnostic's line asks for its
    actions (Neovim sends the cursor position, not the diagnostic's range)."""
    return a.start.line <= b.end.line and b.start.line <= a.end.line


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    return only is None or any(kind == asked or kind.startswith(asked + ".") for asked in only)


server = LintServer()


@server.feature(types.INITIALIZE)
def initialize(ls: LintServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        ls.unsafe_fixes = bool(options.get("unsafeFixes", False))


def _load_analysis() -> None:
    """What every check needs (LibCST, the rules), loaded while the editor opens its first file."""
    from lambda_import_lint.rules.registry import all_rules

    all_rules()


@server.feature(types.INITIALIZED)
async def initialized(ls: LintServer, params: types.InitializedParams) -> None:
    ls.analyses.submit(_load_analysis)
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace is not None else None
    if watched is None or not watched.dynamic_registration:
        return  # saves of open files still re-read the settings
    watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
    registration = types.Registration(
        id=f"{NAME}-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as error:  # a client that refuses: saves still re-read the settings
        ls.window_log_message(types.LogMessageParams(types.MessageType.Log, f"{NAME}: no file watching: {error}"))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LintServer, params: types.DidSaveTextDocumentParams) -> None:
    path = to_fs_path(params.text_document.uri)
    if path is not None:
        ls.files_changed([path])


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    handle = ls.pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    ls.linted.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def watched_files(ls: LintServer, params: types.DidChangeWatchedFilesParams) -> None:
    paths = [to_fs_path(change.uri) for change in params.changes]
    ls.files_changed([path for path in paths if path is not None])


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier=NAME, inter_file_dependencies=True, workspace_diagnostics=False),
)
async def pull_diagnostics(ls: LintServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    linted = await ls.lint(params.text_document.uri)
    items = ls.diagnostics(linted) if linted is not None else []
    return types.RelatedFullDocumentDiagnosticReport(items=items)


def _fixed(linted: Linted, key: int | str) -> str | None:
    """The buffer after one finding's fix (``key``: its index) or after them all ("all",
    "all-unsafe")."""
    return fix_one(linted, key) if isinstance(key, int) else fix_all(linted, key == "all-unsafe")


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True),
)
async def code_actions(ls: LintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document = ls.document(uri)
    linted = await ls.lint(uri)
    if document is None or linted is None or linted.request is None or not linted.findings:
        return []
    only = params.context.only
    unsafe = ls.unsafe_fixes or linted.request.config.unsafe_fixes
    lines = _lines(linted.text)
    candidates: list[tuple[types.CodeAction, int | str]] = []  # actions whose edit is a fix
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix, only):
        for index, finding in enumerate(linted.findings):
            diagnostic = ls.diagnostic(finding, lines)
            if not _overlaps(diagnostic.range, params.range):
                continue
            if finding.fix is not None and (finding.fix.safety == "safe" or unsafe):
                title = finding.fix.title + (" (unsafe)" if finding.fix.safety == "unsafe" else "")
                action = types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=finding.fix.safety == "safe",
                )
                candidates.append((action, index))
                actions.append(action)
            actions.append(ls.noqa_action(uri, document, linted, finding))
    applicable = [f for f in linted.findings if f.fix is not None and (f.fix.safety == "safe" or unsafe)]
    if _wanted(FIX_ALL, only) and applicable:
        title = f"{NAME}: fix all" + (" (unsafe fixes included)" if unsafe else "")
        action = types.CodeAction(title=title, kind=FIX_ALL)
        candidates.append((action, "all-unsafe" if unsafe else "all"))
        actions.append(action)
    for action, key in candidates:
        if ls.resolves_edits():  # the client asks for the edit of the action the user picks
            action.data = {"uri": uri, "version": document.version, "fix": key}
            continue
        fixed = await ls.run(_fixed, linted, key)
        if fixed is None:
            actions.remove(action)  # the fix does not verify on this text
        else:
            action.edit = ls.workspace_edit(uri, document, linted.text, fixed)
    current = ls.document(uri)
    if current is None or current.source != linted.text:
        return []  # the buffer changed while the fixes were computed: they would be stale
    return actions


@server.feature(types.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: LintServer, action: types.CodeAction) -> types.CodeAction:
    """The edit of an action offered without one; none when the buffer changed since."""
    data = action.data
    if not isinstance(data, dict) or not isinstance(data.get("uri"), str):
        return action
    uri, key = data["uri"], data.get("fix")
    document = ls.document(uri)
    if document is None or document.version != data.get("version"):
        return action
    linted = await ls.lint(uri)
    if linted is None or not (key in ("all", "all-unsafe") or isinstance(key, int) and 0 <= key < len(linted.findings)):
        return action
    fixed = await ls.run(_fixed, linted, key)
    current = ls.document(uri)
    if fixed is not None and current is not None and current.source == linted.text:
        action.edit = ls.workspace_edit(uri, current, linted.text, fixed)
    return action


def serve() -> int:
    """Run until the client asks the server to exit."""
    try:
        server.start_io()
    finally:
        server.analyses.shutdown(wait=False, cancel_futures=True)
    return 0
