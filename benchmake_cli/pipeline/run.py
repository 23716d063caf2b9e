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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..bundle import manifest as manifest_io
from ..bundle.write import (
    FILE_MODES,
    check_output_folder,
    data_file_names,
    input_digest,
    sha256_file,
    staged_folder,
    write_indices,
    write_side,
    write_subsets_streamed,
)
from ..encode import Encoded, EncodeOptions, carried_columns, carried_hash, encode_table
from ..errors import ParameterError
from ..formats import ReadOptions, has_more_rows_than, iter_chunks, read_table, streamable
from ..formats.image_folder import parse_image_size
from ..formats.table import Table
from ..method.backend import is_out_of_memory
from ..method.factorize import estimate_bytes
from ..method.order import row_digests
from ..method.registry import DEFAULT_METHOD, MethodSplit, get_method, resolve_method_device
from ..method.split import ProgressCallback, SplitParameters
from .engines import open_engine
from .sharded import CHUNK_ROWS, TEST, TRAIN, ShardedSplit, split_sharded
from .shards import resolve_shard_rows

#: positions in the reference's hash order, written by ``--reference-indices``
REFERENCE_TEST_INDICES = "reference_test_indices.txt"
REFERENCE_TRAIN_INDICES = "reference_train_indices.txt"


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
    #: the test and training positions in the reference's hash order, as it returns them
    #: (``--method benchmake-1.1.2`` only)
    reference_test_positions: np.ndarray | None = None
    reference_train_positions: np.ndarray | None = None

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
    method: str = DEFAULT_METHOD,
    device: str = "cpu",
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    notes: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, MethodSplit, str]:
    """Split a prepared input with ``method``; returns (train rows, test rows, the method's
    split by encoded position, device used).

    The device is a speed choice only: a GPU that runs out of memory mid-run falls back to
    the CPU (noted in ``notes``) and gives the same split.
    """
    encoded = prepared.encoded
    chosen = get_method(method)
    k = chosen.check(encoded, params)
    needed = estimate_bytes(encoded.n, encoded.d, k, on_gpu=True)
    device_name, xp, reason = resolve_method_device(chosen, device, needed)
    if notes is not None and device == "auto":
        notes.append(reason)
    try:
        result = chosen.split(encoded, params, xp=xp, threads=threads, progress=progress)
    except Exception as error:
        if device_name != "gpu" or not is_out_of_memory(error):
            raise
        if notes is not None:
            notes.append("the GPU ran out of memory; finished on the CPU (same result)")
        device_name = "cpu"
        result = chosen.split(encoded, params, threads=threads, progress=progress)
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
    type: str = "auto",
    key: str | list[str] | None = None,
    target_key: str | list[str] | None = None,
    image_size: str | tuple[int, int] | None = None,
    mode: str | None = None,
    sequence_col: str | None = None,
    tokens: str = "chars",
    kmer: int = 1,
    resample: int | None = None,
    files: str = "list",
    iterations: int = SplitParameters.iterations,
    tol: float = SplitParameters.tol,
    seed: int = SplitParameters.seed,
    method: str = DEFAULT_METHOD,
    reference_indices: bool = False,
    device: str = "auto",
    threads: int | None = None,
    force: bool = False,
    progress: ProgressCallback | None = None,
    shard_rows: int | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
) -> SplitResult:
    """Split a data file or folder and, when ``out`` is given, write the split and its
    manifest there.

    ``type`` is ``auto`` or a modality (see :mod:`benchmake_cli.formats.modality`); ``key`` and
    ``target_key`` name NPZ/HDF5 arrays (a list, or comma-separated, is joined in order);
    ``image_size`` (``"64x64"``) and ``mode`` (``L``/``RGB``) decode images;
    ``sequence_col``, ``tokens``, ``kmer`` encode sequences; ``resample`` resamples signals;
    ``files`` (``list``, ``copy``, ``link``) says whether the files of an image or signal
    folder are only listed or also copied or linked into ``train/`` and ``test/``.
    ``method`` is ``benchmake-cli`` (default) or ``benchmake-1.1.2`` (the reference's split,
    reproduced exactly); ``reference_indices`` also writes ``reference_test_indices.txt``
    and ``reference_train_indices.txt``, the positions in the reference's hash order.

    With the default method, CSV/TSV, Parquet and NPY tables of more than 20,000 rows are
    split in shards (``shard_rows``; see :mod:`benchmake_cli.pipeline.shards`), read in chunks, on
    ``jobs`` local processes or on the Dask scheduler at ``scheduler`` (default:
    ``DASK_SCHEDULER_ADDRESS``, when set). Other inputs are read whole and split exactly; an
    explicit ``shard_rows`` that would shard them is refused.
    """
    timer = time.perf_counter()
    if files not in FILE_MODES:
        raise ParameterError(f"files={files!r}: use one of {', '.join(FILE_MODES)}")
    chosen = get_method(method)
    if reference_indices and not chosen.has_reference_indices:
        raise ParameterError(
            f"--reference-indices: --method {chosen.name} has no reference order; "
            "use it with --method benchmake-1.1.2"
        )
    _check_sharding_options(chosen.name, shard_rows, jobs, scheduler, chosen.shardable)
    read_options, encode_options = input_options(
        sep=sep,
        header=header,
        type=type,
        key=key,
        target_key=target_key,
        image_size=image_size,
        mode=mode,
        target=target,
        features=features,
        id_columns=id_columns,
        strict=strict,
        drop_missing=drop_missing,
        sequence_col=sequence_col,
        tokens=tokens,
        kmer=kmer,
        resample=resample,
    )
    params = SplitParameters(frac=frac, iterations=iterations, tol=tol, seed=seed)
    threshold, rows_per_shard = resolve_shard_rows(shard_rows)
    return split_as(
        Path(path),
        read_options,
        encode_options,
        params,
        method=chosen.name,
        threshold=threshold,
        shard_rows=rows_per_shard,
        shard_rows_given=shard_rows is not None,
        out=Path(out) if out is not None else None,
        force=force,
        files=files,
        reference_indices=reference_indices,
        device=device,
        threads=threads,
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        timer=timer,
    )


