"""HDF5 files (h5py): ``--key`` names the dataset path; several are joined in order. Read
whole or by slices of the datasets, written whole or chunk by chunk.

Split files hold one dataset per array (groups created for ``a/b`` paths) without
timestamps, so the bytes are the same on every run (whole or chunk by chunk).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from ..errors import DataError
from .keyed import (
    Inventory,
    KeyedArrays,
    KeyedLayout,
    keyed_chunks,
    keyed_layout,
    read_keyed,
    subset,
)
from .safety import refuse_external_hdf5
from .spec import ARRAY_FITS, ChunkedFormat, ChunkWriter, FileFormat, ReadOptions
from .table import Table


def _open(path: Path):  # type: ignore[no-untyped-def]
    """The file opened for reading (an ``h5py.File``), with its inventory and groups."""
    import h5py

    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        if isinstance(exc, PermissionError):
            raise
        reason = str(exc).split("(")[0].strip() or type(exc).__name__
        raise DataError(f"{path}: not a readable HDF5 file ({reason})") from None
    try:
        refuse_external_hdf5(path, handle)
        inventory, groups = _inventory(handle)
    except DataError:
        handle.close()
        raise
    except (OSError, RuntimeError, ValueError, KeyError) as exc:  # a corrupt file
        handle.close()
        raise DataError(f"{path}: not a readable HDF5 file ({exc})") from None
    if not inventory:
        handle.close()
        raise DataError(f"{path}: holds no datasets")
    return handle, inventory, groups


def read(
    path: Path, keys: Sequence[str] | None = None, target_keys: Sequence[str] | None = None
) -> Table:
    """Read the datasets named by ``keys`` (and ``target_keys`` as labels) from an HDF5 file."""
    handle, inventory, groups = _open(path)
    with handle:

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


def layout(path: Path, options: ReadOptions) -> KeyedLayout:
    """The chosen datasets' layout, from the file's metadata alone."""
    handle, inventory, groups = _open(path)
    with handle:
        return keyed_layout(
            path, inventory, _normalise(options.key), _normalise(options.target_key), groups
        )


def iter_chunks(path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
    """The chosen datasets as consecutive tables of at most ``rows`` rows (slices)."""
    handle, inventory, groups = _open(path)
    with handle:
        chosen = keyed_layout(
            path, inventory, _normalise(options.key), _normalise(options.target_key), groups
        )

        def slice_rows(key: str, start: int, stop: int) -> np.ndarray:
            try:
                return np.asarray(handle[key][start:stop])
            except (OSError, RuntimeError, ValueError) as exc:
                raise DataError(f"{path}: dataset {key!r} cannot be read ({exc})") from None

        yield from keyed_chunks(path, "hdf5", chosen, slice_rows, rows)


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


class RowWriter:
    """An HDF5 subset written chunk by chunk: the first dataset created with its total rows
    and filled slice by slice, the others (labels) kept in files beside it and written when
    it is closed, in the order :func:`write` creates them; the same bytes as :func:`write`."""

    def __init__(self, first: Table, path: Path, total_rows: int) -> None:
        import h5py

        arrays = subset(first, np.empty(0, dtype=np.int64))
        self.handle = h5py.File(path, "w")
        self.keys, self.total = list(arrays), total_rows
        self.layout = {key: (array.shape[1:], array.dtype) for key, array in arrays.items()}
        self.first = self._create(self.keys[0])
        self.parts = {
            key: path.with_name(f".{path.name}.{n}.part") for n, key in enumerate(self.keys)
        }
        self.sinks = {key: open(self.parts[key], "wb") for key in self.keys[1:]}  # noqa: SIM115
        self.written = 0

    def _create(self, key: str):  # type: ignore[no-untyped-def]
        shape, dtype = self.layout[key]
        return self.handle.create_dataset(
            key, shape=(self.total, *shape), dtype=dtype, track_times=False
        )

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        if len(rows):
            arrays = subset(chunk, rows)
            stop = self.written + len(rows)
            self.first[self.written : stop] = arrays[self.keys[0]]
            for key in self.keys[1:]:
                self.sinks[key].write(np.ascontiguousarray(arrays[key]).tobytes())
            self.written = stop

    def close(self) -> None:
        try:
            for key in self.keys[1:]:
                self.sinks[key].close()
                dataset, (shape, dtype) = self._create(key), self.layout[key]
                row_bytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
                step = max(1, (1 << 20) // max(1, row_bytes))
                with open(self.parts[key], "rb") as source:
                    for start in range(0, self.total, step):
                        data = source.read(step * row_bytes)
                        part = np.frombuffer(data, dtype=dtype).reshape(-1, *shape)
                        dataset[start : start + len(part)] = part
        finally:
            for key in self.keys[1:]:
                self.parts[key].unlink(missing_ok=True)
            self.handle.close()


class Hdf5(KeyedArrays, FileFormat, ChunkedFormat, ChunkWriter):
    """HDF5 files: ``--key`` names the dataset paths; read whole or by dataset slices."""

    name = "hdf5"
    fits = ARRAY_FITS
    suffixes = (".h5", ".hdf5", ".hdf")
    data_suffix = ".h5"
    layout = staticmethod(layout)

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path, options.key, options.target_key)

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write(table, rows, path)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return iter_chunks(path, options, rows)

    def open_writer(self, first: Table, path: Path, total_rows: int) -> RowWriter:
        return RowWriter(first, path, total_rows)


FORMAT = Hdf5()
