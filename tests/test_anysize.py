"""Any input at any size (issue 29): the plan decides whole or sharded by rows for every
container; an input that cannot be read in chunks is split in shards in memory by the very
rules of the streamed path; a split that would not fit is refused (exit 5) before the method
allocates; ``inspect`` plans what ``split`` runs; every command works on sharded bundles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli import load_split
from benchmake_cli.errors import ExitCode
from benchmake_cli.formats import ReadOptions
from benchmake_cli.pipeline import memory, whole
from benchmake_cli.tasks import inspect
from benchmake_cli.tasks.inspect import inspect_data
from benchmake_cli.tasks.split import split_file

from .conftest import SAMPLE, invoke
from .test_inspect import SAMPLE_INPUTS

#: inputs of every kind beyond plain tables (streamed, or a rank-4 HDF5 array split in shards
#: in memory), with the options they need, and their rows
INPUTS = {
    "image folder": (SAMPLE / "shapes_png", [], 48),
    "signal folder": (SAMPLE / "vibration_csv", ["--resample", "64"], 40),
    "graphs": (SAMPLE / "molgraphs", [], 80),
    "smi": (SAMPLE / "molecules.smi", [], 120),
    "hdf5": (SAMPLE / "shapes.h5", ["--key", "images", "--target-key", "labels"], 48),
    "fasta": (SAMPLE / "proteins.fasta", [], 60),
    "sequence column": (SAMPLE / "molecules.csv", ["--sequence-col", "smiles"], 120),
}
COMMANDS_ON = ["image folder", "signal folder", "graphs", "smi", "hdf5"]


def _split(out: Path, data: Path, *options: str):  # type: ignore[no-untyped-def]
    return invoke(CliRunner(), "split", data, "--frac", "0.2", "--out", out, *options)


def _manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "manifest.json").read_text())


def _rows(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()]


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_shard_rows_splits_every_input_in_shards(name: str, tmp_path: Path) -> None:
    data, options, rows = INPUTS[name]
    result = _split(tmp_path / "b", data, *options, "--shard-rows", "10")
    assert result.exit_code == 0, result.stderr
    manifest = _manifest(tmp_path / "b")
    sharding = manifest["method"]["parameters"]["sharding"]
    assert sharding["shards"] == -(-manifest["encoding"]["n"] // 10)
    assert manifest["encoding"]["input_rows"] == rows
    assert manifest["split"]["n_test"] == -(-manifest["encoding"]["n"] // 5)  # ceil(n * 0.2)
    verified = invoke(CliRunner(), "verify", tmp_path / "b")
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    assert verified.stdout.rstrip().endswith("verified")


def test_same_numbers_give_the_same_test_rows_streamed_or_read_whole(tmp_path: Path) -> None:
    streamed = _split(tmp_path / "npy", SAMPLE / "shapes.npy", "--shard-rows", "10")
    in_memory = _split(
        tmp_path / "h5", SAMPLE / "shapes.h5", "--key", "images", "--shard-rows", "10"
    )
    assert streamed.exit_code == in_memory.exit_code == 0, streamed.stderr + in_memory.stderr
    test_rows = _rows(tmp_path / "npy" / "test_indices.txt")
    assert len(test_rows) == 10
    assert _rows(tmp_path / "h5" / "test_indices.txt") == test_rows
    npy, h5 = _manifest(tmp_path / "npy"), _manifest(tmp_path / "h5")
    assert npy["method"]["parameters"]["sharding"] == h5["method"]["parameters"]["sharding"]
    assert npy["encoding"]["content_sha256"] == h5["encoding"]["content_sha256"]
    whole_h5 = _split(tmp_path / "whole", SAMPLE / "shapes.h5", "--key", "images")
    assert whole_h5.exit_code == 0
    assert "sharding" not in _manifest(tmp_path / "whole")["method"]["parameters"]


@pytest.fixture(scope="module")
def sharded_bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sharded")
    bundles = {}
    for name in COMMANDS_ON:
        data, options, _rows = INPUTS[name]
        out = root / name.replace(" ", "_")
        result = _split(out, data, *options, "--shard-rows", "10")
        assert result.exit_code == 0, result.stderr
        bundles[name] = out
    return bundles


@pytest.mark.parametrize("name", COMMANDS_ON)
def test_commands_read_sharded_bundles(name: str, sharded_bundles: dict[str, Path]) -> None:
    out = sharded_bundles[name]
    evaluated = invoke(CliRunner(), "evaluate", out, "--random", "3")
    assert evaluated.exit_code == 0, evaluated.stderr
    assert "test set" in evaluated.stdout
    carded = invoke(CliRunner(), "card", out)
    assert carded.exit_code == 0, carded.stderr
    assert (out / "README.md").is_file()
    loaded = load_split(out)
    assert list(loaded.test_rows) == _rows(out / "test_indices.txt")
    assert len(loaded.train) + len(loaded.test) == _manifest(out)["encoding"]["n"]
    if name in ("image folder", "signal folder"):  # listed as files, as whole splits are
        assert {Path(p).suffix for p in loaded.test} == {".png" if "image" in name else ".csv"}
    if name == "graphs":  # a raw OGB folder per side
        assert (out / "test" / "num-node-list.csv.gz").is_file()
    if name == "hdf5":
        assert loaded.test.shape == (10, 16, 16, 3)


def test_score_ranks_predictions_on_a_sharded_bundle(
    sharded_bundles: dict[str, Path], tmp_path: Path
) -> None:
    out = sharded_bundles["hdf5"]
    loaded = load_split(out)
    assert loaded.y_test is not None
    exact = tmp_path / "exact.txt"
    exact.write_text("".join(f"{value}\n" for value in np.asarray(loaded.y_test)))
    scored = invoke(CliRunner(), "score", out, exact)
    assert scored.exit_code == 0, scored.stderr
    assert f"on {len(loaded.test_rows)} test rows" in scored.stdout.splitlines()[0]
    assert str(exact) in scored.stdout.splitlines()[2]  # ranked first


def test_a_whole_split_that_would_not_fit_is_refused_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 2**20)
    result = _split(tmp_path / "b", SAMPLE / "shapes.h5", "--key", "images", "--shard-rows", "0")
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert result.stderr == (
        "benchmake: error: shapes.h5: a whole split of 48 x 768 (k 10) needs about 0.0 GiB "
        "of memory, more than the 0.0 GiB available; " + memory.WAY_OUT + "\n"
    )
    assert not (tmp_path / "b").exists()


def test_sharded_splits_that_would_not_fit_are_refused_with_their_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 1000)
    for data, options in ((SAMPLE / "shapes.npy", []), (SAMPLE / "molecules.smi", [])):
        result = _split(tmp_path / data.stem, data, *options, "--shard-rows", "10")
        assert result.exit_code == ExitCode.BAD_PARAMETER, result.stderr
        assert result.stderr.startswith(f"benchmake: error: {data.name}: 1 shard(s) of ")
        assert "--shard-rows" in result.stderr and "--scheduler" in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert not (tmp_path / data.stem).exists()


def test_running_out_of_memory_is_exit_5_not_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(whole, "compute_split", exhausted)
    result = _split(tmp_path / "b", SAMPLE / "shapes.npy")
    assert result.exit_code == ExitCode.BAD_PARAMETER
    assert result.stderr == f"benchmake: error: out of memory; {memory.WAY_OUT}\n"


@pytest.mark.parametrize("shard_rows", [None, "10"])
@pytest.mark.parametrize(("name", "options"), SAMPLE_INPUTS, ids=[n for n, _ in SAMPLE_INPUTS])
def test_inspect_plans_what_split_runs(
    name: str, options: tuple[str, ...], shard_rows: str | None, tmp_path: Path
) -> None:
    """Every sample input, with its encoding options: whole or sharded, shards and width."""
    data = SAMPLE / name
    sharding = ["--shard-rows", shard_rows] if shard_rows else []
    inspected = invoke(CliRunner(), "inspect", data, *options, *sharding, "--json")
    assert inspected.exit_code == 0, inspected.stderr
    plan = json.loads(inspected.stdout)["plan"]
    result = _split(tmp_path / "b", data, *options, *sharding)
    assert result.exit_code == 0, result.stderr
    manifest = _manifest(tmp_path / "b")
    sharded = "sharding" in manifest["method"]["parameters"]
    assert plan["mode"] == ("sharded" if sharded else "whole")
    assert plan["d"] == manifest["encoding"]["d"]
    assert plan["n"] == manifest["encoding"]["n"]
    if sharded:
        assert plan["shards"] == manifest["method"]["parameters"]["sharding"]["shards"]
    assert sharded == (shard_rows is not None)  # every sample input holds more than 10 rows


def test_inspect_counts_a_sequence_column_as_sequences() -> None:
    report = inspect_data(SAMPLE / "molecules.csv", encode_options=_sequence("smiles"))
    assert report.d == 22  # the SMILES alphabet, not one-hot text
    assert [c.role for c in report.columns if c.name == "smiles"] == ["sequence"]
    assert report.problems == [] and report.hints == []


@pytest.mark.parametrize("name", ["molecules.smi", "proteins.fasta", "peptides.txt"])
def test_inspect_counts_a_sequence_file_as_sequences_however_little_memory_is_left(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One-hot text would not fit in 1 kB; the counts of a sequence file's tokens do."""
    monkeypatch.setattr(inspect, "_available_host_memory", lambda: 1000)
    read = ReadOptions(type="sequence") if name.endswith(".txt") else None
    report = inspect_data(SAMPLE / name, read)
    assert not [problem for problem in report.problems if "encoding needs" in problem]
    assert [c.role for c in report.columns if c.name == "sequence"] == ["sequence"]
    result = split_file(SAMPLE / name, frac=0.2, type="sequence" if read else "auto")
    assert report.d == result.manifest["encoding"]["d"]


def _sequence(column: str):  # type: ignore[no-untyped-def]
    from benchmake_cli.encode import EncodeOptions

    return EncodeOptions(sequence_col=column)
