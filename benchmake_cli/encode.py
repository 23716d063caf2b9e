"""Encode a table as one float64 row per sample: the matrix the split is computed on.

Numeric columns are used as they are; non-numeric feature columns are one-hot encoded with
their categories sorted (or refused with ``strict``); the target and id columns are carried
along but never used. Missing values are refused, naming the first row and column, unless
``drop_missing`` drops those rows. Infinite values are always refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, ParameterError
from .table import Table

MISSING_TOKENS = frozenset({"", "na", "nan", "n/a", "null", "none", "#n/a", "-nan", "?"})


@dataclass(frozen=True)
class EncodeOptions:
    """Which columns to use and how to treat awkward values."""

    target: str | None = None
    features: tuple[str, ...] | None = None
    id_columns: tuple[str, ...] = ()
    strict: bool = False
    drop_missing: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "features": list(self.features) if self.features is not None else None,
            "id_columns": list(self.id_columns),
            "strict": self.strict,
            "drop_missing": self.drop_missing,
        }


@dataclass
class Encoded:
    """The numeric matrix and where each of its rows and columns came from."""

    X: np.ndarray
    rows: np.ndarray  #: input row number (0-based) of each row of X
    feature_names: list[str]
    modality: str = "tabular"
    columns_used: list[str] = field(default_factory=list)
    one_hot: dict[str, list[str]] = field(default_factory=dict)
    dropped_rows: list[int] = field(default_factory=list)
    #: the raw strings of a sequence input, one per row of X (methods that encode them
    #: differently, like the reference's character counts, start from these)
    sequences: list[str] | None = None

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        return int(self.X.shape[1])


def encode_table(table: Table, options: EncodeOptions | None = None) -> Encoded:
    """Turn a :class:`Table` into an :class:`Encoded` matrix."""
    options = options or EncodeOptions()
    frame = table.frame if table.frame is not None else _array_frame(table)
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    feature_columns = _feature_columns(table, columns, options)
    blocks: list[np.ndarray] = []
    names: list[str] = []
    missing = np.zeros((len(frame), len(feature_columns)), dtype=bool)
    categorical: dict[str, pd.Series] = {}
    for j, column in enumerate(feature_columns):
        values, is_missing = _as_numbers(frame[column])
        missing[:, j] = is_missing
        if values is None:
            if options.strict:
                raise DataError(
                    f"{table.path}: column {column!r} is not numeric "
                    f"(for example {_first_text(frame[column], is_missing)!r}); "
                    "drop --strict to one-hot encode it, or leave it out with --features"
                )
            categorical[column] = frame[column].astype(str).str.strip()
        blocks.append(values if values is not None else np.empty(0))
        names.append(column)

    keep = np.ones(len(frame), dtype=bool)
    if missing.any():
        if not options.drop_missing:
            row, j = np.argwhere(missing)[0]
            raise DataError(
                f"{table.path}: row {row}, column {feature_columns[j]!r}: missing value; "
                "fill it in or pass --drop-missing"
            )
        keep = ~missing.any(axis=1)
        if not keep.any():
            raise DataError(f"{table.path}: every row has a missing value")
    rows = np.flatnonzero(keep)

    matrix_parts: list[np.ndarray] = []
    feature_names: list[str] = []
    one_hot: dict[str, list[str]] = {}
    for column, values in zip(names, blocks, strict=True):
        if column in categorical:
            text = categorical[column].to_numpy()[rows]
            categories = sorted(set(text.tolist()))
            one_hot[column] = categories
            index = {c: i for i, c in enumerate(categories)}
            codes = np.fromiter((index[t] for t in text), dtype=np.int64, count=len(text))
            matrix_parts.append(np.eye(len(categories))[codes])
            feature_names.extend(f"{column}={c}" for c in categories)
        else:
            kept = values[rows]
            bad = ~np.isfinite(kept)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise DataError(
                    f"{table.path}: row {rows[i]}, column {column!r}: value {kept[i]} is not finite"
                )
            matrix_parts.append(kept[:, None])
            feature_names.append(column)
    X = np.ascontiguousarray(np.hstack(matrix_parts), dtype=np.float64)
    if len(X) > 1 and bool((X[0] == X).all()):
        raise DataError(
            f"{table.path}: every feature is constant ({len(feature_names)} columns): "
            "there is nothing to split on"
        )
    return Encoded(
        X=X,
        rows=rows,
        feature_names=feature_names,
        columns_used=names,
        one_hot=one_hot,
        dropped_rows=np.flatnonzero(~keep).tolist(),
    )


def _array_frame(table: Table) -> pd.DataFrame:
    assert table.array is not None
    array = table.array
    flat = array.reshape(array.shape[0], -1) if array.ndim > 1 else array[:, None]
    return pd.DataFrame(flat, columns=table.columns)


def _feature_columns(table: Table, columns: list[str], options: EncodeOptions) -> list[str]:
    known = set(columns)

    def check(column: str, option: str) -> None:
        if column not in known:
            shown = ", ".join(columns[:20]) + (", ..." if len(columns) > 20 else "")
            raise ParameterError(
                f"{option} {column!r}: no such column in {table.path.name}; columns are: {shown}"
            )

    carried = set(options.id_columns)
    for column in options.id_columns:
        check(column, "--id-col")
    if options.target is not None:
        check(options.target, "--target")
        carried.add(options.target)
    if options.features is not None:
        for column in options.features:
            check(column, "--features")
            if column in carried:
                raise ParameterError(
                    f"--features {column!r}: is also the target or an id column; "
                    "a column is either a feature or carried along"
                )
        chosen = list(dict.fromkeys(options.features))
    else:
        chosen = [c for c in columns if c not in carried]
    if not chosen:
        raise ParameterError(f"{table.path}: no feature columns left after the target and ids")
    return chosen


def _as_numbers(column: pd.Series) -> tuple[np.ndarray | None, np.ndarray]:
    """Column as float64 plus a missing mask; ``None`` when it is not numeric."""
    if pd.api.types.is_bool_dtype(column.dtype):
        missing = column.isna().to_numpy()
        return column.fillna(False).to_numpy(dtype=np.float64), missing
    if pd.api.types.is_numeric_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, np.isnan(values)
    text = column.astype(str).str.strip()
    missing = text.str.lower().isin(MISSING_TOKENS).to_numpy() | column.isna().to_numpy()
    parsed = pd.to_numeric(text.where(~missing, "nan"), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    unparsed = np.isnan(parsed) & ~missing
    if unparsed.any():
        return None, missing
    return parsed, missing


def _first_text(column: pd.Series, missing: np.ndarray) -> str:
    text = column.astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce").isna().to_numpy() & ~missing
    return str(text.to_numpy()[np.flatnonzero(numeric)[0]]) if numeric.any() else ""
