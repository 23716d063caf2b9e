"""Match archetypes to real rows: each archetype, in order, takes its nearest free row.

Archetypes are ordered by the variance of their column of ``W``, largest first. Distances
are squared Euclidean in scaled space, rounded to a grid of ``QUANTUM`` so that the last-bit
differences between BLAS libraries or devices become exact ties, and exact ties go to the
row earlier in hash order. Identical rows form one candidate with a capacity equal to their
count, so duplicates can never make two machines disagree about which copy was taken.

Archetypes are matched in blocks: a block's distances are computed to the rows still free
when it starts, and each archetype keeps the ``block + CANDIDATES`` nearest of them, more
than the block can take, so its list never runs out. Memory stays O(u·block).

Each comparison on the grid is also measured by its *margin*: how far (relative to the
size of the numbers compared) the values would have to move for the decision to change.
:mod:`benchmake_cli.method.margins` explains how the margins are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from .backend import namespace_of, to_numpy

QUANTUM = 1e-9  #: distances (squared, scaled space) are compared on this grid
CANDIDATES = 32  #: nearest candidates kept per archetype beyond what its block can take
VARIANCE_DIGITS = 9  #: archetype variances are compared to this many significant digits
DISTANCE_BLOCK = 1 << 20  #: distances per block of archetypes (8 MiB)


@dataclass(frozen=True)
class Order:
    """Archetypes by decreasing variance, and the smallest relative margin of that order."""

    indices: np.ndarray
    margin: float  #: ``inf`` when there is no pair to order


@dataclass(frozen=True)
class Matching:
    """The unique row each archetype took, and the smallest relative margin of the choices."""

    chosen: np.ndarray
    margin: float  #: ``inf`` when no archetype had a competitor


def grid_flip_distance(a: float | np.ndarray, b: np.ndarray, a_wins_ties: np.ndarray) -> np.ndarray:
    """How far ``a`` must rise and ``b`` fall (both by the same amount, in grid steps) before
    ``b`` wins a comparison that ``a`` wins now on the rounded values ``rint(a) < rint(b)``,
    or ``rint(a) == rint(b)`` with ``a`` winning ties.

    The rounded values change at the half-steps: ``a`` after ``ta = rint(a) + ½ − a``, then
    every step; ``b`` after ``tb = b − rint(b) + ½``. The decision flips at the G-th change,
    G the steps between the rounded values (plus one when ``a`` wins ties).

    >>> grid_flip_distance(0.0, np.array([1.4, 0.3, 3.0]), np.array([False, True, False])).tolist()
    [0.5, 0.5, 1.5]
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    ra, rb = np.rint(a), np.rint(b)
    steps = (rb - ra) + np.asarray(a_wins_ties, dtype=np.float64)
    ta = ra + 0.5 - a
    tb = b - rb + 0.5
    lo, hi = np.minimum(ta, tb), np.maximum(ta, tb)
    odd = steps % 2 == 1
    return np.where(odd, lo + (steps - 1) / 2, hi + steps / 2 - 1).clip(min=0.0)


def archetype_order(W: np.ndarray, xp: ModuleType = np) -> np.ndarray:
    """Archetype indices by decreasing variance of their column of ``W``; ties by index."""
    return order_by_variance(to_numpy(column_variance(W, xp))).indices


def order_by_variance(variance: np.ndarray) -> Order:
    """Indices by decreasing variance on a grid of ``VARIANCE_DIGITS`` significant digits of
    the largest, ties by index, with the smallest relative margin of adjacent pairs.

    >>> o = order_by_variance(np.array([1.0, 3.0, 2.0]))
    >>> o.indices.tolist(), o.margin > 0.1
    ([1, 2, 0], True)
    """
    top = float(variance.max()) if variance.size else 0.0
    scale = 10.0**VARIANCE_DIGITS / top if top > 0 else 0.0
    scaled = variance * scale
    order = np.lexsort((np.arange(len(scaled)), -np.rint(scaled)))
    if len(order) < 2 or scale == 0.0:
        return Order(order, float("inf"))
    first, second = order[:-1], order[1:]
    # "smaller wins" on the negated values: the earlier index wins a tie
    steps = grid_flip_distance(-scaled[first], -scaled[second], first < second)
    relative = steps / np.maximum(scaled[first], 1.0)
    return Order(order, float(relative.min()))


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


def _sq_distances(
    centres: np.ndarray,
    rows: np.ndarray,
    row_norms: np.ndarray,
    xp: ModuleType,
    buffer: np.ndarray | None = None,
) -> np.ndarray:
    """Squared distances in grid steps (not yet rounded), centres × rows, in ``buffer``
    (flat, reused: a fresh one per block would cost page faults) when given."""
    shape = (centres.shape[0], rows.shape[0])
    if buffer is None:
        steps = centres @ rows.T
    else:
        steps = buffer[: shape[0] * shape[1]].reshape(shape)
        xp.matmul(centres, rows.T, out=steps)
    steps *= -2.0
    steps += row_norms[None, :]
    steps += (centres * centres).sum(axis=1)[:, None]
    xp.maximum(steps, 0.0, out=steps)
    steps *= 1.0 / QUANTUM
    return steps


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
    return match_rows(unique_rows, capacity, archetypes, xp, candidates).chosen


