"""The encode pass of a sharded split: the input read chunk by chunk, each chunk encoded,
its rows hashed and the global min-max bounds updated, the encoded rows appended to a spill
file; or an input read whole, its encoded rows spilled the same way (:func:`spill_prepared`).
Only 16-byte digests and 8-byte row numbers stay in memory for every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..encode import (
    CategoryAccumulator,
    Encoded,
    EncodeOptions,
    FirstPass,
    carried_columns,
    encode_chunk,
    expand_codes,
    first_pass,
)
from ..encode.label_like import LabelClasses, input_warnings
from ..errors import DataError
from ..formats import ReadOptions, Table, iter_chunks
from ..method.order import row_digests
from ..method.scale import MinMaxBounds
from ..method.split import ProgressCallback

CHUNK_ROWS = 1 << 15  #: rows per chunk read, encoded and bucketed (a bounded buffer)
PROBE_ROWS = 64  #: rows read to learn what the input is read as
SPILL = "encoded.f64"  #: the encoded rows, in input order, in the work folder


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
    labels: LabelClasses  #: the classes of the input's labels, the target without --target
    warnings: list[str]  #: the format's notes and label warnings, from the first chunk


def encode_pass(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    work_dir: Path,
    report: ProgressCallback,
) -> EncodedStream:
    """Read and encode the input once, collecting its text features' categories. A column
    first holding text after the first chunk lost the text of the chunks before: the input
    is read once more, every categorical column known from the start (none can be new).
    Sequences and graphs are read twice: their vocabulary (degree bins) first, then their
    rows over it."""
    collected = _first_pass(path, read_options, encode_options)
    spilled = _spill_chunks(
        path, read_options, encode_options, work_dir, report, frozenset(), collected
    )
    if spilled.categories.late:
        known = spilled.categories.columns
        spilled = _spill_chunks(path, read_options, encode_options, work_dir, report, known)
    return _finish_stream(path, spilled, work_dir)


def _first_pass(
    path: Path, read_options: ReadOptions, encode_options: EncodeOptions
) -> FirstPass | None:
    """What every chunk gives (a vocabulary, degree bins), when the input's modality needs
    it before any chunk is encoded (:func:`~benchmake_cli.encode.first_pass`); a chunk of a
    few rows tells whether it does."""
    probe = iter_chunks(path, read_options, PROBE_ROWS)
    first = next(probe, None)
    probe.close()
    collected = first_pass(first, encode_options) if first is not None else None
    if collected is not None:
        for chunk in iter_chunks(path, read_options, CHUNK_ROWS):
            collected.add(chunk)
    return collected


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
    labels: LabelClasses = field(default_factory=LabelClasses)
    warnings: list[str] = field(default_factory=list)


def _spill_chunks(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    work_dir: Path,
    report: ProgressCallback,
    categorical: frozenset[str],
    collected: FirstPass | None = None,
) -> _Spilled:
    """Encode the input into the spill file (``categorical``: one-hot whatever it holds;
    ``collected``: what the first pass took from every chunk)."""
    spilled = _Spilled(CategoryAccumulator(categorical))
    with open(work_dir / SPILL, "wb") as sink:
        for chunk in iter_chunks(path, read_options, CHUNK_ROWS):
            encoded = encode_chunk(
                chunk,
                encode_options,
                spilled.categories,
                spilled.input_rows,
                collected,
                spilled.first,
            )
            if spilled.first is None:  # --strict refuses a label-like feature now
                spilled.first = (chunk, encoded)
                spilled.warnings = input_warnings(chunk, encoded, encode_options)
            spilled.carried.append(encoded.carried)  # type: ignore[arg-type]
            if encoded.ties is not None:
                spilled.ties.append(encoded.ties)
            if not spilled.categories.columns:  # else the one-hot rows are known at the end
                spilled.digests.append(row_digests(encoded.X))
                spilled.bounds.update(encoded.X)
            spilled.rows.append(encoded.rows)
            spilled.labels.add(chunk, encoded.rows - spilled.input_rows)
            spilled.dropped.extend(encoded.dropped_rows)
            sink.write(np.ascontiguousarray(encoded.X, dtype="<f8").tobytes())
            spilled.input_rows += chunk.n_rows
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
        labels=spilled.labels,
        warnings=spilled.warnings,
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


def spill_prepared(
    table: Table, encoded: Encoded, work_dir: Path, warnings: list[str]
) -> EncodedStream:
    """The stream of an input read and encoded whole (``warnings``: what the user should
    know of it): its encoded rows written to the spill file as the encode pass writes them,
    so that it is split in shards by the same rules."""
    X = encoded.X
    bounds = MinMaxBounds()  # its features are not all constant: encode_table refuses that
    bounds.update(X)
    labels = LabelClasses()
    labels.add(table, encoded.rows)
    with open(work_dir / SPILL, "wb") as sink:
        for start in range(0, encoded.n, CHUNK_ROWS):
            block = X[start : start + CHUNK_ROWS]
            sink.write(np.ascontiguousarray(block, dtype="<f8").tobytes())
    return EncodedStream(
        digests=row_digests(X),
        carried=np.asarray(encoded.carried),
        ties=encoded.ties,
        rows=np.asarray(encoded.rows, dtype=np.int64),
        bounds=bounds,
        d=encoded.d,
        input_rows=table.n_rows,
        format=table.format,
        read_options=table.read_options,
        details=table.info or {},
        parameters=encoded.parameters or None,
        modality=encoded.modality,
        columns_used=encoded.columns_used,
        one_hot=encoded.one_hot,
        carried_columns=carried_columns(table, encoded),
        dropped_rows=list(encoded.dropped_rows),
        labels=labels,
        warnings=warnings,
    )
