"""``benchmake evaluate``: both input forms, the JSON and the table, --compare, errors,
plots, and the core's agreement with the statistics and the kNN baseline it builds on."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli import split_file
from benchmake_cli.analysis.baseline import SharedKnn, knn_score
from benchmake_cli.analysis.statistics import STATISTIC_NAMES, compare_split
from benchmake_cli.encode import EncodeOptions
from benchmake_cli.errors import ExitCode
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.pipeline.whole import prepare
from benchmake_cli.tasks.evaluate import EvaluateSettings, evaluate_matrix, model_pool
from benchmake_cli.tasks.plots import principal_components

from .conftest import SAMPLE, invoke, shared_dataset

SAMPLE_OPTIONS = ("--target", "hardness_hv", "--id-col", "alloy_id")
RANDOM = ("--random", "3")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample data and its split (frac 0.2: 60 test rows of 300) in a folder beside it."""
    folder = tmp_path_factory.mktemp("published")
    data = folder / "alloys.csv"
    shutil.copy(SAMPLE / "alloys.csv", data)
    split_file(data, frac=0.2, out=folder / "splits", target="hardness_hv", id_columns=["alloy_id"])
    return data, folder / "splits" / "manifest.json"


def _json(result) -> dict:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _error(result, code: int) -> str:  # type: ignore[no-untyped-def]
    """The one-line error of a failed run, after checking its exit code."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("benchmake: error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def _rows(path: Path) -> np.ndarray:
    return np.array([int(x) for x in path.read_text().split()])


def test_manifest_form_json(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    payload = _json(invoke(runner, "evaluate", manifest, "--data", data, *RANDOM, "--json"))
    assert (payload["n"], payload["d"], payload["n_train"], payload["n_test"]) == (300, 10, 240, 60)
    assert payload["manifest"] == str(manifest)
    stats = payload["statistics"]
    assert stats["names"] == list(STATISTIC_NAMES)
    assert set(stats["split"]["aggregate"]) == set(STATISTIC_NAMES)
    assert all(len(v) == 10 for v in stats["split"]["per_feature"].values())
    assert set(stats["split"]["per_feature"]) == set(STATISTIC_NAMES) - {"mmd"}
    assert stats["random"]["count"] == 3
    assert all(len(v) == 3 for v in stats["random"]["values"].values())
    assert stats["beats_random_count"] == sum(stats["beats_random"].values())
    model = payload["model"]
    assert (model["target"], model["task"], model["task_inferred"]) == (
        "hardness_hv",
        "regression",
        True,
    )
    assert set(model["split"]) == {"mse", "r2", "scored_rows"}
    assert model["split"]["scored_rows"] == 60
    assert len(model["random"]["values"]["mse"]) == 3
    assert payload["notes"] == [] and payload["plots"] == []

    # the numbers are those of the statistics and the baseline on the scaled encoded features
    prepared = prepare(
        data, encode_options=EncodeOptions(target="hardness_hv", id_columns=("alloy_id",))
    )
    X = minmax_scale(prepared.encoded.X)
    test = _rows(manifest.parent / "test_indices.txt")
    assert stats["split"]["aggregate"] == compare_split(X, test).aggregate
    y = pd.read_csv(data)["hardness_hv"].to_numpy()
    is_test = np.isin(np.arange(300), test)
    expected = knn_score(X[~is_test], y[~is_test], X[is_test], y[is_test], task="regression")
    assert model["split"]["mse"] == pytest.approx(expected.metrics["mse"], rel=1e-12)
    assert model["split"]["r2"] == pytest.approx(expected.metrics["r2"], rel=1e-12)


def test_data_form_gives_the_same_numbers(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    from_manifest = _json(
        invoke(runner, "evaluate", manifest.parent, "--data", data, *RANDOM, "--json")
    )
    from_data = _json(
        invoke(
            runner,
            "evaluate",
            data,
            "--test-indices",
            manifest.parent / "test_indices.txt",
            *SAMPLE_OPTIONS,
            *RANDOM,
            "--json",
        )
    )
    for payload in (from_manifest, from_data):
        del payload["manifest"], payload["seconds"]
    assert from_data == from_manifest


def test_table_on_stdout(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    args = ("evaluate", manifest, "--data", data, *RANDOM, "-q")
    result = invoke(runner, *args)
    assert result.exit_code == 0, result.stderr
    payload = _json(invoke(runner, *args, "--json"))
    out = result.stdout
    beats = payload["statistics"]["beats_random_count"]
    assert f"This split beats the random mean on {beats} of 7 statistics." in out
    for label in (
        "t-test p-value",
        "KS p-value",
        "mutual information",
        "KL divergence",
        "JS divergence",
        "Wasserstein distance",
        "MMD (RBF kernel)",
        "MSE",
        "R²",
    ):
        assert sum(line.startswith(f"│ {label} ") for line in out.splitlines()) == 1, label
    assert "random (mean ± std of 3)" in out
    assert out.count("* hardest in the row") == 2
    # one starred (hardest) value per statistic row
    rows = [line for line in out.splitlines() if "│ lower" in line or "│ higher" in line]
    assert len(rows) == 9 and all(line.count(" *") == 1 for line in rows)
    assert "Task: regression (inferred from the target; --task overrides)" in out
    assert result.stderr == ""


def test_compare_columns(runner: CliRunner, published, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    first = tmp_path / "first.txt"
    first.write_text("".join(f"{i}\n" for i in range(0, 300, 4)))
    same = manifest.parent / "test_indices.txt"
    args = (
        "evaluate",
        manifest,
        "--data",
        data,
        *RANDOM,
        "--compare",
        f"every4th={first}",
        "--compare",
        f"itself={same}",
    )
    payload = _json(invoke(runner, *args, "--json"))
    compares = payload["statistics"]["compare"]
    assert list(compares) == ["every4th", "itself", "nearest-origin"]
    assert compares["every4th"]["n_test"] == 75
    assert compares["itself"]["aggregate"] == payload["statistics"]["split"]["aggregate"]
    X = minmax_scale(
        prepare(
            data, encode_options=EncodeOptions(target="hardness_hv", id_columns=("alloy_id",))
        ).encoded.X
    )
    assert compares["every4th"]["aggregate"] == compare_split(X, np.arange(0, 300, 4)).aggregate
    assert payload["model"]["compare"]["itself"]["mse"] == payload["model"]["split"]["mse"]
    table = invoke(runner, *args, "-q").stdout
    assert "every4th" in table and "itself" in table


@pytest.mark.parametrize(
    ("spec", "content", "code", "message"),
    [
        ("pub={missing}", None, ExitCode.NOT_FOUND, "missing.txt: no such file"),
        ("pub={file}", "1\nabc\n", ExitCode.BAD_DATA, "line 2: 'abc' is not a row number"),
        (
            "pub={file}",
            "5\n300\n",
            ExitCode.BAD_DATA,
            "row 300 is out of range: the data has 300 rows (0 to 299)",
        ),
        ("pub={file}", "5\n7\n5\n", ExitCode.BAD_DATA, "line 3: row 5 is already listed on line 1"),
        ("pub={file}", "\n\n", ExitCode.BAD_DATA, "lists no row numbers"),
        ("{file}", "1\n", ExitCode.BAD_PARAMETER, "expected NAME=INDICES_FILE"),
        ("split={file}", "1\n", ExitCode.BAD_PARAMETER, "the name 'split' is already used"),
    ],
)
def test_bad_compare_file(  # type: ignore[no-untyped-def]
    runner: CliRunner,
    published,
    tmp_path: Path,
    spec: str,
    content: str | None,
    code: int,
    message: str,
) -> None:
    data, manifest = published
    file = tmp_path / "pub.txt"
    if content is not None:
        file.write_text(content)
    spec = spec.format(file=file, missing=tmp_path / "missing.txt")
    result = invoke(runner, "evaluate", manifest, "--data", data, "--compare", spec, "-q")
    assert message in _error(result, code)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("{data}",), "SOURCE is a data file: pass its test rows with --test-indices FILE"),
        (("{manifest}", "--data", "{data}", "--sep", ","), "--sep: a manifest records how"),
        (("{manifest}", "--test-indices", "{data}"), "--test-indices: a manifest names its own"),
        (
            ("{data}", "--test-indices", "{test}", "--data", "{data}"),
            "--data: only with a manifest",
        ),
    ],
)
def test_usage_errors(runner: CliRunner, published, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    names = {"data": data, "manifest": manifest, "test": manifest.parent / "test_indices.txt"}
    result = invoke(runner, "evaluate", *[a.format(**names) for a in args])
    assert message in _error(result, ExitCode.USAGE)


def test_target_and_task_errors(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    test = manifest.parent / "test_indices.txt"
    result = invoke(runner, "evaluate", manifest, "--data", data, "--target", "fe")
    assert "--target 'fe': is one of the features" in _error(result, ExitCode.BAD_PARAMETER)
    result = invoke(runner, "evaluate", data, "--test-indices", test, "--target", "nope")
    assert "--target 'nope': no such column in alloys.csv" in _error(result, ExitCode.BAD_PARAMETER)
    result = invoke(
        runner,
        "evaluate",
        data,
        "--test-indices",
        test,
        "--target",
        "alloy_id",
        "--task",
        "regression",
        "-q",
    )
    assert "target 'alloy_id' is not numeric" in _error(result, ExitCode.BAD_PARAMETER)
    payload = _json(
        invoke(
            runner,
            "evaluate",
            data,
            "--test-indices",
            test,
            "--id-col",
            "alloy_id",
            "--target",
            "phase",
            "--json",
            *RANDOM,
        )
    )
    assert payload["model"]["task"] == "classification" and payload["model"]["task_inferred"]
    assert set(payload["model"]["split"]) == {"accuracy", "balanced_accuracy", "scored_rows"}
    payload = _json(
        invoke(
            runner,
            "evaluate",
            manifest,
            "--data",
            data,
            "--task",
            "classification",
            "--json",
            *RANDOM,
        )
    )
    assert payload["model"]["task"] == "classification"
    assert payload["model"]["task_inferred"] is False


def test_no_target_no_model(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    test = manifest.parent / "test_indices.txt"
    args = ("evaluate", data, "--test-indices", test, "--id-col", "alloy_id", *RANDOM, "-q")
    assert _json(invoke(runner, *args, "--json"))["model"] is None
    assert (
        "No model score: no target column (pass --target COLUMN)." in invoke(runner, *args).stdout
    )


def test_changed_index_file_is_noted(runner: CliRunner, published, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    copy = tmp_path / "splits"
    shutil.copytree(manifest.parent, copy)
    rows = _rows(copy / "test_indices.txt")
    (copy / "test_indices.txt").write_text("".join(f"{r}\n" for r in rows[1:]))
    result = invoke(runner, "evaluate", copy, "--data", data, *RANDOM, "-q")
    assert result.exit_code == 0
    assert result.stderr == (
        "benchmake: note: test_indices.txt: changed since the split (its SHA-256 differs)\n"
    )
    assert "test set 59 rows" in result.stdout


def test_dropped_rows_cannot_be_test_rows(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "gaps.csv"
    data.write_text(
        "a,b,y\n" + "".join(f"{i},{'' if i == 3 else i % 5},{i % 2}\n" for i in range(30))
    )
    test = tmp_path / "test.txt"
    test.write_text("1\n4\n")
    payload = _json(
        invoke(
            runner,
            "evaluate",
            data,
            "--test-indices",
            test,
            "--target",
            "y",
            "--drop-missing",
            "--json",
            *RANDOM,
            "--k",
            "3",
        )
    )
    assert (payload["n"], payload["n_test"]) == (29, 2)
    test.write_text("1\n3\n")
    result = invoke(runner, "evaluate", data, "--test-indices", test, "--drop-missing")
    assert "row 3 was dropped while encoding" in _error(result, ExitCode.BAD_DATA)


def test_missing_matplotlib_message(  # type: ignore[no-untyped-def]
    runner: CliRunner, published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, manifest = published
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # "import matplotlib" now fails
    result = invoke(runner, "evaluate", manifest, "--data", data, "--plot", tmp_path / "plots")
    assert _error(result, ExitCode.MISSING_EXTRA) == (
        "benchmake: error: --plot needs matplotlib, which is not installed; "
        "install it with: pip install 'benchmake-cli[plot]'"
    )
    assert int(ExitCode.MISSING_EXTRA) == 10
    assert not (tmp_path / "plots").exists() and result.stdout == ""


def test_plots_written(runner: CliRunner, published, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib")
    data, manifest = published
    first = tmp_path / "first.txt"
    first.write_text("".join(f"{i}\n" for i in range(0, 300, 4)))
    plots = tmp_path / "plots"
    result = invoke(
        runner,
        "evaluate",
        manifest,
        "--data",
        data,
        *RANDOM,
        "-q",
        "--compare",
        f"every4th={first}",
        "--plot",
        plots,
    )
    assert result.exit_code == 0, result.stderr
    names = ["histograms.png", "pca.png", "selection.png", "statistics.png"]
    assert sorted(p.name for p in plots.iterdir()) == names  # no temporary files left
    for name in names:
        content = (plots / name).read_bytes()
        assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 10_000
    assert (
        f"Plots: {plots / 'histograms.png'}, {plots / 'pca.png'}, {plots / 'statistics.png'}, "
        f"{plots / 'selection.png'}" in result.stdout
    )


def test_principal_components_match_svd() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)) * np.array([5.0, 2.0, 1.0, 0.1])
    scores, share = principal_components(X)
    centred = X - X.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:2].T
    np.testing.assert_allclose(np.abs(scores), np.abs(expected), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(share, singular[:2] ** 2 / np.sum(singular**2), rtol=1e-10)
    assert share[0] > 0.8


def test_shared_knn_equals_knn_score_on_every_split() -> None:
    rng = np.random.default_rng(3)
    X = rng.integers(0, 3, size=(160, 3)).astype(float)  # many exact distance ties
    y = rng.integers(0, 3, size=160)
    clustered = np.flatnonzero(X[:, 0] == 2)[:40]  # test rows whose neighbours are test rows
    splits = [np.sort(rng.choice(160, 32, replace=False)) for _ in range(5)] + [clustered]
    for length in (None, 5):  # the default list, and one so short that most rows fall back
        model = SharedKnn(X, y, task="classification", k=5, length=length)
        for test in splits:
            is_test = np.isin(np.arange(160), test)
            score, rows = model.score(test)
            expected = knn_score(
                X[~is_test], y[~is_test], X[is_test], y[is_test], task="classification", k=5
            )
            assert rows == test.size and score == expected
    values = rng.random(160)
    model = SharedKnn(X, values, task="regression", k=4)
    is_test = np.isin(np.arange(160), splits[0])
    expected = knn_score(
        X[~is_test], values[~is_test], X[is_test], values[is_test], task="regression", k=4
    )
    assert model.score(splits[0])[0] == expected


def test_model_pool_scores_test_rows_within_it() -> None:
    rng = np.random.default_rng(4)
    X = rng.random((400, 3))
    y = (X[:, 0] > 0.5).astype(int)
    settings = EvaluateSettings(random_splits=2, model_rows=100)
    pool = model_pool(400, settings)
    assert pool.size == 100 and np.array_equal(pool, model_pool(400, settings))
    test = np.arange(0, 400, 5)
    evaluation = evaluate_matrix(X, test, y=y, settings=settings)
    scored = np.intersect1d(test, pool)
    is_test = np.isin(np.arange(400), test)
    expected = knn_score(X[~is_test], y[~is_test], X[scored], y[scored], task="classification")
    assert evaluation.split.model_rows == scored.size
    assert evaluation.split.model == expected
    assert np.array_equal(model_pool(400, EvaluateSettings(model_rows=0)), np.arange(400))


def test_random_splits_are_seeded_and_sized() -> None:
    rng = np.random.default_rng(5)
    X = rng.random((120, 4))
    first = evaluate_matrix(X, np.arange(30), settings=EvaluateSettings(random_splits=4, seed=7))
    again = evaluate_matrix(X, np.arange(30), settings=EvaluateSettings(random_splits=4, seed=7))
    other = evaluate_matrix(X, np.arange(30), settings=EvaluateSettings(random_splits=4, seed=8))
    assert [r.n_test for r in first.randoms] == [30] * 4
    assert first.to_dict()["statistics"] == again.to_dict()["statistics"]
    assert first.to_dict()["statistics"]["random"] != other.to_dict()["statistics"]["random"]
    random = first.to_dict()["statistics"]["random"]
    ks = np.array(random["values"]["ks_p"])
    assert random["mean"]["ks_p"] == pytest.approx(ks.mean())
    assert random["std"]["ks_p"] == pytest.approx(ks.std(ddof=1))


@pytest.mark.shared
def test_german_credit_split_is_harder_than_random(runner: CliRunner, tmp_path: Path) -> None:
    data = shared_dataset("german_credit", "german.data-numeric")
    out = tmp_path / "splits"
    split_file(data, frac=0.2, out=out, header=False, target="24")
    payload = _json(invoke(runner, "evaluate", out, "--data", data, "--random", "5", "--json"))
    assert (payload["n"], payload["n_test"], payload["d"]) == (1000, 200, 24)
    assert payload["model"]["task"] == "classification"
    assert payload["statistics"]["beats_random_count"] == 7
    assert payload["model"]["beats_random"] == {"accuracy": True, "balanced_accuracy": True}


def test_a_data_file_of_any_modality_takes_splits_reading_options(
    runner: CliRunner, tmp_path: Path
) -> None:
    keys = ("--key", "train_images,val_images,test_images")
    out = tmp_path / "split"
    data = SAMPLE / "shapes.npz"
    assert invoke(runner, "split", data, "--frac", "0.2", "--out", out, *keys).exit_code == 0
    result = invoke(
        runner, "evaluate", data, "--test-indices", out / "test_indices.txt", *keys,
        "--random", "2", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["n_test"] == 10
    refused = invoke(runner, "evaluate", out, "--key", "images")
    assert refused.exit_code == ExitCode.USAGE
    assert "--key: a manifest records how its data is read and encoded" in refused.stderr
    default_typed = invoke(runner, "evaluate", out, "--kmer", "1")  # a default, typed: given
    assert default_typed.exit_code == ExitCode.USAGE
    assert "--kmer: a manifest records how its data is read and encoded" in default_typed.stderr
