"""Where shards run: in this process, in local worker processes (joblib) or on Dask.

Every engine runs the same :func:`~benchmake_cli.pipeline.shards.split_shard` on the same tasks, and
each task's result depends on the task alone, so the engine and the number of workers are
speed choices, never result choices. Tasks are created lazily and at most a few per worker
are in flight, so the caller's memory stays bounded whatever the number of shards.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import PARAMETER, MissingExtraError, ParameterError, SchedulerError
from ..execution import SCHEDULER_ENV
from .shards import ShardOutcome, ShardTask, split_shard

CONNECT_TIMEOUT = 10.0  #: seconds to wait for a Dask scheduler before giving up
IN_FLIGHT_PER_WORKER = 2

#: results as (shard id, test positions within the shard), in any order
ShardResults = Iterator[tuple[int, ShardOutcome]]


@dataclass
class Engine:
    """How to run shard tasks; :meth:`run` yields each shard's result as it completes."""

    jobs: int = 1
    scheduler: str | None = None
    client: Any = None  #: a connected ``distributed.Client`` when ``scheduler`` is set

    @property
    def name(self) -> str:
        if self.scheduler is not None:
            return "dask"
        return "joblib" if self.jobs > 1 else "local"

    def run(self, tasks: Iterable[ShardTask]) -> ShardResults:
        if self.client is not None:
            return _run_dask(self.client, tasks)
        if self.jobs > 1:
            return _run_joblib(tasks, self.jobs)
        return ((task.shard, split_shard(task)) for task in tasks)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def describe(self) -> dict[str, Any]:
        """Informational manifest fields (never checked by ``verify``)."""
        info: dict[str, Any] = {"engine": self.name, "jobs": self.jobs}
        if self.scheduler is not None:
            info["scheduler"] = self.scheduler
        return info


def open_engine(jobs: int = 1, scheduler: str | None = None) -> Engine:
    """An engine: Dask when a scheduler is named (or ``DASK_SCHEDULER_ADDRESS`` is set),
    else ``jobs`` local processes. A Dask scheduler is contacted now, so that an unreachable
    one fails before anything is read or written."""
    if jobs < 1:
        raise ParameterError(f"{PARAMETER} {jobs}: must be at least 1", parameter="jobs")
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if address is None:
        return Engine(jobs=jobs)
    return Engine(jobs=jobs, scheduler=address, client=connect(address))


def connect(address: str, timeout: float | None = None) -> Any:
    """A ``distributed.Client`` for ``address``, or :class:`SchedulerError` within ``timeout``."""
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        import logging

        from distributed import Client
    except ImportError:
        raise MissingExtraError(
            f"--scheduler {address}: Dask is not installed; "
            "pip install 'benchmake-cli[dask]' (or unset DASK_SCHEDULER_ADDRESS)"
        ) from None
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # the one-line error below says it all
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SchedulerError(
            f"--scheduler {address}: no Dask scheduler answered within {timeout:g} s "
            f"({reason}); check the address and that the scheduler is running"
        ) from None
    finally:
        quiet.setLevel(level)


def _run_joblib(tasks: Iterable[ShardTask], jobs: int) -> ShardResults:
    from joblib import Parallel, delayed

    parallel = Parallel(
        n_jobs=jobs,
        backend="loky",
        return_as="generator_unordered",
        pre_dispatch=str(IN_FLIGHT_PER_WORKER * jobs),
    )
    yield from parallel(delayed(_shard_result)(task) for task in tasks)


def _run_dask(client: Any, tasks: Iterable[ShardTask]) -> ShardResults:
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    run = uuid.uuid4().hex  # keys unique to this run: other clients may share the cluster
    pending = iter(tasks)

    def submit(task: ShardTask) -> Any:
        return client.submit(_shard_result, task, key=f"benchmake-shard-{run}-{task.shard}")

    first = [submit(task) for task in itertools.islice(pending, IN_FLIGHT_PER_WORKER * workers)]
    if not first:
        return
    running = as_completed(first, loop=client.loop)
    for future in running:
        yield future.result()
        future.release()
        task = next(pending, None)
        if task is not None:
            running.add(submit(task))


def _shard_result(task: ShardTask) -> tuple[int, ShardOutcome]:
    return task.shard, split_shard(task)
