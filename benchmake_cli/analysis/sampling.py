"""Seeded random splits (no SciPy, so that ``split`` can draw them for the card cheaply),
and the input checks the analysis modules share."""

from __future__ import annotations

import numpy as np


def check_int(name: str, value: int, minimum: int) -> int:
    """Validate an integer parameter with a lower bound."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_matrix(name: str, data: np.ndarray, *, vector_is_column: bool = True) -> np.ndarray:
    """``data`` as a finite 2-D float64 array with at least one row and one feature (a 1-D
    array is one feature when ``vector_is_column``), or ``ValueError`` naming ``name``."""
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim == 1 and vector_is_column:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows x features), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must contain at least one row, got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must contain at least one feature, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def random_split_indices(n: int, n_test: int, count: int, seed: int = 0) -> list[np.ndarray]:
    """Return ``count`` sorted random test index sets of size ``n_test`` drawn from ``range(n)``.

    All sets come from one ``numpy.random.default_rng(seed)`` stream, each drawn without
    replacement, so the result is deterministic for a given ``(n, n_test, count, seed)``.
    """
    n = check_int("n", n, 2)
    n_test = check_int("n_test", n_test, 1)
    if n_test >= n:
        raise ValueError(f"n_test must be < n={n} so the training set is not empty, got {n_test}")
    count = check_int("count", count, 0)
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    return [np.sort(rng.choice(n, size=n_test, replace=False)) for _ in range(count)]
