"""``--method benchmake-1.1.2``: the reference's split through the whole tool (split, manifest,
verify, ``--reference-indices``), compared with the real reference package where installed."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli import split_file, verify_manifest
from benchmake_cli.encode import Encoded
from benchmake_cli.errors import ExitCode, ParameterError
from benchmake_cli.method.registry import get_method
from benchmake_cli.method.split import SplitParameters

from .conftest import SAMPLE, invoke, shared_dataset

METHOD = "benchmake-1.1.2"
FRACTIONS = (0.1, 0.2, 0.3)
ALLOY_NUMBERS = ["fe", "ni", "cr", "mo", "c", "anneal_temp_c", "cooling_rate_k_s"]


def reference_split(data: Any, frac: float, data_type: str) -> tuple[np.ndarray, np.ndarray]:
    """The real reference's split: (test rows as the input's row numbers, test positions as it
    returns them). Rows are mapped through its own hash order (for sequences: of the strings,
    which is the order its X_test follows)."""
    bench_module = pytest.importorskip("benchmake.BenchMake")
    bench = bench_module.BenchMake(n_jobs=1)
    labels = np.arange(len(data))
    _, positions = bench.partition(
        data, labels, test_size=frac, data_type=data_type, return_indices=True
    )
    _, hash_order = bench._order_data_by_hash(data, labels)
    return np.sort(np.asarray(hash_order)[positions]), np.asarray(positions)


def _indices(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().splitlines()]


def _alloy_matrix(frame: pd.DataFrame) -> np.ndarray:
    """The alloys' numeric columns, then one 0/1 column per phase in sorted order."""
    numbers = frame[ALLOY_NUMBERS].astype(float).to_numpy()
    phases = sorted(set(frame["phase"]))
    one_hot = np.stack([(frame["phase"] == p).to_numpy(float) for p in phases], axis=1)
    return np.hstack([numbers, one_hot])


# --- the command line: split, manifest, verify -----------------------------------------------


