"""Formats: one module per format, each declaring a :class:`~.spec.Format` entry, listed in
:mod:`.registry`, which dispatches every operation.

This facade keeps the names the rest of the package uses: :func:`read_table` reads a file or
folder (the format from the file name, or for a folder from what it holds) and checks that
an explicit ``--type`` fits the container (see :mod:`benchmake_cli.formats.modality`);
:func:`streamable`, :func:`iter_chunks`, :func:`count_rows` and :func:`has_more_rows_than`
serve sharded splits.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from ..errors import ParameterError
from . import registry
from .modality import MODALITIES, check_type_fits
from .registry import FORMATS_BY_SUFFIX, STREAMED_FORMATS
from .spec import Format, ReadOptions
from .table import Table

__all__ = [
    "FORMATS_BY_SUFFIX",
    "STREAMED_FORMATS",
    "Format",
    "ReadOptions",
    "Table",
    "count_rows",
    "detect_format",
    "has_more_rows_than",
    "iter_chunks",
    "read_table",
    "streamable",
]


def detect_format(path: Path, requested_type: str = "auto") -> str:
    """The format implied by a file name (``.txt`` holds sequences under ``--type sequence``).

    >>> detect_format(Path("cells.parquet")), detect_format(Path("german.data-numeric"))
    ('parquet', 'csv')
    >>> detect_format(Path("peptides.txt"), "sequence")
    'text'
    """
    return registry.detect(path, requested_type).name


def read_table(path: str | Path, options: ReadOptions | None = None) -> Table:
    """Read a data file or folder into a :class:`Table`, choosing the reader by its name."""
    path = Path(path)
    options = options or ReadOptions()
    if options.type not in ("auto", *MODALITIES):
        raise ParameterError(
            f"--type {options.type!r}: not a type; use auto, {', '.join(MODALITIES)}"
        )
    table = registry.read(path, options)
    check_type_fits(table, options.type)
    if options.type != "auto":
        table.modality = options.type
    return table


def streamable(path: str | Path, options: ReadOptions | None = None) -> bool:
    """Whether the input can be read in chunks by :func:`iter_chunks`: a CSV, TSV, Parquet
    or NPY file read as a table (``--type auto`` or ``tabular``). Folders, NPZ/HDF5 arrays,
    sequence files and other modalities are read whole."""
    return registry.streamable(Path(path), options or ReadOptions())


def iter_chunks(
    path: str | Path, options: ReadOptions | None = None, rows: int = 1 << 15
) -> Generator[Table, None, None]:
    """The file as consecutive tables of at most ``rows`` rows each, read as they are needed
    (Parquet by batches, CSV/TSV by pandas chunks, NPY by slices of the mapped array, HDF5
    by dataset slices, NPZ member by member, sequence files by records)."""
    return registry.iter_chunks(Path(path), options or ReadOptions(), rows)


def count_rows(path: str | Path, options: ReadOptions | None = None) -> int:
    """The data rows of a :func:`streamable` file: Parquet, NPY, NPZ and HDF5 from their
    headers, text by parsing it chunk by chunk."""
    return registry.count_rows(Path(path), options or ReadOptions())


def has_more_rows_than(path: str | Path, limit: int, options: ReadOptions | None = None) -> bool:
    """Whether the file holds more than ``limit`` data rows, reading no more than needed:
    Parquet and NPY from their headers; text stops counting past the limit, and a text file
    under ``2 × (limit + 1)`` bytes cannot hold that many rows. Only for :func:`streamable`
    inputs."""
    return registry.has_more_rows_than(Path(path), options or ReadOptions(), limit)