def input_options(
    *,
    sep: str | None = None,
    header: bool = True,
    type: str = "auto",
    key: str | list[str] | None = None,
    target_key: str | list[str] | None = None,
    image_size: str | tuple[int, int] | None = None,
    mode: str | None = None,
    target: str | None = None,
    features: list[str] | None = None,
    id_columns: list[str] | None = None,
    strict: bool = False,
    drop_missing: bool = False,
    sequence_col: str | None = None,
    tokens: str = "chars",
    kmer: int = 1,
    resample: int | None = None,
) -> tuple[ReadOptions, EncodeOptions]:
    """How to read and encode an input, from :func:`split_file`'s keyword options (the
    same options every command that reads data takes)."""
    read_options = ReadOptions(
        sep=sep,
        header=header,
        type=type,
        key=_keys(key),
        target_key=_keys(target_key),
        image_size=parse_image_size(image_size),
        mode=mode,
    )
    encode_options = EncodeOptions(
        target=target,
        features=tuple(features) if features is not None else None,
        id_columns=tuple(id_columns or ()),
        strict=strict,
        drop_missing=drop_missing,
        sequence_col=sequence_col,
        tokens=tokens,
        kmer=kmer,
        resample=resample,
    )
    return read_options, encode_options


def split_as(
    path: Path,
    read_options: ReadOptions,
    encode_options: EncodeOptions,
    params: SplitParameters,
    *,
    method: str = DEFAULT_METHOD,
    threshold: int,
    shard_rows: int,
    shard_rows_given: bool = False,
    out: Path | None = None,
    force: bool = False,
    files: str = "list",
    reference_indices: bool = False,
    device: str = "auto",
    threads: int | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    timer: float | None = None,
) -> SplitResult:
    """:func:`split_file` with its options gathered: how to read and encode the input, the
    method and its parameters, and when to shard (more than ``threshold`` rows, in shards of
    ``shard_rows``). ``verify`` calls it with the options a manifest records."""
    timer = time.perf_counter() if timer is None else timer
    chosen = get_method(method)
    streamed = (
        chosen.shardable and encode_options.sequence_col is None and streamable(path, read_options)
    )
    if streamed and has_more_rows_than(path, threshold, read_options):
        if files != "list":
            raise ParameterError(
                f"--{files}: applies to folders of images or signals, not {Path(path).name}"
            )
        return _split_file_sharded(
            path,
            read_options,
            encode_options,
            params,
            threshold=threshold,
            shard_rows=shard_rows,
            out=out,
            force=force,
            device=device,
            threads=threads,
            jobs=jobs,
            scheduler=scheduler,
            progress=progress,
            timer=timer,
            method=chosen.name,
        )
    prepared = prepare(path, read_options, encode_options)
    if files != "list" and prepared.table.format not in ("image-folder", "signal-folder"):
        raise ParameterError(
            f"--{files}: applies to folders of images or signals, not {prepared.table.path.name}"
        )
    notes: list[str] = []
    if not streamed and chosen.shardable and prepared.table.n_rows > threshold:
        if shard_rows_given:
            raise ParameterError(
                f"--shard-rows {shard_rows}: sharded splits read CSV, TSV, Parquet and NPY "
                f"tables in chunks; {prepared.table.path.name} is read as "
                f"{prepared.encoded.modality} ({prepared.table.format}): pass --shard-rows 0 "
                "to split it whole"
            )
        notes.append(
            f"not sharded: {prepared.table.path.name} is read as {prepared.encoded.modality} "
            f"({prepared.table.format}) and split whole with the exact method"
        )
    chosen.check(prepared.encoded, params)
    resolve_method_device(chosen, device)
    if out is not None:
        check_output_folder(out, force)
    read_seconds = time.perf_counter() - timer
    train, test, method_split, device_name = compute_split(
        prepared,
        params,
        method=method,
        device=device,
        threads=threads,
        progress=progress,
        notes=notes,
    )
    split_seconds = time.perf_counter() - timer - read_seconds
    manifest = build_manifest(prepared, chosen.name, method_split, train, test, device_name)
    result = SplitResult(
        train=train,
        test=test,
        manifest=manifest,
        out=None,
        notes=notes,
        reference_test_positions=method_split.reference_test_positions,
        reference_train_positions=method_split.reference_train_positions,
    )
    if out is not None:
        result.out = write_split(
            prepared,
            result,
            out,
            force=force,
            files=files,
            progress=progress,
            reference_indices=reference_indices,
        )
    result.seconds = {
        "read": read_seconds,
        "split": split_seconds,
        "total": time.perf_counter() - timer,
    }
    return result


