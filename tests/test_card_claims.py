"""The claims a benchmark card and ``evaluate`` make, checked in CI by a second computation
that shares no code with benchmake (pandas, NumPy, SciPy and scikit-learn in this file):

* the card's baseline (kNN, k = 5, on min-max scaled features) on the split, and on each of
  the 20 seeded random splits of the same size, value by value;
* the split's statistics (t-test and KS p-values, Wasserstein distance) as ``evaluate``
  reports them, and that the split beats random splits on them.

The input is the frozen archive's generated 900-row table; its split is pinned in
``tests/golden/splits/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from benchmake_cli.bundle.card import read_card_header

from .conftest import ROOT, invoke

DATA = ROOT / "tests" / "golden" / "bundles" / "wide900_cli_sharded" / "wide900.csv"
GOLDEN = ROOT / "tests" / "golden" / "splits" / "wide900__benchmake-cli.test.txt"
FEATURES = ["f1", "f2", "f3", "f4", "f5", "f6"]
RANDOM_SPLITS, CARD_SEED = 20, 0


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("claims") / "splits"
    result = invoke(
        CliRunner(), "split", DATA, "--frac", "0.2", "--out", out,
        "--target", "y", "--id-col", "sample_id", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def table() -> tuple[np.ndarray, np.ndarray]:
    """The features, min-max scaled here, and the target."""
    frame = pd.read_csv(DATA)
    X = frame[FEATURES].to_numpy(dtype=float)
    span = X.max(axis=0) - X.min(axis=0)
    return (X - X.min(axis=0)) / span, frame["y"].to_numpy(dtype=float)


def _rows(path: Path) -> np.ndarray:
    return np.array([int(v) for v in path.read_text().split()])


def _knn_rmse(X: np.ndarray, y: np.ndarray, test: np.ndarray) -> float:
    neighbors = pytest.importorskip("sklearn.neighbors")
    train = np.setdiff1d(np.arange(len(y)), test)
    model = neighbors.KNeighborsRegressor(n_neighbors=5, algorithm="brute")
    model.fit(X[train], y[train])
    return float(np.sqrt(np.mean((y[test] - model.predict(X[test])) ** 2)))


def _card_random_splits(n: int, k: int) -> list[np.ndarray]:
    """The card's random splits as its text defines them: seed 0, one NumPy stream, each
    drawn without replacement."""
    rng = np.random.default_rng(CARD_SEED)
    return [np.sort(rng.choice(n, size=k, replace=False)) for _ in range(RANDOM_SPLITS)]


def test_the_split_is_the_pinned_golden(bundle: Path) -> None:
    assert (bundle / "test_indices.txt").read_bytes() == GOLDEN.read_bytes()


def test_the_cards_baseline_on_the_split(bundle: Path, table) -> None:  # type: ignore[no-untyped-def]
    X, y = table
    expected = _knn_rmse(X, y, _rows(bundle / "test_indices.txt"))
    header = read_card_header(bundle)
    assert header is not None and header["metric"] == "rmse"
    assert header["baseline"] == pytest.approx(expected, rel=1e-9)
    card = (bundle / "README.md").read_text()
    assert f"- RMSE on this split: **{expected:.4f}**" in card


def test_the_cards_baselines_on_the_twenty_random_splits(bundle: Path, table) -> None:  # type: ignore[no-untyped-def]
    from benchmake_cli.encode import EncodeOptions
    from benchmake_cli.pipeline.whole import prepare
    from benchmake_cli.tasks.card import card_scores

    X, y = table
    test = _rows(bundle / "test_indices.txt")
    expected = [_knn_rmse(X, y, rows) for rows in _card_random_splits(len(y), test.size)]
    prepared = prepare(DATA, None, EncodeOptions(target="y", id_columns=("sample_id",)))
    baseline = card_scores(prepared, test).baseline
    assert baseline is not None
    assert baseline.random_values == pytest.approx(expected, rel=1e-9)
    card = (bundle / "README.md").read_text()
    line = next(ln for ln in card.splitlines() if "on 20 random splits of the same size" in ln)
    mean, std = (float(v) for v in re.findall(r": (\d+\.\d{4}) ± (\d+\.\d{4})", line)[0])
    assert mean == pytest.approx(np.mean(expected), abs=5e-5)
    assert std == pytest.approx(np.std(expected, ddof=1), abs=5e-5)
    assert "pool of 900 rows" in line
    # the split is harder for the baseline than any random split
    assert _knn_rmse(X, y, test) > max(expected)


def _statistics(X: np.ndarray, test: np.ndarray) -> dict[str, np.ndarray]:
    """Per-feature t-test (Welch) and KS p-values and Wasserstein distances, by SciPy."""
    train = np.setdiff1d(np.arange(len(X)), test)
    a, b = X[train], X[test]
    return {
        "t_test_p": stats.ttest_ind(a, b, axis=0, equal_var=False).pvalue,
        "ks_p": np.array([stats.ks_2samp(a[:, j], b[:, j], method="asymp").pvalue for j in range(X.shape[1])]),
        "wasserstein": np.array([stats.wasserstein_distance(a[:, j], b[:, j]) for j in range(X.shape[1])]),
    }  # fmt: skip


def test_the_split_beats_random_on_the_statistics(bundle: Path, table) -> None:  # type: ignore[no-untyped-def]
    X, _ = table
    test = _rows(bundle / "test_indices.txt")
    result = invoke(
        CliRunner(), "evaluate", bundle, "--data", DATA, "--random", str(RANDOM_SPLITS),
        "--json", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    reported = json.loads(result.stdout)["statistics"]
    mine = _statistics(X, test)
    for name, values in mine.items():
        assert reported["split"]["per_feature"][name] == pytest.approx(values, rel=1e-6, abs=1e-12)
        assert reported["split"]["aggregate"][name] == pytest.approx(values.mean(), rel=1e-6)
    # random splits of our own (another seed and stream): the split is more different
    rng = np.random.default_rng(20261207)
    randoms = [_statistics(X, np.sort(rng.permutation(len(X))[: test.size])) for _ in range(20)]
    for name, higher_is_harder in (("t_test_p", False), ("ks_p", False), ("wasserstein", True)):
        split_value = mine[name].mean()
        random_mean = np.mean([r[name].mean() for r in randoms])
        assert (split_value > random_mean) if higher_is_harder else (split_value < random_mean)
        assert reported["beats_random"][name] is True
    assert reported["beats_random_count"] == 7
    assert reported["random"]["count"] == RANDOM_SPLITS
    # evaluate's random splits are the documented stream too (--random-seed 0)
    tool_rng = np.random.default_rng(0)
    first = np.sort(tool_rng.choice(len(X), size=test.size, replace=False))
    assert reported["random"]["values"]["t_test_p"][0] == pytest.approx(
        _statistics(X, first)["t_test_p"].mean(), rel=1e-6
    )


def test_croissant_names_the_columns_of_a_written_table(bundle: Path) -> None:
    # a CSV with a header: each side's record set lists the table's columns as fields,
    # not one field of row numbers
    metadata = json.loads((bundle / "croissant.json").read_text())
    fields = {
        record["@id"]: [field["name"] for field in record.get("field", [])]
        for record in metadata["recordSet"]
    }
    columns = ["sample_id", *FEATURES, "y"]
    assert fields["train"][: len(columns)] == columns
    assert fields["test"][: len(columns)] == columns
