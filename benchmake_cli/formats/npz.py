"""NumPy ``.npz`` archives: ``--key`` chooses the arrays (several are joined in order).

Read whole or chunk by chunk: each member is read in sequence, by rows (a stored member as
it lies in the file, a compressed one decompressed as it is read), so reading holds one
chunk. Split files hold the joined data (and labels) with their original shape, compressed
as the input was; members carry a fixed date, so the bytes are the same on every run (whole
or chunk by chunk).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, BinaryIO

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
from .numpy_file import read_header
from .spec import ARRAY_FITS, ChunkedFormat, ChunkWriter, FileFormat, ReadOptions
from .table import Table

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def _load(handle: BinaryIO, path: Path) -> np.lib.npyio.NpzFile:
    try:
        archive = np.load(handle, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path}: not a readable .npz file ({exc})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DataError(f"{path}: is a single .npy array, not an .npz archive; rename it .npy")
    return archive


def read(
    path: Path, keys: Sequence[str] | None = None, target_keys: Sequence[str] | None = None
) -> Table:
    """Read the arrays named by ``keys`` (and ``target_keys`` as labels) from an ``.npz``."""
    with open(path, "rb") as handle, _load(handle, path) as archive:  # closed however it fails
        inventory = _inventory(path, archive)
        compressed = _compressed(archive)

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


def _compressed(archive: np.lib.npyio.NpzFile) -> bool:
    return any(
        info.compress_type != zipfile.ZIP_STORED
        for info in archive.zip.infolist()  # type: ignore[union-attr]
    )


def layout(path: Path, options: ReadOptions) -> KeyedLayout:
    """The chosen arrays' layout, from the members' headers alone."""
    with open(path, "rb") as handle, _load(handle, path) as archive:
        return keyed_layout(
            path, _inventory(path, archive), options.key, options.target_key, pickled=True
        )


class _Members:
    """Rows of the archive's members, each read in sequence from its start (rows are asked
    for in ascending order); a Fortran-ordered member of rank 2 or more is read whole."""

    def __init__(self, path: Path, archive: np.lib.npyio.NpzFile) -> None:
        self.path, self.archive = path, archive
        self.open: dict[str, tuple[IO[bytes], tuple[int, ...], np.dtype]] = {}
        self.whole: dict[str, np.ndarray] = {}

    def rows(self, key: str, start: int, stop: int) -> np.ndarray:
        if key in self.whole:
            return self.whole[key][start:stop]
        try:
            if key not in self.open:
                self._open(key)
                if key in self.whole:
                    return self.whole[key][start:stop]
            handle, shape, dtype = self.open[key]
            width = int(np.prod(shape[1:], dtype=np.int64))
            data = handle.read((stop - start) * width * dtype.itemsize)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise DataError(f"{self.path}: array {key!r} cannot be read ({exc})") from None
        if len(data) != (stop - start) * width * dtype.itemsize:
            raise DataError(f"{self.path}: array {key!r} is truncated")
        return np.frombuffer(data, dtype=dtype).reshape(stop - start, *shape[1:])

    def _open(self, key: str) -> None:
        assert self.archive.zip is not None
        handle = self.archive.zip.open(f"{key}.npy")
        version = np.lib.format.read_magic(handle)
        read = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran, dtype = read(handle)
        if fortran and len(shape) > 1:
            handle.close()
            self.whole[key] = self.archive[key]
            return
        self.open[key] = (handle, tuple(shape), np.dtype(dtype))

    def close(self) -> None:
        for handle, _, _ in self.open.values():
            handle.close()


def iter_chunks(path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
    """The chosen arrays as consecutive tables of at most ``rows`` rows."""
    with open(path, "rb") as handle, _load(handle, path) as archive:
        chosen = keyed_layout(
            path, _inventory(path, archive), options.key, options.target_key, pickled=True
        )
        members = _Members(path, archive)
        try:
            extra = {"compressed": _compressed(archive)}
            yield from keyed_chunks(path, "npz", chosen, members.rows, rows, extra)
        finally:
            members.close()


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


def _header(array: np.ndarray, rows: int) -> dict:
    header = np.lib.format.header_data_from_array_1_0(np.ascontiguousarray(array))
    return {**header, "shape": (rows, *array.shape[1:])}


class RowWriter:
    """An ``.npz`` subset written chunk by chunk: the first array straight into its member,
    the others (labels) into files beside it, copied in as members when it is closed; the
    same bytes as :func:`write`."""

    def __init__(self, first: Table, path: Path, total_rows: int) -> None:
        arrays = subset(first, np.empty(0, dtype=np.int64))
        method = zipfile.ZIP_DEFLATED if first.info.get("compressed") else zipfile.ZIP_STORED
        self.archive = zipfile.ZipFile(path, "w", compression=method)
        self.method, self.keys = method, list(arrays)
        self.headers = {key: _header(array, total_rows) for key, array in arrays.items()}
        self.sinks: dict[str, IO[bytes]] = {self.keys[0]: self._member(self.keys[0])}
        self.parts = {
            key: path.with_name(f".{path.name}.{n}.part") for n, key in enumerate(self.keys)
        }
        for key in self.keys[1:]:
            self.sinks[key] = open(self.parts[key], "wb")  # noqa: SIM115 - closed by close()

    def _member(self, key: str) -> IO[bytes]:
        info = zipfile.ZipInfo(f"{key}.npy", date_time=FIXED_DATE)
        info.compress_type = self.method
        info.external_attr = 0o644 << 16
        handle = self.archive.open(info, "w", force_zip64=True)
        np.lib.format.write_array_header_1_0(handle, self.headers[key])
        return handle

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        if len(rows):
            for key, array in subset(chunk, rows).items():
                self.sinks[key].write(np.ascontiguousarray(array).tobytes())

    def close(self) -> None:
        try:
            self.sinks[self.keys[0]].close()
            for key in self.keys[1:]:
                self.sinks[key].close()
                with open(self.parts[key], "rb") as source, self._member(key) as member:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        member.write(block)
        finally:
            for key in self.keys[1:]:
                self.parts[key].unlink(missing_ok=True)
            self.archive.close()


class Npz(KeyedArrays, FileFormat, ChunkedFormat, ChunkWriter):
    """NumPy ``.npz`` archives: ``--key`` chooses the arrays; read whole or member by member
    in rows."""

    name = "npz"
    fits = ARRAY_FITS
    suffixes = (".npz",)
    data_suffix = ".npz"
    layout = staticmethod(layout)

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path, options.key, options.target_key)

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write(table, rows, path)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return iter_chunks(path, options, rows)

    def open_writer(self, first: Table, path: Path, total_rows: int) -> RowWriter:
        return RowWriter(first, path, total_rows)


FORMAT = Npz()
