"""The cache (never stale) and --jobs (same output as --jobs 1), and progress only on a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from lambda_import_lint.batch import cache, runner
from lambda_import_lint.cli import main
from lambda_import_lint.config import Config
from lambda_import_lint.rules.registry import RULES

SOURCE = RULES["LIL001"].invalid[0].source


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    status = main(["check", "--format", "json", *args])
    return status, json.loads(capsys.readouterr().out)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    analysed: list[str] = []
    real = runner.analyse_task

    def counting(task, source, options):  # type: ignore[no-untyped-def]
        analysed.append(Path(task.path).name)
        return real(task, source, options)

    monkeypatch.setattr(runner, "analyse_task", counting)
    return analysed


def test_cache_serves_unchanged_files(write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", SOURCE)
    analysed = _counting(monkeypatch)
    first = _json(["--jobs", "1", str(path)], capsys)
    assert analysed == ["app.py"]
    second = _json(["--jobs", "1", str(path)], capsys)
    assert analysed == ["app.py"] and second == first


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda path, args: path.write_text(SOURCE.replace("pd.", "pd .")), id="content"),
        pytest.param(lambda path, args: args.extend(["--defer", "all"]), id="flag"),
        pytest.param(
            lambda path, args: (path.parent / "pyproject.toml").write_text('[tool.lambda-import-lint]\nignore = ["LIL001"]\n'),
            id="config-file",
        ),
        pytest.param(lambda path, args: args.append("--no-cache"), id="no-cache"),
    ],
)
def test_cache_invalidation(change, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", SOURCE)
    analysed = _counting(monkeypatch)
    args = ["--jobs", "1", str(path)]
    _json(args, capsys)
    change(path, args)
    _json(args, capsys)
    assert analysed == ["app.py", "app.py"]


def test_cache_keyed_by_version(write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", SOURCE)
    analysed = _counting(monkeypatch)
    _json(["--jobs", "1", str(path)], capsys)
    monkeypatch.setattr(cache, "__version__", "99.0")
    _json(["--jobs", "1", str(path)], capsys)
    assert analysed == ["app.py", "app.py"]


def test_clean_cache(write, capsys, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", SOURCE)
    _json([str(path)], capsys)
    folder = cache.cache_folder(Config())
    assert any(folder.rglob("*"))
    analysed = _counting(monkeypatch)
    _json(["--clean-cache", "--jobs", "1", str(path)], capsys)
    assert analysed == ["app.py"]


def test_fix_after_cached_check_still_fixes(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", SOURCE)
    _json([str(path)], capsys)
    assert main(["check", "--fix", "-q", str(path)]) == 1
    assert path.read_text() == RULES["LIL001"].invalid[0].fixed
    assert main(["check", "-q", str(path)]) == 0


def test_jobs_output_matches_single_process(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for index in range(40):  # sizes grow with the name: workers get them in the reverse order
        source = SOURCE if index % 3 else SOURCE.replace("if event", "if True or event")
        (tmp_path / f"h{index:02}.py").write_text(source + "# padding\n" * index * 20)
    (tmp_path / "broken.py").write_text("def lambda_handler(event, context):\n    import pandas\n    x = (\n")
    one = main(["check", "--no-cache", "--jobs", "1", str(tmp_path)]), capsys.readouterr()
    pools: list[int] = []
    start = runner._start_workers

    def counted(options, workers, preload=True):  # type: ignore[no-untyped-def]
        pools.append(workers)
        return start(options, workers, preload)

    monkeypatch.setattr(runner, "_start_workers", counted)
    many = main(["check", "--no-cache", "--jobs", "2", str(tmp_path)]), capsys.readouterr()
    assert pools == [2]  # enough to analyse (~160 kB) for worker processes
    assert one[0] == many[0] == 2
    assert one[1].out == many[1].out and one[1].out.count("LIL001") == 40
    assert one[1].err == many[1].err


def test_a_pool_started_for_deployment_files_loads_the_analysis_once(tmp_path: Path) -> None:
    """A pool started without preloading (as for deployment files) is asked, once, to load what
    the analysis needs as soon as a file needs it, and its outcomes are those of one process."""
    for index in range(3):
        (tmp_path / f"h{index}.py").write_text(SOURCE + "# padding\n" * index)
    tasks = [runner.Task(str(tmp_path / f"h{index}.py")) for index in range(3)]
    options = runner.Options(Config(folder=tmp_path), frozenset({"LIL001"}))
    workers = runner.Workers(options, jobs=2)
    try:
        assert workers.load() == []  # no pool: nothing to load
        assert workers.start(2, preload=False) is not None and not workers.loaded
        pooled = runner.run(tasks, options, workers=workers)
        assert workers.loaded and workers.load() == []  # asked once, by the run
        jobs = [workers.executor.submit(sorted, [2, 1]) for _ in range(2)] if workers.executor else []
        assert [job.result(timeout=60) for job in jobs] == [[1, 2], [1, 2]]  # still serving
    finally:
        workers.shutdown()
    alone = runner.run(tasks, options, jobs=1)
    assert [outcome.result for outcome in pooled] == [outcome.result for outcome in alone]
    assert all(outcome.result.findings for outcome in alone)


def test_little_to_analyse_starts_no_processes(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Worker processes each load LibCST (~0.2 s): 12 small handler modules are analysed in the
    main process, with the same output."""
    for index in range(12):
        (tmp_path / f"h{index:02}.py").write_text(SOURCE)
    one = main(["check", "--no-cache", "--jobs", "1", str(tmp_path)]), capsys.readouterr()
    pools: list[int] = []
    monkeypatch.setattr(runner, "_start_workers", lambda *arguments: pools.append(1))
    default = main(["check", "--no-cache", "--jobs", "2", str(tmp_path)]), capsys.readouterr()
    assert pools == [] and one == default and one[1].out.count("LIL001") == 12


