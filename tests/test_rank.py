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
