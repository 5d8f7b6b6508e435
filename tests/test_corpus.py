"""The fixer over real third-party code: a bounded sample always, the whole corpus with -m corpus."""

from __future__ import annotations

import pytest

from corpus_harness import corpus_files, package_folders, run


def test_stress_fix_on_a_sample_of_real_code() -> None:
    files = corpus_files(package_folders(("flake8", "pyflakes", "pycodestyle")))
    assert len(files) >= 20, "the test environment should have flake8 and pyflakes installed"
    summary = run(files[::2])
    assert summary.rewritten > 0, summary.line()
    assert summary.broken == {}, summary.line()


@pytest.mark.corpus
def test_stress_fix_on_installed_packages() -> None:
    summary = run(corpus_files(package_folders()))
    print(summary.line())
    assert summary.files > 300
    assert summary.broken == {}, summary.broken


def test_positions_match_libcst_position_provider_on_real_code() -> None:
    """Findings are positioned per statement (lines from the stdlib parser); they must equal what
    LibCST's PositionProvider says over the whole module."""
    import libcst.metadata as metadata

    from corpus_harness import STRESS
    from lambda_import_lint.api import analyse

    checked = 0
    for path in corpus_files(package_folders(("flake8", "pyflakes", "pycodestyle")))[::2]:
        analysis = analyse(path.read_bytes(), str(path), STRESS)
        if not hasattr(analysis, "facts"):
            continue
        positions = metadata.MetadataWrapper(analysis.facts.module, unsafe_skip_copy=True).resolve(
            metadata.PositionProvider
        )
        expected = set()
        for binding in analysis.facts.imports:
            where = positions[binding.node]
            expected.add((where.start.line, where.start.column + 1, where.end.line, where.end.column + 1))
        for finding in analysis.result.findings:
            assert (finding.line, finding.column, finding.end_line, finding.end_column) in expected, (path, finding)
            checked += 1
    assert checked > 50
