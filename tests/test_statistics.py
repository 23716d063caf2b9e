"""Tests for benchmake_cli.analysis.statistics."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from benchmake_cli.analysis import mmd as bm_mmd
from benchmake_cli.analysis import statistics as bm_stats
from benchmake_cli.analysis.statistics import (
    HIGHER_IS_HARDER,
    STATISTIC_NAMES,
    SetComparison,
    SplitComparer,
    beats_random,
    compare_sets,
    compare_split,
    mmd_rbf,
    random_split_indices,
)

LN2 = math.log(2.0)


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_names_and_directions() -> None:
    assert STATISTIC_NAMES == (
        "t_test_p",
        "ks_p",
        "mutual_information",
        "kl_divergence",
        "js_divergence",
        "wasserstein",
        "mmd",
    )
    assert set(HIGHER_IS_HARDER) == set(STATISTIC_NAMES)
    assert [n for n, h in HIGHER_IS_HARDER.items() if not h] == ["t_test_p", "ks_p"]


def test_identical_samples_give_no_difference() -> None:
    x = _rng().normal(size=(500, 4))
    res = compare_sets(x, x.copy())
    assert res.aggregate["t_test_p"] == pytest.approx(1.0, abs=1e-12)
    assert res.aggregate["ks_p"] == pytest.approx(1.0, abs=1e-12)
    for name in ("mutual_information", "kl_divergence", "js_divergence", "wasserstein", "mmd"):
        assert res.aggregate[name] == pytest.approx(0.0, abs=1e-9), name


def test_shifted_gaussians_wasserstein_and_kl() -> None:
    # N(0,1) vs N(1,1): W1 = 1 and KL = 0.5 in closed form. With 1e5 samples each the W1
    # estimate has a standard error of a few 1e-3, so 0.02 is a safe band. The 50-bin KL
    # estimate lies within about 0.02 of 0.5 (binning bias plus smoothed test-only tail bins,
    # checked over 8 seeds), so 0.05 is a safe band that still rejects e.g. KL(train||test)
    # with a wrong sign convention or a missing log.
    rng = _rng(0)
    a = rng.normal(0.0, 1.0, size=(100_000, 1))
    b = rng.normal(1.0, 1.0, size=(100_000, 1))
    res = compare_sets(a, b, mmd_max_rows=200)
    assert res.aggregate["wasserstein"] == pytest.approx(1.0, abs=0.02)
    assert res.aggregate["kl_divergence"] == pytest.approx(0.5, abs=0.05)
    assert res.aggregate["t_test_p"] < 1e-100
    assert res.aggregate["ks_p"] < 1e-100


def test_p_values_equal_scipy() -> None:
    rng = _rng(1)
    train = np.column_stack([rng.normal(0, 1, 300), rng.normal(0, 3, 300), rng.random(300)])
    test = np.column_stack([rng.normal(0.2, 2, 90), rng.normal(0, 1, 90), rng.random(90) + 0.1])
    res = compare_sets(train, test)
    for j in range(3):
        t_ref = stats.ttest_ind(train[:, j], test[:, j], equal_var=False).pvalue
        ks_ref = stats.ks_2samp(train[:, j], test[:, j], method="asymp").pvalue
        assert res.per_feature["t_test_p"][j] == pytest.approx(float(t_ref), rel=1e-12)
        assert res.per_feature["ks_p"][j] == pytest.approx(float(ks_ref), rel=1e-12)


def test_wasserstein_equals_scipy_with_ties() -> None:
    rng = _rng(2)
    train = np.round(rng.random((257, 3)) * 5) / 5  # many ties
    test = np.round(rng.random((61, 3)) * 4) / 4
    res = compare_sets(train, test)
    for j in range(3):
        ref = stats.wasserstein_distance(train[:, j], test[:, j])
        assert res.per_feature["wasserstein"][j] == pytest.approx(ref, rel=1e-12, abs=1e-15)


def test_histogram_statistics_hand_computed() -> None:
    # Two bins over [0, 1]. train: 3 in bin 0, 1 in bin 1; test: 1 in bin 0, 1 in bin 1.
    train = np.array([[0.0], [0.1], [0.2], [1.0]])
    test = np.array([[0.3], [0.9]])
    res = compare_sets(train, test, bins=2)
    p_train, p_test = np.array([0.75, 0.25]), np.array([0.5, 0.5])
    eps = bm_stats.KL_SMOOTHING
    p = (p_test + eps) / (1 + 2 * eps)
    q = (p_train + eps) / (1 + 2 * eps)
    assert res.per_feature["kl_divergence"][0] == pytest.approx(float(np.sum(p * np.log(p / q))))
    m = (p_train + p_test) / 2
    js = 0.5 * np.sum(p_train * np.log(p_train / m)) + 0.5 * np.sum(p_test * np.log(p_test / m))
    assert res.per_feature["js_divergence"][0] == pytest.approx(float(js))
    # MI from the 2x2 contingency table (bin x membership), N = 6.
    table = np.array([[3, 1], [1, 1]]) / 6.0
    outer = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True)
    mi = float(np.sum(table * np.log(table / outer)))
    assert res.per_feature["mutual_information"][0] == pytest.approx(mi)


def test_perfect_separation_reaches_ln2() -> None:
    train = np.zeros((10, 1))
    test = np.ones((10, 1))
    res = compare_sets(train, test)
    assert res.aggregate["mutual_information"] == pytest.approx(LN2)
    assert res.aggregate["js_divergence"] == pytest.approx(LN2)
    assert res.aggregate["t_test_p"] == 0.0
    assert math.isfinite(res.aggregate["kl_divergence"])
    # all test mass sits where train has none: KL = ln(1 / smoothing) up to tiny terms
    assert res.aggregate["kl_divergence"] == pytest.approx(
        -math.log(bm_stats.KL_SMOOTHING), rel=1e-6
    )


def test_mi_equals_js_for_equal_sizes() -> None:
    rng = _rng(3)
    a = rng.random((400, 5))
    b = rng.random((400, 5)) ** 2
    res = compare_sets(a, b)
    np.testing.assert_allclose(
        res.per_feature["mutual_information"], res.per_feature["js_divergence"], rtol=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-5, 5), min_size=1, max_size=30),
    st.lists(st.floats(-5, 5), min_size=1, max_size=30),
    st.integers(1, 60),
)
def test_bounds_hold(a: list[float], b: list[float], bins: int) -> None:
    res = compare_sets(np.array(a)[:, None], np.array(b)[:, None], bins=bins)
    agg = res.aggregate
    assert 0.0 <= agg["js_divergence"] <= LN2
    assert 0.0 <= agg["mutual_information"] <= LN2 + 1e-12
    assert agg["kl_divergence"] >= 0.0 and math.isfinite(agg["kl_divergence"])
    assert 0.0 <= agg["t_test_p"] <= 1.0 and 0.0 <= agg["ks_p"] <= 1.0
    assert 0.0 <= agg["wasserstein"] <= 10.0
    assert 0.0 <= agg["mmd"] <= math.sqrt(2.0) + 1e-12


def test_constant_features_are_finite() -> None:
    rng = _rng(4)
    train = np.column_stack([np.full(50, 0.3), np.full(50, 0.0), rng.random(50)])
    test = np.column_stack([np.full(20, 0.3), np.full(20, 1.0), rng.random(20)])
    res = compare_sets(train, test)
    for name in STATISTIC_NAMES:
        assert math.isfinite(res.aggregate[name]), name
        if name in res.per_feature:
            assert all(math.isfinite(v) for v in res.per_feature[name]), name
    # same constant in both sets: no difference at all
    assert res.per_feature["t_test_p"][0] == 1.0
    assert res.per_feature["ks_p"][0] == pytest.approx(1.0)
    for name in ("mutual_information", "kl_divergence", "js_divergence", "wasserstein"):
        assert res.per_feature[name][0] == 0.0, name
    # different constants: maximally different
    assert res.per_feature["t_test_p"][1] == 0.0
    assert res.per_feature["js_divergence"][1] == pytest.approx(LN2)
    assert res.per_feature["wasserstein"][1] == pytest.approx(1.0)


def test_aggregate_is_mean_of_per_feature() -> None:
    rng = _rng(5)
    res = compare_sets(rng.random((100, 6)), rng.random((40, 6)) * 0.8)
    for name in STATISTIC_NAMES[:-1]:
        assert len(res.per_feature[name]) == 6
        assert res.aggregate[name] == pytest.approx(float(np.mean(res.per_feature[name])))
    assert "mmd" not in res.per_feature


def test_mmd_same_vs_shifted() -> None:
    # Under H0 the biased MMD^2 has mean 2(1 - E k(x, x'))/m <= 2/m, so sqrt(MMD^2) is about
    # 0.03-0.045 for m = 1000; 0.08 leaves room for sampling noise. A unit shift gives ~0.45.
    rng = _rng(6)
    x = rng.normal(size=(1000, 3))
    y = rng.normal(size=(1000, 3))
    z = rng.normal(size=(1000, 3)) + 1.0
    assert mmd_rbf(x, y) < 0.08
    assert mmd_rbf(x, z) > 0.3


def test_mmd_subsample_deterministic_and_documented() -> None:
    rng = _rng(7)
    train = rng.normal(size=(5000, 4))
    test = rng.normal(size=(3000, 4)) + 0.2
    first = compare_sets(train, test, mmd_max_rows=300, seed=11).aggregate["mmd"]
    second = compare_sets(train, test, mmd_max_rows=300, seed=11).aggregate["mmd"]
    assert first == second
    assert compare_sets(train, test, mmd_max_rows=300, seed=12).aggregate["mmd"] != first
    # the documented procedure: one default_rng(seed), train rows drawn first, then test rows
    gen = np.random.default_rng(11)
    i_train = np.sort(gen.choice(5000, size=300, replace=False))
    i_test = np.sort(gen.choice(3000, size=300, replace=False))
    manual = mmd_rbf(train[i_train], test[i_test], max_rows=10_000)
    assert first == pytest.approx(manual, rel=1e-12)
    assert 0.0 <= first <= math.sqrt(2.0)


def _reference_mmd(x: np.ndarray, y: np.ndarray) -> float:
    """The documented MMD written out with SciPy distances and full kernel matrices."""
    from scipy.spatial.distance import cdist, pdist

    sigma = float(np.median(pdist(np.vstack([x, y]))))
    gamma = 1.0 / (2.0 * sigma**2)

    def kernel_mean(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.exp(-gamma * cdist(a, b, "sqeuclidean")).mean())

    return math.sqrt(kernel_mean(x, x) + kernel_mean(y, y) - 2.0 * kernel_mean(x, y))


def test_mmd_blockwise_matches_single_block(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = _rng(8)
    x = rng.random((150, 3))
    y = rng.random((130, 3)) + 0.1
    whole = mmd_rbf(x, y)  # one pooled distance matrix
    assert whole == pytest.approx(_reference_mmd(x, y), rel=1e-10)
    monkeypatch.setattr(bm_mmd, "REUSE_MAX_ROWS", 0)  # separate blockwise kernel means
    monkeypatch.setattr(bm_mmd, "BLOCK_ELEMENTS", 64)
    assert mmd_rbf(x, y) == pytest.approx(whole, rel=1e-10)


def test_compare_split_matches_compare_sets() -> None:
    rng = _rng(9)
    X = rng.random((60, 3))
    idx = np.array([3, 10, 11, 40, 59])
    mask = np.zeros(60, dtype=bool)
    mask[idx] = True
    assert compare_split(X, idx) == compare_sets(X[~mask], X[mask])


def test_to_dict_is_json_ready() -> None:
    rng = _rng(10)
    d = compare_sets(rng.random((30, 2)), rng.random((10, 2))).to_dict()
    assert list(d["aggregate"]) == list(STATISTIC_NAMES)
    assert list(d["per_feature"]) == list(STATISTIC_NAMES[:-1])
    assert json.loads(json.dumps(d)) == d


@pytest.mark.parametrize(
    ("train", "test", "match"),
    [
        (np.empty((0, 2)), np.ones((3, 2)), "train"),
        (np.ones((3, 2)), np.empty((0, 2)), "test"),
        (np.ones((3, 2)), np.ones((3, 3)), "same number of features"),
        (np.ones((3, 2)), np.full((3, 2), np.nan), "finite"),
    ],
)
def test_compare_sets_rejects_bad_input(train: np.ndarray, test: np.ndarray, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        compare_sets(train, test)


def test_parameter_validation() -> None:
    x = np.ones((3, 2))
    with pytest.raises(ValueError, match="bins must be >= 1, got 0"):
        compare_sets(x, x, bins=0)
    with pytest.raises(ValueError, match="mmd_max_rows"):
        compare_sets(x, x, mmd_max_rows=0)
    with pytest.raises(ValueError, match="test_indices must not contain duplicate"):
        compare_split(x, np.array([0, 0]))
    with pytest.raises(ValueError, match="training set would be empty"):
        compare_split(x, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"test_indices must lie in \[0, 3\)"):
        compare_split(x, np.array([3]))


def test_random_split_indices() -> None:
    first = random_split_indices(100, 20, 5, seed=3)
    second = random_split_indices(100, 20, 5, seed=3)
    assert len(first) == 5
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.size == 20
        assert np.unique(a).size == 20
        assert np.all(np.diff(a) > 0)
        assert a.min() >= 0 and a.max() < 100
    assert any(not np.array_equal(a, b) for a, b in itertools.pairwise(first))
    other = random_split_indices(100, 20, 5, seed=4)
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))
    assert random_split_indices(100, 20, 0) == []
    with pytest.raises(ValueError, match="n_test must be < n=10"):
        random_split_indices(10, 10, 1)
    with pytest.raises(ValueError, match="n_test must be >= 1"):
        random_split_indices(10, 0, 1)


def _fake(value: float) -> SetComparison:
    return SetComparison(aggregate={n: value for n in STATISTIC_NAMES}, per_feature={})


def test_beats_random_respects_direction() -> None:
    randoms = [_fake(0.4), _fake(0.6)]  # mean 0.5
    higher = beats_random(_fake(0.7), randoms)
    lower = beats_random(_fake(0.3), randoms)
    equal = beats_random(_fake(0.5), randoms)
    for name in STATISTIC_NAMES:
        assert higher[name] is HIGHER_IS_HARDER[name]
        assert lower[name] is (not HIGHER_IS_HARDER[name])
        assert equal[name] is False
    with pytest.raises(ValueError, match="randoms"):
        beats_random(_fake(0.5), [])


def test_shifted_split_beats_random_splits() -> None:
    rng = _rng(12)
    X = rng.random((2000, 3))
    split = np.sort(np.argsort(X[:, 0])[-400:])
    res = compare_split(X, split)
    randoms = [compare_split(X, i) for i in random_split_indices(2000, 400, 5, seed=1)]
    assert all(beats_random(res, randoms).values())


def test_ks_p_equals_scipy_with_ties() -> None:
    rng = _rng(12)
    train = np.round(rng.random((400, 3)) * 6) / 6  # few distinct values: many ties
    test = np.round(rng.random((90, 3)) * 5) / 5 + np.array([0.0, 0.05, 0.2])
    res = compare_sets(train, test)
    for j in range(3):
        ref = stats.ks_2samp(train[:, j], test[:, j], method="asymp").pvalue
        assert res.per_feature["ks_p"][j] == pytest.approx(float(ref), rel=1e-12)


def test_split_comparer_reuses_its_sorting_for_many_splits() -> None:
    rng = _rng(13)
    X = np.round(rng.random((300, 4)) * 8) / 8
    comparer = SplitComparer(X, bins=20, mmd_max_rows=100, seed=3)
    for test in random_split_indices(300, 45, 4, seed=2):
        mask = np.zeros(300, dtype=bool)
        mask[test] = True
        assert comparer.compare(test) == compare_sets(
            X[~mask], X[mask], bins=20, mmd_max_rows=100, seed=3
        )
    with pytest.raises(ValueError, match="training set would be empty"):
        comparer.compare(np.arange(300))
