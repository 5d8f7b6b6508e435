"""The whole-run record: a run like the last one, over files that are all as they were, prints what
that run printed without reading them; any change to what it read makes it read them again."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable

import pytest

from lambda_import_lint.batch import cache, runner
from lambda_import_lint.cli import main
from lambda_import_lint.rules.registry import RULES

SOURCE = RULES["LIL001"].invalid[0].source  # LIL001 on `import pandas as pd`
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: worker.{function}
      Runtime: python3.12
      Events:
        Post:
          Type: Api
          Properties: {{Path: /work, Method: post}}
"""
# Not handler-shaped: checked only when a template declares `run`.
WORKER = "import pandas as pd\n\n\ndef run(payload, ctx):\n    if payload:\n        return pd.DataFrame(payload)\n    return None\n"
# A handler importing a local module: LIL004 once that module imports a heavy one at module scope.
USES = "import helpers\n\n\ndef handler(event, context):\n    if event['body']:\n        return helpers.run(event)\n    return None\n"
# Small enough for these tests, and still well above the timestamp granularity of the filesystems
# tests run on (a kernel tick): the mechanism is the one a run uses, with a shorter wait.
SETTLE_NS = 200_000_000


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(SOURCE)
    (tmp_path / "src" / "worker.py").write_text(WORKER)
    (tmp_path / "src" / "helpers.py").write_text("import json\n\n\ndef run(event):\n    return json.dumps(event)\n")
    (tmp_path / "src" / "uses.py").write_text(USES)
    (tmp_path / "template.yaml").write_text(TEMPLATE.format(function="other"))
    return tmp_path


