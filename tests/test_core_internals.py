"""Core pieces whose bugs leave the split unchanged on small inputs, so the golden splits
cannot see them: the archetype fit's error over every row, and the memory estimates that
choose the device and that ``inspect`` reports (pinned from their documented formulas)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmake_cli.method import hull
from benchmake_cli.method.registry import get_method


def test_the_archetype_fit_error_counts_every_row() -> None:
    U = np.random.default_rng(4).random((50, 3))
    fit = hull._Pcha(U, np.arange(5), np, threads=1)
    try:
        assert fit.error == pytest.approx(np.sum((U - fit.S @ fit.A) ** 2), rel=1e-12)  # row 0 too
        assert fit.S.shape == (50, 5) and np.allclose(fit.S.sum(axis=1), 1.0)
    finally:
        fit.close()


def test_the_memory_estimates_follow_their_formulas() -> None:
    n, d, k = 1000, 10, 200
    # hull: S and its buffer (2nk), C, its gradient and a trial C (3k²), the data (3nd)
    # and 8 lanes of k × d partial sums, float64
    assert hull.estimate_bytes(n, d, k) == 8 * (2 * n * k + 3 * k * k + 3 * n * d + 8 * k * d)
    assert hull.estimate_bytes(n, d, k) == 4_528_000
    # the reference, float32: four n × k, the k × k Gram, three k × d, four n × d
    reference = get_method("benchmake-1.1.2").estimate_bytes(n, d, k, on_gpu=False)
    assert reference == 4 * (4 * n * k + k * k + 3 * k * d + 4 * n * d) == 3_544_000
