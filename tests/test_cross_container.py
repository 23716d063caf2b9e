"""The same numbers in every array and table container give the same split, whole or sharded
(issue 29): the split depends on the content alone, not on the container or how it is read."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from benchmake_cli.formats import registry, streamable
from benchmake_cli.formats.spec import ChunkedFormat, ReadOptions
from benchmake_cli.tasks.split import split_file
from benchmake_cli.tasks.verify import verify_manifest

N, D = 600, 4


def _numbers() -> np.ndarray:
    """Values exact in decimal, so CSV holds the same numbers as the binary containers."""
    return np.random.default_rng(29).integers(0, 4000, size=(N, D)) / 8.0


def _write(name: str, folder: Path, X: np.ndarray) -> Path:
    """``X`` in the container ``name`` (a table of columns x0.., or one array ``x``)."""
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(D)])
    path = folder / f"data{registry.get(name).data_suffix}"  # type: ignore[attr-defined]
    if name in ("csv", "tsv"):
        frame.to_csv(path, index=False, sep="," if name == "csv" else "\t")
    elif name == "parquet":
        frame.to_parquet(path, index=False)
    elif name == "npy":
        np.save(path, X)
    elif name == "npz":
        np.savez(path, x=X)
    else:
        with h5py.File(path, "w") as handle:
            handle.create_dataset("x", data=X)
    return path


#: every array and table container in the registry
CONTAINERS = [
    entry.name
    for entry in registry.FILE_FORMATS
    if entry.container in ("table", "array") and entry.only_with_type is None
]


def test_every_array_and_table_container_is_covered() -> None:
    assert sorted(CONTAINERS) == ["csv", "hdf5", "npy", "npz", "parquet", "tsv"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("containers")
    X = _numbers()
    return {name: _write(name, folder, X) for name in CONTAINERS}


@pytest.fixture(scope="module")
def expected() -> dict[int, list[int]]:
    """The test rows of the CSV, the container that has always streamed."""
    return {}


@pytest.mark.parametrize("shard_rows", [0, 50, 200])
@pytest.mark.parametrize("name", CONTAINERS)
def test_same_numbers_give_the_same_test_rows(
    name: str, shard_rows: int, inputs: dict[str, Path], expected: dict[int, list[int]]
) -> None:
    if shard_rows and not streamable(inputs[name], ReadOptions()):
        pytest.skip(f"{name} is not read in chunks")  # pragma: no cover - all of them are
    result = split_file(inputs[name], frac=0.2, shard_rows=shard_rows)
    assert result.n_test == 120 and result.n_train == 480
    sharding = result.manifest["method"]["parameters"].get("sharding")
    assert (sharding["shards"] if sharding else 1) == (N // shard_rows if shard_rows else 1)
    if shard_rows not in expected:
        reference = split_file(inputs["csv"], frac=0.2, shard_rows=shard_rows)
        expected[shard_rows] = sorted(reference.test.tolist())
    assert sorted(result.test.tolist()) == expected[shard_rows]


@pytest.mark.parametrize("name", ["hdf5", "npz"])
def test_keyed_containers_stream_and_their_sharded_bundles_verify(
    name: str, inputs: dict[str, Path], tmp_path: Path
) -> None:
    entry = registry.get(name)
    assert isinstance(entry, ChunkedFormat) and registry.streams(entry)
    assert streamable(inputs[name], ReadOptions())
    out = tmp_path / "out"
    result = split_file(inputs[name], frac=0.2, shard_rows=200, out=out)
    test_file = out / f"test{entry.data_suffix}"  # type: ignore[attr-defined]
    written = registry.read(test_file, ReadOptions())
    assert np.array_equal(written.array, _numbers()[np.sort(result.test)])
    assert result.manifest["input"]["details"]["output_key"] == "x"
    report = verify_manifest(out / "manifest.json", data=inputs[name])
    assert report.ok, [c for c in report.checks if not c.ok]
