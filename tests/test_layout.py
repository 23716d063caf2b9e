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
    "execution": 3,  # the request's execution and output groups
    "constraints": 2,  # parameter constraints, declared once: request, tasks and cli use them
    "errors": 1,
    "paths": 1,  # paths as messages show them (bundle.locate uses it)
    "safe_text": 1,  # user text in messages: control characters escaped, length bounded
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


# --- function lengths and dead code (issue 23, item 7) ------------------------------------------

MAX_FUNCTION_LINES = 80
#: functions over the limit that another part of issue 23 shortens; an entry that is no longer
#: long fails the test below, so the list only shrinks
LONG_FUNCTIONS: dict[str, str] = {}
#: top-level names no other code in benchmake_cli refers to, and why they stay
UNREFERENCED = {
    "benchmake_cli.cli.docs.recorded_typer_version": "reads back GENERATED_BY, beside the "
    "writer; test_docs skips with it when man/ was made by another Typer",
}


def _function_lengths(module: str, path: Path) -> dict[str, int]:
    """Lines of every function and method in ``path`` (``def`` to its last line, less its
    docstring: a public function's numpydoc ``Parameters`` section is documentation, not
    logic), by qualified name."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}"
                if not isinstance(child, ast.ClassDef):
                    lines = (child.end_lineno or child.lineno) - child.lineno + 1
                    lengths[name] = lines - _docstring_lines(child)
                visit(child, name)
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), module)
    return lengths


def _docstring_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = function.body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)):
        return 0
    if not isinstance(first.value.value, str):
        return 0
    return (first.end_lineno or first.lineno) - first.lineno + 1


def _top_level_names(tree: ast.Module) -> list[str]:
    """The functions, classes and constants a module defines at its top level (not the
    functions a decorator call registers, such as Typer commands)."""
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not any(isinstance(d, ast.Call) for d in node.decorator_list):
                names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [name for name in names if not name.startswith("__")]


def _references(module: str, path: Path, tree: ast.Module) -> set[str]:
    """What a module uses: ``NAME`` (its own names read, and exported in ``__all__``),
    ``.NAME`` (an attribute, also read with ``getattr``) and ``other.module:NAME`` (a name it
    imports from another module)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(f".{node.attr}")
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join(base + ([node.module] if node.module else []))
            found.update(f"{source}:{alias.name}" for alias in node.names)
        elif _looked_up(node):
            found.add(f".{node.args[1].value}")  # type: ignore[attr-defined]
    for node in tree.body:  # __all__ = [...]: the names it exports
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            found.update(e.value for e in ast.walk(node.value) if isinstance(e, ast.Constant))
    return found


def _looked_up(node: ast.AST) -> bool:
    """Whether ``node`` is ``getattr(x, "NAME")`` or ``hasattr(x, "NAME")``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "hasattr")
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    )


def _unreferenced(modules: list[tuple[str, Path]]) -> list[str]:
    """Top-level names of ``modules`` that neither their own module nor another (importing
    them, or reading them as an attribute) uses."""
    trees = {module: ast.parse(path.read_text(encoding="utf-8")) for module, path in modules}
    uses = {module: _references(module, path, trees[module]) for module, path in modules}
    elsewhere = set().union(*uses.values())
    return [
        f"{module}.{name}"
        for module, tree in trees.items()
        for name in _top_level_names(tree)
        if name not in uses[module] and not {f".{name}", f"{module}:{name}"} & elsewhere
    ]


def test_no_function_is_long() -> None:
    lengths = {
        name: n for module, path in MODULES for name, n in _function_lengths(module, path).items()
    }
    long = {name: n for name, n in lengths.items() if n > MAX_FUNCTION_LINES}
    unexplained = {name: n for name, n in long.items() if name not in LONG_FUNCTIONS}
    assert not unexplained, f"functions over {MAX_FUNCTION_LINES} lines: {unexplained}"
    stale = sorted(set(LONG_FUNCTIONS) - set(long))
    assert not stale, f"no longer over {MAX_FUNCTION_LINES} lines: drop {stale} from LONG_FUNCTIONS"


def test_no_dead_code() -> None:
    dead = _unreferenced(MODULES)
    unexplained = [name for name in dead if name not in UNREFERENCED]
    assert not unexplained, f"defined in benchmake_cli but used nowhere in it: {unexplained}"
    stale = sorted(set(UNREFERENCED) - set(dead))
    assert not stale, f"referenced now or gone: drop {stale} from UNREFERENCED"


def test_the_length_and_dead_code_checks_see_offenders(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    probe.write_text(
        f"LIMIT = 3\nUNUSED = 4\n\n\ndef long():\n{body}    return LIMIT\n\n\n"
        "class Box:\n    def short(self):\n        return long()\n",
        encoding="utf-8",
    )
    lengths = _function_lengths("probe", probe)
    assert lengths == {"probe.long": MAX_FUNCTION_LINES + 2, "probe.Box.short": 2}
    assert _unreferenced([("probe", probe)]) == ["probe.UNUSED", "probe.Box"]


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
