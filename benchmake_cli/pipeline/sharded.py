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
from ..method.registry import DEFAULT_METHOD, get_method, resolve_method_device
from ..method.scale import MinMaxBounds
from ..method.split import ProgressCallback, SplitParameters, check_fraction, hash_of_test_rows
from .engines import Engine, open_engine
from .plan import Plan
from .shards import ShardTask, allocate_test_rows, assign_shards, shard_count, sharding_record
from .spill import bucket_rows, shard_path, work_folder
from .whole import Outcome, check_files_mode

CHUNK_ROWS = 1 << 15  #: rows per chunk read, encoded and bucketed (a bounded buffer)
SPILL = "encoded.f64"  #: the encoded rows, in input order, in the work folder


class TooFewRowsError(Exception):
    """The input holds no more rows than the threshold: it is split whole after all (a
    text file whose line count promised more rows, some lines blank or inside quotes)."""

    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.rows = rows


TRAIN, TEST = 1, 2  #: values of :attr:`ShardedSplit.sides` (0: a dropped row)


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
            parameters=encoded.parameters,
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
    encoded = _encode_pass(path, read_options, encode_options, work_dir, report)
    read_seconds = time.perf_counter() - started
    if encoded.input_rows <= threshold:
        raise TooFewRowsError(encoded.input_rows)
    spill = work_dir / SPILL
    n, d = len(encoded.rows), encoded.d
    total_test = check_fraction(n, params.frac, path.name)
    shards = shard_count(n, shard_rows)
    shard_of = assign_shards(encoded.digests, shards)
    sizes = np.bincount(shard_of, minlength=shards)
    test_counts = allocate_test_rows(sizes, total_test)
    chosen = get_method(method)
    needed = chosen.estimate_bytes(int(sizes.max()), d, int(test_counts.max()), on_gpu=True)
    device, _xp, device_reason = resolve_method_device(chosen, device, needed)
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
            **({"details": sharded.encoded.details} if sharded.encoded.details else {}),
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
        chunks.close()
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
