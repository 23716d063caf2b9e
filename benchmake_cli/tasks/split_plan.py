"""What ``split --frac F`` would cost for an input: the plan ``split`` runs (whole or in
shards, :mod:`benchmake_cli.pipeline.plan`) with the memory and the time that the cost
model of :mod:`benchmake_cli.analysis.cost_model` predicts."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..analysis import cost_model
from ..method import backend
from ..method.factorize import default_threads
from ..method.registry import DEFAULT_METHOD, get_method, resolve_method_device
from ..method.split import check_fraction
from ..pipeline.plan import Plan, Work

DEFAULT_FRAC = 0.2


@dataclass(frozen=True)
class SplitPlan:
    """What ``split --frac F`` would do with this input, and what it would cost."""

    frac: float
    n: int
    d: int
    k: int
    iterations: int
    threads: int
    w_bytes: int  #: the factor W (n × k float64; in shards, one shard's) on the device used
    peak_bytes: dict[str, int]  #: W plus work buffers, per device (in shards: one shard's)
    device: str  #: what ``--device auto`` would pick
    device_reason: str
    cpu_available_bytes: int | None
    gpu_free_bytes: int | None  #: ``None`` without a usable GPU
    gpu_total_bytes: int | None
    estimates: dict[str, cost_model.TimeEstimate]  #: all shards, one after another
    mode: str = "whole"  #: ``whole`` or ``sharded``: how ``split`` runs it
    shards: int = 1
    shard_n: int | None = None  #: rows of one shard (the memory figures are one shard's)
    shard_k: int | None = None  #: test rows of that shard
    method: str = DEFAULT_METHOD  #: the method whose memory and iterations these are

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["estimates"] = {name: e.to_dict() for name, e in self.estimates.items()}
        data["fits"] = {
            "cpu": self.cpu_available_bytes is None
            or self.peak_bytes["cpu"] <= self.cpu_available_bytes,
            "gpu": self.gpu_free_bytes is not None
            and self.peak_bytes["gpu"] <= self.gpu_free_bytes,
        }
        return data


def plan_split(
    n: int,
    d: int,
    *,
    frac: float = DEFAULT_FRAC,
    iterations: int | None = None,
    threads: int | None = None,
    source: str = "",
    mode: Plan | None = None,
    method: str = DEFAULT_METHOD,
) -> SplitPlan:
    """What a split of ``n × d`` rows at ``frac`` with ``method`` needs (``iterations``: by
    default the method's), and where ``--device auto`` runs it (``source``: the input's
    name, for messages). With ``mode`` (the plan ``split`` makes, of the same method) a
    sharded split's memory is that of one shard, its time that of all shards.

    >>> plan = plan_split(1000, 10, frac=0.2)
    >>> plan.k, plan.w_bytes, plan.peak_bytes["cpu"] > plan.w_bytes, plan.mode
    (200, 1600000, True, 'whole')
    """
    chosen = get_method(method)
    iterations = chosen.iterations(iterations)
    k = check_fraction(n, frac, source)
    threads = threads or default_threads()
    work = mode.work(n, d, frac) if mode is not None else Work(n, d, k, 1, chosen)
    peak = {device: work.peak_bytes(device) for device in ("cpu", "gpu")}
    device, _xp, reason = resolve_method_device(chosen, "auto", peak["gpu"])
    gpu_free, gpu_total = _gpu_memory()
    devices = ("cpu", "gpu") if gpu_free is not None else ("cpu",)
    estimates = {
        name: _all_shards(
            cost_model.estimate_time(work.n, d, work.k, iterations, device=name, threads=threads),
            work.shards,
        )
        for name in devices
    }
    sharded = work.shards > 1 or (mode is not None and mode.sharded)
    return SplitPlan(
        frac=frac,
        n=n,
        d=d,
        k=k,
        iterations=iterations,
        threads=threads,
        w_bytes=work.w_bytes,
        peak_bytes=peak,
        device=device,
        device_reason=reason,
        cpu_available_bytes=_available_host_memory(),
        gpu_free_bytes=gpu_free,
        gpu_total_bytes=gpu_total,
        estimates=estimates,
        mode="sharded" if sharded else "whole",
        shards=work.shards,
        shard_n=work.n if sharded else None,
        shard_k=work.k if sharded else None,
        method=chosen.name,
    )


def _all_shards(estimate: cost_model.TimeEstimate, shards: int) -> cost_model.TimeEstimate:
    """One shard's time estimate, times the number of shards (run one after another)."""
    if shards == 1:
        return estimate
    return replace(
        estimate,
        hashing=estimate.hashing * shards,
        per_iteration=estimate.per_iteration * shards,
        matching=estimate.matching * shards,
    )


def _available_host_memory() -> int | None:
    """Bytes of memory available to new allocations (Linux ``MemAvailable``)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gpu_memory() -> tuple[int | None, int | None]:
    """Free and total bytes of the GPU CuPy would use, or ``(None, None)`` without one."""
    cupy = backend.cupy_or_none()
    if cupy is None:
        return None, None
    free, total = cupy.cuda.runtime.memGetInfo()
    return int(free), int(total)
