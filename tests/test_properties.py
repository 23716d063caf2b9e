"""Property tests (hypothesis) on small random matrices: exact sizes, disjoint and covering
sets, the same split for any row order, the same split run after run and for any thread
count."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from benchmake_cli import partition
from benchmake_cli.method.split import SplitParameters, count_test_rows, split_matrix

#: few iterations keep each example fast; the properties hold for any count
FAST = {"iterations": 12, "tol": 0.0}


@st.composite
def matrices(draw: st.DrawFn) -> np.ndarray:
    """n × d matrices, 3 ≤ n ≤ 40: coarse values (many duplicate rows and exact distance
    ties), or wide-ranging floats (up to ±1e300)."""
    n = draw(st.integers(3, 40))
    d = draw(st.integers(1, 5))
    elements = draw(
        st.sampled_from(
            [
                st.integers(0, 3).map(float),
                st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False),
                st.floats(-1.0, 1.0, allow_nan=False, width=32),
            ]
        )
    )
    X = draw(arrays(np.float64, (n, d), elements=elements))
    assume(not bool((X[0] == X).all()))  # all rows equal: refused, nothing to split on
    return X


def _fraction(n: int, data: st.DataObject) -> float:
    frac = data.draw(st.floats(0.01, 0.99).map(lambda f: round(f, 3)))
    assume(count_test_rows(n, frac) < n)
    return frac


def _split(X: np.ndarray, frac: float, threads: int | None = 1) -> np.ndarray:
    return split_matrix(X, SplitParameters(frac=frac, **FAST), threads=threads).test


def _rows(X: np.ndarray, rows: np.ndarray) -> Counter[bytes]:
    """The multiset of the given rows' contents (identical rows are interchangeable)."""
    return Counter((X[r] + 0.0).tobytes() for r in rows)


@settings(max_examples=60, deadline=None)
@given(X=matrices(), data=st.data())
def test_test_and_train_are_disjoint_cover_every_row_and_have_exact_sizes(
    X: np.ndarray, data: st.DataObject
) -> None:
    frac = _fraction(len(X), data)
    result = split_matrix(X, SplitParameters(frac=frac, **FAST), threads=1)
    n = len(X)
    assert len(result.test) == math.ceil(Fraction(repr(frac)) * n)  # frac as the decimal typed
    assert len(result.train) == n - len(result.test)
    assert np.intersect1d(result.test, result.train).size == 0
    assert np.array_equal(np.sort(np.concatenate([result.test, result.train])), np.arange(n))
    assert np.all(np.diff(result.test) > 0) and np.all(np.diff(result.train) > 0)


@settings(max_examples=60, deadline=None)
@given(X=matrices(), data=st.data())
def test_the_split_does_not_depend_on_row_order(X: np.ndarray, data: st.DataObject) -> None:
    frac = _fraction(len(X), data)
    order = np.array(data.draw(st.permutations(range(len(X)))))
    test = _split(X, frac)
    shuffled_test = order[_split(X[order], frac)]  # back to the original row numbers
    assert _rows(X, shuffled_test) == _rows(X, test)


@settings(max_examples=30, deadline=None)
@given(X=matrices(), data=st.data())
def test_repeated_runs_and_thread_counts_agree(X: np.ndarray, data: st.DataObject) -> None:
    frac = _fraction(len(X), data)
    first = _split(X, frac)
    assert np.array_equal(_split(X, frac), first)
    assert np.array_equal(_split(X, frac, threads=2), first)


@settings(max_examples=25, deadline=None)
@given(X=matrices(), data=st.data())
def test_the_python_api_returns_the_callers_rows(X: np.ndarray, data: st.DataObject) -> None:
    """``partition`` gives the same test rows as the core, as the caller's row numbers."""
    frac = _fraction(len(X), data)
    _, test = partition(X, None, test_size=frac, return_indices=True, **FAST)
    expected = split_matrix(X, SplitParameters(frac=frac, **FAST)).test
    assert sorted(test) == expected.tolist()


def _decimal_count(n: int, frac: float) -> int:
    return math.ceil(Fraction(repr(frac)) * n)


#: (n, frac) with 40 < n ≤ 400 and frac of three decimals where ceil(n × frac) in floats is
#: not the decimal rule's count (e.g. 100 × 0.07 = 7.000000000000001): 74 pairs
FLOAT_DIFFERS = [
    (n, f / 1000)
    for n in range(41, 401)
    for f in range(1, 1000)
    if math.ceil(n * (f / 1000)) != _decimal_count(n, f / 1000) and _decimal_count(n, f / 1000) < n
]


def test_the_float_rule_and_the_decimal_rule_differ_on_the_listed_pairs() -> None:
    assert len(FLOAT_DIFFERS) == 74 and (100, 0.07) in FLOAT_DIFFERS


@settings(max_examples=12, deadline=None)
@given(pair=st.sampled_from(FLOAT_DIFFERS), seed=st.integers(0, 2**32 - 1))
def test_exact_sizes_follow_the_decimal_rule_where_floats_would_not(
    pair: tuple[int, float], seed: int
) -> None:
    n, frac = pair
    X = np.random.default_rng(seed).random((n, 3))
    result = split_matrix(X, SplitParameters(frac=frac, iterations=3, tol=0.0), threads=1)
    assert len(result.test) == _decimal_count(n, frac) != math.ceil(n * frac)
    assert len(result.train) == n - len(result.test)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 10**12), thousandths=st.integers(1, 999))
def test_the_test_count_is_the_decimal_rule_for_any_size(n: int, thousandths: int) -> None:
    frac = thousandths / 1000
    assert count_test_rows(n, frac) == _decimal_count(n, frac)


@pytest.mark.parametrize("n", [2, 3, 7])
def test_the_smallest_splits(n: int) -> None:
    X = np.arange(n * 2, dtype=float).reshape(n, 2) ** 2
    result = split_matrix(X, SplitParameters(frac=0.5, **FAST))
    assert len(result.test) == math.ceil(n / 2) and len(result.train) == n - len(result.test)
