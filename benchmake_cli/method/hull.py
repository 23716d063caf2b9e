"""``benchmake-hull``: archetypal analysis (Cutler & Breiman 1994) with one archetype per
test row, so the test set spreads over the whole convex hull of the data.

On the distinct scaled rows ``U`` (u × d, hash order) it looks for ``k`` archetypes
``A = C V``, each a convex combination of the candidate rows ``V`` (k × d), such that every
row is a convex combination of archetypes, ``U ≈ S A``, minimising ``‖U − S C V‖²`` over
row-stochastic ``S`` (u × k) and ``C`` (k × k):

1. **FurthestSum** (Mørup & Hansen 2012): from the first row in hash order, repeatedly take
   the free row with the largest sum of Euclidean distances to the rows taken until ``k``
   are taken; then the first row, an arbitrary start, leaves the sums and competes with the
   free rows for the last place (as Mørup & Hansen replace it). Distances are rounded to
   :data:`QUANTUM` and summed as integers, so the picks are exact, and ties go to the row
   earlier in hash order. These ``k`` rows are the
   candidates ``V`` (Mørup & Hansen restrict ``C`` to such a subset of the data), and ``C``
   starts as the identity: each archetype at its own pick. Letting ``C`` mix every row
   instead pulled archetypes off the hull into the data's interior on inputs with fewer rows
   than features (every row a vertex), where the test set then lost its extremes.
2. **PCHA** (projected gradients with a step-size line search, Mørup & Hansen 2012):
   ``S`` starts uniform and takes :data:`S_WARMUP` steps; then each iteration takes one
   ``C`` step and one ``S`` step. Each step moves against the gradient (minus its component
   along the simplex normal), clips at 0 and renormalises each row; a step that raises the
   error is halved and retried, one that lowers it grows the next step by 1.2. It stops
   after ``iterations`` iterations, or earlier at a multiple of ``CHECK_EVERY`` once the
   error fell by less than ``tol`` times the first error over the last ``CHECK_EVERY``.
3. **Match** like the default method (:func:`~benchmake_cli.method.split.match_archetypes`,
   :func:`~benchmake_cli.method.match.match_rows`):
   archetypes in FurthestSum order, each takes its nearest free row, ties to hash order,
   identical rows grouped.

Products run in fixed row blocks, accumulated in fixed lanes summed in a fixed order, with
single-threaded BLAS inside each (as in :mod:`.factorize`), so the thread count never
changes a bit of the result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import numpy as np

from . import match
from .backend import GPU_BLOCK_ROWS, single_threaded_blas, to_numpy
from .factorize import LANES, default_threads
from .order import ROW_HASH, TIES
from .split import (
    MethodSplit,
    ProgressCallback,
    SplitParameters,
    count_test_rows,
    hash_and_scale,
    match_archetypes,
    matrix_test_count,
)

METHOD = "benchmake-hull"
METHOD_VERSION = 2
QUANTUM = 1e-9  #: FurthestSum distances are rounded to this grid and summed exactly
CHECK_EVERY = 10  #: iterations between convergence checks
S_WARMUP = 10  #: S steps from the uniform start before the first C step
STEP_GROW, STEP_SHRINK, MAX_HALVINGS = 1.2, 0.5, 30
#: the method's ``--iterations`` default: FurthestSum already places the archetypes on the
#: hull, and 20 PCHA iterations keep the time below the default method's
DEFAULT_ITERATIONS = 20
INIT = (
    "FurthestSum from the first row in hash order, which then competes again with the "
    "free rows for the last place; Euclidean, quantized sums"
)
CANDIDATES = "the k FurthestSum rows: C (k x k) mixes them only, starting at the identity"
SOLVER = (
    f"PCHA projected gradient: uniform S, {S_WARMUP} S steps, then one C and one S step per "
    f"iteration; step x{STEP_GROW} on success, x{STEP_SHRINK} on failure"
)

Progress = Callable[[int, int], None]


def furthest_sum(U: np.ndarray, count: int, xp: ModuleType = np) -> np.ndarray:
    """``count`` row indices of ``U`` by FurthestSum, in pick order (module doc, step 1).

    >>> U = np.array([[0.5, 0.5], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.4, 0.6]])
    >>> furthest_sum(U, 3).tolist()
    [1, 2, 3]
    >>> corner = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.2, 0.1]])
    >>> furthest_sum(corner, 3).tolist(), furthest_sum(corner, 1).tolist()
    ([1, 2, 0], [1])
    """
    u = U.shape[0]
    count = min(count, u)
    norms = (U * U).sum(axis=1)
    free = xp.ones(u, dtype=bool)
    size = min(max(count, 2), u)  # one archetype: the row furthest from the seed
    # picks stay on the device: a pick is an index array, never a Python int, so that
    # FurthestSum makes no host round trip per archetype
    picks = xp.zeros(size + 1, dtype=xp.int64)
    sums = xp.zeros(u, dtype=xp.int64)
    taken = 0

    def distances(row: Any) -> np.ndarray:
        d2 = norms + norms[row] - 2.0 * (U @ U[row])
        return xp.rint(xp.sqrt(xp.maximum(d2, 0.0)) * (1.0 / QUANTUM)).astype(xp.int64)

    def take(row: Any) -> np.ndarray:
        nonlocal taken
        picks[taken] = row
        taken += 1
        free[row] = False
        distance = distances(row)
        sums[...] += distance
        return distance

    def furthest() -> Any:
        return xp.where(free, sums, -1).argmax()

    from_seed = take(0)  # the seed: the first row in hash order
    while taken < size:
        take(furthest())
    first = 0
    if count < u:  # the seed was an arbitrary start: it competes again with the free rows
        sums -= from_seed
        free[0] = True
        first = 1
        if taken - first < count:
            take(furthest())
    return to_numpy(picks[first:taken])


class _Blocks:
    """Fixed row blocks of a u-row matrix, run on a thread pool; reductions over rows go
    through :data:`LANES` fixed lanes summed in lane order (thread-count independent)."""

    def __init__(self, u: int, k: int, xp: ModuleType, threads: int | None) -> None:
        host = xp is np
        rows = int(min(1024, max(16, (4 << 20) // (8 * max(k, 1))))) if host else GPU_BLOCK_ROWS
        self.blocks = [slice(s, min(u, s + rows)) for s in range(0, u, rows)]
        self.lanes = [self.blocks[i::LANES] for i in range(min(LANES, len(self.blocks)))]
        workers = min(threads or default_threads(), len(self.lanes)) if host else 1
        self.pool = ThreadPoolExecutor(workers) if workers > 1 else None

    def _run(self, work: Callable[[list[slice]], Any]) -> list[Any]:
        if self.pool is None:
            return [work(lane) for lane in self.lanes]
        return list(self.pool.map(work, self.lanes))

    def each(self, work: Callable[[slice], None]) -> None:
        """``work(block)`` for every block (blocks write disjoint rows)."""

        def lane_work(lane: list[slice]) -> None:
            for block in lane:
                work(block)

        self._run(lane_work)

    def total(self, part: Callable[[slice], np.ndarray]) -> np.ndarray:
        """The sum of ``part(block)`` over the blocks, in a fixed order."""

        def lane_sum(lane: list[slice]) -> np.ndarray:
            acc = part(lane[0])
            for block in lane[1:]:
                acc += part(block)
            return acc

        sums = self._run(lane_sum)
        for extra in sums[1:]:
            sums[0] += extra
        return sums[0]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _row_dots(a: np.ndarray, b: np.ndarray, xp: ModuleType) -> np.ndarray:
    """``(a * b).sum(axis=1)`` without a temporary as large as ``a``."""
    return xp.einsum("ij,ij->i", a, b)


def _project_rows(M: np.ndarray, fallback: np.ndarray, xp: ModuleType) -> None:
    """Clip ``M`` at 0 and scale each row to sum 1, in place; a row clipped to all zeros
    takes its row of ``fallback`` (the point before the step)."""
    xp.maximum(M, 0.0, out=M)
    sums = M.sum(axis=1)
    empty = sums <= 0
    if bool(empty.any()):
        M[empty] = fallback[empty]
        sums = xp.where(empty, 1.0, sums)
    M /= sums[:, None]


class _Pcha:
    """The PCHA state on the distinct rows ``U``: ``S`` (u × k), ``C`` (k × k) over the
    candidate rows ``V = U[picks]``, and ``A = C V``."""

    def __init__(self, U: np.ndarray, picks: np.ndarray, xp: ModuleType, threads: int | None):
        self.U, self.xp = U, xp
        u, k = U.shape[0], len(picks)
        self.blocks = _Blocks(u, k, xp, threads)  # products over the rows of U
        self.candidate_blocks = _Blocks(k, k, xp, threads)  # products over the rows of C
        self.V = U[xp.asarray(picks)]
        self.C = xp.eye(k, dtype=xp.float64)
        self.A = self.V.copy()
        self.S = xp.full((u, k), 1.0 / k, dtype=xp.float64)
        self.work = xp.empty((u, k), dtype=xp.float64)  # S gradients and trial points
        self.c_gradient = xp.empty((k, k), dtype=xp.float64)
        self.spare = xp.empty((k, k), dtype=xp.float64)  # the trial C
        self.norm_u = float((U * U).sum())
        self.mu_s = self.mu_c = 1.0
        self.error = self._error(self.S, self.A)

    def close(self) -> None:
        self.blocks.close()
        self.candidate_blocks.close()

    def _error(self, S: np.ndarray, A: np.ndarray) -> float:
        """``‖U − S A‖²``, by row blocks."""
        xp, U = self.xp, self.U

        def part(block: slice) -> np.ndarray:
            residual = S[block] @ A - U[block]
            return xp.reshape((residual * residual).sum(), (1,))

        return float(to_numpy(self.blocks.total(part))[0])

    def _s_gradient(self) -> np.ndarray:
        """The S gradient ``(S A − U) Aᵀ``, into ``work``."""
        S, U, A, work = self.S, self.U, self.A, self.work

        def part(block: slice) -> None:
            xp = self.xp
            xp.matmul(S[block] @ A - U[block], A.T, out=work[block])

        self.blocks.each(part)
        return work

    def s_step(self) -> None:
        """One projected-gradient step of ``S`` with its line search."""
        xp, S, work = self.xp, self.S, self.work
        scale = self.norm_u / S.shape[0]
        for _ in range(MAX_HALVINGS):
            gradient = self._s_gradient()
            gradient -= _row_dots(gradient, S, xp)[:, None]
            gradient *= -self.mu_s / scale
            gradient += S  # work now holds the trial point
            _project_rows(work, S, xp)
            error = self._error(work, self.A)
            if error <= self.error:
                self.S, self.work = work, S
                self.error, self.mu_s = error, self.mu_s * STEP_GROW
                return
            self.mu_s *= STEP_SHRINK

    def c_step(self) -> None:
        """One projected-gradient step of ``C`` with its line search."""
        xp, U, V, C, S = self.xp, self.U, self.V, self.C, self.S
        scale = self.norm_u
        towards = self.blocks.total(lambda block: S[block].T @ (S[block] @ self.A - U[block]))
        gradient, rows = self.c_gradient, self.candidate_blocks
        rows.each(lambda block: xp.matmul(towards[block], V.T, out=gradient[block]))
        gradient -= _row_dots(gradient, C, xp)[:, None]  # (k × k): Sᵀ (S A − U) Vᵀ
        trial = self.spare
        A = xp.empty_like(self.A)
        for _ in range(MAX_HALVINGS):
            xp.multiply(gradient, -self.mu_c / scale, out=trial)
            trial += C
            _project_rows(trial, C, xp)
            rows.each(lambda block, trial=trial: xp.matmul(trial[block], V, out=A[block]))  # type: ignore[misc]
            error = self._error(self.S, A)
            if error <= self.error:
                self.C, self.A, self.spare = trial, A, C
                self.error, self.mu_c = error, self.mu_c * STEP_GROW
                return
            self.mu_c *= STEP_SHRINK


def archetypes(
    U: np.ndarray,
    k: int,
    *,
    iterations: int,
    tol: float,
    xp: ModuleType = np,
    threads: int | None = None,
    progress: Progress | None = None,
) -> tuple[np.ndarray, int]:
    """``k`` archetypes of the distinct scaled rows ``U`` (module doc), in FurthestSum order,
    and the iterations run. With more archetypes than rows, the picks repeat in order.

    >>> U = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.3, 0.3], [0.2, 0.1]])
    >>> A, _ = archetypes(U, 3, iterations=50, tol=0.0)
    >>> sorted(np.round(A, 2).tolist())
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    """
    U = xp.ascontiguousarray(xp.asarray(U, dtype=xp.float64))
    with single_threaded_blas(xp is np):
        picks = furthest_sum(U, k, xp)
        if iterations <= 0 or len(picks) <= 1:
            found, done = U[xp.asarray(picks)], 0
        else:
            state = _Pcha(U, picks, xp, threads)
            try:
                done = _iterate(state, iterations, tol, progress)
                found = state.A
            finally:
                state.close()
    repeats = math.ceil(k / len(picks))
    return xp.concatenate([found] * repeats)[:k], done


def _iterate(state: _Pcha, iterations: int, tol: float, progress: Progress | None) -> int:
    """Take the warm-up ``S`` steps, then up to ``iterations`` ``C`` and ``S`` steps (module
    doc); return the iterations run."""
    for _ in range(S_WARMUP):
        state.s_step()
    initial = previous = state.error
    for done in range(1, iterations + 1):
        state.c_step()
        state.s_step()
        if progress is not None:
            progress(done, iterations)
        if tol <= 0 or done % CHECK_EVERY != 0:
            continue
        if previous - state.error < tol * initial:
            return done
        previous = state.error
    return iterations


def estimate_bytes(n: int, d: int, k: int) -> int:
    """Memory the archetypes need: ``S`` and its work buffer (n × k each), ``C``, its
    gradient and a trial ``C`` (k × k each), the data and the lanes' partial sums."""
    return int(2 * n * k * 8 + 3 * k * k * 8 + 3 * n * d * 8 + LANES * k * d * 8)


