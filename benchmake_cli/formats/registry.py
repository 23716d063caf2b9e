"""The format registry: one instance of every format class
(:class:`~benchmake_cli.formats.spec.Format`), and one dispatch function per operation
(detect, read, read in chunks, count rows, write, write streamed).

Adding a format takes one module (its reader, writer and ``FORMAT`` instance) and one line
in :data:`FORMATS`; a capability (reading in chunks, writing chunk by chunk) is a mixin of
:mod:`.spec` that the format's class inherits; see ``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from pathlib import Path

import numpy as np

from ..errors import DataError, InputNotFoundError, ParameterError
from . import (
    delimited,
    fasta,
    folder,
    hdf5,
    image_folder,
    npz,
    numpy_file,
    ogb,
    parquet,
    signal_folder,
    smiles,
    text_lines,
)
from .spec import (
    ChunkedFormat,
    ChunkWriter,
    FileFormat,
    FolderFormat,
    Format,
    ReadOptions,
    RowWriter,
    SideChunkWriter,
    SideWriter,
)
from .table import Table

#: every format; folders are recognised in this order (an OGB folder also holds CSV files)
FORMATS: tuple[Format, ...] = (
    delimited.CSV,
    delimited.TSV,
    parquet.FORMAT,
    numpy_file.FORMAT,
    npz.FORMAT,
    hdf5.FORMAT,
    smiles.FORMAT,
    fasta.FORMAT,
    text_lines.FORMAT,
    ogb.FORMAT,
    image_folder.FORMAT,
    signal_folder.FORMAT,
)
BY_NAME = {entry.name: entry for entry in FORMATS}
FILE_FORMATS = tuple(entry for entry in FORMATS if isinstance(entry, FileFormat))
FOLDER_FORMATS = tuple(entry for entry in FORMATS if isinstance(entry, FolderFormat))
#: the format of each file-name ending under ``--type auto``
FORMATS_BY_SUFFIX = {
    suffix: entry.name
    for entry in FILE_FORMATS
    if entry.only_with_type is None
    for suffix in entry.suffixes
}


def streams(entry: Format) -> bool:
    """Whether a sharded split can read and write the format in chunks."""
    return isinstance(entry, ChunkedFormat) and isinstance(entry, (ChunkWriter, SideChunkWriter))


#: the formats a sharded split reads in chunks
STREAMED_FORMATS = tuple(entry.name for entry in FORMATS if streams(entry))


def lookup(name: str) -> Format | None:
    """The entry of the format ``name``; ``None`` for a table that no file holds (memory)."""
    return BY_NAME.get(name)


def get(name: str) -> Format:
    """The entry of the format ``name``."""
    entry = BY_NAME.get(name)
    if entry is None:
        raise DataError(f"unknown format {name!r}")
    return entry


def detect(path: Path, requested_type: str = "auto") -> FileFormat:
    """The file format a file name implies, longest suffix first (``.txt`` holds sequences
    under ``--type sequence``)."""
    claimed = {
        suffix: entry
        for entry in FILE_FORMATS
        if entry.only_with_type is None
        for suffix in entry.suffixes
    }
    for entry in FILE_FORMATS:
        if entry.only_with_type is not None and entry.only_with_type == requested_type:
            claimed.update(dict.fromkeys(entry.suffixes, entry))
    name = path.name.lower()
    for suffix in sorted(claimed, key=len, reverse=True):
        if name.endswith(suffix):
            return claimed[suffix]
    known = ", ".join(sorted(FORMATS_BY_SUFFIX))
    raise DataError(
        f"{path}: unknown file type {path.suffix or '(no extension)'!r}; known: {known}, "
        "or a folder of images, signals or an OGB graph data set"
    )


def detect_folder(root: Path, requested_type: str = "auto") -> FolderFormat:
    """The folder format: the one ``--type`` names, else the first that recognises ``root``."""
    folders = {entry.folder_kind: entry for entry in FOLDER_FORMATS}
    if requested_type in folders:
        return folders[requested_type]
    if requested_type != "auto":
        raise ParameterError(
            f"--type {requested_type}: does not fit {root} (a folder); "
            "a folder holds images, signals or an OGB graph data set"
        )
    for entry in folders.values():
        if entry.detect(root):
            return entry
    folder.refuse_unknown(root)


def detect_input(path: Path, requested_type: str = "auto") -> Format:
    """The format of an existing file or folder (refusing an empty file)."""
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file or folder")
    if path.is_dir():
        return detect_folder(path, requested_type)
    entry = detect(path, requested_type)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    return entry


def read(path: Path, options: ReadOptions) -> Table:
    """Read an existing file or folder with its format's reader."""
    try:
        entry = detect_input(path, options.type)
        _refuse_unused_options(path, entry, options)
        return entry.read(path, options)
    except PermissionError as exc:
        name = exc.filename or path
        raise InputNotFoundError(f"{name}: cannot be read ({exc.strerror})") from exc


def _refuse_unused_options(path: Path, entry: Format, options: ReadOptions) -> None:
    """An option that the format ignores is a mistake worth naming, not a silent no-op."""
    if "key" not in entry.options:
        keys: dict[str, object] = {"--key": options.key, "--target-key": options.target_key}
        for option, value in keys.items():
            if value is not None:
                raise ParameterError(f"{option}: applies to .npz and HDF5 files, not {path.name}")
    if "image" not in entry.options:
        image: dict[str, object] = {"--image-size": options.image_size, "--mode": options.mode}
        for option, value in image.items():
            if value is not None:
                raise ParameterError(f"{option}: applies to a folder of images, not {path.name}")


