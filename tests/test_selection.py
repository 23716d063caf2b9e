"""Selection diagnostics (what a test set selects): exact values on hand-made data, hash-order
ties, independence of row order, and their place in evaluate's report, JSON and comparison."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli.analysis.selection import SELECTION_NAMES, SelectionDiagnostics
from benchmake_cli.cli import app
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.tasks.evaluate import EvaluateSettings, evaluate_matrix

ALLOYS = Path(__file__).resolve().parents[1] / "sample_data" / "alloys.csv"


def test_values_on_a_line() -> None:
    # 20 rows on a diagonal: norms grow with the row; each feature's tails are rows 0 and 19
    X = np.repeat(np.arange(20.0)[:, None], 2, axis=1)
    diagnostics = SelectionDiagnostics(minmax_scale(X), X)
    low = diagnostics.measure(np.arange(4))
    assert low.to_dict() == {
        "nearest_origin_overlap": 1.0,
        "farthest_origin_overlap": 0.0,
        "tail_coverage_low": 1.0,
        "tail_coverage_high": 0.0,
    }
    high = diagnostics.measure(np.array([18, 19, 0, 1]))
    assert high.nearest_origin_overlap == 0.5 and high.farthest_origin_overlap == 0.5
    assert high.tail_coverage_low == 1.0 and high.tail_coverage_high == 1.0
    assert diagnostics.nearest_origin(3).tolist() == [0, 1, 2]
    assert diagnostics.farthest_origin(2).tolist() == [18, 19]


def _digest(row: tuple[float, ...]) -> bytes:
    """The row's content hash as documented (BLAKE2b, 16 bytes, of its float64 values),
    computed here with hashlib alone."""
    return hashlib.blake2b(np.asarray(row, dtype="<f8").tobytes(), digest_size=16).digest()


def test_ties_in_hash_order_not_input_order() -> None:
    # (0, 1) and (1, 0) are equally near the origin; (1, 0) is first in hash order but
    # second in the input, so hash order and input order pick different rows
    early, late = (0.0, 1.0), (1.0, 0.0)
    assert _digest(late) < _digest(early)
    X = np.array([(1.0, 1.0), early, late] * 4 + [(1.0, 1.0)] * 8)
    diagnostics = SelectionDiagnostics(minmax_scale(X), X)
    assert diagnostics.nearest_origin(3).tolist() == [2, 5, 8]  # input order: [1, 2, 4]
    # each feature's low tail (ceil(0.05 × 20) = 1 row): the first copy in hash order
    assert diagnostics.low_tails.tolist() == [[1, 2]]


def test_constant_features_are_left_out_of_the_tails() -> None:
    X = np.array([[1.0, 5.0], [-1.0, 5.0], [3.0, 5.0], [2.0, 5.0]] * 5)
    diagnostics = SelectionDiagnostics(minmax_scale(X), X)
    assert diagnostics.low_tails.shape == (1, 1)  # one row, one varying feature
    assert diagnostics.low_tails.tolist() == [[1]]
    assert diagnostics.high_tails.tolist() == [[2]]


def test_same_values_for_any_row_order() -> None:
    rng = np.random.default_rng(3)
    X = np.round(rng.random((200, 5)), 1)  # many ties
    test = rng.choice(200, size=40, replace=False)
    permutation = rng.permutation(200)
    inverse = np.argsort(permutation)
    first = SelectionDiagnostics(minmax_scale(X), X)
    second = SelectionDiagnostics(minmax_scale(X[permutation]), X[permutation])
    assert first.measure(test) == second.measure(inverse[test])
    assert sorted(permutation[second.nearest_origin(40)]) == first.nearest_origin(40).tolist()


def test_random_split_near_k_over_n() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((2000, 6))
    evaluation = evaluate_matrix(
        X, rng.choice(2000, 400, replace=False), settings=EvaluateSettings(random_splits=5)
    )
    summary = evaluation.selection_to_dict()
    assert summary["random_expectation"] == 0.2
    for name in SELECTION_NAMES:
        assert abs(summary["random"]["mean"][name] - 0.2) < 0.05, name
    nearest = summary["compare"]["nearest-origin"]
    assert nearest["nearest_origin_overlap"] == 1.0 and nearest["farthest_origin_overlap"] == 0.0


def test_evaluate_reports_selection(tmp_path: Path) -> None:
    runner = CliRunner()
    test = tmp_path / "test.txt"
    test.write_text("".join(f"{i}\n" for i in range(0, 300, 5)))
    args = [
        "evaluate", str(ALLOYS), "--test-indices", str(test), "--target", "hardness_hv",
        "--id-col", "alloy_id", "--random", "3", "-q",
    ]  # fmt: skip
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    selection = payload["selection"]
    assert selection["names"] == list(SELECTION_NAMES)
    assert set(selection["split"]) == set(SELECTION_NAMES)
    assert (
        selection["random"]["count"] == 3
        and len(selection["random"]["values"]["tail_coverage_low"]) == 3
    )
    assert selection["compare"]["nearest-origin"]["nearest_origin_overlap"] == 1.0
    assert payload["statistics"]["compare"]["nearest-origin"]["n_test"] == 60
    text = runner.invoke(app, args).stdout
    assert "What the test set selects" in text and "nearest-origin overlap" in text
    assert "high-tail coverage" in text


def test_compare_name_nearest_origin_is_taken(tmp_path: Path) -> None:
    test = tmp_path / "test.txt"
    test.write_text("0\n1\n")
    result = CliRunner().invoke(
        app,
        ["evaluate", str(ALLOYS), "--test-indices", str(test), "--id-col", "alloy_id",
         "--compare", f"nearest-origin={test}", "-q"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "the name 'nearest-origin' is already used" in result.stderr


@pytest.mark.parametrize("frac_rows", [1, 7])
def test_small_test_sets(frac_rows: int) -> None:
    X = np.arange(60.0).reshape(20, 3) ** 2
    values = SelectionDiagnostics(minmax_scale(X), X).measure(np.arange(frac_rows))
    assert values.nearest_origin_overlap == 1.0 and values.tail_coverage_high == 0.0
