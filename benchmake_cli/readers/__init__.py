"""Readers: one module per file format, each returning a :class:`~benchmake_cli.table.Table`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, InputNotFoundError
from ..table import Table
from . import delimited, numpy_file, parquet

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
}


@dataclass(frozen=True)
class ReadOptions:
    """How to read an input file (recorded in the manifest so ``verify`` reads it the same way)."""

    sep: str | None = None
    header: bool = True


def detect_format(path: Path) -> str:
    """The format implied by a file name.

    >>> detect_format(Path("cells.parquet")), detect_format(Path("german.data-numeric"))
    ('parquet', 'csv')
    """
    name = path.name.lower()
    for suffix, fmt in sorted(FORMATS_BY_SUFFIX.items(), key=lambda item: -len(item[0])):
        if name.endswith(suffix):
            return fmt
    known = ", ".join(sorted(FORMATS_BY_SUFFIX))
    raise DataError(
        f"{path}: unknown file type {path.suffix or '(no extension)'!r}; known: {known}"
    )


def _checked_format(path: Path) -> str:
    """The format of an existing, non-empty data file, or the error that says what is wrong."""
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a data file")
    fmt = detect_format(path)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    return fmt


def read_table(path: str | Path, options: ReadOptions | None = None) -> Table:
    """Read a data file into a :class:`Table`, choosing the reader by file name."""
    path = Path(path)
    options = options or ReadOptions()
    fmt = _checked_format(path)
    try:
        if fmt in ("csv", "tsv"):
            return delimited.read(path, fmt, sep=options.sep, header=options.header)
        if fmt == "parquet":
            return parquet.read(path)
        return numpy_file.read(path)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def iter_chunks(
    path: str | Path, options: ReadOptions | None = None, rows: int = 1 << 15
) -> Iterator[Table]:
    """The file as consecutive tables of at most ``rows`` rows each, read as they are needed
    (Parquet by batches, CSV/TSV by pandas chunks, NPY by slices of the mapped array)."""
    path = Path(path)
    options = options or ReadOptions()
    fmt = _checked_format(path)
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
    under ``2 × (limit + 1)`` bytes cannot hold that many rows."""
    path = Path(path)
    fmt = _checked_format(path)
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
