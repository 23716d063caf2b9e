"""``evaluate --rank``: the model panel's ranking on this split and on random splits."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli.tasks.rank import PANEL, kendall_tau, ranks_of

from .conftest import SAMPLE, invoke

DATA = SAMPLE / "alloys.csv"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rank") / "splits"
    result = invoke(
        CliRunner(), "split", DATA, "--frac", "0.2", "--out", out,
        "--target", "phase", "--id-col", "alloy_id",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


def test_ranks_and_tau() -> None:
    assert ranks_of(np.array([3.0, 1.0, 2.0, np.nan]), higher_is_better=False).tolist() == [
        3,
        1,
        2,
        4,
    ]
    assert kendall_tau(np.array([1, 2, 3, 4]), np.array([4, 3, 2, 1])) == -1.0
    assert kendall_tau(np.array([1, 2, 3, 4]), np.array([1, 2, 3, 4])) == 1.0
    scipy_stats = pytest.importorskip("scipy.stats")
    a, b = np.array([1, 2, 2, 4]), np.array([2, 1, 3, 4])
    assert kendall_tau(a, b) == pytest.approx(scipy_stats.kendalltau(a, b).statistic)


def test_rank_reports_every_model_on_each_split(bundle: Path) -> None:
    pytest.importorskip("sklearn")
    result = invoke(
        CliRunner(), "evaluate", bundle, "--data", DATA, "--rank", "--random", "2",
        "--metric", "accuracy", "--json", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rank = json.loads(result.stdout)["rank"]
    assert rank["metric"] == "accuracy" and rank["random_splits"] == 2
    assert sorted(rank["models"]) == sorted(PANEL)
    for model in rank["models"].values():
        assert 0.0 <= model["split"] <= 1.0 and 1 <= model["split_rank"] <= 4
    assert sorted(m["split_rank"] for m in rank["models"].values())[0] == 1
    assert len(rank["kendall_tau_per_random_split"]) == 2
    again = invoke(
        CliRunner(), "evaluate", bundle, "--data", DATA, "--rank", "--random", "2",
        "--metric", "accuracy", "--json", "-q",
    )  # fmt: skip
    assert json.loads(again.stdout)["rank"] == rank  # fixed seeds


#: the panel's ranking on the sample alloys' split (target phase, accuracy), pinned:
#: 1 = best, equal scores share the better rank
PINNED_SPLIT_RANKS = {"gradient_boosting": 1, "random_forest": 1, "linear": 3, "knn": 4}
PINNED_RANDOM_MEAN_RANKS = {
    "gradient_boosting": 1.0, "random_forest": 1.0, "linear": 3.5, "knn": 3.5,
}  # fmt: skip
NUMBERS = ["fe", "ni", "cr", "mo", "c", "anneal_temp_c", "cooling_rate_k_s", "hardness_hv"]


def _panel_accuracy(X: np.ndarray, y: np.ndarray, test: np.ndarray) -> dict[str, float]:
    """The panel's accuracy on one split, by scikit-learn directly (no benchmake code)."""
    from sklearn import ensemble, linear_model, neighbors

    models = {
        "knn": neighbors.KNeighborsClassifier(5),
        "linear": linear_model.LogisticRegression(max_iter=1000),
        "random_forest": ensemble.RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1),
        "gradient_boosting": ensemble.HistGradientBoostingClassifier(max_iter=100, random_state=0),
    }  # fmt: skip
    train = np.setdiff1d(np.arange(len(y)), test)
    return {
        name: float(np.mean(model.fit(X[train], y[train]).predict(X[test]) == y[test]))
        for name, model in models.items()
    }


def test_rank_order_is_pinned_and_recomputed_independently(bundle: Path) -> None:
    pytest.importorskip("sklearn")
    import pandas as pd
    from scipy.stats import rankdata

    result = invoke(
        CliRunner(), "evaluate", bundle, "--data", DATA, "--rank", "--random", "2",
        "--metric", "accuracy", "--json", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["feature_names"] == NUMBERS
    models = payload["rank"]["models"]
    assert {name: m["split_rank"] for name, m in models.items()} == PINNED_SPLIT_RANKS
    assert {name: m["random_mean_rank"] for name, m in models.items()} == PINNED_RANDOM_MEAN_RANKS
    frame = pd.read_csv(DATA)
    X = frame[NUMBERS].to_numpy(dtype=float)
    X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    test = np.array([int(v) for v in (bundle / "test_indices.txt").read_text().split()])
    mine = _panel_accuracy(X, frame["phase"].to_numpy(), test)
    assert {name: m["split"] for name, m in models.items()} == pytest.approx(mine)
    ranks = rankdata([-mine[name] for name in PANEL], method="min")
    assert dict(zip(PANEL, ranks.tolist(), strict=True)) == PINNED_SPLIT_RANKS


def test_rank_needs_scikit_learn(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    result = invoke(CliRunner(), "evaluate", bundle, "--data", DATA, "--rank", "-q")
    assert result.exit_code == 10
    assert result.stderr == (
        "benchmake: error: evaluate --rank needs scikit-learn: "
        "pip install 'benchmake-cli[models]'\n"
    )


def test_rank_and_metric_usage(bundle: Path) -> None:
    alone = invoke(CliRunner(), "evaluate", bundle, "--data", DATA, "--metric", "f1", "-q")
    assert alone.exit_code == 2
    assert alone.stderr == "benchmake: error: --metric: only with --rank\n"
    test_file = bundle / "test_indices.txt"
    data_form = invoke(
        CliRunner(), "evaluate", DATA, "--test-indices", test_file, "--target", "phase",
        "--id-col", "alloy_id", "--rank", "-q",
    )  # fmt: skip
    assert data_form.exit_code == 2
    assert data_form.stderr == (
        "benchmake: error: --rank: needs a manifest (its target and split) as SOURCE\n"
    )
