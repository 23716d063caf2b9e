"""The package's shape: imports run one way, the core has no UI, and modules stay small."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "benchmake_cli"

#: Each layer may import its own layer and the layers below it, never one above.
#: cli → tasks → pipeline → (formats, encode, method, bundle) → errors. analysis/ holds the
#: statistics, baseline models and cost model that tasks and the pipeline's plan use.
LAYER = {
    "cli": 6,
    "tasks": 5,
    "pipeline": 4,
    "analysis": 4,
    "formats": 3,
    "encode": 3,
    "method": 3,
    "bundle": 3,
    "request": 3,
    "errors": 1,
    "_version": 1,
}
UI_PACKAGES = {"typer", "rich", "click"}
MAX_LINES = 400


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def _imports(module: str, path: Path) -> list[str]:
    """Absolute names of everything ``module`` imports."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.append(target)
            if target == "benchmake_cli":
                names += [f"{target}.{alias.name}" for alias in node.names]
    return names


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "benchmake_cli" else None


MODULES = _modules()
TOP = max(LAYER.values())
#: modules a layer above could be imported by: the package root and __main__ assemble the
#: public API and sit outside the layers, and nothing lies above cli/, so neither can fail
LAYERED = [(m, p) for m, p in MODULES if _layer(m) in LAYER and LAYER[_layer(m)] < TOP]  # type: ignore[index]
#: the core: every module outside cli/ (the package root and __main__ included)
CORE = [(m, p) for m, p in MODULES if _layer(m) != "cli"]


def test_every_module_is_checked_by_one_of_the_layer_tests() -> None:
    cli = [m for m, _ in MODULES if _layer(m) == "cli"]
    outside = [m for m, _ in MODULES if _layer(m) not in LAYER]
    assert sorted(outside) == ["benchmake_cli", "benchmake_cli.__main__"]
    assert len(LAYERED) + len(cli) + len(outside) == len(MODULES)
    assert len(CORE) + len(cli) == len(MODULES)


@pytest.mark.parametrize(("module", "path"), LAYERED, ids=[name for name, _ in LAYERED])
def test_imports_run_one_way(module: str, path: Path) -> None:
    here = _layer(module)
    assert here is not None
    upward = [
        name
        for name in _imports(module, path)
        if _layer(name) in LAYER and LAYER[_layer(name)] > LAYER[here]
    ]
    assert not upward, f"{module} imports a layer above its own: {upward}"


@pytest.mark.parametrize(("module", "path"), CORE, ids=[name for name, _ in CORE])
def test_core_has_no_user_interface(module: str, path: Path) -> None:
    ui = [name for name in _imports(module, path) if name.split(".")[0] in UI_PACKAGES]
    assert not ui, f"{module} is core and imports {ui}: only benchmake_cli.cli may"


def test_no_module_is_long() -> None:
    long = {
        module: count
        for module, path in MODULES
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_layer_test_sees_upward_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from ..cli import app\nfrom ..errors import DataError\n", encoding="utf-8")
    names = _imports("benchmake_cli.method.probe", probe)
    assert names == ["benchmake_cli.cli", "benchmake_cli.errors"]
    assert [n for n in names if LAYER[_layer(n)] > LAYER["method"]] == ["benchmake_cli.cli"]


def test_the_ui_test_sees_ui_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import rich.console\nfrom typer import Exit\n", encoding="utf-8")
    names = _imports("benchmake_cli.tasks.probe", probe)
    assert [n for n in names if n.split(".")[0] in UI_PACKAGES] == ["rich.console", "typer"]


@pytest.mark.parametrize("script", sorted((ROOT / "benchmarks").glob("*.py")), ids=lambda p: p.name)
def test_benchmark_scripts_import_names_that_exist(script: Path) -> None:
    # the scripts run by hand, outside the suite: a module move must not break them silently
    for node in ast.walk(ast.parse(script.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("benchmake_cli"):
            module = importlib.import_module(node.module)
            missing = [a.name for a in node.names if not hasattr(module, a.name)]
            assert not missing, f"{script.name}: {node.module} has no {', '.join(missing)}"
