"""NumPy ``.npz`` archives: ``--key`` chooses the arrays (several are joined in order).

Split files hold the joined data (and labels) with their original shape, compressed as the
input was; members carry a fixed date, so the bytes are the same on every run.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import DataError
from .keyed import Inventory, read_keyed, subset
from .numpy_file import read_header
from .spec import ARRAY_FITS, FileFormat, ReadOptions
from .table import Table

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def read(
    path: Path, keys: Sequence[str] | None = None, target_keys: Sequence[str] | None = None
) -> Table:
    """Read the arrays named by ``keys`` (and ``target_keys`` as labels) from an ``.npz``."""
    with open(path, "rb") as handle:  # closed however NumPy fails
        try:
            archive = np.load(handle, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise DataError(f"{path}: not a readable .npz file ({exc})") from None
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise DataError(f"{path}: is a single .npy array, not an .npz archive; rename it .npy")
        with archive:
            inventory = _inventory(path, archive)
            compressed = any(
                info.compress_type != zipfile.ZIP_STORED
                for info in archive.zip.infolist()  # type: ignore[union-attr]
            )

            def load(key: str) -> np.ndarray:
                try:
                    return archive[key]
                except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
                    raise DataError(f"{path}: array {key!r} cannot be read ({exc})") from None

            array, labels, options, info = read_keyed(
                path, inventory, load, keys, target_keys, pickled=True
            )
    info["compressed"] = compressed
    return Table(
        path=path, format="npz", array=array, labels=labels, read_options=options, info=info
    )


def _inventory(path: Path, archive: np.lib.npyio.NpzFile) -> Inventory:
    """Shape and dtype of each array, read from the headers without loading the data."""
    inventory: Inventory = {}
    for name in archive.files:
        try:
            with archive.zip.open(f"{name}.npy") as handle:  # type: ignore[union-attr]
                shape, dtype = read_header(path, handle)  # type: ignore[arg-type]
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise DataError(f"{path}: entry {name!r} is not a readable array ({exc})") from None
        inventory[name] = (tuple(shape), np.dtype(dtype))
    if not inventory:
        raise DataError(f"{path}: the archive holds no arrays")
    return inventory


def write(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the rows ``rows`` as an ``.npz``, compressed if the input was."""
    write_npz(path, subset(table, rows), compressed=bool(table.info.get("compressed")))


def write_npz(path: Path, arrays: dict[str, np.ndarray], *, compressed: bool) -> None:
    """An ``.npz`` that ``numpy.load`` reads, byte-identical from run to run."""
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=FIXED_DATE)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(array), allow_pickle=False)


class Npz(FileFormat):
    """NumPy ``.npz`` archives: ``--key`` chooses the arrays."""

    name = "npz"
    container = "array"
    description = "an array"
    fits = ARRAY_FITS
    suffixes = (".npz",)
    data_suffix = ".npz"
    options = frozenset({"key"})

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path, options.key, options.target_key)

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write(table, rows, path)


FORMAT = Npz()
