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
