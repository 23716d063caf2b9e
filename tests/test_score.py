"""``benchmake score``: predictions keyed by id, row number or line, ranked against the
criterion and the baseline; malformed files refused with one line and exit status 11."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli.analysis.metrics import roc_auc
from benchmake_cli.bundle.card import read_card_header
from benchmake_cli.errors import ExitCode

from .conftest import SAMPLE, invoke

DATA = SAMPLE / "alloys.csv"


def _bundle(root: Path, target: str) -> Path:
    out = root / target
    result = invoke(
        CliRunner(), "split", DATA, "--frac", "0.2", "--out", out,
        "--target", target, "--id-col", "alloy_id",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def regression(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bundle(tmp_path_factory.mktemp("bundles"), "hardness_hv")


@pytest.fixture(scope="module")
def classification(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bundle(tmp_path_factory.mktemp("bundles"), "phase")


def _test_rows(bundle: Path) -> tuple[list[int], pd.DataFrame]:
    rows = [int(r) for r in (bundle / "test_indices.txt").read_text().split()]
    return rows, pd.read_csv(bundle / "test.csv")


def _score(bundle: Path, *args: object):  # type: ignore[no-untyped-def]
    return invoke(CliRunner(), "score", bundle, *args, "--data", DATA)


def test_ranks_files_keyed_by_id_row_and_line(regression: Path, tmp_path: Path) -> None:
    rows, test = _test_rows(regression)
    truth = test["hardness_hv"].to_numpy()
    exact = tmp_path / "exact.csv"
    pd.DataFrame({"alloy_id": test["alloy_id"][::-1], "prediction": truth[::-1]}).to_csv(
        exact, index=False
    )
    shifted = tmp_path / "shifted.parquet"
    pd.DataFrame({"row": rows, "yhat": truth + 2.0}).to_parquet(shifted)  # one value column
    lines = tmp_path / "lines.txt"
    lines.write_text("".join(f"{float(v) + 2.0!r}\n" for v in truth))
    result = _score(regression, lines, exact, shifted)
    assert result.exit_code == 0, result.stderr
    baseline = read_card_header(regression)["baseline"]  # type: ignore[index]
    width = len(str(shifted))
    assert result.stdout.splitlines() == [
        f"criterion: RMSE (lower is better) of 'hardness_hv' on {len(rows)} test rows",
        f"{'rank':>4}  {'predictions':<{width}}  RMSE",
        f"   1  {exact!s:<{width}}  0.0000",
        f"   2  {lines!s:<{width}}  2.0000",
        f"   2  {shifted!s:<{width}}  2.0000",
        f"   -  {'baseline (kNN, k=5)':<{width}}  {baseline:.4f}",
    ]


def test_json_is_leaderboard_ready(regression: Path, tmp_path: Path) -> None:
    rows, test = _test_rows(regression)
    path = tmp_path / "mean.csv"
    pd.DataFrame({"row": rows, "prediction": test["hardness_hv"].mean()}).to_csv(path, index=False)
    result = _score(regression, path, "--json", "--metric", "r2")
    payload = json.loads(result.stdout)
    manifest = json.loads((regression / "manifest.json").read_text())
    assert payload["benchmark"]["metric"] == "r2" and payload["benchmark"]["n_test"] == 60
    assert payload["benchmark"]["data_sha256"] == manifest["input"]["sha256"]
    assert payload["benchmark"]["test_indices_sha256"] == manifest["split"]["test_indices_sha256"]
    (entry,) = payload["entries"]
    assert entry["rank"] == 1 and entry["value"] == pytest.approx(0.0, abs=1e-12)
    assert entry["beats_baseline"] is (payload["baseline"]["value"] < 0.0)


def test_metric_defaults_to_the_cards(regression: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "copy"
    bundle.mkdir()
    for path in regression.iterdir():
        (bundle / path.name).write_bytes(path.read_bytes())
    assert invoke(CliRunner(), "card", bundle, "--metric", "mae", "--data", DATA).exit_code == 0
    rows, test = _test_rows(bundle)
    path = tmp_path / "p.csv"
    pd.DataFrame({"row": rows, "prediction": test["hardness_hv"] + 1.5}).to_csv(path, index=False)
    result = _score(bundle, path)
    assert result.stdout.startswith("criterion: MAE (lower is better)")
    assert f"   1  {path}  1.5000" in result.stdout


def _bad(tmp_path: Path, bundle: Path, case: str) -> tuple[Path, str]:
    rows, test = _test_rows(bundle)
    train = [int(r) for r in (bundle / "train_indices.txt").read_text().split()]
    ids, values = list(test["alloy_id"]), [1.0] * len(rows)
    path = tmp_path / f"{case}.csv"
    frame = {
        "missing": pd.DataFrame({"alloy_id": ids[1:], "prediction": values[1:]}),
        "repeated": pd.DataFrame({"alloy_id": [*ids, ids[3]], "prediction": [*values, 1.0]}),
        "training": pd.DataFrame({"row": [*rows[:-1], train[0]], "prediction": values}),
        "unknown": pd.DataFrame({"alloy_id": [*ids[:-1], "Z9"], "prediction": values}),
        "beyond": pd.DataFrame({"row": [*rows[:-1], 300], "prediction": values}),
        "value": pd.DataFrame({"alloy_id": ids, "prediction": ["heavy", *values[1:]]}),
        "nokey": pd.DataFrame({"name": ids, "prediction": values}),
        "novalue": pd.DataFrame({"row": rows, "a": values, "b": values}),
    }[case]
    frame.to_csv(path, index=False)
    messages = {
        "missing": f"test row {rows[0]} has no prediction (1 of 60 test rows missing)",
        "repeated": f"line 62: alloy_id {ids[3]!r} is already on line 5",
        "training": f"line 61: row {train[0]} is a training row; predict the test rows only",
        "unknown": "line 61: alloy_id 'Z9' is not in the data",
        "beyond": "line 61: row 300 is not a row of the data; predict the test rows only",
        "value": "line 2: prediction 'heavy' is not a finite number "
        "(the target 'hardness_hv' is a regression target)",
        "nokey": "no key column: name each test row with a column 'alloy_id' or 'row' "
        "(its original 0-based row number)",
        "novalue": "no prediction column: name it 'prediction' (columns: row, a, b)",
    }
    return path, f"benchmake: error: {path}: {messages[case]}\n"


@pytest.mark.parametrize(
    "case",
    ["missing", "repeated", "training", "unknown", "beyond", "value", "nokey", "novalue"],
)
def test_malformed_files_are_refused_in_one_line(
    regression: Path, tmp_path: Path, case: str
) -> None:
    path, message = _bad(tmp_path, regression, case)
    result = _score(regression, path)
    assert result.exit_code == ExitCode.PREDICTIONS == 12
    assert result.stderr == message
    assert result.stdout == ""


def test_text_file_needs_one_value_per_test_row(regression: Path, tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("1\n2\n")
    result = _score(regression, path)
    assert result.exit_code == 12
    assert result.stderr == (
        f"benchmake: error: {path}: 2 lines, but the test set has 60 rows "
        "(one value per line, in test_indices.txt order)\n"
    )


def test_classification_labels_and_class_scores(classification: Path, tmp_path: Path) -> None:
    rows, test = _test_rows(classification)
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"row": rows, "prediction": test["phase"]}).to_csv(labels, index=False)
    result = _score(classification, labels)
    assert result.stdout.splitlines()[0] == (
        "criterion: balanced accuracy (higher is better) of 'phase' on 60 test rows"
    )
    assert f"   1  {labels}  1.0000" in result.stdout
    wrong = tmp_path / "wrong.csv"
    pd.DataFrame({"row": rows, "prediction": ["hcp", *test["phase"][1:]]}).to_csv(
        wrong, index=False
    )
    refused = _score(classification, wrong)
    assert refused.exit_code == 12
    assert refused.stderr == (
        f"benchmake: error: {wrong}: line 2: 'hcp' is not a class of the target 'phase' "
        "(classes: bcc, bcc+fcc, fcc)\n"
    )
    classes = ["bcc", "bcc+fcc", "fcc"]
    rng = np.random.default_rng(0)
    scores = rng.dirichlet(np.ones(3), size=len(rows))
    probabilities = tmp_path / "probabilities.csv"
    pd.DataFrame({"row": rows, **dict(zip(classes, scores.T, strict=True))}).to_csv(
        probabilities, index=False
    )
    result = _score(classification, probabilities, "--metric", "roc_auc", "--json")
    expected = roc_auc(test["phase"].to_numpy(), scores, np.array(classes))
    assert json.loads(result.stdout)["entries"][0]["value"] == pytest.approx(expected)
    missing = _score(classification, labels, "--metric", "roc_auc")
    assert missing.exit_code == 12
    assert missing.stderr == (
        f"benchmake: error: {labels}: ROC AUC of 3 classes needs one score column per class; "
        "no column 'bcc'\n"
    )
