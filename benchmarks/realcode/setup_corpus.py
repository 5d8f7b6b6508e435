#!/usr/bin/env python3
"""Extract the real-code corpus: each repository of repos.txt, at its pinned commit, into DIR/owner+name.

The repositories are not downloaded here. Each must already be in the mirror folder (brought there by the
session's ``fetch`` tool, ``github:owner/name``), which keeps one git directory per repository, named
``MIRROR/owner+name/repo`` (bare) or ``MIRROR/owner+name/repo/.git``. This script only reads those git
directories (``git archive``) and never runs anything from the repositories.

Files the snapshot lacks (large files are left out of snapshots) are skipped and counted.

Usage::

    python3 benchmarks/realcode/setup_corpus.py --mirror /work/.mirror --out /tmp/realcode-corpus
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_REPOS = HERE / "repos.txt"


@dataclass(frozen=True)
class Repo:
    """One line of repos.txt."""

    name: str  # owner/name
    commit: str  # 40 hex digits

    @property
    def folder(self) -> str:
        """The folder name used in the mirror and in the corpus: owner+name."""
        return self.name.replace("/", "+")


def read_repos(path: Path) -> list[Repo]:
    """Parse repos.txt: ``owner/name <commit>`` per line; ``#`` starts a comment."""
    repos: list[Repo] = []
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or "/" not in parts[0] or len(parts[1]) != 40:
            raise SystemExit(f"{path}:{number}: expected 'owner/name <40-hex commit>', got {raw!r}")
        try:
            int(parts[1], 16)
        except ValueError:
            raise SystemExit(f"{path}:{number}: not a hex commit: {parts[1]!r}") from None
        repos.append(Repo(parts[0], parts[1].lower()))
    return repos


def git(git_dir: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run git on ``git_dir`` (no shell), capturing output."""
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], input=stdin, capture_output=True, check=False
    )


def is_git_dir(candidate: Path) -> bool:
    """True if ``candidate`` is a usable git directory."""
    return candidate.is_dir() and git(candidate, "rev-parse", "--git-dir").returncode == 0


def find_git_dir(mirror: Path, repo: Repo) -> Path | None:
    """The git directory of ``repo`` in the mirror folder, or None if it has not been fetched."""
    base = mirror / repo.folder
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if is_git_dir(candidate):
            return candidate
    if base.is_dir():  # some other layout: the first git directory below it
        for head in sorted(base.rglob("HEAD")):
            if is_git_dir(head.parent):
                return head.parent
    return None


def has_commit(git_dir: Path, commit: str) -> bool:
    """True if the commit is present in ``git_dir``."""
    return git(git_dir, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def missing_paths(git_dir: Path, commit: str) -> list[str]:
    """Paths of the commit's blobs whose content the snapshot lacks (``git archive`` would stop at them)."""
    listing = git(git_dir, "ls-tree", "-r", "-z", commit)
    if listing.returncode != 0:
        raise RuntimeError(listing.stderr.decode("utf-8", "replace").strip())
    entries: list[tuple[str, str]] = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        _mode, kind, oid = meta.decode("ascii").split()
        if kind == "blob":
            entries.append((oid, path.decode("utf-8", "surrogateescape")))
    oids = "".join(f"{oid}\n" for oid in sorted({oid for oid, _ in entries}))
    check = git(git_dir, "cat-file", "--batch-check", stdin=oids.encode("ascii"))
    missing = {
        line.split()[0] for line in check.stdout.decode("ascii", "replace").splitlines() if line.endswith(" missing")
    }
    return sorted(path for oid, path in entries if oid in missing)


def extract(git_dir: Path, commit: str, target: Path, skip: list[str]) -> None:
    """``git archive <commit> | tar -x`` into ``target`` (which must not exist), leaving out ``skip``."""
    pathspecs = [f":(exclude,literal){path}" for path in skip]
    with tempfile.TemporaryDirectory(prefix="realcode-") as tmp:
        archive = Path(tmp) / "tree.tar"
        with archive.open("wb") as out:
            result = subprocess.run(
                ["git", f"--git-dir={git_dir}", "archive", "--format=tar", commit, "--", *pathspecs],
                stdout=out,
                stderr=subprocess.PIPE,
                check=False,
            )
        if result.returncode != 0:
            raise RuntimeError(result.stderr.decode("utf-8", "replace").strip() or "git archive failed")
        staging = target.with_name(target.name + ".partial")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        untar = subprocess.run(["tar", "-x", "-f", str(archive), "-C", str(staging)], capture_output=True, check=False)
        if untar.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise RuntimeError(untar.stderr.decode("utf-8", "replace").strip() or "tar failed")
        staging.rename(target)


def count_files(archive_root: Path) -> int:
    """Number of files (not folders) under ``archive_root``."""
    return sum(1 for path in archive_root.rglob("*") if path.is_symlink() or not path.is_dir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"), help="folder of fetched snapshots")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to create or complete")
    parser.add_argument("--repos", type=Path, default=DEFAULT_REPOS, help="the list of repositories and commits")
    parser.add_argument("--force", action="store_true", help="extract again repositories already in --out")
    args = parser.parse_args(argv)

    repos = read_repos(args.repos)
    args.out.mkdir(parents=True, exist_ok=True)
    not_fetched: list[Repo] = []
    failed: list[tuple[Repo, str]] = []
    for repo in repos:
        target = args.out / repo.folder
        if target.exists() and not args.force:
            print(f"{repo.name}: already in {target} (use --force to extract again)")
            continue
        git_dir = find_git_dir(args.mirror, repo)
        if git_dir is None:
            not_fetched.append(repo)
            print(f"{repo.name}: MISSING from {args.mirror} (not fetched)")
            continue
        if not has_commit(git_dir, repo.commit):
            failed.append((repo, f"commit {repo.commit} is not in {git_dir} (fetch it again, or update repos.txt)"))
            print(f"{repo.name}: commit {repo.commit[:12]} not in {git_dir}")
            continue
        try:
            skip = missing_paths(git_dir, repo.commit)
            if target.exists():
                shutil.rmtree(target)
            extract(git_dir, repo.commit, target, skip)
        except RuntimeError as error:
            failed.append((repo, str(error)))
            print(f"{repo.name}: FAILED: {error}")
            continue
        note = f"; {len(skip)} file(s) absent from the snapshot, skipped" if skip else ""
        print(f"{repo.name} @ {repo.commit[:12]}: {count_files(target)} files -> {target}{note}")

    if not_fetched:
        print(
            f"\n{len(not_fetched)} repositories are missing from {args.mirror}. Fetch each with the session's "
            "fetch tool (github:owner/name), check that the commit matches repos.txt, then run this again:",
            file=sys.stderr,
        )
        for repo in not_fetched:
            print(f"  github:{repo.name}  (commit {repo.commit})", file=sys.stderr)
    if failed:
        print(f"\n{len(failed)} repositories failed:", file=sys.stderr)
        for repo, reason in failed:
            print(f"  {repo.name}: {reason}", file=sys.stderr)
    return 1 if not_fetched or failed else 0


if __name__ == "__main__":
    sys.exit(main())
