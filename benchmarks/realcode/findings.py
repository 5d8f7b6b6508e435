#!/usr/bin/env python3
"""Run the linter over the real-code corpus, print counts, and write a random sample of findings for blind review.

Each repository folder of the corpus (made by setup_corpus.py) is checked on its own, from its root, so its
deployment files (SAM/CloudFormation templates, serverless.yml, CDK code) are found as they would be in that
repository::

    lambda-import-lint check --no-cache --format json --exit-zero .      (run in CORPUS/owner+name)
    lambda-import-lint handlers --format json .

Usage::

    python3 benchmarks/realcode/findings.py --corpus /tmp/realcode-corpus
    python3 benchmarks/realcode/findings.py --corpus /tmp/realcode-corpus --sample 40 --seed 1 --out sample.md
    python3 benchmarks/realcode/findings.py --corpus /tmp/realcode-corpus --sample 40 --seed 2 \\
        --codes LIL001,LIL002,LIL003,LIL004 --out sample.md

The sample file holds only what a reviewer needs to judge a finding: the repository, the place, the code and
message, and the source code around it.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_REPOS = HERE / "repos.txt"
WHOLE_MODULE_LINES = 120  # a module shorter than this is shown whole
WHOLE_FUNCTION_LINES = 80  # a function shorter than this is shown whole
FUNCTION_HEAD_LINES = 40  # else its first lines
MAX_USES = 25  # use sites shown per finding
IMPORT_HEADER_MAX = 60  # the module header (up to the last top-level import) is shown whole if this short


@dataclass(frozen=True)
class Finding:
    """One finding of ``check --format json``, with the repository it came from."""

    repo: str  # owner/name
    path: str  # relative to the repository root
    line: int
    column: int
    end_line: int
    code: str
    message: str

    def key(self) -> tuple[str, str, int, int, str, str]:
        return (self.repo, self.path, self.line, self.column, self.code, self.message)


@dataclass
class RepoResult:
    """What one repository gave."""

    repo: str
    commit: str
    folder: Path
    findings: list[Finding] = field(default_factory=list)
    handlers: list[tuple[str, str]] = field(default_factory=list)  # (path, function)
    python_files: int = 0
    warnings: int = 0
    errors: int = 0


def read_repos(path: Path) -> list[tuple[str, str]]:
    """``(owner/name, commit)`` for each line of repos.txt."""
    repos: list[tuple[str, str]] = []
    for raw in path.read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, commit = line.split()
            repos.append((name, commit))
    return repos


def run_json(command: list[str], cwd: Path) -> tuple[object, str]:
    """Run ``command`` in ``cwd``; parse its stdout as JSON; also return its stderr."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    try:
        data = json.loads(result.stdout) if result.stdout.strip() else []
    except json.JSONDecodeError:
        raise SystemExit(
            f"{' '.join(command)} (in {cwd}) exited {result.returncode} without JSON:\n{result.stderr[-2000:]}"
        ) from None
    return data, result.stderr


def normalise(path: str) -> str:
    """A reported path, relative to the repository root, without a leading ``./``."""
    while path.startswith("./"):
        path = path[2:]
    return path


def check_repo(lil: str, repo: str, commit: str, folder: Path, jobs: int | None) -> RepoResult:
    """Run ``check`` and ``handlers`` in one repository folder."""
    result = RepoResult(repo, commit, folder)
    check = [lil, "check", "--no-cache", "--format", "json", "--exit-zero"]
    if jobs is not None:
        check += ["--jobs", str(jobs)]
    data, stderr = run_json([*check, "."], folder)
    assert isinstance(data, list)
    for item in data:
        result.findings.append(
            Finding(
                repo=repo,
                path=normalise(str(item["path"])),
                line=int(item["line"]),
                column=int(item.get("column") or 0),
                end_line=int(item.get("end_line") or item["line"]),
                code=str(item["code"]),
                message=str(item["message"]),
            )
        )
    result.warnings = sum(1 for line in stderr.splitlines() if ": warning:" in line)
    result.errors = sum(1 for line in stderr.splitlines() if ": error:" in line)
    handlers, _ = run_json([lil, "handlers", "--format", "json", "."], folder)
    assert isinstance(handlers, list)
    result.handlers = sorted({(normalise(str(h["path"])), str(h.get("function", ""))) for h in handlers})
    result.python_files = sum(1 for path in folder.rglob("*.py") if path.is_file())
    return result


