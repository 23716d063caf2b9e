"""The RBF-kernel maximum mean discrepancy between two sets of rows, computed blockwise.

The bandwidth is the median pairwise distance of the pooled rows (at most
``BANDWIDTH_MAX_ROWS`` of them); up to ``REUSE_MAX_ROWS`` pooled rows one distance matrix
serves the bandwidth and all three kernel means.
"""

from __future__ import annotations

import math

import numpy as np

BANDWIDTH_MAX_ROWS = 2000
REUSE_MAX_ROWS = BANDWIDTH_MAX_ROWS
BLOCK_ELEMENTS = 1 << 22  # entries of one kernel block (32 MiB of float64)


def sq_distances(a: np.ndarray, b: np.ndarray, aa: np.ndarray, bb: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of ``a`` and ``b`` (clipped at 0)."""
    d2 = aa[:, None] + bb[None, :] - 2.0 * (a @ b.T)
    np.maximum(d2, 0.0, out=d2)
    return d2


def block_rows(n_cols: int) -> int:
    """Rows per block so that a block holds at most about ``BLOCK_ELEMENTS`` entries."""
    return max(1, BLOCK_ELEMENTS // max(1, n_cols))


def pairwise_sq_distances(z: np.ndarray) -> np.ndarray:
    """Squared distances between all rows of ``z`` (a full, small matrix)."""
    zz = np.einsum("ij,ij->i", z, z)
    return sq_distances(z, z, zz, zz)


def median_distance(d2: np.ndarray) -> float:
    """Median Euclidean distance over all distinct pairs, from the full squared-distance
    matrix ``d2`` of at most ``BANDWIDTH_MAX_ROWS`` rows. The median over ordered
    off-diagonal pairs equals the median over distinct pairs, since every distinct pair
    appears exactly twice."""
    n = d2.shape[0]
    if n < 2:
        return 0.0
    off_diagonal = d2.ravel()[1:].reshape(n - 1, n + 1)[:, :-1]
    return float(np.sqrt(np.median(off_diagonal)))


def kernel_mean(a: np.ndarray, b: np.ndarray, gamma: float) -> float:
    """Mean of exp(-gamma * ||a_i - b_j||^2) over all pairs, computed blockwise."""
    aa = np.einsum("ij,ij->i", a, a)
    bb = np.einsum("ij,ij->i", b, b)
    total = 0.0
    step = block_rows(b.shape[0])
    for start in range(0, a.shape[0], step):
        stop = min(start + step, a.shape[0])
        d2 = sq_distances(a[start:stop], b, aa[start:stop], bb)
        total += float(np.exp(-gamma * d2).sum())
    return total / (a.shape[0] * b.shape[0])


def subsample(n: int, max_rows: int, rng: np.random.Generator) -> np.ndarray | slice:
    """Positions of at most ``max_rows`` of ``n`` rows, drawn without replacement (sorted),
    or all rows (no draw)."""
    if n <= max_rows:
        return slice(None)
    return np.sort(rng.choice(n, size=max_rows, replace=False))


def mmd_of_subsamples(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> float:
    """The RBF MMD of two already subsampled sets; ``rng`` draws the bandwidth rows."""
    pooled = np.vstack([x, y])
    if pooled.shape[0] <= REUSE_MAX_ROWS:
        # one distance matrix serves the bandwidth and all three kernel means
        d2 = pairwise_sq_distances(pooled)
        gamma = rbf_gamma(median_distance(d2))
        np.multiply(d2, -gamma, out=d2)
        kernel = np.exp(d2, out=d2)
        nx = x.shape[0]
        mmd2 = (
            float(kernel[:nx, :nx].mean())
            + float(kernel[nx:, nx:].mean())
            - 2.0 * float(kernel[:nx, nx:].mean())
        )
    else:
        sample = pooled[subsample(pooled.shape[0], BANDWIDTH_MAX_ROWS, rng)]
        gamma = rbf_gamma(median_distance(pairwise_sq_distances(sample)))
        mmd2 = kernel_mean(x, x, gamma) + kernel_mean(y, y, gamma) - 2.0 * kernel_mean(x, y, gamma)
    return math.sqrt(max(mmd2, 0.0))


def rbf_gamma(sigma: float) -> float:
    """RBF coefficient 1 / (2 s^2) for the bandwidth ``s`` (1 when ``s`` is 0)."""
    if not sigma > 0.0:
        sigma = 1.0
    return 1.0 / (2.0 * sigma * sigma)
