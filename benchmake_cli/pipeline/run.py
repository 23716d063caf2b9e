"""One path through the pipeline: request → plan → run (whole or in shards) → bundle.

:func:`run` checks the output folder, runs the :class:`~benchmake_cli.pipeline.plan.Plan`
in the whole mode (:mod:`.whole`) or in shards (:mod:`.sharded`), each taking ``(request,
plan, progress)`` and returning one :class:`~benchmake_cli.pipeline.whole.SplitResult` with
its manifest, and writes the bundle (with the method's own index files, when asked); the two
modes differ only in how the split is computed. The ``split``
task (:mod:`benchmake_cli.tasks.split`) adds the benchmark card beside the manifest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..bundle.manifest import Manifest
from ..bundle.write import check_output_folder, write_bundle
from ..errors import ParameterError
from ..method.registry import resolve_method_device
from ..method.split import ProgressCallback, fraction_notes
from ..request import SplitRequest
from .plan import Plan, make_plan
from .read_sharded import split_read_in_shards
from .sharded import TooFewRowsError, split_in_shards
from .whole import SplitResult, prepare, split_whole

__all__ = ["BesideWriter", "SplitResult", "run"]

#: writes files beside a staged manifest: (folder, manifest, result)
BesideWriter = Callable[[Path, dict[str, Any], SplitResult], None]


def run(
    request: SplitRequest,
    *,
    plan: Plan | None = None,
    progress: ProgressCallback | None = None,
    beside: BesideWriter | None = None,
) -> SplitResult:
    """Run ``request`` (in the mode ``plan`` says, :func:`make_plan` by default): split,
    build the manifest and, when ``request.output.out`` is set, write the bundle (and what
    ``beside`` writes next to its manifest, in the same atomic step)."""
    timer = time.perf_counter()
    plan = plan or make_plan(request)
    output = request.output
    if output.out is not None:
        check_output_folder(output.out, output.force, (plan.path,))
    result = _execute(request, plan, progress)
    split_end = time.perf_counter()
    manifest = Manifest(result.manifest)
    result.notes += fraction_notes(int(manifest.encoding.n), request.params.frac)
    if output.out is not None:
        result.out = write_bundle(
            output.out,
            manifest,
            train=result.train,
            test=result.test,
            write_data=result.write_data,
            input_path=result.plan.path,
            force=output.force,
            files=output.files,
            extras=_extra_indices(request, result),
            progress=progress,
            beside=(lambda folder: beside(folder, result.manifest, result)) if beside else None,
        )
    end, read = time.perf_counter(), result.seconds["read"]
    result.seconds = {
        "read": read,
        "split": split_end - timer - read,
        "write": end - split_end,
        "total": end - timer,
    }
    return result


def _execute(request: SplitRequest, plan: Plan, progress: ProgressCallback | None) -> SplitResult:
    """The split, in the plan's mode: the one place the modes differ. An input that cannot
    be read in chunks is read first; its rows decide its mode (:meth:`Plan.after_reading`)."""
    if plan.sharded:
        resolve_method_device(plan.method, request.execution.device)  # refuses a GPU now
        try:
            return split_in_shards(request, plan, progress)
        except TooFewRowsError as few:  # a text file of many lines but few rows: split whole
            plan = replace(plan, sharded=False, rows=few.rows)
    if plan.streamed:
        return split_whole(request, plan, progress)
    started = time.perf_counter()
    prepared = prepare(plan.path, request.read, request.encode)
    read_seconds = time.perf_counter() - started
    plan = plan.after_reading(prepared.table.n_rows)
    if not plan.sharded:
        result = split_whole(request, plan, progress, prepared)
    else:
        resolve_method_device(plan.method, request.execution.device)  # refuses a GPU now
        result = split_read_in_shards(request, plan, prepared, progress)
    result.seconds = {"read": read_seconds + result.seconds.get("read", 0.0)}
    return result


def _extra_indices(request: SplitRequest, result: SplitResult) -> dict[str, Any]:
    """The method's own index files, when the request asks for them."""
    if not request.output.reference_indices:
        return {}
    extras = result.extra_indices()
    if not extras:
        raise ParameterError(
            "--reference-indices: this split has no reference order; "
            "use it with --method benchmake-1.1.2"
        )
    return extras
