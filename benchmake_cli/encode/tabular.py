"""Tabular encoding: one float64 row per table row.

Numeric columns are used as they are; non-numeric feature columns are one-hot encoded with
their categories sorted (or refused with ``strict``); a text column with a different value
in every row is an identifier, not a category, and is refused; the target and id columns
are carried along but never used. Missing values are refused, naming the first row and column, unless
``drop_missing`` drops those rows. Infinite values are always refused.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from pyarrow import types as pa_types

from ..errors import DataError, ParameterError
from ..formats.table import Table
from ..safe_text import quoted
from .arrays import flatten_samples
from .options import Encoded, EncodeOptions

#: how pandas names a column whose header cell is empty (``df.to_csv()`` with its index)
UNNAMED = re.compile(r"Unnamed: \d+")
MISSING_TOKENS = frozenset({"", "na", "nan", "n/a", "null", "none", "#n/a", "-nan", "?"})


class NewCategoricalColumnError(Exception):
    """A streamed chunk found text in ``column``, numeric in the chunks before: the input
    is read again with the column's every value a category (see :func:`encode`)."""

    def __init__(self, column: str) -> None:
        super().__init__(column)
        self.column = column


def encode(
    table: Table,
    options: EncodeOptions,
    *,
    row_offset: int | None = None,
    categories: dict[str, dict[str, int]] | None = None,
) -> Encoded:
    """Encode a table's columns, or an array of rank 1 or 2 (columns ``0``, ``1``, ...);
    arrays of higher rank are flattened per sample.

    With ``row_offset`` the table is one chunk of a streamed input starting at that input
    row: row numbers (in ``rows`` and in messages) count from it, and a chunk whose rows
    all have a missing value gives no rows rather than an error. One-hot categories need
    the whole column, so a chunk's text feature gives one column of category codes, each
    value's number in order of first appearance in ``categories`` (updated here; its keys
    are the text features). :func:`expand_codes` makes the one-hot columns once every
    chunk is read. A column first seen as text after the first chunk raises
    :class:`NewCategoricalColumnError`.
    """
    streamed = row_offset is not None
    offset = row_offset or 0
    if table.frame is None and table.array is not None and table.array.ndim > 2:
        X = flatten_samples(table.path, table.array)
        return Encoded(
            X=X,
            rows=np.arange(len(X)) + offset,
            feature_names=[str(i) for i in range(X.shape[1])],
            parameters={"shape": list(table.array.shape[1:]), "flatten": "row-major (C order)"},
        )
    frame = table_frame(table)
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    feature_columns = _feature_columns(table, columns, options)
    known = categories if categories is not None else {}
    blocks: list[np.ndarray] = []
    names: list[str] = []
    missing = np.zeros((len(frame), len(feature_columns)), dtype=bool)
    categorical: dict[str, pd.Series] = {}
    for j, column in enumerate(feature_columns):
        values, is_missing = column_as_numbers(frame[column])
        missing[:, j] = is_missing
        if values is None or column in known:
            if values is None:
                _refuse_nested(table, frame[column], column)
            if options.strict:
                raise DataError(
                    f"{table.path}: column {column!r} is not numeric "
                    f"(for example {_first_text(frame[column], is_missing)!r}); "
                    "drop --strict to one-hot encode it, or leave it out with --features"
                )
            if streamed and column not in known:
                if offset > 0:
                    raise NewCategoricalColumnError(column)
                known[column] = {}
            categorical[column] = frame[column].astype(str).str.strip()
        blocks.append(values if values is not None else np.empty(0))
        names.append(column)

    keep = np.ones(len(frame), dtype=bool)
    if missing.any():
        if not options.drop_missing:
            row, j = np.argwhere(missing)[0]
            raise DataError(
                f"{table.path}: row {row + offset}, column {feature_columns[j]!r}: "
                "missing value; fill it in or pass --drop-missing"
            )
        keep = ~missing.any(axis=1)
        if not keep.any() and not streamed:
            raise DataError(f"{table.path}: every row has a missing value")
    rows = np.flatnonzero(keep)

    matrix_parts: list[np.ndarray] = []
    feature_names: list[str] = []
    one_hot: dict[str, list[str]] = {}
    for column, values in zip(names, blocks, strict=True):
        if column in categorical:
            text = categorical[column].to_numpy()[rows]
            if streamed:
                seen = known[column]
                codes = np.fromiter(
                    (seen.setdefault(t, len(seen)) for t in text), dtype=np.int64, count=len(text)
                )
                matrix_parts.append(codes[:, None].astype(np.float64))
                feature_names.append(column)
                continue
            refuse_stray_text(table.path, column, text, rows + offset)
            categories_found = sorted(set(text.tolist()))
            check_not_identifier(table.path, column, len(categories_found), text[:1], len(text))
            one_hot[column] = categories_found
            index = {c: i for i, c in enumerate(categories_found)}
            codes = np.fromiter((index[t] for t in text), dtype=np.int64, count=len(text))
            matrix_parts.append(np.eye(len(categories_found))[codes])
            feature_names.extend(f"{column}={c}" for c in categories_found)
        else:
            kept = values[rows]
            bad = ~np.isfinite(kept)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise DataError(
                    f"{table.path}: row {rows[i] + offset}, column {column!r}: "
                    f"value {kept[i]} is not finite"
                )
            matrix_parts.append(kept[:, None])
            feature_names.append(column)
    X = np.ascontiguousarray(np.hstack(matrix_parts), dtype=np.float64)
    return Encoded(
        X=X,
        rows=rows + offset,
        feature_names=feature_names,
        columns_used=names,
        one_hot=one_hot,
        dropped_rows=(np.flatnonzero(~keep) + offset).tolist(),
    )


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


