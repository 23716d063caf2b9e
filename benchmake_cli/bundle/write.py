"""Write the split: index files and the train/test data in the input's own format.

One module per kind of output: :mod:`.arrays` (NPZ, HDF5), :mod:`.sequences` (``.smi``,
FASTA, text lines), :mod:`.folders` (file lists of image and signal folders, with copies or
links), :mod:`.ogb` (OGB raw folders); tables and NPY files are written here.
:mod:`.staging` makes the output folder appear whole or not at all.

Files carry no timestamps: the same split gives the same bytes on every run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import OutputError
from ..formats import (
    write_arrays as arrays,
)
from ..formats import (
    write_folders as folders,
)
from ..formats import (
    write_ogb as ogb,
)
from ..formats import (
    write_sequences as sequences,
)
from ..formats.delimited import WHITESPACE
from ..formats.folder import walk_files
from ..formats.table import Table
from .manifest import FILE_NAME, Manifest
from .staging import TEMP_PREFIX, check_output_folder, staged_folder

__all__ = ["TEMP_PREFIX", "check_output_folder", "staged_folder"]


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_indices(path: Path, rows: np.ndarray) -> None:
    """One 0-based row number per line, ascending, ``\\n`` line ends."""
    path.write_bytes("".join(f"{int(r)}\n" for r in rows).encode("ascii"))


FILE_MODES = ("list", "copy", "link")
TABLE_SUFFIXES = {"csv": ".csv", "tsv": ".tsv", "parquet": ".parquet", "npy": ".npy"}


def write_side(
    table: Table, rows: np.ndarray, folder: Path, side: str, files: str = "list"
) -> list[str]:
    """Write the input rows ``rows`` as the ``side`` (``train`` or ``test``) data into
    ``folder``, in the input's own format; return the relative POSIX paths written."""
    if table.format in TABLE_SUFFIXES:
        name = f"{side}{TABLE_SUFFIXES[table.format]}"
        write_subset(table, rows, folder / name)
        return [name]
    if table.format in ("npz", "hdf5"):
        return arrays.write(table, rows, folder, side)
    if table.format in sequences.SUFFIXES:
        return sequences.write(table, rows, folder, side)
    if table.format in ("image-folder", "signal-folder"):
        return folders.write(table, rows, folder, side, files)
    if table.format == "ogb":
        return ogb.write(table, rows, folder, side)
    raise OutputError(f"cannot write format {table.format!r}")  # pragma: no cover


def data_file_names(table: Table | str) -> tuple[str, str]:
    """Names of the train and test data files for this table input (or table format)."""
    fmt = table if isinstance(table, str) else table.format
    suffix = TABLE_SUFFIXES[fmt]
    return f"train{suffix}", f"test{suffix}"


