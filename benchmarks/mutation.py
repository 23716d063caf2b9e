"""A small mutation run: does the suite notice a small bug in the core?

Mutants are made by an AST mutator of our own (mutmut and cosmic-ray are too slow here) over
``benchmake_cli/method/``, ``bundle/``, ``pipeline/`` and ``tasks/verify.py``, plus the
*named* mutants of issue 28's table, which are textual edits anywhere in the package. Each
mutant is written into a scratch copy of the repository, and a fast subset of the tests runs
against it (``pytest -x``, slow tests left out); a test failure (or a timeout) kills it. Not
run in CI: a full run takes hours on a laptop.

    python benchmarks/mutation.py --named                 # the eight named mutants
    python benchmarks/mutation.py --sample 80 --seed 28   # 80 seeded random AST mutants
    python benchmarks/mutation.py --list                  # every AST mutant's id
    python benchmarks/mutation.py --only ID [--only ID]   # chosen mutants, by id or name
    python benchmarks/mutation.py --tests-from eab6db6 ...  # the tests of an older commit
    python benchmarks/mutation.py --spot                  # 20 tests, each against its break

Results are one JSON line per mutant in ``--json`` (default
``benchmarks/results/mutation.jsonl``) and a summary (killed / survived / timeout) on stdout.
Operators: comparison flips (``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``), arithmetic
swaps (``+`` ↔ ``-``, ``*`` ↔ ``/``, ``//`` → ``/``), integer constants ±1, ``True`` ↔
``False``, ``and`` ↔ ``or``, ``not x`` → ``x``, and ``min`` ↔ ``max``. Docstrings,
annotations and f-strings are never mutated.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mutation_cases import NAMED, SPOT

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "benchmake_cli"
TARGETS = ["method", "bundle", "pipeline", "tasks/verify.py"]

#: the tests run per mutant, by the mutated file's package (fast ones; -x stops at the first)
CORE_TESTS = [
    "tests/test_golden_splits.py",
    "tests/test_golden.py",
    "tests/test_split_invariants.py",
    "tests/test_core_steps.py",
    "tests/test_hull.py",
    "tests/test_match_ties.py",
    "tests/test_stop_margin.py",
    "tests/test_core_internals.py",
]
BUNDLE_TESTS = [
    "tests/test_archive.py",
    "tests/test_verify.py",
    "tests/test_card_claims.py",
    "tests/test_load_split.py",
]
TESTS = {
    "method": CORE_TESTS,
    "pipeline": [*CORE_TESTS, "tests/test_sharding.py", "tests/test_archive.py"],
    "bundle": BUNDLE_TESTS,
    "tasks": ["tests/test_archive.py", "tests/test_verify.py", "tests/test_tamper.py"],
    "cli": ["tests/test_signals_exit.py", "tests/test_cli_errors.py"],
}


def spot_check(work: Path, timeout: float) -> list[dict[str, object]]:
    """Run each spot-check test against its break; ``failed`` is what must happen."""
    records = []
    for test, (rel, old, new) in SPOT.items():
        target = work / rel
        original = target.read_text(encoding="utf-8")
        if original.count(old) != 1:
            raise SystemExit(f"spot check {test}: {old!r} occurs {original.count(old)} times")
        target.write_text(original.replace(old, new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="]
        try:
            done = subprocess.run([*command, test], cwd=work, env=env, capture_output=True,
                                  text=True, timeout=timeout, preexec_fn=_default_sigint)  # fmt: skip
            ran = " passed" in done.stdout or " failed" in done.stdout
            status = "failed" if done.returncode == 1 and ran else f"exit {done.returncode}"
            if done.returncode == 0:
                status = "passed"
        finally:
            target.write_text(original, encoding="utf-8")
        records.append({"test": test, "break": f"{rel}: {new.strip()[:70]}", "status": status})
        print(f"{status:8} {test}", flush=True)
    return records


COMPARE_SWAP = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
BINOP_SWAP = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
}


@dataclass(frozen=True)
class Mutant:
    """One mutant: its id (``file:line:col:operator``, or a name), file and mutated source."""

    id: str
    file: str  #: relative to benchmake_cli/
    index: int = -1  #: the site's place in :func:`_sites` (AST mutants)
    operator: str = ""
    text: str = ""  #: the mutated source of a named mutant
    package: Path = PACKAGE  #: the package the site was found in (the scratch copy's)

    @property
    def source(self) -> str:
        if self.index < 0:
            return self.text
        tree = ast.parse((self.package / self.file).read_text(encoding="utf-8"))
        target, _ = _sites(tree)[self.index]
        target._mutate = self.operator  # type: ignore[attr-defined]
        mutated = _Replace(self.operator).visit(tree)
        return ast.unparse(ast.fix_missing_locations(mutated)) + "\n"


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, f-strings and what they hold."""
    skip: set[int] = set()

    def all_of(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        value = first.value if isinstance(first, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            all_of(first)
        if isinstance(node, (ast.arg, ast.AnnAssign)):
            all_of(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            all_of(node.returns)
        if isinstance(node, ast.JoinedStr):
            all_of(node)
    return skip


def _sites(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """Every (node, operator) this mutator can change, in a stable order."""
    skip = _skipped_nodes(tree)
    found: list[tuple[ast.AST, str]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            if type(node.ops[0]) in COMPARE_SWAP:
                found.append((node, "compare"))
        elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAP:
            found.append((node, "binop"))
        elif isinstance(node, ast.BoolOp):
            found.append((node, "boolop"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            found.append((node, "not"))
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            found.append((node, "bool"))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            found.append((node, "int+1"))
            found.append((node, "int-1"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("min", "max")
        ):
            found.append((node, "minmax"))
    return sorted(found, key=lambda s: (s[0].lineno, s[0].col_offset, s[1]))


def _apply(node: ast.AST, operator: str) -> ast.AST:
    """The replacement of ``node`` for ``operator`` (a new node, or ``node`` changed)."""
    if operator == "compare":
        assert isinstance(node, ast.Compare)
        node.ops = [COMPARE_SWAP[type(node.ops[0])]()]
    elif operator == "binop":
        assert isinstance(node, ast.BinOp)
        node.op = BINOP_SWAP[type(node.op)]()
    elif operator == "boolop":
        assert isinstance(node, ast.BoolOp)
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif operator == "not":
        assert isinstance(node, ast.UnaryOp)
        return node.operand
    elif operator == "bool":
        assert isinstance(node, ast.Constant)
        node.value = not node.value
    elif operator in ("int+1", "int-1"):
        assert isinstance(node, ast.Constant)
        node.value = node.value + (1 if operator == "int+1" else -1)
    elif operator == "minmax":
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        node.func.id = "max" if node.func.id == "min" else "min"
    return node


class _Replace(ast.NodeTransformer):
    """Replace the node tagged ``_mutate`` by its mutation."""

    def __init__(self, operator: str) -> None:
        self.operator = operator

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field, old in ast.iter_fields(node):
            if isinstance(old, list):
                old[:] = [self._swap(v) if isinstance(v, ast.AST) else v for v in old]
            elif isinstance(old, ast.AST):
                setattr(node, field, self._swap(old))
        return node

    def _swap(self, child: ast.AST) -> ast.AST:
        if getattr(child, "_mutate", None) == self.operator:
            return _apply(child, self.operator)
        return self.visit(child)


def ast_mutants(files: list[Path], package: Path = PACKAGE) -> list[Mutant]:
    """Every AST mutant of ``files`` (each mutates one site; its source made on demand from
    ``package``, which must not change while the run lasts)."""
    mutants = []
    for path in files:
        rel = str(path.relative_to(package))
        for index, (node, operator) in enumerate(_sites(ast.parse(path.read_text("utf-8")))):
            site = f"{rel}:{node.lineno}:{node.col_offset}:{operator}"
            mutants.append(Mutant(site, rel, index, operator, package=package))
    return mutants


def named_mutants(names: list[str] | None = None, package: Path = PACKAGE) -> list[Mutant]:
    """The named mutants of issue 28's table, checked to apply exactly once."""
    found = []
    for name, (rel, old, new, _tests) in NAMED.items():
        if names is not None and name not in names:
            continue
        text = (package / rel).read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise SystemExit(
                f"named mutant {name}: {old!r} occurs {text.count(old)} times in {rel}"
            )
        found.append(Mutant(name, rel, text=text.replace(old, new)))
    return found


def target_files(package: Path = PACKAGE) -> list[Path]:
    files: list[Path] = []
    for target in TARGETS:
        path = package / target
        files += sorted(path.glob("*.py")) if path.is_dir() else [path]
    return [f for f in files if f.name != "__init__.py"]


def scratch_copy(tests_from: str | None) -> Path:
    """A copy of the repository to mutate (its tests from the commit ``tests_from``)."""
    work = Path(tempfile.mkdtemp(prefix="benchmake-mutation-"))
    ignore = shutil.ignore_patterns(
        ".git", "__pycache__", ".pytest_cache", ".hypothesis", "results"
    )
    for name in (
        "benchmake_cli",
        "tests",
        "sample_data",
        "docs",
        "benchmarks",
        "man",
        "completions",
    ):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, work / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, work / name)
    if tests_from:
        shutil.rmtree(work / "tests")
        archive = subprocess.run(
            ["git", "archive", tests_from, "tests"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    return work


def tests_for(mutant: Mutant, work: Path, named: bool) -> list[str]:
    chosen = NAMED[mutant.id][3] if named else TESTS[mutant.file.split("/")[0]]
    return [t for t in dict.fromkeys(chosen) if (work / t).exists()]


def _default_sigint() -> None:
    """Ctrl-C's default action for the tests: started in the background, this script
    inherits SIGINT ignored, and the signal tests would fail on every mutant."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_mutant(mutant: Mutant, work: Path, named: bool, timeout: float) -> dict[str, object]:
    """Write the mutant, run its tests, put the file back; killed, survived or timeout."""
    target = work / "benchmake_cli" / mutant.file
    original = target.read_text(encoding="utf-8")
    target.write_text(mutant.source, encoding="utf-8")
    tests = tests_for(mutant, work, named)
    env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += ["-m", "not slow and not gpu", "--no-header", "-o", "addopts=", *tests]
    if not named:  # the mutated module's doctests run in CI too
        command += ["--doctest-modules", f"benchmake_cli/{mutant.file}"]
    start = time.monotonic()
    try:
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True,
                              timeout=timeout, preexec_fn=_default_sigint)  # fmt: skip
        status = "survived" if done.returncode == 0 else "killed"
        failed = [ln for ln in done.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))]
        if done.returncode not in (0, 1):
            failed = failed or done.stdout.splitlines()[-3:]
    except subprocess.TimeoutExpired:
        status, failed = "timeout", []
    finally:
        target.write_text(original, encoding="utf-8")
    seconds = round(time.monotonic() - start, 1)
    return {"id": mutant.id, "status": status, "seconds": seconds, "by": failed[:2]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--named", action="store_true", help="the named mutants of issue 28")
    parser.add_argument("--spot", action="store_true", help="the spot check of 20 tests")
    parser.add_argument("--sample", type=int, default=0, help="this many seeded AST mutants")
    parser.add_argument("--seed", type=int, default=28)
    parser.add_argument("--only", action="append", help="a mutant id or name (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the AST mutants' ids")
    parser.add_argument("--tests-from", help="run the tests of this git commit")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/results/mutation.jsonl")
    args = parser.parse_args()

    if args.spot:
        work = scratch_copy(None)
        try:
            records = spot_check(work, args.timeout)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        failed = sum(r["status"] == "failed" for r in records)
        print(f"{failed} of {len(records)} spot-checked tests failed on their break")
        return 0 if failed == len(records) else 1
    if args.list:
        everything = ast_mutants(target_files())
        print("\n".join(m.id for m in everything))
        print(f"{len(everything)} AST mutants", file=sys.stderr)
        return 0
    work = scratch_copy(args.tests_from)
    package = work / "benchmake_cli"  # the copy: the working tree may change meanwhile
    everything = ast_mutants(target_files(package), package)
    chosen: list[tuple[Mutant, bool]] = []
    if args.named:
        chosen += [(m, True) for m in named_mutants(package=package)]
    if args.only:
        names = [o for o in args.only if o in NAMED]
        chosen += [(m, True) for m in named_mutants(names, package)]
        chosen += [(m, False) for m in everything if m.id in args.only]
    if args.sample:
        picked = random.Random(args.seed).sample(everything, min(args.sample, len(everything)))
        chosen += [(m, False) for m in sorted(picked, key=lambda m: m.id)]
    print(f"{len(everything)} AST mutants in all; running {len(chosen)} in {work}", flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    try:
        with args.json.open("a", encoding="utf-8") as log:
            for mutant, named in chosen:
                record = run_mutant(mutant, work, named, args.timeout)
                record["tests_from"] = args.tests_from or "working tree"
                counts[str(record["status"])] += 1
                log.write(json.dumps(record) + "\n")
                log.flush()
                print(f"{record['status']:8} {record['seconds']:6.1f}s {mutant.id} {record['by']}",
                      flush=True)  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
