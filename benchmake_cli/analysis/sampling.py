"""Seeded random splits (no SciPy, so that ``split`` can draw them for the card cheaply)."""

from __future__ import annotations

import numpy as np


def check_int(name: str, value: int, minimum: int) -> int:
    """Validate an integer parameter with a lower bound."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


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
