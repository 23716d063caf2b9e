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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..bundle.manifest import encoding_section
from ..bundle.write import data_file_names, write_subsets_streamed
from ..encode import (
    CategoryAccumulator,
    Encoded,
    EncodeOptions,
    VocabularyAccumulator,
    carried_columns,
    carried_hash,
    encode_chunk,
    expand_codes,
    streams_sequences,
)
from ..errors import DataError
from ..formats import ReadOptions, Table, detect_format, iter_chunks
from ..method.margins import Margins
from ..method.order import content_hash, row_digests
from ..method.registry import resolve_method_device
from ..method.scale import MinMaxBounds
from ..method.split import ProgressCallback, check_fraction, hash_of_test_rows
from .engines import Engine, open_engine
from .plan import Plan
from .shards import ShardTask, allocate_test_rows, assign_shards, shard_count, sharding_record
from .spill import bucket_rows, shard_path, work_folder
from .whole import SplitResult, build_manifest, check_files_mode

if TYPE_CHECKING:
    from ..request import SplitRequest

CHUNK_ROWS = 1 << 15  #: rows per chunk read, encoded and bucketed (a bounded buffer)
SPILL = "encoded.f64"  #: the encoded rows, in input order, in the work folder


class TooFewRowsError(Exception):
    """The input holds no more rows than the threshold: it is split whole after all (a
    text file whose line count promised more rows, some lines blank or inside quotes)."""

    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.rows = rows


TRAIN, TEST = 1, 2  #: which side an input row is on, when the data is written (0: dropped)


@dataclass
class EncodedStream:
    """What the encode pass keeps: one digest and one input row number per encoded row."""

    digests: np.ndarray
    carried: np.ndarray  #: per row, the digest of what it carries (:mod:`.encode.carried`)
    ties: np.ndarray | None  #: per row, the digest that orders identical rows
    rows: np.ndarray
    bounds: MinMaxBounds
    d: int
    input_rows: int
    format: str
    read_options: dict[str, Any]
    details: dict[str, Any]  #: the format's facts of the whole input (keys, parts, shape)
    parameters: dict[str, Any] | None  #: the encoder's (a sequence vocabulary)
    modality: str
    columns_used: list[str]
    one_hot: dict[str, list[str]]
    carried_columns: list[str]
    dropped_rows: list[int]


def split_in_shards(
    request: SplitRequest, plan: Plan, progress: ProgressCallback | None = None
) -> SplitResult:
    """Split the input of ``plan`` in shards, on the engine the request's ``jobs`` and
    ``scheduler`` name, with spill files beside the output folder when there is one."""
    fmt = detect_format(plan.path, request.read.type)
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
    stream = _encode_pass(plan.path, request.read, request.encode, work_dir, report)
    read_seconds = time.perf_counter() - started
    if stream.input_rows <= plan.threshold:
        raise TooFewRowsError(stream.input_rows)
    n, d, method = len(stream.rows), stream.d, plan.method
    shards = shard_count(n, plan.shard_rows)
    shard_of = assign_shards(stream.digests, shards)
    total_test = check_fraction(n, request.params.frac, plan.path.name)
    layout = ShardLayout.of(shard_of, shards, total_test)
    needed = method.estimate_bytes(
        int(layout.sizes.max()), d, int(layout.test_counts.max()), on_gpu=True
    )
    execution = request.execution
    device, _xp, reason = resolve_method_device(method, execution.device, needed)
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
    result = _result(request, plan, stream, is_test, sharding, info)
    result.notes = ([reason] if execution.device == "auto" else []) + margins.warnings()
    result.seconds = {"read": read_seconds}
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
) -> SplitResult:
    """The split's result: its rows, its manifest and how it writes its data."""
    n, d = len(stream.rows), stream.d
    sides = np.zeros(stream.input_rows, dtype=np.int8)  # per input row: 0 dropped
    sides[stream.rows] = TRAIN
    sides[stream.rows[is_test]] = TEST
    train_name, test_name = data_file_names(stream.format)

    def write_data(folder: Path) -> list[str]:
        write_subsets_streamed(
            iter_chunks(plan.path, request.read, CHUNK_ROWS),
            sides,
            {TRAIN: folder / train_name, TEST: folder / test_name},
        )
        return [train_name, test_name]

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
    train, test = stream.rows[~is_test], stream.rows[is_test]
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
    return SplitResult(train, test, manifest.data, plan, write_data)


def _encode_pass(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    work_dir: Path,
    report: ProgressCallback,
) -> EncodedStream:
    """Read and encode the input once, collecting its text features' categories. A column
    first holding text after the first chunk lost the text of the chunks before: the input
    is read once more, every categorical column known from the start (none can be new).
    Sequences are read twice: their vocabulary first, then their counts over it."""
    vocabulary = _vocabulary_pass(path, read_options, encode_options)
    spilled = _spill_chunks(
        path, read_options, encode_options, work_dir, report, frozenset(), vocabulary
    )
    if spilled.categories.late:
        known = spilled.categories.columns
        spilled = _spill_chunks(path, read_options, encode_options, work_dir, report, known)
    return _finish_stream(path, spilled, work_dir)


