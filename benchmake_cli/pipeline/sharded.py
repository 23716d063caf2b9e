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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..bundle.manifest import encoding_section
from ..bundle.write import data_file_names, write_subsets_streamed
from ..encode import EncodeOptions, carried_hash
from ..formats import ReadOptions, detect_format, iter_chunks
from ..method.margins import Margins
from ..method.order import content_hash
from ..method.registry import DEFAULT_METHOD, get_method, resolve_method_device
from ..method.split import ProgressCallback, SplitParameters, check_fraction, hash_of_test_rows
from .engines import Engine, open_engine
from .memory import check_shards_fit
from .plan import Plan
from .shards import ShardTask, allocate_test_rows, assign_shards, shard_count, sharding_record
from .spill import bucket_rows, shard_path, work_folder
from .stream import CHUNK_ROWS, SPILL, EncodedStream, encode_pass
from .whole import Outcome, check_files_mode


class TooFewRowsError(Exception):
    """The input holds no more rows than the threshold: it is split whole after all (a
    text file whose line count promised more rows, some lines blank or inside quotes)."""

    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.rows = rows


TRAIN, TEST = 1, 2  #: values of :attr:`ShardedSplit.sides` (0: a dropped row)


@dataclass
class ShardedSplit:
    """A sharded split: the rows on each side (input row numbers), what the encode pass
    found, and what the manifest records beyond it."""

    train: np.ndarray
    test: np.ndarray
    sides: np.ndarray  #: per input row: 0 dropped, 1 train, 2 test
    encoded: EncodedStream
    content_sha256: str
    test_content_sha256: str
    carried_sha256: str
    sharding: dict[str, Any] = field(default_factory=dict)
    #: the manifest's ``method.parameters``: the split parameters plus ``sharding``
    parameters: dict[str, Any] = field(default_factory=dict)
    #: each kind's smallest decision margin over the shards
    margins: Margins = field(default_factory=lambda: Margins.smallest([]))
    read_seconds: float = 0.0  #: the encode pass: reading, encoding and hashing
    device: str = "cpu"  #: where the shards ran
    device_reason: str = "requested"  #: why (``--device auto``: the largest shard's memory)

    @property
    def n(self) -> int:
        return len(self.encoded.rows)

    def encoding(self) -> dict[str, Any]:
        """The manifest's ``encoding`` fields beyond ``options``."""
        encoded = self.encoded
        return encoding_section(
            modality=encoded.modality,
            input_rows=encoded.input_rows,
            n=self.n,
            d=encoded.d,
            columns_used=encoded.columns_used,
            one_hot=encoded.one_hot,
            dropped_rows=encoded.dropped_rows,
            content_sha256=self.content_sha256,
            carried_columns=encoded.carried_columns,
            carried_sha256=self.carried_sha256,
        )


def split_sharded(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    params: SplitParameters,
    *,
    shard_rows: int,
    threshold: int,
    engine: Engine,
    work_dir: Path,
    device: str = "cpu",
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    method: str = DEFAULT_METHOD,
) -> ShardedSplit:
    """Split ``path`` in shards of about ``shard_rows`` rows, using ``work_dir`` for spill files
    (about twice the encoded data, ``n × d × 8`` bytes, at the peak); ``device`` ``auto``
    weighs the method's memory estimate of the largest shard."""
    report = progress or (lambda stage, done, total: None)
    started = time.perf_counter()
    encoded = encode_pass(path, read_options, encode_options, work_dir, report)
    if encoded.input_rows <= threshold:
        raise TooFewRowsError(encoded.input_rows)
    return split_stream(
        encoded,
        path.name,
        params,
        shard_rows=shard_rows,
        threshold=threshold,
        engine=engine,
        work_dir=work_dir,
        device=device,
        threads=threads,
        progress=report,
        method=method,
        read_seconds=time.perf_counter() - started,
    )


