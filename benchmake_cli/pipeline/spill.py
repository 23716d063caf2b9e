"""Spill files of a sharded split: the work folder, and each shard's encoded rows on disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np


def work_folder(near: Path | None) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for spill files: beside ``near`` (the output folder) when given,
    else in the system's temporary folder (``TMPDIR``)."""
    parent = near.resolve().parent if near is not None else None
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".benchmake-shards-", dir=parent)


def shard_path(work_dir: Path, shard: int) -> Path:
    """The spill file of one shard's encoded rows."""
    return work_dir / f"shard-{shard:07d}.f64"


def bucket_rows(spill: Path, shard_of: np.ndarray, d: int, work_dir: Path, chunk_rows: int) -> None:
    """Append each spilled row to its shard's file, in encoded order; remove the spill."""
    with open(spill, "rb") as source:
        for start in range(0, len(shard_of), chunk_rows):
            ids = shard_of[start : start + chunk_rows]
            X = np.fromfile(source, dtype="<f8", count=len(ids) * d).reshape(len(ids), d)
            order = np.argsort(ids, kind="stable")
            present, first_index = np.unique(ids[order], return_index=True)
            bounds = np.append(first_index, len(ids))
            for shard, begin, end in zip(present, bounds[:-1], bounds[1:], strict=True):
                with open(shard_path(work_dir, int(shard)), "ab") as sink:
                    sink.write(X[order[begin:end]].tobytes())
    spill.unlink()
