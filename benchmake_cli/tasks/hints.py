"""What ``inspect`` suggests, as options that ``split`` then accepts.

Each hint names the options it suggests; :func:`suggested_options` joins them into one
command line (tests/test_newcomer.py runs it). A text column of SMILES, DNA or protein
sequences gets ``--sequence-col`` (``--tokens smiles`` for SMILES), a one-column ``.txt``
file of sequences ``--type sequence``, a text column with a different value in every row
``--id-col``, and label-like features (:mod:`benchmake_cli.encode.label_like`) ``--target``
for the surest and ``--id-col`` for the others. A sequence file, an array or a folder has
no columns to suggest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..encode import EncodeOptions
from ..encode.label_like import WARNING, label_like_columns
from ..formats.table import Table

SAMPLE = 500  #: values of a column looked at to tell its kind
_DNA = re.compile(r"^[ACGTUN]+$", re.IGNORECASE)
_PROTEIN = re.compile(r"^[ACDEFGHIKLMNPQRSTVWYXBZUO]+$")
_BRACKET_ATOM = re.compile(r"\[[^\[\]]+\]")
_SMILES_REST = re.compile(r"^(Cl|Br|[BCNOPSFI]|[bcnops]|%\d\d|[0-9()=#$/\\.:*+\-@~])+$")


@dataclass(frozen=True)
class Hint:
    """One suggestion: why, and the options that act on it."""

    text: str
    options: tuple[str, ...]


def _is_smiles(value: str) -> bool:
    rest = _BRACKET_ATOM.sub("C", value)
    if not _SMILES_REST.match(rest) or rest.count("(") != rest.count(")"):
        return False
    digits = re.sub(r"%\d\d", "", rest)
    return all(digits.count(d) % 2 == 0 for d in "0123456789")


def sequence_kind(values: list[str]) -> str | None:
    """``smiles``, ``dna`` or ``protein`` when every value reads as one, else ``None``.

    >>> sequence_kind(["CCO", "c1ccccc1O", "CC(=O)[O-]"]), sequence_kind(["ACGTTGCAAC"] * 3)
    ('smiles', 'dna')
    >>> sequence_kind(["MLWDVKF", "GAVLIPR", "KKRRHHW"]), sequence_kind(["C1", "C2", "C3"])
    ('protein', None)
    """
    values = [v.strip() for v in values[:SAMPLE] if v.strip()]
    if not values or any(" " in v for v in values):
        return None
    lengths = sorted(len(v) for v in values)
    median = lengths[len(lengths) // 2]
    varied = len(set(values)) * 2 > len(values)
    if median >= 10 and all(_DNA.match(v) for v in values):
        return "dna"
    if median >= 5 and varied and all(_PROTEIN.match(v) for v in values):
        return "protein"
    if median >= 3 and varied and all(_is_smiles(v) for v in values):
        return "smiles"
    return None


def column_hints(table: Table, options: EncodeOptions, text_unique: dict[str, bool]) -> list[Hint]:
    """The hints for a table's columns; ``text_unique`` maps each text feature column to
    whether it holds a different value in every row."""
    if table.frame is None or table.sequences is not None:
        return []
    frame: pd.DataFrame = table.frame
    hints: list[Hint] = []
    sequence_col = options.sequence_col
    if sequence_col is None:
        for name in text_unique:
            kind = sequence_kind(frame[name].astype(str).tolist())
            if kind is None:
                continue
            if frame.shape[1] == 1 and table.path.suffix.lower() == ".txt":
                hints.append(
                    Hint(
                        f"{table.path.name} holds one {kind} sequence per line",
                        ("--type", "sequence"),
                    )
                )
                return hints
            tokens = ("--tokens", "smiles") if kind == "smiles" else ()
            hints.append(
                Hint(
                    f"column {name!r} holds {kind.upper() if kind != 'protein' else 'protein'} sequences",
                    ("--sequence-col", name, *tokens),
                )
            )
            sequence_col = name
            break
    for name, unique in text_unique.items():
        if unique and name != sequence_col:
            hints.append(
                Hint(
                    f"column {name!r} is text with a different value in every row: an "
                    "identifier, which split refuses as a feature",
                    ("--id-col", name),
                )
            )
    return hints + _label_hints(table, options, text_unique, sequence_col)


def _label_hints(
    table: Table, options: EncodeOptions, text_unique: dict[str, bool], sequence_col: str | None
) -> list[Hint]:
    """``--target`` for the surest label-like feature (when none is given), ``--id-col`` for
    the others."""
    assert table.frame is not None
    named = {str(c) for c in table.frame.columns}
    taken = {options.target, sequence_col, *options.id_columns}
    features = [
        n for n in named if n not in taken and (options.features is None or n in options.features)
    ]
    features = [n for n in features if not text_unique.get(n, False)]
    found = label_like_columns(table, features)
    hints = []
    for position, (name, why) in enumerate(found.items()):
        target = position == 0 and options.target is None
        hints.append(
            Hint(
                f"feature column {name!r} looks like a label ({why})"
                + ("" if target else "; keep it out of the features"),
                ("--target" if target else "--id-col", name),
            )
        )
    return hints


def suggested_options(hints: list[Hint]) -> list[str]:
    """Every hint's options, in order: one command line."""
    return [part for hint in hints for part in hint.options]


@dataclass(frozen=True)
class Advice:
    """What ``inspect`` tells: hints in words, their options as one command line, the
    warnings for stderr, and the label-like feature columns."""

    hints: list[str]
    suggested: list[str]
    warnings: list[str]
    label_like: frozenset[str]


def advise(
    table: Table, options: EncodeOptions, text_unique: dict[str, bool], features: list[str]
) -> Advice:
    """The advice on a table whose feature columns are ``features`` (``text_unique``: see
    :func:`column_hints`)."""
    hints = column_hints(table, options, text_unique)
    found = {}
    if table.frame is not None and options.sequence_col is None:
        found = label_like_columns(table, features)
    return Advice(
        hints=[f"{hint.text}; pass {' '.join(hint.options)}" for hint in hints],
        suggested=suggested_options(hints),
        warnings=list(table.notes) + [WARNING.format(name=n, why=w) for n, w in found.items()],
        label_like=frozenset(found),
    )