def tool_version(lil: str) -> str:
    result = subprocess.run([lil, "--version"], capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).strip()


def print_counts(results: list[RepoResult], lil: str) -> None:
    """Per-repository and per-rule counts."""
    codes = sorted({f.code for r in results for f in r.findings})
    print(f"tool: {tool_version(lil)}")
    print(f"repositories: {len(results)}")
    print()
    width = max([len(r.repo) for r in results] + [10])
    header = f"{'repository':<{width}}  {'py files':>8}  {'handler modules':>15}  {'findings':>8}"
    header += "".join(f"  {code:>7}" for code in codes)
    print(header)
    print("-" * len(header))
    for r in results:
        counts = Counter(f.code for f in r.findings)
        modules = len({path for path, _ in r.handlers})
        line = f"{r.repo:<{width}}  {r.python_files:>8}  {modules:>15}  {len(r.findings):>8}"
        line += "".join(f"  {counts.get(code, 0):>7}" for code in codes)
        print(line)
    print("-" * len(header))
    total = Counter(f.code for r in results for f in r.findings)
    modules = sum(len({path for path, _ in r.handlers}) for r in results)
    python_files = sum(r.python_files for r in results)
    findings = sum(len(r.findings) for r in results)
    line = f"{'total':<{width}}  {python_files:>8}  {modules:>15}  {findings:>8}"
    line += "".join(f"  {total.get(code, 0):>7}" for code in codes)
    print(line)
    print()
    print(f"handler modules: {modules} ({sum(len(r.handlers) for r in results)} handler functions)")
    print(f"findings: {findings}")
    for code in codes:
        files = len({(f.repo, f.path) for r in results for f in r.findings if f.code == code})
        print(f"  {code}: {total[code]} in {files} files")
    warnings = sum(r.warnings for r in results)
    errors = sum(r.errors for r in results)
    print(f"warnings: {warnings}; files that could not be checked: {errors}")


# --- the code shown around a finding -------------------------------------------------------------------------


def enclosing_functions(tree: ast.AST, line: int) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions containing ``line``, outermost first."""
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if start <= line <= (node.end_lineno or node.lineno):
                found.append(node)
    return sorted(found, key=lambda node: node.lineno)


def function_range(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int]:
    """The lines of a function, decorators included, cut to its head when long."""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    end = node.end_lineno or node.lineno
    if end - start + 1 > WHOLE_FUNCTION_LINES:
        end = start + FUNCTION_HEAD_LINES - 1
    return start, end


def function_head(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int]:
    """The decorators and signature of a function."""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    end = node.body[0].lineno - 1 if node.body else node.lineno
    return start, max(end, node.lineno)


def statement_at(tree: ast.Module, line: int) -> ast.stmt | None:
    """The innermost statement spanning ``line``."""
    best: ast.stmt | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno and (node.end_lineno or 0) <= (best.end_lineno or 0):
                best = node
    return best


def bound_names(statement: ast.stmt | None) -> list[str]:
    """The names an import statement binds."""
    names: list[str] = []
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            names.append(alias.asname or alias.name.split(".")[0])
    elif isinstance(statement, ast.ImportFrom):
        names.extend(alias.asname or alias.name for alias in statement.names if alias.name != "*")
    return names


def top_level_import_ranges(tree: ast.Module) -> list[tuple[int, int]]:
    """The module's import block: its header up to the last top-level import, or each import if that is long."""
    imports: list[tuple[int, int]] = []
    for node in tree.body:
        has_import = any(isinstance(sub, (ast.Import, ast.ImportFrom)) for sub in ast.walk(node))
        if has_import:
            imports.append((node.lineno, node.end_lineno or node.lineno))
    if not imports:
        return []
    last = max(end for _, end in imports)
    if last <= IMPORT_HEADER_MAX:
        return [(1, last)]
    return imports


