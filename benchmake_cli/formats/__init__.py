"""Readers: one module per file format, each returning a :class:`~benchmake_cli.formats.table.Table`.

:func:`read_table` picks the reader from the file name, or for a folder from what it holds,
and checks that an explicit ``--type`` fits the container (see :mod:`benchmake_cli.formats.modality`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
from .modality import MODALITIES, check_type_fits
from .table import Table

FORMATS_BY_SUFFIX = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".data": "csv",
    ".data-numeric": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".npy": "npy",
    ".npz": "npz",
    ".h5": "hdf5",
    ".hdf5": "hdf5",
    ".hdf": "hdf5",
    ".smi": "smi",
    ".smiles": "smi",
    ".fasta": "fasta",
    ".fa": "fasta",
    ".fas": "fasta",
    ".faa": "fasta",
    ".fna": "fasta",
    ".ffn": "fasta",
}


@dataclass(frozen=True)
class ReadOptions:
    """How to read an input (recorded in the manifest so ``verify`` reads it the same way).

    ``type`` is ``--type``: ``auto`` or one of :data:`~benchmake_cli.formats.modality.MODALITIES`;
    it decides how a ``.txt`` file (a table, or sequences one per line with ``sequence``) and
    a folder are read. ``key``/``target_key`` name the arrays of an NPZ or HDF5 file (several
    are joined in order); ``image_size`` (width, height) and ``mode`` (``L`` or ``RGB``)
    say how images are decoded.
    """

    sep: str | None = None
    header: bool = True
    type: str = "auto"
    key: tuple[str, ...] | None = None
    target_key: tuple[str, ...] | None = None
    image_size: tuple[int, int] | None = None
    mode: str | None = None

    @classmethod
    def from_recorded(cls, recorded: dict[str, Any], modality: str) -> ReadOptions:
        """The options a manifest records (``input.read_options``), read back for ``verify``."""

        def keys(name: str) -> tuple[str, ...] | None:
            value = recorded.get(name)
            return tuple(str(k) for k in value) if value else None

        size = recorded.get("image_size")
        return cls(
            sep=recorded.get("sep"),
            header=bool(recorded.get("header", True)),
            type=modality,
            key=keys("key"),
            target_key=keys("target_key"),
            image_size=(int(size[0]), int(size[1])) if size else None,
            mode=recorded.get("mode"),
        )


def detect_format(path: Path, requested_type: str = "auto") -> str:
    """The format implied by a file name (``.txt`` holds sequences under ``--type sequence``).

    >>> detect_format(Path("cells.parquet")), detect_format(Path("german.data-numeric"))
    ('parquet', 'csv')
    >>> detect_format(Path("peptides.txt"), "sequence")
    'text'
    """
    name = path.name.lower()
    for suffix, fmt in sorted(FORMATS_BY_SUFFIX.items(), key=lambda item: -len(item[0])):
        if name.endswith(suffix):
            if suffix == ".txt" and requested_type == "sequence":
                return "text"
            return fmt
    known = ", ".join(sorted(FORMATS_BY_SUFFIX))
    raise DataError(
        f"{path}: unknown file type {path.suffix or '(no extension)'!r}; known: {known}, "
        "or a folder of images, signals or an OGB graph data set"
    )


def read_table(path: str | Path, options: ReadOptions | None = None) -> Table:
    """Read a data file or folder into a :class:`Table`, choosing the reader by its name."""
    path = Path(path)
    options = options or ReadOptions()
    if options.type not in ("auto", *MODALITIES):
        raise ParameterError(
            f"--type {options.type!r}: not a type; use auto, {', '.join(MODALITIES)}"
        )
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file or folder")
    try:
        table = _read_folder(path, options) if path.is_dir() else _read_file(path, options)
    except PermissionError as exc:
        name = exc.filename or path
        raise InputNotFoundError(f"{name}: cannot be read ({exc.strerror})") from exc
    check_type_fits(table, options.type)
    if options.type != "auto":
        table.modality = options.type
    return table


def _read_file(path: Path, options: ReadOptions) -> Table:
    fmt = detect_format(path, options.type)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    _refuse_unused_options(path, fmt, options)
    if fmt in ("csv", "tsv"):
        return delimited.read(path, fmt, sep=options.sep, header=options.header)
    if fmt == "parquet":
        return parquet.read(path)
    if fmt == "npz":
        return npz.read(path, options.key, options.target_key)
    if fmt == "hdf5":
        return hdf5.read(path, options.key, options.target_key)
    if fmt == "smi":
        return smiles.read(path)
    if fmt == "fasta":
        return fasta.read(path)
    if fmt == "text":
        return text_lines.read(path)
    return numpy_file.read(path)


def _read_folder(path: Path, options: ReadOptions) -> Table:
    kind = folder.detect_kind(path, options.type)
    _refuse_unused_options(path, f"{kind}-folder", options)
    if kind == "graph":
        return ogb.read(path)
    if kind == "image":
        return image_folder.read(path, options.image_size, options.mode)
    return signal_folder.read(path)


def _refuse_unused_options(path: Path, fmt: str, options: ReadOptions) -> None:
    """An option that the format ignores is a mistake worth naming, not a silent no-op."""
    if fmt not in ("npz", "hdf5"):
        for option, value in (("--key", options.key), ("--target-key", options.target_key)):
            if value is not None:
                raise ParameterError(f"{option}: applies to .npz and HDF5 files, not {path.name}")
    if fmt != "image-folder":
        for option, value in (("--image-size", options.image_size), ("--mode", options.mode)):
            if value is not None:
                raise ParameterError(f"{option}: applies to a folder of images, not {path.name}")


#: the formats a sharded split reads in chunks (tables and NPY arrays)
STREAMED_FORMATS = ("csv", "tsv", "parquet", "npy")


def streamable(path: str | Path, options: ReadOptions | None = None) -> bool:
    """Whether the input can be read in chunks by :func:`iter_chunks`: a CSV, TSV, Parquet
    or NPY file read as a table (``--type auto`` or ``tabular``). Folders, NPZ/HDF5 arrays,
    sequence files and other modalities are read whole."""
    path = Path(path)
    options = options or ReadOptions()
    if options.type not in ("auto", "tabular") or not path.is_file():
        return False
    try:
        fmt = detect_format(path, options.type)
    except DataError:
        return False
    if fmt == "npy":  # arrays of rank 3 and more are images or signals, read whole
        try:
            return numpy_file.count_dimensions(path) <= 2
        except DataError:
            return False
    return fmt in STREAMED_FORMATS


def _checked_format(path: Path, options: ReadOptions) -> str:
    """The format of an existing, non-empty file that :func:`iter_chunks` reads."""
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file or folder")
    if path.is_dir():
        raise DataError(f"{path}: is a folder; it is read whole, not in chunks")
    fmt = detect_format(path, options.type)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    if fmt not in STREAMED_FORMATS:  # pragma: no cover - callers check streamable() first
        raise DataError(f"{path}: {fmt} files are read whole, not in chunks")
    _refuse_unused_options(path, fmt, options)
    return fmt


def iter_chunks(
    path: str | Path, options: ReadOptions | None = None, rows: int = 1 << 15
) -> Iterator[Table]:
    """The file as consecutive tables of at most ``rows`` rows each, read as they are needed
    (Parquet by batches, CSV/TSV by pandas chunks, NPY by slices of the mapped array)."""
    path = Path(path)
    options = options or ReadOptions()
    fmt = _checked_format(path, options)
    try:
        if fmt in ("csv", "tsv"):
            yield from delimited.iter_chunks(
                path, fmt, rows, sep=options.sep, header=options.header
            )
        elif fmt == "parquet":
            yield from parquet.iter_chunks(path, rows)
        else:
            yield from numpy_file.iter_chunks(path, rows)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def has_more_rows_than(path: str | Path, limit: int, options: ReadOptions | None = None) -> bool:
    """Whether the file holds more than ``limit`` data rows, reading no more than needed:
    Parquet and NPY from their headers; text stops counting past the limit, and a text file
    under ``2 × (limit + 1)`` bytes cannot hold that many rows. Only for :func:`streamable`
    inputs."""
    path = Path(path)
    options = options or ReadOptions()
    fmt = _checked_format(path, options)
    try:
        if fmt == "parquet":
            return parquet.count_rows(path) > limit
        if fmt == "npy":
            return numpy_file.count_rows(path) > limit
        if path.stat().st_size < 2 * (limit + 1):  # every row takes a value and a line end
            return False
        seen = 0
        for chunk in iter_chunks(path, options, rows=min(1 << 15, limit + 1)):
            seen += chunk.n_rows
            if seen > limit:
                return True
        return False
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None