def split_stream(
    encoded: EncodedStream,
    name: str,
    params: SplitParameters,
    *,
    shard_rows: int,
    threshold: int,
    engine: Engine,
    work_dir: Path,
    device: str,
    threads: int | None,
    progress: ProgressCallback,
    method: str,
    read_seconds: float,
) -> ShardedSplit:
    """Split the encoded rows (in ``work_dir``'s spill file, input order) in shards: the
    one place shards are assigned, allocated test rows, run and merged, whether the input
    was streamed or read whole (``name``: the input's, for messages)."""
    report = progress
    spill = work_dir / SPILL
    n, d = len(encoded.rows), encoded.d
    total_test = check_fraction(n, params.frac, name)
    shards = shard_count(n, shard_rows)
    shard_of = assign_shards(encoded.digests, shards)
    sizes = np.bincount(shard_of, minlength=shards)
    test_counts = allocate_test_rows(sizes, total_test)
    chosen = get_method(method)
    needed = chosen.estimate_bytes(int(sizes.max()), d, int(test_counts.max()), on_gpu=True)
    device, _xp, device_reason = resolve_method_device(chosen, device, needed)
    if device == "cpu" and engine.name != "dask":
        shard = (int(sizes.max()), d, int(test_counts.max()))
        check_shards_fit(chosen, shard, engine.jobs if engine.name == "joblib" else 1, name)
    by_shard = np.argsort(shard_of, kind="stable")  # each shard's positions, ascending
    starts = np.concatenate(([0], np.cumsum(sizes)))
    bucket_rows(spill, shard_of, d, work_dir, CHUNK_ROWS)
    del shard_of
    low, span = encoded.bounds.low_span()
    task_threads = threads if threads is not None else (None if engine.name == "local" else 1)

    def tasks() -> Iterator[ShardTask]:
        for shard in range(shards):
            shard_file = shard_path(work_dir, shard)
            X = np.fromfile(shard_file, dtype="<f8").reshape(-1, d) if sizes[shard] else None
            shard_file.unlink(missing_ok=True)
            yield ShardTask(
                shard=shard,
                X=X if X is not None else np.empty((0, d)),
                low=low,
                span=span,
                test_rows=int(test_counts[shard]),
                params=params,
                device=device,
                threads=task_threads,
                method=method,
                ties=(
                    None
                    if encoded.ties is None
                    else encoded.ties[by_shard[starts[shard] : starts[shard + 1]]]
                ),
            )

    is_test = np.zeros(n, dtype=bool)
    report("shards", 0, shards)
    margins = []
    for done, (shard, outcome) in enumerate(engine.run(tasks()), start=1):
        is_test[by_shard[starts[shard] + np.asarray(outcome.test, dtype=np.int64)]] = True
        margins += [outcome.margins] if outcome.margins is not None else []
        report("shards", done, shards)
    record = sharding_record(shard_rows, threshold, sizes)
    sides = np.zeros(encoded.input_rows, dtype=np.int8)
    sides[encoded.rows] = TRAIN
    sides[encoded.rows[is_test]] = TEST
    return ShardedSplit(
        train=encoded.rows[~is_test],
        test=encoded.rows[is_test],
        sides=sides,
        encoded=encoded,
        content_sha256=content_hash(encoded.digests, d),
        test_content_sha256=hash_of_test_rows(encoded.digests[is_test]),
        carried_sha256=carried_hash(encoded.digests, encoded.carried),
        sharding=record,
        parameters={**chosen.record_parameters(params, n), "sharding": record},
        margins=Margins.smallest(margins),
        read_seconds=read_seconds,
        device=device,
        device_reason=device_reason,
    )


def split_in_shards(
    plan: Plan,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    params: SplitParameters,
    *,
    files: str = "list",
    device: str = "cpu",
    threads: int | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    near: Path | None = None,
    progress: ProgressCallback | None = None,
    method: str = DEFAULT_METHOD,
) -> Outcome:
    """Split the input of ``plan`` in shards, on the engine ``jobs`` and ``scheduler`` name,
    with spill files beside ``near`` (the output folder) when given."""
    check_files_mode(files, detect_format(plan.path, read_options.type), plan.path.name)
    with open_engine(jobs, scheduler) as engine, work_folder(near) as work:
        sharded = split_sharded(
            plan.path,
            read_options,
            encode_options,
            params,
            shard_rows=plan.shard_rows,
            threshold=plan.threshold,
            engine=engine,
            work_dir=Path(work),
            device=device,
            threads=threads,
            progress=progress,
            method=method,
        )
    train_name, test_name = data_file_names(sharded.encoded.format)

    def write_data(folder: Path) -> list[str]:
        write_subsets_streamed(
            iter_chunks(plan.path, read_options, CHUNK_ROWS),
            sharded.sides,
            {TRAIN: folder / train_name, TEST: folder / test_name},
        )
        return [train_name, test_name]

    return Outcome(
        train=sharded.train,
        test=sharded.test,
        input_format={
            "format": sharded.encoded.format,
            "read_options": sharded.encoded.read_options,
        },
        encoding=sharded.encoding(),
        parameters=sharded.parameters,
        test_content_sha256=sharded.test_content_sha256,
        info={
            "device": sharded.device,
            **engine.describe(),
            "decision_margins": sharded.margins.to_dict(),
        },
        write_data=write_data,
        read_seconds=sharded.read_seconds,
        notes=([sharded.device_reason] if device == "auto" else []) + sharded.margins.warnings(),
    )
