"""NumPy ``.npy`` arrays (never unpickled): read whole or by slices of the mapped array,
written whole or chunk by chunk."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..errors import DataError
from .spec import ARRAY_FITS, ChunkedFormat, ChunkWriter, FileFormat, ReadOptions, rows_within
from .table import Table

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK\x03\x04"


def read_header(path: Path, handle: BinaryIO) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype an ``.npy`` stream declares (``handle`` at its start), from its
    header alone; a header that cannot be parsed is refused (any exception, since NumPy
    parses it with ``ast``)."""
    try:
        version = np.lib.format.read_magic(handle)
        read = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, _, dtype = read(handle)
    except Exception as exc:  # ValueError, SyntaxError, tokenize.TokenError, ...
        raise DataError(f"{path}: not a readable .npy file (bad header: {exc})") from None
    return tuple(shape), np.dtype(dtype)


def _check_header(path: Path) -> None:
    """Refuse, before NumPy loads anything: a file that is not an ``.npy`` (``np.load``
    would take it for a pickle), an array of Python objects (a pickle), an array that is not
    numbers, and one whose data the file is too short to hold."""
    with open(path, "rb") as handle:
        start = handle.read(len(NPY_MAGIC))
        if start.startswith(ZIP_MAGIC):
            raise DataError(f"{path}: is an .npz archive, not a single .npy array; rename it .npz")
        if start != NPY_MAGIC:
            raise DataError(
                f"{path}: not a readable .npy file (it does not start with a NumPy header)"
            )
        handle.seek(0)
        shape, dtype = read_header(path, handle)
        data_start = handle.tell()
    if dtype.hasobject:
        raise DataError(f"{path}: holds Python objects (pickle); benchmake never loads pickles")
    if dtype.kind not in "biuf":
        raise DataError(f"{path}: dtype {dtype} is not numeric")
    needed = math.prod(shape) * dtype.itemsize
    present = path.stat().st_size - data_start
    if needed > present:
        raise DataError(
            f"{path}: truncated: its header declares shape {shape} of {dtype} ({needed} bytes "
            f"of data), the file holds {present}"
        )


def load_array(path: Path) -> np.ndarray:
    """Load one ``.npy`` array of numbers; object arrays are refused without being loaded."""
    _check_header(path)
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        if isinstance(exc, PermissionError):
            raise
        raise DataError(f"{path}: not a readable .npy file ({exc})") from None
    if not isinstance(array, np.ndarray):
        raise DataError(f"{path}: not a single NumPy array")
    return array


def read(path: Path) -> Table:
    """Read an ``.npy`` array: one sample per entry of its first dimension."""
    array = load_array(path)
    if array.ndim == 0 or array.shape[0] == 0:
        raise DataError(f"{path}: holds no rows (shape {array.shape})")
    return Table(path=path, format="npy", array=array, read_options={})


def _open_mapped(path: Path) -> np.ndarray:
    """The array mapped read-only (pages are read as they are touched, never pickles)."""
    _check_header(path)
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise DataError(f"{path}: not a readable .npy file ({exc})") from None
    if array.ndim == 0 or array.shape[0] == 0:
        raise DataError(f"{path}: holds no rows (shape {array.shape})")
    return array


def count_rows(path: Path) -> int:
    """Rows (first dimension) from the file's header."""
    return int(_open_mapped(path).shape[0])


def count_dimensions(path: Path) -> int:
    """The array's rank, from the file's header."""
    return int(_open_mapped(path).ndim)


def iter_chunks(path: Path, rows: int) -> Iterator[Table]:
    """The array as consecutive in-memory copies of at most ``rows`` rows (fewer for wide
    rows: :func:`~.spec.rows_within`)."""
    array = _open_mapped(path)
    step = rows_within(rows, 8 * int(np.prod(array.shape[1:])))
    for start in range(0, array.shape[0], step):
        yield Table(path=path, format="npy", array=np.array(array[start : start + step]))


def can_stream(path: Path) -> bool:
    """Arrays of rank 3 and more are images or signals, read whole."""
    try:
        return count_dimensions(path) <= 2
    except DataError:
        return False


def write(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the given rows of the input array."""
    assert table.array is not None
    np.save(path, table.array[rows], allow_pickle=False)


class RowWriter:
    """An ``.npy`` subset written chunk by chunk: its header (with the total row count)
    first, then the rows' bytes; the same bytes as :func:`write`."""

    def __init__(self, first: Table, path: Path, total_rows: int) -> None:
        assert first.array is not None
        self.handle: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close()
        header = {
            "descr": np.lib.format.dtype_to_descr(first.array.dtype),
            "fortran_order": False,
            "shape": (total_rows, *first.array.shape[1:]),
        }
        np.lib.format.write_array_header_1_0(self.handle, header)

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        if len(rows):
            assert chunk.array is not None
            self.handle.write(np.ascontiguousarray(chunk.array[rows]).tobytes())

    def close(self) -> None:
        self.handle.close()


class Npy(FileFormat, ChunkedFormat, ChunkWriter):
    """NumPy ``.npy``: read whole or by slices of the mapped array (rank 1 and 2 only)."""

    name = "npy"
    container = "array"
    description = "an array"
    fits = ARRAY_FITS
    suffixes = (".npy",)
    data_suffix = ".npy"

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path)

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write(table, rows, path)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return iter_chunks(path, rows)

    def count(self, path: Path, options: ReadOptions) -> int:
        return count_rows(path)

    def can_chunk(self, path: Path, options: ReadOptions) -> bool:
        return can_stream(path)

    def open_writer(self, first: Table, path: Path, total_rows: int) -> RowWriter:
        return RowWriter(first, path, total_rows)


FORMAT = Npy()
