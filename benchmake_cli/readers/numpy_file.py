"""NumPy ``.npy`` arrays (never unpickled)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..table import Table

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK\x03\x04"


def _check_magic(path: Path) -> None:
    """Refuse a file that does not start as an ``.npy`` file does (``np.load`` would take
    it for a pickle)."""
    with open(path, "rb") as handle:
        start = handle.read(len(NPY_MAGIC))
    if start.startswith(ZIP_MAGIC):
        raise DataError(f"{path}: is an .npz archive, not a single .npy array; rename it .npz")
    if start != NPY_MAGIC:
        raise DataError(f"{path}: not a readable .npy file (it does not start with a NumPy header)")


def load_array(path: Path) -> np.ndarray:
    """Load one ``.npy`` array of numbers; object arrays are refused without being loaded."""
    _check_magic(path)
    try:
        array = np.load(path, allow_pickle=False)
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise DataError(
                f"{path}: holds Python objects (pickle); benchmake never loads pickles"
            ) from None
        raise DataError(f"{path}: not a readable .npy file ({exc})") from None
    except (OSError, EOFError) as exc:
        if isinstance(exc, PermissionError):
            raise
        raise DataError(f"{path}: not a readable .npy file ({exc})") from None
    if not isinstance(array, np.ndarray):
        raise DataError(f"{path}: not a single NumPy array")
    if array.dtype.kind not in "biuf":
        raise DataError(f"{path}: dtype {array.dtype} is not numeric")
    return array


def read(path: Path) -> Table:
    """Read an ``.npy`` array: one sample per entry of its first dimension."""
    array = load_array(path)
    if array.ndim == 0 or array.shape[0] == 0:
        raise DataError(f"{path}: holds no rows (shape {array.shape})")
    return Table(path=path, format="npy", array=array, read_options={})


def _open_mapped(path: Path) -> np.ndarray:
    """The array mapped read-only (pages are read as they are touched, never pickles)."""
    _check_magic(path)
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        if "allow_pickle" in str(exc) or "object" in str(exc):
            raise DataError(
                f"{path}: holds Python objects (pickle); benchmake never loads pickles"
            ) from None
        raise DataError(f"{path}: not a readable .npy file ({exc})") from None
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: not a readable .npy file ({exc})") from None
    if array.dtype.kind not in "biuf":
        raise DataError(f"{path}: dtype {array.dtype} is not numeric")
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
    """The array as consecutive in-memory copies of at most ``rows`` rows."""
    array = _open_mapped(path)
    for start in range(0, array.shape[0], rows):
        yield Table(path=path, format="npy", array=np.array(array[start : start + rows]))