def check_not_identifier(
    path: Path, column: str, distinct: int, first: np.ndarray, rows: int
) -> None:
    """A text feature with a different value in every one of its ``rows`` (more than two)
    is an identifier, not a category (``first``: its first value, for the message)."""
    if distinct == rows > 2:
        raise DataError(
            f"{path}: column {column!r} has a different text value in every row "
            f"(for example {first[0]!r}): an identifier, not a category; pass it with "
            "--id-col, or leave it out with --features"
        )


def one_hot_layout(
    feature_names: list[str], categories: dict[str, dict[str, int]]
) -> tuple[list[str], dict[str, list[str]], list[np.ndarray | None]]:
    """For chunks of category codes (:func:`encode` with ``row_offset``): the one-hot
    feature names, the sorted categories of each text feature, and per code column the map
    from a code to its category's place in sorted order (``None`` for a numeric column)."""
    names: list[str] = []
    one_hot: dict[str, list[str]] = {}
    maps: list[np.ndarray | None] = []
    for column in feature_names:
        seen = categories.get(column)
        if seen is None:
            names.append(column)
            maps.append(None)
            continue
        ordered = sorted(seen)
        place = {c: i for i, c in enumerate(ordered)}
        one_hot[column] = ordered
        maps.append(np.array([place[c] for c in seen], dtype=np.int64))  # first-seen order
        names.extend(f"{column}={c}" for c in ordered)
    return names, one_hot, maps


def expand_codes(X: np.ndarray, maps: list[np.ndarray | None]) -> np.ndarray:
    """Chunk rows of category codes as the whole-input encoding's one-hot rows.

    >>> maps = [None, np.array([1, 0])]  # column 1: codes of "b" (seen first) and "a"
    >>> expand_codes(np.array([[5.0, 0.0], [6.0, 1.0]]), maps).tolist()
    [[5.0, 0.0, 1.0], [6.0, 1.0, 0.0]]
    """
    parts: list[np.ndarray] = []
    for j, mapping in enumerate(maps):
        if mapping is None:
            parts.append(X[:, j : j + 1])
        else:
            parts.append(np.eye(len(mapping))[mapping[X[:, j].astype(np.int64)]])
    return np.ascontiguousarray(np.hstack(parts), dtype=np.float64)


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
