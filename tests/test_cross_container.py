"""The same numbers in every array and table container give the same split, whole or sharded
(issue 29), and so do the same molecules in a ``.smi`` file and a table's ``--sequence-col``:
the split depends on the content alone, not on the container or how it is read. Chunks are
made small (64 rows) so that every input is read in several."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from benchmake_cli.formats import registry, streamable
from benchmake_cli.formats.spec import ChunkedFormat, ReadOptions
from benchmake_cli.pipeline import sharded, stream
from benchmake_cli.tasks.split import split_file
from benchmake_cli.tasks.verify import verify_manifest

N, D = 600, 4


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharded, "CHUNK_ROWS", 64)  # the chunks written
    monkeypatch.setattr(stream, "CHUNK_ROWS", 64)  # the chunks read and encoded


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


def _molecules() -> list[str]:
    """600 SMILES-like strings; the rarest tokens occur in a few rows only, so most chunks
    miss part of the vocabulary."""
    rng = np.random.default_rng(5)
    parts = ["C", "c1ccccc1", "N", "O", "(C)", "(=O)", "CC", "S"]
    molecules = ["".join(rng.choice(parts, size=rng.integers(2, 9))) for _ in range(N)]
    for row, rare in [(17, "Br"), (333, "[nH]"), (590, "Cl")]:
        molecules[row] += rare
    return molecules


@pytest.mark.parametrize("shard_rows", [0, 50, 200])
def test_smi_and_sequence_column_give_the_same_test_rows(shard_rows: int, tmp_path: Path) -> None:
    molecules = _molecules()
    smi = tmp_path / "molecules.smi"
    smi.write_text("".join(f"{m}\tm{i}\n" for i, m in enumerate(molecules)))
    table = tmp_path / "molecules.csv"
    pd.DataFrame({"smiles": molecules, "y": np.arange(N) % 2}).to_csv(table, index=False)
    from_smi = split_file(smi, frac=0.2, shard_rows=shard_rows, tokens="smiles")
    from_table = split_file(
        table, frac=0.2, shard_rows=shard_rows, tokens="smiles", sequence_col="smiles", target="y"
    )
    for result in (from_smi, from_table):
        assert (result.n_test, result.n_train) == (120, 480)
        parameters = result.manifest["encoding"]["parameters"]
        assert {"Br", "[nH]", "Cl"} <= set(parameters["vocabulary"])
        assert parameters["vocabulary_size"] == 12  # C c 1 N O ( ) = S Br [nH] Cl
    assert sorted(from_smi.test.tolist()) == sorted(from_table.test.tolist())


def test_sharded_smi_bundle_holds_its_lines_and_verifies(tmp_path: Path) -> None:
    smi = tmp_path / "molecules.smi"
    lines = [f"{m} m{i}" for i, m in enumerate(_molecules())]
    smi.write_text("smiles name\n" + "".join(f"{line}\n" for line in lines))
    out = tmp_path / "out"
    result = split_file(smi, frac=0.2, shard_rows=200, out=out)
    assert result.manifest["method"]["parameters"]["sharding"]["shards"] == 3
    written = (out / "test.smi").read_text().splitlines()
    assert written == ["smiles name"] + [lines[i] for i in np.sort(result.test)]
    report = verify_manifest(out / "manifest.json", data=smi)
    assert report.ok, [c for c in report.checks if not c.ok]


def test_a_chunk_of_missing_sequences_is_dropped_as_in_a_whole_split(tmp_path: Path) -> None:
    molecules = _molecules()
    molecules[64:128] = [""] * 64  # the second 64-row chunk holds no sequence at all
    table = tmp_path / "molecules.csv"
    pd.DataFrame({"smiles": molecules, "y": np.arange(N) % 2}).to_csv(table, index=False)
    options = {"sequence_col": "smiles", "target": "y", "drop_missing": True}
    streamed = split_file(table, frac=0.2, shard_rows=200, **options)
    whole = split_file(table, frac=0.2, shard_rows=0, **options)
    for result in (streamed, whole):
        assert result.manifest["encoding"]["dropped_rows"] == list(range(64, 128))
        assert (result.n_test, result.n_train) == (108, 428)