def _vocabulary_pass(
    path: Path, read_options: ReadOptions, encode_options: EncodeOptions
) -> VocabularyAccumulator | None:
    """The vocabulary of every chunk's sequences, when the input is read as sequences."""
    chunks = iter_chunks(path, read_options, CHUNK_ROWS)
    first = next(chunks, None)
    if first is None or not streams_sequences(first, encode_options):
        return None
    vocabulary = VocabularyAccumulator(encode_options)
    vocabulary.add(first)
    for chunk in chunks:
        vocabulary.add(chunk)
    return vocabulary


@dataclass
class _Spilled:
    """What one read of the input leaves beside the spill file (per chunk, in order)."""

    categories: CategoryAccumulator
    digests: list[np.ndarray] = field(default_factory=list)
    carried: list[np.ndarray] = field(default_factory=list)
    ties: list[np.ndarray] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    bounds: MinMaxBounds = field(default_factory=MinMaxBounds)
    first: tuple[Table, Encoded] | None = None
    input_rows: int = 0


def _spill_chunks(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    work_dir: Path,
    report: ProgressCallback,
    categorical: frozenset[str],
    vocabulary: VocabularyAccumulator | None = None,
) -> _Spilled:
    """Encode the input into the spill file (``categorical``: one-hot whatever it holds;
    ``vocabulary``: the sequences' vocabulary, collected beforehand)."""
    spilled = _Spilled(CategoryAccumulator(categorical))
    with open(work_dir / SPILL, "wb") as sink:
        for chunk in iter_chunks(path, read_options, CHUNK_ROWS):
            encoded = encode_chunk(
                chunk, encode_options, spilled.categories, spilled.input_rows, vocabulary
            )
            spilled.first = spilled.first or (chunk, encoded)
            spilled.carried.append(encoded.carried)  # type: ignore[arg-type]
            if encoded.ties is not None:
                spilled.ties.append(encoded.ties)
            spilled.input_rows += chunk.n_rows
            if not spilled.categories.columns:  # else the one-hot rows are known at the end
                spilled.digests.append(row_digests(encoded.X))
                spilled.bounds.update(encoded.X)
            spilled.rows.append(encoded.rows)
            spilled.dropped.extend(encoded.dropped_rows)
            sink.write(np.ascontiguousarray(encoded.X, dtype="<f8").tobytes())
            report("read", spilled.input_rows, spilled.input_rows + 1)
    report("read", spilled.input_rows, spilled.input_rows)
    return spilled


def _finish_stream(path: Path, spilled: _Spilled, work_dir: Path) -> EncodedStream:
    """The encode pass's result, one-hot columns made from the collected categories."""
    all_rows = np.concatenate(spilled.rows) if spilled.rows else np.empty(0, dtype=np.int64)
    if spilled.first is None or len(all_rows) == 0:
        raise DataError(f"{path}: every row has a missing value")
    chunk, encoded = spilled.first
    categories, bounds = spilled.categories, spilled.bounds
    d, digests = encoded.d, spilled.digests
    one_hot: dict[str, list[str]] = {}
    if categories.columns:
        categories.check_not_identifiers(path, encoded.feature_names, len(all_rows))
        bounds = MinMaxBounds()
        names, one_hot, maps = categories.layout(encoded.feature_names)
        digests = [_expand_pass(work_dir, d, maps, bounds)]
        d = len(names)
    low, span = bounds.low_span()
    if not span.any() and len(all_rows) > 1:
        raise DataError(
            f"{path}: every feature is constant ({len(low)} columns): there is nothing to split on"
        )
    return EncodedStream(
        digests=np.concatenate(digests),
        carried=np.concatenate(spilled.carried),
        ties=np.concatenate(spilled.ties) if spilled.ties else None,
        rows=all_rows,
        bounds=bounds,
        d=d,
        input_rows=spilled.input_rows,
        format=chunk.format,
        read_options=chunk.read_options,
        details=chunk.info,
        parameters=encoded.parameters,
        modality=encoded.modality,
        columns_used=encoded.columns_used,
        one_hot=one_hot,
        carried_columns=carried_columns(chunk, encoded),
        dropped_rows=spilled.dropped,
    )


def _expand_pass(
    work_dir: Path, width: int, maps: list[np.ndarray | None], bounds: MinMaxBounds
) -> np.ndarray:
    """Turn the spilled category codes into one-hot columns (:func:`expand_codes`): the
    spill file holds the encoded rows afterwards; returns their digests."""
    codes, spill = work_dir / "codes.f64", work_dir / SPILL
    spill.rename(codes)
    digests: list[np.ndarray] = []
    with open(codes, "rb") as source, open(spill, "wb") as sink:
        while True:
            X = np.fromfile(source, dtype="<f8", count=CHUNK_ROWS * width).reshape(-1, width)
            if not len(X):
                break
            X = expand_codes(X, maps)
            digests.append(row_digests(X))
            bounds.update(X)
            sink.write(np.ascontiguousarray(X, dtype="<f8").tobytes())
    codes.unlink()
    return np.concatenate(digests)
