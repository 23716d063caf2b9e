"""The suite's own honesty: a test that needs ``../shared/datasets`` or a GPU carries the
``shared`` or ``gpu`` marker (so ``-m "not shared"`` and the skip summary say so), and no
test asserts on wall-clock time."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

TESTS = sorted((ROOT / "tests").glob("test_*.py"))


def _marks(decorators: list[ast.expr]) -> set[str]:
    """Names of the ``pytest.mark.NAME`` decorators (or ``pytestmark`` values)."""
    found = set()
    for node in decorators:
        for sub in ast.walk(node):
            parent = sub.value if isinstance(sub, ast.Attribute) else None
            if isinstance(parent, ast.Attribute) and parent.attr == "mark":
                found.add(sub.attr)  # type: ignore[union-attr]
    return found


def _module_marks(tree: ast.Module) -> set[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            return _marks([node.value])
    return set()


def _uses(function: ast.FunctionDef, names: set[str]) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id in names)
        or (isinstance(n, ast.Attribute) and n.attr in names)
        for n in ast.walk(function)
    )


def _tests(path: Path) -> list[tuple[ast.FunctionDef, set[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_marks(tree)
    return [
        (node, module | _marks(node.decorator_list))
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


@pytest.mark.parametrize("path", TESTS, ids=lambda p: p.name)
def test_tests_that_need_shared_data_carry_the_marker(path: Path) -> None:
    unmarked = [
        f.name
        for f, marks in _tests(path)
        if _uses(f, {"shared_dataset"}) and "shared" not in marks
    ]
    assert not unmarked, f"{path.name}: needs ../shared without @pytest.mark.shared: {unmarked}"


@pytest.mark.parametrize("path", TESTS, ids=lambda p: p.name)
def test_tests_that_need_a_gpu_carry_the_marker(path: Path) -> None:
    unmarked = [
        f.name for f, marks in _tests(path) if "needs_gpu" in marks | _decorator_names(f)
        and "gpu" not in marks
    ]  # fmt: skip
    assert not unmarked, f"{path.name}: needs a GPU without @pytest.mark.gpu: {unmarked}"


def _decorator_names(function: ast.FunctionDef) -> set[str]:
    return {d.id for d in function.decorator_list if isinstance(d, ast.Name)}


@pytest.mark.parametrize("path", TESTS, ids=lambda p: p.name)
def test_no_test_asserts_on_wall_clock_time(path: Path) -> None:
    timed = [
        f.name
        for f, _ in _tests(path)
        if _uses(f, {"perf_counter", "monotonic", "time"})
        and any(isinstance(n, ast.Assert) and _uses_clock(n) for n in ast.walk(f))
    ]
    assert not timed, f"{path.name}: asserts on elapsed time: {timed}"


def _uses_clock(node: ast.Assert) -> bool:
    return any(
        isinstance(n, ast.Attribute) and n.attr in {"perf_counter", "monotonic"}
        for n in ast.walk(node)
    )


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import pytest, time\n"
        "@needs_gpu\ndef test_a():\n    shared_dataset('x')\n"
        "@pytest.mark.shared\n@pytest.mark.gpu\n@needs_gpu\ndef test_b():\n    shared_dataset('x')\n"
        "def test_c():\n    assert time.perf_counter() < 10\n",
        encoding="utf-8",
    )
    tests = {f.name: (f, marks) for f, marks in _tests(probe)}
    a, b = tests["test_a"], tests["test_b"]
    assert _uses(a[0], {"shared_dataset"}) and "shared" not in a[1]
    assert "needs_gpu" in _decorator_names(a[0]) and "gpu" not in a[1]
    assert {"shared", "gpu"} <= b[1]
    c = tests["test_c"][0]
    assert any(isinstance(n, ast.Assert) and _uses_clock(n) for n in ast.walk(c))
