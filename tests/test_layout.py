"""The package's shape: imports run one way, the core has no UI, and modules stay small."""

from __future__ import annotations

import ast
import importlib
import re
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


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_imports_run_one_way(module: str, path: Path) -> None:
    here = _layer(module)
    if here not in LAYER:
        return  # the package root and __main__ assemble the public API
    upward = [
        name
        for name in _imports(module, path)
        if _layer(name) in LAYER and LAYER[_layer(name)] > LAYER[here]
    ]
    assert not upward, f"{module} imports a layer above its own: {upward}"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_core_has_no_user_interface(module: str, path: Path) -> None:
    if _layer(module) == "cli":
        return
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


@pytest.mark.parametrize("script", sorted((ROOT / "benchmarks").glob("*.py")), ids=lambda p: p.name)
def test_benchmark_scripts_import_names_that_exist(script: Path) -> None:
    # the scripts run by hand, outside the suite: a module move must not break them silently
    for node in ast.walk(ast.parse(script.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("benchmake_cli"):
            module = importlib.import_module(node.module)
            missing = [a.name for a in node.names if not hasattr(module, a.name)]
            assert not missing, f"{script.name}: {node.module} has no {', '.join(missing)}"


# --- the manifest is read through bundle.manifest.Manifest, its files named in bundle/names ---

#: a manifest's top-level sections: ``x["split"]`` or ``x.get("info")`` outside bundle/ is
#: a raw read of a manifest dict (or of a copy of one)
MANIFEST_SECTIONS = {"schema", "tool", "method", "input", "encoding", "split", "files", "info"}
#: dicts that are not manifests but have a key of a section's name, by (module, receiver)
NOT_MANIFESTS = {
    ("benchmake_cli.cli.inspect_command", "summary"),  # inspect's JSON report
    ("benchmake_cli.cli.rank_report", "row"),  # a model's row of the ranking
    ("benchmake_cli.request", "groups[SplitRequest]"),  # the request's option groups
}
#: the bundle's file names; a literal of one belongs in bundle/names.py only
BUNDLE_FILE_NAME = re.compile(r"^\w*_indices\.txt$|^(manifest|croissant)\.json$|^BENCHMARK\.md$")


def raw_manifest_reads(module: str, source: str) -> list[str]:
    """Each place ``source`` reads a manifest as a dict: a string-keyed subscript or
    ``.get`` of a section name, or of anything named ``*manifest*``; a ``.field(...)`` call
    on a manifest."""
    found = []
    for node in ast.walk(ast.parse(source)):
        receiver, key = None, None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            receiver, key = node.value, node.slice.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "get" and node.args and isinstance(node.args[0], ast.Constant):
                receiver, key = node.func.value, node.args[0].value
            elif node.func.attr == "field":
                receiver, key = node.func.value, "field"
        if receiver is None or not isinstance(key, str):
            continue
        text = ast.unparse(receiver)
        by_name = "manifest" in text.lower()
        section = key in MANIFEST_SECTIONS and (module, text) not in NOT_MANIFESTS
        if by_name or (section and key != "field"):
            found.append(f"{module}:{node.lineno}: {ast.unparse(node)}")
    return found


def bundle_file_name_literals(module: str, source: str) -> list[str]:
    """Each string constant (an f-string's parts too) that is a bundle file's name."""
    return [
        f"{module}:{node.lineno}: {node.value!r}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and BUNDLE_FILE_NAME.match(node.value)
    ]


def _outside_bundle() -> list[tuple[str, Path]]:
    return [(m, p) for m, p in MODULES if _layer(m) != "bundle"]


def test_no_module_outside_bundle_reads_a_manifest_as_a_dict() -> None:
    found = [
        line
        for module, path in _outside_bundle()
        for line in raw_manifest_reads(module, path.read_text(encoding="utf-8"))
    ]
    assert not found, "read the manifest through Manifest's section accessors:\n" + "\n".join(found)


def test_bundle_file_names_are_defined_once() -> None:
    found = [
        line
        for module, path in MODULES
        if module != "benchmake_cli.bundle.names"
        for line in bundle_file_name_literals(module, path.read_text(encoding="utf-8"))
    ]
    assert not found, "name bundle files through benchmake_cli.bundle.names:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('k = manifest["method"]["parameters"]["k"]\n', 3),
        ('x = result.manifest.get("info")\n', 1),
        ('s = manifest_io.field(manifest, "split")\n', 1),
        ('d = recorded["encoding"]\n', 1),
        ('d = expected.get("files") or {}\n', 1),
        ('n = manifest.split.n_test\nrow = {"split": 1}["split"]\n', 1),
        ('n = manifest.split.n_test\nf = manifest.split.indices_file("test")\n', 0),
        ('v = summary["split"]\n', 0),  # inspect_command's report, by NOT_MANIFESTS
    ],
)
def test_the_manifest_rule_sees_raw_reads(source: str, expected: int) -> None:
    assert len(raw_manifest_reads("benchmake_cli.cli.inspect_command", source)) == expected


def test_the_file_name_rule_sees_literals() -> None:
    source = 'a = "test_indices.txt"\nb = f"{side}_indices.txt"\nc = "manifest.json"\n'
    source += 'd = "Writes manifest.json and test_indices.txt"\ne = "BENCHMARK.md"\n'
    assert len(bundle_file_name_literals("m", source)) == 4
