"""Typer options shared by the commands that read a data file (``split``, ``evaluate``):
one definition each, so both commands read and encode a file the same way."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..encode import EncodeOptions
from ..readers import ReadOptions

Target = Annotated[
    Optional[str],
    typer.Option(
        "--target",
        help="Target column: never a feature. split carries it into the split files; "
        "evaluate scores the baseline model on it.",
    ),
]
Features = Annotated[
    Optional[str],
    typer.Option(help="Comma-separated feature columns (default: all but target and ids)."),
]
IdColumns = Annotated[
    Optional[list[str]],
    typer.Option("--id-col", help="Column kept in the outputs but not used (repeatable)."),
]
Sep = Annotated[
    Optional[str],
    typer.Option(help="Delimiter for CSV/TSV (default: detected); 'whitespace' for runs."),
]
NoHeader = Annotated[
    bool, typer.Option("--no-header", help="The CSV has no header; columns are 0, 1, ...")
]
Strict = Annotated[
    bool, typer.Option("--strict", help="Refuse non-numeric feature columns (no one-hot).")
]
DropMissing = Annotated[
    bool, typer.Option("--drop-missing", help="Drop rows with missing feature values.")
]

#: The reading options by their command-line names, for messages that name them.
READING_OPTIONS = ("--features", "--id-col", "--sep", "--no-header", "--strict", "--drop-missing")


def feature_list(features: str | None) -> list[str] | None:
    """``--features a,b`` as a list of column names (None when not given)."""
    return [c.strip() for c in features.split(",")] if features else None


def read_options(sep: str | None, no_header: bool) -> ReadOptions:
    """The :class:`ReadOptions` the reading options describe."""
    return ReadOptions(sep=sep, header=not no_header)


def encode_options(
    target: str | None,
    features: str | None,
    id_col: list[str] | None,
    strict: bool,
    drop_missing: bool,
) -> EncodeOptions:
    """The :class:`EncodeOptions` the reading options describe."""
    chosen = feature_list(features)
    return EncodeOptions(
        target=target,
        features=tuple(chosen) if chosen is not None else None,
        id_columns=tuple(id_col or ()),
        strict=strict,
        drop_missing=drop_missing,
    )
