"""NPZ and HDF5 split files: the joined data (and labels) with their original shape.

The data array is written under the input key, or the joined keys' common suffix
(``images`` for ``train_images,val_images,test_images``); labels likewise. NPZ members carry
a fixed date and HDF5 datasets no timestamps, so the bytes are the same on every run.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from .table import Table

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def write(table: Table, rows: np.ndarray, folder: Path, side: str) -> list[str]:
    """Write ``side.npz`` or ``side.h5`` holding the rows ``rows``."""
    assert table.array is not None
    arrays = {table.info["output_key"]: table.array[rows]}
    if table.labels is not None:
        arrays[table.info["output_target_key"]] = table.labels[rows]
    if table.format == "npz":
        name = f"{side}.npz"
        write_npz(folder / name, arrays, compressed=bool(table.info.get("compressed")))
    else:
        name = f"{side}.h5"
        write_hdf5(folder / name, arrays)
    return [name]


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


def write_hdf5(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An HDF5 file with one dataset per array (groups created for ``a/b`` paths)."""
    import h5py

    with h5py.File(path, "w") as handle:
        for key, array in arrays.items():
            handle.create_dataset(key, data=array, track_times=False)
