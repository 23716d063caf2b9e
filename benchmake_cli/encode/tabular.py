"""Tabular encoding: one float64 row per table row.

Numeric columns are used as they are; non-numeric feature columns are one-hot encoded with
their categories sorted (or refused with ``strict``); a text column with a different value
in every row is an identifier, not a category, and is refused; the target and id columns
are carried along but never used. Missing values are refused, naming the first row and column, unless
``drop_missing`` drops those rows. Infinite values are always refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pyarrow import types as pa_types

from ..errors import DataError, ParameterError
from ..formats.table import Table
from ..safe_text import quoted
from .arrays import flatten_samples
from .categories import CategoryAccumulator, expand_codes
from .options import Encoded, EncodeOptions

#: how pandas names a column whose header cell is empty (``df.to_csv()`` with its index)
UNNAMED = re.compile(r"Unnamed: \d+")
MISSING_TOKENS = frozenset({"", "na", "nan", "n/a", "null", "none", "#n/a", "-nan", "?"})


@dataclass(frozen=True)
class ColumnPlan:
    """Which columns of a table are encoded, and how: ``features`` in order (each numeric,
    or categorical when listed in ``categorical`` or holding a value that is not a number),
    ``carried`` (the other columns: target, ids, columns left out by ``--features``)."""

    features: tuple[str, ...]
    carried: tuple[str, ...]
    categorical: frozenset[str] = frozenset()
    strict: bool = False
    drop_missing: bool = False

    @property
    def numeric(self) -> tuple[str, ...]:
        """The features known numeric so far (not yet seen holding text)."""
        return tuple(c for c in self.features if c not in self.categorical)


def plan_columns(
    table: Table, options: EncodeOptions, categorical: Iterable[str] = ()
) -> ColumnPlan:
    """The plan of a table's columns under ``options``; ``categorical``: features known to
    hold text (in an earlier chunk of the same input)."""
    columns = [str(c) for c in table_frame(table).columns]
    features = _feature_columns(table, columns, options)
    return ColumnPlan(
        features=tuple(features),
        carried=tuple(c for c in columns if c not in features),
        categorical=frozenset(categorical),
        strict=options.strict,
        drop_missing=options.drop_missing,
    )


@dataclass(frozen=True)
class ChunkEncoding:
    """A table (or one chunk of it) encoded under a :class:`ColumnPlan`: one column of
    ``X`` per feature, a number or, for a categorical feature, the code of the row's text
    in that column's ``categories`` (this chunk's own list, in order of first appearance).
    ``rows`` and ``dropped`` are input row numbers."""

    X: np.ndarray
    rows: np.ndarray
    dropped: np.ndarray
    categories: dict[str, list[str]]


def encode_chunk(table: Table, plan: ColumnPlan, row_offset: int = 0) -> ChunkEncoding:
    """Encode the rows of ``table``, the input's rows from ``row_offset`` on (row numbers in
    ``rows`` and in messages count from it). Rows with a missing value are refused, or
    dropped under ``drop_missing`` (a chunk may then keep no rows). Nothing is mutated."""
    frame = table_frame(table)
    frame.columns = [str(c) for c in frame.columns]
    numbers, text, missing = _read_features(table, frame, plan)
    keep = np.ones(len(frame), dtype=bool)
    if missing.any():
        if not plan.drop_missing:
            row, j = np.argwhere(missing)[0]
            raise DataError(
                f"{table.path}: row {row + row_offset}, column {plan.features[j]!r}: "
                "missing value; fill it in or pass --drop-missing"
            )
        keep = np.asarray(~missing.any(axis=1))
    rows = np.flatnonzero(keep)
    X = np.empty((len(rows), len(plan.features)), dtype=np.float64)
    categories: dict[str, list[str]] = {}
    for j, column in enumerate(plan.features):
        if column in text:
            if column not in plan.categorical:  # text only because some cells are not numbers
                refuse_stray_text(table.path, column, text[column][rows], rows + row_offset)
            values = text[column][rows].tolist()
            categories[column] = list(dict.fromkeys(values))
            code = {c: i for i, c in enumerate(categories[column])}
            X[:, j] = np.fromiter((code[t] for t in values), dtype=np.int64, count=len(values))
            continue
        kept = numbers[column][rows]
        bad = ~np.isfinite(kept)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"{table.path}: row {rows[i] + row_offset}, column {column!r}: "
                f"value {kept[i]} is not finite"
            )
        X[:, j] = kept
    return ChunkEncoding(X, rows + row_offset, np.flatnonzero(~keep) + row_offset, categories)


def refuse_stray_text(path: Path, column: str, text: np.ndarray, rows: np.ndarray) -> None:
    """A column of numbers with a few cells that are not (``x``, a stray byte-order mark)
    is a numeric column with bad cells, not a text feature: refuse it naming the first bad
    cell's row (``rows``: the row number of each value)."""
    numeric = np.fromiter((_is_number(t) for t in text), dtype=bool, count=len(text))
    if numeric.all() or numeric.sum() < max(2, len(text) // 2):
        return
    i = int(np.flatnonzero(~numeric)[0])
    raise DataError(
        f"{path}: row {int(rows[i])}, column {quoted(column)}: {quoted(text[i])} is not a "
        f"number, while {int(numeric.sum())} of its {len(text)} rows are; fix the cell"
    )


def _is_number(text: object) -> bool:
    try:
        float(str(text))
    except ValueError:
        return False
    return True


def _read_features(
    table: Table, frame: pd.DataFrame, plan: ColumnPlan
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Each feature's numbers, or its stripped text when it is categorical, and the
    missing-value mask (rows × features); text is refused under ``strict``."""
    numbers: dict[str, np.ndarray] = {}
    text: dict[str, np.ndarray] = {}
    missing = np.zeros((len(frame), len(plan.features)), dtype=bool)
    for j, column in enumerate(plan.features):
        values, missing[:, j] = column_as_numbers(frame[column])
        if values is not None and column not in plan.categorical:
            numbers[column] = values
            continue
        if values is None:
            _refuse_nested(table, frame[column], column)
        if plan.strict:
            raise DataError(
                f"{table.path}: column {column!r} is not numeric "
                f"(for example {_first_text(frame[column], missing[:, j])!r}); "
                "drop --strict to one-hot encode it, or leave it out with --features"
            )
        text[column] = frame[column].astype(str).str.strip().to_numpy()
    return numbers, text, missing


def encode(table: Table, options: EncodeOptions) -> Encoded:
    """Encode a table's columns, or an array of rank 1 or 2 (columns ``0``, ``1``, ...);
    arrays of higher rank are flattened per sample. Text features are one-hot encoded,
    their categories sorted."""
    if table.frame is None and table.array is not None and table.array.ndim > 2:
        X = flatten_samples(table.path, table.array)
        return Encoded(
            X=X,
            rows=np.arange(len(X)),
            feature_names=[str(i) for i in range(X.shape[1])],
            parameters={"shape": list(table.array.shape[1:]), "flatten": "row-major (C order)"},
        )
    plan = plan_columns(table, options)
    chunk = encode_chunk(table, plan)
    if not len(chunk.rows):
        raise DataError(f"{table.path}: every row has a missing value")
    categories = CategoryAccumulator()
    X = categories.add(chunk, plan.features)
    categories.check_not_identifiers(table.path, plan.features, len(chunk.rows))
    names, one_hot, maps = categories.layout(plan.features)
    return Encoded(
        X=expand_codes(X, maps) if one_hot else X,
        rows=chunk.rows,
        feature_names=names,
        columns_used=list(plan.features),
        one_hot=one_hot,
        dropped_rows=chunk.dropped.tolist(),
    )


def table_frame(table: Table) -> pd.DataFrame:
    """The table as a frame: arrays flattened to one column per feature, named 0, 1, ..."""
    if table.frame is not None:
        return table.frame
    assert table.array is not None
    array = table.array
    flat = array.reshape(array.shape[0], -1) if array.ndim > 1 else array[:, None]
    return pd.DataFrame(flat, columns=table.columns)


def check_column(table: Table, columns: list[str], column: str, option: str) -> None:
    """Refuse a column name the table does not have, listing the columns it has."""
    if column not in columns:
        shown = ", ".join(columns[:20]) + (", ..." if len(columns) > 20 else "")
        raise ParameterError(
            f"{option} {column!r}: no such column in {table.path.name}; columns are: {shown}"
        )


def _feature_columns(table: Table, columns: list[str], options: EncodeOptions) -> list[str]:
    def check(column: str, option: str) -> None:
        check_column(table, columns, column, option)

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
        unnamed = next((c for c in chosen if UNNAMED.fullmatch(c)), None)
        if unnamed is not None:
            raise DataError(
                f"{table.path}: column {unnamed!r} has no name in the header (a row index "
                "saved with the data?); leave it out with --features or --id-col, or re-save "
                "the file without it"
            )
    if not chosen:
        raise ParameterError(f"{table.path}: no feature columns left after the target and ids")
    return chosen


def target_values(table: Table, target: str, rows: np.ndarray) -> np.ndarray:
    """The ``target`` column at the input rows ``rows``: float64 when every value is a number,
    else the values as stripped text. A missing value is refused, naming its row."""
    frame = table_frame(table)
    columns = [str(c) for c in frame.columns]
    check_column(table, columns, target, "--target")
    column = frame.iloc[:, columns.index(target)]
    values, missing = column_as_numbers(column)
    if missing[rows].any():
        row = int(rows[np.flatnonzero(missing[rows])[0]])
        raise DataError(
            f"{table.path}: row {row}, column {target!r}: missing target value; "
            "the baseline model needs a target for every row"
        )
    if values is None:
        return column.astype(str).str.strip().to_numpy()[rows]
    kept = values[rows]
    if not np.all(np.isfinite(kept)):
        row = int(rows[np.flatnonzero(~np.isfinite(kept))[0]])
        raise DataError(f"{table.path}: row {row}, column {target!r}: target is not finite")
    return kept


def column_as_numbers(column: pd.Series) -> tuple[np.ndarray | None, np.ndarray]:
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


def _refuse_nested(table: Table, column: pd.Series, name: str) -> None:
    """Lists, structs and maps (nested Parquet values) are not categories: one-hot encoding
    their text would split on it silently, so they are refused."""
    if table.arrow is not None and name in table.arrow.column_names:
        kind = table.arrow.schema.field(name).type
        nested = pa_types.is_nested(kind)
    else:
        present = column.dropna()
        value = present.iloc[0] if len(present) else None
        kind = type(value).__name__
        nested = isinstance(value, (list, tuple, dict, set, np.ndarray))
    if nested:
        raise DataError(
            f"{table.path}: column {name!r} holds nested values ({kind}), not numbers or "
            "categories; flatten it into columns, or leave it out with --features"
        )


def _first_text(column: pd.Series, missing: np.ndarray) -> str:
    text = column.astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce").isna().to_numpy() & ~missing
    return str(text.to_numpy()[np.flatnonzero(numeric)[0]]) if numeric.any() else ""
