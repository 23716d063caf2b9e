"""Decision margins: measured right, recorded in the manifest, warned about, and a split
whose margins are above the threshold does not change with the summation order."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli.method.margins import THRESHOLD, Margins
from benchmake_cli.method.match import match_rows, order_by_variance
from benchmake_cli.method.split import SplitParameters, split_matrix
from benchmake_cli.tasks.split import split_file

from .conftest import SAMPLE, invoke


def random_data_set(rng: np.random.Generator, kind: int) -> np.ndarray:
    """Small data sets of five kinds: plain uniform, duplicate rows, near-ties (rows equal
    up to 1e-12), small integers (exactly tied distances) and rank two."""
    n, d = int(rng.integers(20, 120)), int(rng.integers(2, 8))
    X = rng.random((n, d))
    if kind == 1:
        X[rng.integers(0, n, n // 3)] = X[rng.integers(0, n, n // 3)]
    elif kind == 2:
        base = rng.random((n // 2 + 1, d))
        X = base[rng.integers(0, len(base), n)] + rng.normal(0.0, 1e-12, (n, d))
    elif kind == 3:
        X = rng.integers(0, 4, (n, d)).astype(float)
    elif kind == 4:
        X = rng.random((n, 2)) @ rng.random((2, d))
    return X


def test_splits_agree_across_summation_orders_when_margins_are_above_the_threshold() -> None:
    """Two block sizes sum the factorization in two orders (about 1e-14 apart): 200 data
    sets, including near-ties and duplicates, give the same split whenever every margin is
    above the threshold."""
    rng = np.random.default_rng(2026)
    above = below = 0
    for i in range(200):
        X = random_data_set(rng, i % 5)
        params = SplitParameters(frac=float(rng.choice([0.1, 0.2, 0.3])))
        one = split_matrix(X, params, block_rows=7, threads=1)
        two = split_matrix(X, params, block_rows=64, threads=1)
        if one.margins.low() or two.margins.low():
            below += 1
            continue
        above += 1
        assert one.test.tolist() == two.test.tolist(), f"data set {i}: {one.margins}"
        assert one.iterations_run == two.iterations_run
    # the sample exercises both sides of the threshold
    assert above >= 150 and below >= 1, (above, below)


def test_free_row_margin_is_small_near_a_grid_boundary_and_large_otherwise() -> None:
    # row 1 is 0.4999 grid steps away (rounds to 0), row 0 one step (rounds to 1): were
    # row 1 a hair farther, both would round to 1 and row 0 win the tie
    rows = np.array([[1.0 + np.sqrt(1e-9)], [1.0 - np.sqrt(0.4999e-9)]])
    near = match_rows(rows, np.ones(2, dtype=int), np.array([[1.0]]))
    assert near.chosen.tolist() == [1] and near.margin < THRESHOLD
    # an exact tie (three rows equally far) sits mid-step: safe, the earliest row wins
    rows = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    tie = match_rows(rows, np.ones(3, dtype=int), np.array([[0.5, 0.5]]))
    assert tie.chosen.tolist() == [0] and tie.margin > THRESHOLD
    clear = match_rows(rows, np.ones(3, dtype=int), np.array([[0.9, 0.1]]))
    assert clear.chosen.tolist() == [1] and clear.margin > 0.1
    # the only row left has no competitor
    assert match_rows(rows[:1], np.ones(1, dtype=int), np.array([[0.9, 0.1]])).margin == np.inf


def test_duplicate_rows_are_no_competitors_of_each_other() -> None:
    rows = np.array([[0.0, 0.0], [1.0, 1.0]])
    result = match_rows(rows, np.array([2, 1]), np.array([[0.1, 0.1], [0.1, 0.1]]))
    assert result.chosen.tolist() == [0, 0] and result.margin > 0.1


def test_variance_order_margin() -> None:
    # 1 and 1 + 5e-10 straddle a step of the 9-digit grid of the largest variance (1.0)
    assert order_by_variance(np.array([1.0, 1.0 + 5e-10])).margin < THRESHOLD
    assert order_by_variance(np.array([1.0, 2.0, 4.0])).margin > 0.1


def test_candidate_lists_refresh_as_rows_are_taken() -> None:
    """All archetypes want the same rows: every list would run out if computed once."""
    rng = np.random.default_rng(3)
    rows = rng.random((500, 3))
    archetypes = np.tile(rows[:1], (300, 1)) + rng.normal(0, 1e-3, (300, 3))
    chosen = match_rows(rows, np.ones(500, dtype=int), archetypes, candidates=2, block=16).chosen
    # the same as choosing one at a time from every free row
    free = np.ones(500, dtype=bool)
    for j, archetype in enumerate(archetypes):
        d = np.rint(np.maximum(((rows - archetype) ** 2).sum(axis=1), 0) / 1e-9)
        d[~free] = np.inf
        assert chosen[j] == int(np.argmin(d))
        free[chosen[j]] = False


def test_manifest_records_margins_outside_the_verified_fields(tmp_path: Path) -> None:
    out = tmp_path / "split"
    args = ["split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", out]
    done = invoke(CliRunner(), *args, "--target", "hardness_hv", "--id-col", "alloy_id")
    assert done.exit_code == 0, done.stderr
    margins = json.loads((out / "manifest.json").read_text())["info"]["decision_margins"]
    assert set(margins) == {"threshold", "early_stop", "archetype_order", "free_row"}
    assert margins["threshold"] == THRESHOLD
    assert all(margins[name] > THRESHOLD for name in ("early_stop", "archetype_order"))
    verified = invoke(CliRunner(), "verify", out, "--data", SAMPLE / "alloys.csv")
    assert verified.exit_code == 0, verified.stderr
    assert "decision margins (recorded): early-stop test " in verified.stdout


def test_split_warns_on_stderr_below_the_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "ties.csv"
    data.write_text("a,b\n0,0\n1,0\n0,1\n1,1\n0.5,0.5\n2,2\n")
    low = Margins(1.0, 1.0, THRESHOLD / 10)
    monkeypatch.setattr("benchmake_cli.method.split.Margins", lambda *_: low)
    done = invoke(CliRunner(), "split", data, "--frac", "0.3", "--out", tmp_path / "o")
    assert done.exit_code == 0, done.stderr
    assert (
        "benchmake: warning: decision margin below 1e-11: "
        "the smallest free-row choice margin is 1.0e-12" in done.stderr
    )
    assert "warning" not in done.stdout


def test_sharded_split_records_each_kinds_smallest_margin_over_its_shards(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data.csv"
    X = np.random.default_rng(11).random((120, 3))
    data.write_text("a,b,c\n" + "".join(f"{a},{b},{c}\n" for a, b, c in X))
    whole = split_file(data, frac=0.2, shard_rows=0)
    sharded = split_file(data, frac=0.2, shard_rows=40)
    assert sharded.manifest["method"]["parameters"]["sharding"]["shards"] == 3
    margins = sharded.manifest["info"]["decision_margins"]
    assert set(margins) == set(whole.manifest["info"]["decision_margins"])
    assert all(isinstance(margins[name], float) for name in ("early_stop", "free_row"))
