"""Unit tests of each core step: order, scale, factorize, match."""

from __future__ import annotations

import numpy as np
import pytest

from benchmake_cli.errors import ParameterError
from benchmake_cli.method.factorize import factorize, initial_factors, splitmix_uniform
from benchmake_cli.method.match import column_variance, match_rows, order_by_variance
from benchmake_cli.method.order import content_hash, order_rows, row_digests
from benchmake_cli.method.scale import minmax_scale
from benchmake_cli.method.split import check_fraction, count_test_rows


def test_digests_depend_on_content_only() -> None:
    X = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0], [-0.0, 0.0], [0.0, 0.0]])
    d = row_digests(X)
    assert d[0] == d[2] and d[3] == d[4] and d[0] != d[1]
    assert row_digests(X.astype(np.float32))[1] == d[1]  # same numbers, other dtype


def test_order_groups_identical_rows_and_keeps_input_order_among_them() -> None:
    X = np.array([[5.0], [1.0], [5.0], [2.0], [5.0]])
    order = order_rows(row_digests(X))
    assert order.n_unique == 3
    fives = [p for p in order.positions if X[p, 0] == 5.0]
    assert fives == [0, 2, 4]
    runs = np.split(order.positions, order.group_starts[1:])
    assert sorted(len(r) for r in runs) == [1, 1, 3]


def test_content_hash_ignores_row_order_but_not_values() -> None:
    X = np.arange(12.0).reshape(6, 2)
    h = content_hash(row_digests(X), 2)
    assert h == content_hash(row_digests(X[::-1]), 2)
    X2 = X.copy()
    X2[3, 1] += 1e-12
    assert h != content_hash(row_digests(X2), 2)


def test_minmax_scale_constant_columns_and_extremes() -> None:
    X = np.array([[1.0, 7.0, -1e308], [3.0, 7.0, 1e308], [2.0, 7.0, 0.0]])
    S = minmax_scale(X)
    assert S.tolist() == [[0.0, 0.0, 0.0], [1.0, 0.0, 1.0], [0.5, 0.0, 0.5]]
    assert np.isfinite(S).all()


def test_splitmix_is_reproducible_and_uniform() -> None:
    a = splitmix_uniform(np, 3, 1, 10, 100_000)
    assert np.array_equal(a, splitmix_uniform(np, 3, 1, 10, 100_000))
    assert np.array_equal(a[5:], splitmix_uniform(np, 3, 1, 15, 100_000 - 5))
    assert 0.49 < a.mean() < 0.51 and a.min() > 0 and a.max() < 1
    assert not np.array_equal(a, splitmix_uniform(np, 4, 1, 10, 100_000))


def test_initial_factors_do_not_depend_on_chunking() -> None:
    X = np.random.default_rng(0).random((50, 3))
    W, _H = initial_factors(X, 7, seed=1, xp=np)
    flat = splitmix_uniform(np, 1, 1, 0, 50 * 7).reshape(50, 7)
    assert np.allclose(W / W.max(), flat / flat.max())


def test_factorize_reduces_error_and_stays_positive() -> None:
    X = np.random.default_rng(1).random((60, 4))
    few = factorize(X, 12, iterations=2)
    many = factorize(X, 12, iterations=200)
    err = lambda f: np.linalg.norm(X - f.W @ f.H)  # noqa: E731
    assert err(many) < 0.5 * err(few)
    assert (many.W > 0).all() and (many.H > 0).all()


def test_factorize_same_result_for_any_thread_count_and_block_size_split() -> None:
    X = np.random.default_rng(2).random((500, 6))
    one = factorize(X, 100, iterations=20, threads=1, block_rows=32)
    two = factorize(X, 100, iterations=20, threads=2, block_rows=32)
    assert np.array_equal(one.W, two.W) and np.array_equal(one.H, two.H)


def test_archetype_order_by_variance_ties_by_index() -> None:
    W = np.array([[0.0, 1.0, 0.0, 1.0], [0.0, 3.0, 0.0, 3.0], [0.0, 1.0, 1.0, 1.0]])
    assert order_by_variance(column_variance(W)).indices.tolist() == [1, 3, 2, 0]


def test_match_rows_respects_capacity_and_ties() -> None:
    rows = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    # archetype at equal distance from rows 1 and 2: the earlier row wins the tie
    middle = np.array([[0.5, 0.5]])
    assert match_rows(rows, np.array([1, 1, 1]), middle).chosen.tolist() == [0]
    tie = np.array([[0.6, 0.6]])
    assert match_rows(rows, np.array([1, 1, 1]), tie).chosen.tolist() == [1]
    # two copies of row 0: two archetypes near it both take it
    near0 = np.array([[0.0, 0.1], [0.1, 0.0], [0.05, 0.0]])
    assert match_rows(rows, np.array([2, 1, 1]), near0).chosen.tolist() == [0, 0, 1]


def test_match_rows_falls_back_when_candidate_lists_run_out() -> None:
    rng = np.random.default_rng(3)
    rows = rng.random((200, 3))
    archetypes = np.tile(rows[:1], (150, 1))  # all want the same region
    chosen = match_rows(rows, np.ones(200, dtype=int), archetypes, candidates=4).chosen
    assert len(set(chosen.tolist())) == 150
    d = ((rows - rows[0]) ** 2).sum(axis=1)
    assert set(chosen.tolist()) == set(np.argsort(d, kind="stable")[:150].tolist())


@pytest.mark.parametrize(
    ("n", "frac", "k"), [(10, 0.3, 3), (1000, 0.2, 200), (7, 0.5, 4), (3, 0.01, 1)]
)
def test_test_count_is_ceil_of_the_decimal(n: int, frac: float, k: int) -> None:
    assert count_test_rows(n, frac) == k


@pytest.mark.parametrize("frac", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_fraction_outside_open_interval_is_refused(frac: float) -> None:
    with pytest.raises(ParameterError, match="between 0 and 1"):
        check_fraction(100, frac)


def test_fraction_leaving_train_empty_is_refused() -> None:
    with pytest.raises(ParameterError, match="leaves the training set empty"):
        check_fraction(2, 0.6)


def test_gram_products_are_chosen_by_shape_and_agree_with_the_direct_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmake_cli.method import factorize as nmf

    assert nmf.uses_gram(n=5030, d=784, k=1006) and not nmf.uses_gram(n=16000, d=20, k=3200)
    X = np.random.default_rng(4).random((80, 300))
    gram = factorize(X, 16, iterations=30, threads=2)
    gram_one_thread = factorize(X, 16, iterations=30, threads=1)
    assert np.array_equal(gram.W, gram_one_thread.W)
    monkeypatch.setattr(nmf, "uses_gram", lambda n, d, k: False)
    direct = factorize(X, 16, iterations=30)
    assert np.allclose(gram.W, direct.W, rtol=1e-8, atol=1e-12)
    assert np.allclose(gram.H, direct.H, rtol=1e-8, atol=1e-12)
