"""The library entry points: split a file, with every step recorded in a manifest.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "splits"
>>> result = split_file("sample_data/alloys.csv", frac=0.2, out=out, target="hardness_hv",
...                     id_columns=["alloy_id"])
>>> result.n_test, result.n_train, (out / "manifest.json").exists()
(60, 240, True)
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import manifest as manifest_io
from ._version import __version__
from .backend import is_out_of_memory, resolve_device
from .encode import Encoded, EncodeOptions, encode_table
from .engines import open_engine
from .factorize import estimate_bytes
from .readers import ReadOptions, has_more_rows_than, iter_chunks, read_table
from .sharded import CHUNK_ROWS, TEST, TRAIN, ShardedSplit, split_sharded
from .shards import resolve_shard_rows
from .split import (
    METHOD,
    METHOD_VERSION,
    MatrixSplit,
    ProgressCallback,
    SplitParameters,
    check_fraction,
    split_matrix,
)
from .table import Table
from .writers import (
    check_output_folder,
    data_file_names,
    sha256_file,
    staged_folder,
    write_indices,
    write_subset,
    write_subsets_streamed,
)


@dataclass
class Prepared:
    """An input read and encoded: what the method sees."""

    table: Table
    encoded: Encoded
    read_options: ReadOptions
    encode_options: EncodeOptions


@dataclass
class SplitResult:
    """What :func:`split_file` did: the rows on each side (input row numbers) and the manifest."""

    train: np.ndarray
    test: np.ndarray
    manifest: dict[str, Any]
    out: Path | None
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  #: device choices and fallbacks, for humans

    @property
    def n_train(self) -> int:
        return len(self.train)

    @property
    def n_test(self) -> int:
        return len(self.test)


def prepare(
    path: str | Path,
    read_options: ReadOptions | None = None,
    encode_options: EncodeOptions | None = None,
) -> Prepared:
    """Read and encode an input file."""
    read_options = read_options or ReadOptions()
    encode_options = encode_options or EncodeOptions()
    table = read_table(path, read_options)
    return Prepared(table, encode_table(table, encode_options), read_options, encode_options)


def compute_split(
    prepared: Prepared,
    params: SplitParameters,
    *,
    device: str = "cpu",
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    notes: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, MatrixSplit, str]:
    """Split a prepared input; returns (train rows, test rows, matrix split, device used).

    The device is a speed choice only: a GPU that runs out of memory mid-run falls back to
    the CPU (noted in ``notes``) and gives the same split.
    """
    encoded = prepared.encoded
    k = check_fraction(encoded.n, params.frac)
    needed = estimate_bytes(encoded.n, encoded.d, k, on_gpu=True)
    device_name, xp, reason = resolve_device(device, needed)
    if notes is not None and device == "auto":
        notes.append(reason)
    try:
        result = split_matrix(encoded.X, params, xp=xp, threads=threads, progress=progress)
    except Exception as error:
        if device_name != "gpu" or not is_out_of_memory(error):
            raise
        if notes is not None:
            notes.append("the GPU ran out of memory; finished on the CPU (same result)")
        device_name = "cpu"
        result = split_matrix(encoded.X, params, threads=threads, progress=progress)
    return encoded.rows[result.train], encoded.rows[result.test], result, device_name


def split_file(
    path: str | Path,
    *,
    frac: float,
    out: str | Path | None = None,
    sep: str | None = None,
    header: bool = True,
    target: str | None = None,
    features: list[str] | None = None,
    id_columns: list[str] | None = None,
    strict: bool = False,
    drop_missing: bool = False,
    iterations: int = SplitParameters.iterations,
    tol: float = SplitParameters.tol,
    seed: int = SplitParameters.seed,
    device: str = "auto",
    threads: int | None = None,
    force: bool = False,
    progress: ProgressCallback | None = None,
    shard_rows: int | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
) -> SplitResult:
    """Split a data file and, when ``out`` is given, write the split and its manifest there.

    Inputs of more than 20,000 rows are split in shards (``shard_rows``; see
    :mod:`benchmake_cli.shards`), read in chunks, on ``jobs`` local processes or on the Dask
    scheduler at ``scheduler`` (default: ``DASK_SCHEDULER_ADDRESS``, when set).
    """
    timer = time.perf_counter()
    read_options = ReadOptions(sep=sep, header=header)
    encode_options = EncodeOptions(
        target=target,
        features=tuple(features) if features is not None else None,
        id_columns=tuple(id_columns or ()),
        strict=strict,
        drop_missing=drop_missing,
    )
    params = SplitParameters(frac=frac, iterations=iterations, tol=tol, seed=seed)
    threshold, rows_per_shard = resolve_shard_rows(shard_rows)
    if has_more_rows_than(path, threshold, read_options):
        return _split_file_sharded(
            Path(path),
            read_options,
            encode_options,
            params,
            threshold=threshold,
            shard_rows=rows_per_shard,
            out=Path(out) if out is not None else None,
            force=force,
            device=device,
            threads=threads,
            jobs=jobs,
            scheduler=scheduler,
            progress=progress,
            timer=timer,
        )
    prepared = prepare(path, read_options, encode_options)
    check_fraction(prepared.encoded.n, frac)
    if out is not None:
        check_output_folder(Path(out), force)
    read_seconds = time.perf_counter() - timer
    notes: list[str] = []
    train, test, matrix_split, device_name = compute_split(
        prepared, params, device=device, threads=threads, progress=progress, notes=notes
    )
    split_seconds = time.perf_counter() - timer - read_seconds
    manifest = build_manifest(prepared, params, matrix_split, train, test, device_name)
    result = SplitResult(train=train, test=test, manifest=manifest, out=None, notes=notes)
    if out is not None:
        result.out = write_split(prepared, result, Path(out), force=force, progress=progress)
    result.seconds = {
        "read": read_seconds,
        "split": split_seconds,
        "total": time.perf_counter() - timer,
    }
    return result


def build_manifest(
    prepared: Prepared,
    params: SplitParameters,
    matrix_split: MatrixSplit,
    train: np.ndarray,
    test: np.ndarray,
    device: str,
) -> dict[str, Any]:
    """The manifest of a split (``input.path`` and ``files`` are filled in when written)."""
    table, encoded = prepared.table, prepared.encoded
    return _assemble_manifest(
        table.path,
        {"format": table.format, "read_options": table.read_options},
        {
            "modality": encoded.modality,
            "options": prepared.encode_options.to_dict(),
            "input_rows": table.n_rows,
            "n": encoded.n,
            "d": encoded.d,
            "columns_used": encoded.columns_used,
            "one_hot": encoded.one_hot,
            "dropped_rows": encoded.dropped_rows,
            "content_sha256": matrix_split.content_sha256,
        },
        params.to_dict(encoded.n),
        {
            "n_train": len(train),
            "n_test": len(test),
            "test_content_sha256": matrix_split.test_content_sha256,
        },
        {"device": device},
    )


def _assemble_manifest(
    path: Path,
    input_format: dict[str, Any],
    encoding: dict[str, Any],
    parameters: dict[str, Any],
    split: dict[str, Any],
    info: dict[str, Any],
) -> dict[str, Any]:
    return {
        "schema": manifest_io.SCHEMA,
        "tool": {"name": "benchmake-cli", "version": __version__},
        "method": {"name": METHOD, "version": METHOD_VERSION, "parameters": parameters},
        "input": {
            "name": path.name,
            "path": None,
            "bytes": path.stat().st_size,
            "sha256": sha256_file(path),
            **input_format,
        },
        "encoding": encoding,
        "split": split,
        "files": {},
        "info": {**info, "python": platform.python_version(), "numpy": np.__version__},
    }


def write_split(
    prepared: Prepared,
    result: SplitResult,
    out: Path,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> Path:
    """Write indices, data subsets and the manifest into ``out`` (atomically)."""
    table = prepared.table
    train_name, test_name = data_file_names(table)
    steps: list[WriteStep] = [
        lambda folder: write_indices(folder / "train_indices.txt", result.train),
        lambda folder: write_indices(folder / "test_indices.txt", result.test),
        lambda folder: write_subset(table, result.train, folder / train_name),
        lambda folder: write_subset(table, result.test, folder / test_name),
    ]
    return _write_bundle(table.path, steps, result.manifest, out, force=force, progress=progress)


#: writes one or more files into the (staging) folder it is given
WriteStep = Callable[[Path], None]


def _write_bundle(
    input_path: Path,
    steps: list[WriteStep],
    manifest: dict[str, Any],
    out: Path,
    *,
    force: bool,
    progress: ProgressCallback | None,
) -> Path:
    """Run the write steps, then record every file's SHA-256 in the manifest, atomically."""
    report = progress or (lambda stage, done, total: None)
    with staged_folder(out, force) as staging:
        for done, step in enumerate(steps):
            report("write", done, len(steps))
            step(staging)
        manifest["files"] = {
            path.name: {"sha256": sha256_file(path), "bytes": path.stat().st_size}
            for path in sorted(staging.iterdir())
        }
        manifest["split"]["train_indices"] = "train_indices.txt"
        manifest["split"]["test_indices"] = "test_indices.txt"
        manifest["split"]["test_indices_sha256"] = manifest["files"]["test_indices.txt"]["sha256"]
        manifest["input"]["path"] = Path(
            os.path.relpath(input_path.resolve(), out.resolve().parent / out.name)
        ).as_posix()
        (staging / manifest_io.FILE_NAME).write_text(manifest_io.dumps(manifest), encoding="utf-8")
        report("write", len(steps), len(steps))
    return out


