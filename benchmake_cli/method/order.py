"""Stable content-hash ordering of rows.

Each encoded row is hashed from its float64 little-endian bytes (``-0.0`` written as
``0.0``) with BLAKE2b-128. Sorting by digest puts rows in an order that depends only on
their content, so the split cannot depend on the order of rows in the file. Identical rows
get identical digests; among them the order is that of a second digest when one is given
(what each row carries beyond its features: :mod:`benchmake_cli.encode.carried`), then
input order, so that only rows identical in everything depend on the file's order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

DIGEST_BYTES = 16
ROW_HASH = "blake2b-128 of float64 little-endian row bytes"
TIES = (
    "identical rows by the digest of their raw sequence or graph, or of a table row's other "
    "columns, then input order"
)


@dataclass(frozen=True)
class RowOrder:
    """Rows sorted by content digest.

    ``positions[j]`` is the input row at hash-order position ``j``; ``digests`` are in
    hash order; ``group_starts`` marks the first position of each run of identical rows.
    """

    positions: np.ndarray
    digests: np.ndarray
    group_starts: np.ndarray

    @property
    def n_unique(self) -> int:
        return len(self.group_starts)


def canonical_rows(X: np.ndarray) -> np.ndarray:
    """Float64, C-contiguous, little-endian, with ``-0.0`` replaced by ``0.0``."""
    rows = np.ascontiguousarray(X, dtype="<f8")
    return rows + 0.0  # adding +0.0 turns -0.0 into 0.0 and copies


def row_digests(X: np.ndarray) -> np.ndarray:
    """One 16-byte digest per row, as a NumPy ``S16`` array.

    >>> d = row_digests(np.array([[1.0, 2.0], [1.0, 2.0], [-0.0, 3.0]]))
    >>> bool(d[0] == d[1]), bool(d[0] == d[2])
    (True, False)
    """
    rows = canonical_rows(X)
    n = rows.shape[0]
    width = rows.shape[1] * 8 if rows.ndim == 2 else 0
    raw = rows.tobytes()
    out = np.empty(n, dtype=f"S{DIGEST_BYTES}")
    blake = hashlib.blake2b
    for i in range(n):
        out[i] = blake(raw[i * width : (i + 1) * width], digest_size=DIGEST_BYTES).digest()
    return out


def order_rows(digests: np.ndarray, ties: np.ndarray | None = None) -> RowOrder:
    """Sort rows by digest, identical rows by ``ties`` (one digest per row) when given,
    then by input order (the sort is stable).

    >>> d = np.array([b"b", b"a", b"b"], dtype="S16")
    >>> order_rows(d).positions.tolist(), order_rows(d, np.array([b"2", b"", b"1"])).positions.tolist()
    ([1, 0, 2], [1, 2, 0])
    """
    positions = np.argsort(digests, kind="stable") if ties is None else np.lexsort((ties, digests))
    sorted_digests = digests[positions]
    is_start = np.ones(len(sorted_digests), dtype=bool)
    is_start[1:] = sorted_digests[1:] != sorted_digests[:-1]
    return RowOrder(positions, sorted_digests, np.flatnonzero(is_start))


def content_hash(digests: np.ndarray, n_features: int) -> str:
    """Order-independent SHA-256 of a data set: its shape and its sorted row digests."""
    h = hashlib.sha256(f"benchmake-content/1 rows={len(digests)} features={n_features}\n".encode())
    h.update(np.sort(digests).tobytes())
    return h.hexdigest()
