"""Sharded splitting: rows go to shards by content hash, each shard is split by the same core.

The exact method factorizes with one archetype per test row, so its factor ``W`` holds
``n × ceil(n × frac)`` float64: 8 GB at 100,000 rows. Above :data:`SHARD_THRESHOLD` input
rows the data set is cut into ``S = ceil(n / shard_rows)`` shards:

* **assignment**: a row goes to shard ``floor(h × S / 2³²)`` where ``h`` is the first four
  bytes of its content digest (:func:`~benchmake_cli.method.order.row_digests`) read big-endian.
  It depends on the row's values alone, never on the file's order, the engine or the
  machine; identical rows share a shard. Shards are equal ranges of hash space, so their
  sizes are balanced up to random fluctuation (about ``√(n/S)``).
* **test counts**: shard ``j`` gets ``floor(K × n_j / n)`` test rows, ``K = ceil(n × frac)``;
  the rows left over go one each to the shards with the largest remainders
  ``K × n_j mod n``, ties to the lower shard id, so the counts add up to exactly ``K``.
* **split**: each shard runs its method's ``split_matrix`` (the default method's
  :func:`~benchmake_cli.method.split.split_matrix`, or another shardable method's) on its rows
  in input order, scaled by the *global* min-max bounds, with its own test count. The test set is
  the union of the shards' test sets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ..method.backend import resolve_device
from ..method.base import Method
from ..method.margins import Margins
from ..method.registry import DEFAULT
from ..method.split import SplitParameters
from ..request import (  # noqa: F401 - the sharding options, named here too
    DEFAULT_SHARD_ROWS,
    MIN_SHARD_ROWS,
    SHARD_THRESHOLD,
    resolve_shard_rows,
)

ASSIGNMENT = "shard = floor(h * S / 2^32), h = first 4 bytes of the row digest, big-endian"
ALLOCATION = "floor(K * n_j / n) per shard, then one more by largest remainder, ties to lower id"


def shard_count(n: int, shard_rows: int) -> int:
    """``ceil(n / shard_rows)``, at least 1."""
    return max(1, math.ceil(n / shard_rows))


def assign_shards(digests: np.ndarray, shards: int) -> np.ndarray:
    """Shard of each row from its 16-byte digest: ``floor(h × S / 2³²)`` (see module doc).

    >>> d = np.array([b"\\x00" * 16, b"\\x80" + b"\\x00" * 15, b"\\xff" * 16], dtype="S16")
    >>> assign_shards(d, 4).tolist()
    [0, 2, 3]
    """
    head = np.frombuffer(np.ascontiguousarray(digests).tobytes(), dtype=">u4")[::4]
    return ((head.astype(np.uint64) * np.uint64(shards)) >> np.uint64(32)).astype(np.int64)


def allocate_test_rows(sizes: np.ndarray, total: int) -> np.ndarray:
    """Test rows per shard: proportional to its size, exactly ``total`` in all (module doc).

    >>> allocate_test_rows(np.array([5, 5, 5]), 4).tolist()
    [2, 1, 1]
    >>> allocate_test_rows(np.array([3, 7, 10]), 5).tolist()
    [1, 2, 2]
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    n = int(sizes.sum())
    products = [total * int(size) for size in sizes]  # Python ints: exact for any size
    counts = np.array([p // n for p in products], dtype=np.int64)
    remainders = np.array([p % n for p in products], dtype=np.int64)
    left = total - int(counts.sum())
    order = np.lexsort((np.arange(len(sizes)), -remainders))
    counts[order[:left]] += 1
    return counts


def sharding_record(shard_rows: int, threshold: int, sizes: np.ndarray) -> dict[str, Any]:
    """The manifest's ``method.parameters.sharding``: what ``verify`` needs to redo it."""
    return {
        "shard_rows": shard_rows,
        "threshold_rows": threshold,
        "shards": len(sizes),
        "assignment": ASSIGNMENT,
        "allocation": ALLOCATION,
        "scaling": "global min-max bounds of all rows",
    }


@dataclass(frozen=True)
class ShardTask:
    """One shard's work: its rows (in input order), the global bounds and its test count."""

    shard: int
    X: np.ndarray
    low: np.ndarray
    span: np.ndarray
    test_rows: int
    params: SplitParameters
    device: str = "cpu"
    threads: int | None = 1
    ties: np.ndarray | None = None  #: per row, the digest that orders identical rows
    method: Method = DEFAULT  #: a shardable method


class ShardOutcome(NamedTuple):
    """A shard's test rows (positions within the shard, ascending) and its decision margins
    (``None`` when the shard was decided without factorizing)."""

    test: np.ndarray
    margins: Margins | None = None


def split_shard(task: ShardTask) -> ShardOutcome:
    """The shard's test rows and decision margins.

    Runs wherever the engine puts it (this process, a joblib worker or a Dask worker): it
    depends on nothing but the task. Shards too small or too uniform to factorize are
    decided directly: no test rows, all rows, or (all rows identical) the first ones.
    """
    n, k = len(task.X), task.test_rows
    if k <= 0:
        return ShardOutcome(np.empty(0, dtype=np.int64))
    if k >= n:
        return ShardOutcome(np.arange(n, dtype=np.int64))
    if bool((task.X[0] == task.X).all()):  # identical rows: the first by ties, input order
        order = np.arange(n) if task.ties is None else np.argsort(task.ties, kind="stable")
        return ShardOutcome(np.sort(order[:k]).astype(np.int64))
    _name, xp, _reason = resolve_device(task.device)
    result = task.method.split_matrix(
        task.X,
        task.params,
        xp=xp,
        threads=task.threads,
        bounds=(task.low, task.span),
        test_rows=k,
        ties=task.ties,
    )
    return ShardOutcome(result.test, result.margins)
