"""Min-max scaling of each feature to [0, 1].

The bounds can come from the matrix itself (:func:`minmax_scale`) or from a streaming pass
over a larger data set (:class:`MinMaxBounds`), so that shards are scaled by global bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np


def minmax_bounds(X: np.ndarray, xp: ModuleType = np) -> tuple[np.ndarray, np.ndarray]:
    """``(low, span)`` of each column of ``X × 0.5``: the bounds :func:`apply_minmax` uses."""
    half = xp.asarray(X, dtype=xp.float64) * 0.5
    low = half.min(axis=0)
    return low, half.max(axis=0) - low


def apply_minmax(
    X: np.ndarray, low: np.ndarray, span: np.ndarray, xp: ModuleType = np
) -> np.ndarray:
    """Scale ``X`` by bounds of its halved columns; zero spans give 0, values are clipped.

    Halving before subtracting keeps ``max - min`` finite even for values near ±1.8e308;
    halving is exact, so ordinary data scales exactly as ``(x - min) / (max - min)``.
    """
    half = xp.asarray(X, dtype=xp.float64) * 0.5
    low, span = xp.asarray(low), xp.asarray(span)
    constant = span == 0
    scaled = (half - low) / xp.where(constant, 1.0, span)
    scaled[:, constant] = 0.0
    return xp.clip(scaled, 0.0, 1.0)


def minmax_scale(X: np.ndarray, xp: ModuleType = np) -> np.ndarray:
    """Scale each column to [0, 1]; constant columns become 0, never NaN.

    >>> minmax_scale(np.array([[0.0, 5.0], [2.0, 5.0], [1.0, 5.0]])).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]]
    """
    X = xp.asarray(X, dtype=xp.float64)  # one copy to the device, not one per step
    low, span = minmax_bounds(X, xp)
    return apply_minmax(X, low, span, xp)


@dataclass
class MinMaxBounds:
    """Per-feature bounds accumulated chunk by chunk: the same as :func:`minmax_bounds` of
    all chunks stacked, since minima and maxima of halves are exact.

    >>> bounds = MinMaxBounds()
    >>> bounds.update(np.array([[0.0, 5.0], [2.0, 5.0]])); bounds.update(np.array([[1.0, 5.0]]))
    >>> [a.tolist() for a in bounds.low_span()]
    [[0.0, 2.5], [1.0, 0.0]]
    """

    low: np.ndarray | None = None
    high: np.ndarray | None = None

    def update(self, X: np.ndarray) -> None:
        """Fold the rows of ``X`` into the bounds."""
        if len(X) == 0:
            return
        half = np.asarray(X, dtype=np.float64) * 0.5
        low, high = half.min(axis=0), half.max(axis=0)
        self.low = low if self.low is None else np.minimum(self.low, low)
        self.high = high if self.high is None else np.maximum(self.high, high)

    def low_span(self) -> tuple[np.ndarray, np.ndarray]:
        """``(low, span)`` for :func:`apply_minmax`."""
        assert self.low is not None and self.high is not None, "no rows were seen"
        return self.low, self.high - self.low
