"""The factorization's early-stop margin (recorded in the manifest's margins): the smallest,
over the stop tests made, of how far the error's fall was from the tolerance, relative to
the size of the error's terms. Recomputed here from the factors alone (NumPy norms)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from benchmake_cli.method.factorize import CHECK_EVERY, factorize

TOL = 1e-9  # small: no test stops the run, so every check's factors can be recomputed


def _error(X: np.ndarray, iterations: int) -> float:
    f = factorize(X, 12, iterations=iterations, tol=TOL, threads=1)
    return float(np.sum((X - f.W @ f.H) ** 2))


def _margin(X: np.ndarray, previous: float, error: float, initial: float) -> float:
    size = max(float(np.sum(X * X)), initial)
    return abs(previous - error - TOL * initial) / size


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    return np.random.default_rng(3).random((60, 4))


def test_no_stop_test_no_margin(data: np.ndarray) -> None:
    X = data
    assert factorize(X, 12, iterations=CHECK_EVERY - 1, tol=TOL).stop_margin == float("inf")


def test_one_stop_test_gives_its_margin(data: np.ndarray) -> None:
    X = data
    initial, first = _error(X, 0), _error(X, CHECK_EVERY)
    got = factorize(X, 12, iterations=CHECK_EVERY, tol=TOL, threads=1)
    assert got.iterations == CHECK_EVERY
    assert got.stop_margin == pytest.approx(_margin(X, initial, first, initial), rel=1e-6)


def test_several_stop_tests_give_the_smallest_margin(data: np.ndarray) -> None:
    X = data
    errors = [_error(X, i * CHECK_EVERY) for i in range(4)]
    margins = [_margin(X, a, b, errors[0]) for a, b in itertools.pairwise(errors)]
    assert len(set(np.round(margins, 8))) == 3  # three different margins: min is not max
    got = factorize(X, 12, iterations=3 * CHECK_EVERY, tol=TOL, threads=1)
    assert got.stop_margin == pytest.approx(min(margins), rel=1e-6)
