"""The California housing case (issue 14): a table over the shard threshold with a text
column and missing values splits in the default (sharded) mode, as the whole mode would
encode it. The data are generated to look like the real file (no network here): 20,640
rows, ``ocean_proximity`` text, 207 missing ``total_bedrooms``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmake_cli.encode import EncodeOptions
from benchmake_cli.errors import ExitCode
from benchmake_cli.formats import ReadOptions
from benchmake_cli.method.order import content_hash, row_digests
from benchmake_cli.pipeline.shards import SHARD_THRESHOLD
from benchmake_cli.pipeline.whole import prepare
from benchmake_cli.tasks.split import split_file

from .conftest import invoke

ROWS, MISSING = 20_640, 207
PROXIMITY = ["<1H OCEAN", "INLAND", "ISLAND", "NEAR BAY", "NEAR OCEAN"]
FAST = ("--iterations", "10")  #: few NMF iterations: the test is about the pipeline


def housing_frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rooms = rng.integers(2, 40_000, ROWS)
    frame = pd.DataFrame(
        {
            "longitude": np.round(rng.uniform(-124.35, -114.31, ROWS), 2),
            "latitude": np.round(rng.uniform(32.54, 41.95, ROWS), 2),
            "housing_median_age": rng.integers(1, 53, ROWS).astype(float),
            "total_rooms": rooms.astype(float),
            "total_bedrooms": np.round(rooms * rng.uniform(0.1, 0.3, ROWS)),
            "population": rng.integers(3, 36_000, ROWS).astype(float),
            "households": rng.integers(1, 6_000, ROWS).astype(float),
            "median_income": np.round(rng.gamma(4.0, 1.0, ROWS), 4),
            "median_house_value": rng.integers(14_999, 500_001, ROWS).astype(float),
            "ocean_proximity": rng.choice(PROXIMITY, ROWS, p=[0.44, 0.32, 0.0005, 0.11, 0.1295]),
        }
    )
    frame.loc[rng.choice(ROWS, MISSING, replace=False), "total_bedrooms"] = np.nan
    return frame


@pytest.fixture(scope="module")
def housing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    frame = housing_frame()
    path = tmp_path_factory.mktemp("housing") / "housing.csv"
    frame.to_csv(path, index=False)
    return path, frame


def rows_of(path: Path) -> np.ndarray:
    return np.loadtxt(path, dtype=np.int64, ndmin=1)


def test_housing_splits_in_the_default_mode_and_verifies(
    housing: tuple[Path, pd.DataFrame], tmp_path: Path, runner
) -> None:  # type: ignore[no-untyped-def]
    path, frame = housing
    assert len(frame) > SHARD_THRESHOLD
    out = tmp_path / "s"
    common = ("--frac", "0.2", "--target", "median_house_value", "--drop-missing", *FAST)
    result = invoke(runner, "split", path, *common, "--out", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    encoding = manifest["encoding"]
    assert manifest["method"]["parameters"]["sharding"]["shards"] == 5
    assert encoding["one_hot"] == {"ocean_proximity": sorted(set(frame["ocean_proximity"]))}
    assert encoding["d"] == 8 + len(encoding["one_hot"]["ocean_proximity"])
    missing = np.flatnonzero(frame["total_bedrooms"].isna().to_numpy())
    assert encoding["dropped_rows"] == missing.tolist() and len(missing) == MISSING
    n = ROWS - MISSING
    train, test = rows_of(out / "train_indices.txt"), rows_of(out / "test_indices.txt")
    assert len(test) == math.ceil(n * 0.2) and len(train) == n - len(test)
    assert not set(train) & set(test)
    assert sorted({*train, *test, *missing}) == list(range(ROWS))
    verified = invoke(runner, "verify", out, "--data", path)
    assert verified.exit_code == 0, verified.stdout + verified.stderr

    whole = prepare(path, ReadOptions(), EncodeOptions(target="median_house_value",
                                                       drop_missing=True)).encoded  # fmt: skip
    assert encoding["content_sha256"] == content_hash(row_digests(whole.X), whole.d)
    assert encoding["one_hot"] == whole.one_hot and encoding["columns_used"] == whole.columns_used


def test_housing_split_is_the_same_for_shuffled_rows(
    housing: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    path, frame = housing
    order = np.random.default_rng(1).permutation(ROWS)
    shuffled = tmp_path / "shuffled.csv"
    frame.iloc[order].to_csv(shuffled, index=False)
    options = {"target": "median_house_value", "drop_missing": True, "iterations": 10}
    first = split_file(path, frac=0.2, shard_rows=1000, **options)
    again = split_file(shuffled, frac=0.2, shard_rows=1000, **options)
    assert first.manifest["method"]["parameters"]["sharding"]["shards"] == 21
    assert sorted(order[again.test]) == first.test.tolist()
    assert first.manifest["encoding"]["one_hot"] == again.manifest["encoding"]["one_hot"]


def test_housing_without_drop_missing_names_the_first_missing_cell(
    housing: tuple[Path, pd.DataFrame], tmp_path: Path, runner
) -> None:  # type: ignore[no-untyped-def]
    path, frame = housing
    row = int(np.flatnonzero(frame["total_bedrooms"].isna().to_numpy())[0])
    result = invoke(runner, "split", path, "--frac", "0.2", "--target", "median_house_value",
                    "--out", tmp_path / "o")  # fmt: skip
    assert result.exit_code == ExitCode.BAD_DATA
    assert result.stderr == (
        f"benchmake: error: {path}: row {row}, column 'total_bedrooms': missing value; "
        "fill it in or pass --drop-missing\n"
    )
    assert not (tmp_path / "o").exists()
