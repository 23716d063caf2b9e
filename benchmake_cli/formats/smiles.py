"""SMILES files (``.smi``): one molecule per line, the SMILES then an optional name or label.

Fields are separated by white space; lines starting with ``#`` and blank lines are skipped.
A first line whose first field is ``smiles`` (any case) is a header and is written back.
A SMILES holding a character that SMILES never uses (``<``, ``,``, ``"``, ...) is refused,
naming the line: it is a sign of another kind of file (HTML, CSV) rather than molecules.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError
from ..safe_text import quoted
from .delimited import decode_text
from .spec import ReadOptions
from .table import Table
from .text_lines import SequenceFile

#: every character a SMILES string can hold: atoms, bonds, branches, rings, charges, ...
SMILES_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789()[]=#+-@/\\%.:*$"
)


def read(path: Path) -> Table:
    """Read the SMILES (first field) of every line; the rest of the line is carried along."""
    sequences: list[str] = []
    names: list[str] = []
    records: list[str] = []
    header: str | None = None
    for number, line in enumerate(decode_text(path).splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0].isspace():
            raise DataError(
                f"{path}: line {number}: the SMILES field is empty (the line starts with "
                f"{'a tab' if line[0] == chr(9) else 'white space'}, before {quoted(stripped, 40)})"
            )
        fields = stripped.split(None, 1)
        if not records and header is None and fields[0].lower() == "smiles":
            header = line.rstrip()
            continue
        _check_smiles(path, number, fields[0])
        sequences.append(fields[0])
        names.append(fields[1] if len(fields) > 1 else "")
        records.append(line.rstrip())
    if not sequences:
        raise DataError(f"{path}: holds no SMILES lines (only blank lines, comments or a header)")
    return Table(
        path=path,
        format="smi",
        sequences=sequences,
        labels=np.array(names, dtype=str) if any(names) else None,
        records=records,
        modality="sequence",
        read_options={},
        info={"header": header},
    )


def _check_smiles(path: Path, number: int, smiles: str) -> None:
    bad = next((c for c in smiles if c not in SMILES_CHARACTERS), None)
    if bad is None:
        return
    hint = "; is this a CSV file? read it with --sequence-col" if bad in ",;" else ""
    raise DataError(
        f"{path}: line {number}: {quoted(smiles, 40)} is not a SMILES string "
        f"({quoted(bad)} is not a SMILES character){hint}"
    )


class Smiles(SequenceFile):
    """SMILES files, one molecule per line."""

    name = "smi"
    suffixes = (".smi", ".smiles")
    data_suffix = ".smi"

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path)


FORMAT = Smiles()
