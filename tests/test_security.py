"""Nothing in the repository being linted runs code in the linter or makes it write outside the
project, and a killed run leaves nothing behind (issue 19). Every test here plays the attacker: a
pull request that commits cache entries, symlinks, odd file names or deployment files."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lambda_import_lint import __version__
from lambda_import_lint.batch.cache import CACHE_ENVIRONMENT, CACHEDIR_TAG, ENTRY_FORMAT, decode_entry, encode_entry
from lambda_import_lint.cli import main
from lambda_import_lint.rules.registry import RULES

SOURCE = RULES["LIL001"].invalid[0].source
CACHE = ".lambda-import-lint-cache"


class _CreatesAFile:
    """What a crafted pickle does when loaded: here, create a file; in an attack, anything."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _check(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    status = main(["check", "--format", "json", "--jobs", "1", *args])
    captured = capsys.readouterr()
    return status, json.loads(captured.out), captured.err


def _entries(folder: Path) -> list[Path]:
    """The cache's entry files (named by their 64-digit key)."""
    return [path for path in folder.rglob("*") if path.is_file() and len(path.name) == 64]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one handler module and the cache in its default place (the project's
    ``.lambda-import-lint-cache``), the working folder set to it."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    (root / "app.py").write_text(SOURCE)
    monkeypatch.delenv(CACHE_ENVIRONMENT, raising=False)
    monkeypatch.chdir(root)
    return root


def _tree(folder: Path) -> dict[str, bytes | str]:
    """Every name under ``folder`` with its content (or its link target): to see it untouched."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = "folder"
    return found


# --- the cache holds data, never code ----------------------------------------------------------


def test_a_planted_pickle_is_never_loaded(project: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    fresh = _check(["--no-cache", "app.py"], capsys)
    _check(["app.py"], capsys)
    entries = _entries(project / CACHE)
    assert entries, "the first run wrote no cache entry to plant over"
    marker = tmp_path / "pwned"
    for entry in entries:
        entry.write_bytes(pickle.dumps(_CreatesAFile(marker)))
    assert _check(["app.py"], capsys)[:2] == fresh[:2]
    assert not marker.exists()
    # The entry was rewritten as data: the next run is served from it, with the same findings.
    for entry in entries:
        assert decode_entry(entry.read_bytes(), "app.py") is not None
    assert _check(["app.py"], capsys)[:2] == fresh[:2]


def _finding_entry(**changes: object) -> bytes:
    """A well-formed entry for app.py, with some fields replaced (by position name)."""
    finding = ["LIL001", "planted", 1, 1, 1, 7, None, [1, 1], None]
    names = ["code", "message", "line", "column", "end_line", "end_column", "fix", "noqa_lines", "reason"]
    for name, value in changes.items():
        finding[names.index(name)] = value
    return json.dumps(
        {"format": ENTRY_FORMAT, "findings": [finding], "handlers": ["lambda_handler"], "parsed": True, "dependencies": []}
    ).encode()


GOOD_FIX = ["move-into-functions", "safe", "Move it", 0, [0], [], False, False, [], [[1, 1, 2, 1, "x"]]]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x80\x04\x95", id="truncated-pickle"),
        pytest.param(b'{"format": 1, "findings": [', id="truncated-json"),
        pytest.param(b"[" * 200_000 + b"]" * 200_000, id="nested-beyond-the-stack"),
        pytest.param(b"[]", id="a-list"),
        pytest.param(b'{"format": 99, "findings": [], "handlers": [], "parsed": true, "dependencies": []}', id="format"),
        pytest.param(b'{"format": 1}', id="fields-missing"),
        pytest.param(_finding_entry(line="1"), id="line-as-text"),
        pytest.param(_finding_entry(line=True), id="line-as-bool"),
        pytest.param(_finding_entry(code=["LIL001"]), id="code-as-list"),
        pytest.param(_finding_entry(noqa_lines=[1]), id="short-noqa-lines"),
        pytest.param(_finding_entry(fix=["rm -rf /", *GOOD_FIX[1:]]), id="unknown-fix-action"),
        pytest.param(_finding_entry(fix=[GOOD_FIX[0], "very", *GOOD_FIX[2:]]), id="unknown-safety"),
        pytest.param(_finding_entry(fix=[*GOOD_FIX[:9], [[1, 1, 2, 1]]]), id="short-text-edit"),
        pytest.param(_finding_entry(fix=[*GOOD_FIX[:9], [[1, 1, 2, 1, None]]]), id="edit-text-missing"),
        pytest.param(_finding_entry()[:-1] + b', "extra": {"__class__": "os.system"}}', id="unknown-key-ignored"),
        pytest.param(_finding_entry(message="x" * 50).replace(b'"dependencies": []', b'"dependencies": [["a", 1]]'),
                     id="short-dependency"),
        pytest.param(_finding_entry(message="x" * 50).replace(b'"dependencies": []', b'"dependencies": [["a\\u0000b", 1, 1]]'),
                     id="dependency-with-a-nul-byte"),
    ],
)
def test_a_malformed_entry_is_ignored_and_rewritten(project: Path, capsys, content: bytes) -> None:  # type: ignore[no-untyped-def]
    fresh = _check(["--no-cache", "app.py"], capsys)
    _check(["app.py"], capsys)
    [entry] = _entries(project / CACHE)
    entry.write_bytes(content)
    status, findings, err = _check(["app.py"], capsys)
    if content.startswith(b'{"format": %d, "findings": [["LIL001", "planted"' % ENTRY_FORMAT) and b"extra" in content:
        # Well formed apart from a key we do not read: served as data (and the key means nothing).
        assert [f["message"] for f in findings] == ["planted"]
        return
    assert (status, findings) == fresh[:2]
    assert "Traceback" not in err
    assert decode_entry(entry.read_bytes(), "app.py") is not None  # rewritten


def test_a_well_formed_entry_is_served(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The control for the tests above: the planted entries sit where the cache reads them."""
    _check(["app.py"], capsys)
    [entry] = _entries(project / CACHE)
    entry.write_bytes(_finding_entry(fix=GOOD_FIX))
    status, findings, _ = _check(["app.py"], capsys)
    assert [(f["message"], f["path"]) for f in findings] == [("planted", "app.py")]


