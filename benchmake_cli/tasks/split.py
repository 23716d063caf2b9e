"""The split task: run a :class:`~benchmake_cli.request.SplitRequest` through the pipeline
and write the benchmark card (``README.md``, ``croissant.json``) beside its manifest.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "splits"
>>> result = split_file("sample_data/alloys.csv", frac=0.2, out=out, target="hardness_hv",
...                     id_columns=["alloy_id"])
>>> result.n_test, result.n_train, sorted(p.name for p in out.iterdir())[:3]
(60, 240, ['README.md', 'croissant.json', 'manifest.json'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..bundle.manifest import Manifest
from ..method.split import ProgressCallback
from ..pipeline.run import SplitResult, run
from ..pipeline.whole import Outcome
from ..request import SplitRequest
from .card import write_card_at_split


def split(request: SplitRequest, *, progress: ProgressCallback | None = None) -> SplitResult:
    """Split as ``request`` says; a written bundle also gets its benchmark card."""
    return run(request, progress=progress, beside=_write_card)


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
    default, ``benchmake-1.1.2``, the reference's split reproduced exactly, or
    ``benchmake-hull``; ``iterations``, by default the method's own, ``tol``, ``seed``);
    execution (``device``, ``threads``, ``shard_rows``,
    ``jobs``, ``scheduler``) and output (``out``, ``force``, ``files``: ``list``, ``copy``
    or ``link`` the files of an image or signal folder into ``train/`` and ``test/``;
    ``reference_indices``: also write the positions in the reference's hash order).

    With a method that can shard (the default), tables (CSV/TSV, Parquet), arrays of rank 1
    or 2 (NPY, NPZ, HDF5) and sequence files (.smi, FASTA, text) of more than 20,000 rows are split in shards (``shard_rows``; see
    :mod:`benchmake_cli.pipeline.shards`), read in chunks, on ``jobs`` local processes or
    on the Dask scheduler at ``scheduler`` (default: ``DASK_SCHEDULER_ADDRESS``, when set).
    Other inputs are read whole and split exactly; an explicit ``shard_rows`` that would
    shard them is refused.
    """
    return split(SplitRequest.from_options(path, frac=frac, **options), progress=progress)


def _write_card(folder: Path, manifest: dict[str, Any], outcome: Outcome) -> None:
    write_card_at_split(folder, Manifest(manifest), outcome.prepared, outcome.test)