def build_manifest(
    prepared: Prepared,
    method: str,
    method_split: MethodSplit,
    train: np.ndarray,
    test: np.ndarray,
    device: str,
) -> dict[str, Any]:
    """The manifest of a split (``input.path`` and ``files`` are filled in when written)."""
    table, encoded = prepared.table, prepared.encoded
    carried = carried_hash(row_digests(encoded.X), encoded.carried)
    return _assemble_manifest(
        table.path,
        method,
        method_split.parameters,
        {
            "format": table.format,
            "read_options": table.read_options,
            **({"details": table.info} if table.info else {}),
        },
        {
            "modality": encoded.modality,
            "options": prepared.encode_options.to_dict(),
            "input_rows": table.n_rows,
            "n": encoded.n,
            "d": encoded.d,
            "columns_used": encoded.columns_used,
            "one_hot": encoded.one_hot,
            "dropped_rows": encoded.dropped_rows,
            "content_sha256": method_split.content_sha256,
            "carried_columns": carried_columns(table, encoded),
            "carried_sha256": carried,
            **({"parameters": encoded.parameters} if encoded.parameters else {}),
        },
        {
            "n_train": len(train),
            "n_test": len(test),
            "test_content_sha256": method_split.test_content_sha256,
        },
        {"device": device, **method_split.info},
    )


def _assemble_manifest(
    path: Path,
    method: str,
    parameters: dict[str, Any],
    input_format: dict[str, Any],
    encoding: dict[str, Any],
    split: dict[str, Any],
    info: dict[str, Any],
) -> dict[str, Any]:
    size, digest = input_digest(path)
    chosen = get_method(method)
    return {
        "schema": manifest_io.SCHEMA,
        "tool": {"name": "benchmake-cli", "version": __version__},
        "method": {"name": chosen.name, "version": chosen.version, "parameters": parameters},
        "input": {
            "name": path.name,
            "path": None,
            "bytes": size,
            "sha256": digest,
            **input_format,
        },
        "encoding": encoding,
        "split": split,
        "files": {},
        "info": {
            "device": info["device"],
            "python": platform.python_version(),
            "numpy": np.__version__,
            **{key: value for key, value in info.items() if key != "device"},
        },
    }


def write_split(
    prepared: Prepared,
    result: SplitResult,
    out: Path,
    *,
    force: bool = False,
    files: str = "list",
    progress: ProgressCallback | None = None,
    reference_indices: bool = False,
) -> Path:
    """Write indices, data subsets and the manifest into ``out`` (atomically); with
    ``reference_indices``, also the positions as the reference returns them."""
    report = progress or (lambda stage, done, total: None)
    table = prepared.table
    with staged_folder(out, force) as staging:
        report("write", 0, 4)
        write_indices(staging / "train_indices.txt", result.train)
        write_indices(staging / "test_indices.txt", result.test)
        written = ["train_indices.txt", "test_indices.txt"]
        reference = (result.reference_test_positions, result.reference_train_positions)
        if reference_indices:
            if reference[0] is None or reference[1] is None:
                raise ParameterError(
                    "--reference-indices: this split has no reference order; "
                    "use it with --method benchmake-1.1.2"
                )
            write_indices(staging / REFERENCE_TEST_INDICES, reference[0])
            write_indices(staging / REFERENCE_TRAIN_INDICES, reference[1])
            written += [REFERENCE_TEST_INDICES, REFERENCE_TRAIN_INDICES]
        report("write", 2, 4)
        written += write_side(table, result.train, staging, "train", files)
        report("write", 3, 4)
        written += write_side(table, result.test, staging, "test", files)
        manifest = result.manifest
        if files != "list":
            manifest["split"]["files"] = files
        if reference_indices:
            manifest["split"]["reference_test_indices"] = REFERENCE_TEST_INDICES
            manifest["split"]["reference_train_indices"] = REFERENCE_TRAIN_INDICES
        _finish_bundle(staging, written, manifest, table.path, out)
        report("write", 4, 4)
    return out


