"""``--method benchmake-hull``: the default method's guarantees (exact sizes, the same split
for any row order, format and thread count, identical rows taken first copy first, verify,
tampering, the manifest) and what it selects (the hull, not the corner at the origin)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli import split_file, verify_manifest
from benchmake_cli.analysis.selection import SelectionDiagnostics
from benchmake_cli.errors import ExitCode, ParameterError
from benchmake_cli.method import hull
from benchmake_cli.method.order import order_rows, row_digests
from benchmake_cli.method.registry import get_method
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.method.split import SplitParameters

from .conftest import SAMPLE, invoke, random_frame

METHOD = "benchmake-hull"
ALLOYS = {"target": "hardness_hv", "id_columns": ["alloy_id"]}


def split_matrix(X: np.ndarray, frac: float = 0.2, **options: object) -> hull.MethodSplit:
    params = SplitParameters(frac, iterations=hull.DEFAULT_ITERATIONS)
    return get_method(METHOD).split_matrix(X, params, **options)  # type: ignore[arg-type]


def _content(X: np.ndarray, rows: np.ndarray) -> list[tuple[float, ...]]:
    return sorted(map(tuple, X[rows].tolist()))


@pytest.mark.parametrize(("n", "frac"), [(50, 0.1), (51, 0.2), (97, 0.3), (10, 0.5), (3, 0.34)])
def test_sizes_are_exact_and_sets_partition_the_rows(n: int, frac: float) -> None:
    X = np.random.default_rng(n).random((n, 4))
    split = split_matrix(X, frac)
    k = int(np.ceil(round(n * frac, 9)))
    assert len(split.test) == k and len(split.train) == n - k
    assert np.array_equal(np.union1d(split.test, split.train), np.arange(n))
    assert np.intersect1d(split.test, split.train).size == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_test_rows_by_content_for_any_row_order(seed: int) -> None:
    X = np.random.default_rng(0).random((400, 5))
    base = split_matrix(X)
    perm = np.random.default_rng(seed).permutation(len(X))
    shuffled = split_matrix(X[perm])
    assert np.array_equal(np.sort(perm[shuffled.test]), base.test)
    assert shuffled.test_content_sha256 == base.test_content_sha256


def test_duplicate_rows_are_taken_deterministically_first_copy_first() -> None:
    rng = np.random.default_rng(9)
    core = rng.random((60, 3))
    X = np.vstack([core, core[:20], core[:20]])  # 20 rows appear three times
    split = split_matrix(X, 0.25)
    perm = rng.permutation(len(X))
    assert _content(X, split.test) == _content(X[perm], split_matrix(X[perm], 0.25).test)
    for i in range(20):
        copies = [i, 60 + i, 80 + i]
        taken = [c for c in copies if c in set(split.test.tolist())]
        assert taken == copies[: len(taken)]


def test_more_test_rows_than_distinct_rows_takes_every_copy_in_turn() -> None:
    X = np.vstack([np.eye(3)] * 4)  # 3 distinct rows, 12 rows
    split = split_matrix(X, 0.5)
    assert len(split.test) == 6 and sorted(X[split.test].sum(axis=0).tolist()) == [2, 2, 2]


def test_thread_count_does_not_change_a_bit() -> None:
    # several blocks and lanes: 3000 distinct rows, 600 archetypes
    U = minmax_scale(np.random.default_rng(11).random((3000, 6)))
    one, _ = hull.archetypes(U, 600, iterations=4, tol=0.0, threads=1)
    four, _ = hull.archetypes(U, 600, iterations=4, tol=0.0, threads=4)
    assert len(hull._Blocks(3000, 600, np, 4).lanes) > 1
    assert np.array_equal(one, four)


def test_iterations_and_tol_are_parameters_of_the_result() -> None:
    X = np.random.default_rng(12).random((300, 6))
    method = get_method(METHOD)
    base = method.split_matrix(X, SplitParameters(0.2, iterations=20, tol=0.0))
    none = method.split_matrix(X, SplitParameters(0.2, iterations=1, tol=0.0))
    assert base.iterations_run == 20 and none.iterations_run == 1
    # 200 is 200 (no longer read as "the hull's default"), and runs to convergence
    asked = method.split_matrix(X, SplitParameters(0.2, iterations=200, tol=0.0))
    assert asked.iterations_run == 200


def test_furthest_sum_ties_go_to_hash_order_and_picks_are_corners() -> None:
    square = np.array([[0.5, 0.5], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    assert hull.furthest_sum(square, 4).tolist() == [1, 2, 3, 4]


def test_the_first_row_in_hash_order_can_be_an_archetype() -> None:
    # FurthestSum starts from the hash-first row; here that row is the corner (1, 1), and it
    # must compete again for a place rather than be dropped as an arbitrary start
    inner = np.random.default_rng(19).uniform(0.2, 0.8, (16, 2))
    X = np.vstack([[[0, 0], [1, 0], [0, 1], [1, 1]], inner])
    assert order_rows(row_digests(X)).positions[0] == 3
    assert sorted(split_matrix(X).test.tolist()) == [0, 1, 2, 3]


def test_selects_the_whole_hull_not_the_corner_at_the_origin() -> None:
    # the uniform 800 × 12 data: the default method takes the smallest-norm rows
    X = np.random.default_rng(0).random((800, 12))
    split = split_matrix(X)
    diagnostics = SelectionDiagnostics(minmax_scale(X), X).measure(split.test)
    assert diagnostics.nearest_origin_overlap < 0.3
    assert diagnostics.tail_coverage_low > 0.3 and diagnostics.tail_coverage_high > 0.3


@pytest.mark.parametrize("shape", [(30, 100), (48, 300)])
def test_with_fewer_rows_than_features_the_fit_keeps_the_test_set_on_the_hull(
    shape: tuple[int, int],
) -> None:
    # every row is a vertex of the hull; archetypes that mixed all rows drifted inward
    X = np.random.default_rng(3).random(shape)
    start = hull.split_matrix_hull(X, SplitParameters(0.2, iterations=0))
    for iterations in (20, 200):
        fitted = hull.split_matrix_hull(X, SplitParameters(0.2, iterations=iterations, tol=0))
        assert fitted.iterations_run == iterations
        assert np.array_equal(fitted.test, start.test)


def _formats(tmp_path: Path, frame: pd.DataFrame) -> dict[str, Path]:
    paths = {name: tmp_path / f"d.{name}" for name in ("csv", "tsv", "parquet", "npy")}
    frame.to_csv(paths["csv"], index=False)
    frame.to_csv(paths["tsv"], index=False, sep="\t")
    frame.to_parquet(paths["parquet"], index=False)
    np.save(paths["npy"], frame.to_numpy(dtype=np.float64))
    return paths


def test_every_format_and_a_shuffled_file_give_the_same_split(tmp_path: Path) -> None:
    frame = random_frame(n=150, d=6, seed=4).drop(columns="y")
    results = {
        fmt: split_file(path, frac=0.2, method=METHOD)
        for fmt, path in _formats(tmp_path, frame).items()
    }
    for fmt, result in results.items():
        assert np.array_equal(result.test, results["csv"].test), fmt
    perm = np.random.default_rng(0).permutation(len(frame))
    frame.iloc[perm].to_csv(tmp_path / "shuffled.csv", index=False)
    shuffled = split_file(tmp_path / "shuffled.csv", frac=0.2, method=METHOD)
    assert np.array_equal(np.sort(perm[shuffled.test]), results["csv"].test)


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "alloys.csv"
    shutil.copy(SAMPLE / "alloys.csv", data)
    out = tmp_path / "splits"
    split_file(data, frac=0.2, out=out, method=METHOD, **ALLOYS)  # type: ignore[arg-type]
    return data, out


def test_manifest_records_the_method_and_verify_passes(
    runner: CliRunner, bundle: tuple[Path, Path]
) -> None:
    data, out = bundle
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"]["name"] == METHOD and manifest["method"]["version"] == 2
    parameters = manifest["method"]["parameters"]
    assert parameters["iterations"] == hull.DEFAULT_ITERATIONS and parameters["k"] == 60
    assert parameters["init"] == hull.INIT and parameters["candidates"] == hull.CANDIDATES
    assert "seed" not in parameters
    result = invoke(runner, "verify", out, "--data", data)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "ok    split: " in result.stdout and result.stdout.endswith("verified\n")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m["method"]["parameters"].update(frac=0.3), "90 test rows"),
        (
            lambda m: m["method"].update(name="benchmake-cli", version=1),
            "recomputed with frac=0.2, seed",
        ),
    ],
    ids=["fraction", "method"],
)
def test_verify_fails_an_edited_manifest(
    runner: CliRunner, bundle: tuple[Path, Path], edit, message: str
) -> None:  # type: ignore[no-untyped-def]
    data, out = bundle
    manifest = json.loads((out / "manifest.json").read_text())
    edit(manifest)
    if manifest["method"]["name"] == "benchmake-cli":
        manifest["method"]["parameters"].update(seed=0)
    (out / "manifest.json").write_text(json.dumps(manifest))
    result = invoke(runner, "verify", out, "--data", data)
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.stdout + result.stderr
    assert any(
        line.startswith("FAIL  split: ") and message in line for line in result.stdout.splitlines()
    ), result.stdout


def test_verify_fails_an_edited_data_value(bundle: tuple[Path, Path]) -> None:
    data, out = bundle
    text = data.read_text().splitlines(keepends=True)
    text[5] = text[5].replace(",", ",9", 1)
    data.write_text("".join(text))
    assert not verify_manifest(out / "manifest.json", data=data).ok


def test_seed_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(
        runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", tmp_path / "o",
        "--target", "hardness_hv", "--id-col", "alloy_id", "--method", METHOD, "--seed", "3",
    )  # fmt: skip
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert result.stderr == (
        "benchmake: error: --seed 3: --method benchmake-hull has no random initialisation "
        "(FurthestSum starts from the first row in hash order); leave --seed out\n"
    )
    assert not (tmp_path / "o").exists()
    with pytest.raises(ParameterError, match="no random initialisation"):
        split_file(SAMPLE / "alloys.csv", frac=0.2, seed=1, method=METHOD, **ALLOYS)  # type: ignore[arg-type]
