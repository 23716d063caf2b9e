"""FASTA files: records of a ``>`` header line and one or more sequence lines (DNA, RNA or
protein). White space inside sequence lines is removed; blank lines and ``;`` comment lines
are skipped. Data before the first header, a header without a name, a record without a
sequence and a sequence line holding anything but residue letters, ``*`` (stop) and ``-``
or ``.`` (gaps) are refused, naming the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from ..errors import DataError
from .table import Table
from .text_lines import SequenceFile, batched


def _parse(path: Path, lines: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """(name, sequence, record) per record; the header (without ``>``) is the name."""
    name, residues, header_line = "", "", 0
    record: list[str] = []
    for number, line in enumerate(lines, start=1):
        text = line.rstrip()
        if not text.strip() or text.startswith(";"):
            continue
        if text.startswith(">"):
            if record:
                yield _finished(path, name, residues, record, header_line)
            name = text[1:].strip()
            if not name:
                raise DataError(f"{path}: line {number}: header '>' without a name")
            residues, record, header_line = "", [text], number
            continue
        if not record:
            raise DataError(
                f"{path}: line {number}: sequence data before the first '>' header "
                "(FASTA records start with a '>name' line)"
            )
        letters = "".join(text.split())
        bad = next(
            (c for c in letters if not (c.isascii() and c.isalpha()) and c not in "*-."), None
        )
        if bad is not None:
            raise DataError(
                f"{path}: line {number}: {text[:40]!r} holds {bad!r}, not a residue letter"
            )
        residues += letters
        record.append(text)
    if not record:
        raise DataError(f"{path}: holds no FASTA records (no '>' header lines)")
    yield _finished(path, name, residues, record, header_line)


def _finished(
    path: Path, name: str, residues: str, record: list[str], line: int
) -> tuple[str, str, str]:
    if not residues:
        raise DataError(f"{path}: line {line}: record {name!r} has no sequence")
    return name, residues, "\n".join(record)


def read_tables(path: Path, lines: Iterable[str], rows: int) -> Iterator[Table]:
    """The records in tables of at most ``rows``; the headers are carried along as labels."""
    for batch in batched(_parse(path, lines), rows):
        yield Table(
            path=path,
            format="fasta",
            sequences=[residues for _, residues, _ in batch],
            labels=np.array([name for name, _, _ in batch], dtype=str),
            records=[record for _, _, record in batch],
            modality="sequence",
            read_options={},
        )


class Fasta(SequenceFile):
    """FASTA files: a ``>`` header line and sequence lines per record."""

    name = "fasta"
    suffixes = (".fasta", ".fa", ".fas", ".faa", ".fna", ".ffn")
    data_suffix = ".fasta"

    def read_lines(self, path: Path, lines: Iterable[str], rows: int) -> Iterator[Table]:
        return read_tables(path, lines, rows)


FORMAT = Fasta()