def _finish_bundle(
    staging: Path, written: list[str], manifest: dict[str, Any], input_path: Path, out: Path
) -> None:
    """Record every written file's SHA-256 in the manifest and write the manifest."""
    hashes: dict[str, dict[str, Any]] = {
        name: {"sha256": sha256_file(staging / name), "bytes": (staging / name).stat().st_size}
        for name in written
    }
    manifest["files"] = hashes
    manifest["split"]["train_indices"] = "train_indices.txt"
    manifest["split"]["test_indices"] = "test_indices.txt"
    manifest["split"]["test_indices_sha256"] = hashes["test_indices.txt"]["sha256"]
    manifest["input"]["path"] = Path(
        os.path.relpath(input_path.resolve(), out.resolve().parent / out.name)
    ).as_posix()
    (staging / manifest_io.FILE_NAME).write_text(manifest_io.dumps(manifest), encoding="utf-8")


def _check_sharding_options(
    method: str, shard_rows: int | None, jobs: int, scheduler: str | None, shardable: bool
) -> None:
    """Sharding is part of the shardable methods only: the reference method is never sharded
    (it reproduces benchmake 1.1.2, which splits the whole input at once)."""
    if shardable:
        return
    for option, given in (
        ("--shard-rows", shard_rows not in (None, 0)),
        ("--jobs", jobs != 1),
        ("--scheduler", scheduler is not None),
    ):
        if given:
            raise ParameterError(
                f"{option}: sharded splits are part of --method {DEFAULT_METHOD} only; "
                f"--method {method} splits the whole input, like the reference"
            )


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
    method: str = DEFAULT_METHOD,
) -> SplitResult:
    """:func:`split_file` for a table above the sharding threshold, read in chunks."""
    if out is not None:
        check_output_folder(out, force)
    device_name, _xp, reason = resolve_method_device(get_method(method), device)
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
            method=method,
        )
    split_seconds = time.perf_counter() - timer
    manifest = sharded_manifest(path, encode_options, sharded, device_name, method)
    manifest["info"].update(engine.describe())
    notes = [reason] if device == "auto" else []
    result = SplitResult(
        train=sharded.train, test=sharded.test, manifest=manifest, out=None, notes=notes
    )
    if out is not None:
        result.out = _write_sharded(path, read_options, sharded, manifest, out, force, progress)
    result.seconds = {"split": split_seconds, "total": time.perf_counter() - timer}
    return result


def _write_sharded(
    path: Path,
    read_options: ReadOptions,
    sharded: ShardedSplit,
    manifest: dict[str, Any],
    out: Path,
    force: bool,
    progress: ProgressCallback | None,
) -> Path:
    """Write a sharded split: indices, then the data subsets streamed chunk by chunk."""
    report = progress or (lambda stage, done, total: None)
    train_name, test_name = data_file_names(sharded.format)
    with staged_folder(out, force) as staging:
        report("write", 0, 3)
        write_indices(staging / "train_indices.txt", sharded.train)
        write_indices(staging / "test_indices.txt", sharded.test)
        report("write", 1, 3)
        write_subsets_streamed(
            iter_chunks(path, read_options, CHUNK_ROWS),
            sharded.sides,
            {TRAIN: staging / train_name, TEST: staging / test_name},
        )
        written = ["train_indices.txt", "test_indices.txt", train_name, test_name]
        _finish_bundle(staging, sorted(written), manifest, path, out)
        report("write", 3, 3)
    return out


def sharded_manifest(
    path: Path,
    encode_options: EncodeOptions,
    sharded: ShardedSplit,
    device: str,
    method: str = DEFAULT_METHOD,
) -> dict[str, Any]:
    """The manifest of a sharded split: the method's fields plus ``sharding`` in
    ``method.parameters``."""
    return _assemble_manifest(
        path,
        method,
        sharded.parameters,
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
            "carried_columns": sharded.carried_columns,
            "carried_sha256": sharded.carried_sha256,
        },
        {
            "n_train": len(sharded.train),
            "n_test": len(sharded.test),
            "test_content_sha256": sharded.test_content_sha256,
        },
        {"device": device},
    )


def _keys(keys: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """``"a,b"`` or ``["a", "b"]`` → ``("a", "b")``."""
    if keys is None:
        return None
    parts = keys.split(",") if isinstance(keys, str) else list(keys)
    cleaned = tuple(part.strip() for part in parts if part.strip())
    if not cleaned:
        raise ParameterError(f"--key {keys!r}: name at least one array")
    return cleaned