def split_matrix_hull(
    X: np.ndarray,
    params: SplitParameters,
    *,
    xp: ModuleType = np,
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
    test_rows: int | None = None,
    ties: np.ndarray | None = None,
) -> MethodSplit:
    """:func:`~benchmake_cli.method.split.split_matrix` with archetypal analysis: the same
    hash order, scaling, ``bounds``/``test_rows`` for shards and matching.

    >>> X = np.array([[x, y] for x in range(5) for y in range(5)], dtype=float)
    >>> s = split_matrix_hull(X, SplitParameters(frac=0.16))
    >>> sorted(X[s.test].tolist())
    [[0.0, 0.0], [0.0, 4.0], [4.0, 0.0], [4.0, 4.0]]
    """
    k = matrix_test_count(X, params, test_rows)
    report = progress or (lambda stage, done, total: None)
    digests, order, scaled = hash_and_scale(X, xp, report, bounds, ties)
    found, done = archetypes(
        scaled[xp.asarray(order.group_starts)],
        k,
        iterations=params.iterations,
        tol=params.tol,
        xp=xp,
        threads=threads,
        progress=lambda step, total: report("factorize", step, total),
    )
    return match_archetypes(X, digests, order, scaled, found, xp, report, done)


def hull_parameters(params: SplitParameters, n: int) -> dict[str, Any]:
    """The manifest's ``method.parameters`` of a hull split."""
    return {
        "frac": params.frac,
        "k": count_test_rows(n, params.frac),
        "iterations": params.iterations,
        "tol": params.tol,
        "convergence_check_every": CHECK_EVERY,
        "dtype": "float64",
        "row_hash": ROW_HASH,
        "ties": TIES,
        "scaling": "min-max per feature to [0, 1]; constant features 0",
        "model": "archetypal analysis on the distinct scaled rows (Cutler & Breiman 1994)",
        "init": INIT,
        "init_quantum": QUANTUM,
        "candidates": CANDIDATES,
        "solver": SOLVER,
        "archetype_order": "FurthestSum order",
        "distance": "squared Euclidean, scaled space",
        "distance_quantum": match.QUANTUM,
    }
