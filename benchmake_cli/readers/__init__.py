"""Readers: one module per file format, each returning a :class:`~benchmake_cli.table.Table`."""

from __future__ import annotations

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


def read_table(path: str | Path, options: ReadOptions | None = None) -> Table:
    """Read a data file into a :class:`Table`, choosing the reader by file name."""
    path = Path(path)
    options = options or ReadOptions()
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a data file")
    fmt = detect_format(path)
    try:
        if path.stat().st_size == 0:
            raise DataError(f"{path}: file is empty")
        if fmt in ("csv", "tsv"):
            return delimited.read(path, fmt, sep=options.sep, header=options.header)
        if fmt == "parquet":
            return parquet.read(path)
        return numpy_file.read(path)
    except PermissionError as exc:
        raise InputNotFoundError(f"{path}: cannot be read ({exc.strerror})") from exc
