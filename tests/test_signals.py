"""Signals: arrays and folders of CSV/NPY files, equal lengths or --resample, the flattening
layout, and bad signal folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli import prepare
from benchmake_cli.encode import EncodeOptions
from benchmake_cli.encode.signal import resample
from benchmake_cli.errors import ExitCode
from benchmake_cli.formats import ReadOptions

from .conftest import SAMPLE, assert_clean_failure, invoke


def _csv_signal(path: Path, values: np.ndarray, header: str | None = "a,b") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header] if header else []
    lines += [",".join(f"{v:g}" for v in row) for row in values.reshape(len(values), -1)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_rows_are_time_major_with_channels_interleaved(tmp_path: Path) -> None:
    root = tmp_path / "sig"
    _csv_signal(root / "s1.csv", np.array([[1, 10], [2, 20], [3, 30]]))
    np.save(root / "s0.npy", np.array([[4.0, 40], [5, 50], [6, 60]]))
    encoded = prepare(root).encoded
    assert encoded.modality == "signal"
    assert encoded.X.tolist() == [[4, 40, 5, 50, 6, 60], [1, 10, 2, 20, 3, 30]]
    assert encoded.feature_names[:3] == ["t0c0", "t0c1", "t1c0"]


def test_resample_is_linear_and_keeps_the_end_points() -> None:
    signal = np.array([[0.0, 1.0], [4.0, 1.0], [8.0, 3.0]])
    assert resample(signal, 5).tolist() == [[0, 1], [2, 1], [4, 1], [6, 2], [8, 3]]
    assert resample(signal, 2).tolist() == [[0, 1], [8, 3]]
    assert resample(signal, 3) is signal


def test_folder_of_mixed_lengths_splits_with_resample(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(runner, "split", SAMPLE / "vibration_csv", "--frac", "0.2", "--out", out,
                    "--resample", "32")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    encoded = prepare(SAMPLE / "vibration_csv", encode_options=EncodeOptions(resample=32)).encoded
    assert encoded.X.shape == (40, 64)
    first = np.loadtxt(SAMPLE / "vibration_csv/bearing/sig_00.csv", delimiter=",", skiprows=1)
    assert np.allclose(encoded.X[0].reshape(32, 2), resample(first, 32))


def test_table_read_as_signal_resamples_its_columns(tmp_path: Path) -> None:
    data = tmp_path / "spectra.csv"
    rng = np.random.default_rng(0)
    lines = ["brix," + ",".join(f"wl{i}" for i in range(9))]
    lines += [f"{i}," + ",".join(f"{v:.4f}" for v in rng.random(9)) for i in range(12)]
    data.write_text("\n".join(lines) + "\n")
    prepared = prepare(data, ReadOptions(type="signal"), EncodeOptions(target="brix", resample=5))
    assert prepared.encoded.modality == "signal" and prepared.encoded.X.shape == (12, 5)
    assert prepared.encoded.columns_used == [f"wl{i}" for i in range(9)]


def test_auto_detection_of_array_signals() -> None:
    assert prepare(SAMPLE / "vibration.npy").encoded.modality == "signal"
    assert prepare(SAMPLE / "vibration_npy").encoded.modality == "signal"


def _mixed_lengths(root: Path) -> Path:
    _csv_signal(root / "a.csv", np.arange(10.0).reshape(5, 2))
    _csv_signal(root / "b.csv", np.arange(10.0).reshape(5, 2))
    _csv_signal(root / "c.csv", np.arange(12.0).reshape(6, 2))
    return root


def _mixed_channels(root: Path) -> Path:
    _csv_signal(root / "a.csv", np.arange(10.0).reshape(5, 2))
    _csv_signal(root / "b.csv", np.arange(15.0).reshape(5, 3), "x,y,z")
    return root


def _ragged_csv(root: Path) -> Path:
    _csv_signal(root / "a.csv", np.arange(10.0).reshape(5, 2))
    (root / "b.csv").write_text("a,b\n1,2\n3\n5,6\n")
    return root


def _text_value(root: Path) -> Path:
    _csv_signal(root / "a.csv", np.arange(10.0).reshape(5, 2))
    (root / "b.csv").write_text("a,b\n1,2\n3,x\n5,6\n")
    return root


def _nan(root: Path) -> Path:
    _csv_signal(root / "a.csv", np.arange(10.0).reshape(5, 2))
    _csv_signal(root / "b.csv", np.array([[1, 2], [np.nan, 4], [5, 6], [7, 8], [9, 9]]))
    return root


CASES = [
    (
        "mixed lengths",
        _mixed_lengths,
        (),
        ExitCode.BAD_DATA,
        "sig: signals differ in length: a.csv has 5 samples, c.csv has 6; pass --resample L",
    ),
    (
        "mixed channels",
        _mixed_channels,
        (),
        ExitCode.BAD_DATA,
        "sig: signals differ in channels: a.csv has 2, b.csv has 3",
    ),
    ("ragged csv", _ragged_csv, (), ExitCode.BAD_DATA, "b.csv: line 3: 1 values, expected 2"),
    (
        "text in a signal",
        _text_value,
        (),
        ExitCode.BAD_DATA,
        "b.csv: line 3: not a row of numbers: '3,x'",
    ),
    (
        "NaN in a signal",
        _nan,
        (),
        ExitCode.BAD_DATA,
        "sig: b.csv, position (1, 0): value nan is not finite",
    ),
    (
        "unreadable npy",
        lambda r: ((r / "a.npy").write_bytes(b"\x93NUMPY garbage"), r)[1],
        (),
        ExitCode.BAD_DATA,
        "a.npy: not a readable .npy file",
    ),
    ("empty folder", lambda r: r, (), ExitCode.BAD_DATA, "sig: folder is empty"),
    (
        "no signal files",
        lambda r: ((r / "notes.md").write_text("x"), r)[1],
        ("--type", "signal"),
        ExitCode.BAD_DATA,
        "sig: holds no signal files (.csv .npy) in it or its sub-folders",
    ),
    (
        "image options on a signal folder",
        _mixed_lengths,
        ("--mode", "L"),
        ExitCode.BAD_PARAMETER,
        "--mode: applies to a folder of images, not sig",
    ),
    ("resample too short", _mixed_lengths, ("--resample", "1"), ExitCode.USAGE, ""),
    (
        "resample on a table",
        lambda r: ((r.parent / "t.csv").write_text("a,b\n1,2\n3,4\n5,5\n"), r.parent / "t.csv")[1],
        ("--resample", "8"),
        ExitCode.BAD_PARAMETER,
        "--resample: applies to signals; t.csv is read as tabular",
    ),
]


@pytest.mark.parametrize(
    ("make", "extra", "code", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_signals_give_one_line_and_write_nothing(
    runner: CliRunner,
    tmp_path: Path,
    make,
    extra,
    code,
    message,  # type: ignore[no-untyped-def]
) -> None:
    root = tmp_path / "sig"
    root.mkdir()
    data = make(root)
    out = tmp_path / "out"
    result = invoke(runner, "split", data, "--frac", "0.4", "--out", out, *extra)
    if code == ExitCode.USAGE:
        assert result.exit_code == code and not out.exists()
        return
    assert_clean_failure(result, tmp_path, out, code, message)
