"""Bit-exact, NumPy-only re-implementation of the BenchMake 1.1.2 CPU split.

The reference package (``benchmake==1.1.2``) selects a test set by archetypal analysis:

1. every sample is flattened to a float32 row and the rows are put in the order of the MD5 hex
   digests of their float32 bytes (NumPy's default, non-stable ``argsort`` on a ``<U32`` array);
2. the ordered rows are min-max scaled in float32 (denominator ``max - min + 1e-9``);
3. a non-negative factorisation ``X ~ W @ H`` with ``k = max(1, ceil(n * test_size))``
   components is fitted by 200 float32 multiplicative updates, starting from the legacy
   ``RandomState(42)`` stream (``rand(n, k)`` then ``rand(k, d)``, floored at ``1e-4``);
4. the rows of ``H`` are ranked by the variance of the matching column of ``W`` (largest first);
5. each archetype in turn takes the nearest (float32 Euclidean distance, first minimum) row
   that no earlier archetype has taken.

This module reproduces that arithmetic operation for operation, so that on the same machine and
NumPy/BLAS build the selected rows are identical to the reference's CPU result.  It does not
import the reference, scikit-learn, pandas or joblib, and it never touches NumPy's global random
state.  Distances are computed one archetype at a time in row blocks, so the working memory is
``O(n * d)`` plus one bounded block instead of the reference's full ``n x k`` distance matrix.

Cost: the same as the reference, dominated per iteration by ``W.T @ W @ H`` (``n * k**2``) and
``W @ H @ H.T`` (``n * k * d``), times 200 iterations, plus ``n * k * d`` for the distances.  It
is CPU-only: the association order of the matrix products is part of the result, so it cannot
be re-arranged or moved to another device without changing which rows are chosen.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

REFERENCE_METHOD = "benchmake-1.1.2"
DATA_TYPES = ("tabular", "image", "signal", "graph", "sequential")

REFERENCE_SEED = 42
REFERENCE_ITERATIONS = 200
_FLOOR = np.float32(1e-4)
_UPDATE_EPS = np.float32(1e-9)
_SCALE_EPS = np.float32(1e-9)
_BLOCK_BYTES = 32 * 1024 * 1024
# scikit-learn's char analyzer collapses every run of two or more whitespace characters into one
# ASCII space before splitting the text into characters; single whitespace characters are kept.
_WHITESPACE_RUN = re.compile(r"\s\s+")

#: progress(stage, done, total) with stage one of "hash", "factorize", "match"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReferenceSplit:
    """Outcome of :func:`reference_partition`; every array is int64 and read-only.

    ``hash_order[j]`` is the caller's row that sits at position ``j`` of the reference's
    hash-sorted order, so ``test_rows == sort(hash_order[reference_test_positions])``.
    """

    test_rows: np.ndarray
    train_rows: np.ndarray
    hash_order: np.ndarray
    reference_test_positions: np.ndarray
    reference_train_positions: np.ndarray


def reference_char_counts(sequences: list[str]) -> tuple[np.ndarray, list[str]]:
    """Return the float32 character-count matrix (n x alphabet) and the sorted alphabet.

    Matches ``CountVectorizer(analyzer='char', lowercase=False).fit_transform(...)``: runs of
    two or more whitespace characters become a single space, every character is a feature and
    the features are ordered by Python string comparison (code point order).
    """
    if isinstance(sequences, str):
        raise TypeError("sequences must be a list of strings, not a single string")
    tallies: list[Counter[str]] = []
    for item in sequences:
        if not isinstance(item, str):
            raise TypeError(f"every sequence must be a str, got {type(item).__name__}")
        tallies.append(Counter(_WHITESPACE_RUN.sub(" ", item)))
    alphabet = sorted(set().union(*tallies)) if tallies else []
    if not alphabet:
        raise ValueError("empty alphabet: the sequences contain no characters")
    column = {char: j for j, char in enumerate(alphabet)}
    counts = np.zeros((len(tallies), len(alphabet)), dtype=np.float32)
    for i, tally in enumerate(tallies):
        for char, count in tally.items():
            counts[i, column[char]] = count
    return counts, alphabet


def reference_test_count(n_rows: int, test_size: float) -> int:
    """The reference's test-set size: ``max(1, ceil(n * test_size))`` in floating point.

    Unlike a decimal ceiling, the floating-point product can land just above an integer:

    >>> reference_test_count(300, 0.2), reference_test_count(50, 0.14)
    (60, 8)
    """
    return max(1, math.ceil(n_rows * float(test_size)))


def reference_partition(
    X: np.ndarray | None,
    test_size: float,
    data_type: str = "tabular",
    sequences: list[str] | None = None,
    progress: Progress | None = None,
) -> ReferenceSplit:
    """Split like ``BenchMake().partition(X, y, test_size, data_type, return_indices=True)``.

    For ``data_type='sequential'`` the strings come from ``sequences`` and ``X`` is ignored.
    The reference chooses the rows in the order of the hashed count vectors, but applies the
    chosen positions to the strings re-ordered by the hashes of their UTF-8 text; this mirrors
    that, so ``hash_order`` is the string-hash order and ``[sequences[i] for i in test_rows]``
    is the reference's ``X_test``.  (The reference's ``y_test`` for sequential data follows the
    count-hash order instead and is therefore not aligned with its ``X_test``.)

    ``progress(stage, done, total)``, when given, is called as the rows are hashed, the
    factorisation iterates and the archetypes are matched; it never changes the result.

    Raises ``ValueError`` for an unknown data type, a ``test_size`` outside ``(0, 1)``, an
    unsupported shape or dtype, or a split that leaves the training set empty.
    """
    if data_type not in DATA_TYPES:
        raise ValueError(f"unsupported data type {data_type!r}; expected one of {DATA_TYPES}")
    test_size = float(test_size)
    if not (math.isfinite(test_size) and 0.0 < test_size < 1.0):
        raise ValueError(f"test_size must lie strictly between 0 and 1, got {test_size}")

    report = progress or _silent
    if data_type == "sequential":
        if sequences is None:
            raise ValueError("data_type 'sequential' needs the strings in `sequences`")
        features, _ = reference_char_counts(sequences)
        report("hash", 0, len(sequences))
        feature_order = _hash_order(_float32_row_digests(features))
        hash_order = _hash_order(_text_digests(sequences))
    else:
        if X is None:
            raise ValueError(f"data_type {data_type!r} needs a numeric array X")
        features = _as_float32_rows(X, data_type)
        report("hash", 0, features.shape[0])
        feature_order = _hash_order(_float32_row_digests(features))
        hash_order = feature_order

    n_rows = features.shape[0]
    report("hash", n_rows, n_rows)
    n_test = reference_test_count(n_rows, test_size)
    ordered = np.ascontiguousarray(features[feature_order])
    del features
    chosen = _select_archetype_rows(ordered, n_test, report)

    test_positions = np.flatnonzero(chosen)
    train_positions = np.flatnonzero(~chosen)
    if train_positions.size == 0:
        raise ValueError("the split leaves no rows for the training set")
    return ReferenceSplit(
        test_rows=_frozen(np.sort(hash_order[test_positions])),
        train_rows=_frozen(np.sort(hash_order[train_positions])),
        hash_order=_frozen(hash_order),
        reference_test_positions=_frozen(test_positions),
        reference_train_positions=_frozen(train_positions),
    )


def _silent(stage: str, done: int, total: int) -> None:
    """The progress callback used when none is given."""


def _frozen(values: np.ndarray) -> np.ndarray:
    """Return ``values`` as a read-only int64 array."""
    out = np.array(values, dtype=np.int64)
    out.flags.writeable = False
    return out


def _as_float32_rows(values: np.ndarray, data_type: str) -> np.ndarray:
    """Flatten each sample to one C-contiguous float32 row, as the reference does per type."""
    data = np.asarray(values)
    if data.dtype.kind not in "biuf":
        raise ValueError(f"X must be real numeric, got dtype {data.dtype}")
    if data_type == "signal" and data.ndim == 1:
        data = data.reshape(-1, 1)
    if data.ndim < 2:
        raise ValueError(f"{data_type} data needs at least 2 dimensions, got shape {data.shape}")
    if data.ndim > 2:
        if data_type == "tabular":
            raise ValueError(f"tabular data must be 2-D, got shape {data.shape}")
        data = data.reshape(data.shape[0], -1)
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise ValueError(f"X has no samples or no features (shape {data.shape})")
    return np.ascontiguousarray(data, dtype=np.float32)


def _float32_row_digests(rows: np.ndarray) -> list[str]:
    """MD5 hex digest of the bytes of each C-contiguous float32 row."""
    return [hashlib.md5(row.data, usedforsecurity=False).hexdigest() for row in rows]


def _text_digests(texts: Sequence[str]) -> list[str]:
    """MD5 hex digest of the UTF-8 encoding of each string."""
    return [hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest() for text in texts]


def _hash_order(digests: list[str]) -> np.ndarray:
    """Positions sorted by digest with NumPy's default sort kind on a ``<U32`` array.

    The default kind is not stable; equal digests (byte-identical rows or strings) are
    ordered exactly as the reference orders them because the same sort runs on the same array.
    """
    return np.argsort(np.array(digests, dtype="<U32"))


def _select_archetype_rows(rows: np.ndarray, n_test: int, report: Progress) -> np.ndarray:
    """Boolean mask (in hash order) of the rows the archetypes claim."""
    scaled = _min_max_scale_inplace(rows)
    weights, archetypes = _factorise(scaled, n_test, report)
    ranking = np.argsort(np.var(weights, axis=0))[::-1]
    del weights
    archetypes = archetypes[ranking]
    n_rows, n_features = scaled.shape
    block = max(1, _BLOCK_BYTES // (4 * n_features))
    taken = np.zeros(n_rows, dtype=bool)
    distances = np.empty(n_rows, dtype=np.float32)
    report("match", 0, n_test)
    for done, centre in enumerate(archetypes, start=1):
        _distances_to(scaled, centre, block, distances)
        distances[taken] = np.inf
        taken[int(np.argmin(distances))] = True
        if done % 64 == 0 or done == n_test:
            report("match", done, n_test)
    return taken


def _min_max_scale_inplace(rows: np.ndarray) -> np.ndarray:
    """Scale each column to ``(v - min) / (max - min + 1e-9)`` in float32, in place."""
    low = rows.min(axis=0)
    span = rows.max(axis=0) - low + _SCALE_EPS
    np.subtract(rows, low, out=rows)
    np.divide(rows, span, out=rows)
    return rows


def _factorise(data: np.ndarray, rank: int, report: Progress) -> tuple[np.ndarray, np.ndarray]:
    """Float32 multiplicative-update NMF with the reference's seed, floors and product order.

    The products are written exactly as the reference associates them (``W.T @ W`` first, then
    ``@ H``; ``W @ H`` first, then ``@ H.T``), with the same operand layouts, because BLAS picks
    its kernel (e.g. ``syrk`` for ``W.T @ W``) from them and the rounding follows the kernel.
    """
    stream = np.random.RandomState(REFERENCE_SEED)
    n_rows, n_features = data.shape
    w = np.maximum(stream.rand(n_rows, rank).astype(np.float32), _FLOOR)
    h = np.maximum(stream.rand(rank, n_features).astype(np.float32), _FLOOR)
    report("factorize", 0, REFERENCE_ITERATIONS)
    for iteration in range(1, REFERENCE_ITERATIONS + 1):
        gram = w.T @ w
        h_ratio = (w.T @ data) / (gram @ h + _UPDATE_EPS)
        h *= h_ratio
        h = np.maximum(h, _FLOOR)
        reconstruction = w @ h
        w_ratio = (data @ h.T) / (reconstruction @ h.T + _UPDATE_EPS)
        del reconstruction
        w *= w_ratio
        w = np.maximum(w, _FLOOR)
        report("factorize", iteration, REFERENCE_ITERATIONS)
    return w, h


def _distances_to(rows: np.ndarray, centre: np.ndarray, block: int, out: np.ndarray) -> None:
    """Write the float32 Euclidean distance of every row to ``centre`` into ``out``.

    Like ``np.linalg.norm(..., axis=-1)`` this squares the differences and sums each contiguous
    row with ``np.add.reduce`` (pairwise summation), so the value of a row does not depend on
    the block it is computed in.
    """
    for start in range(0, rows.shape[0], block):
        stop = min(start + block, rows.shape[0])
        diff = rows[start:stop] - centre
        np.multiply(diff, diff, out=diff)
        np.sqrt(np.add.reduce(diff, axis=1), out=out[start:stop])
