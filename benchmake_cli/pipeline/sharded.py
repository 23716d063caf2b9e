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
from ..encode import EncodeOptions, carried_columns, carried_hash, encode_table
from ..encode.label_like import label_warnings
from ..encode.tabular import (
    NewCategoricalColumnError,
    check_not_identifier,
    expand_codes,
    one_hot_layout,
)
from ..errors import DataError
from ..formats import ReadOptions, detect_format, iter_chunks
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
    modality: str
    columns_used: list[str]
    one_hot: dict[str, list[str]]
    carried_columns: list[str]
    dropped_rows: list[int]
    warnings: list[str] = field(default_factory=list)  #: the first chunk's (see Outcome)


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
        warnings=sharded.encoded.warnings,
    )


def _encode_pass(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    work_dir: Path,
    report: ProgressCallback,
) -> EncodedStream:
    """Read and encode the input once; a text feature found only after the first chunk
    (numeric before) makes it read again, that column's every value a category."""
    text_features: list[str] = []
    while True:
        try:
            return _read_encoded(
                path, read_options, encode_options, work_dir, report, text_features
            )
        except NewCategoricalColumnError as new:
            text_features.append(new.column)


def _read_encoded(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    work_dir: Path,
    report: ProgressCallback,
    text_features: list[str],
) -> EncodedStream:
    digests: list[np.ndarray] = []
    carried: list[np.ndarray] = []
    ties: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    dropped: list[int] = []
    bounds = MinMaxBounds()
    categories: dict[str, dict[str, int]] = {name: {} for name in text_features}
    offset = 0
    first: Any = None
    warnings: list[str] = []
    spill = work_dir / SPILL
    with open(spill, "wb") as sink:
        for chunk in iter_chunks(path, read_options, CHUNK_ROWS):
            encoded = encode_table(chunk, encode_options, row_offset=offset, categories=categories)
            if first is None:
                first = (chunk, encoded)
                warnings = chunk.notes + label_warnings(chunk, encoded, encode_options)
            elif encoded.feature_names != first[1].feature_names:  # pragma: no cover
                raise DataError(f"{path}: columns change at row {offset}")
            carried.append(encoded.carried)
            if encoded.ties is not None:
                ties.append(encoded.ties)
            offset += chunk.n_rows
            if not categories:  # else the one-hot rows are known only at the end
                digests.append(row_digests(encoded.X))
                bounds.update(encoded.X)
            rows.append(encoded.rows)
            dropped.extend(encoded.dropped_rows)
            sink.write(np.ascontiguousarray(encoded.X, dtype="<f8").tobytes())
            report("read", offset, offset + 1)
    report("read", offset, offset)
    all_rows = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    if first is None or len(all_rows) == 0:
        raise DataError(f"{path}: every row has a missing value")
    chunk, encoded = first
    d, one_hot = encoded.d, {}
    if categories:
        for column, seen in categories.items():
            check_not_identifier(path, column, len(seen), np.array(list(seen)[:1]), len(all_rows))
        _names, one_hot, maps = one_hot_layout(encoded.feature_names, categories)
        digests = [_expand_pass(work_dir, d, maps, bounds)]
        d = len(_names)
    low, span = bounds.low_span()
    if not span.any() and len(all_rows) > 1:
        raise DataError(
            f"{path}: every feature is constant ({len(low)} columns): there is nothing to split on"
        )
    return EncodedStream(
        digests=np.concatenate(digests),
        carried=np.concatenate(carried),
        ties=np.concatenate(ties) if ties else None,
        rows=all_rows,
        bounds=bounds,
        d=d,
        input_rows=offset,
        format=chunk.format,
        read_options=chunk.read_options,
        modality=encoded.modality,
        columns_used=encoded.columns_used,
        one_hot=one_hot,
        carried_columns=carried_columns(chunk, encoded),
        dropped_rows=dropped,
        warnings=warnings,
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