def work_folder(near: Path | None) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for spill files: beside ``near`` (the output folder) when given,
    else in the system's temporary folder (``TMPDIR``)."""
    parent = near.resolve().parent if near is not None else None
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".benchmake-shards-", dir=parent)


def _split_file_sharded(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    params: SplitParameters,
    *,
    threshold: int,
    shard_rows: int,
    out: Path | None,
    force: bool,
    device: str,
    threads: int | None,
    jobs: int,
    scheduler: str | None,
    progress: ProgressCallback | None,
    timer: float,
) -> SplitResult:
    """:func:`split_file` for an input above the sharding threshold, read in chunks."""
    if out is not None:
        check_output_folder(out, force)
    device_name, _xp, reason = resolve_device(device)
    with open_engine(jobs, scheduler) as engine, work_folder(out) as work:
        sharded = split_sharded(
            path,
            read_options,
            encode_options,
            params,
            shard_rows=shard_rows,
            threshold=threshold,
            engine=engine,
            work_dir=Path(work),
            device=device_name,
            threads=threads,
            progress=progress,
        )
    split_seconds = time.perf_counter() - timer
    manifest = sharded_manifest(path, encode_options, params, sharded, device_name)
    manifest["info"].update(engine.describe())
    notes = [reason] if device == "auto" else []
    result = SplitResult(
        train=sharded.train, test=sharded.test, manifest=manifest, out=None, notes=notes
    )
    if out is not None:
        train_name, test_name = data_file_names(sharded.format)
        steps: list[WriteStep] = [
            lambda folder: write_indices(folder / "train_indices.txt", sharded.train),
            lambda folder: write_indices(folder / "test_indices.txt", sharded.test),
            lambda folder: write_subsets_streamed(
                iter_chunks(path, read_options, CHUNK_ROWS),
                sharded.sides,
                {TRAIN: folder / train_name, TEST: folder / test_name},
            ),
        ]
        result.out = _write_bundle(path, steps, manifest, out, force=force, progress=progress)
    result.seconds = {"split": split_seconds, "total": time.perf_counter() - timer}
    return result


def sharded_manifest(
    path: Path,
    encode_options: EncodeOptions,
    params: SplitParameters,
    sharded: ShardedSplit,
    device: str,
) -> dict[str, Any]:
    """The manifest of a sharded split: the exact method's fields plus ``sharding``."""
    return _assemble_manifest(
        path,
        {"format": sharded.format, "read_options": sharded.read_options},
        {
            "modality": "tabular",
            "options": encode_options.to_dict(),
            "input_rows": sharded.input_rows,
            "n": sharded.n,
            "d": sharded.d,
            "columns_used": sharded.columns_used,
            "one_hot": {},
            "dropped_rows": sharded.dropped_rows,
            "content_sha256": sharded.content_sha256,
        },
        {**params.to_dict(sharded.n), "sharding": sharded.sharding},
        {
            "n_train": len(sharded.train),
            "n_test": len(sharded.test),
            "test_content_sha256": sharded.test_content_sha256,
        },
        {"device": device},
    )
