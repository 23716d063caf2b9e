"""The method on a numeric matrix: order → scale → factorize → match.

:func:`split_matrix` is where the split is decided; everything else reads, encodes and
writes around it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import ModuleType
from typing import Any, Optional

import numpy as np

from ..constraints import METHOD_PANEL, Interval, declare
from ..errors import PARAMETER, DataError, ParameterError
from . import factorize as nmf
from . import match
from .backend import to_numpy
from .margins import Margins
from .order import ROW_HASH, TIES, RowOrder, content_hash, order_rows, row_digests
from .scale import apply_minmax, minmax_scale

METHOD = "benchmake-cli"
METHOD_VERSION = 1
DEFAULT_ITERATIONS = 200
DEFAULT_TOL = 1e-4
DEFAULT_SEED = 0
MAX_ITERATIONS = 100_000  #: most iterations a split runs (the default is 200, or 20)
MAX_SEED = 2**32 - 1  #: the largest seed: 32 bits, as NumPy's legacy seeding takes

#: progress(stage, done, total) with stage one of "hash", "factorize", "match"
ProgressCallback = Callable[[str, int, int], None]


def _iterations_help() -> str:
    """``--iterations``' help: each method's default (read when the command line is made)."""
    from .reference import REFERENCE_METHOD
    from .registry import METHODS

    defaults = ", ".join(
        f"{m.default_iterations} for {m.name}" for m in METHODS.values() if m.shardable
    )
    reference = METHODS[REFERENCE_METHOD].default_iterations
    return (
        f"Most iterations of the method (default: {defaults}; {REFERENCE_METHOD} always runs "
        f"{reference}; at most {MAX_ITERATIONS})."
    )


@dataclass(frozen=True)
class SplitParameters:
    """Every parameter that affects the result (all recorded in the manifest)."""

    frac: float = field(
        metadata=declare(
            Interval(float, 0, 1, closed="neither"),
            flags=("--frac", "-f"),
            metavar="F",
            help="Fraction of rows for the test set, 0 < F < 1.",
        )
    )
    iterations: int = field(
        default=DEFAULT_ITERATIONS,
        metadata=declare(
            Interval(int, 1, MAX_ITERATIONS),
            typed=Optional[int],
            default=None,  # the method's own
            metavar="N",
            panel=METHOD_PANEL,
            help=_iterations_help,
        ),
    )
    # 0 runs every iteration (bounded by MAX_ITERATIONS); NaN and infinities never stop
    tol: float = field(
        default=DEFAULT_TOL,
        metadata=declare(
            Interval(float, 0, None, closed="left"),
            metavar="T",
            panel=METHOD_PANEL,
            help="Stop early when 10 iterations lower the squared error by less than TOL "
            "times its initial value; 0 always runs --iterations.",
        ),
    )
    seed: int = field(
        default=DEFAULT_SEED,
        metadata=declare(
            Interval(int, 0, MAX_SEED),
            metavar="S",
            help="Seed of the NMF initialisation.",
            panel=METHOD_PANEL,
        ),
    )

    def to_dict(self, n: int) -> dict[str, Any]:
        return {
            "frac": self.frac,
            "k": count_test_rows(n, self.frac),
            "iterations": self.iterations,
            "tol": self.tol,
            "convergence_check_every": nmf.CHECK_EVERY,
            "seed": self.seed,
            "dtype": "float64",
            "row_hash": ROW_HASH,
            "ties": TIES,
            "scaling": "min-max per feature to [0, 1]; constant features 0",
            "init": nmf.INIT,
            "epsilon": nmf.EPSILON,
            "floor": nmf.FLOOR,
            "archetype_order": f"variance of W columns, {match.VARIANCE_DIGITS} digits, desc",
            "distance": "squared Euclidean, scaled space",
            "distance_quantum": match.QUANTUM,
        }


@dataclass(frozen=True)
class MethodSplit:
    """What a method decided, by row position in the matrix or encoded rows it split
    (0-based, ascending): :func:`split_matrix` fills the split, a
    :class:`~benchmake_cli.method.base.Method` adds its manifest record."""

    test: np.ndarray
    train: np.ndarray
    content_sha256: str
    test_content_sha256: str
    iterations_run: int
    #: each kind's smallest decision margin (``inf``: no decision of that kind)
    margins: Margins = field(default_factory=lambda: Margins.smallest([]))
    parameters: dict[str, Any] = field(default_factory=dict)  #: ``method.parameters``
    info: dict[str, Any] = field(default_factory=dict)  #: informational manifest fields
    notes: list[str] = field(default_factory=list)  #: for the user: device, small margins


def count_test_rows(n: int, frac: float) -> int:
    """Number of test rows: ``ceil(n × frac)`` with ``frac`` taken as the decimal written.

    >>> count_test_rows(10, 0.3), count_test_rows(1000, 0.2), count_test_rows(7, 0.5)
    (3, 200, 4)
    """
    try:
        exact = Decimal(repr(float(frac))) * n
    except (InvalidOperation, ValueError):  # pragma: no cover - float() already validated
        raise ParameterError(f"{PARAMETER} {frac!r} is not a number", parameter="frac") from None
    return math.ceil(exact)


#: the phrase of the note :func:`fraction_notes` returns (the CLI prints it as a warning)
LESS_THAN_ONE_ROW = "asks for less than one test row"


def fraction_notes(n: int, frac: float) -> list[str]:
    """A note when ``frac`` asks for less than one test row: the split still makes one.

    >>> fraction_notes(50, 0.001)
    ['--frac 0.001 asks for less than one test row: 0.05 of 50 rows; gave 1 (2 % of the rows)']
    >>> fraction_notes(50, 0.2)
    []
    """
    asked = Decimal(repr(float(frac))) * n
    if n <= 0 or asked >= 1:
        return []
    return [
        f"--frac {frac:g} {LESS_THAN_ONE_ROW}: {float(asked):.3g} of {n} rows; "
        f"gave 1 ({100 / n:.3g} % of the rows)"
    ]


def check_fraction_range(frac: float) -> None:
    """Refuse a fraction outside (0, 1), whatever the data."""
    if not (isinstance(frac, (int, float)) and math.isfinite(frac) and 0.0 < frac < 1.0):
        raise ParameterError(
            f"{PARAMETER} {frac}: must be between 0 and 1 (exclusive), e.g. 0.2", parameter="frac"
        )


def check_fraction(n: int, frac: float, source: str = "") -> int:
    """Validate ``frac`` for ``n`` rows (of the input named ``source``, for messages) and
    return the test count ``k``."""
    check_fraction_range(frac)
    k = count_test_rows(n, frac)
    if k >= n:
        raise ParameterError(
            f"{source + ': ' if source else ''}"
            f"{PARAMETER} {frac} of {n} row{'s' if n != 1 else ''} puts every row in the test set "
            f"and leaves the training set empty; use a smaller fraction or more rows",
            parameter="frac",
        )
    return k


def split_matrix(
    X: np.ndarray,
    params: SplitParameters,
    *,
    xp: ModuleType = np,
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
    test_rows: int | None = None,
    ties: np.ndarray | None = None,
    block_rows: int | None = None,
) -> MethodSplit:
    """Split the rows of ``X`` (n × d, finite) into train and test positions.

    ``bounds`` (``(low, span)`` of :func:`~benchmake_cli.method.scale.apply_minmax`) scale ``X`` by
    bounds of a larger data set, and ``test_rows`` fixes the test count instead of
    ``ceil(n × frac)``: a shard of a sharded split uses both. By default both come from ``X``.
    ``ties`` (a digest per row) orders identical rows (:func:`~benchmake_cli.method.order.order_rows`).
    ``block_rows`` changes the factorization's summation order (for tests of the margins).

    >>> X = np.arange(40, dtype=float).reshape(20, 2) % 7
    >>> s = split_matrix(X, SplitParameters(frac=0.25))
    >>> len(s.test), len(s.train), sorted(set(s.test) | set(s.train)) == list(range(20))
    (5, 15, True)
    """
    k = matrix_test_count(X, params, test_rows)
    report = progress or (lambda stage, done, total: None)
    digests, order, scaled = hash_and_scale(X, xp, report, bounds, ties)
    factors = nmf.factorize(
        scaled,
        k,
        iterations=params.iterations,
        tol=params.tol,
        seed=params.seed,
        xp=xp,
        threads=threads,
        block_rows=block_rows,
        progress=lambda done, total: report("factorize", done, total),
    )
    ranked = match.order_by_variance(to_numpy(match.column_variance(factors.W, xp)))
    archetypes = factors.H[xp.asarray(ranked.indices)]
    iterations_run, stop_margin = factors.iterations, factors.stop_margin
    del factors
    return match_archetypes(
        X,
        digests,
        order,
        scaled,
        archetypes,
        xp,
        report,
        iterations_run,
        stop_margin,
        ranked.margin,
    )


def matrix_test_count(X: np.ndarray, params: SplitParameters, test_rows: int | None) -> int:
    """The test count (``test_rows`` or ``ceil(n × frac)``), refusing a split with an empty
    side or nothing to split on."""
    n = X.shape[0]
    k = check_fraction(n, params.frac) if test_rows is None else test_rows
    if not 0 < k < n:
        raise ParameterError(f"{k} test rows of {n}: need at least one row on each side")
    if n > 1 and bool((X[0] == X).all()):
        raise DataError("every feature is constant: there is nothing to split on")
    return k


def hash_and_scale(
    X: np.ndarray,
    xp: ModuleType,
    report: ProgressCallback,
    bounds: tuple[np.ndarray, np.ndarray] | None = None,
    ties: np.ndarray | None = None,
) -> tuple[np.ndarray, RowOrder, np.ndarray]:
    """Row digests, the hash order and the rows scaled in hash order (``bounds`` or their own)."""
    n = X.shape[0]
    report("hash", 0, n)
    digests = row_digests(X)
    order = order_rows(digests, ties)
    report("hash", n, n)
    if bounds is None:
        scaled = minmax_scale(X[order.positions], xp)
    else:
        scaled = apply_minmax(X[order.positions], bounds[0], bounds[1], xp)
    return digests, order, scaled


def match_archetypes(
    X: np.ndarray,
    digests: np.ndarray,
    order: RowOrder,
    scaled: np.ndarray,
    archetypes: np.ndarray,
    xp: ModuleType,
    report: ProgressCallback,
    iterations_run: int,
    stop_margin: float = float("inf"),
    order_margin: float = float("inf"),
) -> MethodSplit:
    """Give each archetype, in order, its nearest free row (identical rows grouped): the
    test set."""
    n, k = X.shape[0], archetypes.shape[0]
    report("match", 0, k)
    group_sizes = np.diff(np.append(order.group_starts, n))
    matching = match.match_rows(scaled[xp.asarray(order.group_starts)], group_sizes, archetypes, xp)
    taken = matching.chosen
    report("match", k, k)
    # the i-th copy taken of a group of identical rows is the group's i-th row in hash order
    copies = np.zeros(len(group_sizes), dtype=np.int64)
    test_positions = np.empty(k, dtype=np.int64)
    for j, group in enumerate(taken):
        test_positions[j] = order.group_starts[group] + copies[group]
        copies[group] += 1
    is_test = np.zeros(n, dtype=bool)
    is_test[order.positions[test_positions]] = True
    test = np.flatnonzero(is_test)
    return MethodSplit(
        test=test,
        train=np.flatnonzero(~is_test),
        content_sha256=content_hash(digests, X.shape[1]),
        test_content_sha256=hash_of_test_rows(digests[test]),
        iterations_run=iterations_run,
        margins=Margins(stop_margin, order_margin, matching.margin),
    )


def hash_of_test_rows(test_digests: np.ndarray) -> str:
    """Order-independent SHA-256 of the test rows, from their row digests."""
    return hashlib.sha256(
        b"benchmake-test-content/1\n" + np.sort(test_digests).tobytes()
    ).hexdigest()
