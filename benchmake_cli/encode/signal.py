"""Signal encoding: each signal (length × channels) flattened to one row.

The row of a signal is time-major with channels interleaved:
``x[t0, c0], x[t0, c1], ..., x[t1, c0], ...`` (the C-order flattening of an n × L × C array,
so a folder of signals and an array of the same values give the same rows). Signals must
have equal lengths, or ``--resample L`` resamples every channel to L points by linear
interpolation (``numpy.interp``) at positions ``j (L_i - 1) / (L - 1)`` of the original
sample index, ``j = 0 … L-1``, so the first and last samples are kept. A table or a 2-D
array read as a signal uses its numeric feature columns as one channel.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import DataError, ParameterError
from ..formats.table import Table
from . import tabular
from .arrays import check_finite
from .options import Encoded, EncodeOptions


def encode(
    table: Table, options: EncodeOptions, reference: tuple[str, int] | None = None
) -> Encoded:
    """One row per signal, resampled to ``options.resample`` points when asked; without it,
    every signal must have the length of the first (``reference``: the name and length of
    the first signal of the whole input, when ``table`` is a later chunk of it)."""
    rows: np.ndarray | None = None
    base: Encoded | None = None
    if table.signals is not None:
        signals = table.signals
        names = table.records or [f"signal {i}" for i in range(len(signals))]
    elif table.array is not None and table.array.ndim == 3:
        signals = list(table.array.astype(np.float64))
        names = [f"sample {i}" for i in range(len(signals))]
    else:
        base = tabular.encode(table, replace(options, resample=None))
        if base.one_hot:
            column = next(iter(base.one_hot))
            raise DataError(
                f"{table.path}: column {column!r} is not numeric; a signal's columns are its "
                "samples (leave it out with --features, or carry it with --id-col)"
            )
        rows = base.rows
        signals = list(base.X[:, :, None])
        names = [f"row {r}" for r in rows]
    length = options.resample
    if length is None:
        lengths: dict[int, str] = {reference[1]: reference[0]} if reference else {}
        for name, signal in zip(names, signals, strict=True):
            lengths.setdefault(len(signal), name)
        if len(lengths) > 1:
            (la, a), (lb, b) = list(lengths.items())[:2]
            raise length_error(table.path, (a, la), (b, lb))
        length = len(signals[0])
        stacked = np.stack(signals)
    else:
        if length < 2:
            raise ParameterError(f"--resample {length}: must be at least 2 samples")
        stacked = np.stack([resample(signal, length) for signal in signals])
    channels = stacked.shape[2]
    X = np.ascontiguousarray(stacked.reshape(len(stacked), -1), dtype=np.float64)
    check_finite(table.path, X, (length, channels), names)
    if channels == 1:
        feature_names = [f"t{t}" for t in range(length)]
    else:
        feature_names = [f"t{t}c{c}" for t in range(length) for c in range(channels)]
    return Encoded(
        X=X,
        rows=rows if rows is not None else np.arange(len(X)),
        feature_names=feature_names,
        columns_used=base.columns_used if base is not None else ["signal"],
        dropped_rows=base.dropped_rows if base is not None else [],
        parameters={
            "length": int(length),
            "channels": int(channels),
            "resample": options.resample,
            "interpolation": "linear (numpy.interp), first and last samples kept"
            if options.resample
            else None,
            "flatten": "time-major, channels interleaved",
        },
    )


def length_error(path: Path, first: tuple[str, int], other: tuple[str, int]) -> DataError:
    """The refusal of signals of two lengths: (name, length) of the first and of another."""
    (a, la), (b, lb) = first, other
    return DataError(
        f"{path}: signals differ in length: {a} has {la} samples, {b} has {lb}; "
        "pass --resample L to resample them all to L samples"
    )


def resample(signal: np.ndarray, length: int) -> np.ndarray:
    """``signal`` (L × C) linearly interpolated to ``length`` × C.

    >>> resample(np.array([[0.0], [10.0]]), 3).ravel().tolist()
    [0.0, 5.0, 10.0]
    """
    old = len(signal)
    if old == length:
        return signal
    if old == 1:
        return np.repeat(signal, length, axis=0)
    positions = np.arange(length) * ((old - 1) / (length - 1))
    positions[-1] = old - 1
    index = np.arange(old, dtype=np.float64)
    return np.stack(
        [np.interp(positions, index, signal[:, c]) for c in range(signal.shape[1])], axis=1
    )
