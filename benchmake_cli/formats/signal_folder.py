"""Folders of signals: one ``.csv`` or ``.npy`` file per signal, class sub-folders as labels.

A CSV signal has one row per time step and one column per channel (an optional header line
of names is skipped; the delimiter is detected as for tables). An NPY signal is an array of
shape (length,) or (length, channels). Every signal must have the same number of channels;
lengths may differ here and are checked (or resampled) when encoding. A folder is read
whole or in batches of files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import DataError
from . import spec
from .delimited import WHITESPACE, decode_text, detect_separator
from .folder import SIGNAL_SUFFIXES, SampleFolder, class_labels, empty_message, sample_files
from .numpy_file import load_array
from .spec import ReadOptions
from .table import Table


def read(root: Path) -> Table:
    """Read every signal file below ``root``, in relative-path order."""
    return next(chunks(root, 1 << 62, bounded=False))


def chunks(root: Path, rows: int, *, bounded: bool = True) -> Iterator[Table]:
    """The signals in batches of at most ``rows`` files and about
    :data:`~.spec.CHUNK_BYTES` of them on disk (``bounded``), in relative-path order; every
    one must have the channels of the first."""
    files = sample_files(root, SIGNAL_SUFFIXES)
    if not files:
        raise DataError(empty_message(root, "signal files", SIGNAL_SUFFIXES))
    labels = class_labels(root, files)
    classes = sorted(set(labels.tolist())) if labels is not None else []
    channels: int | None = None
    batches = _batches(root, files, rows) if bounded else iter([(0, len(files))])
    for start, stop in batches:
        names = files[start:stop]
        signals = [read_signal(root / name) for name in names]
        channels = channels or signals[0].shape[1]
        for name, signal in zip(names, signals, strict=True):
            if signal.shape[1] != channels:
                raise DataError(
                    f"{root}: signals differ in channels: {files[0]} has {channels}, "
                    f"{name} has {signal.shape[1]}"
                )
        yield Table(
            path=root,
            format="signal-folder",
            signals=signals,
            labels=labels[start:stop] if labels is not None else None,
            records=names,
            modality="signal",
            read_options={},
            info={
                "files": len(files),
                "order": "relative POSIX path, code-point order",
                "classes": classes,
                "channels": int(channels),
            },
        )


def _batches(root: Path, files: list[str], rows: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive batches of at most ``rows`` files whose sizes add up
    to at most :data:`~.spec.CHUNK_BYTES` (at least one file each)."""
    start, size = 0, 0
    for i, name in enumerate(files):
        file_bytes = (root / name).stat().st_size
        if i > start and (i - start == rows or size + file_bytes > spec.CHUNK_BYTES):
            yield start, i
            start, size = i, 0
        size += file_bytes
    yield start, len(files)


def read_signal(path: Path) -> np.ndarray:
    """One signal as a float64 array of shape (length, channels)."""
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    if path.suffix.lower() == ".npy":
        array = load_array(path)
        if array.ndim not in (1, 2) or array.shape[0] == 0:
            raise DataError(
                f"{path}: shape {array.shape}; a signal is (length,) or (length, channels)"
            )
        return array.astype(np.float64).reshape(array.shape[0], -1)
    return _read_csv_signal(path)


def _read_csv_signal(path: Path) -> np.ndarray:
    text = decode_text(path)
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise DataError(f"{path}: file is empty")
    separator = detect_separator("\n".join(line for _, line in lines[:5]), "csv")

    def fields(line: str) -> list[str]:
        return line.split() if separator == WHITESPACE else line.split(separator)

    body = lines[1:] if not _numeric(fields(lines[0][1])) else lines
    if not body:
        raise DataError(f"{path}: has a header but no values")
    width = len(fields(body[0][1]))
    values: list[list[float]] = []
    for number, line in body:
        row = fields(line)
        if len(row) != width:
            raise DataError(
                f"{path}: line {number}: {len(row)} values, expected {width} "
                "(one column per channel)"
            )
        try:
            values.append([float(v) for v in row])
        except ValueError:
            raise DataError(f"{path}: line {number}: not a row of numbers: {line!r}") from None
    return np.array(values, dtype=np.float64)


def _numeric(fields: list[str]) -> bool:
    try:
        [float(v) for v in fields]
    except ValueError:
        return False
    return True


class SignalFolder(SampleFolder):
    """A folder of signals, one ``.csv`` or ``.npy`` file each."""

    name = "signal-folder"
    container = "signal-folder"
    description = "a signal folder"
    fits = ("signal",)
    folder_kind = "signal"
    sample_suffixes = SIGNAL_SUFFIXES

    def read(self, path: Path, options: ReadOptions) -> Table:
        return read(path)

    def chunks(self, path: Path, options: ReadOptions, rows: int) -> Iterator[Table]:
        return chunks(path, rows)


FORMAT = SignalFolder()
