"""The sharded split of a file too large for the exact method, in streaming passes.

1. **Encode pass**: the input is read chunk by chunk (:data:`CHUNK_ROWS` rows); each chunk
   is encoded, its rows hashed, the global min-max bounds updated, and the encoded rows
   appended to a spill file in ``work_dir``. Only 16-byte digests and 8-byte row numbers
   stay in memory for every row.
2. **Bucket pass**: the spill file is read back chunk by chunk and each row is appended to
   its shard's file (assignment and test counts: :mod:`benchmake_cli.pipeline.shards`).
3. **Shards**: the engine splits each shard; a shard's rows are loaded only when its task
   is created, and only a few tasks per worker are in flight.

The result depends on the data's content and the parameters alone: not on the chunk size,
the engine, the number of workers or the device.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..bundle.manifest import encoding_section
from ..bundle.write import TEST, TRAIN, write_side, write_subsets_streamed
from ..encode import carried_hash
from ..formats.registry import detect_input, iter_write_chunks
from ..method.margins import Margins
from ..method.order import content_hash
from ..method.registry import resolve_method_device
from ..method.split import ProgressCallback, check_fraction, hash_of_test_rows
from .engines import Engine, open_engine
from .memory import check_shards_fit
from .plan import Plan
from .shards import ShardTask, allocate_test_rows, assign_shards, shard_count, sharding_record
from .spill import bucket_rows, shard_path, work_folder
from .stream import CHUNK_ROWS, SPILL, EncodedStream, encode_pass
from .whole import Prepared, SplitResult, build_manifest, check_files_mode, optional_fields

if TYPE_CHECKING:
    from ..request import SplitRequest


class TooFewRowsError(Exception):
    """The input holds no more rows than the threshold: it is split whole after all (a
    text file whose line count promised more rows, some lines blank or inside quotes)."""

    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.rows = rows


def split_in_shards(
    request: SplitRequest, plan: Plan, progress: ProgressCallback | None = None
) -> SplitResult:
    """Split the input of ``plan`` in shards, on the engine the request's ``jobs`` and
    ``scheduler`` name, with spill files beside the output folder when there is one."""
    fmt = detect_input(plan.path, request.read.type).name
    check_files_mode(request.output.files, fmt, plan.path.name)
    execution = request.execution
    with (
        open_engine(execution.jobs, execution.scheduler) as engine,
        work_folder(request.output.out) as work,
    ):
        return split_sharded(request, plan, engine, Path(work), progress)


def split_sharded(
    request: SplitRequest,
    plan: Plan,
    engine: Engine,
    work_dir: Path,
    progress: ProgressCallback | None = None,
) -> SplitResult:
    """Split the input of ``plan`` in shards of about ``plan.shard_rows`` rows on ``engine``,
    using ``work_dir`` for spill files (about twice the encoded data, ``n × d × 8`` bytes,
    at the peak); ``device`` ``auto`` weighs the method's memory estimate of the largest
    shard."""
    report = progress or (lambda stage, done, total: None)
    started = time.perf_counter()
    stream = encode_pass(plan.path, request.read, request.encode, work_dir, report)
    read_seconds = time.perf_counter() - started
    if stream.input_rows <= plan.threshold:
        raise TooFewRowsError(stream.input_rows)
    result = split_stream(request, plan, stream, engine, work_dir, report)
    result.seconds = {"read": read_seconds}
    return result


def split_stream(
    request: SplitRequest,
    plan: Plan,
    stream: EncodedStream,
    engine: Engine,
    work_dir: Path,
    report: ProgressCallback,
    prepared: Prepared | None = None,
) -> SplitResult:
    """Split the encoded rows (``work_dir``'s spill file, input order) in shards: the one
    place shards are assigned, given test rows, run and merged, whether the input was
    streamed or read whole (``prepared``: then its data is written as the whole mode does)."""
    n, d, method = len(stream.rows), stream.d, plan.method
    shards = shard_count(n, plan.shard_rows)
    shard_of = assign_shards(stream.digests, shards)
    total_test = check_fraction(n, request.params.frac, plan.path.name)
    layout = ShardLayout.of(shard_of, shards, total_test)
    largest = (int(layout.sizes.max()), d, int(layout.test_counts.max()))
    execution = request.execution
    device, _xp, reason = resolve_method_device(
        method, execution.device, method.estimate_bytes(*largest, on_gpu=True)
    )
    if device == "cpu" and engine.name != "dask":
        check_shards_fit(method, largest, engine.jobs, plan.path.name)
    bucket_rows(work_dir / SPILL, shard_of, d, work_dir, CHUNK_ROWS)
    del shard_of
    low, span = stream.bounds.low_span()
    threads = execution.threads
    template = ShardTask(
        shard=0,
        X=np.empty((0, d)),
        low=low,
        span=span,
        test_rows=0,
        params=request.params,
        device=device,
        threads=threads if threads is not None else (None if engine.name == "local" else 1),
        method=method,
    )
    tasks = _tasks(template, work_dir, layout, stream.ties)
    is_test, margins = _run_shards(engine, tasks, layout, n, report)
    sharding = sharding_record(plan.shard_rows, plan.threshold, layout.sizes)
    info = {"device": device, **engine.describe(), "decision_margins": margins.to_dict()}
    result = _result(request, plan, stream, is_test, sharding, info, prepared)
    result.notes = ([reason] if execution.device == "auto" else []) + margins.warnings()
    return result


@dataclass(frozen=True)
class ShardLayout:
    """Which rows each shard holds, and how many of them go to the test set."""

    sizes: np.ndarray  #: rows per shard
    test_counts: np.ndarray  #: test rows per shard
    by_shard: np.ndarray  #: row positions, shard after shard, ascending within each
    starts: np.ndarray  #: where each shard's positions start in ``by_shard``

    @classmethod
    def of(cls, shard_of: np.ndarray, shards: int, total_test: int) -> ShardLayout:
        """The layout of rows assigned to ``shards`` shards (``shard_of``, some maybe empty)
        with ``total_test`` test rows in all."""
        sizes = np.bincount(shard_of, minlength=shards)
        return cls(
            sizes=sizes,
            test_counts=allocate_test_rows(sizes, total_test),
            by_shard=np.argsort(shard_of, kind="stable"),
            starts=np.concatenate(([0], np.cumsum(sizes))),
        )

    def rows(self, shard: int) -> np.ndarray:
        """The positions of the shard's rows, ascending."""
        return self.by_shard[self.starts[shard] : self.starts[shard + 1]]


def _tasks(
    template: ShardTask, work_dir: Path, layout: ShardLayout, ties: np.ndarray | None
) -> Iterator[ShardTask]:
    """Each shard's task, its rows loaded from its spill file only when it is created."""
    d = template.X.shape[1]
    for shard, size in enumerate(layout.sizes):
        shard_file = shard_path(work_dir, shard)
        X = np.fromfile(shard_file, dtype="<f8").reshape(-1, d) if size else template.X
        shard_file.unlink(missing_ok=True)
        yield replace(
            template,
            shard=shard,
            X=X,
            test_rows=int(layout.test_counts[shard]),
            ties=None if ties is None else ties[layout.rows(shard)],
        )


def _run_shards(
    engine: Engine,
    tasks: Iterator[ShardTask],
    layout: ShardLayout,
    n: int,
    report: ProgressCallback,
) -> tuple[np.ndarray, Margins]:
    """Which of the ``n`` rows are test rows, and the smallest margins over the shards."""
    is_test = np.zeros(n, dtype=bool)
    shards = len(layout.sizes)
    report("shards", 0, shards)
    margins = []
    for done, (shard, outcome) in enumerate(engine.run(tasks), start=1):
        is_test[layout.rows(shard)[np.asarray(outcome.test, dtype=np.int64)]] = True
        margins += [outcome.margins] if outcome.margins is not None else []
        report("shards", done, shards)
    return is_test, Margins.smallest(margins)


def _result(
    request: SplitRequest,
    plan: Plan,
    stream: EncodedStream,
    is_test: np.ndarray,
    sharding: dict[str, Any],
    info: dict[str, Any],
    prepared: Prepared | None,
) -> SplitResult:
    """The split's result: its rows, its manifest and how it writes its data (an input read
    whole: as the whole mode writes it)."""
    n, d = len(stream.rows), stream.d
    train, test = stream.rows[~is_test], stream.rows[is_test]
    write_data = _data_writer(request, plan, stream, is_test, prepared)

    encoding = encoding_section(
        modality=stream.modality,
        input_rows=stream.input_rows,
        n=n,
        d=d,
        columns_used=stream.columns_used,
        one_hot=stream.one_hot,
        dropped_rows=stream.dropped_rows,
        content_sha256=content_hash(stream.digests, d),
        carried_columns=stream.carried_columns,
        carried_sha256=carried_hash(stream.digests, stream.carried),
        parameters=stream.parameters,
    )
    manifest = build_manifest(
        request,
        plan,
        input_format={
            "format": stream.format,
            "read_options": stream.read_options,
            **({"details": stream.details} if stream.details else {}),
        },
        encoding=encoding,
        parameters={**plan.method.record_parameters(request.params, n), "sharding": sharding},
        split={
            "n_train": len(train),
            "n_test": len(test),
            "test_content_sha256": hash_of_test_rows(stream.digests[is_test]),
        },
        info=info,
    )
    target = stream.labels.target(bool(request.read.target_key), request.encode)
    manifest.data.update(optional_fields(stream.warnings, target))
    # the card of a sharded split states no scores, whether streamed or read whole (as verify
    # recomputes it): the prepared input is not handed on
    return SplitResult(train, test, manifest.data, plan, write_data, warnings=stream.warnings)


def _data_writer(
    request: SplitRequest,
    plan: Plan,
    stream: EncodedStream,
    is_test: np.ndarray,
    prepared: Prepared | None,
) -> Callable[[Path], list[str]]:
    """What writes the train and test data: chunk by chunk for a streamed input, else as
    the whole mode writes it (folders: lists of files; sequences: their own format)."""
    train, test = stream.rows[~is_test], stream.rows[is_test]
    files = request.output.files
    if prepared is not None:
        table = prepared.table
        return lambda folder: [
            *write_side(table, train, folder, "train", files),
            *write_side(table, test, folder, "test", files),
        ]
    sides = np.zeros(stream.input_rows, dtype=np.int8)  # per input row: 0 dropped
    sides[train], sides[test] = TRAIN, TEST
    return lambda folder: write_subsets_streamed(
        iter_write_chunks(plan.path, request.read, CHUNK_ROWS), sides, folder, files
    )
