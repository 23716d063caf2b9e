"""Every modality and container of sample_data/ round-trips through ``split`` and ``verify``,
and the same samples in different containers give the same split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from .conftest import SAMPLE, invoke

SHAPES_NPZ_KEYS = (
    "--key",
    "train_images,val_images,test_images",
    "--target-key",
    "train_labels,val_labels,test_labels",
)

#: name, input, extra options, modality, n, d, data files written besides the indices
CASES = [
    ("png-folder", "shapes_png", (), "image", 48, 768, ["test.csv", "train.csv"]),
    ("npy-images", "shapes.npy", (), "image", 48, 768, ["test.npy", "train.npy"]),
    ("npz-joined", "shapes.npz", SHAPES_NPZ_KEYS, "image", 48, 768, ["test.npz", "train.npz"]),
    (
        "hdf5",
        "shapes.h5",
        ("--key", "images", "--target-key", "labels"),
        "image",
        48,
        768,
        ["test.h5", "train.h5"],
    ),
    (
        "mixed-image-formats",
        "micrographs",
        ("--image-size", "16x16", "--mode", "L"),
        "image",
        24,
        256,
        ["test.csv", "train.csv"],
    ),
    ("smi", "molecules.smi", (), "sequence", 120, 22, ["test.smi", "train.smi"]),
    (
        "csv-sequence-column",
        "molecules.csv",
        ("--sequence-col", "smiles", "--target", "weight"),
        "sequence",
        120,
        22,
        ["test.csv", "train.csv"],
    ),
    ("smiles-tokens", "molecules.smi", ("--tokens", "smiles"), "sequence", 120, 19, None),
    ("fasta-kmers", "proteins.fasta", ("--kmer", "2"), "sequence", 60, 400, None),
    ("fasta", "proteins.fasta", (), "sequence", 60, 20, ["test.fasta", "train.fasta"]),
    ("text-lines", "peptides.txt", ("--type", "sequence"), "sequence", 80, 20, None),
    ("npy-signals", "vibration.npy", (), "signal", 40, 128, ["test.npy", "train.npy"]),
    ("npy-signal-folder", "vibration_npy", (), "signal", 40, 128, ["test.csv", "train.csv"]),
    ("csv-signal-folder", "vibration_csv", ("--resample", "64"), "signal", 40, 128, None),
    ("ogb-graphs", "molgraphs", (), "graph", 80, 2 + 5 + 9, None),
    (
        "node-features",
        "graph_nodes.csv",
        ("--type", "graph", "--id-col", "graph"),
        "graph",
        684,
        4,
        None,
    ),
]


def _split(runner: CliRunner, data: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return invoke(runner, "split", data, "--frac", "0.2", "--out", out, "-q", *extra)


@pytest.mark.parametrize(
    ("data", "extra", "modality", "n", "d", "written"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_split_and_verify_round_trip(
    runner: CliRunner,
    tmp_path: Path,
    data: str,
    extra: tuple[str, ...],
    modality: str,
    n: int,
    d: int,
    written: list[str] | None,
) -> None:
    out = tmp_path / "out"
    result = _split(runner, SAMPLE / data, out, *extra)
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["encoding"]["modality"] == modality
    assert (manifest["encoding"]["n"], manifest["encoding"]["d"]) == (n, d)
    test = (out / "test_indices.txt").read_text().split()
    train = (out / "train_indices.txt").read_text().split()
    assert len(test) == manifest["split"]["n_test"] == -(-n // 5)
    assert sorted(map(int, test + train)) == list(range(n))
    if written is not None:
        data_files = sorted(set(manifest["files"]) - {"train_indices.txt", "test_indices.txt"})
        assert data_files == written
    verified = invoke(runner, "verify", out, "--data", SAMPLE / data)
    assert verified.exit_code == 0, verified.stdout
    assert verified.stdout.splitlines()[-1] == "verified"


def _test_rows(runner: CliRunner, tmp_path: Path, data: str, *extra: str) -> tuple[str, str]:
    out = tmp_path / data
    assert _split(runner, SAMPLE / data, out, *extra).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    return (out / "test_indices.txt").read_text(), manifest["encoding"]["content_sha256"]


def test_same_images_in_four_containers_give_the_same_split(
    runner: CliRunner, tmp_path: Path
) -> None:
    png = _test_rows(runner, tmp_path, "shapes_png")
    assert _test_rows(runner, tmp_path, "shapes.npy") == png
    assert _test_rows(runner, tmp_path, "shapes.npz", *SHAPES_NPZ_KEYS) == png
    assert _test_rows(runner, tmp_path, "shapes.h5", "--key", "/images") == png


def test_same_sequences_as_smi_and_csv_column_give_the_same_split(
    runner: CliRunner, tmp_path: Path
) -> None:
    smi = _test_rows(runner, tmp_path, "molecules.smi", "--tokens", "smiles")
    csv = _test_rows(
        runner, tmp_path, "molecules.csv", "--sequence-col", "smiles", "--tokens", "smiles"
    )
    assert csv == smi


def test_same_signals_as_array_and_folder_give_the_same_split(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert _test_rows(runner, tmp_path, "vibration_npy") == _test_rows(
        runner, tmp_path, "vibration.npy"
    )


@pytest.mark.parametrize(
    ("data", "extra"),
    [
        ("shapes.npz", SHAPES_NPZ_KEYS),
        ("shapes.h5", ("--key", "images", "--target-key", "labels")),
        ("molgraphs", ()),
        ("shapes_png", ("--copy",)),
    ],
)
def test_outputs_are_byte_identical_from_run_to_run(
    runner: CliRunner, tmp_path: Path, data: str, extra: tuple[str, ...]
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert _split(runner, SAMPLE / data, first, *extra).exit_code == 0
    assert _split(runner, SAMPLE / data, second, *extra).exit_code == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) >= 5
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
