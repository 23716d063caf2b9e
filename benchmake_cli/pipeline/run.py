"""One path through the pipeline: request → plan → run (whole or in shards) → bundle.

:func:`run` checks the output folder, runs the :class:`~benchmake_cli.pipeline.plan.Plan`
in the whole mode (:mod:`.whole`) or in shards (:mod:`.sharded`), builds the manifest and
writes the bundle; the two modes differ only in how the split is computed. The ``split``
task (:mod:`benchmake_cli.tasks.split`) adds the benchmark card beside the manifest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..bundle.manifest import Manifest
from ..bundle.write import check_output_folder, write_bundle
from ..errors import ParameterError
from ..method.registry import resolve_method_device
from ..method.split import ProgressCallback, fraction_notes
from ..request import SplitRequest
from .plan import Plan, make_plan
from .sharded import TooFewRowsError, split_in_shards
from .whole import Outcome, split_whole

__all__ = ["BesideWriter", "SplitResult", "run"]


@dataclass
class SplitResult:
    """What :func:`split_file` did: the rows on each side (input row numbers) and the manifest."""

    train: np.ndarray
    test: np.ndarray
    manifest: dict[str, Any]
    out: Path | None
    seconds: dict[str, float] = field(default_factory=dict)  #: read, split, write, total
    notes: list[str] = field(default_factory=list)  #: device choices and fallbacks, for humans
    #: the test and training positions in the reference's hash order, as it returns them
    #: (``--method benchmake-1.1.2`` only)
    reference_test_positions: np.ndarray | None = None
    reference_train_positions: np.ndarray | None = None
    plan: Plan | None = None

    @property
    def n_train(self) -> int:
        return len(self.train)

    @property
    def n_test(self) -> int:
        return len(self.test)


#: writes files beside a staged manifest: (folder, manifest, outcome)
BesideWriter = Callable[[Path, dict[str, Any], Outcome], None]


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
    outcome, plan = _execute(request, plan, progress)
    split_end = time.perf_counter()
    manifest = build_manifest(request, plan, outcome)
    result = SplitResult(
        train=outcome.train,
        test=outcome.test,
        manifest=manifest.data,
        out=None,
        notes=outcome.notes + fraction_notes(outcome.encoding["n"], request.params.frac),
        reference_test_positions=outcome.reference_test_positions,
        reference_train_positions=outcome.reference_train_positions,
        plan=plan,
    )
    if output.out is not None:
        reference = None
        if output.reference_indices:
            positions = (outcome.reference_test_positions, outcome.reference_train_positions)
            if positions[0] is None or positions[1] is None:
                raise ParameterError(
                    "--reference-indices: this split has no reference order; "
                    "use it with --method benchmake-1.1.2"
                )
            reference = (positions[0], positions[1])
        result.out = write_bundle(
            output.out,
            manifest,
            train=outcome.train,
            test=outcome.test,
            write_data=outcome.write_data,
            input_path=plan.path,
            force=output.force,
            files=output.files,
            reference=reference,
            progress=progress,
            beside=(lambda folder: beside(folder, manifest.data, outcome)) if beside else None,
        )
    total = time.perf_counter() - timer
    result.seconds = {
        "read": outcome.read_seconds,
        "split": split_end - timer - outcome.read_seconds,
        "write": time.perf_counter() - split_end,
        "total": total,
    }
    return result


def _execute(
    request: SplitRequest, plan: Plan, progress: ProgressCallback | None
) -> tuple[Outcome, Plan]:
    """The split, in the plan's mode: the one place the modes differ (and the plan run)."""
    execution = request.execution
    if plan.sharded:
        resolve_method_device(request.chosen, execution.device)  # refuses an unusable GPU now
        try:
            outcome = split_in_shards(
                plan,
                request.read,
                request.encode,
                request.params,
                files=request.output.files,
                device=execution.device,
                threads=execution.threads,
                jobs=execution.jobs,
                scheduler=execution.scheduler,
                near=request.output.out,
                progress=progress,
                method=request.chosen.name,
            )
        except TooFewRowsError as few:  # a text file of many lines but few rows: split whole
            plan = replace(plan, sharded=False, rows=few.rows)
        else:
            return outcome, plan
    return split_whole(
        plan,
        request.read,
        request.encode,
        request.params,
        files=request.output.files,
        shard_rows_given=execution.shard_rows is not None,
        device=execution.device,
        threads=execution.threads,
        progress=progress,
    ), plan


def build_manifest(request: SplitRequest, plan: Plan, outcome: Outcome) -> Manifest:
    """The manifest of a split (``input.path`` and ``files``: when the bundle is written)."""
    chosen = request.chosen
    size, digest = plan.source.digest()
    return Manifest.build(
        method={"name": chosen.name, "version": chosen.version, "parameters": outcome.parameters},
        input={"name": plan.path.name, "bytes": size, "sha256": digest, **outcome.input_format},
        encoding={"options": request.encode.to_dict(), **outcome.encoding},
        split={
            "n_train": len(outcome.train),
            "n_test": len(outcome.test),
            "test_content_sha256": outcome.test_content_sha256,
        },
        info=outcome.info,
    )