def test_progress_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, terminal = io.StringIO(), Terminal()
    for stream in (quiet, terminal):
        progress = runner.Progress(stream)
        for done in range(0, 101, 50):
            progress(done, 100)
        progress.finish()
    assert quiet.getvalue() == ""
    assert "100/100 files" in terminal.getvalue()


def test_cache_notices_a_changed_local_module(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """LIL004 results depend on other files: the cache checks them before serving a result."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "import helpers\n\n\ndef handler(event, context):\n    if event['body']:\n        return helpers.run(event)\n    return None\n"
    )
    (tmp_path / "helpers.py").write_text("import json\n\n\ndef run(event):\n    return json.dumps(event)\n")
    assert _json(["app.py"], capsys)[1] == []
    (tmp_path / "helpers.py").write_text("import pandas\n\n\ndef run(event):\n    return pandas.DataFrame(event)\n")
    status, findings = _json(["app.py"], capsys)
    assert status == 1 and [f["code"] for f in findings] == ["LIL004"]
    (tmp_path / "helpers.py").write_text("def run(event):\n    import pandas\n    return pandas.DataFrame(event)\n")
    assert _json(["app.py"], capsys) == (0, [])


def test_a_prescreen_verdict_is_cached(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file the byte scan lets through but the stdlib parser settles (a heavy import inside the
    handler only) is cached too: a warm run parses nothing; an edit is parsed again."""
    from lambda_import_lint.analysis import prescreen

    parsed: list[int] = []
    real = prescreen.stdlib_tree

    def counting(source: bytes | str):  # type: ignore[no-untyped-def]
        parsed.append(len(source))
        return real(source)

    monkeypatch.setattr(prescreen, "stdlib_tree", counting)
    monkeypatch.chdir(tmp_path)
    app = tmp_path / "app.py"
    app.write_text("import json\n\n\ndef handler(event, context):\n    import pandas\n    return json.dumps(event)\n")
    # (-q: without a handler module checked, the summary would ask the parser whether it had one.)
    assert _json(["-q", "app.py"], capsys) == (0, [])
    assert len(parsed) == 1
    assert _json(["-q", "app.py"], capsys) == (0, [])
    assert len(parsed) == 1  # served from the cache
    app.write_text(SOURCE)
    status, findings = _json(["-q", "app.py"], capsys)
    assert status == 1 and [f["code"] for f in findings] == ["LIL001"]
    assert len(parsed) > 1  # (the analysis itself asks for the tree too)
