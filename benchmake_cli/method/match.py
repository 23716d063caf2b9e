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

from .backend import GPU_BLOCK_ROWS, namespace_of, single_threaded_blas, to_numpy

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
    """Population variance of each column, by row blocks: ``xp.var`` would allocate two
    temporaries as large as ``W`` itself.

    On the host, each block of ``rows`` rows is summed row after row (as a sum over axis 0 does), from
    squares made a few rows at a time, so that no temporary exceeds about 2 MiB.

    >>> column_variance(np.array([[1.0, 2.0], [3.0, 2.0]]), rows=1).tolist()
    [1.0, 0.0]
    """
    mean = W.mean(axis=0)
    total = xp.zeros(W.shape[1], dtype=xp.float64)
    if xp is not np:  # a device: one reduction per block, not a kernel launch per row
        for start in range(0, W.shape[0], GPU_BLOCK_ROWS):
            squares = W[start : start + GPU_BLOCK_ROWS] - mean
            squares *= squares
            total += squares.sum(axis=0)
        return total / W.shape[0]
    step = max(1, min(rows, (1 << 18) // max(W.shape[1], 1)))
    for start in range(0, W.shape[0], rows):
        stop = min(W.shape[0], start + rows)
        block_sum = None
        for sub in range(start, stop, step):
            squares = W[sub : min(stop, sub + step)] - mean
            squares *= squares
            if block_sum is None:
                block_sum = squares.sum(axis=0)
            else:
                for row in squares:
                    block_sum += row
        total += block_sum
    return total / W.shape[0]


def _sq_distances(
    centres: np.ndarray,
    rows: np.ndarray,
    row_norms: np.ndarray,
    xp: ModuleType,
    buffer: np.ndarray | None = None,
) -> np.ndarray:
    """Squared distances, centres × rows, not yet clamped at 0 nor in grid steps
    (:func:`_in_steps`; both maps are monotone, so they can wait until the nearest are
    picked), in ``buffer`` (flat, reused: a fresh one per block would cost page faults)."""
    shape = (centres.shape[0], rows.shape[0])
    scaled = centres * -2.0  # exact: -2 (c · r) computed as (-2 c) · r, one pass fewer
    if buffer is None:
        d2 = scaled @ rows.T
    else:
        d2 = buffer[: shape[0] * shape[1]].reshape(shape)
        xp.matmul(scaled, rows.T, out=d2)
    d2 += row_norms[None, :]
    d2 += (centres * centres).sum(axis=1)[:, None]
    return d2


def _in_steps(d2: np.ndarray) -> np.ndarray:
    """Squared distances in grid steps (not yet rounded), in place."""
    np.maximum(d2, 0.0, out=d2)
    d2 *= 1.0 / QUANTUM
    return d2


def match_rows(
    unique_rows: np.ndarray,
    capacity: np.ndarray,
    archetypes: np.ndarray,
    xp: ModuleType = np,
    candidates: int = CANDIDATES,
    block: int | None = None,
) -> Matching:
    """For each archetype in the given order, the nearest unique row with capacity left
    (ties to the earlier row), and the smallest relative margin of these choices.

    ``unique_rows`` (u × d) are the distinct scaled rows in hash order, ``capacity`` how many
    copies of each exist; ``chosen`` holds, per archetype, the index of the unique row it
    took. The margin is, over the archetypes, how far the squared distances to the row it
    took and to any other free row would have to move (relative to ``‖archetype‖² +
    ‖row‖²``, the size of the terms they are computed from) for another row to win.

    >>> rows = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]])
    >>> match_rows(rows, np.array([1, 1, 1]), np.array([[0.9, 0.9], [1.0, 1.0]])).chosen.tolist()
    [1, 2]
    """
    with single_threaded_blas(xp is np):
        return _match_rows(unique_rows, capacity, archetypes, xp, candidates, block)


def _match_rows(
    unique_rows: np.ndarray,
    capacity: np.ndarray,
    archetypes: np.ndarray,
    xp: ModuleType,
    candidates: int,
    block: int | None,
) -> Matching:
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
        decisions: list[tuple[float, np.ndarray, np.ndarray, float]] = []
        for offset, j in enumerate(range(start, stop)):
            found = _choose(lists[offset], steps[offset], limits[offset], capacity)
            if found is None:
                found = _choose(*_all_rows(unique_rows, row_norms, archetypes[j], xp), capacity)
            assert found is not None  # every row is a candidate: one is always free
            pick, a, others, ties = found
            if len(others):
                decisions.append((a, others, ties, centre_norms[j] + host_norms[pick]))
            capacity[pick] -= 1
            chosen[j] = pick
        margin = min(margin, _smallest_margin(decisions))
    return Matching(chosen, margin)


def _smallest_margin(decisions: list[tuple[float, np.ndarray, np.ndarray, float]]) -> float:
    """The smallest relative margin of a block's choices, ``(a, others, ties, size)`` each."""
    if not decisions:
        return float("inf")
    counts = [len(others) for _, others, _, _ in decisions]
    a = np.repeat([d[0] for d in decisions], counts)
    size = np.repeat([max(d[3], 1e-300) for d in decisions], counts)
    others = np.concatenate([d[1] for d in decisions])
    ties = np.concatenate([d[2] for d in decisions])
    return float((grid_flip_distance(a, others, ties) * QUANTUM / size).min())


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
    d2 = _sq_distances(centres, rows, norms, xp, buffer)
    m = min(m, len(free))
    if m < len(free):
        # the m smallest unrounded values hold every row rounding below the m-th's value
        nearest = xp.argpartition(d2, m - 1, axis=1)[:, :m]
        near = _in_steps(to_numpy(xp.take_along_axis(d2, nearest, axis=1)))
        nearest = free[to_numpy(nearest)]
    else:
        near = _in_steps(to_numpy(d2).copy())
        nearest = np.broadcast_to(free, near.shape)
    del d2
    order = np.lexsort((nearest, np.rint(near)), axis=1)
    near = np.take_along_axis(near, order, axis=1)
    limits = np.rint(near[:, -1]) if m < len(free) else np.full(len(near), np.inf)
    return np.take_along_axis(nearest, order, axis=1), near, limits


def _all_rows(
    rows: np.ndarray, norms: np.ndarray, centre: np.ndarray, xp: ModuleType
) -> tuple[np.ndarray, np.ndarray, float]:
    """Every row as a candidate list of one centre (the rare exact fallback)."""
    steps = _in_steps(to_numpy(_sq_distances(centre[None, :], rows, norms, xp))[0].copy())
    order = np.lexsort((np.arange(len(steps)), np.rint(steps)))
    return order, steps[order], float("inf")


def _choose(
    candidates: np.ndarray, steps: np.ndarray, limit: float, capacity: np.ndarray
) -> tuple[int, float, np.ndarray, np.ndarray] | None:
    """The first free candidate, its distance in grid steps, and those of the other free
    candidates that could overtake it first (with whether the pick wins a tie with each);
    ``None`` when a row outside the list might win."""
    free = np.flatnonzero(capacity[candidates] > 0)
    if not len(free) or np.rint(steps[free[0]]) >= limit:
        return None
    first, others = free[0], free[1:]
    pick, a = int(candidates[first]), float(steps[first])
    # only competitors at most one step beyond the nearest of them can flip first
    window = np.rint(steps[others[0]]) + 1 if len(others) else np.inf
    others = others[np.rint(steps[others]) <= window]
    others_b, ties = steps[others], candidates[others] > pick
    if limit != np.inf and window >= limit:  # an unlisted row may be in the window
        others_b = np.append(others_b, limit - 0.5)  # the nearest it can be, winning ties
        ties = np.append(ties, False)
    return pick, a, others_b, ties
