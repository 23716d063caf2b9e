"""Match archetypes to real rows: each archetype, in order, takes its nearest free row.

Archetypes are ordered by the variance of their column of ``W``, largest first. Distances
are squared Euclidean in scaled space, rounded to a grid of ``QUANTUM`` so that the last-bit
differences between BLAS libraries or devices become exact ties, and exact ties go to the
row earlier in hash order. Identical rows form one candidate with a capacity equal to their
count, so duplicates can never make two machines disagree about which copy was taken.

Memory stays O(n·c) for a block of c archetypes: each archetype keeps a short list of its
nearest candidates, and only an archetype whose list runs out recomputes its distances.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .backend import to_numpy

QUANTUM = 1e-9  #: distances (squared, scaled space) are compared on this grid
CANDIDATES = 32  #: nearest candidates kept per archetype
VARIANCE_DIGITS = 9  #: archetype variances are compared to this many significant digits


def archetype_order(W: np.ndarray, xp: ModuleType = np) -> np.ndarray:
    """Archetype indices by decreasing variance of their column of ``W``; ties by index."""
    variance = to_numpy(column_variance(W, xp))
    top = float(variance.max()) if variance.size else 0.0
    scale = 10.0**VARIANCE_DIGITS / top if top > 0 else 0.0
    rounded = np.rint(variance * scale)
    return np.lexsort((np.arange(len(rounded)), -rounded))


def column_variance(W: np.ndarray, xp: ModuleType = np, rows: int = 4096) -> np.ndarray:
    """Population variance of each column, by row blocks: ``xp.var`` would allocate a
    temporary as large as ``W`` itself.

    >>> column_variance(np.array([[1.0, 2.0], [3.0, 2.0]]), rows=1).tolist()
    [1.0, 0.0]
    """
    mean = W.mean(axis=0)
    total = xp.zeros(W.shape[1], dtype=xp.float64)
    for start in range(0, W.shape[0], rows):
        centred = W[start : start + rows] - mean
        total += (centred * centred).sum(axis=0)
    return total / W.shape[0]


def _quantized_sq_distances(
    rows: np.ndarray, row_norms: np.ndarray, centres: np.ndarray, xp: ModuleType
) -> np.ndarray:
    """Rounded squared distances, rows × centres."""
    centre_norms = (centres * centres).sum(axis=1)
    d2 = row_norms[:, None] + centre_norms[None, :] - 2.0 * (rows @ centres.T)
    return xp.rint(xp.maximum(d2, 0.0) * (1.0 / QUANTUM))


def nearest_free_rows(
    unique_rows: np.ndarray,
    capacity: np.ndarray,
    archetypes: np.ndarray,
    xp: ModuleType = np,
    candidates: int = CANDIDATES,
) -> np.ndarray:
    """For each archetype in the given order, the nearest unique row with capacity left.

    ``unique_rows`` (u × d) are the distinct scaled rows in hash order, ``capacity`` how many
    copies of each exist. Returns, per archetype, the index of the unique row it took.

    >>> rows = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]])
    >>> nearest_free_rows(rows, np.array([1, 1, 1]), np.array([[0.9, 0.9], [1.0, 1.0]])).tolist()
    [1, 2]
    """
    unique_rows = xp.asarray(unique_rows, dtype=xp.float64)
    archetypes = xp.asarray(archetypes, dtype=xp.float64)
    u = unique_rows.shape[0]
    k = archetypes.shape[0]
    m = min(candidates, u)
    row_norms = (unique_rows * unique_rows).sum(axis=1)
    block = max(1, (1 << 20) // max(u, 1))  # 8 MiB of distances per block
    lists = np.empty((k, m), dtype=np.int64)
    list_q = np.empty((k, m), dtype=np.float64)
    limits = np.empty(k, dtype=np.float64)  # rows outside a list are at least this far
    for start in range(0, k, block):
        q = _quantized_sq_distances(unique_rows, row_norms, archetypes[start : start + block], xp)
        nearest = xp.argpartition(q, m - 1, axis=0)[:m] if m < u else xp.argsort(q, axis=0)[:m]
        near_q = xp.take_along_axis(q, nearest, axis=0)
        near_q, nearest = to_numpy(near_q).T, to_numpy(nearest).T
        order = np.lexsort((nearest, near_q), axis=1)
        lists[start : start + block] = np.take_along_axis(nearest, order, axis=1)
        list_q[start : start + block] = np.take_along_axis(near_q, order, axis=1)
        limits[start : start + block] = near_q.max(axis=1) if m < u else np.inf
        del q

    capacity = np.asarray(capacity, dtype=np.int64).copy()
    chosen = np.empty(k, dtype=np.int64)
    for j in range(k):
        pick = -1
        for idx, q_value in zip(lists[j], list_q[j], strict=True):
            if capacity[idx] > 0:
                # at the list's limit, an equally distant row outside it may come first
                pick = int(idx) if q_value < limits[j] else -1
                break
        if pick < 0:
            pick = _exact_nearest_free(unique_rows, row_norms, archetypes[j : j + 1], capacity, xp)
        capacity[pick] -= 1
        chosen[j] = pick
    return chosen


def _exact_nearest_free(
    rows: np.ndarray, norms: np.ndarray, archetype: np.ndarray, capacity: np.ndarray, xp: ModuleType
) -> int:
    q = to_numpy(_quantized_sq_distances(rows, norms, archetype, xp))[:, 0]
    q[capacity <= 0] = np.inf
    return int(np.flatnonzero(q == q.min())[0])
