"""Statistics comparing a training set with a test set (BenchMake, Barnard 2025).

Seven statistics are computed, following arXiv:2506.23419. Per-feature values are
aggregated to one number per statistic by the arithmetic mean over features; the
maximum mean discrepancy is computed on whole rows. Lower p-values and higher
divergences/distances mean a more different (harder) test set. See docs/statistics.md.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from .mmd import BLOCK_ELEMENTS, block_rows, mmd_of_subsamples, subsample
from .sampling import check_int as _check_int
from .sampling import check_matrix, random_split_indices

__all__ = [
    "HIGHER_IS_HARDER",
    "KL_SMOOTHING",
    "KS_METHOD",
    "STATISTIC_LABELS",
    "STATISTIC_NAMES",
    "SetComparison",
    "SplitComparer",
    "beats_random",
    "compare_sets",
    "compare_split",
    "mmd_rbf",
    "random_split_indices",
]

STATISTIC_NAMES: tuple[str, ...] = (
    "t_test_p",
    "ks_p",
    "mutual_information",
    "kl_divergence",
    "js_divergence",
    "wasserstein",
    "mmd",
)
#: how reports and plots name each statistic
STATISTIC_LABELS: dict[str, str] = {
    "t_test_p": "t-test p-value",
    "ks_p": "KS p-value",
    "mutual_information": "mutual information",
    "kl_divergence": "KL divergence",
    "js_divergence": "JS divergence",
    "wasserstein": "Wasserstein distance",
    "mmd": "MMD (RBF kernel)",
}

HIGHER_IS_HARDER: dict[str, bool] = {
    "t_test_p": False,
    "ks_p": False,
    "mutual_information": True,
    "kl_divergence": True,
    "js_divergence": True,
    "wasserstein": True,
    "mmd": True,
}

KL_SMOOTHING: float = 1e-10
"""Pseudo-probability added to every histogram bin before the KL divergence."""

KS_METHOD: str = "asymp"
"""SciPy ``ks_2samp`` method: the asymptotic Kolmogorov distribution (fast on any size)."""

_PER_FEATURE: tuple[str, ...] = STATISTIC_NAMES[:-1]


@dataclass(frozen=True)
class SetComparison:
    """Result of comparing a training set with a test set."""

    aggregate: dict[str, float]
    per_feature: dict[str, list[float]]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary (plain floats and lists)."""
        return {
            "aggregate": {name: float(self.aggregate[name]) for name in STATISTIC_NAMES},
            "per_feature": {
                name: [float(v) for v in self.per_feature[name]]
                for name in _PER_FEATURE
                if name in self.per_feature
            },
        }