def write_subset(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the given input rows (every original column) in the input's table format."""
    if table.format in ("csv", "tsv"):
        header = bool(table.read_options.get("header", True))
        path.write_bytes(_delimited_text(table, rows, header=header))
    elif table.format == "parquet":
        assert table.arrow is not None
        pq.write_table(table.arrow.take(pa.array(rows, type=pa.int64())), path)
    elif table.format == "npy":
        assert table.array is not None
        np.save(path, table.array[rows], allow_pickle=False)
    else:  # pragma: no cover - write_side sends only table formats here
        raise OutputError(f"cannot write format {table.format!r}")


def write_subsets_streamed(
    chunks: Iterable[Table], sides: np.ndarray, paths: dict[int, Path]
) -> None:
    """Write, chunk by chunk, the rows whose ``sides`` value is each key of ``paths`` (input
    order, every original column) in the input's format: the same content as
    :func:`write_subset`, holding one chunk at a time."""
    writers: dict[int, _SubsetWriter] = {}
    offset = 0
    try:
        for chunk in chunks:
            part = sides[offset : offset + chunk.n_rows]
            offset += chunk.n_rows
            for side, path in paths.items():
                if side not in writers:
                    writers[side] = _SubsetWriter(chunk, path, int((sides == side).sum()))
                writers[side].append(chunk, np.flatnonzero(part == side))
    finally:
        for writer in writers.values():
            writer.close()


class _SubsetWriter:
    """One output file of :func:`write_subsets_streamed`, opened with the first chunk."""

    def __init__(self, first: Table, path: Path, total_rows: int) -> None:
        self.format = first.format
        self.parquet: Any = None
        self.handle: BinaryIO | None = None
        if self.format == "parquet":
            assert first.arrow is not None
            self.parquet = pq.ParquetWriter(path, first.arrow.schema)
            return
        self.handle = open(path, "wb")  # noqa: SIM115 - closed by close()
        if self.format == "npy":
            assert first.array is not None
            header = {
                "descr": np.lib.format.dtype_to_descr(first.array.dtype),
                "fortran_order": False,
                "shape": (total_rows, *first.array.shape[1:]),
            }
            np.lib.format.write_array_header_1_0(self.handle, header)
        elif bool(first.read_options.get("header", True)):
            self.handle.write(_delimited_text(first, np.empty(0, dtype=np.int64), header=True))

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        if len(rows) == 0:
            return
        if self.parquet is not None:
            assert chunk.arrow is not None
            self.parquet.write_table(chunk.arrow.take(pa.array(rows, type=pa.int64())))
        elif self.format == "npy":
            assert self.handle is not None and chunk.array is not None
            self.handle.write(np.ascontiguousarray(chunk.array[rows]).tobytes())
        else:
            assert self.handle is not None
            self.handle.write(_delimited_text(chunk, rows, header=False))

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()
        if self.handle is not None:
            self.handle.close()


def _delimited_text(table: Table, rows: np.ndarray, *, header: bool) -> bytes:
    """The given rows as CSV/TSV text, written as the input was read."""
    assert table.frame is not None
    separator = table.read_options.get("sep", ",")
    text = table.frame.iloc[rows].to_csv(
        index=False,
        header=header,
        sep=" " if separator == WHITESPACE else separator,
        lineterminator="\n",
    )
    return text.encode("utf-8")


def input_digest(path: Path) -> tuple[int, str]:
    """Byte size and SHA-256 of an input. For a folder: the total size of its files and the
    SHA-256 of its listing, one ``relative/path<TAB>sha256\\n`` line per file (hidden files
    and folders left out), sorted by relative POSIX path."""
    if not path.is_dir():
        return path.stat().st_size, sha256_file(path)
    listing = hashlib.sha256()
    size = 0
    for relative in walk_files(path):
        size += (path / relative).stat().st_size
        listing.update(f"{relative}\t{sha256_file(path / relative)}\n".encode())
    return size, listing.hexdigest()


#: positions in the reference's hash order, written by ``--reference-indices``
REFERENCE_TEST_INDICES = "reference_test_indices.txt"
REFERENCE_TRAIN_INDICES = "reference_train_indices.txt"


def write_bundle(
    out: Path,
    manifest: Manifest,
    *,
    train: np.ndarray,
    test: np.ndarray,
    write_data: Callable[[Path], list[str]],
    input_path: Path,
    force: bool = False,
    files: str = "list",
    reference: tuple[np.ndarray, np.ndarray] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Path:
    """Write a split into ``out``, atomically: the index files, the reference's positions
    (``reference``: test and training positions in its hash order), the data
    (``write_data`` writes it into a folder and returns the names) and the manifest, with
    every written file's SHA-256."""
    report = progress or (lambda stage, done, total: None)
    with staged_folder(out, force) as staging:
        report("write", 0, 4)
        write_indices(staging / "train_indices.txt", train)
        write_indices(staging / "test_indices.txt", test)
        written = ["train_indices.txt", "test_indices.txt"]
        if reference is not None:
            write_indices(staging / REFERENCE_TEST_INDICES, reference[0])
            write_indices(staging / REFERENCE_TRAIN_INDICES, reference[1])
            written += [REFERENCE_TEST_INDICES, REFERENCE_TRAIN_INDICES]
            manifest.data["split"]["reference_test_indices"] = REFERENCE_TEST_INDICES
            manifest.data["split"]["reference_train_indices"] = REFERENCE_TRAIN_INDICES
        report("write", 2, 4)
        written += write_data(staging)
        if files != "list":
            manifest.data["split"]["files"] = files
        hashes = {
            name: {"sha256": sha256_file(staging / name), "bytes": (staging / name).stat().st_size}
            for name in written
        }
        manifest.finish(hashes, input_path, out)
        (staging / FILE_NAME).write_text(manifest.dumps(), encoding="utf-8")
        report("write", 4, 4)
    return out
