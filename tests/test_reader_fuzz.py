"""Fuzzing the readers (hypothesis): whatever bytes a file holds, reading and encoding it
either works or raises a :class:`~benchmake_cli.errors.BenchmakeError` (one clean line on
the command line), never another exception (a traceback, or "internal error")."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import h5py
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from benchmake_cli.errors import BenchmakeError
from benchmake_cli.formats import ReadOptions
from benchmake_cli.pipeline.whole import prepare

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))

#: pieces of text that readers find awkward: separators, quotes, line ends, odd numbers
PIECES = [*"0123456789.,;\t\n\r\"' -+eEnaN", "nan", "inf", "1e309", "\ufeff", "a,b\n", '""']


def _valid(suffix: str, folder: Path) -> bytes:
    """A small valid file of the format, as bytes."""
    X = np.arange(60, dtype=float).reshape(20, 3) % 7
    buffer = io.BytesIO()
    if suffix == ".npy":
        np.save(buffer, X)
    elif suffix == ".npz":
        np.savez(buffer, x=X, y=np.arange(20))
    elif suffix == ".parquet":
        pq.write_table(pa.table({"a": X[:, 0], "b": X[:, 1]}), buffer)
    elif suffix == ".h5":
        with h5py.File(folder / "valid.h5", "w") as handle:
            handle["x"] = X
        return (folder / "valid.h5").read_bytes()
    else:
        Image.fromarray((np.arange(64).reshape(8, 8) * 3).astype(np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def folder() -> Path:
    path = Path(tempfile.mkdtemp(prefix="benchmake-fuzz-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _read(path: Path, options: ReadOptions | None = None) -> None:
    with contextlib.suppress(BenchmakeError):
        prepare(path, options)


@FUZZ
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=60),
    suffix=st.sampled_from([".csv", ".tsv", ".smi", ".fasta", ".txt"]),
    header=st.booleans(),
)
def test_any_text_reads_or_is_refused_cleanly(
    folder: Path, pieces: list[str], suffix: str, header: bool
) -> None:
    path = folder / f"text{suffix}"
    path.write_text("".join(pieces), encoding="utf-8")
    _read(path, ReadOptions(header=header, type="sequence" if suffix == ".txt" else "auto"))


@FUZZ
@given(
    suffix=st.sampled_from([".npy", ".npz", ".parquet", ".h5", ".png"]),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8),
    keep=st.floats(0.05, 1.0),
)
def test_any_damaged_binary_file_reads_or_is_refused_cleanly(
    folder: Path, suffix: str, edits: list[tuple[float, int]], keep: float
) -> None:
    """A valid file with some bytes overwritten and its end cut off."""
    data = bytearray(_valid(suffix, folder))
    for where, value in edits:
        data[int(where * (len(data) - 1))] = value
    damaged = bytes(data[: max(1, int(len(data) * keep))])
    if suffix == ".png":  # one damaged image among good ones
        path = folder / "images"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir()
        for i in range(4):
            (path / f"good_{i}.png").write_bytes(_valid(".png", folder))
        (path / "damaged.png").write_bytes(damaged)
    else:
        path = folder / f"damaged{suffix}"
        path.write_bytes(damaged)
    _read(path)
