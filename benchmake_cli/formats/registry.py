"""The format registry: every format's :class:`~benchmake_cli.formats.spec.Format` entry, and
one dispatch function per operation (detect, read, read in chunks, count rows, write, write
streamed).

Adding a format takes one module (its reader, writer and ``FORMAT`` entry) and one line in
:data:`FORMATS`; see ``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
from .spec import Format, ReadOptions, RowWriter
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
#: the format of each file-name ending under ``--type auto``
FORMATS_BY_SUFFIX = {
    suffix: entry.name
    for entry in FORMATS
    if entry.only_with_type is None
    for suffix in entry.suffixes
}
#: the formats a sharded split reads in chunks
STREAMED_FORMATS = tuple(entry.name for entry in FORMATS if entry.streams)


def lookup(name: str) -> Format | None:
    """The entry of the format ``name``; ``None`` for a table that no file holds (memory)."""
    return BY_NAME.get(name)


def get(name: str) -> Format:
    """The entry of the format ``name``."""
    entry = BY_NAME.get(name)
    if entry is None:
        raise DataError(f"unknown format {name!r}")
    return entry


def detect(path: Path, requested_type: str = "auto") -> Format:
    """The file format a file name implies, longest suffix first (``.txt`` holds sequences
    under ``--type sequence``)."""
    claimed = {suffix: BY_NAME[name] for suffix, name in FORMATS_BY_SUFFIX.items()}
    for entry in FORMATS:
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


def detect_folder(root: Path, requested_type: str = "auto") -> Format:
    """The folder format: the one ``--type`` names, else the first that recognises ``root``."""
    folders = {entry.folder_kind: entry for entry in FORMATS if entry.folder_kind}
    if requested_type in folders:
        return folders[requested_type]
    if requested_type != "auto":
        raise ParameterError(
            f"--type {requested_type}: does not fit {root} (a folder); "
            "a folder holds images, signals or an OGB graph data set"
        )
    for entry in folders.values():
        assert entry.detect is not None
        if entry.detect(root):
            return entry
    folder.refuse_unknown(root)


def read(path: Path, options: ReadOptions) -> Table:
    """Read an existing file or folder with its format's reader."""
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file or folder")
    try:
        if path.is_dir():
            entry = detect_folder(path, options.type)
        else:
            entry = detect(path, options.type)
            if path.stat().st_size == 0:
                raise DataError(f"{path}: file is empty")
        _refuse_unused_options(path, entry, options)
        return entry.read(path, options)
    except PermissionError as exc:
        name = exc.filename or path
        raise InputNotFoundError(f"{name}: cannot be read ({exc.strerror})") from exc


def _refuse_unused_options(path: Path, entry: Format, options: ReadOptions) -> None:
    """An option that the format ignores is a mistake worth naming, not a silent no-op."""
    if "key" not in entry.options:
        for option, value in (("--key", options.key), ("--target-key", options.target_key)):
            if value is not None:
                raise ParameterError(f"{option}: applies to .npz and HDF5 files, not {path.name}")
    if "image" not in entry.options:
        for option, value in (("--image-size", options.image_size), ("--mode", options.mode)):  # type: ignore[assignment]
            if value is not None:
                raise ParameterError(f"{option}: applies to a folder of images, not {path.name}")


def streamable(path: Path, options: ReadOptions) -> bool:
    """Whether the file is read in chunks: a format that streams, read as a table."""
    if options.type not in ("auto", "tabular") or not path.is_file():
        return False
    try:
        entry = detect(path, options.type)
    except DataError:
        return False
    return entry.streams and (entry.can_stream is None or entry.can_stream(path))


def _streamed_format(path: Path, options: ReadOptions) -> Format:
    """The format of an existing, non-empty file read in chunks."""
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file or folder")
    if path.is_dir():
        raise DataError(f"{path}: is a folder; it is read whole, not in chunks")
    entry = detect(path, options.type)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    if not entry.streams:  # pragma: no cover - callers check streamable() first
        raise DataError(f"{path}: {entry.name} files are read whole, not in chunks")
    _refuse_unused_options(path, entry, options)
    return entry


def iter_chunks(path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
    """The file as consecutive tables of at most ``rows`` rows, read as they are needed."""
    entry = _streamed_format(path, options)
    assert entry.iter_chunks is not None
    try:
        yield from entry.iter_chunks(path, options, rows)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def count_rows(path: Path, options: ReadOptions) -> int:
    """The file's data rows (from its header where the format has one)."""
    entry = _streamed_format(path, options)
    assert entry.count_rows is not None
    try:
        return entry.count_rows(path, options)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def has_more_rows_than(path: Path, options: ReadOptions, limit: int) -> bool:
    """Whether the file holds more than ``limit`` data rows, reading no more than needed."""
    entry = _streamed_format(path, options)
    try:
        if entry.more_rows_than is not None:
            return entry.more_rows_than(path, options, limit)
        assert entry.count_rows is not None
        return entry.count_rows(path, options) > limit
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def write_side(
    table: Table, rows: np.ndarray, folder: Path, side: str, files: str = "list"
) -> list[str]:
    """Write the input rows ``rows`` as the ``side`` (``train`` or ``test``) data into
    ``folder`` in the input's format; return the relative POSIX paths written."""
    entry = get(table.format)
    if entry.write_file is not None:
        name = entry.data_name(side)
        entry.write_file(table, rows, folder / name)
        return [name]
    assert entry.write_folder is not None
    return entry.write_folder(table, rows, folder, side, files)


def write_file(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the given input rows (every original column) as one file in the input's format."""
    entry = get(table.format)
    assert entry.write_file is not None, f"{entry.name} writes a folder"
    entry.write_file(table, rows, path)


def data_file_names(name: str) -> tuple[str, str]:
    """The train and test data files of a one-file format.

    >>> data_file_names("parquet")
    ('train.parquet', 'test.parquet')
    """
    entry = get(name)
    return entry.data_name("train"), entry.data_name("test")


def side_name(name: str, side: str) -> str:
    """What a split writes for one side of an input of format ``name``: its data file, the
    listing of its files (image and signal folders), or a folder in the input's layout (OGB).

    >>> side_name("hdf5", "test"), side_name("image-folder", "train"), side_name("ogb", "test")
    ('test.h5', 'train.csv', 'test')
    """
    entry = get(name)
    if entry.data_suffix is not None:
        return entry.data_name(side)
    return f"{side}.csv" if entry.copies_files else side


def write_streamed(chunks: Iterable[Table], sides: np.ndarray, paths: dict[int, Path]) -> None:
    """Write, chunk by chunk, the rows whose ``sides`` value is each key of ``paths`` (input
    order, every original column) in the input's format: the same bytes as
    :func:`write_file`, holding one chunk at a time."""
    writers: dict[int, RowWriter] = {}
    offset = 0
    try:
        for chunk in chunks:
            part = sides[offset : offset + chunk.n_rows]
            offset += chunk.n_rows
            for side, path in paths.items():
                if side not in writers:
                    entry = get(chunk.format)
                    assert entry.open_writer is not None
                    writers[side] = entry.open_writer(chunk, path, int((sides == side).sum()))
                writers[side].append(chunk, np.flatnonzero(part == side))
    finally:
        for writer in writers.values():
            writer.close()