def match_rows(
    unique_rows: np.ndarray,
    capacity: np.ndarray,
    archetypes: np.ndarray,
    xp: ModuleType = np,
    candidates: int = CANDIDATES,
    block: int | None = None,
) -> Matching:
    """:func:`nearest_free_rows`, with the smallest relative margin of its choices: for each
    archetype, how far the squared distances to the row it took and to any other free row
    would have to move (relative to ``‖archetype‖² + ‖row‖²``, the size of the terms they
    are computed from) for another row to win."""
    unique_rows = xp.asarray(unique_rows, dtype=xp.float64)
    archetypes = xp.asarray(archetypes, dtype=xp.float64)
    u, k = unique_rows.shape[0], archetypes.shape[0]
    row_norms = (unique_rows * unique_rows).sum(axis=1)
    host_norms = to_numpy(row_norms)
    centre_norms = to_numpy((archetypes * archetypes).sum(axis=1))
    capacity = np.asarray(capacity, dtype=np.int64).copy()
    chosen = np.empty(k, dtype=np.int64)
    margin = float("inf")
    block = block or int(max(1, min(256, DISTANCE_BLOCK // max(u, 1))))
    buffer = xp.empty(min(block, k) * u, dtype=xp.float64)
    for start in range(0, k, block):
        stop = min(k, start + block)
        free = np.flatnonzero(capacity > 0)
        lists, steps, limits = _candidate_lists(
            unique_rows[xp.asarray(free)],
            row_norms[xp.asarray(free)],
            archetypes[start:stop],
            free,
            stop - start + candidates,
            buffer,
        )
        for offset, j in enumerate(range(start, stop)):
            found = _choose(lists[offset], steps[offset], limits[offset], capacity)
            if found is None:
                found = _choose(*_all_rows(unique_rows, row_norms, archetypes[j], xp), capacity)
            pick, relative = found
            scale = max(centre_norms[j] + host_norms[pick], 1e-300)
            margin = min(margin, relative * QUANTUM / scale)
            capacity[pick] -= 1
            chosen[j] = pick
    return Matching(chosen, margin)


def _candidate_lists(
    rows: np.ndarray,
    norms: np.ndarray,
    centres: np.ndarray,
    free: np.ndarray,
    m: int,
    buffer: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per centre, its ``m`` nearest of the free ``rows`` (numbered ``free``) by (rounded
    distance, number) with their distances in grid steps, and the rounded distance no row
    outside the list is below."""
    xp = namespace_of(rows)
    steps = _sq_distances(centres, rows, norms, xp, buffer)
    m = min(m, len(free))
    if m < len(free):
        # the m smallest unrounded values hold every row rounding below the m-th's value
        nearest = xp.argpartition(steps, m - 1, axis=1)[:, :m]
        near = to_numpy(xp.take_along_axis(steps, nearest, axis=1))
        nearest = free[to_numpy(nearest)]
    else:
        near = to_numpy(steps)
        nearest = np.broadcast_to(free, near.shape)
    del steps
    order = np.lexsort((nearest, np.rint(near)), axis=1)
    near = np.take_along_axis(near, order, axis=1)
    limits = np.rint(near[:, -1]) if m < len(free) else np.full(len(near), np.inf)
    return np.take_along_axis(nearest, order, axis=1), near, limits


def _all_rows(
    rows: np.ndarray, norms: np.ndarray, centre: np.ndarray, xp: ModuleType
) -> tuple[np.ndarray, np.ndarray, float]:
    """Every row as a candidate list of one centre (the rare exact fallback)."""
    steps = to_numpy(_sq_distances(centre[None, :], rows, norms, xp))[0]
    order = np.lexsort((np.arange(len(steps)), np.rint(steps)))
    return order, steps[order], float("inf")


def _choose(
    candidates: np.ndarray, steps: np.ndarray, limit: float, capacity: np.ndarray
) -> tuple[int, float] | None:
    """The first free candidate and its margin in grid steps against the other free
    candidates that could overtake it; ``None`` when a row outside the list might win."""
    free = np.flatnonzero(capacity[candidates] > 0)
    if not len(free) or np.rint(steps[free[0]]) >= limit:
        return None
    first = free[0]
    pick, a = int(candidates[first]), float(steps[first])
    others = free[1:]
    if not len(others):
        if limit == np.inf:
            return pick, float("inf")
        others_b, ties = np.array([limit - 0.5]), np.array([False])
    else:
        # only competitors at most one step beyond the nearest can flip first
        near = np.rint(steps[others]) <= np.rint(steps[others[0]]) + 1
        others = others[near]
        others_b, ties = steps[others], candidates[others] > pick
        if np.rint(steps[others[-1]]) + 1 >= limit:  # the next competitor may be unlisted
            others_b = np.append(others_b, limit - 0.5)
            ties = np.append(ties, False)
    return pick, float(grid_flip_distance(a, others_b, ties).min())
