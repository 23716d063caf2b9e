"""Non-negative matrix factorization ``X ≈ W H`` by multiplicative updates.

One component per test row, so ``W`` (n × k) is the only large array. Every product is
associated by shape so that an iteration costs ``6·n·k·d`` flops rather than ``n·k²``:

* ``H ← H ⊙ (Wᵀ X) / (Wᵀ (W H) + ε)``
* ``W ← W ⊙ (X Hᵀ) / ((W H) Hᵀ + ε)``

The W update of a row block needs only that block and ``H``, and the sums ``Wᵀ X`` and
``Wᵀ (W H)`` for the next H update can be accumulated from the freshly updated block while
it is still in cache, so one iteration streams ``W`` once. Blocks are accumulated in a fixed
number of lanes summed in a fixed order, and BLAS runs single-threaded inside each lane, so
the result does not depend on the number of threads.

The initialisation is a counter-based generator (SplitMix64 of the element's index and the
seed) that gives bit-identical values in NumPy and CuPy, on any machine.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from .backend import GPU_BLOCK_ROWS, single_threaded_blas

EPSILON = 1e-12  #: added to every denominator
FLOOR = 1e-12  #: entries of W and H never fall below this
LANES = 8  #: fixed accumulation lanes (independent of the thread count)
INIT = "splitmix64-uniform"
CHECK_EVERY = 10  #: iterations between convergence checks

Progress = Callable[[int, int], None]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def splitmix_uniform(xp: ModuleType, seed: int, stream: int, start: int, count: int) -> np.ndarray:
    """Uniform numbers in (0, 1) for element indices ``start .. start+count-1`` of a stream.

    The same ``(seed, stream, index)`` gives the same float64 on every device.

    >>> a = splitmix_uniform(np, 0, 1, 0, 4)
    >>> bool(((a > 0) & (a < 1)).all()), a.tolist() == splitmix_uniform(np, 0, 1, 0, 4).tolist()
    (True, True)
    """
    key = np.uint64((seed * 0x100000001B3 + stream * 0x9E3779B1) % (1 << 64))
    z = xp.arange(start, start + count, dtype=xp.uint64)
    z *= _GOLDEN
    z += key
    shifted = xp.empty_like(z)
    for shift, multiplier in ((30, _MIX1), (27, _MIX2)):
        xp.right_shift(z, np.uint64(shift), out=shifted)
        z ^= shifted
        z *= multiplier
    xp.right_shift(z, np.uint64(31), out=shifted)
    z ^= shifted
    z >>= np.uint64(11)
    out = z.astype(xp.float64)
    out += 0.5
    out *= 1.0 / (1 << 53)
    return out


@dataclass(frozen=True)
class Factorization:
    W: np.ndarray
    H: np.ndarray
    iterations: int  #: iterations actually run (fewer than asked when ``tol`` stopped them)
    #: smallest relative margin of the early-stop tests (``inf`` when none was made)
    stop_margin: float = float("inf")


def default_threads() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_block_rows(k: int) -> int:
    """Rows per block: about 1 MiB of W, so that a block and its products stay in a core's
    cache (L2) between the passes over it. Measured on 2 cores (k = 1600 and 3200, d = 20):
    0.3 to 1.6 MiB ran fastest, 6 MiB 20 to 30 % slower. A fixed function of k, never of
    the machine, so that a machine's result does not depend on its cache size."""
    return int(min(1024, max(16, (1 << 20) // (8 * max(k, 1)))))


def estimate_bytes(n: int, d: int, k: int, on_gpu: bool) -> int:
    """Memory the factorization needs: ``W`` (n × k float64) plus its work buffers.

    The buffers of a block hold the numerator and the denominator (2 × block rows × k): on
    the CPU a few cache-sized blocks (one per lane), on the GPU one block of up to
    ``GPU_BLOCK_ROWS`` rows.
    """
    if on_gpu:
        buffers = 2 * min(n, GPU_BLOCK_ROWS) * k * 8
    else:
        buffers = LANES * 2 * min(n, default_block_rows(k)) * k * 8
    return int(n * k * 8 + buffers + 3 * n * d * 8 + LANES * k * (2 * d + 1) * 8)


def initial_factors(
    X: np.ndarray, k: int, seed: int, xp: ModuleType
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded, device-independent initial ``W`` (n × k) and ``H`` (k × d)."""
    n, d = X.shape
    scale = 2.0 * math.sqrt(float(X.mean()) / k)
    W = xp.empty((n, k), dtype=xp.float64)
    # host: chunks that stay in cache; device: half a block (a chunk is a dozen kernel
    # launches and three chunk-sized temporaries; the values depend only on the index)
    rows_per_chunk = max(1, (1 << 16) // k if xp is np else min(n, GPU_BLOCK_ROWS) // 2)
    for start in range(0, n, rows_per_chunk):
        stop = min(n, start + rows_per_chunk)
        chunk = splitmix_uniform(xp, seed, 1, start * k, (stop - start) * k)
        W[start:stop] = chunk.reshape(stop - start, k) * scale
    H = splitmix_uniform(xp, seed, 2, 0, k * d).reshape(k, d) * scale
    return W, H


def uses_gram(n: int, d: int, k: int) -> bool:
    """Whether the denominators go through the Gram matrices ``WᵀW`` and ``HHᵀ``.

    ``Wᵀ(WH)`` and ``(WH)Hᵀ`` cost ``2·n·k·d`` each; ``(WᵀW)H`` and ``W(HHᵀ)`` cost
    ``n·k² + k²·d``, cheaper when ``k`` is small against ``d`` (images, spectra). The
    choice depends on the shape alone, never on the machine; the k × k matrices per lane
    are capped at 512 MiB together.
    """
    return k * (n + d) < 2 * n * d and LANES * k * k * 8 <= 512 << 20


class _Lane:
    """A fixed subset of row blocks with its own accumulator of the H-update sums:
    ``[Wᵀ X, Wᵀ (W H)]`` (k × 2d) or, with Gram matrices, ``[Wᵀ X, Wᵀ W]`` (k × (d + k)).

    Work buffers are allocated once: fresh multi-megabyte temporaries in every block would
    cost page faults that serialise the threads.
    """

    def __init__(self, blocks: list[slice], k: int, d: int, xp: ModuleType, gram: bool) -> None:
        self.blocks = blocks
        self.xp = xp
        self.gram = gram
        rows = max((b.stop - b.start for b in blocks), default=0)
        self.products = xp.empty((2 * rows, k), dtype=xp.float64)
        self.sums = xp.zeros((k, d + (k if gram else d)), dtype=xp.float64)
        if gram:
            self.x_part = xp.empty((k, d), dtype=xp.float64)
            self.w_part = xp.empty((k, k), dtype=xp.float64)
            return
        # [[X_b, 0], [W_b H, 1]]: numerator and denominator operands in one product
        self.stacked = xp.zeros((2 * rows, d + 1), dtype=xp.float64)
        self.pair = xp.empty((rows, 2 * d), dtype=xp.float64)  # [X_b, W_b H]
        self.partial = xp.empty((k, 2 * d), dtype=xp.float64)

    def sweep(self, X: np.ndarray, W: np.ndarray, H: np.ndarray, update_w: bool) -> None:
        """Update this lane's blocks of ``W`` (when asked) and accumulate the H-update sums.

        Without Gram matrices, the W update's numerator ``X Hᵀ`` and denominator
        ``(W H) Hᵀ + ε`` come from one product ``[[X, 0], [W H, 1]] @ [[Hᵀ], [ε]]``, so ε
        costs no pass; products go straight into the buffers that use them.
        """
        xp = self.xp
        d = X.shape[1]
        self.sums[...] = 0.0
        if self.gram:
            self._sweep_gram(X, W, H, update_w)
            return
        extended = xp.empty((d + 1, H.shape[0]), dtype=xp.float64)
        extended[:d] = H.T
        extended[d] = EPSILON
        for rows in self.blocks:
            Wb = W[rows]
            m = Wb.shape[0]
            pair = self.pair[:m]
            pair[:, :d] = X[rows]
            if update_w:
                stacked = self.stacked[: 2 * m]
                stacked[:m, :d] = pair[:, :d]
                stacked[:m, d] = 0.0
                xp.matmul(Wb, H, out=stacked[m:, :d])
                stacked[m:, d] = 1.0
                products = self.products[: 2 * m]
                xp.matmul(stacked, extended, out=products)
                _update_block(xp, Wb, products[:m], products[m:])
            xp.matmul(Wb, H, out=pair[:, d:])
            xp.matmul(Wb.T, pair, out=self.partial)
            self.sums += self.partial

    def _sweep_gram(self, X: np.ndarray, W: np.ndarray, H: np.ndarray, update_w: bool) -> None:
        xp = self.xp
        d = X.shape[1]
        Ht = xp.ascontiguousarray(H.T)
        gram_h = H @ Ht
        full = self.products.shape[0] // 2
        for rows in self.blocks:
            Wb = W[rows]
            Xb = X[rows]
            m = Wb.shape[0]
            if update_w:
                numerator = self.products[:m]
                denominator = self.products[full : full + m]
                xp.matmul(Xb, Ht, out=numerator)
                xp.matmul(Wb, gram_h, out=denominator)
                denominator += EPSILON
                _update_block(xp, Wb, numerator, denominator)
            xp.matmul(Wb.T, Xb, out=self.x_part)
            xp.matmul(Wb.T, Wb, out=self.w_part)
            self.sums[:, :d] += self.x_part
            self.sums[:, d:] += self.w_part


def _update_block(
    xp: ModuleType, Wb: np.ndarray, numerator: np.ndarray, denominator: np.ndarray
) -> None:
    """``W_b ← max(W_b ⊙ numerator / denominator, FLOOR)`` in place."""
    xp.divide(numerator, denominator, out=numerator)
    Wb *= numerator
    xp.maximum(Wb, FLOOR, out=Wb)


def factorize(
    X: np.ndarray,
    k: int,
    *,
    iterations: int = 200,
    tol: float = 0.0,
    seed: int = 0,
    xp: ModuleType = np,
    threads: int | None = None,
    block_rows: int | None = None,
    progress: Progress | None = None,
) -> Factorization:
    """Factorize non-negative ``X`` (n × d) into ``W`` (n × k) and ``H`` (k × d).

    Runs at most ``iterations`` updates. With ``tol > 0`` it stops early, at a multiple of
    ``CHECK_EVERY`` iterations, once the squared error fell by less than ``tol`` times the
    initial squared error over the last ``CHECK_EVERY`` iterations (the rule of
    scikit-learn's NMF). The error costs nothing extra: ``‖X − WH‖² = ‖X‖² − 2⟨H, WᵀX⟩ +
    ⟨H, Wᵀ(WH)⟩`` and both products are the sums the next H update needs anyway.

    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> f = factorize(X, 2, iterations=300)
    >>> bool(np.abs(f.W @ f.H - X).max() < 0.05)
    True
    """
    X = xp.ascontiguousarray(xp.asarray(X, dtype=xp.float64))
    n, d = X.shape
    W, H = initial_factors(X, k, seed, xp)
    on_host = xp is np
    rows = block_rows or (default_block_rows(k) if on_host else min(n, GPU_BLOCK_ROWS))
    blocks = [slice(s, min(n, s + rows)) for s in range(0, n, rows)]
    lane_count = min(LANES, len(blocks)) if on_host else 1
    gram = uses_gram(n, d, k)
    lanes = [_Lane(blocks[i::lane_count], k, d, xp, gram) for i in range(lane_count)]
    workers = min(threads or default_threads(), lane_count)

    with single_threaded_blas(on_host), ThreadPoolExecutor(max_workers=workers) as pool:

        def sweep_all(update_w: bool) -> tuple[np.ndarray, np.ndarray]:
            """``(Wᵀ X, Wᵀ W H)`` for the current W and H, after updating W when asked."""
            if workers > 1:
                list(pool.map(lambda lane: lane.sweep(X, W, H, update_w), lanes))
            else:
                for lane in lanes:
                    lane.sweep(X, W, H, update_w)
            total = lanes[0].sums.copy()
            for lane in lanes[1:]:
                total += lane.sums
            return total[:, :d], (total[:, d:] @ H if gram else total[:, d:])

        norm_x = float((X * X).sum())

        def squared_error(sums: tuple[np.ndarray, np.ndarray]) -> float:
            wtx, wtwh = sums
            return norm_x - 2.0 * float((H * wtx).sum()) + float((H * wtwh).sum())

        sums = sweep_all(update_w=False)
        initial = previous = squared_error(sums)
        # the error is a sum of terms as large as ‖X‖² (or the initial error): its
        # rounding, and so the stop test's, is relative to that
        size = max(norm_x, initial, 1e-300)
        stop_margin = float("inf")
        done = 0
        for done in range(1, iterations + 1):
            H *= sums[0] / (sums[1] + EPSILON)
            xp.maximum(H, FLOOR, out=H)
            sums = sweep_all(update_w=True)
            if progress is not None:
                progress(done, iterations)
            if tol > 0 and done % CHECK_EVERY == 0:
                error = squared_error(sums)
                stop_margin = min(stop_margin, abs(previous - error - tol * initial) / size)
                if previous - error < tol * initial:
                    break
                previous = error
    return Factorization(W, H, done, stop_margin)
