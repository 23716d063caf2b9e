"""The benchmark card: README.md and croissant.json beside every split, bound to its
manifest, deterministic, loadable by mlcroissant; the metrics they name; docs/example.py."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli.analysis import metrics
from benchmake_cli.bundle.card import read_card_header
from benchmake_cli.encode import EncodeOptions
from benchmake_cli.pipeline.whole import prepare
from benchmake_cli.tasks.card import card_scores

from .conftest import ROOT, SAMPLE, invoke, shared_dataset

ALLOYS = ("--target", "hardness_hv", "--id-col", "alloy_id")
#: the README's sample commands: every sample_data/ input, as split reads it
SAMPLE_SPLITS = [
    ("alloys.csv", ALLOYS),
    ("alloys.parquet", ALLOYS),
    ("shapes.npz", ("--key", "train_images", "--target-key", "train_labels")),
    ("shapes.h5", ("--key", "images", "--target-key", "labels")),
    ("shapes.npy", ()),
    ("shapes_png", ()),
    ("micrographs", ("--image-size", "16x16", "--mode", "L")),
    ("molecules.smi", ()),
    ("molecules.csv", ("--sequence-col", "smiles", "--tokens", "smiles", "--id-col", "name")),
    ("proteins.fasta", ("--kmer", "2")),
    ("peptides.txt", ("--type", "sequence")),
    ("vibration.npy", ()),
    ("vibration_npy", ()),
    ("vibration_csv", ("--resample", "64")),
    ("molgraphs", ()),
    ("graph_nodes.csv", ("--type", "graph", "--id-col", "graph")),
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _split(out: Path, name: str = "alloys.csv", *extra: str) -> Path:
    result = invoke(CliRunner(), "split", SAMPLE / name, "--frac", "0.2", "--out", out, *extra)
    assert result.exit_code == 0, result.stderr
    return out


def test_metrics_by_hand() -> None:
    y = np.array([0, 0, 0, 1, 1, 2])
    p = np.array([0, 1, 0, 1, 2, 2])
    assert metrics.accuracy(y, p) == pytest.approx(4 / 6)
    assert metrics.balanced_accuracy(y, p) == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)
    # per class F1: 0: 2·2/(4+0+1) = 0.8; 1: 2/(2+1+1) = 0.5; 2: 2/(2+1+0) = 2/3
    assert metrics.f1(y, p) == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert metrics.f1(np.array(["a", "b", "b"]), np.array(["b", "b", "a"])) == pytest.approx(0.5)
    assert metrics.roc_auc(np.array([1, 1, 2, 2]), np.array([0.2, 0.5, 0.5, 0.9])) == 0.875
    assert metrics.rmse(np.array([0.0, 0.0]), np.array([3.0, 4.0])) == pytest.approx(12.5**0.5)
    assert metrics.mae(np.array([0.0, 0.0]), np.array([3.0, -4.0])) == 3.5
    assert metrics.r2(np.array([1.0, 1.0]), np.array([1.0, 2.0])) == 0.0


def test_metrics_match_scikit_learn() -> None:
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    for classes in (2, 4):
        y, p = rng.integers(0, classes, 300), rng.integers(0, classes, 300)
        scores = rng.random((300, classes))
        scores /= scores.sum(axis=1, keepdims=True)
        assert metrics.balanced_accuracy(y, p) == pytest.approx(sk.balanced_accuracy_score(y, p))
        average = "binary" if classes == 2 else "macro"
        assert metrics.f1(y, p) == pytest.approx(sk.f1_score(y, p, average=average))
        expected = (
            sk.roc_auc_score(y, scores[:, 1])
            if classes == 2
            else sk.roc_auc_score(y, scores, multi_class="ovr")
        )
        got = metrics.roc_auc(y, scores[:, 1] if classes == 2 else scores, np.arange(classes))
        assert got == pytest.approx(expected)
    t, q = rng.normal(size=50), rng.normal(size=50)
    assert metrics.r2(t, q) == pytest.approx(sk.r2_score(t, q))


def test_split_writes_a_card_bound_to_its_manifest(tmp_path: Path) -> None:
    first = _split(tmp_path / "a" / "out", "alloys.csv", *ALLOYS)
    again = _split(tmp_path / "b" / "out", "alloys.csv", *ALLOYS)
    manifest = json.loads((first / "manifest.json").read_text())
    assert "README.md" not in manifest["files"] and "croissant.json" not in manifest["files"]
    header = read_card_header(first)
    assert header is not None and header["manifest_sha256"] == _sha(first / "manifest.json")
    assert header["metric"] == "rmse"
    for name in ("README.md", "croissant.json", "manifest.json"):
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
    card = (first / "README.md").read_text()
    assert "- Metric: **RMSE** (`rmse`), lower is better" in card
    assert "- RMSE on this split: **" in card and "on 20 random splits of the same size" in card
    assert manifest["input"]["sha256"] in card and "benchmake verify manifest.json" in card
    croissant = json.loads((first / "croissant.json").read_text())
    files = {f["name"]: f["sha256"] for f in croissant["distribution"]}
    assert files == {
        "manifest.json": _sha(first / "manifest.json"),
        **{name: entry["sha256"] for name, entry in manifest["files"].items()},
    }
    verified = invoke(CliRunner(), "verify", first, "--data", SAMPLE / "alloys.csv")
    assert verified.exit_code == 0, verified.stdout


def test_card_without_target_has_no_criterion_and_score_refuses(tmp_path: Path) -> None:
    out = _split(tmp_path / "out", "alloys.csv", "--id-col", "alloy_id")
    card = (out / "README.md").read_text()
    assert "No criterion: the split records no target" in card
    assert "metric" not in (read_card_header(out) or {})
    (tmp_path / "p.txt").write_text("1\n" * 60)
    result = invoke(CliRunner(), "score", out, tmp_path / "p.txt", "--data", SAMPLE / "alloys.csv")
    assert result.exit_code == 5
    assert result.stderr == (
        f"benchmake: error: {out / 'manifest.json'}: no criterion: the split records no "
        "target, so there is nothing to score; split again with --target COLUMN\n"
    )


def test_card_command_rewrites_with_another_metric(tmp_path: Path) -> None:
    out = _split(tmp_path / "out", "alloys.csv", "--target", "phase", "--id-col", "alloy_id")
    assert read_card_header(out)["metric"] == "balanced_accuracy"  # type: ignore[index]
    result = invoke(
        CliRunner(), "card", out, "--metric", "f1", "--data", SAMPLE / "alloys.csv", "--json"
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["metric"] == "f1" and payload["target"] == "phase"
    assert read_card_header(out)["metric"] == "f1"  # type: ignore[index]
    assert "- Classes: `bcc`, `bcc+fcc`, `fcc`" in (out / "README.md").read_text()
    wrong = invoke(CliRunner(), "card", out, "--metric", "rmse", "--data", SAMPLE / "alloys.csv")
    assert wrong.exit_code == 5
    assert wrong.stderr == (
        "benchmake: error: --metric rmse: is a regression metric; the target 'phase' is a "
        "classification target (use one of accuracy, balanced_accuracy, f1, roc_auc)\n"
    )


def test_large_inputs_defer_the_baseline_to_the_card_command() -> None:
    options = EncodeOptions(target="hardness_hv", id_columns=("alloy_id",))
    prepared = prepare(SAMPLE / "alloys.csv", None, options)
    scores = card_scores(prepared, np.arange(0, 300, 5), max_cells=100)
    assert scores.criterion is not None and scores.baseline is None
    assert scores.notes == (
        "Baseline not computed at split time: 300 × 10 encoded values exceed 100.",
    )
    test = np.arange(0, 300, 5)
    full = card_scores(prepared, test)
    assert full.baseline is not None
    # each of the 20 random baselines, recomputed by scikit-learn on the card's random splits
    # (seed 0, one NumPy stream): not only 20 numbers, the right ones
    rng = np.random.default_rng(0)
    randoms = [np.sort(rng.choice(300, size=test.size, replace=False)) for _ in range(20)]
    expected = [_sklearn_knn_rmse(rows) for rows in randoms]
    assert full.baseline.random_values == pytest.approx(expected, rel=1e-9)
    assert full.baseline.value == pytest.approx(_sklearn_knn_rmse(test), rel=1e-9)


def _sklearn_knn_rmse(test: np.ndarray) -> float:
    """The card's baseline on the sample alloys, by pandas and scikit-learn alone: kNN
    (k = 5) on the min-max scaled numbers and one-hot phase, RMSE of hardness_hv."""
    neighbors = pytest.importorskip("sklearn.neighbors")
    frame = pd.read_csv(SAMPLE / "alloys.csv")
    X = pd.get_dummies(frame.drop(columns=["alloy_id", "hardness_hv"]), dtype=float)
    values = X.to_numpy(dtype=float)
    values = (values - values.min(axis=0)) / (values.max(axis=0) - values.min(axis=0))
    y = frame["hardness_hv"].to_numpy(dtype=float)
    train = np.setdiff1d(np.arange(len(y)), test)
    model = neighbors.KNeighborsRegressor(5, algorithm="brute").fit(values[train], y[train])
    return float(np.sqrt(np.mean((y[test] - model.predict(values[test])) ** 2)))


@pytest.mark.parametrize(("name", "options"), SAMPLE_SPLITS, ids=[s[0] for s in SAMPLE_SPLITS])
def test_every_sample_split_carries_a_card_that_mlcroissant_loads(
    tmp_path: Path, name: str, options: tuple[str, ...]
) -> None:
    mlc = pytest.importorskip("mlcroissant")
    logging.getLogger("absl").setLevel(logging.ERROR)
    out = _split(tmp_path / "out", name, *options)
    card = (out / "README.md").read_text()
    assert card.startswith("---\n") and "\n---\n<!-- benchmake-card " in card
    dataset = mlc.Dataset(jsonld=str(out / "croissant.json"))
    manifest = json.loads((out / "manifest.json").read_text())
    for side in ("train", "test"):
        records = list(dataset.records(record_set=side))
        rows = [int(r) for r in (out / f"{side}_indices.txt").read_text().split()]
        assert len(records) == len(rows) == manifest["split"][f"n_{side}"]
        if f"{side}/row" in records[0]:
            assert [int(r[f"{side}/row"]) for r in records] == rows
            continue
        table = next(out.glob(f"{side}.*"))
        written = pd.read_parquet(table) if table.suffix == ".parquet" else pd.read_csv(table)
        for column in written.columns:
            got = [r[f"{side}/{column}"] for r in records]
            got = [v.decode() if isinstance(v, bytes) else v for v in got]
            expected = [None if v != v else v for v in written[column].tolist()]  # NaN: empty
            assert got == expected, column


def test_example_implementation_reproduces_the_card_baseline(tmp_path: Path) -> None:
    out = _split(tmp_path / "out", "alloys.csv", *ALLOYS)
    header = read_card_header(out)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "docs" / "example.py"),
            str(out),
            "--data",
            str(SAMPLE / "alloys.csv"),
            "--out",
            str(tmp_path / "predictions.csv"),
        ],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    value = f"{header['baseline']:.4f}"  # type: ignore[index]
    assert f"   1  {tmp_path / 'predictions.csv'}" in done.stdout
    assert done.stdout.count(value) == 2, done.stdout  # the model's row and the baseline's


@pytest.mark.shared
def test_german_credit_card_states_balanced_accuracy(tmp_path: Path) -> None:
    data = shared_dataset("german_credit", "german.data-numeric")
    result = invoke(
        CliRunner(), "split", data, "--frac", "0.2", "--out", tmp_path / "out",
        "--no-header", "--target", "24",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    card = (tmp_path / "out" / "README.md").read_text()
    assert "- Target: `24` (classification)" in card and "- Classes: `1`, `2`" in card


def test_sharded_split_card_defers_to_the_card_command(tmp_path: Path) -> None:
    numbers = "fe,ni,cr,mo,c,anneal_temp_c,cooling_rate_k_s"
    out = _split(
        tmp_path / "out", "alloys.csv", *ALLOYS, "--shard-rows", "100", "--features", numbers
    )
    card = (out / "README.md").read_text()
    assert "- Target: `hardness_hv`; the task and metric are stated by `benchmake card" in card
    assert "computed in shards from a large table, never read whole" in card
    assert "No criterion" not in card and "metric" not in (read_card_header(out) or {})
    result = invoke(CliRunner(), "card", out, "--data", SAMPLE / "alloys.csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("RMSE: baseline ")
    assert "- RMSE on this split: **" in (out / "README.md").read_text()
