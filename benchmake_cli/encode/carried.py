"""What each row carries beyond its features: the target, id and other non-feature columns
of a table; the labels of other inputs (class folders, ``--target-key`` arrays, SMILES
names, FASTA headers, OGB graph labels); and the raw sample that the features summarise
(a sequence's text, a graph's edges and node features).

Two uses, a digest per row each:

- **Ties** (:func:`tie_digests`). Rows with identical features are ordered by the digest
  of their raw sequence or graph, or of a table row's other columns, then by input order:
  which of several molecules with the same character counts goes to the test set depends
  on the molecules, not on the order of the file.
- **Verification** (:func:`carried_digests`). The manifest records an order-independent
  hash tying each row's carried digest to its features' digest, so ``verify`` notices an
  edited label or sequence even when the rows were reordered or re-saved in another format.

Values are compared in a canonical text form, the same whatever the container: numbers
(``1.50`` in a CSV, ``1.5`` in Parquet) as Python's shortest ``repr`` of the float64,
missing values (an empty cell, ``NA``, a Parquet null) as an empty string, other text
stripped of surrounding white space.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..formats.table import Table
from .options import Encoded
from .tabular import MISSING_TOKENS, table_frame

DIGEST_BYTES = 16
LABELS, SEQUENCE, GRAPH = "labels", "sequence", "graph"  #: names of the non-column parts


def carried_columns(table: Table, encoded: Encoded) -> list[str]:
    """The names of what ``encoded`` carries: every column of a table that is not a feature
    (in the table's order), then ``labels``, ``sequence`` and ``graph`` where they apply."""
    return [part.name for part in _carried_parts(table, encoded)]


def carried_digests(table: Table, encoded: Encoded, row_offset: int = 0) -> np.ndarray:
    """One 16-byte digest (``S16``) per encoded row of everything it carries
    (``row_offset``: the input row of the table's first row, for a chunk of a file)."""
    return _digests(_carried_parts(table, encoded), encoded, row_offset)


def tie_digests(table: Table, encoded: Encoded, row_offset: int = 0) -> np.ndarray | None:
    """The digest that orders rows of identical features: that of the raw sequence or graph
    that the features count; for a table, that of the row's other columns; ``None`` (input
    order) for arrays, images and signals, whose features are the whole sample.

    Only what every container of the same data holds takes part, so that the split stays
    the same across formats: a ``.smi`` file and a CSV column of the same molecules carry
    different names and columns, but the same SMILES. Rows alike in that too (the same
    SMILES twice, identical table rows) are the same sample and keep their input order."""
    parts = _carried_parts(table, encoded)
    raw = [part for part in parts if part.raw]
    if raw:
        return _digests(raw, encoded, row_offset)
    if not _column_names(table) or table.labels is not None:
        return None
    return encoded.carried if encoded.carried is not None else _digests(parts, encoded, row_offset)


def _digests(parts: list[_Part], encoded: Encoded, offset: int) -> np.ndarray:
    """One digest per encoded row of the parts' canonical strings at that row."""
    rows = np.asarray(encoded.rows, dtype=np.int64) - offset
    strings = [(f"{part.name}\x1f", part.values(rows)) for part in parts]
    out = np.empty(len(rows), dtype=f"S{DIGEST_BYTES}")
    blake = hashlib.blake2b
    if not strings:
        out[:] = blake(b"", digest_size=DIGEST_BYTES).digest()
        return out
    prefixes = [prefix for prefix, _ in strings]
    for i, values in enumerate(zip(*(values for _, values in strings), strict=True)):
        text = "\x1e".join(p + v for p, v in zip(prefixes, values, strict=True))
        out[i] = blake(text.encode("utf-8"), digest_size=DIGEST_BYTES).digest()
    return out


@dataclass(frozen=True)
class _Part:
    """One thing a row carries: its name, how to get its canonical strings at given table
    rows, and whether it is the raw sample that the features summarise."""

    name: str
    values: Callable[[np.ndarray], list[str]]
    raw: bool = False


def _carried_parts(table: Table, encoded: Encoded) -> list[_Part]:
    """What the rows of ``encoded`` carry, in a fixed order: columns, labels, raw sample."""
    used = set(encoded.columns_used)
    frame: list[pd.DataFrame] = []  # made once, when a column is first read

    def column(rows: np.ndarray, j: int) -> list[str]:
        if not frame:
            frame.append(table_frame(table))
        return canonical_strings(frame[0].iloc[rows, j])

    parts = [
        _Part(name, lambda rows, j=j: column(rows, j))  # type: ignore[misc]
        for j, name in enumerate(_column_names(table))
        if name not in used
    ]
    if table.labels is not None:
        labels = np.asarray(table.labels)
        parts.append(_Part(LABELS, lambda rows: _label_strings(labels[rows])))
    if encoded.sequences is not None:
        sequences = encoded.sequences  # already one per encoded row
        parts.append(_Part(SEQUENCE, lambda rows: list(sequences), raw=True))
    if table.graphs is not None and encoded.modality == "graph":
        parts.append(_Part(GRAPH, lambda rows: _graph_strings(table, rows), raw=True))
    return parts


def carried_hash(row_digests: np.ndarray, carried: np.ndarray | None) -> str:
    """Order-independent SHA-256 of the (features digest, carried digest) pairs
    (``carried``: :attr:`Encoded.carried`, which :func:`encode_table` always fills)."""
    if carried is None:
        raise ValueError("no carried digests: the rows were not encoded by encode_table")
    pairs = np.empty(len(row_digests), dtype=[("row", "S16"), ("carried", "S16")])
    pairs["row"], pairs["carried"] = row_digests, carried
    digest = hashlib.sha256(f"benchmake-carried/1 rows={len(pairs)}\n".encode())
    digest.update(np.sort(pairs, order=["row", "carried"]).tobytes())
    return digest.hexdigest()


def canonical_strings(values: pd.Series) -> list[str]:
    """Each value in canonical text form (see the module's docstring).

    >>> canonical_strings(pd.Series(["1.50", " 2", "", "NA", "abc", "-0"]))
    ['1.5', '2.0', '', '', 'abc', '0.0']
    """
    series = values.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype("float64")
    if pd.api.types.is_numeric_dtype(series.dtype):
        numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return ["" if v != v else repr(float(v) + 0.0) for v in numbers]
    missing = series.isna().to_numpy()
    text = series.astype(str).str.strip()
    numbers = pd.to_numeric(text.where(~missing, ""), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    is_missing = missing | text.str.lower().isin(MISSING_TOKENS).to_numpy()
    return [
        "" if gone else (repr(float(number) + 0.0) if number == number else word)
        for gone, number, word in zip(is_missing, numbers, text.tolist(), strict=True)
    ]


def _label_strings(labels: np.ndarray) -> list[str]:
    """One canonical string per sample of a labels array (a vector of labels joined by
    commas)."""
    flat = labels.reshape(len(labels), -1)
    columns = [canonical_strings(pd.Series(flat[:, j])) for j in range(flat.shape[1])]
    return [",".join(parts) for parts in zip(*columns, strict=True)]


def _graph_strings(table: Table, rows: np.ndarray) -> list[str]:
    """Each graph's own lines of the OGB files (edges, node and edge features)."""
    graphs = table.graphs
    assert graphs is not None
    counts = {"edge": graphs.edge_counts, "edge-feat": graphs.edge_counts}
    counts["node-feat"] = graphs.node_counts
    per_file = []
    for stem, sizes in counts.items():
        lines = graphs.lines.get(stem)
        if lines is None:
            continue
        ends = np.cumsum(sizes)
        starts = ends - sizes
        per_file.append(
            [b"\n".join(lines[starts[g] : ends[g]]).decode("utf-8", "replace") for g in rows]
        )
    return (
        ["\x1d".join(parts) for parts in zip(*per_file, strict=True)]
        if per_file
        else [""] * len(rows)
    )


def _column_names(table: Table) -> list[str]:
    """The named columns of a table (a frame, or an array of rank 1 or 2), else none."""
    if table.frame is None and (table.array is None or table.array.ndim > 2):
        return []
    return table.columns
