"""Memory of a split against the memory available: a split that would not fit is refused
before the method allocates its ``n × k`` state, with the numbers and the way out.

>>> check_fits(10 * 2**30, "a whole split of 100000 x 16 (k 20000)", "x.h5", available=2**30)
Traceback (most recent call last):
...
benchmake_cli.errors.ParameterError: x.h5: a whole split of 100000 x 16 (k 20000) needs about 10.0 GiB of memory, more than the 1.0 GiB available; split in shards with --shard-rows (e.g. --shard-rows 5000), run fewer shards at once with --jobs, or on a Dask cluster with --scheduler
"""

from __future__ import annotations

import os

from ..errors import ParameterError
from ..method.base import Method

#: the way out of a refusal, named in its message
WAY_OUT = (
    "split in shards with --shard-rows (e.g. --shard-rows 5000), run fewer shards at once "
    "with --jobs, or on a Dask cluster with --scheduler"
)


def available_memory() -> int | None:
    """Bytes of host memory available to new allocations (Linux ``MemAvailable``), or
    ``None`` where the system does not say."""
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


def gib(count: float) -> str:
    """Bytes as GiB, one decimal.

    >>> gib(3 * 2**30), gib(2**20)
    ('3.0 GiB', '0.0 GiB')
    """
    return f"{count / 2**30:.1f} GiB"


def refusal(needed: int, what: str, name: str, available: int | None) -> str | None:
    """Why ``what`` does not fit (``needed`` bytes against ``available``), or ``None``."""
    if available is None or needed <= available:
        return None
    return (
        f"{name}: {what} needs about {gib(needed)} of memory, more than the "
        f"{gib(available)} available; {WAY_OUT}"
    )


def check_fits(needed: int, what: str, name: str, available: int | None = None) -> None:
    """Refuse (exit 5) ``what`` when it needs more than the memory available (by default
    :func:`available_memory`)."""
    message = refusal(
        needed, what, name, available if available is not None else available_memory()
    )
    if message is not None:
        raise ParameterError(message)


def check_shards_fit(method: Method, shard: tuple[int, int, int], at_once: int, name: str) -> None:
    """Refuse a sharded split whose ``at_once`` largest shards (``shard``: rows, width and
    test rows), run side by side on this machine, would not fit."""
    rows, d, k = shard
    needed = at_once * method.estimate_bytes(rows, d, k, on_gpu=False)
    what = f"{at_once} shard(s) of {rows} x {d} (k {k}) at once"
    check_fits(needed, what, name)
