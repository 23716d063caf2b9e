"""Text columns compared as text: ids, targets and text features, exactly.

The manifest's carried hash compares values in a canonical form that is the same in every
container (``1.50`` and ``1.5``, ``" A0007"`` and ``"A0007"``, a 20-digit id and its float64
neighbour are alike), so that a CSV re-saved as Parquet still verifies. That is right for
features, which the method reads as float64, and wrong for ids and labels, which people
read as text. When the data is in the recorded format, :func:`check_exact_text` compares
the exact text of every id, target and text-feature column of the data with that of the
published split files (train and test joined), row by row as an order-independent hash of
(features, text) pairs: rows reordered still pass, a changed character does not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..bundle.indices import read_row_numbers
from ..bundle.manifest import Manifest
from ..encode import carried_hash, encode_table
from ..encode.tabular import table_frame
from ..errors import BenchmakeError
from ..formats import read_table
from ..formats.table import Table
from ..method.order import row_digests
from .sides import (
    drop_hidden,
    hidden_targets,
    join_sides,
    read_side,
    split_encode_options,
)

NOT_COLUMNS = ("labels", "sequence", "graph")


def text_columns(manifest: Manifest) -> list[str]:
    """The columns compared as text: those carried (ids, target) and the text features."""
    hidden = set(hidden_targets(manifest))  # a public copy's test file lacks them
    recorded = manifest.encoding.carried_columns
    carried = [c for c in recorded if c not in NOT_COLUMNS and c not in hidden]
    return [*carried, *sorted(manifest.encoding.one_hot)]


def check_exact_text(report: Any, manifest: Manifest, data_path: Path, data_format: str) -> None:
    """Compare the exact text of the text columns of the data and of the split files."""
    if manifest.input_format().container != "table":
        return
    columns = text_columns(manifest)
    features = len(manifest.encoding.columns_used) - len(manifest.encoding.one_hot)
    how = f"{features} numeric feature column(s) compared as float64"
    if not columns:
        report.add("columns", True, how)
        return
    named = ", ".join(columns[:6]) + (", …" if len(columns) > 6 else "")
    recorded_format = str(manifest.input.format)
    if data_format != recorded_format:
        report.add(
            "columns",
            True,
            f"{how}; {named} compared in canonical form only (the data is {data_format}, "
            f"the split was made from {recorded_format})",
        )
        return
    try:
        found = _exact_hash(_data(data_path, manifest), manifest, columns)
        published = _exact_hash(_published(manifest), manifest, columns)
    except (BenchmakeError, KeyError, IndexError, ValueError) as exc:
        report.add("columns", False, f"{named}: cannot be compared as text ({type(exc).__name__})")
        return
    if found == published:
        report.add("columns", True, f"{how}; {named} compared as exact text: equal")
    else:
        report.add(
            "columns",
            False,
            f"{named}, compared as exact text, differ from the split files' "
            "(an id, target or text value changed, even if only in white space or digits)",
        )


def _data(path: Path, manifest: Manifest) -> Table:
    return drop_hidden(read_table(path, manifest.read_options()), manifest)


def _published(manifest: Manifest) -> Table:
    sides = {side: read_side(manifest, side) for side in ("train", "test")}
    rows = {side: read_row_numbers(manifest.indices_path(side)) for side in sides}
    train, test = sides["train"], sides["test"]
    assert isinstance(train, Table) and isinstance(test, Table)
    return drop_hidden(join_sides(train, test, rows["train"], rows["test"]), manifest)


def _exact_hash(table: Table, manifest: Manifest, columns: list[str]) -> str:
    """Order-independent hash of each encoded row's (features, exact text) pair."""
    encoded = encode_table(table, split_encode_options(manifest))
    frame = table_frame(table)
    positions = np.asarray(encoded.rows, dtype=np.int64)  # encoded rows index the frame
    texts = [_exact(frame[column].iloc[positions]) for column in columns]
    digests = np.empty(len(positions), dtype="S16")
    for i, values in enumerate(zip(*texts, strict=True)):
        line = "\x1e".join(f"{c}\x1f{v}" for c, v in zip(columns, values, strict=True))
        digests[i] = hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return carried_hash(row_digests(encoded.X), digests)


def _exact(values: pd.Series) -> list[str]:
    """Each value as its exact text: a text cell as it is, a typed value as ``str``."""
    missing = values.isna().to_numpy()
    return ["" if gone else str(v) for gone, v in zip(missing, values.tolist(), strict=True)]
