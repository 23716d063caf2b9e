"""Statistics comparing a training set with a test set (BenchMake, Barnard 2025).

Seven statistics are computed, following arXiv:2506.23419. Per-feature values are
aggregated to one number per statistic by the arithmetic mean over features; the
maximum mean discrepancy is computed on whole rows. Lower p-values and higher
divergences/distances mean a more different (harder) test set. See STATISTICS.md.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

__all__ = [
    "HIGHER_IS_HARDER",
    "KL_SMOOTHING",
    "KS_METHOD",
    "STATISTIC_NAMES",
    "SetComparison",
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
_BANDWIDTH_MAX_ROWS = 2000
_BLOCK_ELEMENTS = 1 << 22  # entries of one kernel block (32 MiB of float64)


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


def _as_matrix(name: str, data: np.ndarray) -> np.ndarray:
    """Return ``data`` as a finite 2-D float64 array with at least one row and column."""
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim == 1:
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


def _check_int(name: str, value: int, minimum: int) -> int:
    """Validate an integer parameter with a lower bound."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


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


def _ks_p(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Two-sample Kolmogorov-Smirnov p-value per feature (asymptotic method)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = stats.ks_2samp(train, test, axis=0, method=KS_METHOD).pvalue
    p = np.atleast_1d(np.asarray(p, dtype=float)).copy()
    p[np.isnan(p)] = 1.0  # only one row in each set: the asymptotic form is undefined
    return p


def _histogram_counts(data: np.ndarray, lo: np.ndarray, hi: np.ndarray, bins: int) -> np.ndarray:
    """Counts of shape (features, bins) on equal-width bins over [lo, hi], all features at once."""
    n_features = data.shape[1]
    span = hi - lo
    scale = np.divide(bins, span, out=np.zeros_like(span), where=span > 0)
    idx = np.floor((data - lo) * scale).astype(np.int64)
    np.clip(idx, 0, bins - 1, out=idx)
    idx += np.arange(n_features, dtype=np.int64) * bins
    counts = np.bincount(idx.ravel(), minlength=n_features * bins)
    return counts.reshape(n_features, bins).astype(np.float64)


def _xlogy_ratio(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Elementwise p*log(p/q) with the convention 0*log(0/q) = 0."""
    out = np.zeros_like(p)
    mask = p > 0
    out[mask] = p[mask] * np.log(p[mask] / q[mask])
    return out


def _histogram_statistics(
    train: np.ndarray, test: np.ndarray, lo: np.ndarray, hi: np.ndarray, bins: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mutual information, KL(test||train) and JS divergence per feature, in nats."""
    n_train, n_test = train.shape[0], test.shape[0]
    c_train = _histogram_counts(train, lo, hi, bins)
    c_test = _histogram_counts(test, lo, hi, bins)
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


def _wasserstein(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Wasserstein-1 distance per feature, vectorised over features.

    Equals ``scipy.stats.wasserstein_distance`` on each column: the integral of
    ``|F_train - F_test|`` over the merged sorted values of both sets.
    """
    n_train = train.shape[0]
    pooled = np.concatenate([train.T, test.T], axis=1)  # (features, rows), contiguous rows
    order = np.argsort(pooled, axis=1)
    values = np.take_along_axis(pooled, order, axis=1)
    from_train = order < n_train
    cdf_train = np.cumsum(from_train, axis=1) / n_train
    cdf_test = np.cumsum(~from_train, axis=1) / test.shape[0]
    gaps = np.diff(values, axis=1)
    return np.sum(np.abs(cdf_train[:, :-1] - cdf_test[:, :-1]) * gaps, axis=1)


def _sq_distances(a: np.ndarray, b: np.ndarray, aa: np.ndarray, bb: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of ``a`` and ``b`` (clipped at 0)."""
    d2 = aa[:, None] + bb[None, :] - 2.0 * (a @ b.T)
    np.maximum(d2, 0.0, out=d2)
    return d2


def _block_rows(n_cols: int) -> int:
    """Rows per block so that a block holds at most about ``_BLOCK_ELEMENTS`` entries."""
    return max(1, _BLOCK_ELEMENTS // max(1, n_cols))


def _median_distance(z: np.ndarray) -> float:
    """Median Euclidean distance over all distinct pairs of rows of ``z``.

    ``z`` has at most ``_BANDWIDTH_MAX_ROWS`` rows, so the full matrix stays small. The
    median over ordered off-diagonal pairs equals the median over distinct pairs, since
    every distinct pair appears exactly twice.
    """
    n = z.shape[0]
    if n < 2:
        return 0.0
    zz = np.einsum("ij,ij->i", z, z)
    d2 = _sq_distances(z, z, zz, zz)
    off_diagonal = d2.ravel()[1:].reshape(n - 1, n + 1)[:, :-1]
    return float(np.sqrt(np.median(off_diagonal)))


def _kernel_mean(a: np.ndarray, b: np.ndarray, gamma: float) -> float:
    """Mean of exp(-gamma * ||a_i - b_j||^2) over all pairs, computed blockwise."""
    aa = np.einsum("ij,ij->i", a, a)
    bb = np.einsum("ij,ij->i", b, b)
    total = 0.0
    step = _block_rows(b.shape[0])
    for start in range(0, a.shape[0], step):
        stop = min(start + step, a.shape[0])
        d2 = _sq_distances(a[start:stop], b, aa[start:stop], bb)
        total += float(np.exp(-gamma * d2).sum())
    return total / (a.shape[0] * b.shape[0])


def _subsample(data: np.ndarray, max_rows: int, rng: np.random.Generator) -> np.ndarray:
    """At most ``max_rows`` rows drawn without replacement (sorted), or all rows."""
    n = data.shape[0]
    if n <= max_rows:
        return data
    return data[np.sort(rng.choice(n, size=max_rows, replace=False))]


def mmd_rbf(train: np.ndarray, test: np.ndarray, *, max_rows: int = 1000, seed: int = 0) -> float:
    """Biased (V-statistic) RBF-kernel MMD between the rows of two sets, reported as sqrt(MMD^2).

    Each set is reduced to at most ``max_rows`` rows drawn by ``numpy.random.default_rng(seed)``
    (training set first). The bandwidth is the median pairwise distance of the pooled rows.
    """
    train = _as_matrix("train", train)
    test = _as_matrix("test", test)
    if train.shape[1] != test.shape[1]:
        raise ValueError(
            f"train and test must have the same number of features, "
            f"got {train.shape[1]} and {test.shape[1]}"
        )
    max_rows = _check_int("max_rows", max_rows, 1)
    seed = _check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    x = _subsample(train, max_rows, rng)
    y = _subsample(test, max_rows, rng)
    pooled = _subsample(np.vstack([x, y]), _BANDWIDTH_MAX_ROWS, rng)
    sigma = _median_distance(pooled)
    if not sigma > 0.0:
        sigma = 1.0
    gamma = 1.0 / (2.0 * sigma * sigma)
    mmd2 = _kernel_mean(x, x, gamma) + _kernel_mean(y, y, gamma) - 2.0 * _kernel_mean(x, y, gamma)
    return math.sqrt(max(mmd2, 0.0))


def compare_sets(
    train: np.ndarray,
    test: np.ndarray,
    *,
    bins: int = 50,
    mmd_max_rows: int = 1000,
    seed: int = 0,
) -> SetComparison:
    """Compute the seven statistics comparing ``train`` (n_train, d) with ``test`` (n_test, d)."""
    train = _as_matrix("train", train)
    test = _as_matrix("test", test)
    if train.shape[1] != test.shape[1]:
        raise ValueError(
            f"train and test must have the same number of features, "
            f"got {train.shape[1]} and {test.shape[1]}"
        )
    bins = _check_int("bins", bins, 1)
    mmd_max_rows = _check_int("mmd_max_rows", mmd_max_rows, 1)
    seed = _check_int("seed", seed, 0)

    lo = np.minimum(train.min(axis=0), test.min(axis=0))
    hi = np.maximum(train.max(axis=0), test.max(axis=0))
    mi, kl, js = _histogram_statistics(train, test, lo, hi, bins)
    per_feature_arrays = {
        "t_test_p": _t_test_p(train, test),
        "ks_p": _ks_p(train, test),
        "mutual_information": mi,
        "kl_divergence": kl,
        "js_divergence": js,
        "wasserstein": _wasserstein(train, test),
    }
    aggregate = {name: float(np.mean(v)) for name, v in per_feature_arrays.items()}
    aggregate["mmd"] = mmd_rbf(train, test, max_rows=mmd_max_rows, seed=seed)
    per_feature = {name: [float(x) for x in v] for name, v in per_feature_arrays.items()}
    return SetComparison(aggregate=aggregate, per_feature=per_feature)


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


def compare_split(
    X: np.ndarray,
    test_indices: np.ndarray,
    *,
    bins: int = 50,
    mmd_max_rows: int = 1000,
    seed: int = 0,
) -> SetComparison:
    """Compare the rows ``X[test_indices]`` (test) with all other rows of ``X`` (train)."""
    X = _as_matrix("X", X)
    idx = _check_indices("test_indices", test_indices, X.shape[0])
    if idx.size == X.shape[0]:
        raise ValueError(
            f"test_indices selects all {X.shape[0]} rows of X; the training set would be empty"
        )
    mask = np.zeros(X.shape[0], dtype=bool)
    mask[idx] = True
    return compare_sets(X[~mask], X[mask], bins=bins, mmd_max_rows=mmd_max_rows, seed=seed)


def random_split_indices(n: int, n_test: int, count: int, seed: int = 0) -> list[np.ndarray]:
    """Return ``count`` sorted random test index sets of size ``n_test`` drawn from ``range(n)``.

    All sets come from one ``numpy.random.default_rng(seed)`` stream, each drawn without
    replacement, so the result is deterministic for a given ``(n, n_test, count, seed)``.
    """
    n = _check_int("n", n, 2)
    n_test = _check_int("n_test", n_test, 1)
    if n_test >= n:
        raise ValueError(f"n_test must be < n={n} so the training set is not empty, got {n_test}")
    count = _check_int("count", count, 0)
    seed = _check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    return [np.sort(rng.choice(n, size=n_test, replace=False)) for _ in range(count)]


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
