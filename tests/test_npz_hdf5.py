"""NPZ and HDF5: choosing arrays with --key/--target-key, joining keys, split files that keep
the original shape, and clear errors for wrong or ambiguous keys."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli.errors import ExitCode

from .conftest import SAMPLE, assert_clean_failure, invoke


def _images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 6, 5), dtype=np.uint8)


@pytest.fixture
def medmnist(tmp_path: Path) -> Path:
    """The MedMNIST layout: three image keys and three label keys, plus an unrelated key."""
    path = tmp_path / "mini.npz"
    np.savez(
        path,
        train_images=_images(30, 1),
        val_images=_images(10, 2),
        test_images=_images(10, 3),
        train_labels=np.arange(30)[:, None] % 2,
        val_labels=np.arange(10)[:, None] % 2,
        test_labels=np.arange(10)[:, None] % 2,
    )
    return path


def test_joined_keys_are_recorded_and_split_files_keep_the_shape(
    runner: CliRunner, tmp_path: Path, medmnist: Path
) -> None:
    out = tmp_path / "out"
    result = invoke(
        runner, "split", medmnist, "--frac", "0.2", "--out", out,
        "--key", "train_images,val_images,test_images",
        "--target-key", "train_labels,val_labels,test_labels",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["input"]["read_options"] == {
        "key": ["train_images", "val_images", "test_images"],
        "target_key": ["train_labels", "val_labels", "test_labels"],
    }
    assert manifest["input"]["details"]["parts"] == [
        {"key": "train_images", "rows": 30},
        {"key": "val_images", "rows": 10},
        {"key": "test_images", "rows": 10},
    ]
    assert manifest["encoding"]["modality"] == "image"
    assert manifest["encoding"]["d"] == 30
    test_rows = [int(r) for r in (out / "test_indices.txt").read_text().split()]
    joined = np.concatenate(
        [np.load(medmnist)[k] for k in ("train_images", "val_images", "test_images")]
    )
    labels = np.concatenate(
        [np.load(medmnist)[k] for k in ("train_labels", "val_labels", "test_labels")]
    )
    with np.load(out / "test.npz") as written:
        assert sorted(written.files) == ["images", "labels"]
        assert written["images"].shape == (10, 6, 5) and written["images"].dtype == np.uint8
        assert np.array_equal(written["images"], joined[test_rows])
        assert np.array_equal(written["labels"], labels[test_rows])
    with zipfile.ZipFile(out / "test.npz") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}


def test_compressed_npz_gives_compressed_split_files(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(runner, "split", SAMPLE / "shapes.npz", "--frac", "0.2", "--out", out,
                    "--key", "train_images")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out / "train.npz") as archive:
        assert [i.filename for i in archive.infolist()] == ["train_images.npy"]
        assert archive.infolist()[0].compress_type == zipfile.ZIP_DEFLATED


def test_a_single_array_needs_no_key(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "one.npz"
    np.savez(path, spectra=np.random.default_rng(0).random((20, 7)))
    out = tmp_path / "out"
    assert invoke(runner, "split", path, "--frac", "0.25", "--out", out).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["input"]["read_options"]["key"] == ["spectra"]
    assert manifest["encoding"]["modality"] == "tabular"
    with np.load(out / "test.npz") as written:
        assert written["spectra"].shape == (5, 7)


def test_hdf5_nested_dataset_paths(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "scan.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset("scans/raw", data=_images(25))
        handle.create_dataset("meta/ids", data=np.arange(25))
    out = tmp_path / "out"
    result = invoke(runner, "split", path, "--frac", "0.2", "--out", out,
                    "--key", "/scans/raw", "--target-key", "meta/ids")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    test_rows = [int(r) for r in (out / "test_indices.txt").read_text().split()]
    with h5py.File(out / "test.h5") as written:
        assert written["scans/raw"].shape == (5, 6, 5)
        assert written["meta/ids"][()].tolist() == test_rows
    assert invoke(runner, "verify", out, "--data", path).exit_code == 0


CASES = [
    (
        "ambiguous npz",
        lambda t, m: m,
        (),
        ExitCode.BAD_PARAMETER,
        "mini.npz: holds 6 arrays; choose with --key: train_images, val_images, test_images, "
        "train_labels, val_labels, test_labels",
    ),
    (
        "wrong npz key",
        lambda t, m: m,
        ("--key", "train_images,validation_images"),
        ExitCode.BAD_PARAMETER,
        "--key 'validation_images': no such array in mini.npz; arrays are: train_images,",
    ),
    (
        "wrong target key",
        lambda t, m: m,
        ("--key", "train_images", "--target-key", "labels"),
        ExitCode.BAD_PARAMETER,
        "--target-key 'labels': no such array in mini.npz",
    ),
    (
        "labels do not match rows",
        lambda t, m: m,
        ("--key", "train_images,val_images", "--target-key", "train_labels,val_labels,test_labels"),
        ExitCode.BAD_DATA,
        "mini.npz: --target-key rows [30, 10, 10] do not match --key rows [30, 10]",
    ),
    (
        "shapes cannot be joined",
        lambda t, m: (np.savez(t / "j.npz", a=np.zeros((4, 3)), b=np.zeros((4, 2))), t / "j.npz")[
            1
        ],
        ("--key", "a,b"),
        ExitCode.BAD_DATA,
        "j.npz: arrays 'a' (4, 3) and 'b' (4, 2) differ beyond the first dimension",
    ),
    (
        "wrong hdf5 key",
        lambda t, m: _h5(t),
        ("--key", "image"),
        ExitCode.BAD_PARAMETER,
        "--key 'image': no such array in d.h5; arrays are: images, labels",
    ),
    (
        "ambiguous hdf5",
        lambda t, m: _h5(t),
        (),
        ExitCode.BAD_PARAMETER,
        "d.h5: holds 2 arrays; choose with --key: images, labels",
    ),
    (
        "text dataset",
        lambda t, m: _h5(t, names=True),
        ("--key", "names"),
        ExitCode.BAD_DATA,
        "array 'names' has dtype object, not numbers",
    ),
    (
        "not hdf5",
        lambda t, m: ((t / "x.h5").write_bytes(b"not an hdf5 file" * 10), t / "x.h5")[1],
        (),
        ExitCode.BAD_DATA,
        "x.h5: not a readable HDF5 file",
    ),
    (
        "not npz",
        lambda t, m: ((t / "x.npz").write_bytes(b"PK garbage" * 10), t / "x.npz")[1],
        (),
        ExitCode.BAD_DATA,
        "x.npz: not a readable .npz file",
    ),
    (
        "key on a csv",
        lambda t, m: ((t / "a.csv").write_text("a,b\n1,2\n3,4\n5,7\n"), t / "a.csv")[1],
        ("--key", "x"),
        ExitCode.BAD_PARAMETER,
        "--key: applies to .npz and HDF5 files, not a.csv",
    ),
]


def _h5(folder: Path, names: bool = False) -> Path:
    path = folder / "d.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset("images", data=_images(10))
        handle.create_dataset("labels", data=np.arange(10))
        if names:
            handle.create_dataset("names", data=[f"n{i}" for i in range(10)])
    return path


@pytest.mark.parametrize(
    ("make", "extra", "code", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_keys_give_one_line_and_write_nothing(
    runner: CliRunner,
    tmp_path: Path,
    medmnist: Path,
    make,
    extra,
    code,
    message,  # type: ignore[no-untyped-def]
) -> None:
    data = make(tmp_path, medmnist)
    out = tmp_path / "out"
    result = invoke(runner, "split", data, "--frac", "0.2", "--out", out, *extra)
    assert_clean_failure(result, tmp_path, out, code, message)