@pytest.mark.parametrize("kind", ["fifo", "folder", "symlink"])
def test_an_entry_that_is_not_a_regular_file_is_not_read(project: Path, tmp_path: Path, capsys, kind: str) -> None:  # type: ignore[no-untyped-def]
    fresh = _check(["--no-cache", "app.py"], capsys)
    _check(["app.py"], capsys)
    [entry] = _entries(project / CACHE)
    entry.unlink()
    outside = tmp_path / "outside.json"
    outside.write_bytes(_finding_entry())
    if kind == "fifo":
        os.mkfifo(entry)  # opening it for reading would block the run
    elif kind == "folder":
        entry.mkdir()
    else:
        entry.symlink_to(outside)
    assert _check(["app.py"], capsys)[:2] == fresh[:2]
    assert outside.read_bytes() == _finding_entry()


def test_entries_round_trip_with_fixes_and_edits(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """SARIF results carry each fix's text edits: served from the cache, they are the same."""
    (tmp_path / "app.py").write_text(SOURCE)
    first = main(["check", "--format", "sarif", "--jobs", "1", str(tmp_path / "app.py")]), capsys.readouterr().out
    second = main(["check", "--format", "sarif", "--jobs", "1", str(tmp_path / "app.py")]), capsys.readouterr().out
    assert first == second and '"replacements"' in first[1]
    folder = Path(os.environ[CACHE_ENVIRONMENT])
    [entry] = _entries(folder)
    decoded = decode_entry(entry.read_bytes(), "app.py")
    assert decoded is not None
    result, dependencies = decoded
    assert result.findings[0].fix is not None and result.findings[0].fix.edits
    assert encode_entry(result, dependencies) == entry.read_bytes()


# --- the cache folder is ours or not used ------------------------------------------------------


def test_a_new_cache_folder_is_tagged_and_ignored_by_git(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _check(["app.py"], capsys)
    folder = project / CACHE
    assert (folder / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert CACHEDIR_TAG.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (folder / ".gitignore").read_text() == "*\n"
    assert _entries(folder / __version__)


def _target(tmp_path: Path) -> Path:
    """A folder outside the project that a planted symlink points at, holding what a cache would."""
    target = tmp_path / "elsewhere"
    shard = target / __version__ / "ab"
    shard.mkdir(parents=True)
    (shard / ("ab" + "0" * 62)).write_bytes(b"someone's data")
    (target / "keep.txt").write_text("not the linter's")
    return target


@pytest.mark.parametrize("clean", [False, True], ids=["check", "clean-cache"])
@pytest.mark.parametrize("where", ["cache-folder", "version-folder", "environment"])
def test_a_symlinked_cache_folder_is_not_used(  # type: ignore[no-untyped-def]
    project: Path, tmp_path: Path, capsys, monkeypatch, clean: bool, where: str
) -> None:
    fresh = _check(["--no-cache", "app.py"], capsys)
    target = _target(tmp_path)
    if where == "cache-folder":
        (project / CACHE).symlink_to(target)
    elif where == "version-folder":
        (project / CACHE).mkdir()
        (project / CACHE / __version__).symlink_to(target / __version__)
    else:
        (tmp_path / "link").symlink_to(target)
        monkeypatch.setenv(CACHE_ENVIRONMENT, str(tmp_path / "link"))
    before = _tree(target)
    for _ in range(2):
        status, findings, err = _check(["--clean-cache", "app.py"] if clean else ["app.py"], capsys)
        assert (status, findings) == fresh[:2]
        assert err.count("lambda-import-lint: warning: cache folder") == 1
        assert "is a symbolic link; running without the cache" in err
    assert _tree(target) == before


def test_a_file_where_the_cache_folder_belongs_is_left_alone(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    fresh = _check(["--no-cache", "app.py"], capsys)
    (project / CACHE).write_text("a file of the project")
    status, findings, err = _check(["--clean-cache", "app.py"], capsys)
    assert (status, findings) == fresh[:2]
    assert "is not a folder; running without the cache" in err
    assert (project / CACHE).read_text() == "a file of the project"


def test_a_symlinked_shard_folder_is_never_written_through(project: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _check(["app.py"], capsys)
    [entry] = _entries(project / CACHE)
    shard = entry.parent
    for path in shard.iterdir():
        path.unlink()
    shard.rmdir()
    target = tmp_path / "elsewhere"
    target.mkdir()
    shard.symlink_to(target)
    _, _, err = _check(["app.py"], capsys)
    assert list(target.iterdir()) == []
    assert "is a symbolic link; running without the cache" in err


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_another_users_cache_folder_is_not_used(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    fresh = _check(["--no-cache", "app.py"], capsys)
    folder = project / CACHE
    folder.mkdir()
    os.chown(folder, 54321, 54321)
    status, findings, err = _check(["--clean-cache", "app.py"], capsys)
    assert (status, findings) == fresh[:2]
    assert "belongs to another user (uid 54321); running without the cache" in err
    assert list(folder.iterdir()) == []


def test_clean_cache_deletes_only_our_entries(project: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _check(["app.py"], capsys)
    folder = project / CACHE
    [entry] = _entries(folder)
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    theirs = {
        folder / "notes.txt": "a file the linter did not write",
        entry.parent / "README": "neither is this",
        folder / "other" / ("c" * 64): "a name like an entry, in a folder not shaped like ours",
    }
    for path, text in theirs.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    (entry.parent / ("d" * 64)).symlink_to(outside)
    _check(["--clean-cache", "--no-cache", "app.py"], capsys)
    assert not entry.exists()
    assert all(path.read_text() == text for path, text in theirs.items())
    assert (entry.parent / ("d" * 64)).is_symlink() and outside.read_text() == "keep"
    assert (folder / "CACHEDIR.TAG").exists()


def test_measure_figures_follow_the_cache_folder_rules(project: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "app.py").write_text(
        "import json\n\n\ndef lambda_handler(event, context):\n    if event:\n        return json.dumps(event)\n"
    )
    (project / "pyproject.toml").write_text('[tool.lambda-import-lint]\nextend-heavy-modules = ["json"]\n')
    assert main(["report", "--measure", "--runs", "1", "app.py"]) == 0
    assert "warning" not in capsys.readouterr().err
    [figures] = (project / CACHE / "measure").iterdir()
    assert json.loads(figures.read_text()).keys() == {"json"}  # the figures of the one statement measured
    for path in sorted((project / CACHE).rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (project / CACHE).rmdir()
    target = _target(tmp_path)
    (project / CACHE).symlink_to(target)
    before = _tree(target)
    assert main(["report", "--measure", "--runs", "1", "app.py"]) == 0
    err = capsys.readouterr().err
    assert err.count("is a symbolic link; running without the cache") == 1
    assert _tree(target) == before


# --- file names are printed, never obeyed ------------------------------------------------------

# (no dot before ".py": a file named so could be no handler, `discovery.files.is_unimportable`)
EVIL_NAME = "evil\n::error file=app_py::forged\x1b[31m\r.py"


@pytest.mark.parametrize("output", ["text", "github"])
def test_a_file_name_cannot_forge_output_lines(tmp_path: Path, capsys, monkeypatch, output: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / EVIL_NAME).write_text(SOURCE)
    (tmp_path / "broken\n\x1b[2Kname.py").write_text("import pandas\n\n\ndef lambda_handler(event, context):\n    x = (\n")
    status = main(["check", "--format", output, "--jobs", "1", "."])
    captured = capsys.readouterr()
    assert status == 2
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\r" not in stream
    [line] = captured.out.splitlines()
    assert "LIL001" in line
    if output == "text":
        assert line.startswith("evil\\n::error file=app_py::forged\\x1b[31m\\r.py:")
    else:
        assert line.startswith("::warning file=evil%0A%3A%3Aerror file=app_py%3A%3Aforged\\x1b[31m%0D.py,line=")
    [error, summary] = captured.err.splitlines()
    assert error.startswith("broken\\n\\x1b[2Kname.py: error: ")


def test_rewriting_names_the_file_safely(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / EVIL_NAME
    path.write_text(SOURCE)
    assert main(["check", "--fix", "--jobs", "1", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"Rewriting {tmp_path}/evil\\n::error" in err and "\x1b" not in err
    assert len(err.splitlines()) == 2  # "Rewriting …" and the summary


# --- deployment files are data -----------------------------------------------------------------


def test_yaml_tags_build_plain_data_only(tmp_path: Path) -> None:
    from lambda_import_lint.discovery.deploy.common import yaml_load

    marker = tmp_path / "pwned"
    for attack in (
        f"a: !!python/object/apply:os.system ['touch {marker}']\n",
        f"a: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']\n",
        f"%TAG !p! tag:yaml.org,2002:python/\n---\na: !p!object/apply:os.system ['touch {marker}']\n",
    ):
        with pytest.raises(Exception, match="constructor"):
            yaml_load(attack)
    assert not marker.exists()
    data = yaml_load("a: !GetAtt F.Arn\nb: !Sub {x: !Ref Y}\nc: !Join [',', [!Ref Z]]\nd: !Anything 3\n")
    assert data == {
        "a": {"Fn::GetAtt": "F.Arn"},
        "b": {"Fn::Sub": {"x": {"Ref": "Y"}}},
        "c": {"Fn::Join": [",", [{"Ref": "Z"}]]},
        "d": {"Fn::Anything": "3"},
    }


@pytest.mark.parametrize(
    "name, content",
    [
        ("template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nGlobals: [1]\nResources:\n  F:\n    Type: x\n"),
        ("template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  F:\n"
                          "    Type: AWS::Serverless::Function\n    Properties:\n      SnapStart: on\n"
                          "      Handler: app.lambda_handler\n"),
        ("template.json", '{"Resources": {"F": {"Type": "AWS::Lambda::Alias", "Properties": [1]}}}'),
        ("template.json", '{"Resources": ' * 5000 + "{}" + "}" * 5000),
        ("serverless.yml", "provider: [1]\nfunctions: {f: {handler: app.lambda_handler, runtime: [1]}}\n"),
    ],
)
def test_a_deployment_file_of_any_shape_is_a_warning_never_a_crash(  # type: ignore[no-untyped-def]
    project: Path, capsys, name: str, content: str
) -> None:
    (project / name).write_text(content)
    status, findings, err = _check(["--no-cache", "."], capsys)
    assert status == 1 and [f["code"] for f in findings] == ["LIL001"]
    assert "Traceback" not in err


# --- report --measure imports third-party modules by name, never the project's -----------------


def test_measure_never_imports_a_local_module(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """CI often puts the checkout on PYTHONPATH; a local module of a parent folder (not the
    handler's own) must still not be imported, nor one only a relative import names."""
    marker = tmp_path / "imported"
    root = tmp_path / "project"
    function = root / "functions" / "orders"
    function.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.lambda-import-lint]\nextend-heavy-modules = ["shared", "json"]\n')
    (root / "shared.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (function / "sibling.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (function / "app.py").write_text(
        "import json\nimport shared\nfrom . import sibling\n\n\ndef lambda_handler(event, context):\n"
        "    if event:\n        return shared.run(sibling, json)\n"
    )
    monkeypatch.chdir(root)
    monkeypatch.setenv("PYTHONPATH", f"{root}{os.pathsep}{function}")
    assert main(["report", "--measure", "--runs", "1", "--format", "json", "functions/orders/app.py"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["measured"] is True
    assert not marker.exists()
    assert {item["module"]: item["ms"] for item in row["imports"]}["shared"] == 0.0


def test_measure_runs_nothing_read_from_the_source_as_code(tmp_path: Path) -> None:
    from lambda_import_lint.config import Config
    from lambda_import_lint.output.measure import measure, probe

    marker = tmp_path / "pwned"
    crafted = [f"os; open({str(marker)!r}, 'w')", "json\nimport os", "json:loads;x", "json"]
    interpreter = probe(sys.executable, "--python", tmp_path)
    result = measure(interpreter, crafted, 1, Config(folder=tmp_path), cache=False)
    assert list(result) == ["json"] and result["json"].error is None and not marker.exists()


# --- a killed run leaves nothing behind --------------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    """Running, or stopped: anything but gone or a zombie (reaped or not, a zombie holds nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


HEAVY_HANDLER = "import json\n\nimport pandas\n\n\ndef lambda_handler(event, context):\n" \
    "    if event['queryStringParameters'].get('export'):\n        return pandas.DataFrame(event['rows'])\n    return json.dumps(event)\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_main_process(tmp_path: Path) -> None:
    # Enough files for the pool (at least 8 to parse), and big enough that the run is still going
    # when it is killed.
    padding = "".join(f"\n\ndef helper_{n}(rows):\n    return [row * {n} for row in rows if row]\n" for n in range(400))
    for index in range(24):
        (tmp_path / f"handler_{index:02}.py").write_text(HEAVY_HANDLER + padding)
    process = subprocess.Popen(
        [sys.executable, "-m", "lambda_import_lint", "check", "--no-cache", "--jobs", "2", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 10
        while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
            workers = _children(process.pid)
        time.sleep(0.3)  # into the initializer or the first files
        assert process.poll() is None, "the run ended before it could be killed"
        workers = {pid for pid in _children(process.pid) if _alive(pid)}
        assert len(workers) >= 2
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)]
    finally:  # when the test fails, leave no process of its own behind either
        process.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


WATCHED_WORKER = """
import os, sys, time
from lambda_import_lint.batch import runner
main = os.getpid()
if os.fork() == 0:
    runner._parent_death_signal = lambda: False  # as on a system without PR_SET_PDEATHSIG
    runner._PARENT_POLL_SECONDS = 0.1
    runner._leave_with(main)
    print(os.getpid(), flush=True)
    time.sleep(30)
    os._exit(0)
time.sleep(30)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a worker by hand")
def test_without_the_parent_death_signal_a_worker_watches_its_parent() -> None:
    process = subprocess.Popen([sys.executable, "-c", WATCHED_WORKER], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    worker = int(process.stdout.readline())
    try:
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 5
        while _exists(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _exists(worker)
    finally:
        if _exists(worker):
            os.kill(worker, signal.SIGKILL)


def _exists(pid: int) -> bool:
    if sys.platform.startswith("linux"):
        return _alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_an_entry_keeps_every_field_of_a_fix() -> None:
    """The entry format names each field of Fix and Finding: a field added to them without the
    cache would be lost (or misread) on the next warm run. Every field set, round-tripped."""
    import dataclasses

    from lambda_import_lint.engine.results import FileResult
    from lambda_import_lint.rules.base import Finding, Fix, TextEdit

    fix = Fix(
        "move-into-functions", "unsafe", "Move it", 3, functions=(1, 2), blocks=(4,),
        add_future_annotations=True, keep_for_annotations=True, more_bindings=(5,), edits=(TextEdit(1, 2, 3, 4, "x"),),
    )
    assert all(getattr(fix, f.name) != f.default for f in dataclasses.fields(Fix) if f.default is not dataclasses.MISSING)
    finding = Finding("LIL001", "message", 1, 2, 3, 4, fix, (1, 3), None)
    result = FileResult("app.py", (finding,), None, ("handler",), True)
    decoded = decode_entry(encode_entry(result, [("a.py", 1, 2)]), "app.py")
    assert decoded == (result, (("a.py", 1, 2),))