def _counting_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files each run that read its files checked (a replayed run does not call it)."""
    runs: list[int] = []
    real = runner.run

    def counting(tasks, *args, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(len(tasks))
        return real(tasks, *args, **kwargs)

    monkeypatch.setattr(runner, "run", counting)
    return runs


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[tuple[str, str]], str]:
    status = main(["check", "--format", "json", *args])
    captured = capsys.readouterr()
    findings = [(Path(str(f["path"])).name, str(f["code"])) for f in json.loads(captured.out)]
    return status, findings, captured.err


def _settle() -> None:
    """Wait until every file written so far is old enough for a run to be recorded."""
    time.sleep(SETTLE_NS / 1e9 * 1.5)


def _same_size_edit(project: Path, keep_mtime: bool) -> None:
    app = project / "src" / "app.py"
    before = app.stat()
    app.write_text(SOURCE.replace("pandas", "pandaz"))  # not heavy: no finding, same size
    assert app.stat().st_size == before.st_size
    if keep_mtime:  # only the change time (and the content) tells
        os.utime(app, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert app.stat().st_mtime_ns == before.st_mtime_ns


def _new_folder_with(folder: Path, template: str) -> None:
    folder.mkdir()
    (folder / "template.yaml").write_text(template)


def _template_edit(project: Path) -> None:
    (project / "template.yaml").write_text(TEMPLATE.format(function="run"))


APP = [("app.py", "LIL001")]
HEAVY_HELPERS = "import pandas\n\n\ndef run(event):\n    return pandas.DataFrame(event)\n"
Change = Callable[[Path], object]
CHANGES: dict[str, tuple[Change, list[str], list[tuple[str, str]], list[tuple[str, str]]]] = {
    # change, the paths checked, the findings before, the findings the next run must give
    "same-size-edit": (lambda project: _same_size_edit(project, keep_mtime=False), ["."], APP, []),
    "same-size-edit-same-mtime": (lambda project: _same_size_edit(project, keep_mtime=True), ["."], APP, []),
    "new-file": (lambda project: (project / "src" / "new.py").write_text(SOURCE), ["."], APP, [*APP, ("new.py", "LIL001")]),
    "deleted-file": (lambda project: (project / "src" / "app.py").unlink(), ["."], APP, []),
    "template-edited": (_template_edit, ["."], APP, [*APP, ("worker.py", "LIL001")]),
    "local-module-edited": (
        lambda project: (project / "src" / "helpers.py").write_text(HEAVY_HELPERS), ["."], APP,
        [*APP, ("uses.py", "LIL004")],
    ),
    # The only file checked is unchanged: what its result read (a local module) is not.
    "dependency-edited": (
        lambda project: (project / "src" / "helpers.py").write_text(HEAVY_HELPERS), ["src/uses.py"], [],
        [("uses.py", "LIL004")],
    ),
    # Seen only in the listing of a folder: a new folder holding a template that declares `run`.
    "new-deployment-folder": (
        lambda project: _new_folder_with(project / "infra", TEMPLATE.format(function="run").replace("src/", "../src/")),
        ["."], APP, [*APP, ("worker.py", "LIL001")],
    ),
    "config-edited": (
        lambda project: (project / "pyproject.toml").write_text('[tool.lambda-import-lint]\nignore = ["LIL001"]\n'),
        ["."], APP, [],
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_record_is_replayed_until_anything_it_read_changes(  # type: ignore[no-untyped-def]
    project: Path, capsys, monkeypatch, change: str
) -> None:
    apply, paths, before, after = CHANGES[change]
    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    _settle()
    first = _check(capsys, *paths)
    assert first[1] == before
    assert _check(capsys, *paths) == first
    assert len(runs) == 1  # the second run was answered by the first one's record
    apply(project)
    assert _check(capsys, *paths)[1] == after
    assert len(runs) == 2  # read again
    # The changed run is recorded in turn (once its files have settled) and replayed.
    _settle()
    again = _check(capsys, *paths)
    assert again[1] == after
    read = len(runs)
    assert _check(capsys, *paths) == again and len(runs) == read


NEEDS = "import {module}\n\n\ndef handler(event, context):\n    if event['body']:\n        return {module}.run(event)\n    return None\n"


@pytest.mark.parametrize(
    ("module", "files"),
    [
        pytest.param("toolbox", ["toolbox.py"], id="a-module"),
        pytest.param("kit.tools", ["kit/__init__.py", "kit/tools.py"], id="a-package"),
    ],
)
def test_a_local_module_appearing_where_an_import_found_none_is_noticed(  # type: ignore[no-untyped-def]
    project: Path, capsys, monkeypatch, module: str, files: list[str]
) -> None:
    """An import no local file answered (`toolbox.py`, `toolbox/__init__.py`, … tried in each folder
    up to the project's root): once the file is there, its import of pandas is followed. Checked
    with the one file as the path, whose listing alone the walk compares: the record must ask
    again whether the files are there, not only whether the folders above them changed."""
    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    (project / "src" / "needs.py").write_text(NEEDS.format(module=module))
    _settle()
    first = _check(capsys, "src/needs.py")
    assert first[1] == [] and len(runs) == 1
    assert _check(capsys, "src/needs.py") == first and len(runs) == 1
    for name in files:
        (project / "src" / name).parent.mkdir(exist_ok=True)
        (project / "src" / name).write_text(HEAVY_HELPERS if name.endswith("tools.py") or name == "toolbox.py" else "")
    assert _check(capsys, "src/needs.py")[1] == [("needs.py", "LIL004")]
    assert len(runs) == 2


def test_a_replayed_run_walks_nothing_until_a_folder_it_listed_changes(project: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every folder the first run listed, and every file it read, as they were: the record answers
    before any walk. A folder no walk lists (excluded) may change; a listed one may not."""
    from lambda_import_lint import cli

    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    walks: list[int] = []
    real_walk = cli._walk
    monkeypatch.setattr(cli, "_walk", lambda *args: walks.append(1) or real_walk(*args))
    (project / "node_modules").mkdir()
    _settle()
    first = _check(capsys, ".")
    assert (len(runs), len(walks)) == (1, 1)
    (project / "node_modules" / "lib.py").write_text(SOURCE)  # excluded: never listed
    _settle()
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (1, 1)  # answered before any walk
    (project / "src" / "notes.txt").write_text("")  # in a listed folder
    _settle()
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (2, 2)  # walked (and read: the fix's safety searched src/)
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (2, 2)


def test_a_record_answering_after_the_walk_is_renewed_with_the_folders_it_found(  # type: ignore[no-untyped-def]
    project: Path, capsys, monkeypatch
) -> None:
    """A listed folder changed in a way no result depends on (a file that is not Python, the cache
    folder created in the project): the walk finds the same files and the record answers; it is then
    kept with the folders as they are now, so the next run is answered before any walk again."""
    from lambda_import_lint import cli

    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    walks: list[int] = []
    real_walk = cli._walk
    monkeypatch.setattr(cli, "_walk", lambda *args: walks.append(1) or real_walk(*args))
    # Nothing reported: no fix whose safety searches the project (that search depends on its folders).
    (project / "src" / "app.py").write_text("import json\n\n\ndef handler(event, context):\n    return json.dumps(event)\n")
    (project / "docs").mkdir()
    _settle()
    first = _check(capsys, ".")
    assert first[1] == [] and (len(runs), len(walks)) == (1, 1)
    (project / "docs" / "notes.txt").write_text("")
    _settle()
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (1, 2)  # walked, then answered by the record
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (1, 2)  # answered before any walk
    (project / "docs" / "more.txt").write_text("")  # changed again, within RACY_NS of the run
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (1, 3)  # not renewed: the folder might change again unseen
    _settle()
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (1, 4)  # walked, and renewed
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (1, 4)


def test_a_folder_above_a_project_without_markers_matters_only_by_its_deployment_files(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """No pyproject.toml or .git: the folders above the project are listed for deployment files up
    to the filesystem root (`/tmp` among them, whose times change all the time). A record checks
    what of them a run reads, their candidates and markers, not their times."""
    from lambda_import_lint import cli

    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    walks: list[int] = []
    real_walk = cli._walk
    monkeypatch.setattr(cli, "_walk", lambda *args: walks.append(1) or real_walk(*args))
    outer = tmp_path / "outer"
    (outer / "proj" / "src").mkdir(parents=True)
    (outer / "proj" / "src" / "app.py").write_text(SOURCE)
    (outer / "proj" / "src" / "worker.py").write_text(WORKER)
    monkeypatch.chdir(outer / "proj")
    _settle()
    first = _check(capsys, ".")
    assert first[1] == APP and (len(runs), len(walks)) == (1, 1)
    (outer / "notes.txt").write_text("")
    _settle()
    assert _check(capsys, ".") == first
    assert (len(runs), len(walks)) == (1, 1)  # answered before any walk
    (outer / "template.yaml").write_text(TEMPLATE.format(function="run").replace("src/", "proj/src/"))
    assert _check(capsys, ".")[1] == [*APP, ("worker.py", "LIL001")]
    assert (len(runs), len(walks)) == (2, 2)


def test_a_replayed_run_prints_what_the_first_one_printed(project: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Warnings (a declared function the file lacks), the summary and the exit status, in each format."""
    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    _settle()
    for arguments, warned in (
        (["."], True), (["--format", "sarif", "."], True), (["-q", "src"], False), (["--exit-zero", "src/app.py"], False)
    ):
        first = main(["check", *arguments]), capsys.readouterr()
        second = main(["check", *arguments]), capsys.readouterr()
        assert second == first
        assert ("has no function `other`" in first[1].err) == warned
    assert len(runs) == 4


def test_files_changed_just_before_a_run_are_not_recorded(project: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file changed within RACY_NS of a run could change again without its status showing it:
    such a run records nothing, and the next one reads every file again."""
    runs = _counting_runs(monkeypatch)
    first = _check(capsys, ".")
    assert _check(capsys, ".") == first
    assert len(runs) == 2


def test_fixes_stdin_and_no_cache_are_never_replayed(project: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    _settle()
    _check(capsys, ".")
    _check(capsys, "--no-cache", ".")
    assert main(["check", "--diff", "."]) == 1
    capsys.readouterr()
    assert len(runs) == 3
    assert main(["check", "--fix", "."]) == 1
    capsys.readouterr()
    assert "pd" not in (project / "src" / "app.py").read_text().split("def ")[0]
    assert len(runs) == 4


def _records(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and len(path.name) == 64:
            try:
                entry = json.loads(path.read_bytes())
            except ValueError:
                continue
            if isinstance(entry, dict) and "units" in entry:
                found.append(path)
    return found


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda data: b"\x80\x04\x95 not json", id="garbage"),
        pytest.param(lambda data: data.replace(b'"status":', b'"status":"1","x":'), id="status-as-text"),
        pytest.param(lambda data: data.replace(b'"status":', b'"status":7,"x":'), id="unknown-status"),
        # Printed as it is, a record could send a terminal escape: only printable lines are replayed.
        pytest.param(lambda data: data.replace(b'"output":[["', b'"output":[["err","\\u001b]0;pwned\\u0007\\n"],["'),
                     id="terminal-escape"),
        pytest.param(lambda data: data.replace(b'"output":[["', b'"output":[["tty","x"],["'), id="unknown-stream"),
        pytest.param(lambda data: data.replace(b'"dependencies":[', b'"dependencies":["a\\u0000b",1,1,'), id="nul-path"),
        pytest.param(lambda data: data.replace(b'"probes":[', b'"probes":[["file","/etc/passwd",false],'),
                     id="probe-that-fails"),
        pytest.param(lambda data: data.replace(b'"states":[', b'"states":[1,'), id="states-out-of-line"),
        pytest.param(lambda data: data.replace(b'"folder_states":[', b'"folder_states":[1,'), id="folder-states-out-of-line"),
        pytest.param(lambda data: data.replace(b'"folders":[', b'"folders":["/nowhere",'), id="folder-not-there"),
    ],
)
def test_a_tampered_record_is_ignored(project: Path, capsys, monkeypatch, tamper) -> None:  # type: ignore[no-untyped-def]
    """The cache folder belongs to the linted repository: a record of any other shape, or one whose
    checks fail, is ignored (the run reads its files) and never fatal."""
    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    _settle()
    first = _check(capsys, ".")
    [record] = _records(Path(os.environ[cache.CACHE_ENVIRONMENT]))
    tampered = tamper(record.read_bytes())
    assert tampered != record.read_bytes()
    record.write_bytes(tampered)
    second = _check(capsys, ".")
    assert second == first and "Traceback" not in second[2]
    assert len(runs) == 2


def test_a_symlinked_code_folder_pointed_elsewhere_is_noticed(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Declarations name files by real path: pointing the template's code folder (a symlink) at
    another copy changes which file is the handler module, though no file the run read changed."""
    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    for name in ("code_a", "code_b"):
        (tmp_path / name).mkdir()
        # LIL003 alone: a result that depends on no other file (a LIL001 move would look for
        # references to the module in every folder, whose times the new symlink changes).
        (tmp_path / name / "worker.py").write_text("import pandas as pd\n\n\ndef run(payload: pd.DataFrame, ctx):\n    return 1\n")
    (tmp_path / "src").symlink_to("code_a", target_is_directory=True)
    (tmp_path / "template.yaml").write_text(TEMPLATE.format(function="run"))
    runs = _counting_runs(monkeypatch)
    _settle()

    def findings() -> list[str]:
        main(["check", "--format", "json", "--select", "LIL003", "."])
        return [str(f["path"]) for f in json.loads(capsys.readouterr().out)]

    assert findings() == ["code_a/worker.py"]
    assert findings() == ["code_a/worker.py"] and len(runs) == 1  # replayed
    (tmp_path / "src").unlink()
    (tmp_path / "src").symlink_to("code_b", target_is_directory=True)
    assert findings() == ["code_b/worker.py"]
    assert len(runs) == 2


def test_records_are_bounded_and_never_answer_another_run(project: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A hook checking a different list of files each time must not grow the cache by a record a
    run: records share RUN_SLOTS entries per configuration and folder; a run finding another
    run's record in its slot reads its files."""
    monkeypatch.setattr(cache, "RACY_NS", SETTLE_NS)
    runs = _counting_runs(monkeypatch)
    _settle()
    for jobs in range(1, 21):  # twenty command lines
        main(["check", "-q", "--jobs", str(jobs), "."])
    capsys.readouterr()
    assert len(_records(Path(os.environ[cache.CACHE_ENVIRONMENT]))) <= cache.RUN_SLOTS
    monkeypatch.setattr(cache, "RUN_SLOTS", 1)
    full = main(["check", "."]), capsys.readouterr()
    quiet = main(["check", "-q", "."]), capsys.readouterr()  # the same configuration: the same slot
    assert quiet[1].err != full[1].err
    assert main(["check", "."]) == full[0] and capsys.readouterr() == full[1]
    assert len(runs) == 23  # the last run found the quiet run's record in the one slot: read again
    assert main(["check", "."]) == full[0] and capsys.readouterr() == full[1]
    assert len(runs) == 23  # and recorded over it: replayed now
