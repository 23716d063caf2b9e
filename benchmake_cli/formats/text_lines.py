"""Plain text with one sequence per line (read as such with ``--type sequence``).

Leading and trailing white space is removed and blank lines are skipped; every other line,
whatever it holds, is one sequence.

:func:`write_records` writes the split files of every sequence format: the chosen records
(text lines, ``.smi`` lines after the header if any, FASTA records with their headers and
original line wrapping), one after another, ``\\n`` line ends.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError
from .delimited import decode_text
from .spec import SEQUENCE_FITS, FileFormat, ReadOptions
from .table import Table


def read(path: Path) -> Table:
    """Read one sequence per non-blank line."""
    lines = [line.rstrip() for line in decode_text(path).splitlines() if line.strip()]
    if not lines:
        raise DataError(f"{path}: holds no sequences (only blank lines)")
    return Table(
        path=path,
        format="text",
        sequences=[line.strip() for line in lines],
        records=lines,
        modality="sequence",
        read_options={},
    )


def write_records(table: Table, rows: np.ndarray, path: Path) -> None:
    """Write the records of ``rows`` (after the input's header line, if it had one)."""
    assert table.records is not None
    lines = [table.records[int(r)] for r in rows]
    header = table.info.get("header")
    if header:
        lines.insert(0, header)
    path.write_bytes("".join(f"{line}\n" for line in lines).encode("utf-8"))


class SequenceFile(FileFormat):
    """A file of sequences: its split files are its chosen records (:func:`write_records`)."""

    container = "sequences"
    description = "a sequence file"
    fits = SEQUENCE_FITS

    def write(self, table: Table, rows: np.ndarray, path: Path) -> None:
        write_records(table, rows, path)


class TextLines(SequenceFile):
    """Plain text, one sequence per line (only under ``--type sequence``)."""

    name = "text"
    suffixes = (".txt",)
    only_with_type = "sequence"
    data_suffix = ".txt"

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path)


FORMAT = TextLines()
