"""Bad input, internal errors and crash safety: a linter with --fix is trusted with a repository."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lambda_import_lint.cli import main
from lambda_import_lint.rules.registry import RULES

FIXABLE = RULES["LIL001"].invalid[0].source
FIXED = RULES["LIL001"].invalid[0].fixed
assert FIXED is not None


def _good_variants() -> dict[str, tuple[bytes, bytes]]:
    """name → (input, expected output after --fix): encodings, line endings, indentation kept."""
    lf_in, lf_out = FIXABLE.encode(), FIXED.encode()
    crlf = (lf_in.replace(b"\n", b"\r\n"), lf_out.replace(b"\n", b"\r\n"))
    latin_in = b"# -*- coding: latin-1 -*-\n" + lf_in.replace(b'"Render rows as CSV."', b'"R\xe9sum\xe9 as CSV."')
    latin_out = b"# -*- coding: latin-1 -*-\n" + lf_out.replace(b'"Render rows as CSV."', b'"R\xe9sum\xe9 as CSV."')
    tabs = (lf_in.replace(b"    ", b"\t"), lf_out.replace(b"    ", b"\t"))
    mixed_in = lf_in.replace(b"import json\n", b"import json\r\n")
    mixed_out = lf_out.replace(b"import json\n", b"import json\r\n")
    feed_in = lf_in.replace(b"\n\n\ndef export_csv", b"\n\n\x0c\ndef export_csv")
    feed_out = lf_out.replace(b"\n\n\ndef export_csv", b"\n\n\x0c\ndef export_csv")
    return {
        "crlf.py": crlf,
        "latin1.py": (latin_in, latin_out),
        "bom.py": (b"\xef\xbb\xbf" + lf_in, b"\xef\xbb\xbf" + lf_out),
        "tabs.py": tabs,
        "mixed_endings.py": (mixed_in, mixed_out),
        "form_feed.py": (feed_in, feed_out),
        "with space/h\u00e4ndler \u00fc.py": (lf_in, lf_out),
    }


BAD = {
    "python2.py": b"import pandas\n\ndef lambda_handler(event, context):\n    print 'hello'\n",
    "invalid_utf8.py": b"import pandas\nS = '\xff\xfe'\n\ndef lambda_handler(event, context):\n    return pandas\n",
    "nul.py": b"import pandas\x00\ndef lambda_handler(event, context):\n    return 1\n",
    "binary.py": bytes(random.Random(7).randrange(256) for _ in range(4096)),
    "unknown_encoding.py": b"# -*- coding: klingon -*-\nimport pandas\ndef handler(event, context):\n    return 1\n",
}


def test_bad_and_good_files_in_one_run(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    good = _good_variants()
    for name, (content, _) in good.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    (tmp_path / "crlf.py").chmod(0o754)
    for name, content in BAD.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "folder.py").mkdir()
    (tmp_path / "folder.py" / "inside.py").write_bytes(good["bom.py"][0])
    (tmp_path / "loop_a.py").symlink_to(tmp_path / "loop_b.py")
    (tmp_path / "loop_b.py").symlink_to(tmp_path / "loop_a.py")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "missing.py")
    (tmp_path / "subdir_link").symlink_to(tmp_path)  # a folder loop: never followed

    started = time.monotonic()
    status = main(["check", "--fix", str(tmp_path)])
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert status == 2
    assert elapsed < 60
    assert "Traceback" not in err and "Traceback" not in out
    error_lines = [line for line in err.splitlines() if ": error: " in line]
    for name in [*BAD, "loop_a.py", "loop_b.py", "dangling.py"]:
        assert len([line for line in error_lines if line.startswith(str(tmp_path / name) + ": error: ")]) == 1, name
    assert len(error_lines) == len(BAD) + 3
    for name, content in BAD.items():
        assert (tmp_path / name).read_bytes() == content, f"{name} was touched"
    for name, (_, expected) in good.items():
        assert (tmp_path / name).read_bytes() == expected, name
    assert (tmp_path / "folder.py" / "inside.py").read_bytes() == good["bom.py"][1]
    assert (tmp_path / "empty.py").read_bytes() == b""
    assert (tmp_path / "crlf.py").stat().st_mode & 0o777 == 0o754
    assert not list(tmp_path.rglob("*.lil-tmp"))


def test_very_large_file_that_cannot_matter_is_cheap(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f'    {{"event": {i}, "context": "c{i}"}},\n' for i in range(150_000))
    path = tmp_path / "data.py"
    path.write_text(f"import json\n\nROWS = [\n{rows}]\n")
    assert path.stat().st_size > 5_000_000
    started = time.monotonic()
    assert main(["check", str(path)]) == 0
    assert time.monotonic() - started < 30


def test_a_long_commented_out_line_does_not_make_the_handler_scan_backtrack(tmp_path: Path) -> None:
    """Round 42: a scratch file whose whole code sat on one commented-out line (`def f(  # noqa`
    then 60 more `#`s, and no `event`) kept the byte-level handler scan busy for 14 minutes: its
    comment group could end inside a comment, which backtracks exponentially. With 60 `#`s that
    is never; the scan is a few milliseconds. A subprocess, so a regression fails instead of hanging."""
    hashes = "  ".join(f"# note {i}" for i in range(60))
    (tmp_path / "scratch.py").write_text(f"x = (\n    1,  # def handler_for(  {hashes} self)\n)\n")
    completed = subprocess.run(
        [sys.executable, "-m", "lambda_import_lint", "check", "--no-cache", str(tmp_path / "scratch.py")],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr


@pytest.mark.corpus
def test_very_large_handler_module(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f'    {{"id": {i}, "name": "item-{i}"}},\n' for i in range(160_000))
    path = tmp_path / "big.py"
    path.write_text(FIXABLE + f"\n\nROWS = [\n{rows}]\n")
    assert path.stat().st_size > 5_000_000
    assert main(["check", "--format", "json", str(path)]) == 1
    assert '"line": 3' in capsys.readouterr().out


def test_internal_error_is_per_file(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from lambda_import_lint.rules import registry

    original = RULES["LIL001"].check

    def broken(context):  # type: ignore[no-untyped-def]
        if context.path.endswith("b.py"):
            raise KeyError("a bug of ours")
        return original(context)

    monkeypatch.setitem(registry.RULES, "LIL001", dataclasses.replace(RULES["LIL001"], check=broken))
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(FIXABLE)
    status = main(["check", str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert f"{tmp_path / 'b.py'}: error: internal error (KeyError" in err and "please report" in err
    assert "a.py:3:8: LIL001" in out and "c.py:3:8: LIL001" in out


def _tree(root: Path, count: int) -> None:
    for index in range(count):
        folder = root / f"svc{index % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        padding = "".join(f"X{n} = {n}\n" for n in range(index % 50))
        (folder / f"handler_{index}.py").write_text(FIXABLE.replace("import json\n", "import json\n" + padding))


@pytest.mark.parametrize("delay", [0.4, 0.9, 1.6])
def test_sigkill_during_fix_leaves_whole_files(tmp_path: Path, delay: float) -> None:
    reference, victim = tmp_path / "reference", tmp_path / "victim"
    _tree(reference, 200)
    _tree(victim, 200)
    originals = {p.relative_to(victim): p.read_bytes() for p in victim.rglob("*.py")}
    assert main(["check", "--fix", "-q", str(reference)]) == 1
    expected = {p.relative_to(reference): p.read_bytes() for p in reference.rglob("*.py")}

    process = subprocess.Popen(
        [sys.executable, "-m", "lambda_import_lint", "check", "--fix", "-q", str(victim)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = 0
    for relative, original in originals.items():
        now = (victim / relative).read_bytes()
        assert now in (original, expected[relative]), f"{relative} is half-written"
        done += now == expected[relative]
    assert not [p for p in victim.rglob("*") if p.name.endswith(".lil-tmp")]
    assert os.listdir(victim)  # the tree is still there
    # A later run finishes the job.
    assert main(["check", "--fix", "-q", str(victim)]) in (0, 1)
    assert {p.relative_to(victim): p.read_bytes() for p in victim.rglob("*.py")} == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(b"# -*- coding: utf-8 -*-\nS = '\xc3\xa9'\n", id="utf-8-cookie"),
        pytest.param(b"#!/usr/bin/env python\n# vim: set fileencoding=UTF_8 :\nS = '\xc3\xa9'\n", id="second-line-utf8"),
        pytest.param(b"# -*- coding: latin-1 -*-\nS = '\xe9'\n", id="latin-1-cookie"),
        pytest.param(b"# -*- coding: utf-8 -*-\nS = '\xe9'\n", id="utf-8-cookie-bad-bytes"),
        pytest.param(b"# -*- coding: klingon -*-\nS = 1\n", id="unknown-cookie"),
        pytest.param(b"import os\nimport sys\n# coding: latin-1\nS = '\xc3\xa9'\n", id="cookie-after-line-two"),
        pytest.param(b"\xef\xbb\xbf# coding: latin-1\nS = 1\n", id="bom-and-other-cookie"),
        pytest.param(b"S = '\xe9'\n", id="no-cookie-bad-bytes"),
    ],
)
def test_encoding_shortcut_agrees_with_tokenize(source: bytes) -> None:
    """The UTF-8 shortcut (no tokenize import when every coding declaration says UTF-8) gives the
    same verdict as decoding with the encoding tokenize detects."""
    import io
    import tokenize

    from lambda_import_lint.discovery.sources import undecodable

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        source.decode(encoding)
        expected_ok = True
    except (SyntaxError, LookupError, UnicodeDecodeError):
        expected_ok = False
    assert (undecodable(source) is None) is expected_ok


@pytest.mark.parametrize("enabled", [True, False])
def test_analysis_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    """The core pauses Python's cycle collector while it analyses a module; a host process (flake8,
    an editor) must find it as it was, even when the analysis fails."""
    import gc

    from lambda_import_lint.api import check_source
    from lambda_import_lint.config import Config

    handler = b"import pandas\n\ndef handler(event, context):\n    if event['body']:\n        return pandas.x\n"
    broken = b"import pandas\n\ndef handler(event, context):\n    return (\n"
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        assert [f.code for f in check_source(handler, "app.py", Config()).findings] == ["LIL001"]
        assert gc.isenabled() is enabled
        assert check_source(broken, "app.py", Config()).error is not None
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
