"""Min-max scaling of each feature to [0, 1]."""

from __future__ import annotations

from types import ModuleType

import numpy as np


def minmax_scale(X: np.ndarray, xp: ModuleType = np) -> np.ndarray:
    """Scale each column to [0, 1]; constant columns become 0, never NaN.

    Halving before subtracting keeps ``max - min`` finite even for values near ±1.8e308;
    halving is exact, so ordinary data scales exactly as ``(x - min) / (max - min)``.

    >>> minmax_scale(np.array([[0.0, 5.0], [2.0, 5.0], [1.0, 5.0]])).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]]
    """
    X = xp.asarray(X, dtype=xp.float64)
    half = X * 0.5
    low = half.min(axis=0)
    span = half.max(axis=0) - low
    constant = span == 0
    scaled = (half - low) / xp.where(constant, 1.0, span)
    scaled[:, constant] = 0.0
    return xp.clip(scaled, 0.0, 1.0)