def streamable(path: Path, options: ReadOptions) -> bool:
    """Whether the input is read in chunks: a file format that streams, read as a table or
    as sequences (a sequence file, or a table's ``--sequence-col``), or a folder format that
    streams (images, signals, OGB graphs)."""
    if path.is_file() and options.type not in ("auto", "tabular", "sequence"):
        return False
    try:
        entry = detect_input(path, options.type)
    except (DataError, ParameterError):
        return False
    if options.type != "auto" and options.type not in entry.fits:
        return False  # refused by the whole read, which names what it fits
    return streams(entry) and isinstance(entry, ChunkedFormat) and entry.can_chunk(path, options)


def _chunked_format(path: Path, options: ReadOptions) -> ChunkedFormat:
    """The format of an existing, non-empty file or folder read in chunks."""
    entry = detect_input(path, options.type)
    if not isinstance(entry, ChunkedFormat):  # pragma: no cover - streamable() said so first
        raise DataError(f"{path}: {entry.name} inputs are read whole, not in chunks")
    _refuse_unused_options(path, entry, options)
    return entry


def iter_chunks(path: Path, options: ReadOptions, rows: int) -> Generator[Table, None, None]:
    """The file as consecutive tables of at most ``rows`` rows, read as they are needed."""
    entry = _chunked_format(path, options)
    try:
        yield from entry.chunks(path, options, rows)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def iter_write_chunks(path: Path, options: ReadOptions, rows: int) -> Generator[Table, None, None]:
    """The chunks that the split files are written from, read as they are needed (a
    folder's listing: its paths and labels, the files left unread)."""
    entry = _chunked_format(path, options)
    try:
        yield from entry.write_chunks(path, options, rows)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def count_rows(path: Path, options: ReadOptions) -> int:
    """The file's data rows (from its header where the format has one)."""
    entry = _chunked_format(path, options)
    try:
        return entry.count(path, options)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def has_more_rows_than(path: Path, options: ReadOptions, limit: int) -> bool:
    """Whether the file holds more than ``limit`` data rows, reading no more than needed."""
    entry = _chunked_format(path, options)
    try:
        return entry.more_rows_than(path, options, limit)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def write_side(
    table: Table, rows: np.ndarray, folder: Path, side: str, files: str = "list"
) -> list[str]:
    """Write the input rows ``rows`` as the ``side`` (``train`` or ``test``) data into
    ``folder`` in the input's format; return the relative POSIX paths written."""
    return get(table.format).write_side(table, rows, folder, side, files)


def file_format(name: str) -> FileFormat:
    """The format ``name``, which writes one file per side."""
    entry = get(name)
    if not isinstance(entry, FileFormat):
        raise DataError(f"{name}: writes a folder, not one file")
    return entry


def data_file_names(name: str) -> tuple[str, str]:
    """The train and test data files of a one-file format.

    >>> data_file_names("parquet")
    ('train.parquet', 'test.parquet')
    """
    entry = file_format(name)
    return entry.data_name("train"), entry.data_name("test")


def side_name(name: str, side: str) -> str:
    """What a split writes for one side of an input of format ``name``: its data file, the
    listing of its files (image and signal folders), or a folder in the input's layout (OGB).

    >>> side_name("hdf5", "test"), side_name("image-folder", "train"), side_name("ogb", "test")
    ('test.h5', 'train.csv', 'test')
    """
    return get(name).side_name(side)


class _DataFile:
    """A one-file format's writer of one side, as a :class:`SideWriter`."""

    def __init__(self, writer: RowWriter, name: str) -> None:
        self.writer, self.name = writer, name

    def append(self, chunk: Table, rows: np.ndarray) -> None:
        self.writer.append(chunk, rows)

    def close(self) -> list[str]:
        self.writer.close()
        return [self.name]


def open_side_writer(first: Table, folder: Path, side: str, files: str, total: int) -> SideWriter:
    """The chunk-by-chunk writer of the ``side`` data of ``first``'s format in ``folder``
    (``total``: the rows it will hold)."""
    entry = get(first.format)
    if isinstance(entry, SideChunkWriter):
        return entry.open_side(first, folder, side, files)
    if not isinstance(entry, ChunkWriter):  # pragma: no cover - streamable() said so first
        raise DataError(f"{entry.name}: is written whole, not chunk by chunk")
    name = file_format(entry.name).data_name(side)
    return _DataFile(entry.open_writer(first, folder / name, total), name)


def write_streamed(
    chunks: Iterable[Table], sides: np.ndarray, folder: Path, names: dict[int, str], files: str
) -> list[str]:
    """Write, chunk by chunk, the rows whose ``sides`` value is each key of ``names`` as
    that side (input order, every original column) into ``folder`` in the input's format:
    the same files as its :meth:`~benchmake_cli.formats.spec.Format.write_side` of those
    rows, holding one chunk at a time; returns the relative POSIX paths written, side after
    side."""
    writers: dict[int, SideWriter] = {}
    written: dict[int, list[str]] = {}
    offset = 0
    try:
        for chunk in chunks:
            part = sides[offset : offset + chunk.n_rows]
            offset += chunk.n_rows
            for code, side in names.items():
                if code not in writers:
                    total = int((sides == code).sum())
                    writers[code] = open_side_writer(chunk, folder, side, files, total)
                writers[code].append(chunk, np.flatnonzero(part == code))
    finally:
        for code, writer in writers.items():
            written[code] = writer.close()
    return [name for code in names for name in written.get(code, [])]
