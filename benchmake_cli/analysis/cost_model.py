"""How long a split takes and how much memory it needs, before running it.

For ``n`` rows, ``d`` features and ``k`` test rows (one NMF component each):

* **hashing** (always on the CPU): ``n × (hash_row_seconds + 8·d × hash_byte_seconds)``;
* **one iteration** of the multiplicative updates: ``12·n·k·d`` flops for the products plus
  about 13 passes over the ``n·k`` float64 entries of ``W`` (read for ``W H``, the numerator
  and denominator written and divided, ``W`` scaled and floored, read again for the sums of
  the next ``H`` update); on the CPU the row blocks run in ``min(threads, lanes, blocks)``
  parallel lanes;
* **matching**: ``n·k × (match_nk_seconds + d × match_nkd_seconds)``: every archetype's
  distances to every row (``2·n·k·d`` flops), rounded and partially sorted for its nearest
  candidates (passes over the ``n·k`` distances), and the exact fall-back when an
  archetype's candidates are all taken (another ``n·d`` each); measured as a whole.

The estimate is ``hashing + iterations × one iteration + matching``, with ``iterations`` the
most allowed (``--tol`` usually stops earlier, so it is an upper bound), in seconds of a
machine that is not running other work.

The CPU constants were measured on one core of the project's development machine by
``benchmarks/calibrate_cost_model.py`` (two sizes that differ in ``d``, so the flop rate and
the memory rate can be told apart), single-threaded and in CPU seconds. The GPU constants are *assumed*, not measured: no GPU
was available when calibrating; the flop and memory rates are about 75 % of an H100 PCIe's
data-sheet FP64 rate (26 TFLOP/s) and memory bandwidth (2 TB/s), and matching is the CPU's
scaled by the ratio of the memory rates. Rerun the script to calibrate another machine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..method import factorize

ITERATION_FLOPS_PER_NKD = 12  #: flops per n·k·d in one iteration (both updates)
ITERATION_PASSES = 13  #: passes over W's n·k float64 entries in one iteration


@dataclass(frozen=True)
class MachineRates:
    """The constants of the cost model for one kind of device."""

    flops: float  #: sustained float64 flop/s of the blocked products
    bytes_per_second: float  #: sustained bytes/s of the element-wise passes
    match_nk_seconds: float  #: matching cost per archetype and row
    match_nkd_seconds: float  #: matching cost per archetype, row and feature
    hash_row_seconds: float  #: hashing cost per row
    hash_byte_seconds: float  #: hashing cost per byte of a row
    measured: bool  #: measured on a real machine, or assumed from data sheets


#: One core of the development machine (2-core x86-64 VM, NumPy 2.4 with OpenBLAS), measured
#: by benchmarks/calibrate_cost_model.py in CPU seconds at n = 6000, d = 8 and 96, k = 1200.
CPU_RATES = MachineRates(
    flops=6.18e10,
    bytes_per_second=1.26e10,
    match_nk_seconds=3.57e-8,
    match_nkd_seconds=3.05e-10,
    hash_row_seconds=5.78e-7,
    hash_byte_seconds=1.29e-9,
    measured=True,
)

_GPU_BYTES_PER_SECOND = 1.5e12
_GPU_SPEED_UP = _GPU_BYTES_PER_SECOND / CPU_RATES.bytes_per_second

#: Assumed (see the module docstring); hashing still runs on the CPU.
GPU_RATES = MachineRates(
    flops=20e12,
    bytes_per_second=_GPU_BYTES_PER_SECOND,
    match_nk_seconds=CPU_RATES.match_nk_seconds / _GPU_SPEED_UP,
    match_nkd_seconds=CPU_RATES.match_nkd_seconds / _GPU_SPEED_UP,
    hash_row_seconds=CPU_RATES.hash_row_seconds,
    hash_byte_seconds=CPU_RATES.hash_byte_seconds,
    measured=False,
)


@dataclass(frozen=True)
class TimeEstimate:
    """Seconds for each step of a split on one device (an upper bound: all iterations)."""

    device: str
    hashing: float
    per_iteration: float
    iterations: int
    parallel_lanes: int
    matching: float
    measured_constants: bool

    @property
    def factorization(self) -> float:
        return self.per_iteration * self.iterations

    @property
    def total(self) -> float:
        return self.hashing + self.factorization + self.matching

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "factorization": self.factorization, "total": self.total}


def parallel_lanes(n: int, k: int, threads: int) -> int:
    """How many row-block lanes of the CPU factorization run at once."""
    blocks = -(-n // factorize.default_block_rows(k))
    return max(1, min(threads, factorize.LANES, blocks))


def iteration_seconds(n: int, d: int, k: int, rates: MachineRates) -> float:
    """One multiplicative-update iteration on one lane (or on the whole GPU)."""
    flops = ITERATION_FLOPS_PER_NKD * n * k * d
    moved = ITERATION_PASSES * n * k * 8
    return flops / rates.flops + moved / rates.bytes_per_second


def matching_seconds(n: int, d: int, k: int, rates: MachineRates) -> float:
    """Distances from every row to every archetype, and picking the nearest free rows."""
    return n * k * (rates.match_nk_seconds + d * rates.match_nkd_seconds)


def hashing_seconds(n: int, d: int, rates: MachineRates) -> float:
    """Hashing every row's float64 bytes."""
    return n * (rates.hash_row_seconds + 8 * d * rates.hash_byte_seconds)


def estimate_time(
    n: int,
    d: int,
    k: int,
    iterations: int,
    *,
    device: str,
    threads: int = 1,
    rates: MachineRates | None = None,
) -> TimeEstimate:
    """Estimated seconds for a split of ``n × d`` rows with ``k`` test rows.

    ``rates`` defaults to the constants of the device (:data:`CPU_RATES`, :data:`GPU_RATES`).

    >>> e = estimate_time(10_000, 20, 2_000, 200, device="cpu", threads=1)
    >>> e.parallel_lanes, e.total > e.factorization > e.matching > 0
    (1, True)
    >>> estimate_time(10_000, 20, 2_000, 200, device="cpu", threads=4).parallel_lanes
    4
    """
    on_gpu = device == "gpu"
    rates = rates or (GPU_RATES if on_gpu else CPU_RATES)
    lanes = 1 if on_gpu else parallel_lanes(n, k, threads)
    return TimeEstimate(
        device=device,
        hashing=hashing_seconds(n, d, rates),
        per_iteration=iteration_seconds(n, d, k, rates) / lanes,
        iterations=iterations,
        parallel_lanes=lanes,
        matching=matching_seconds(n, d, k, rates),
        measured_constants=rates.measured,
    )


def w_bytes(n: int, k: int) -> int:
    """Bytes of the factor ``W`` (n × k float64), the one large array of a split.

    >>> w_bytes(100_000, 20_000) / 2**30
    14.901161193847656
    """
    return n * k * 8


def peak_bytes(n: int, d: int, k: int, device: str) -> int:
    """Memory the factorization needs on a device: ``W``, its work buffers and ``X``."""
    return factorize.estimate_bytes(n, d, k, on_gpu=device == "gpu")
