"""SMILES files (``.smi``): one molecule per line, the SMILES then an optional name or label.

Fields are separated by white space; lines starting with ``#`` and blank lines are skipped.
A first line whose first field is ``smiles`` (any case) is a header and is written back.
A SMILES holding a character that SMILES never uses (``<``, ``,``, ``"``, ...) is refused,
naming the line: it is a sign of another kind of file (HTML, CSV) rather than molecules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..safe_text import quoted
from .spec import ReadOptions
from .table import Table
from .text_lines import SequenceFile, iter_lines

#: every character a SMILES string can hold: atoms, bonds, branches, rings, charges, ...
SMILES_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789()[]=#+-@/\\%.:*$"
)


def _parse(path: Path, lines: Iterable[str]) -> Iterator[str | tuple[str, str, str]]:
    """The header line first, when the file has one; then (SMILES, name, record) per line."""
    seen = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0].isspace():
            raise DataError(
                f"{path}: line {number}: the SMILES field is empty (the line starts with "
                f"{'a tab' if line[0] == chr(9) else 'white space'}, before {quoted(stripped, 40)})"
            )
        fields = stripped.split(None, 1)
        if not seen and fields[0].lower() == "smiles":
            seen = True
            yield line.rstrip()
            continue
        seen = True
        _check_smiles(path, number, fields[0])
        yield fields[0], fields[1] if len(fields) > 1 else "", line.rstrip()


def read_tables(
    path: Path, lines: Iterable[str], rows: int, named: bool | None = None
) -> Iterator[Table]:
    """The molecules in tables of at most ``rows``; the names are carried along as labels
    when any line has one (``named``: whether any has, known beforehand for chunks)."""
    header: str | None = None
    batch: list[tuple[str, str, str]] = []
    found = False

    def table() -> Table:
        names = [name for _, name, _ in batch]
        has_names = any(names) if named is None else named
        return Table(
            path=path,
            format="smi",
            sequences=[smiles for smiles, _, _ in batch],
            labels=np.array(names, dtype=str) if has_names else None,
            records=[record for _, _, record in batch],
            modality="sequence",
            read_options={},
            info={"header": header},
        )

    for item in _parse(path, lines):
        if isinstance(item, str):
            header = item
            continue
        batch.append(item)
        if len(batch) == rows:
            found = True
            yield table()
            batch = []
    if batch:
        yield table()
    elif not found:
        raise DataError(f"{path}: holds no SMILES lines (only blank lines, comments or a header)")


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

    def read_lines(self, path: Path, lines: Iterable[str], rows: int) -> Iterator[Table]:
        return read_tables(path, lines, rows)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        named = any(
            not isinstance(item, str) and item[1] for item in _parse(path, iter_lines(path))
        )
        return read_tables(path, iter_lines(path), rows, named)


FORMAT = Smiles()
