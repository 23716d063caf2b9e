"""FASTA files: records of a ``>`` header line and one or more sequence lines (DNA, RNA or
protein). White space inside sequence lines is removed; blank lines and ``;`` comment lines
are skipped. Data before the first header, a header without a name, a record without a
sequence and a sequence line holding anything but residue letters, ``*`` (stop) and ``-``
or ``.`` (gaps) are refused, naming the line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError
from .delimited import decode_text
from .spec import ReadOptions
from .table import Table
from .text_lines import SequenceFile


def read(path: Path) -> Table:
    """Read every record; the header (without ``>``) is carried along as the record's name."""
    headers: list[str] = []
    sequences: list[str] = []
    records: list[list[str]] = []
    header_line = 0
    for number, line in enumerate(decode_text(path).splitlines(), start=1):
        text = line.rstrip()
        if not text.strip() or text.startswith(";"):
            continue
        if text.startswith(">"):
            _check_last(path, headers, sequences, header_line)
            name = text[1:].strip()
            if not name:
                raise DataError(f"{path}: line {number}: header '>' without a name")
            headers.append(name)
            sequences.append("")
            records.append([text])
            header_line = number
            continue
        if not headers:
            raise DataError(
                f"{path}: line {number}: sequence data before the first '>' header "
                "(FASTA records start with a '>name' line)"
            )
        residues = "".join(text.split())
        bad = next(
            (c for c in residues if not (c.isascii() and c.isalpha()) and c not in "*-."), None
        )
        if bad is not None:
            raise DataError(
                f"{path}: line {number}: {text[:40]!r} holds {bad!r}, not a residue letter"
            )
        sequences[-1] += residues
        records[-1].append(text)
    if not headers:
        raise DataError(f"{path}: holds no FASTA records (no '>' header lines)")
    _check_last(path, headers, sequences, header_line)
    return Table(
        path=path,
        format="fasta",
        sequences=sequences,
        labels=np.array(headers, dtype=str),
        records=["\n".join(lines) for lines in records],
        modality="sequence",
        read_options={},
    )


def _check_last(path: Path, headers: list[str], sequences: list[str], line: int) -> None:
    if headers and not sequences[-1]:
        raise DataError(f"{path}: line {line}: record {headers[-1]!r} has no sequence")


class Fasta(SequenceFile):
    """FASTA files: a ``>`` header line and sequence lines per record."""

    name = "fasta"
    suffixes = (".fasta", ".fa", ".fas", ".faa", ".fna", ".ffn")
    data_suffix = ".fasta"

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path)


FORMAT = Fasta()
