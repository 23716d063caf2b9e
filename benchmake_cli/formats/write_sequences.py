"""Sequence split files mirror their input: ``.smi`` lines (with the header, if any), FASTA
records with their headers and original line wrapping, text lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .table import Table

SUFFIXES = {"smi": ".smi", "fasta": ".fasta", "text": ".txt"}


def write(table: Table, rows: np.ndarray, folder: Path, side: str) -> list[str]:
    """Write the records of ``rows``, one after another, ``\\n`` line ends."""
    assert table.records is not None
    name = f"{side}{SUFFIXES[table.format]}"
    lines = [table.records[int(r)] for r in rows]
    header = table.info.get("header")
    if header:
        lines.insert(0, header)
    (folder / name).write_bytes("".join(f"{line}\n" for line in lines).encode("utf-8"))
    return [name]
