"""``load_split``: every sample_data/ split, loaded in its natural type, hashes checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli import load_split
from benchmake_cli.errors import ExitCode, VerifyFailedError
from benchmake_cli.formats import read_table
from benchmake_cli.tasks.load import Graph

from .conftest import SAMPLE, invoke
from .test_bundle_check import SAMPLE_SPLITS, SPLIT_IDS, split_sample

#: the type of ``train`` and ``test``, and of ``y_train`` (None: no target recorded)
EXPECTED = {
    "alloys.csv": (pd.DataFrame, pd.Series),
    "alloys.parquet": (pd.DataFrame, None),
    "graph_nodes.csv": (pd.DataFrame, None),
    "micrographs": (list, None),
    "molecules.csv": (pd.DataFrame, None),
    "molecules.smi": (list, None),
    "molgraphs": (list, np.ndarray),
    "peptides.txt": (list, None),
    "proteins.fasta": (list, None),
    "shapes.h5": (np.ndarray, np.ndarray),
    "shapes.npz": (np.ndarray, np.ndarray),
    "shapes.npy": (np.ndarray, None),
    "shapes_png": (list, np.ndarray),
    "vibration.npy": (np.ndarray, None),
    "vibration_csv": (list, np.ndarray),
    "vibration_npy": (list, np.ndarray),
}


def _rows(out: Path, side: str) -> list[int]:
    return [int(line) for line in (out / f"{side}_indices.txt").read_text().split()]


@pytest.mark.parametrize(("name", "options"), SAMPLE_SPLITS, ids=SPLIT_IDS)
def test_every_sample_split_loads_in_its_natural_type(
    runner: CliRunner, tmp_path: Path, name: str, options: tuple[str, ...]
) -> None:
    out = split_sample(runner, tmp_path, name, options)
    s = load_split(out / "manifest.json")
    kind, target_kind = EXPECTED[name]
    for side in ("train", "test"):
        data, rows, y = getattr(s, side), getattr(s, f"{side}_rows"), getattr(s, f"y_{side}")
        assert isinstance(data, kind)
        assert rows.tolist() == _rows(out, side)
        assert len(data) == len(rows) == s.manifest["split"][f"n_{side}"]
        if target_kind is None:
            assert y is None
        else:
            assert isinstance(y, target_kind) and len(y) == len(rows)
        if kind is list and isinstance(data[0], Path):
            assert all(path.is_file() for path in data)
    if name == "molgraphs":
        assert isinstance(s.train[0], Graph) and s.train[0].edges.shape[1] == 2


def test_tables_and_arrays_hold_the_input_rows(runner: CliRunner, tmp_path: Path) -> None:
    out = split_sample(runner, tmp_path, "alloys.parquet", ("--id-col", "alloy_id"))
    s = load_split(out)
    whole = pd.read_parquet(SAMPLE / "alloys.parquet")
    pd.testing.assert_frame_equal(s.test, whole.iloc[s.test_rows].reset_index(drop=True))
    (tmp_path / "npy").mkdir()
    (tmp_path / "smi").mkdir()
    arrays = split_sample(runner, tmp_path / "npy", "shapes.npy", ())
    s = load_split(arrays, verify=False)
    np.testing.assert_array_equal(s.train, np.load(SAMPLE / "shapes.npy")[s.train_rows])
    sequences = load_split(split_sample(runner, tmp_path / "smi", "molecules.smi", ()))
    every = read_table(SAMPLE / "molecules.smi").sequences
    assert every is not None
    assert sequences.test == [every[int(row)] for row in sequences.test_rows]


def test_an_edited_bundle_is_refused_unless_verify_is_off(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = split_sample(runner, tmp_path, "alloys.csv", SAMPLE_SPLITS[0][1])
    with (out / "test.csv").open("a") as handle:
        handle.write("A9999,0.1,0.1,0.1,0.1,0.1,900,10,fcc,100\n")
    with pytest.raises(VerifyFailedError) as raised:
        load_split(out)
    assert raised.value.exit_code == ExitCode.VERIFY_FAILED
    assert str(raised.value) == (
        f"{out / 'manifest.json'}: files: changed since the split: test.csv (SHA-256 differs)"
    )
    assert len(load_split(out, verify=False).test) == 61


def test_the_data_folder_of_a_listed_split_can_be_named(runner: CliRunner, tmp_path: Path) -> None:
    out = split_sample(runner, tmp_path, "shapes_png", ())
    moved = shutil.move(tmp_path / "shapes_png", tmp_path / "images")
    s = load_split(out, data=moved)
    assert all(path.is_file() and path.is_relative_to(moved) for path in s.train)
    assert invoke(runner, "verify", out).exit_code == ExitCode.DATA_NOT_CHECKED


def test_a_table_without_header_names_its_columns_as_options_do(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "plain.csv"
    frame = pd.read_csv(SAMPLE / "alloys.csv").drop(columns=["alloy_id", "phase"])
    frame.to_csv(data, index=False, header=False)
    out = tmp_path / "splits"
    args = ("split", data, "--frac", "0.2", "--out", out, "--no-header", "--target", "7")
    assert invoke(runner, *args).exit_code == 0
    s = load_split(out)
    assert list(s.train.columns) == [str(i) for i in range(8)] and s.y_test.name == "7"
    assert s.y_test.tolist() == frame.iloc[s.test_rows, 7].tolist()