def use_lines(tree: ast.Module, names: list[str], skip: tuple[int, int]) -> list[int]:
    """Lines that read one of ``names`` (outside the import statement itself)."""
    wanted = set(names)
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in wanted and not skip[0] <= node.lineno <= skip[1]:
            lines.add(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and not skip[0] <= node.lineno <= skip[1]:
            # string annotations ("pd.DataFrame")
            if any(re.search(rf"\b{re.escape(name)}\b", node.value) for name in wanted) and len(node.value) < 200:
                lines.add(node.lineno)
    return sorted(lines)


MESSAGE_PLACE = re.compile(r"`?([\w./-]+\.py):(\d+)`?")


def referenced_places(message: str) -> list[tuple[str, int]]:
    """``file.py:N`` places named in a message."""
    return [(name, int(number)) for name, number in MESSAGE_PLACE.findall(message)]


def resolve_place(repo_root: Path, module: Path, name: str) -> Path | None:
    """Find a file named in a message: next to the module, at the repository root, or a unique match."""
    for candidate in (module.parent / name, repo_root / name):
        if candidate.is_file():
            return candidate
    matches = [path for path in repo_root.rglob(Path(name).name) if path.as_posix().endswith(name)]
    return matches[0] if len(matches) == 1 else None


CHAIN = re.compile(r"`([^`]*\u2192[^`]*)`")


def chain_links(message: str) -> list[str]:
    """The modules of a chain ``a \u2192 b \u2192 c`` named in a message, in order."""
    match = CHAIN.search(message)
    return [link.strip() for link in match.group(1).split("\u2192")] if match else []


def module_file(base: Path, dotted: str) -> Path | None:
    """``base/a/b.py`` or ``base/a/b/__init__.py`` for ``a.b``."""
    stem = base.joinpath(*dotted.split("."))
    for candidate in (stem.with_name(stem.name + ".py"), stem / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def resolve_link(repo_root: Path, module: Path, previous: Path, link: str) -> Path | None:
    """The file of one local link of a chain: relative to the previous link, else above the handler module."""
    if link.startswith("."):
        dots = len(link) - len(link.lstrip("."))
        base = previous.parent
        for _ in range(dots - 1):
            base = base.parent
        rest = link[dots:]
        return module_file(base, rest) if rest else (base / "__init__.py" if (base / "__init__.py").is_file() else None)
    folder = module.parent
    while True:
        found = module_file(folder, link)
        if found is not None:
            return found
        if folder == repo_root or repo_root not in folder.parents:
            return None
        folder = folder.parent


def import_line_of(tree: ast.Module, name: str) -> int | None:
    """The first top-level import statement that mentions ``name`` (its last dotted part)."""
    last = name.lstrip(".").split(".")[-1]
    for node in tree.body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Import) and any(last in alias.name.split(".") for alias in sub.names):
                return sub.lineno
            if isinstance(sub, ast.ImportFrom):
                module = (sub.module or "").split(".")
                if last in module or any(alias.name == last for alias in sub.names):
                    return sub.lineno
    return None


def chain_context(result: RepoResult, module: Path, message: str) -> list[str]:
    """For a chain of imports named in the message, the imports of each local module along it."""
    links = chain_links(message)
    parts: list[str] = []
    previous = module
    for position, link in enumerate(links[1:-1], start=1):
        found = resolve_link(result.folder.resolve(), module.resolve(), previous.resolve(), link)
        if found is None:
            parts.append(f"(`{link}`: not found in the repository)")
            break
        previous = found
        source = found.read_text("utf-8", errors="replace")
        lines = source.splitlines()
        try:
            tree: ast.Module | None = ast.parse(source)
        except SyntaxError:
            tree = None
        mark = import_line_of(tree, links[position + 1]) if tree is not None else None
        if len(lines) < 40 or tree is None:
            ranges = [(1, len(lines))]
        else:
            ranges = top_level_import_ranges(tree) + ([(mark - 2, mark + 2)] if mark else [])
        relative = found.relative_to(result.folder.resolve()).as_posix()
        what = "whole module" if len(lines) < 40 or tree is None else "imports"
        parts.append(f"`{relative}` (`{link}`, {what}):\n\n" + fenced(render(lines, merge(ranges, len(lines)), mark)))
    return parts


def merge(ranges: list[tuple[int, int]], total: int) -> list[tuple[int, int]]:
    """Sorted, clipped, merged line ranges (touching ranges join)."""
    clipped = sorted((max(1, a), min(total, b)) for a, b in ranges if a <= total and b >= 1 and a <= b)
    merged: list[tuple[int, int]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def render(lines: list[str], ranges: list[tuple[int, int]], mark: int | None) -> str:
    """Numbered source lines; ``...`` between gaps; ``>`` marks the finding's line."""
    width = len(str(len(lines)))
    out: list[str] = []
    previous = 0
    for start, end in ranges:
        if start > previous + 1:
            out.append("...")
        for number in range(start, end + 1):
            flag = ">" if number == mark else " "
            out.append(f"{flag}{number:>{width}}  {lines[number - 1]}".rstrip())
        previous = end
    if ranges and previous < len(lines):
        out.append("...")
    return "\n".join(out)


def fenced(text: str, language: str = "python") -> str:
    """A Markdown code block whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def context_for(finding: Finding, result: RepoResult) -> str:
    """The Markdown showing the code around a finding."""
    module = result.folder / finding.path
    try:
        source = module.read_text("utf-8", errors="replace")
    except OSError as error:
        return f"(cannot read {finding.path}: {error})"
    lines = source.splitlines()
    total = len(lines)
    parts: list[str] = []
    if total < WHOLE_MODULE_LINES:
        whole = render(lines, [(1, total)], finding.line)
        parts.append(f"`{finding.path}` (whole module, {total} lines):\n\n" + fenced(whole))
    else:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            tree = None
        ranges: list[tuple[int, int]] = [(finding.line - 3, max(finding.end_line, finding.line) + 3)]
        more = 0
        if tree is not None:
            ranges += top_level_import_ranges(tree)
            statement = statement_at(tree, finding.line)
            if statement is not None:
                ranges.append((statement.lineno, statement.end_lineno or statement.lineno))
            names = bound_names(statement)
            if names and statement is not None:
                uses = use_lines(tree, names, (statement.lineno, statement.end_lineno or statement.lineno))
                more = max(0, len(uses) - MAX_USES)
                for number in uses[:MAX_USES]:
                    ranges.append((number - 1, number + 1))
                    for function in enclosing_functions(tree, number):
                        ranges.append(function_head(function))
            for function in enclosing_functions(tree, finding.line):
                ranges.append(function_range(function))
            handler_names = {name for path, name in result.handlers if path == finding.path}
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in handler_names:
                    ranges.append(function_range(node))
        shown = merge(ranges, total)
        note = f"; {more} more uses not shown" if more else ""
        parts.append(
            f"`{finding.path}` ({total} lines; imports, the lines around the finding, the uses of the imported "
            f"names and the handler{note}):\n\n" + fenced(render(lines, shown, finding.line))
        )
    parts += chain_context(result, module, finding.message)
    seen: set[Path] = set()
    for name, number in referenced_places(finding.message):
        place = resolve_place(result.folder, module, name)
        if place is None or place in seen or place == module:
            continue
        seen.add(place)
        other = place.read_text("utf-8", errors="replace").splitlines()
        if len(other) < 40:
            shown = [(1, len(other))]
        else:
            shown = merge([(number - 5, number + 5)], len(other))
        relative = place.relative_to(result.folder).as_posix()
        parts.append(f"`{relative}`:\n\n" + fenced(render(other, shown, number)))
    return "\n\n".join(parts)


def judged_places() -> set[tuple[str, str, int, str]]:
    """(repository, path, line, code) of every finding of a sample that has a judgements file."""
    from judged_gone import judged  # the same folder's script, which pairs samples with judgements

    return {(repo, path, line, code) for _, _, repo, path, line, code, _ in judged(0)}


def write_sample(
    results: list[RepoResult], size: int, seed: int, codes: list[str] | None, out: Path, unjudged: bool = False
) -> int:
    """Write ``size`` random findings (of ``codes``; none judged before, with ``unjudged``) with their
    code to ``out``; return how many."""
    by_repo = {r.repo: r for r in results}
    seen = judged_places() if unjudged else set()
    pool = sorted(
        (
            f for r in results for f in r.findings
            if (codes is None or f.code in codes) and (f.repo, f.path, f.line, f.code) not in seen
        ),
        key=Finding.key,
    )
    chosen = random.Random(seed).sample(pool, min(size, len(pool)))
    scope = (", ".join(codes) if codes else "all codes") + (", none judged before" if unjudged else "")
    lines = [
        f"# Sample of {len(chosen)} findings (seed {seed}, {scope})",
        "",
        f"Drawn at random from {len(pool)} findings over {len(results)} public repositories "
        "(commits in benchmarks/realcode/repos.txt).",
        "",
        "For each finding, judge from the code and the message alone: is it worth acting on? Why?",
        "Record one line per finding in the judgements file: `N: yes|no — reason`.",
        "",
    ]
    for number, finding in enumerate(chosen, start=1):
        result = by_repo[finding.repo]
        lines += [
            f"## {number}. {finding.code} — {finding.repo} — `{finding.path}:{finding.line}`",
            "",
            f"- repository: `{finding.repo}` @ `{result.commit}`",
            f"- place: `{finding.path}:{finding.line}`",
            f"- code: {finding.code}",
            f"- message: {finding.message}",
            "",
            context_for(finding, result),
            "",
        ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), "utf-8")
    return len(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/realcode-corpus"), help="made by setup_corpus.py")
    parser.add_argument("--repos", type=Path, default=DEFAULT_REPOS, help="the list of repositories and commits")
    parser.add_argument("--lil", default="lambda-import-lint", help="the linter executable")
    parser.add_argument("--jobs", type=int, default=None, help="passed to check --jobs")
    parser.add_argument("--sample", type=int, default=0, metavar="N", help="write a sample of N findings")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random.Random(S) draws the sample")
    parser.add_argument("--codes", default="", help="comma-separated codes the sample is drawn from (default all)")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE.md", help="where the sample goes")
    parser.add_argument("--findings-json", type=Path, default=None, help="also write every finding as JSON")
    parser.add_argument(
        "--unjudged", action="store_true",
        help="draw only findings that no judged sample holds (for corpora earlier rounds sampled)",
    )
    args = parser.parse_args(argv)
    if args.sample and args.out is None:
        parser.error("--sample needs --out")

    results: list[RepoResult] = []
    missing: list[str] = []
    for repo, commit in read_repos(args.repos):
        folder = args.corpus / repo.replace("/", "+")
        if not folder.is_dir():
            missing.append(repo)
            continue
        results.append(check_repo(args.lil, repo, commit, folder, args.jobs))
    if missing:
        print(f"missing from {args.corpus} (run setup_corpus.py): {', '.join(missing)}", file=sys.stderr)
    if not results:
        return 1
    print_counts(results, args.lil)
    if args.findings_json is not None:
        every = [f.__dict__ for r in results for f in sorted(r.findings, key=Finding.key)]
        args.findings_json.write_text(json.dumps(every, indent=1) + "\n", "utf-8")
    if args.sample:
        codes = [code.strip() for code in args.codes.split(",") if code.strip()] or None
        written = write_sample(results, args.sample, args.seed, codes, args.out, args.unjudged)
        print(f"\nsample: {written} findings -> {args.out}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
