"""What a test set selects: its overlap with the rows nearest to and farthest from the
origin of the scaled space, and how much of each feature's low and high tail it holds.

With ``k`` test rows of ``n``:

* ``nearest_origin_overlap``: the share of the test set among the ``k`` rows of smallest
  Euclidean norm in the min-max scaled space; ``farthest_origin_overlap`` likewise with the
  ``k`` rows of largest norm.
* ``tail_coverage_low`` / ``tail_coverage_high``: for each non-constant feature, the
  ``ceil(TAIL × n)`` rows of smallest (largest) value; the share of them in the test set,
  averaged over those features.

Ties (equal norms, equal values) are broken in hash order (:mod:`benchmake_cli.method.order`),
so the diagnostics do not depend on the order of rows in the file. A random test set scores
about ``k / n`` on all four. See ``docs/statistics.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..method.order import order_rows, row_digests

__all__ = ["SELECTION_LABELS", "SELECTION_NAMES", "TAIL", "Selection", "SelectionDiagnostics"]

TAIL = 0.05  #: share of rows in each feature's low and high tail
SELECTION_NAMES: tuple[str, ...] = (
    "nearest_origin_overlap",
    "farthest_origin_overlap",
    "tail_coverage_low",
    "tail_coverage_high",
)
#: how reports and plots name each diagnostic
SELECTION_LABELS: dict[str, str] = {
    "nearest_origin_overlap": "nearest-origin overlap",
    "farthest_origin_overlap": "farthest-origin overlap",
    "tail_coverage_low": "low-tail coverage",
    "tail_coverage_high": "high-tail coverage",
}
_FEATURE_BLOCK = 512  #: features sorted at once (bounds the n × block index arrays)


@dataclass(frozen=True)
class Selection:
    """The four diagnostics of one test set (``None`` for tail coverage when every feature
    is constant)."""

    nearest_origin_overlap: float
    farthest_origin_overlap: float
    tail_coverage_low: float | None
    tail_coverage_high: float | None

    def to_dict(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in SELECTION_NAMES}


class SelectionDiagnostics:
    """Rankings of the rows of a scaled matrix, computed once, to measure any test set.

    ``features`` are the min-max scaled rows; ``X`` the encoded rows they came from (for the
    hash order; ``features`` when omitted).

    >>> f = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.2], [0.1, 0.9]])
    >>> s = SelectionDiagnostics(f).measure(np.array([0]))
    >>> s.nearest_origin_overlap, s.farthest_origin_overlap, s.tail_coverage_low
    (1.0, 0.0, 1.0)
    """

    def __init__(self, features: np.ndarray, X: np.ndarray | None = None) -> None:
        features = np.asarray(features, dtype=np.float64)
        self.n, d = features.shape
        hash_order = order_rows(row_digests(features if X is None else X)).positions
        norms = np.sqrt((features * features).sum(axis=1))
        # a stable sort of rows already in hash order breaks ties in hash order
        by_norm = hash_order[np.argsort(norms[hash_order], kind="stable")]
        self.nearest_first = by_norm
        self.farthest_first = hash_order[np.argsort(-norms[hash_order], kind="stable")]
        tail = math.ceil(TAIL * self.n)
        low, high = [], []
        for start in range(0, d, _FEATURE_BLOCK):
            block = features[hash_order, start : start + _FEATURE_BLOCK]
            varying = block.max(axis=0) > block.min(axis=0)
            block = block[:, varying]
            low.append(hash_order[np.argsort(block, axis=0, kind="stable")[:tail]])
            high.append(hash_order[np.argsort(-block, axis=0, kind="stable")[:tail]])
        self.low_tails = np.concatenate(low, axis=1) if low else np.empty((tail, 0), np.int64)
        self.high_tails = np.concatenate(high, axis=1) if high else np.empty((tail, 0), np.int64)

    def nearest_origin(self, k: int) -> np.ndarray:
        """The ``k`` rows of smallest norm, ascending: the trivial ``nearest-origin`` split."""
        return np.sort(self.nearest_first[:k])

    def farthest_origin(self, k: int) -> np.ndarray:
        """The ``k`` rows of largest norm, ascending."""
        return np.sort(self.farthest_first[:k])

    def measure(self, test: np.ndarray) -> Selection:
        """The diagnostics of the test set at positions ``test``."""
        test = np.asarray(test, dtype=np.int64)
        k = test.size
        is_test = np.zeros(self.n, dtype=bool)
        is_test[test] = True

        def share(rows: np.ndarray) -> float:
            return float(is_test[rows].mean()) if rows.size else 0.0

        def coverage(tails: np.ndarray) -> float | None:
            return float(is_test[tails].mean(axis=0).mean()) if tails.shape[1] else None

        return Selection(
            nearest_origin_overlap=share(self.nearest_first[:k]),
            farthest_origin_overlap=share(self.farthest_first[:k]),
            tail_coverage_low=coverage(self.low_tails),
            tail_coverage_high=coverage(self.high_tails),
        )
