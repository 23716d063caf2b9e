"""A newcomer's walk-through (issue 25): a scientist's own files, used with only what
``inspect``, ``--help`` and docs/ say, give the right split or a clear question.

The inputs are made here: a headerless float file (class in column 0), spectra under a
header of wavelengths, a table with a ``class`` column, a SMILES table and an image folder
with class sub-folders.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from benchmake_cli import load_split
from benchmake_cli.cli import common

from .conftest import ROOT, SAMPLE, SHARED, invoke

FIRST_LINE = (
    "line 1 looks like data, not column names: read as a row (pass --header if it is a header)"
)


@pytest.fixture
def beats(tmp_path: Path) -> Path:
    """ECG-like beats: whitespace-separated floats, no header, the class in column 0."""
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(1, 4, 60), rng.normal(size=(60, 8))])
    path = tmp_path / "beats.txt"
    path.write_text("".join(" ".join(f"{v:.7e}" for v in row) + "\n" for row in rows))
    return path


@pytest.fixture
def spectra(tmp_path: Path) -> Path:
    """NIR-like spectra: a header of integer wavelengths above float absorbances."""
    rng = np.random.default_rng(1)
    wavelengths = range(1100, 1140, 2)
    frame = pd.DataFrame(rng.uniform(0.2, 0.9, (40, 20)).round(4), columns=list(wavelengths))
    path = tmp_path / "spectra.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def classes(tmp_path: Path) -> Path:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(rng.normal(size=(50, 3)).round(5), columns=["a", "b", "c"])
    frame["class"] = rng.integers(0, 3, 50)
    path = tmp_path / "classes.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def smiles(tmp_path: Path) -> Path:
    molecules = ["CCO", "c1ccccc1O", "CC(=O)O", "CCN(CC)CC", "C1CCCCC1", "OC(=O)c1ccccc1"]
    frame = pd.DataFrame(
        {
            "id": [f"mol{i}" for i in range(30)],
            "smiles": [molecules[i % 6] + "C" * (i // 6) for i in range(30)],
            "HIV_active": [i % 2 for i in range(30)],
        }
    )
    path = tmp_path / "molecules.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def pictures(tmp_path: Path) -> Path:
    """An image folder with three class sub-folders (darker to brighter)."""
    rng = np.random.default_rng(3)
    root = tmp_path / "pictures"
    for level, name in enumerate(("cat", "dog", "fox"), start=1):
        (root / name).mkdir(parents=True)
        for i in range(12):
            pixels = (rng.random((8, 8, 3)) * 80 * level).astype("uint8")
            Image.fromarray(pixels).save(root / name / f"{i:02d}.png")
    return root


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


# 1. The first row is never lost silently.
def test_a_headerless_file_keeps_its_first_row(runner, beats: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "split"
    result = invoke(runner, "split", beats, "--frac", "0.2", "--target", "0", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert f"benchmake: warning: beats.txt: {FIRST_LINE}" in result.stderr.splitlines()
    manifest = _manifest(out)
    assert manifest["encoding"]["n"] == 60 and manifest["input"]["read_options"]["header"] is False
    assert manifest["warnings"] == [f"beats.txt: {FIRST_LINE}"]
    assert invoke(runner, "verify", out).exit_code == 0
    forced = invoke(runner, "split", beats, "--frac", "0.2", "--header", "--out", tmp_path / "h")
    assert forced.exit_code == 0 and FIRST_LINE not in forced.stderr
    assert _manifest(tmp_path / "h")["encoding"]["n"] == 59
    inspected = invoke(runner, "inspect", beats, "--json")
    assert json.loads(inspected.stdout)["shape"] == [60, 9] and FIRST_LINE in inspected.stderr
    explicit = invoke(runner, "inspect", beats, "--no-header", "--json")
    assert json.loads(explicit.stdout)["shape"] == [60, 9] and FIRST_LINE not in explicit.stderr


def test_a_header_of_wavelengths_stays_a_header(runner, spectra: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "inspect", spectra, "--json")
    report = json.loads(result.stdout)
    assert report["shape"] == [40, 20] and report["columns"][0]["name"] == "1100"
    assert FIRST_LINE not in result.stderr and report["warnings"] == []


# 2. Label-like features are pointed out; --strict refuses them.
def test_a_class_column_among_the_features_is_pointed_out(
    runner, classes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    warning = (
        "feature column 'class' looks like a label (its name); if it is what a model "
        "predicts, pass --target class (or --id-col class to keep it out of the features)"
    )
    result = invoke(runner, "split", classes, "--frac", "0.2", "--out", tmp_path / "s")
    assert result.exit_code == 0 and f"benchmake: warning: {warning}" in result.stderr
    assert _manifest(tmp_path / "s")["warnings"] == [warning]
    inspected = invoke(runner, "inspect", classes, "--json")
    roles = {c["name"]: c["role"] for c in json.loads(inspected.stdout)["columns"]}
    assert roles["class"] == "feature (label?)" and roles["a"] == "feature"
    strict = invoke(runner, "split", classes, "--frac", "0.2", "--strict", "--out", tmp_path / "t")
    assert strict.exit_code == 5 and warning in strict.stderr and not (tmp_path / "t").exists()
    named = invoke(
        runner, "split", classes, "--frac", "0.2", "--target", "class", "--out", tmp_path / "u"
    )
    assert named.exit_code == 0 and "looks like a label" not in named.stderr
    assert "warnings" not in _manifest(tmp_path / "u")


# 3. Hints that work.
def _suggested(runner, data: Path) -> list[str]:  # type: ignore[no-untyped-def]
    result = invoke(runner, "inspect", data, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["suggested_options"]


def test_a_smiles_column_gets_sequence_col_and_tokens(runner, smiles: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    suggested = _suggested(runner, smiles)
    assert suggested == [
        "--sequence-col", "smiles", "--tokens", "smiles", "--id-col", "id", "--target", "HIV_active",
    ]  # fmt: skip
    text = invoke(runner, "inspect", smiles).stdout
    assert (
        "hint: column 'smiles' holds SMILES sequences; pass --sequence-col smiles --tokens smiles"
        in text
    )
    assert f"next: benchmake split {shlex.join([str(smiles), *suggested])} --frac 0.2" in text
    result = invoke(runner, "split", smiles, *suggested, "--frac", "0.2", "--out", tmp_path / "s")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("name", ["molecules.smi", "proteins.fasta"])
def test_a_sequence_file_gets_no_id_hint(runner, name: str) -> None:  # type: ignore[no-untyped-def]
    assert _suggested(runner, SAMPLE / name) == []


SAMPLE_FILES = [
    "alloys.csv", "alloys.parquet", "graph_nodes.csv", "molecules.csv", "molecules.smi",
    "peptides.txt", "proteins.fasta", "shapes.npy", "shapes_png", "vibration_npy",
]  # fmt: skip


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_hint_on_the_sample_data_is_accepted_by_split(
    runner, name: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    suggested = _suggested(runner, SAMPLE / name)
    result = invoke(
        runner, "split", SAMPLE / name, *suggested, "--frac", "0.2", "--out", tmp_path / "s"
    )
    assert result.exit_code == 0, (suggested, result.stderr)
    assert _suggested_after(runner, SAMPLE / name, suggested) == []


def _suggested_after(runner, data: Path, given: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """What inspect still suggests once its suggestions are followed (nothing)."""
    result = invoke(runner, "inspect", data, *given, "--json")
    assert result.exit_code == 0, (given, result.stderr)
    return json.loads(result.stdout)["suggested_options"]


SHARED_FILES = [
    ("bace", "bace.csv"), ("boston", "BostonHousing.csv"), ("german_credit", "german.data-numeric"),
    ("hiv", "HIV.csv"), ("lipophilicity", "Lipophilicity.csv"), ("nir_peach", "peach_spectra_brix.csv"),
    ("qm7", "qm7.csv"),
]  # fmt: skip


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("parts", SHARED_FILES, ids=[p[0] for p in SHARED_FILES])
def test_every_hint_on_the_shared_data_sets_is_accepted(runner, parts: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data set {path} is not available")
    suggested = _suggested(runner, path)
    result = invoke(runner, "inspect", path, *suggested, "--json")
    assert result.exit_code == 0, (suggested, result.stderr)
    assert json.loads(result.stdout)["suggested_options"] == []


# 4. Class folders are labels; 5. load_split gives what a model needs.
def test_class_folders_are_the_target_everywhere(runner, pictures: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "split"
    assert invoke(runner, "split", pictures, "--frac", "0.2", "--out", out).exit_code == 0
    target = _manifest(out)["target"]
    assert target == {
        "name": "label",
        "from": "class sub-folders",
        "classes": ["cat", "dog", "fox"],
    }
    assert "- Target: `label` (classification)" in (out / "README.md").read_text()
    evaluation = json.loads(invoke(runner, "evaluate", out, "--json", "--random", "3").stdout)
    assert evaluation["model"]["target"] == "label"
    assert evaluation["model"]["criterion"] == "balanced_accuracy"
    s = load_split(out)
    assert len(s.y_train) == 28 and set(s.y_test) <= {"cat", "dog", "fox"}
    assert s.X_train == s.train and s.ids_train is None
    predictions = tmp_path / "p.csv"
    predictions.write_text("row,prediction\n" + "".join(f"{r},cat\n" for r in s.test_rows))
    scored = invoke(runner, "score", out, predictions)
    assert (
        scored.exit_code == 0 and "balanced accuracy (higher is better) of 'label'" in scored.stdout
    )


def test_load_split_gives_features_target_and_ids(tmp_path: Path) -> None:
    from benchmake_cli import split_file

    out = tmp_path / "s"
    split_file(
        SAMPLE / "alloys.csv", frac=0.2, out=out, target="hardness_hv", id_columns=["alloy_id"]
    )
    s = load_split(out)
    features = ["fe", "ni", "cr", "mo", "c", "anneal_temp_c", "cooling_rate_k_s", "phase"]
    assert list(s.X_train.columns) == features and list(s.X_test.columns) == features
    assert not pd.api.types.is_numeric_dtype(s.X_train["phase"])
    assert s.X_train["fe"].dtype == np.float64
    assert list(s.ids_test.columns) == ["alloy_id"] and s.y_test.name == "hardness_hv"
    assert s.train.shape == (240, 10) and len(s.X_test) == len(s.y_test) == 60


# 6. --json errors on stdout, with the same exit code and stderr line.
@pytest.mark.parametrize(
    "args",
    [
        ("split", "missing.csv", "--frac", "0.2", "--out", "x"),
        ("verify", "missing/manifest.json"),
        ("inspect", "missing.csv"),
        ("evaluate", "missing/manifest.json"),
        ("card", "missing/manifest.json"),
        ("score", "missing/manifest.json", "p.csv"),
        ("split", "sample_data/alloys.csv", "--frac", "2", "--out", "x"),
    ],
)
def test_json_errors_are_a_document_on_stdout(runner, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    plain = invoke(runner, *args)
    result = invoke(runner, *args, "--json")
    assert result.exit_code == plain.exit_code != 0
    assert result.stderr == plain.stderr and result.stderr.startswith("benchmake: error: ")
    document = json.loads(result.stdout)
    assert document == {
        "exit_code": plain.exit_code,
        "error": plain.stderr[len("benchmake: error: ") :].strip(),
    }


# 8. Docs that cannot go stale (tests/test_docs.py compares every marked block).
def test_the_evaluate_page_shows_what_evaluate_prints() -> None:
    from . import doc_outputs

    page = (ROOT / "docs" / "evaluate.md").read_text()
    assert "docs/evaluate.md" in {f"docs/{p.name}" for p in doc_outputs.pages()}
    assert "nearest-origin" in page and "What sets the test set apart" in page
    assert "selection.png" in page


# 9. Progress on every long step.
def test_verify_evaluate_and_card_report_progress(runner, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "s"
    split = ("split", SAMPLE / "alloys.csv", "--frac", "0.2", "--target", "hardness_hv")
    assert invoke(runner, *split, "--id-col", "alloy_id", "--out", out).exit_code == 0
    monkeypatch.setattr(common, "PLAIN_MIN_SECONDS", -1.0)  # every stage, however short
    assert "benchmake: hashing rows: done in" in invoke(runner, "verify", out).stderr
    evaluated = invoke(runner, "evaluate", out, "--random", "3").stderr
    assert "benchmake: comparing train and test: done in" in evaluated
    assert "benchmake: scoring the baseline model: done in" in invoke(runner, "card", out).stderr
    assert invoke(runner, "verify", out, "-q").stderr == ""


# 10. evaluate says what sets the test set apart, in the data's own terms.
def test_evaluate_says_what_sets_the_test_set_apart(runner, pictures: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "deep" / "split"
    assert invoke(runner, "split", pictures, "--frac", "0.2", "--out", out).exit_code == 0
    payload = json.loads(invoke(runner, "evaluate", out, "--json", "--random", "3").stdout)
    apart = payload["apart"]
    assert apart["size"]["measure"] == "total intensity"
    assert apart["size"]["test_median"] < apart["size"]["train_median"]  # the darkest images
    assert apart["classes_without_test_rows"] == ["dog", "fox"]
    assert len(apart["features"]) == 3 and all(f["effect_size"] < 0 for f in apart["features"])
    text = invoke(runner, "evaluate", out, "--random", "3").stdout
    assert "test images are darker: median total intensity" in text
    assert "2 class(es) with no test rows: dog, fox" in text
    assert "On the card's criterion, balanced accuracy, the model scores" in text
    assert ".." not in text.splitlines()[0]  # the data's path without detours
    card = (out / "README.md").read_text()
    assert "## What sets the test set apart" in card and "test images are darker" in card
