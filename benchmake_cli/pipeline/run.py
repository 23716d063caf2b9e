"""One path through the pipeline: request → plan → run (whole or in shards) → bundle.

:func:`run` checks the output folder, runs the :class:`~benchmake_cli.pipeline.plan.Plan`
in the whole mode (:mod:`.whole`) or in shards (:mod:`.sharded`), builds the manifest and
writes the bundle; the two modes differ only in how the split is computed.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "splits"
>>> result = split_file("sample_data/alloys.csv", frac=0.2, out=out, target="hardness_hv",
...                     id_columns=["alloy_id"])
>>> result.n_test, result.n_train, (out / "manifest.json").exists()
(60, 240, True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..bundle.manifest import Manifest
from ..bundle.write import check_output_folder, write_bundle
from ..errors import ParameterError
from ..method.registry import resolve_method_device
from ..method.split import ProgressCallback
from ..request import SplitRequest
from .plan import Plan, make_plan
from .sharded import TooFewRowsError, split_in_shards
from .whole import Outcome, Prepared, compute_split, prepare, split_whole

__all__ = ["Prepared", "SplitResult", "compute_split", "prepare", "run", "split_file"]


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


def split_file(
    path: str | Path,
    *,
    frac: float,
    progress: ProgressCallback | None = None,
    **options: Any,
) -> SplitResult:
    """Split a data file or folder and, when ``out`` is given, write the split and its
    manifest there.

    ``options`` are the fields of :class:`~benchmake_cli.request.SplitRequest`'s groups:
    reading (``sep``, ``header``, ``type`` (``auto`` or a modality), ``key`` and
    ``target_key`` (NPZ/HDF5 arrays; a list, or comma-separated, is joined in order),
    ``image_size`` (``"64x64"``), ``mode`` (``L``/``RGB``)); encoding (``target``,
    ``features``, ``id_columns``, ``strict``, ``drop_missing``, ``sequence_col``,
    ``tokens``, ``kmer``, ``resample``); the method (``method``: ``benchmake-cli``, the
    default, or ``benchmake-1.1.2``, the reference's split reproduced exactly;
    ``iterations``, ``tol``, ``seed``); execution (``device``, ``threads``, ``shard_rows``,
    ``jobs``, ``scheduler``) and output (``out``, ``force``, ``files``: ``list``, ``copy``
    or ``link`` the files of an image or signal folder into ``train/`` and ``test/``;
    ``reference_indices``: also write the positions in the reference's hash order).

    With a method that can shard (the default), CSV/TSV, Parquet and NPY tables of more
    than 20,000 rows are split in shards (``shard_rows``; see
    :mod:`benchmake_cli.pipeline.shards`), read in chunks, on ``jobs`` local processes or
    on the Dask scheduler at ``scheduler`` (default: ``DASK_SCHEDULER_ADDRESS``, when set).
    Other inputs are read whole and split exactly; an explicit ``shard_rows`` that would
    shard them is refused.
    """
    return run(SplitRequest.from_options(path, frac=frac, **options), progress=progress)


def run(
    request: SplitRequest,
    *,
    plan: Plan | None = None,
    progress: ProgressCallback | None = None,
) -> SplitResult:
    """Run ``request`` (in the mode ``plan`` says, :func:`make_plan` by default): split,
    build the manifest and, when ``request.output.out`` is set, write the bundle."""
    timer = time.perf_counter()
    plan = plan or make_plan(request)
    output = request.output
    if output.out is not None:
        check_output_folder(output.out, output.force)
    outcome, plan = _execute(request, plan, progress)
    split_end = time.perf_counter()
    manifest = build_manifest(request, plan, outcome)
    result = SplitResult(
        train=outcome.train,
        test=outcome.test,
        manifest=manifest.data,
        out=None,
        notes=outcome.notes,
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
        device, _xp, reason = resolve_method_device(request.chosen, execution.device)
        try:
            outcome = split_in_shards(
                plan,
                request.read,
                request.encode,
                request.params,
                files=request.output.files,
                device=device,
                threads=execution.threads,
                jobs=execution.jobs,
                scheduler=execution.scheduler,
                near=request.output.out,
                progress=progress,
            )
        except TooFewRowsError as few:  # a text file of many lines but few rows: split whole
            plan = replace(plan, sharded=False, rows=few.rows)
        else:
            outcome.notes = [reason] if execution.device == "auto" else []
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