def _t_test_p(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Welch's t-test p-value per feature; undefined values are resolved as documented."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        p = np.asarray(stats.ttest_ind(train, test, axis=0, equal_var=False).pvalue, dtype=float)
    p = np.atleast_1d(p).copy()
    const_train = train.min(axis=0) == train.max(axis=0)
    const_test = test.min(axis=0) == test.max(axis=0)
    both = const_train & const_test
    p[both] = np.where(train[0, both] == test[0, both], 1.0, 0.0)
    p[np.isnan(p)] = 1.0
    return p


def _bin_of_each_value(X: np.ndarray, bins: int) -> np.ndarray:
    """Histogram bin (0 .. bins-1) of every entry, on equal-width bins over each column's range.

    The range of a column is its minimum and maximum over all rows; a constant column puts
    every value in bin 0.
    """
    lo = X.min(axis=0)
    span = X.max(axis=0) - lo
    scale = np.divide(bins, span, out=np.zeros_like(span), where=span > 0)
    dtype = np.uint8 if bins <= 256 else np.int32
    out = np.empty(X.shape, dtype=dtype)
    for start in range(0, X.shape[0], block_rows(X.shape[1])):
        rows = slice(start, start + block_rows(X.shape[1]))
        idx = np.floor((X[rows] - lo) * scale)
        np.clip(idx, 0, bins - 1, out=idx)
        out[rows] = idx
    return out


def _xlogy_ratio(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Elementwise p*log(p/q) with the convention 0*log(0/q) = 0."""
    out = np.zeros_like(p)
    mask = p > 0
    out[mask] = p[mask] * np.log(p[mask] / q[mask])
    return out


def _histogram_statistics(
    c_train: np.ndarray, c_test: np.ndarray, n_train: int, n_test: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mutual information, KL(test||train) and JS divergence per feature, in nats, from the
    bin counts (features, bins) of each set."""
    bins = c_train.shape[1]
    total = n_train + n_test
    c_bin = c_train + c_test
    mi = (
        _xlogy_ratio(c_train, c_bin * (n_train / total)).sum(axis=1)
        + _xlogy_ratio(c_test, c_bin * (n_test / total)).sum(axis=1)
    ) / total
    mi = np.maximum(mi, 0.0)

    p_train = c_train / n_train
    p_test = c_test / n_test
    norm = 1.0 + bins * KL_SMOOTHING
    q = (p_train + KL_SMOOTHING) / norm
    p = (p_test + KL_SMOOTHING) / norm
    kl = np.maximum((p * np.log(p / q)).sum(axis=1), 0.0)

    mid = 0.5 * (p_train + p_test)
    js = 0.5 * _xlogy_ratio(p_test, mid).sum(axis=1) + 0.5 * _xlogy_ratio(p_train, mid).sum(axis=1)
    js = np.clip(js, 0.0, math.log(2.0))
    return mi, kl, js


def _ks_p_from_statistic(d: np.ndarray, n_train: int, n_test: int) -> np.ndarray:
    """Two-sided asymptotic KS p-value, exactly as SciPy ``ks_2samp(method="asymp")``."""
    m, n = sorted([float(n_train), float(n_test)], reverse=True)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        p = np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0.0, 1.0)
    p = np.atleast_1d(np.asarray(p, dtype=float)).copy()
    p[np.isnan(p)] = 1.0  # only one row in each set: the asymptotic form is undefined
    return p


def mmd_rbf(train: np.ndarray, test: np.ndarray, *, max_rows: int = 1000, seed: int = 0) -> float:
    """Biased (V-statistic) RBF-kernel MMD between the rows of two sets, reported as sqrt(MMD^2).

    Each set is reduced to at most ``max_rows`` rows drawn by ``numpy.random.default_rng(seed)``
    (training set first). The bandwidth is the median pairwise distance of the pooled rows.
    """
    train, test = _train_and_test(train, test)
    max_rows = _check_int("max_rows", max_rows, 1)
    seed = _check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    x = train[subsample(train.shape[0], max_rows, rng)]
    y = test[subsample(test.shape[0], max_rows, rng)]
    return mmd_of_subsamples(x, y, rng)


def compare_sets(
    train: np.ndarray,
    test: np.ndarray,
    *,
    bins: int = 50,
    mmd_max_rows: int = 1000,
    seed: int = 0,
) -> SetComparison:
    """Compute the seven statistics comparing ``train`` (n_train, d) with ``test`` (n_test, d)."""
    train, test = _train_and_test(train, test)
    pooled = SplitComparer(
        np.vstack([train, test]), bins=bins, mmd_max_rows=mmd_max_rows, seed=seed
    )
    return pooled.compare(np.arange(train.shape[0], train.shape[0] + test.shape[0]))


def _train_and_test(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both sets as float matrices with the same number of features, or ``ValueError``."""
    train = check_matrix("train", train)
    test = check_matrix("test", test)
    if train.shape[1] != test.shape[1]:
        raise ValueError(
            f"train and test must have the same number of features, "
            f"got {train.shape[1]} and {test.shape[1]}"
        )
    return train, test


def _check_indices(name: str, indices: np.ndarray, n: int) -> np.ndarray:
    """Validate a 1-D array of unique integer row indices in [0, n)."""
    idx = np.asarray(indices)
    if idx.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of row indices, got shape {idx.shape}")
    if idx.size == 0:
        raise ValueError(f"{name} must contain at least one index")
    if not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"{name} must contain integers, got dtype {idx.dtype}")
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"{name} must lie in [0, {n}), got values from {idx.min()} to {idx.max()}")
    if np.unique(idx).size != idx.size:
        raise ValueError(f"{name} must not contain duplicate indices")
    return idx.astype(np.int64)


class SplitComparer:
    """Compares many splits of the same rows ``X`` into a training set and a test set.

    Everything that does not depend on the split is done once: each feature's sorted order
    (for the KS and Wasserstein statistics) and each value's histogram bin. One split then
    costs a few passes over ``X`` without sorting, so 20 random splits of 40 000 rows stay
    cheap. Per-feature work runs in blocks of features so temporaries stay bounded.
    """

    def __init__(
        self, X: np.ndarray, *, bins: int = 50, mmd_max_rows: int = 1000, seed: int = 0
    ) -> None:
        self.X = check_matrix("X", X)
        self.bins = _check_int("bins", bins, 1)
        self.mmd_max_rows = _check_int("mmd_max_rows", mmd_max_rows, 1)
        self.seed = _check_int("seed", seed, 0)
        n, d = self.X.shape
        self._bin = _bin_of_each_value(self.X, self.bins)
        index_type = np.int32 if n < 2**31 else np.int64
        self._order = np.empty((d, n), dtype=index_type)  # rows of each feature, sorted
        self._gaps = np.empty((d, max(n - 1, 0)))  # differences of consecutive sorted values
        self._group_end = np.empty((d, n), dtype=bool)  # last position of a run of equal values
        for features in self._feature_blocks():
            columns = self.X[:, features].T
            order = np.argsort(columns, axis=1, kind="stable")
            values = np.take_along_axis(columns, order, axis=1)
            self._order[features] = order
            self._gaps[features] = np.diff(values, axis=1)
            self._group_end[features, :-1] = values[:, 1:] != values[:, :-1]
            self._group_end[features, -1] = True

    def _feature_blocks(self) -> list[slice]:
        n, d = self.X.shape
        step = max(1, BLOCK_ELEMENTS // (8 * n))
        return [slice(start, min(start + step, d)) for start in range(0, d, step)]

    def compare(self, test_indices: np.ndarray) -> SetComparison:
        """The seven statistics for the split with ``X[test_indices]`` as the test set."""
        n = self.X.shape[0]
        idx = _check_indices("test_indices", test_indices, n)
        if idx.size == n:
            raise ValueError(
                f"test_indices selects all {n} rows of X; the training set would be empty"
            )
        is_test = np.zeros(n, dtype=bool)
        is_test[idx] = True
        n_test, n_train = int(idx.size), n - int(idx.size)
        parts: dict[str, list[np.ndarray]] = {name: [] for name in _PER_FEATURE}
        for features in self._feature_blocks():
            columns = self.X[:, features]
            parts["t_test_p"].append(_t_test_p(columns[~is_test], columns[is_test]))
            for name, values in zip(
                ("mutual_information", "kl_divergence", "js_divergence"),
                self._histogram_block(features, is_test, n_train, n_test),
                strict=True,
            ):
                parts[name].append(values)
            ks_d, wasserstein = self._cdf_block(features, is_test, n_train, n_test)
            parts["ks_p"].append(_ks_p_from_statistic(ks_d, n_train, n_test))
            parts["wasserstein"].append(wasserstein)
        per_feature_arrays = {name: np.concatenate(parts[name]) for name in _PER_FEATURE}
        aggregate = {name: float(np.mean(v)) for name, v in per_feature_arrays.items()}
        aggregate["mmd"] = self._mmd(is_test)
        per_feature = {name: [float(x) for x in v] for name, v in per_feature_arrays.items()}
        return SetComparison(aggregate=aggregate, per_feature=per_feature)

    def _histogram_block(
        self, features: slice, is_test: np.ndarray, n_train: int, n_test: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        width = features.stop - features.start
        offsets = np.arange(width, dtype=np.int64) * self.bins
        size = width * self.bins

        def counts(rows: np.ndarray) -> np.ndarray:
            flat = (self._bin[rows, features] + offsets).ravel()
            return np.bincount(flat, minlength=size).reshape(width, self.bins).astype(np.float64)

        return _histogram_statistics(counts(~is_test), counts(is_test), n_train, n_test)

    def _cdf_block(
        self, features: slice, is_test: np.ndarray, n_train: int, n_test: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """KS statistic and Wasserstein-1 distance per feature, from the pooled sorted order.

        The empirical CDFs are evaluated at every sorted pooled value; the KS statistic is the
        largest ``|F_train - F_test|`` at the end of a run of equal values (as SciPy's
        ``searchsorted(side="right")``), and the Wasserstein distance integrates
        ``|F_train - F_test|`` over the gaps between consecutive values (as SciPy's
        ``wasserstein_distance``).
        """
        from_test = is_test[self._order[features]]
        test_count = np.cumsum(from_test, axis=1)
        train_count = np.arange(1, from_test.shape[1] + 1) - test_count
        difference = np.abs(train_count / n_train - test_count / n_test)
        ks_d = np.max(np.where(self._group_end[features], difference, 0.0), axis=1)
        wasserstein = np.sum(difference[:, :-1] * self._gaps[features], axis=1)
        return ks_d, wasserstein

    def _mmd(self, is_test: np.ndarray) -> float:
        """:func:`mmd_rbf` of the split's training and test rows, without copying whole sets."""
        rng = np.random.default_rng(self.seed)
        train_rows = np.flatnonzero(~is_test)
        test_rows = np.flatnonzero(is_test)
        x = self.X[train_rows[subsample(train_rows.size, self.mmd_max_rows, rng)]]
        y = self.X[test_rows[subsample(test_rows.size, self.mmd_max_rows, rng)]]
        return mmd_of_subsamples(x, y, rng)


def compare_split(
    X: np.ndarray,
    test_indices: np.ndarray,
    *,
    bins: int = 50,
    mmd_max_rows: int = 1000,
    seed: int = 0,
) -> SetComparison:
    """Compare the rows ``X[test_indices]`` (test) with all other rows of ``X`` (train).

    To compare many splits of the same ``X``, build one :class:`SplitComparer` instead.
    """
    return SplitComparer(X, bins=bins, mmd_max_rows=mmd_max_rows, seed=seed).compare(test_indices)


def beats_random(split: SetComparison, randoms: list[SetComparison]) -> dict[str, bool]:
    """Per statistic: is ``split`` strictly harder than the mean of the random splits?"""
    if len(randoms) == 0:
        raise ValueError("randoms must contain at least one SetComparison, got 0")
    result: dict[str, bool] = {}
    for name in STATISTIC_NAMES:
        mean_random = float(np.mean([r.aggregate[name] for r in randoms]))
        value = float(split.aggregate[name])
        result[name] = value > mean_random if HIGHER_IS_HARDER[name] else value < mean_random
    return result