def test_cli_split_and_verify_alloys(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "splits"
    result = invoke(
        runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", out,
        "--features", ",".join(ALLOY_NUMBERS), "--method", METHOD, "--reference-indices",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "croissant.json",
        "manifest.json",
        "reference_test_indices.txt",
        "reference_train_indices.txt",
        "test.csv",
        "test_indices.txt",
        "train.csv",
        "train_indices.txt",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"] == {
        "name": METHOD,
        "version": 1,
        "parameters": {
            "data_type": "tabular",
            "dtype": "float32",
            "frac": 0.2,
            "iterations": 200,
            "k": 60,
            "reference": "benchmake==1.1.2 BenchMake().partition, CPU path",
            "seed": 42,
        },
    }
    assert set(manifest["files"]) >= {"reference_test_indices.txt", "reference_train_indices.txt"}
    assert manifest["split"]["reference_test_indices"] == "reference_test_indices.txt"
    assert "blas" in manifest["info"]
    test, reference_test = (
        _indices(out / "test_indices.txt"),
        _indices(out / "reference_test_indices.txt"),
    )
    assert len(test) == len(reference_test) == 60
    assert reference_test == sorted(reference_test)
    reference_train = _indices(out / "reference_train_indices.txt")
    assert sorted(reference_test + reference_train) == list(range(300))

    checked = invoke(runner, "verify", out, "--data", SAMPLE / "alloys.csv")
    assert checked.exit_code == 0, checked.stdout
    assert "ok    manifest: benchmake-manifest/1, method benchmake-1.1.2 v1" in checked.stdout
    assert checked.stdout.splitlines()[-1] == "verified"

    frame = pd.read_csv(SAMPLE / "alloys.csv")
    rows, positions = reference_split(frame[ALLOY_NUMBERS].to_numpy(), 0.2, "tabular")
    assert test == rows.tolist()
    assert reference_test == positions.tolist()


def test_cli_split_and_verify_npy(runner: CliRunner, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    images = rng.integers(0, 255, size=(40, 6, 5), dtype=np.uint8)
    images[7] = images[2]  # a repeated image
    data = tmp_path / "images.npy"
    np.save(data, images)
    out = tmp_path / "splits"
    result = invoke(
        runner, "split", data, "--frac", "0.3", "--out", out, "--method", METHOD, "--json"
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["method"], summary["n_test"], summary["k"]) == (METHOD, 12, 12)
    assert (
        "reference_test_indices.txt" not in json.loads((out / "manifest.json").read_text())["files"]
    )
    assert np.array_equal(np.load(out / "test.npy"), images[_indices(out / "test_indices.txt")])
    assert invoke(runner, "verify", out, "--data", data).exit_code == 0

    rows, _ = reference_split(images, 0.3, "image")
    assert _indices(out / "test_indices.txt") == rows.tolist()


def test_float_ceiling_gives_the_reference_k(tmp_path: Path) -> None:
    """50 × 0.14 is 7.000000000000001 in floating point: the reference takes 8 test rows."""
    rng = np.random.default_rng(5)
    data = rng.normal(size=(50, 3))
    np.save(tmp_path / "d.npy", data)
    ours = split_file(tmp_path / "d.npy", frac=0.14)
    result = split_file(tmp_path / "d.npy", frac=0.14, method=METHOD)
    assert (ours.n_test, result.n_test, result.manifest["method"]["parameters"]["k"]) == (7, 8, 8)
    rows, _ = reference_split(data, 0.14, "tabular")
    assert result.test.tolist() == rows.tolist()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ("--method", METHOD, "--device", "gpu"),
            "--device gpu: --method benchmake-1.1.2 runs on the CPU only (its float32 products "
            "in the reference's order decide the split); use --device cpu",
        ),
        (
            ("--reference-indices",),
            "--reference-indices: --method benchmake-cli has no reference order; "
            "use it with --method benchmake-1.1.2",
        ),
        (
            ("--method", METHOD, "--seed", "7"),
            "--seed 7: --method benchmake-1.1.2 always uses seed 42, like the reference; "
            "leave --seed out",
        ),
        (
            ("--method", METHOD, "--tol", "0"),
            "--tol 0.0: --method benchmake-1.1.2 always has no tolerance (it runs 200 "
            "iterations), like the reference; leave --tol out",
        ),
        (
            ("--method", "benchmake-2"),
            "--method 'benchmake-2' is not one of benchmake-cli, benchmake-1.1.2, benchmake-hull",
        ),
    ],
)
def test_refused_combinations(
    runner: CliRunner, tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "splits"
    result = invoke(
        runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", out,
        "--target", "hardness_hv", "--id-col", "alloy_id", *extra,
    )  # fmt: skip
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert result.stderr == f"benchmake: error: {message}\n"
    assert not out.exists()


def test_device_auto_runs_on_the_cpu(tmp_path: Path) -> None:
    result = split_file(
        SAMPLE / "alloys.parquet", frac=0.2, method=METHOD, device="auto", target="hardness_hv",
        id_columns=["alloy_id"],
    )  # fmt: skip
    assert result.manifest["info"]["device"] == "cpu"


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A benchmake-1.1.2 split of the sample alloys, with the reference indices."""
    out = tmp_path / "splits"
    split_file(
        SAMPLE / "alloys.csv", frac=0.2, out=out, target="hardness_hv", id_columns=["alloy_id"],
        method=METHOD, reference_indices=True,
    )  # fmt: skip
    return out / "manifest.json"


def _edit_manifest(manifest: Path, section: str, key: str, value: Any) -> None:
    content = json.loads(manifest.read_text())
    content[section][key] = value
    manifest.write_text(json.dumps(content))


def test_verify_names_an_edited_fixed_parameter(runner: CliRunner, published: Path) -> None:
    content = json.loads(published.read_text())
    content["method"]["parameters"]["seed"] = 5
    published.write_text(json.dumps(content))
    result = invoke(runner, "verify", published, "--data", SAMPLE / "alloys.csv")
    assert result.exit_code == ExitCode.VERIFY_FAILED
    assert "FAIL  record: method.parameters.seed recorded 5, recomputed 42\n" in result.stdout


def test_verify_fails_when_the_fraction_is_edited(runner: CliRunner, published: Path) -> None:
    content = json.loads(published.read_text())
    content["method"]["parameters"]["frac"] = 0.3
    published.write_text(json.dumps(content))
    result = invoke(runner, "verify", published, "--data", SAMPLE / "alloys.csv")
    assert result.exit_code == ExitCode.VERIFY_FAILED
    assert (
        "FAIL  split: recomputed with method benchmake-1.1.2, frac=0.3 (200 float32 iterations, "
        "seed 42): 90 test rows, manifest records 60; the test set's content differs"
        in result.stdout
    )


def test_verify_names_an_edited_reference_index_file(runner: CliRunner, published: Path) -> None:
    indices = published.parent / "reference_test_indices.txt"
    positions = indices.read_text().split()
    indices.write_text("\n".join(["0" if positions[0] != "0" else "1", *positions[1:]]) + "\n")
    result = invoke(runner, "verify", published, "--data", SAMPLE / "alloys.csv")
    assert result.exit_code == ExitCode.VERIFY_FAILED
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("FAIL  split: reference_test_indices.txt differs from the recomputed split")
        for line in lines
    )
    assert "FAIL  files: changed since the split: reference_test_indices.txt (SHA-256 differs)" in (
        lines
    )


def test_verify_refuses_an_unknown_method(runner: CliRunner, published: Path) -> None:
    content = json.loads(published.read_text())
    content["method"]["version"] = 2
    published.write_text(json.dumps(content))
    result = invoke(runner, "verify", published, "--data", SAMPLE / "alloys.csv")
    assert result.exit_code == ExitCode.BAD_MANIFEST
    assert "method 'benchmake-1.1.2' version 2 is not one this benchmake computes" in result.stderr


def test_verify_reports_a_different_blas(published: Path) -> None:
    """A test set that differs, made on another BLAS: the report says why it may differ."""
    content = json.loads(published.read_text())
    content["info"]["blas"] = "mkl 2020.0 (Skylake)"
    content["split"]["test_content_sha256"] = "0" * 64
    published.write_text(json.dumps(content))
    report = verify_manifest(published, data=SAMPLE / "alloys.csv")
    split_check = next(check for check in report.checks if check.name == "split")
    assert not split_check.ok
    assert "split made with BLAS mkl 2020.0 (Skylake), this machine has" in split_check.message


# --- the method on its own: modalities and the sequence path ----------------------------------


def _sequence_encoded(texts: list[str]) -> Encoded:
    """A sequence input as a reader would give it (``X`` is not what this method uses)."""
    return Encoded(
        X=np.zeros((len(texts), 1)),
        rows=np.arange(len(texts)),
        feature_names=["unused"],
        modality="sequence",
        sequences=texts,
    )


def test_sequences_use_the_reference_counts() -> None:
    texts = [
        f"C{'N' * (i % 5)}O{'c1ccccc1' * (i % 3)}{'  ' if i % 4 == 0 else ''}S" for i in range(40)
    ]
    texts[5] = texts[4][::-1]  # an anagram: same counts, different string
    split = get_method(METHOD).split(_sequence_encoded(texts), SplitParameters(frac=0.2))
    assert split.parameters["data_type"] == "sequential" and len(split.test) == 8
    rows, positions = reference_split(texts, 0.2, "sequential")
    assert split.test.tolist() == rows.tolist()
    assert get_method(METHOD).extra_indices(split)["reference_test_indices"].tolist() == (
        positions.tolist()
    )


def test_unknown_modality_is_refused() -> None:
    encoded = Encoded(X=np.eye(5), rows=np.arange(5), feature_names=list("abcde"), modality="x")
    with pytest.raises(ParameterError, match="cannot split x inputs; it handles tabular, image"):
        get_method(METHOD).check(encoded, SplitParameters(frac=0.2))


# --- the real reference on every sample file and the shared real data sets --------------------


@pytest.mark.parametrize("name", ["alloys.csv", "alloys.parquet"])
@pytest.mark.parametrize("frac", FRACTIONS)
def test_sample_data_matches_the_reference(name: str, frac: float) -> None:
    """One-hot phase included: the tool's encoding fed to the reference gives the same split."""
    result = split_file(
        SAMPLE / name, frac=frac, target="hardness_hv", id_columns=["alloy_id"], method=METHOD
    )
    rows, positions = reference_split(
        _alloy_matrix(pd.read_csv(SAMPLE / "alloys.csv")), frac, "tabular"
    )
    assert result.test.tolist() == rows.tolist()
    assert result.extra_indices()["reference_test_indices"].tolist() == positions.tolist()


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("frac", FRACTIONS)
def test_german_credit_matches_the_reference(frac: float) -> None:
    path = shared_dataset("german_credit", "german.data-numeric")
    result = split_file(path, frac=frac, header=False, target="24", method=METHOD)
    rows, _ = reference_split(np.loadtxt(path)[:, :24], frac, "tabular")
    assert result.test.tolist() == rows.tolist()


@pytest.mark.shared
@pytest.mark.parametrize("frac", FRACTIONS)
def test_boston_matches_the_reference(frac: float) -> None:
    path = shared_dataset("boston", "BostonHousing.csv")
    result = split_file(path, frac=frac, target="medv", method=METHOD)
    data = pd.read_csv(path).drop(columns="medv").to_numpy(dtype=float)
    rows, _ = reference_split(data, frac, "tabular")
    assert result.test.tolist() == rows.tolist()


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("frac", [0.2])
def test_bace_smiles_match_the_reference(frac: float) -> None:
    """BACE's ``mol`` column through the method's sequence path (no sequence reader yet)."""
    with shared_dataset("bace", "bace.csv").open(newline="") as handle:
        smiles = [row["mol"] for row in csv.DictReader(handle)]
    split = get_method(METHOD).split(_sequence_encoded(smiles), SplitParameters(frac=frac))
    rows, _ = reference_split(smiles, frac, "sequential")
    assert split.test.tolist() == rows.tolist()


@pytest.mark.shared
@pytest.mark.slow
def test_pneumoniamnist_matches_the_reference(tmp_path: Path) -> None:
    """The three published parts concatenated, saved as one NPY and split by the tool."""
    with np.load(shared_dataset("pneumoniamnist", "pneumoniamnist.npz")) as npz:
        images = np.concatenate([npz[f"{part}_images"] for part in ("train", "val", "test")])
    np.save(tmp_path / "pneumonia.npy", images)
    result = split_file(tmp_path / "pneumonia.npy", frac=0.1, method=METHOD)
    rows, _ = reference_split(images, 0.1, "image")
    assert result.n_test == 503
    assert result.test.tolist() == rows.tolist()


def test_thread_count_does_not_change_the_split() -> None:
    options: dict[str, Any] = {"target": "hardness_hv", "id_columns": ["alloy_id"]}
    one = split_file(SAMPLE / "alloys.csv", frac=0.3, method=METHOD, threads=1, **options)
    every = split_file(SAMPLE / "alloys.csv", frac=0.3, method=METHOD, **options)
    assert one.test.tolist() == every.test.tolist()
