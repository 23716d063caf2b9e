"""HDF5 files (h5py): ``--key`` names the dataset path; several are joined in order.

Split files hold one dataset per array (groups created for ``a/b`` paths) without
timestamps, so the bytes are the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import DataError
from .keyed import Inventory, read_keyed, subset
from .safety import refuse_external_hdf5
from .spec import ARRAY_FITS, FileFormat, ReadOptions
from .table import Table


def read(
    path: Path, keys: Sequence[str] | None = None, target_keys: Sequence[str] | None = None
) -> Table:
    """Read the datasets named by ``keys`` (and ``target_keys`` as labels) from an HDF5 file."""
    import h5py

    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        if isinstance(exc, PermissionError):
            raise
        reason = str(exc).split("(")[0].strip() or type(exc).__name__
        raise DataError(f"{path}: not a readable HDF5 file ({reason})") from None
    with handle:
        refuse_external_hdf5(path, handle)
        try:
            inventory, groups = _inventory(handle)
        except (OSError, RuntimeError, ValueError, KeyError) as exc:  # a corrupt file
            raise DataError(f"{path}: not a readable HDF5 file ({exc})") from None
        if not inventory:
            raise DataError(f"{path}: holds no datasets")

        def load(key: str) -> np.ndarray:
            try:
                return np.asarray(handle[key][()])
            except (OSError, RuntimeError, ValueError) as exc:
                raise DataError(f"{path}: dataset {key!r} cannot be read ({exc})") from None

        array, labels, options, info = read_keyed(
            path, inventory, load, _normalise(keys), _normalise(target_keys), groups
        )
    return Table(
        path=path, format="hdf5", array=array, labels=labels, read_options=options, info=info
    )


def _normalise(keys: Sequence[str] | None) -> list[str] | None:
    """Dataset paths without the leading ``/`` (``/images`` and ``images`` are the same)."""
    return [key.strip("/") for key in keys] if keys else None


def _inventory(handle) -> tuple[Inventory, list[str]]:  # type: ignore[no-untyped-def]
    """Shape and dtype of every dataset, and the names of the groups."""
    import h5py

    inventory: Inventory = {}
    groups: list[str] = []

    def visit(name: str, item: object) -> None:
        if isinstance(item, h5py.Dataset):
            inventory[name] = (tuple(item.shape), item.dtype)
        elif isinstance(item, h5py.Group):
            groups.append(name)

    handle.visititems(visit)
    return inventory, groups


def write(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the rows ``rows`` as an HDF5 file, one dataset per array."""
    import h5py

    with h5py.File(path, "w") as handle:
        for key, array in subset(table, rows).items():
            handle.create_dataset(key, data=array, track_times=False)


class Hdf5(FileFormat):
    """HDF5 files: ``--key`` names the dataset paths."""

    name = "hdf5"
    container = "array"
    description = "an array"
    fits = ARRAY_FITS
    suffixes = (".h5", ".hdf5", ".hdf")
    data_suffix = ".h5"
    options = frozenset({"key"})

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path, options.key, options.target_key)

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write(table, rows, path)


FORMAT = Hdf5()
